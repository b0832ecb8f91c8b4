//! bKash Tokenized Checkout (docs/providers.md Part A): create → (shopper on bKash's page) →
//! execute once → query to re-check. Tokens come from the `TokenObject` Durable Object (and
//! are kept in the isolate's memory while usable); every call has a 30 s timeout and leaves
//! a masked [`CallRecord`].
//!
//! Never executed twice: an execute that times out or answers 5xx is `Unknown` (query later
//! with [`Bkash::check`]); "already completed" codes (2062, 2117, …) are answered by a query.
//! [`Bkash::search`] looks a TrxID up (a manual transfer's Send Money).

pub(crate) mod interpret;
pub(crate) mod refund;
pub mod search;
pub mod sns;
pub(crate) mod token;
pub mod token_object;

use std::cell::RefCell;

use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{path, PaymentRef as WirePaymentRef};
use worker::{Env, Method, ObjectNamespace, Request, RequestInit};

use crate::clock::now_ms;

use self::interpret::{reply_code, Executed, Expect};
use self::token::{Answer, Ask, Token};
use super::config::RefundApi;
use super::failure::{outcome_word, record, result_word};
use super::transport::{self, Call, SendError, TIMEOUT};
use super::{CallRecord, Mode, Outcome, PaymentRef, ProviderConfig, ProviderFailure, Start, Started};

const P: Provider = Provider::Bkash;

/// Credentials (mode and app key) whose tokens one isolate keeps at most.
const MAX_HELD_TOKENS: usize = 4;

thread_local! {
    /// Tokens this isolate got from the token object, by object name, used until their
    /// `usable_until_ms`: most bKash calls then need no trip to the object. The object stays
    /// the only one that grants or refreshes; a 401 still goes to it with the stale generation.
    static TOKENS: RefCell<Vec<(String, Token)>> = const { RefCell::new(Vec::new()) };
}

/// The wrangler binding of the token Durable Object (`TokenObject`).
pub const TOKENS_BINDING: &str = "TOKENS";

/// A bKash client for one request. Holds no secret: grant credentials stay in the
/// token object, which reads them from the environment itself.
pub struct Bkash {
    base_url: String,
    /// Refund v2's origin root (`BKASH_REFUND_BASE_URL`).
    refund_base_url: String,
    app_key: String,
    /// Names the credential's token object: `key_` + 16 hex of SHA-256 over all four values,
    /// so a token is only ever used with the credential that earned it.
    credential: String,
    mode: Mode,
    /// The merchant whose credential this is (the token object reads it again to grant).
    merchant: String,
    /// `BKASH_REFUND_API`; under `Auto` the token object may know the answer already.
    refund_api: RefundApi,
    tokens: ObjectNamespace,
}

/// A reply that reached us, with its latency.
pub(crate) struct Answered {
    status: u16,
    body: Vec<u8>,
    latency_ms: u32,
}

impl Bkash {
    pub fn new(config: &ProviderConfig, env: &Env, merchant: &str) -> Result<Bkash, ProviderFailure> {
        let c = config.bkash()?;
        let tokens = env
            .durable_object(TOKENS_BINDING)
            .map_err(|_| ProviderFailure::config(P, "tokens_binding"))?;
        Ok(Bkash {
            base_url: c.base_url.clone(),
            refund_base_url: c.refund_base_url.clone(),
            app_key: c.app_key.clone(),
            credential: c.fingerprint(),
            mode: config.mode,
            merchant: merchant.to_owned(),
            refund_api: c.refund_api,
            tokens,
        })
    }

    /// Create payment (A.5) → the shopper goes to `bkashURL`.
    pub async fn start(&self, p: &Start<'_>, calls: &mut Vec<CallRecord>) -> Result<Started, ProviderFailure> {
        let result = self.start_inner(p, calls).await;
        if let Err(f) = &result {
            super::failure::attention(P, "start", p.payment_id.as_str(), f);
        }
        result
    }

    async fn start_inner(&self, p: &Start<'_>, calls: &mut Vec<CallRecord>) -> Result<Started, ProviderFailure> {
        let body = serde_json::to_string(&interpret::create_request(p))
            .map_err(|_| ProviderFailure::internal(P, "request"))?;
        let url = transport::join(&self.base_url, path::CREATE);
        self.call_and_read("create", &url, &body, calls, interpret::read_create)
            .await
    }

