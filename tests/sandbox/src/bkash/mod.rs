//! bKash Tokenized Checkout (docs/providers.md Part A) as a merchant's server and a shopper's
//! browser see it: the API under `/bkash/v1.2.0-beta/tokenized/checkout`, refund v2 under
//! `/bkash/v2/tokenized-checkout/refund`, the hosted wallet page, the SNS webhook and its
//! signing certificate; plus sandbox-only control routes (statements, shortcuts, send money,
//! a payment's view).

// Early answers are whole `Response`s carried in `Err` (axum's way); size does not matter here.
#![allow(clippy::result_large_err)]

mod api;
pub mod choices;
mod control;
mod errors;
mod page;
mod payments;
mod refunds;
mod search;
mod sns;
mod statement;
mod store;
mod tokens;
mod transfers;
mod view;

use std::sync::{Mutex, MutexGuard};

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{path, API_BASE, REFUND_V2_BASE};

use crate::ledger::Record;
use crate::{Config, Shared};

/// The hosted page's path under `/bkash` (what `bkashURL` points at).
pub const PAGE_PATH: &str = "/payment";

/// This provider's payments, tokens and webhook subscription.
pub struct State {
    inner: Mutex<store::Inner>,
    sns: sns::Hub,
}

impl State {
    pub fn new(config: &Config) -> Result<State, String> {
        Ok(State {
            inner: Mutex::new(store::Inner::default()),
            sns: sns::Hub::new(config)?,
        })
    }

    /// Forget every payment, token and subscription (the webhook URL goes back to the config's).
    pub fn reset(&self) {
        *self.lock() = store::Inner::default();
        self.sns.reset();
    }

    fn lock(&self) -> MutexGuard<'_, store::Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A bKash API route: POST only; any other method is the gateway's 403.
fn api<H, T>(handler: H) -> MethodRouter<Shared>
where
    H: Handler<T, Shared>,
    T: 'static,
{
    post(handler).fallback(errors::missing_token)
}

/// Routes under `/bkash`.
pub fn router() -> Router<Shared> {
    let base = |p: &str| format!("{API_BASE}{p}");
    let refund = |p: &str| format!("{REFUND_V2_BASE}{p}");
    Router::new()
        .route(&base(path::GRANT), api(tokens::grant))
        .route(&base(path::REFRESH), api(tokens::refresh))
        .route(&base(path::CREATE), api(payments::create))
        .route(&base(path::EXECUTE), api(payments::execute))
        .route(&base(path::QUERY), api(payments::query))
        .route(&base(path::SEARCH), api(search::search))
        .route(&base(path::LEGACY_REFUND), api(refunds::legacy))
        .route(&refund(path::REFUND), api(refunds::refund))
        .route(&refund(path::REFUND_STATUS), api(refunds::status))
        .route(PAGE_PATH, get(page::show))
        .route(&format!("{PAGE_PATH}/{{step}}"), post(page::submit))
        .route(choices::CERT_PATH, get(sns::cert))
        .route(sns::SUBSCRIBE_PATH, get(sns::confirm))
        .route(sns::UNSUBSCRIBE_PATH, get(sns::unsubscribe))
        // A catch-all route, not `.fallback`: a nested router's fallback swallows the
        // sibling `/nagad` nest's requests in axum 0.8.
        .route("/{*rest}", any(errors::missing_token))
        .layer(DefaultBodyLimit::max(choices::BODY_LIMIT))
}

/// Extra control routes under `/__control` (statements, shortcuts, webhook settings).
pub fn control_router() -> Router<Shared> {
    control::router()
}

/// Writes one bKash entry to the ledger at the sandbox's clock.
fn record(s: &Shared, r: Record) {
    s.ledger.record(s.clock.now_ms(), Provider::Bkash, r);
}
