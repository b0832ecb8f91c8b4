//! A stand-in for a Bangladeshi bulk-SMS gateway (docs/providers.md Part D, all [our
//! choice]), for the edge's P1 alerts: BulkSMSBD's shape,
//! `GET|POST /sms/api/smsapi?api_key=…&type=text&number=8801…&senderid=…&message=…`,
//! answering `{"response_code":202,"message_id":…,…}`. Every accepted message is recorded;
//! tests read and clear them with `GET`/`DELETE /__control/sms`.

mod api;
pub mod choices;

use std::sync::{Mutex, MutexGuard};

use axum::extract::DefaultBodyLimit;
use axum::extract::State as Extract;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::json;

use crate::clock::rfc3339;
use crate::Shared;

/// One accepted message to one recipient.
#[derive(Clone, Debug)]
pub struct Message {
    /// `8801XXXXXXXXX`.
    pub to: String,
    pub text: String,
    pub at_ms: i64,
}

#[derive(Default)]
struct Inner {
    messages: Vec<Message>,
    /// The last `message_id` answered; counts up from 1 after each reset.
    last_id: u64,
}

/// The messages the stand-in accepted.
#[derive(Default)]
pub struct State {
    inner: Mutex<Inner>,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records `text` to every recipient at `at_ms`; gives the request's one `message_id`.
    fn accept(&self, to: Vec<String>, text: &str, at_ms: i64) -> u64 {
        let mut inner = self.lock();
        inner.last_id += 1;
        inner.messages.extend(to.into_iter().map(|to| Message {
            to,
            text: text.to_owned(),
            at_ms,
        }));
        inner.last_id
    }

    pub fn messages(&self) -> Vec<Message> {
        self.lock().messages.clone()
    }

    /// Forgets the messages (`DELETE /__control/sms`); ids go on counting.
    pub fn clear(&self) {
        self.lock().messages.clear();
    }

    /// Forgets every message; ids count from 1 again (`/__control/reset`).
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

/// Routes under `/sms`.
pub fn router() -> Router<Shared> {
    Router::new()
        .route(choices::SEND_PATH, get(api::send).post(api::send))
        .route("/{*rest}", any(not_found))
        .layer(DefaultBodyLimit::max(choices::BODY_LIMIT))
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": "no such SMS gateway path"})),
    )
        .into_response()
}

/// `/__control/sms`: the accepted messages (`GET`), or forget them (`DELETE`).
pub fn control_router() -> Router<Shared> {
    Router::new().route("/sms", get(list).delete(clear))
}

async fn list(Extract(s): Extract<Shared>) -> Response {
    let messages: Vec<_> = s
        .sms
        .messages()
        .into_iter()
        .map(|m| json!({"to": m.to, "text": m.text, "at": rfc3339(m.at_ms)}))
        .collect();
    Json(json!({"messages": messages})).into_response()
}

async fn clear(Extract(s): Extract<Shared>) -> Response {
    s.sms.clear();
    Json(json!({"messages": []})).into_response()
}
