//! The gate every bKash API call passes, in bKash's order: injected faults, then API Gateway
//! (token, 401; body, envelope 4), then bKash's own checks (X-APP-Key of the token's
//! credential set, 2001).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bdpay_shared::provider::Provider;
use serde_json::{json, Map, Value};

use super::choices::Credential;
use super::errors::{self, Flavor};
use super::record;
use crate::ledger::Record;
use crate::Shared;

/// A handler's early answer.
pub type Early = Response;

/// What the faults leave a handler that goes on: whether its answer is to be lost.
#[derive(Clone, Copy, Debug, Default)]
pub struct Go {
    answer_lost: bool,
}

impl Go {
    /// Gives `response` back, after `Config::hang` when the answer is to be lost (the work is
    /// done; the caller has given up waiting).
    pub async fn answer(self, s: &Shared, response: Response) -> Response {
        if self.answer_lost {
            tokio::time::sleep(s.config.hang).await;
        }
        response
    }
}

/// Faults first (A.15): sleeps injected latency; answers an injected status, code, outage or hang.
pub async fn faults(s: &Shared, op: &'static str, flavor: Flavor) -> Result<Go, Early> {
    faults_for(s, op, flavor, None).await
}

/// [`faults`] for a call about `reference` (create: the `merchantInvoiceNumber`), so a rule
/// naming it hits only that payment's calls.
pub async fn faults_for(s: &Shared, op: &'static str, flavor: Flavor, reference: Option<&str>) -> Result<Go, Early> {
    let Some(fault) = s.faults.enter_for(Provider::Bkash, op, reference, s.config.hang).await else {
        return Ok(Go::default());
    };
    if fault == crate::faults::Injected::AnswerLost {
        return Ok(Go { answer_lost: true });
    }
    match errors::injected(flavor, &fault) {
        Some(response) => {
            let detail = json!({"fault": format!("{fault:?}"), "status": response.status().as_u16()});
            record(
                s,
                Record {
                    op,
                    outcome: "fault".into(),
                    detail: Some(detail),
                    ..Record::default()
                },
            );
            Err(response)
        }
        None => Ok(Go::default()),
    }
}

/// The id_token in `Authorization`, raw or after `Bearer ` (A.2); empty when absent.
pub fn bearer(headers: &HeaderMap) -> &str {
    let raw = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim();
    match raw.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => raw.get(7..).unwrap_or("").trim(),
        _ => raw,
    }
}

/// The `X-APP-Key` header; empty when absent.
pub fn app_key(headers: &HeaderMap) -> &str {
    headers.get("x-app-key").and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The id_token (A.2), then `X-APP-Key` (A.3): it must be the key of the credential set the
/// token was granted for (A.18), else 2001. Gives that credential set.
pub fn authorize(s: &Shared, headers: &HeaderMap, flavor: Flavor) -> Result<&'static Credential, Early> {
    let token = bearer(headers);
    let Some(credential) = s.bkash.token_credential(token, s.clock.now_ms()) else {
        return Err(errors::unauthorized());
    };
    if app_key(headers) != credential.app_key {
        return Err(errors::in_flavor(flavor, "2001"));
    }
    Ok(credential)
}

/// The body as a JSON object; anything else is API Gateway's envelope 4.
pub fn object(body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, Early> {
    let bytes = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(errors::gateway(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long"));
        }
        Err(_) => return Err(errors::bad_body()),
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(errors::bad_body()),
    }
}

/// A string field: absent or `null` → `None`; any other JSON type fails the gateway's schema.
pub fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, Early> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(errors::bad_body()),
    }
}

/// A mandatory, non-empty string field; missing → 2065 in the route's envelope.
pub fn required<'a>(map: &'a Map<String, Value>, key: &str, flavor: Flavor) -> Result<&'a str, Early> {
    match text(map, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(errors::in_flavor(flavor, "2065")),
    }
}
