//! The sandbox's settings: where it is reached, where it sends notifications, its keys and lifetimes.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    /// The origin shoppers' browsers and merchants use to reach us, e.g. `http://127.0.0.1:8790`.
    /// Hosted-page URLs (`bkashURL`, Nagad's `callBackUrl`) and the SNS cert URL are built on it.
    pub public_origin: String,
    /// Where bKash's SNS notifications are POSTed (None: not sent).
    pub bkash_webhook_url: Option<String>,
    /// Where Nagad's server-to-server hint is sent (None: not sent; docs/providers.md B.9).
    pub nagad_ipn_url: Option<String>,
    /// Folder holding the PEM test keys (tests/sandbox/test-keys).
    pub keys_dir: PathBuf,
    /// bKash id_token lifetime (3600 s; tests shorten it).
    pub bkash_token_ttl: Duration,
    /// bKash refresh_token lifetime (28 days, docs/providers.md A.2 [our choice]).
    pub bkash_refresh_ttl: Duration,
    /// Token calls (grant + refresh) allowed per rolling hour before 429 (docs/providers.md A.15).
    pub bkash_token_budget: u32,
    /// Hosted page session (bKash 5 min, Nagad 10 min) and bKash OTP lifetime (120 s).
    pub bkash_page_ttl: Duration,
    pub bkash_otp_ttl: Duration,
    pub nagad_page_ttl: Duration,
    /// How long a stalled call hangs ("no answer" wallets, hang faults): past the 30 s client timeout.
    pub hang: Duration,
    /// First delay before redelivering a failed bKash SNS delivery; doubles each retry (5 retries).
    pub bkash_webhook_backoff: Duration,
}

impl Config {
    pub fn new(public_origin: impl Into<String>) -> Config {
        Config {
            public_origin: public_origin.into(),
            bkash_webhook_url: None,
            nagad_ipn_url: None,
            keys_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/test-keys")),
            bkash_token_ttl: Duration::from_secs(3600),
            bkash_refresh_ttl: Duration::from_secs(28 * 24 * 3600),
            bkash_token_budget: 10,
            bkash_page_ttl: Duration::from_secs(5 * 60),
            bkash_otp_ttl: Duration::from_secs(120),
            nagad_page_ttl: Duration::from_secs(10 * 60),
            hang: Duration::from_secs(35),
            bkash_webhook_backoff: Duration::from_secs(1),
        }
    }
}