    /// Execute (A.7): moves the money. Called once per payment, after the shopper came back
    /// with `status=success`. `Err` with kind `Unknown` means: do not call again; `check` later.
    pub async fn complete(&self, r: &PaymentRef<'_>, calls: &mut Vec<CallRecord>) -> Result<Outcome, ProviderFailure> {
        let body = payment_body(r)?;
        let a = self.api("execute", path::EXECUTE, &body, calls).await?;
        let expect = Expect {
            payment_id: r.provider_ref,
            invoice: r.invoice,
            amount: r.amount,
        };
        let code = reply_code(&a.body);
        match interpret::read_execute(a.status, &a.body, &expect) {
            Executed::Done(outcome) => {
                calls.push(record(
                    P,
                    "execute",
                    Some(a.status),
                    code.as_deref(),
                    outcome_word(Ok(&outcome)),
                    a.latency_ms,
                ));
                Ok(outcome)
            }
            Executed::Failed(f) => {
                calls.push(record(
                    P,
                    "execute",
                    Some(a.status),
                    code.as_deref(),
                    outcome_word(Err(&f)),
                    a.latency_ms,
                ));
                Err(f)
            }
            Executed::Nothing => {
                calls.push(record(
                    P,
                    "execute",
                    Some(a.status),
                    code.as_deref(),
                    "declined",
                    a.latency_ms,
                ));
                Ok(Outcome::NotExecuted)
            }
            Executed::Requery => {
                calls.push(record(
                    P,
                    "execute",
                    Some(a.status),
                    code.as_deref(),
                    "unknown",
                    a.latency_ms,
                ));
                self.check(r, calls).await
            }
        }
    }

    /// Query payment (A.8): read-only, safe to repeat.
    pub async fn check(&self, r: &PaymentRef<'_>, calls: &mut Vec<CallRecord>) -> Result<Outcome, ProviderFailure> {
        let body = payment_body(r)?;
        let a = self.api("query", path::QUERY, &body, calls).await?;
        let expect = Expect {
            payment_id: r.provider_ref,
            invoice: r.invoice,
            amount: r.amount,
        };
        let result = interpret::read_query(a.status, &a.body, &expect);
        calls.push(record(
            P,
            "query",
            Some(a.status),
            reply_code(&a.body).as_deref(),
            outcome_word(result.as_ref()),
            a.latency_ms,
        ));
        if let Err(f) = &result {
            if f.kind == super::FailureKind::Config {
                super::failure::log_warn(
                    "bkash_query_needs_attention",
                    &serde_json::json!({ "provider_code": f.provider_code }),
                );
            }
        }
        result
    }

    /// Search by TrxID (A.9): read-only, safe to repeat. What bKash shows of the transaction
    /// (a manual transfer's Send Money, A.17), recorded as op `search`.
    pub async fn search(
        &self,
        trx_id: &str,
        calls: &mut Vec<CallRecord>,
    ) -> Result<search::Transaction, ProviderFailure> {
        let body = search::request(trx_id)?;
        let a = self.api("search", path::SEARCH, &body, calls).await?;
        recorded("search", &a, search::read(a.status, &a.body, trx_id), calls)
    }

    /// One authorized call (A.3 headers). A 401 (API Gateway answered before bKash saw the
    /// call) or `2079` "invalid app token" on HTTP 200 asks the token object to replace the
    /// token it refused, then retries once.
    async fn api(
        &self,
        op: &'static str,
        path: &str,
        body: &str,
        calls: &mut Vec<CallRecord>,
    ) -> Result<Answered, ProviderFailure> {
        let url = transport::join(&self.base_url, path);
        self.api_url(op, &url, body, calls).await
    }

    /// One call whose answer `read` interprets, recorded (masked) with the word it gave.
    async fn call_and_read<T>(
        &self,
        op: &'static str,
        url: &str,
        body: &str,
        calls: &mut Vec<CallRecord>,
        read: fn(u16, &[u8]) -> Result<T, ProviderFailure>,
    ) -> Result<T, ProviderFailure> {
        let a = self.api_url(op, url, body, calls).await?;
        recorded(op, &a, read(a.status, &a.body), calls)
    }

    /// [`Bkash::api`] for a full URL (refund v2 lives under another origin root).
    async fn api_url(
        &self,
        op: &'static str,
        url: &str,
        body: &str,
        calls: &mut Vec<CallRecord>,
    ) -> Result<Answered, ProviderFailure> {
        let mut token = self.token(None, calls).await?;
        let mut retried = false;
        loop {
            let headers = [
                ("content-type", "application/json"),
                ("accept", "application/json"),
                // Reviewed: the id_token goes to bKash in this header and nowhere else.
                ("authorization", token.id_token.as_str()),
                ("x-app-key", self.app_key.as_str()),
            ];
            let call = Call {
                method: Method::Post,
                url,
                headers: &headers,
                body: Some(body),
                timeout: TIMEOUT,
            };
            let (result, latency_ms) = transport::send(&call).await;
            let reply = match result {
                Ok(reply) => reply,
                Err(e) => {
                    calls.push(record(P, op, None, Some(e.code()), "unknown", latency_ms));
                    return Err(send_failure(e));
                }
            };
            if !interpret::token_refused(reply.status, &reply.body) {
                return Ok(Answered {
                    status: reply.status,
                    body: reply.body,
                    latency_ms,
                });
            }
            let code = reply_code(&reply.body);
            calls.push(record(P, op, Some(reply.status), code.as_deref(), "error", latency_ms));
            if retried {
                // Refused again with a new token: our credentials. A 2079 body is read (the
                // catalog classes it as a configuration problem); a 401 has nothing to read.
                return if reply.status == 401 {
                    Err(ProviderFailure::config(P, "http_401"))
                } else {
                    Ok(Answered {
                        status: reply.status,
                        body: reply.body,
                        latency_ms,
                    })
                };
            }
            retried = true;
            token = self.token(Some(token.generation), calls).await?;
        }
    }

