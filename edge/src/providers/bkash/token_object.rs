//! `TokenObject`: the Durable Object (binding `TOKENS`, one per bKash mode + app key) that
//! holds bKash's id_token and is the only place that calls grant and refresh (docs/providers.md
//! A.2). The rules are pure, in `providers::bkash::token`; this file is their I/O.
//!
//! One renewal at a time: storage operations close the object's input gates, and an
//! in-flight guard makes every other asker wait for the renewal under way, then re-read.
//! A failed renewal is answered from memory for a few seconds, so a burst of callers
//! cannot turn one bad credential into a hundred grants.
//!
//! It also remembers which refund API the credential uses when `BKASH_REFUND_API=auto`
//! learned it (A.10: v2 answered an API-Gateway endpoint error, so legacy). That fact
//! belongs to the credential exactly as the token does, and this object is the one
//! strongly consistent place per credential that every bKash call already consults (its
//! answer rides along with the token, so a refund costs no extra read); KV `CACHE` would be
//! eventually consistent and one more read per refund.

use std::cell::RefCell;

use futures_channel::oneshot;
use worker::{durable_object, DurableObject, Env, Method, Request, Response, State};

use crate::clock::now_ms;
use crate::providers::bkash::interpret::http_code;
use crate::providers::bkash::token::{
    decide, max_calls_per_hour, read_token_reply, renewed, Answer, Ask, Budget, CallNote, Next, Stored, Token, TokenOp,
    FAILURE_COOLDOWN_MS,
};
use crate::providers::{ProviderConfig, ProviderFailure};
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{path, GrantRequest, RefreshRequest};

const TOKEN_KEY: &str = "token";
const BUDGET_KEY: &str = "budget";
/// `true` once refund v2 was found missing for this credential (never unlearned: an
/// operator who wants v2 again sets `BKASH_REFUND_API=v2`).
const REFUND_LEGACY_KEY: &str = "refund_legacy";

#[durable_object]
pub struct TokenObject {
    state: State,
    env: Env,
    /// `Some` while a renewal is under way: the senders of everyone waiting for it.
    inflight: RefCell<Option<Vec<oneshot::Sender<()>>>>,
    /// The last failed renewal and when (unix ms).
    last_failure: RefCell<Option<(i64, ProviderFailure)>>,
}

impl DurableObject for TokenObject {
    fn new(state: State, env: Env) -> Self {
        TokenObject {
            state,
            env,
            inflight: RefCell::new(None),
            last_failure: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let answer = match (req.method(), req.json::<Ask>().await) {
            (Method::Post, Ok(ask)) => self.answer(&ask).await,
            _ => failed(ProviderFailure::internal(Provider::Bkash, "token_ask"), Vec::new()),
        };
        Response::from_json(&answer)
    }
}

/// Releases the in-flight guard when dropped; dropping the senders wakes every waiter.
struct Guard<'a>(&'a TokenObject);

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        let waiters = self.0.inflight.borrow_mut().take();
        drop(waiters);
    }
}

impl TokenObject {
    async fn answer(&self, ask: &Ask) -> Answer {
        let mut answer = self.token_answer(ask).await;
        let legacy = if ask.refund_legacy {
            let _ = self.state.storage().put(REFUND_LEGACY_KEY, true).await;
            crate::providers::failure::log_info(
                "bkash_refund_api_legacy_remembered",
                &serde_json::json!({ "mode": ask.mode.as_str() }),
            );
            true
        } else {
            self.state
                .storage()
                .get::<bool>(REFUND_LEGACY_KEY)
                .await
                .ok()
                .flatten()
                .unwrap_or(false)
        };
        if let Some(t) = answer.token.as_mut() {
            t.refund_legacy = legacy;
        }
        answer
    }

