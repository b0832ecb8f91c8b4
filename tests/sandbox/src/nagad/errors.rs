//! Nagad's answers that are not a success: `{"reason","message"}` with HTTP 400 for the
//! sandbox's own checks (B.10 [our choice]), and injected faults as Nagad's side shows them.

use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::nagad::{reason, ErrorBody};

use crate::faults::Injected;
use crate::Shared;

/// A refused API call: an HTTP status and a B.10 reason code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    pub status: StatusCode,
    pub reason: &'static str,
}

impl Reject {
    /// HTTP 400 with `reason` (all of the sandbox's own checks).
    pub const fn bad(reason: &'static str) -> Reject {
        Reject {
            status: StatusCode::BAD_REQUEST,
            reason,
        }
    }

    /// Our own failure (sealing a reply): HTTP 500, 16_0006_056.
    pub const fn internal() -> Reject {
        Reject {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            reason: reason::ENCRYPTION_FAILED,
        }
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody::of(self.reason))).into_response()
    }
}

/// What an upstream proxy answers when Nagad is down or stalls: HTML, not Nagad's JSON.
fn proxy_page(status: StatusCode, title: &str) -> Response {
    let body = format!("<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>");
    (status, [(CONTENT_TYPE, "text/html")], body).into_response()
}

/// An injected fault on an API route; `None` for webhook-only faults (the call proceeds).
pub fn injected(fault: &Injected) -> Option<Response> {
    Some(match fault {
        Injected::Hung => proxy_page(StatusCode::GATEWAY_TIMEOUT, "504 Gateway Time-out"),
        Injected::Down => proxy_page(StatusCode::SERVICE_UNAVAILABLE, "503 Service Temporarily Unavailable"),
        Injected::Code(code) | Injected::Code200(code) => {
            let message = reason::message(code).unwrap_or("Request failed").to_owned();
            (
                if matches!(fault, Injected::Code200(_)) {
                    StatusCode::OK
                } else {
                    StatusCode::BAD_REQUEST
                },
                Json(ErrorBody {
                    reason: code.clone(),
                    message,
                }),
            )
                .into_response()
        }
        Injected::Status(n) => {
            let status = StatusCode::from_u16(*n).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let code = if status.is_server_error() {
                reason::COULD_NOT_PERSIST
            } else {
                reason::INVALID_REQUEST
            };
            (status, Json(ErrorBody::of(code))).into_response()
        }
        Injected::WebhookDrop | Injected::WebhookDuplicate | Injected::AnswerLost => return None,
    })
}

/// Call first in every API handler: `Some(response)` means answer that instead.
pub async fn enter(s: &Shared, op: &str) -> Option<Response> {
    let fault = s.faults.enter(Provider::Nagad, op, s.config.hang).await?;
    injected(&fault)
}

/// [`enter`] for a handler that knows which payment the call is about (`paymentRefId`):
/// rules naming another payment pass it by.
pub async fn enter_for(s: &Shared, op: &str, reference: &str) -> Option<Response> {
    let fault = s
        .faults
        .enter_for(Provider::Nagad, op, Some(reference), s.config.hang)
        .await?;
    injected(&fault)
}

/// [`enter`] for a handler that honours `answer_lost`: `Ok(true)` means do the work, then
/// hold the answer past the client's timeout ([`hold_answer`]).
pub async fn enter_lossy(s: &Shared, op: &str) -> Result<bool, Response> {
    match s.faults.enter(Provider::Nagad, op, s.config.hang).await {
        Some(Injected::AnswerLost) => Ok(true),
        Some(fault) => injected(&fault).map_or(Ok(false), Err),
        None => Ok(false),
    }
}

/// Gives `response` back, after `Config::hang` when its answer is to be lost.
pub async fn hold_answer(s: &Shared, lost: bool, response: Response) -> Response {
    if lost {
        tokio::time::sleep(s.config.hang).await;
    }
    response
}

/// Unknown path or method under `/nagad`.
pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(ErrorBody::of(reason::INVALID_REQUEST))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_map_to_nagads_shapes() {
        let status = |f: Injected| injected(&f).map(|r| r.status().as_u16());
        assert_eq!(status(Injected::Hung), Some(504));
        assert_eq!(status(Injected::Down), Some(503));
        assert_eq!(status(Injected::Status(502)), Some(502));
        assert_eq!(status(Injected::Code("16_0006_075".into())), Some(400));
        assert_eq!(status(Injected::WebhookDrop), None);
    }
}
