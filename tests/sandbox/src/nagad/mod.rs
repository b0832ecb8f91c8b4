//! Nagad's Online Payment API (docs/providers.md Part B) as a merchant's server and a shopper's
//! browser see it: the API under `/nagad/remote-payment-gateway-1.0/api/dfs` with real RSA
//! both ways, the hosted page under `/nagad/check-out/…`, the server-to-server hint (B.9
//! [our choice]); plus sandbox-only control routes (statements, settings, send money).

mod cancel;
pub mod choices;
mod complete;
mod control;
mod errors;
mod html;
mod initialize;
mod keys;
mod outcome;
mod page;
mod sealing;
mod statement;
mod store;
mod text;
mod transfers;
mod verify;
mod view;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::nagad::{path, API_BASE};

use crate::ledger::Record;
use crate::{Config, Shared};

/// The hosted page's path under `/nagad` (what complete's `callBackUrl` points at).
pub const PAGE_PATH: &str = "/check-out";

/// Nagad's keys, payments and settings.
pub struct State {
    keys: keys::Keys,
    inner: Mutex<store::Inner>,
    /// B.3 lenient default: SHA1withRSA request signatures pass too.
    accept_sha1: AtomicBool,
    /// Behind issuer and cancel transaction ids.
    seq: AtomicU32,
}

impl State {
    pub fn new(config: &Config) -> Result<State, String> {
        Ok(State {
            keys: keys::Keys::load(&config.keys_dir)?,
            inner: Mutex::new(store::Inner::default()),
            accept_sha1: AtomicBool::new(choices::ACCEPT_SHA1_DEFAULT),
            seq: AtomicU32::new(0),
        })
    }

    /// Forget every payment and order id; settings back to their defaults.
    pub fn reset(&self) {
        *self.lock() = store::Inner::default();
        self.accept_sha1.store(choices::ACCEPT_SHA1_DEFAULT, Ordering::Relaxed);
        self.seq.store(0, Ordering::Relaxed);
    }

    /// The next issuer or cancel transaction id (no lock needed).
    fn next_trx_id(&self) -> String {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        store::trx_id(seq, sealing::random4())
    }

    fn lock(&self) -> MutexGuard<'_, store::Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Routes under `/nagad`.
pub fn router() -> Router<Shared> {
    let api = |p: &str| format!("{API_BASE}{p}");
    let page = |p: &str| format!("{PAGE_PATH}/{{token}}{p}");
    Router::new()
        .route(&api(path::INITIALIZE), post(initialize::initialize))
        .route(&api(path::COMPLETE), post(complete::complete))
        .route(&api(path::VERIFY), get(verify::verify))
        .route(&api(path::CANCEL), post(cancel::cancel))
        .route(&page(""), get(page::show))
        .route(&page("/{step}"), post(page::submit))
        .route(&page("/cancel"), get(page::confirm_cancel).post(page::submit_cancel))
        .fallback(errors::not_found)
        .layer(DefaultBodyLimit::max(choices::BODY_LIMIT))
}

/// Extra control routes under `/__control` (statements, settings, send money).
pub fn control_router() -> Router<Shared> {
    control::router()
}

/// Writes one Nagad entry to the ledger at the sandbox's clock.
fn record(s: &Shared, r: Record) {
    s.ledger.record(s.clock.now_ms(), Provider::Nagad, r);
}
