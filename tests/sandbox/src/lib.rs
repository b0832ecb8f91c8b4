//! bdpay-sandbox: bKash's and Nagad's merchant APIs as their merchants see them,
//! on one local port, with faults on demand and a ledger tests can read.
//!
//! Layout: `/bkash/…` (API base `/bkash/v1.2.0-beta/tokenized/checkout`, refund v2
//! and hosted pages under `/bkash/`), `/nagad/…` (API base
//! `/nagad/remote-payment-gateway-1.0/api/dfs`, hosted pages under `/nagad/`), `/sms/…`
//! (a bulk-SMS gateway stand-in), `/__control/…` (faults, ledger, reset, clock,
//! statements, send money, SMS outbox). docs/providers.md is the spec.

pub mod bkash;
pub mod clock;
pub mod config;
pub mod control;
pub mod faults;
pub mod html;
pub mod ledger;
pub mod nagad;
pub mod send_money;
pub mod sms;
pub mod variants;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;

pub use clock::Clock;
pub use config::Config;
pub use faults::Faults;
pub use ledger::Ledger;
pub use variants::Variants;

/// Everything a handler may touch. One per running sandbox, shared through `Arc`.
pub struct Sandbox {
    pub config: Config,
    pub clock: Clock,
    pub faults: Faults,
    /// Reply variants per payment or credential (`/__control/variants`).
    pub variants: Variants,
    pub ledger: Ledger,
    pub bkash: bkash::State,
    pub nagad: nagad::State,
    /// The SMS gateway stand-in's accepted messages.
    pub sms: sms::State,
    /// For outgoing notifications (SNS webhook, Nagad hints).
    pub http: reqwest::Client,
}

pub type Shared = Arc<Sandbox>;

impl Sandbox {
    pub fn new(config: Config) -> Result<Shared, String> {
        let nagad = nagad::State::new(&config)?;
        let bkash = bkash::State::new(&config)?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        Ok(Arc::new(Sandbox {
            config,
            clock: Clock::default(),
            faults: Faults::default(),
            variants: Variants::default(),
            ledger: Ledger::default(),
            bkash,
            nagad,
            sms: sms::State::default(),
            http,
        }))
    }

    /// Clears every payment, token, transfer, SMS, fault, ledger entry and clock offset.
    pub fn reset(&self) {
        self.faults.clear();
        self.variants.clear();
        self.ledger.clear();
        self.clock.reset();
        self.bkash.reset();
        self.nagad.reset();
        self.sms.reset();
    }
}

/// The whole sandbox as one router (tests may call it without a socket).
pub fn app(sandbox: Shared) -> Router {
    Router::new()
        .nest("/bkash", bkash::router())
        .nest("/nagad", nagad::router())
        .nest("/sms", sms::router())
        .nest("/__control", control::router())
        .with_state(sandbox)
}

/// Binds `addr` (port 0 for a free one), serves in the background, returns the bound address.
/// An empty `config.public_origin` becomes `http://{bound address}` (what tests on port 0 want).
pub async fn spawn(mut config: Config, addr: SocketAddr) -> Result<(SocketAddr, Shared), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("bind {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    if config.public_origin.is_empty() {
        config.public_origin = format!("http://{bound}");
    }
    let sandbox = Sandbox::new(config)?;
    let router = app(sandbox.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((bound, sandbox))
}