    /// The current id_token: from this isolate's memory while it is usable, else from the
    /// token object; `stale` names a generation bKash refused (always asks the object).
    async fn token(&self, stale: Option<u64>, calls: &mut Vec<CallRecord>) -> Result<Token, ProviderFailure> {
        let name = token::object_name(self.mode, &self.credential);
        if stale.is_none() {
            let now = now_ms();
            let held = TOKENS.with(|c| {
                c.borrow()
                    .iter()
                    .find(|(n, t)| *n == name && now < t.usable_until_ms)
                    .map(|(_, t)| t.clone())
            });
            if let Some(t) = held {
                return Ok(t);
            }
        }
        let token = self.token_from_object(&name, stale, false, calls).await?;
        hold(name, &token);
        Ok(token)
    }

    /// Whether this credential was found to refund through the legacy API (`auto`).
    async fn refund_legacy_known(&self, calls: &mut Vec<CallRecord>) -> Result<bool, ProviderFailure> {
        Ok(self.token(None, calls).await?.refund_legacy)
    }

    /// Refund v2 answered an endpoint error for `op`: recorded as `v2_missing`, and the token
    /// object told that this credential refunds through the legacy API (A.10). Best effort: if
    /// telling fails, the next refund finds out again (v2's endpoint error moves no money).
    async fn remember_refund_legacy(&self, op: &'static str, a: &Answered, calls: &mut Vec<CallRecord>) {
        calls.push(record(P, op, Some(a.status), Some("v2_missing"), "error", a.latency_ms));
        let name = token::object_name(self.mode, &self.credential);
        if let Ok(token) = self.token_from_object(&name, None, true, calls).await {
            hold(name, &token);
        }
    }
}

/// Records a call with the word its reading gave, and passes the reading on.
fn recorded<T>(
    op: &'static str,
    a: &Answered,
    result: Result<T, ProviderFailure>,
    calls: &mut Vec<CallRecord>,
) -> Result<T, ProviderFailure> {
    calls.push(record(
        P,
        op,
        Some(a.status),
        reply_code(&a.body).as_deref(),
        result_word(&result),
        a.latency_ms,
    ));
    result
}

/// Keeps `token` in this isolate's memory under the object name `name`.
fn hold(name: String, token: &Token) {
    TOKENS.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|(n, _)| *n != name);
        if c.len() >= MAX_HELD_TOKENS {
            c.clear();
        }
        c.push((name, token.clone()));
    });
}

impl Bkash {
    async fn token_from_object(
        &self,
        name: &str,
        stale: Option<u64>,
        refund_legacy: bool,
        calls: &mut Vec<CallRecord>,
    ) -> Result<Token, ProviderFailure> {
        let unavailable = || ProviderFailure::unavailable(P, "token_object");
        let stub = self
            .tokens
            .id_from_name(name)
            .and_then(|id| id.get_stub())
            .map_err(|_| unavailable())?;
        let ask = serde_json::to_string(&Ask {
            mode: self.mode,
            merchant: Some(self.merchant.clone()),
            stale_generation: stale,
            refund_legacy,
        })
        .map_err(|_| unavailable())?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_body(Some(wasm_bindgen::JsValue::from_str(&ask)));
        let request =
            Request::new_with_init("https://token-object.internal/token", &init).map_err(|_| unavailable())?;
        let mut response = stub.fetch_with_request(request).await.map_err(|_| unavailable())?;
        let answer: Answer = response.json().await.map_err(|_| unavailable())?;
        calls.extend(answer.calls.into_iter().map(token::CallNote::into_record));
        match (answer.token, answer.failure) {
            (Some(token), _) => Ok(token),
            (None, Some(failure)) => Err(failure),
            (None, None) => Err(unavailable()),
        }
    }
}

fn payment_body(r: &PaymentRef<'_>) -> Result<String, ProviderFailure> {
    serde_json::to_string(&WirePaymentRef {
        payment_id: r.provider_ref.to_owned(),
    })
    .map_err(|_| ProviderFailure::internal(P, "request"))
}

pub(crate) fn send_failure(e: SendError) -> ProviderFailure {
    match e {
        SendError::Timeout => ProviderFailure::timeout(P),
        SendError::Network | SendError::TooLarge => ProviderFailure::unavailable(P, e.code()),
    }
}
