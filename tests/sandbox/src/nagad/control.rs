//! Nagad's sandbox-only control routes under `/__control`: the statement export, the
//! settings tests may flip (SHA-1 leniency), and send money for ops review. None of this is
//! a Nagad API.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{statement, transfers};
use crate::Shared;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/statements/nagad/{date}", get(statement::export))
        .route("/nagad/settings", get(settings).put(set_settings))
        .route("/nagad/send_money", post(transfers::send_money))
        .route("/nagad/transfers", get(transfers::list))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// B.3: accept SHA1withRSA request signatures besides SHA-256 (default true).
    accept_sha1_signatures: Option<bool>,
}

fn current(s: &Shared) -> Response {
    Json(json!({"accept_sha1_signatures": s.nagad.accept_sha1.load(Ordering::Relaxed)})).into_response()
}

async fn settings(State(s): State<Shared>) -> Response {
    current(&s)
}

async fn set_settings(State(s): State<Shared>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Settings>(&body) {
        Ok(new) => {
            if let Some(v) = new.accept_sha1_signatures {
                s.nagad.accept_sha1.store(v, Ordering::Relaxed);
            }
            current(&s)
        }
        Err(_) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "body must be {\"accept_sha1_signatures\": true|false}"})),
        )
            .into_response(),
    }
}
