//! What the edge needs from a wallet. Nothing outside `providers/` knows a provider's URLs,
//! headers, field names, tokens or signatures; wire types come from `bdpay_shared::wire`.
//!
//! Only a payment's Durable Object calls [`AnyProvider::complete`] and
//! [`AnyProvider::check`], so each happens at most once at a time for a payment.

pub mod bkash;
pub mod config;
pub mod credentials;
pub(crate) mod failure;
pub mod merchant_config;
pub mod nagad;
pub mod refund;
pub(crate) mod transport;

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::PaymentId;
use bdpay_shared::money::Money;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use serde::{Deserialize, Serialize};
use worker::Env;

pub use config::{Mode, ProviderConfig};
pub(crate) use failure::amounts_match;

/// Where the shopper's browser is (Nagad's `X-KM-Client-Type`; bKash ignores it; a routing hint).
pub use bdpay_shared::device::Device;

/// Everything a provider needs to start a payment (bKash create; Nagad initialize + complete).
pub struct Start<'a> {
    pub payment_id: &'a PaymentId,
    pub amount: Money,
    /// Our reference at the provider: bKash `merchantInvoiceNumber`, Nagad `orderId`
    /// (alphanumeric, 5–20, from `bdpay_shared::ids::nagad_order_id`).
    pub invoice: &'a str,
    /// Where the provider sends the shopper back: `{PUBLIC_ORIGIN}/v1/return/{provider}?payment=pay_…`.
    pub callback_url: &'a str,
    /// Pre-fills the wallet page when given (bKash `payerReference`).
    pub customer_phone: Option<&'a Msisdn>,
    /// The shopper's IPv4 (Nagad `X-KM-IP-V4`); None → a documented placeholder.
    pub shopper_ip: Option<&'a str>,
    pub device: Device,
    pub merchant_name: &'a str,
    /// Unix milliseconds (the edge's clock).
    pub now_ms: i64,
}

/// The provider accepted the payment: send the shopper to `redirect_url`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Started {
    /// bKash `paymentID` / Nagad `paymentReferenceId`.
    pub provider_ref: String,
    pub redirect_url: String,
}

/// A started payment, as the provider knows it (what `complete` and `check` need).
pub struct PaymentRef<'a> {
    pub provider_ref: &'a str,
    pub invoice: &'a str,
    pub amount: Money,
}

/// What the provider says about a payment after the shopper came back (or on a re-check).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Outcome {
    /// Money moved: bKash `Completed`, Nagad `Success` (amount and order checked).
    Succeeded {
        trx_id: String,
        paid_at_ms: Option<i64>,
        payer_masked: Option<String>,
    },
    /// Final refusal (insufficient balance, blocked wallet, over limit, …).
    Failed(ProviderFailure),
    /// The shopper left or cancelled (Nagad `Aborted`; bKash `status=cancel`).
    Cancelled,
    /// Not final yet (bKash `Initiated`, Nagad `Ready`/`InProgress`…): ask again later.
    Pending,
    /// bKash execute answered 2056 or 2060 (payment not in a state to execute / the shopper
    /// has not finished): nothing was executed and no money moved. The payment may still be
    /// executed once the shopper finishes (a later execute of a payment completed meanwhile
    /// answers 2062, which is re-queried: never a second debit). Only `complete` returns it.
    NotExecuted,
}

/// How sure we are that nothing moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The provider answered and refused: final.
    Declined,
    /// No clear answer (timeout, 5xx, unparseable): the money may have moved; re-check, never redo.
    Unknown,
    /// Our credentials or configuration are wrong (alert the merchant; not the shopper's fault).
    Config,
    /// The provider answered, but money moved not as asked (another amount, order,
    /// currency or transaction): never final, never retried; a person must look.
    Mismatch,
}

/// A provider's refusal or failure, mapped through `bdpay_shared::errors::catalog`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProviderFailure {
    pub provider: Provider,
    pub kind: FailureKind,
    pub code: ErrorCode,
    /// The provider's own code (`2023`, `16_0006_058`, `http_503`, `timeout`).
    pub provider_code: Option<String>,
    pub retryable: bool,
}

/// One call to a provider, masked, for the `provider_calls` ledger and health tracking.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CallRecord {
    pub provider: Provider,
    /// `grant`, `refresh`, `create`, `execute`, `query`, `initialize`, `complete`, `verify`, …
    pub op: &'static str,
    pub http_status: Option<u16>,
    pub provider_code: Option<String>,
    /// `ok` | `declined` | `unknown` | `error`
    pub outcome: &'static str,
    pub latency_ms: u32,
}

/// The two wallets behind one face. Built per request from the merchant's mode.
pub enum AnyProvider {
    Bkash(bkash::Bkash),
    Nagad(nagad::Nagad),
}

impl AnyProvider {
    /// A client for `provider` configured as `merchant` pays (`ProviderConfig::for_merchant`).
    pub fn new(
        provider: Provider,
        config: &ProviderConfig,
        env: &Env,
        merchant: &str,
    ) -> Result<AnyProvider, ProviderFailure> {
        match provider {
            Provider::Bkash => bkash::Bkash::new(config, env, merchant).map(AnyProvider::Bkash),
            Provider::Nagad => nagad::Nagad::new(config).map(AnyProvider::Nagad),
        }
    }

    /// bKash create; Nagad initialize + complete. Calls are appended to `calls`.
    pub async fn start(&self, p: &Start<'_>, calls: &mut Vec<CallRecord>) -> Result<Started, ProviderFailure> {
        match self {
            AnyProvider::Bkash(b) => b.start(p, calls).await,
            AnyProvider::Nagad(n) => n.start(p, calls).await,
        }
    }

    /// After the shopper came back with success: bKash execute (moves the money), Nagad verify.
    /// An `Unknown` failure means: do not call this again; `check` later.
    pub async fn complete(&self, r: &PaymentRef<'_>, calls: &mut Vec<CallRecord>) -> Result<Outcome, ProviderFailure> {
        match self {
            AnyProvider::Bkash(b) => b.complete(r, calls).await,
            AnyProvider::Nagad(n) => n.complete(r, calls).await,
        }
    }

    /// Read-only re-check: bKash query payment, Nagad verify. Safe to repeat.
    pub async fn check(&self, r: &PaymentRef<'_>, calls: &mut Vec<CallRecord>) -> Result<Outcome, ProviderFailure> {
        match self {
            AnyProvider::Bkash(b) => b.check(r, calls).await,
            AnyProvider::Nagad(n) => n.check(r, calls).await,
        }
    }
}
