//! bKash's answers that are not a success, in the envelope each route uses (docs/providers.md A.3),
//! and injected faults turned into them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::wire::bkash::{status_message, GatewayEnvelope, RefundErrorEnvelope, StatusEnvelope};

use crate::faults::Injected;

/// Which envelope a route answers errors in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Tokenized endpoints: HTTP 200 + `statusCode` (envelope 1).
    Tokenized,
    /// Refund v2: HTTP 400 + `internalCode`/`externalCode` (envelope 3).
    RefundV2,
}

/// Envelope 1: HTTP 200 `{"statusCode","statusMessage"}`.
pub fn code(c: &str) -> Response {
    let message = status_message(c).unwrap_or("Process failed").to_owned();
    Json(StatusEnvelope {
        status_code: c.to_owned(),
        status_message: message,
    })
    .into_response()
}

/// Envelope 1 with a message of our own (e.g. 9999's "Username does not exist").
pub fn code_with(c: &str, message: &str) -> Response {
    Json(StatusEnvelope {
        status_code: c.to_owned(),
        status_message: message.to_owned(),
    })
    .into_response()
}

/// Envelope 3: HTTP 400, refund v2 only.
pub fn refund(c: &str) -> Response {
    let (internal, bn) = match c {
        "2002" => ("invalid_payment_id", "পেমেন্ট আইডি সঠিক নয়"),
        "2065" => ("mandatory_field_missing", "প্রয়োজনীয় তথ্য দেওয়া হয়নি"),
        "2071" => ("refund_window_expired", "নির্ধারিত দিনের পরে রিফান্ড করা যায় না"),
        "2072" => ("invalid_refund_amount", "রিফান্ডের পরিমাণ সঠিক নয়"),
        "2073" => ("invalid_sku", "এসকেইউ সঠিক নয়"),
        "2074" => ("transaction_not_reversible", "এই লেনদেনটি আর ফেরত দেওয়া যাবে না"),
        "2075" => ("sku_too_long", "এসকেইউ অনেক লম্বা"),
        "2076" => ("reason_too_long", "কারণটি অনেক লম্বা"),
        "2077" => ("invalid_trx_id", "ট্রানজ্যাকশন আইডি সঠিক নয়"),
        "2078" => ("invalid_reason", "কারণটি সঠিক নয়"),
        "2127" => ("transaction_not_completed", "লেনদেনটি এখনও সম্পন্ন হয়নি"),
        "2033" => ("transaction_not_found", "লেনদেনটি পাওয়া যায়নি"),
        _ => ("process_failed", "অনুরোধটি সম্পন্ন করা যায়নি"),
    };
    let body = RefundErrorEnvelope {
        internal_code: internal.to_owned(),
        external_code: c.to_owned(),
        error_message_en: status_message(c).unwrap_or("Process failed").to_owned(),
        error_message_bn: bn.to_owned(),
    };
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// A tokenized or refund code, whichever envelope the route speaks.
pub fn in_flavor(flavor: Flavor, c: &str) -> Response {
    match flavor {
        Flavor::Tokenized => code(c),
        Flavor::RefundV2 => refund(c),
    }
}

/// Envelope 4: AWS API Gateway's `{"message"}` with its status.
pub fn gateway(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(GatewayEnvelope {
            message: message.to_owned(),
        }),
    )
        .into_response()
}

pub fn unauthorized() -> Response {
    gateway(StatusCode::UNAUTHORIZED, "Unauthorized")
}

pub fn bad_body() -> Response {
    gateway(StatusCode::BAD_REQUEST, "Invalid request body")
}

pub fn too_many() -> Response {
    gateway(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests")
}

/// A path (or method) the gateway does not route: 403, as API Gateway answers.
pub async fn missing_token() -> Response {
    gateway(StatusCode::FORBIDDEN, "Missing Authentication Token")
}

/// An injected fault as bKash's side would show it; `None` for webhook-only faults.
pub fn injected(flavor: Flavor, fault: &Injected) -> Option<Response> {
    Some(match fault {
        Injected::Hung => gateway(StatusCode::GATEWAY_TIMEOUT, "Endpoint request timed out"),
        Injected::Down => gateway(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"),
        Injected::Code(c) => in_flavor(flavor, c),
        Injected::Code200(c) => {
            let mut response = in_flavor(flavor, c);
            *response.status_mut() = StatusCode::OK;
            response
        }
        Injected::Status(s) => {
            let status = StatusCode::from_u16(*s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = match status {
                StatusCode::UNAUTHORIZED => "Unauthorized",
                StatusCode::FORBIDDEN => "Forbidden",
                StatusCode::TOO_MANY_REQUESTS => "Too Many Requests",
                StatusCode::BAD_GATEWAY => "Bad Gateway",
                StatusCode::SERVICE_UNAVAILABLE => "Service Unavailable",
                StatusCode::GATEWAY_TIMEOUT => "Endpoint request timed out",
                s if s.is_server_error() => "Internal server error",
                _ => "Invalid request body",
            };
            gateway(status, message)
        }
        Injected::WebhookDrop | Injected::WebhookDuplicate | Injected::AnswerLost => return None,
    })
}
