//! One refund as its payment's record keeps it. The payment's Durable Object is the only
//! writer (`payment::refunding` decides, `payment::flow` calls the provider); D1 follows.

use bdpay_shared::errors::ErrorBody;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::RefundStatus;
use serde::{Deserialize, Serialize};

/// The longest `reason` a refund may carry (bKash's limit on refund reasons).
pub const MAX_REASON: usize = 255;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredRefund {
    pub id: String,
    pub amount: Money,
    #[serde(default)]
    pub reason: Option<String>,
    pub status: RefundStatus,
    pub provider: Provider,
    /// The attempt whose money this gives back when it is not the payment's own: an
    /// attempt paid after another attempt held the order (a duplicate). Such a refund
    /// does not count in the payment's `amount_refunded`.
    #[serde(default)]
    pub attempt: Option<usize>,
    /// bKash `refundTrxId` / Nagad `cancelTrxId`, once known.
    #[serde(default)]
    pub provider_ref: Option<String>,
    #[serde(default)]
    pub error: Option<ErrorBody>,
    /// The merchant's `Idempotency-Key`, a batch line's `rb_…:n`, or our own key for a
    /// duplicate's refund: the same key never makes a second refund.
    #[serde(default)]
    pub key: Option<String>,
    /// When the refund call went out (the answer may be lost: then only status checks).
    pub sent_ms: i64,
    /// Pending: when the provider is next asked; `None` when settled.
    #[serde(default)]
    pub next_check_ms: Option<i64>,
    #[serde(default)]
    pub checks: u32,
    /// Finance's note when a person settled it.
    #[serde(default)]
    pub note: Option<String>,
    /// What finance must check, once the refund needs a person.
    #[serde(default)]
    pub manual_reason: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl StoredRefund {
    /// Counts against what is left to refund of the payment's own money.
    pub fn holds_payment_money(&self) -> bool {
        self.attempt.is_none() && self.status.holds_money()
    }

    /// Still waiting for the provider's word (or a person's).
    pub fn is_unsettled(&self) -> bool {
        matches!(self.status, RefundStatus::Pending | RefundStatus::RequiresManual)
    }
}
