//! The control API under `/__control/` (a prefix neither provider uses): faults, the ledger,
//! reply variants, reset, the clock, the settlement statements tests reconcile against, and
//! each provider's and the SMS stand-in's own helpers.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bdpay_shared::provider::Provider;
use serde::Deserialize;
use serde_json::json;

use crate::faults::FaultRule;
use crate::variants::VariantRule;
use crate::Shared;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/faults", post(add_fault).get(list_faults).delete(clear_faults))
        .route("/variants", post(add_variant).get(list_variants).delete(clear_variants))
        .route("/ledger", get(ledger))
        .route("/reset", post(reset))
        .route("/clock", post(clock))
        .merge(crate::bkash::control_router())
        .merge(crate::nagad::control_router())
        .merge(crate::sms::control_router())
}

fn bad(msg: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg.into()}))).into_response()
}

async fn add_fault(State(s): State<Shared>, body: axum::body::Bytes) -> Response {
    let rule: FaultRule = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad(format!("fault rule: {e}")),
    };
    if let Err(e) = rule.validate() {
        return bad(e);
    }
    s.faults.add(rule);
    (StatusCode::CREATED, Json(json!({"faults": s.faults.list()}))).into_response()
}

async fn add_variant(State(s): State<Shared>, body: axum::body::Bytes) -> Response {
    let rule: VariantRule = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad(format!("variant rule: {e}")),
    };
    if let Err(e) = rule.validate() {
        return bad(e);
    }
    s.variants.add(rule);
    (StatusCode::CREATED, Json(json!({"variants": s.variants.list()}))).into_response()
}

async fn list_variants(State(s): State<Shared>) -> Response {
    Json(json!({"variants": s.variants.list()})).into_response()
}

async fn clear_variants(State(s): State<Shared>) -> Response {
    s.variants.clear();
    Json(json!({"variants": []})).into_response()
}

async fn list_faults(State(s): State<Shared>) -> Response {
    Json(json!({"faults": s.faults.list()})).into_response()
}

async fn clear_faults(State(s): State<Shared>) -> Response {
    s.faults.clear();
    Json(json!({"faults": []})).into_response()
}

#[derive(Deserialize)]
struct LedgerQuery {
    provider: Option<Provider>,
    op: Option<String>,
    reference: Option<String>,
}

async fn ledger(
    State(s): State<Shared>,
    q: Result<Query<LedgerQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return bad("provider must be bkash or nagad");
    };
    Json(json!({"entries": s.ledger.entries(q.provider, q.op.as_deref(), q.reference.as_deref())})).into_response()
}

async fn reset(State(s): State<Shared>) -> Response {
    s.reset();
    Json(json!({"reset": true})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    advance_secs: i64,
}

async fn clock(State(s): State<Shared>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<ClockBody>(&body) {
        Ok(b) if (0..=400 * 86_400).contains(&b.advance_secs) => {
            s.clock.advance_ms(b.advance_secs * 1000);
            Json(json!({"now_ms": s.clock.now_ms()})).into_response()
        }
        _ => bad("body must be {\"advance_secs\": 0..=34560000}"),
    }
}
