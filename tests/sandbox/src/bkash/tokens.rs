//! `POST /token/grant` and `/token/refresh` (docs/providers.md A.2): the published sandbox
//! credentials and a TEST-ONLY second set (A.18), a 3600 s id_token and a 28-day
//! refresh_token bound to the set that asked, and a budget of token calls per username per
//! rolling hour past which the gateway answers 429.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::wire::bkash::{status_message, TokenResponse, SUCCESS};
use serde_json::json;

use super::choices::{self, Credential};
use super::errors::{self, Flavor};
use super::store::{new_token, Grant};
use super::{api, record};
use crate::ledger::Record;
use crate::Shared;

const HOUR_MS: i64 = 3600 * 1000;

impl super::State {
    /// Counts a token call against `username`'s rolling-hour budget; false when it is spent.
    fn spend_token_call(&self, username: &str, now_ms: i64, budget: u32) -> bool {
        let mut inner = self.lock();
        let calls = inner.token_calls.entry(username.to_owned()).or_default();
        while calls.front().is_some_and(|t| *t <= now_ms - HOUR_MS) {
            calls.pop_front();
        }
        if calls.len() >= budget as usize {
            return false;
        }
        calls.push_back(now_ms);
        true
    }

    /// The credential set a live id_token was granted for; `None` for unknown or expired.
    pub(crate) fn token_credential(&self, token: &str, now_ms: i64) -> Option<&'static Credential> {
        if token.is_empty() {
            return None;
        }
        let inner = self.lock();
        let grant = inner.tokens.get(token).filter(|g| g.expires_ms > now_ms)?;
        Some(grant.credential)
    }

    /// The credential set an id_token was granted for, live or not (while still remembered).
    pub(crate) fn token_owner(&self, token: &str) -> Option<&'static Credential> {
        self.lock().tokens.get(token).map(|g| g.credential)
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
    let header = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !s
        .bkash
        .spend_token_call(header("username"), now, s.config.bkash_token_budget)
    {
        fail("429");
        return Err(errors::too_many());
    }
    let map = api::object(body)?;
    let field = |k: &str| api::text(&map, k).map(Option::unwrap_or_default);
    let Some(credential) = choices::credential_by_username(header("username")) else {
        fail("9999");
        return Err(errors::code_with("9999", "Username does not exist"));
    };
    if header("password") != credential.password
        || field("app_key")? != credential.app_key
        || field("app_secret")? != credential.app_secret
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
        inner.tokens.retain(|_, g| g.expires_ms > now);
        inner.refresh.retain(|_, g| g.expires_ms > now);
        let refresh_token = if refresh {
            let given = field("refresh_token")?;
            // A refresh_token refreshes only for the credential set it was granted to.
            if inner.refresh.get(given).is_none_or(|g| g.credential != credential) {
                drop(inner);
                fail("2079");
                return Err(errors::code("2079"));
            }
            // The refresh_token stays the same; only a new id_token is issued.
            given.to_owned()
        } else {
            let t = new_token("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0", 2);
            let grant = Grant {
                expires_ms: now.saturating_add(refresh_ttl_ms),
                credential,
            };
            inner.refresh.insert(t.clone(), grant);
            t
        };
        let grant = Grant {
            expires_ms: now.saturating_add(ttl_ms),
            credential,
        };
        inner.tokens.insert(id_token.clone(), grant);
        refresh_token
    };
    record(
        s,
        Record {
            op,
            outcome: "ok".into(),
            detail: Some(json!({"expires_in": ttl_ms / 1000, "merchant": credential.username})),
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
