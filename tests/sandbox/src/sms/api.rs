//! `GET|POST /sms/api/smsapi` (docs/providers.md Part D): parameters from the query string
//! and, for a POST, from its form or JSON body (the body's win); checked in a fixed order;
//! answered with HTTP 200 and a `response_code`, as bulk-SMS gateways do.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::choices::{self, BAD_API_KEY, INVALID_NUMBER, MISSING_FIELD, SUBMITTED};
use crate::faults::Injected;
use crate::Shared;

/// The send parameters (BulkSMSBD's names); unknown ones are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Params {
    api_key: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    number: Option<String>,
    senderid: Option<String>,
    message: Option<String>,
}

impl Params {
    /// `other`'s fields where it has them.
    fn overlay(self, other: Params) -> Params {
        Params {
            api_key: other.api_key.or(self.api_key),
            kind: other.kind.or(self.kind),
            number: other.number.or(self.number),
            senderid: other.senderid.or(self.senderid),
            message: other.message.or(self.message),
        }
    }
}

/// The gateway's JSON answer (HTTP 200 unless `status` says otherwise).
fn answer(status: StatusCode, code: u32, message_id: Option<u64>) -> Response {
    let body = match message_id {
        Some(id) => json!({
            "response_code": code,
            "message_id": id,
            "success_message": choices::SUBMITTED_MESSAGE,
            "error_message": "",
        }),
        None => json!({
            "response_code": code,
            "success_message": "",
            "error_message": choices::error_message(code),
        }),
    };
    (status, Json(body)).into_response()
}

fn refuse(code: u32) -> Response {
    answer(StatusCode::OK, code, None)
}

/// A POST body's parameters: a JSON object (strings, or a number for `number`) or a form.
async fn body_params(headers: &HeaderMap, body: Bytes) -> Params {
    if body.is_empty() {
        return Params::default();
    }
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.contains("json") {
        let map: Map<String, Value> = serde_json::from_slice(&body).unwrap_or_default();
        let field = |k: &str| match map.get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        return Params {
            api_key: field("api_key"),
            kind: field("type"),
            number: field("number"),
            senderid: field("senderid"),
            message: field("message"),
        };
    }
    let form = Request::builder()
        .method(Method::POST)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body));
    match form {
        Ok(req) => Form::<Params>::from_request(req, &())
            .await
            .map(|Form(p)| p)
            .unwrap_or_default(),
        Err(_) => Params::default(),
    }
}

/// An injected fault as the gateway (or the proxy in front of it) would show it; `None`
/// lets the call go on.
fn injected(fault: &Injected) -> Option<Response> {
    let text = |status: StatusCode, body: &'static str| Some((status, body).into_response());
    match fault {
        Injected::Down => text(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"),
        Injected::Hung => text(StatusCode::GATEWAY_TIMEOUT, "Gateway Time-out"),
        Injected::Status(n) => Some(answer(
            StatusCode::from_u16(*n).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            1005,
            None,
        )),
        Injected::Code(c) | Injected::Code200(c) => Some(refuse(c.parse().unwrap_or(1005))),
        Injected::AnswerLost | Injected::WebhookDrop | Injected::WebhookDuplicate => None,
    }
}

pub async fn send(
    State(s): State<Shared>,
    method: Method,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let fault = s.faults.enter_sms(s.config.hang).await;
    if let Some(early) = fault.as_ref().and_then(injected) {
        return early;
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => return (e.status(), "Request Entity Too Large").into_response(),
    };
    let mut params = query.map(|Query(q)| q).unwrap_or_default();
    if method == Method::POST {
        params = params.overlay(body_params(&headers, body).await);
    }
    let response = decide(&s, params);
    if fault == Some(Injected::AnswerLost) {
        tokio::time::sleep(s.config.hang).await;
    }
    response
}

/// The checks in order: `api_key` present (1003), right (1002); the other fields present
/// and `type` known (1003); every number a Bangladeshi mobile (1001). Then it is recorded.
fn decide(s: &Shared, p: Params) -> Response {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let Some(api_key) = given(&p.api_key) else {
        return refuse(MISSING_FIELD);
    };
    if api_key != choices::API_KEY {
        return refuse(BAD_API_KEY);
    }
    let (Some(kind), Some(numbers), Some(_sender), Some(text)) = (
        given(&p.kind),
        given(&p.number),
        given(&p.senderid),
        p.message.filter(|m| !m.trim().is_empty()),
    ) else {
        return refuse(MISSING_FIELD);
    };
    if !choices::TYPES.contains(&kind.as_str()) {
        return refuse(MISSING_FIELD);
    }
    let Some(to) = numbers
        .split(',')
        .map(|n| choices::recipient(n.trim()))
        .collect::<Option<Vec<String>>>()
    else {
        return refuse(INVALID_NUMBER);
    };
    let id = s.sms.accept(to, &text, s.clock.now_ms());
    answer(StatusCode::OK, SUBMITTED, Some(id))
}
