//! `POST /token/grant` and `/token/refresh` (docs/providers.md A.2): the published sandbox
//! credentials, a 3600 s id_token, a 28-day refresh_token, and a budget of token calls per
//! rolling hour past which the gateway answers 429.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::wire::bkash::{status_message, TokenResponse, SUCCESS};
use serde_json::json;

use super::errors::{self, Flavor};
use super::store::new_token;
use super::{api, choices, record};
use crate::ledger::Record;
use crate::Shared;

const HOUR_MS: i64 = 3600 * 1000;

impl super::State {
    /// Counts a token call against the rolling-hour budget; false when it is spent.
    fn spend_token_call(&self, now_ms: i64, budget: u32) -> bool {
        let mut inner = self.lock();
        while inner.token_calls.front().is_some_and(|t| *t <= now_ms - HOUR_MS) {
            inner.token_calls.pop_front();
        }
        if inner.token_calls.len() >= budget as usize {
            return false;
        }
        inner.token_calls.push_back(now_ms);
        true
    }

    pub(crate) fn token_is_live(&self, token: &str, now_ms: i64) -> bool {
        self.lock().tokens.get(token).is_some_and(|exp| *exp > now_ms)
    }
}

pub async fn grant(State(s): State<Shared>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    match issue(&s, &headers, body, false).await {
        Ok(r) | Err(r) => r,
    }
}

pub async fn refresh(State(s): State<Shared>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    match issue(&s, &headers, body, true).await {
        Ok(r) | Err(r) => r,
    }
}

async fn issue(
    s: &Shared,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    refresh: bool,
) -> Result<Response, Response> {
    let op = if refresh { "refresh" } else { "grant" };
    api::faults(s, op, Flavor::Tokenized).await?;
    let now = s.clock.now_ms();
    let fail = |outcome: &str| {
        record(
            s,
            Record {
                op,
                outcome: outcome.into(),
                ..Record::default()
            },
        )
    };
    if !s.bkash.spend_token_call(now, s.config.bkash_token_budget) {
        fail("429");
        return Err(errors::too_many());
    }
    let map = api::object(body)?;
    let header = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    let field = |k: &str| api::text(&map, k).map(Option::unwrap_or_default);
    if header("username") != choices::USERNAME {
        fail("9999");
        return Err(errors::code_with("9999", "Username does not exist"));
    }
    if header("password") != choices::PASSWORD
        || field("app_key")? != choices::APP_KEY
        || field("app_secret")? != choices::APP_SECRET
    {
        fail("9999");
        return Err(errors::code_with(
            "9999",
            "Invalid username, password, app key or app secret",
        ));
    }
    let ttl_ms = i64::try_from(s.config.bkash_token_ttl.as_millis()).unwrap_or(i64::MAX);
    let refresh_ttl_ms = i64::try_from(s.config.bkash_refresh_ttl.as_millis()).unwrap_or(i64::MAX);
    let id_token = new_token("eyJraWQiOiJzYW5kYm94LWtleS0xIiwiYWxnIjoiUlMyNTYifQ", 2);
    let refresh_token = {
        let mut inner = s.bkash.lock();
        inner.tokens.retain(|_, exp| *exp > now);
        inner.refresh.retain(|_, exp| *exp > now);
        let refresh_token = if refresh {
            let given = field("refresh_token")?;
            if !inner.refresh.contains_key(given) {
                drop(inner);
                fail("2079");
                return Err(errors::code("2079"));
            }
            // The refresh_token stays the same; only a new id_token is issued.
            given.to_owned()
        } else {
            let t = new_token("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0", 2);
            inner.refresh.insert(t.clone(), now.saturating_add(refresh_ttl_ms));
            t
        };
        inner.tokens.insert(id_token.clone(), now.saturating_add(ttl_ms));
        refresh_token
    };
    record(
        s,
        Record {
            op,
            outcome: "ok".into(),
            detail: Some(json!({"expires_in": ttl_ms / 1000})),
            ..Record::default()
        },
    );
    Ok(Json(TokenResponse {
        status_code: SUCCESS.to_owned(),
        status_message: status_message(SUCCESS).unwrap_or("Successful").to_owned(),
        id_token,
        token_type: "Bearer".to_owned(),
        expires_in: s.config.bkash_token_ttl.as_secs(),
        refresh_token,
    })
    .into_response())
}