    async fn token_answer(&self, ask: &Ask) -> Answer {
        // Fast path: nothing under way and the stored token will do.
        if self.inflight.borrow().is_none() {
            let stored = self.stored().await;
            let budget = self.budget().await;
            if let (Next::Use, Some(s)) = (
                decide(
                    stored.as_ref(),
                    &budget,
                    ask.stale_generation,
                    now_ms(),
                    max_calls_per_hour(ask.mode),
                ),
                stored,
            ) {
                return handed(&s, Vec::new());
            }
        }
        let _guard = self.lock().await;
        let mut notes = Vec::new();
        match self.renew(ask, &mut notes).await {
            Ok(token) => Answer {
                token: Some(token),
                failure: None,
                calls: notes,
            },
            Err(failure) => failed(failure, notes),
        }
    }

    /// Waits until no renewal is under way, then claims the guard.
    async fn lock(&self) -> Guard<'_> {
        loop {
            let waiting = {
                let mut inflight = self.inflight.borrow_mut();
                match inflight.as_mut() {
                    Some(waiters) => {
                        let (tx, rx) = oneshot::channel();
                        waiters.push(tx);
                        Some(rx)
                    }
                    None => {
                        *inflight = Some(Vec::new());
                        None
                    }
                }
            };
            match waiting {
                Some(rx) => {
                    let _ = rx.await;
                }
                None => return Guard(self),
            }
        }
    }

    /// Under the guard: decide again (someone may have just renewed) and act.
    async fn renew(&self, ask: &Ask, notes: &mut Vec<CallNote>) -> Result<Token, ProviderFailure> {
        let now = now_ms();
        if let Some((at, failure)) = self.last_failure.borrow().as_ref() {
            if now - at < FAILURE_COOLDOWN_MS {
                return Err(failure.clone());
            }
        }
        let stored = self.stored().await;
        let mut budget = self.budget().await;
        let op = match decide(
            stored.as_ref(),
            &budget,
            ask.stale_generation,
            now,
            max_calls_per_hour(ask.mode),
        ) {
            Next::Use => {
                return stored
                    .map(|s| token_of(&s))
                    .ok_or_else(|| ProviderFailure::unavailable(Provider::Bkash, "token_object"))
            }
            Next::Refuse => return Err(self.remember(ProviderFailure::unavailable(Provider::Bkash, "token_budget"))),
            Next::Call(op) => op,
        };
        let config = match &ask.merchant {
            Some(merchant) => {
                crate::providers::merchant_config::load(&self.env, merchant, ask.mode, Provider::Bkash).await?
            }
            None => ProviderConfig::from_env(&self.env, ask.mode),
        };
        let result = self.call(&config, op, stored.as_ref(), &mut budget, notes).await;
        match (result, op) {
            (Ok(token), _) => Ok(token),
            // A refused refresh: keep using a token that still works, else grant (A.2's fallback).
            (Err(failure), TokenOp::Refresh) => match stored {
                Some(s) if s.usable(now_ms()) => Ok(token_of(&s)),
                _ if budget.allows(TokenOp::Grant, now_ms(), max_calls_per_hour(ask.mode)) => {
                    let grant = self
                        .call(&config, TokenOp::Grant, stored.as_ref(), &mut budget, notes)
                        .await;
                    grant.map_err(|f| self.remember(f))
                }
                _ => Err(self.remember(failure)),
            },
            (Err(failure), TokenOp::Grant) => Err(self.remember(failure)),
        }
    }

    /// One grant or refresh; the budget is spent (and stored) before the call goes out.
    async fn call(
        &self,
        config: &ProviderConfig,
        op: TokenOp,
        stored: Option<&Stored>,
        budget: &mut Budget,
        notes: &mut Vec<CallNote>,
    ) -> Result<Token, ProviderFailure> {
        let c = config.bkash()?;
        let body = match (op, stored) {
            (TokenOp::Refresh, Some(s)) => serde_json::to_string(&RefreshRequest {
                app_key: c.app_key.clone(),
                app_secret: c.app_secret.expose().clone(),
                refresh_token: s.refresh_token.clone(),
            }),
            _ => serde_json::to_string(&GrantRequest {
                app_key: c.app_key.clone(),
                app_secret: c.app_secret.expose().clone(),
            }),
        }
        .map_err(|_| ProviderFailure::internal(Provider::Bkash, "request"))?;
        budget.spend(op, now_ms());
        let _ = self.state.storage().put(BUDGET_KEY, &*budget).await;
        let path = if op == TokenOp::Grant {
            path::GRANT
        } else {
            path::REFRESH
        };
        let url = crate::providers::transport::join(&c.base_url, path);
        let headers = [
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("username", c.username.as_str()),
            // Reviewed: the password goes to bKash's token endpoint in this header only.
            ("password", c.password.expose().as_str()),
        ];
        let call = crate::providers::transport::Call {
            method: Method::Post,
            url: &url,
            headers: &headers,
            body: Some(&body),
            timeout: crate::providers::transport::TIMEOUT,
        };
        let (sent, latency_ms) = crate::providers::transport::send(&call).await;
        let reply = match sent {
            Ok(reply) => reply,
            Err(e) => {
                notes.push(note(op, None, Some(e.code()), "unknown", latency_ms));
                return Err(crate::providers::bkash::send_failure(e));
            }
        };
        match read_token_reply(reply.status, &reply.body) {
            Ok((id_token, refresh_token, expires_in)) => {
                notes.push(note(op, Some(reply.status), Some("0000"), "ok", latency_ms));
                let next = renewed(stored, op, id_token, refresh_token, expires_in, now_ms());
                self.state
                    .storage()
                    .put(TOKEN_KEY, &next)
                    .await
                    .map_err(|_| ProviderFailure::unavailable(Provider::Bkash, "token_storage"))?;
                *self.last_failure.borrow_mut() = None;
                crate::providers::failure::log_info(
                    "bkash_token_renewed",
                    &serde_json::json!({ "op": op.as_str(), "generation": next.generation, "mode": config.mode.as_str() }),
                );
                Ok(token_of(&next))
            }
            Err(failure) => {
                let code = failure.provider_code.clone().unwrap_or_else(|| http_code(reply.status));
                let word = crate::providers::failure::outcome_word(Err(&failure));
                notes.push(note(op, Some(reply.status), Some(&code), word, latency_ms));
                crate::providers::failure::log_warn(
                    "bkash_token_call_failed",
                    &serde_json::json!({ "op": op.as_str(), "http_status": reply.status, "provider_code": code }),
                );
                Err(failure)
            }
        }
    }

    fn remember(&self, failure: ProviderFailure) -> ProviderFailure {
        *self.last_failure.borrow_mut() = Some((now_ms(), failure.clone()));
        failure
    }

    async fn stored(&self) -> Option<Stored> {
        self.state.storage().get::<Stored>(TOKEN_KEY).await.ok().flatten()
    }

    async fn budget(&self) -> Budget {
        self.state
            .storage()
            .get::<Budget>(BUDGET_KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }
}

fn token_of(s: &Stored) -> Token {
    Token {
        id_token: s.id_token.clone(),
        generation: s.generation,
        usable_until_ms: s.usable_until(),
        refund_legacy: false,
    }
}

fn handed(s: &Stored, calls: Vec<CallNote>) -> Answer {
    Answer {
        token: Some(token_of(s)),
        failure: None,
        calls,
    }
}

fn failed(failure: ProviderFailure, calls: Vec<CallNote>) -> Answer {
    Answer {
        token: None,
        failure: Some(failure),
        calls,
    }
}

fn note(op: TokenOp, http_status: Option<u16>, code: Option<&str>, outcome: &str, latency_ms: u32) -> CallNote {
    CallNote {
        op,
        http_status,
        provider_code: code.map(str::to_owned),
        outcome: outcome.to_owned(),
        latency_ms,
    }
}
