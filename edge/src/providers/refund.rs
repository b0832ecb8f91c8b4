//! Refunds at the wallets: bKash refund v2 (A.10) and Nagad purchase cancel (B.8). Neither
//! has an idempotency key, so a refund call is made once; an unclear answer (`Unknown`) is
//! settled later by [`AnyProvider::refund_status`] (bKash refund status, Nagad verify).

use bdpay_shared::money::Money;

use super::{AnyProvider, CallRecord, ProviderFailure};

/// One refund to make, and the paid payment it belongs to.
pub struct RefundAsk<'a> {
    /// bKash `paymentID` / Nagad `paymentReferenceId`.
    pub provider_ref: &'a str,
    /// bKash `trxID` (needed by refund v2); Nagad: unused.
    pub trx_id: &'a str,
    /// bKash `sku`-less invoice / Nagad `orderId`.
    pub invoice: &'a str,
    pub original: Money,
    pub amount: Money,
    /// Our refund id (`re_…`): Nagad `referenceNo`.
    pub reference: &'a str,
    pub reason: &'a str,
    /// When the payment was made: Nagad's `originalRequestDate` is its Dhaka date.
    pub paid_at_ms: i64,
}

/// The provider made the refund: its reference.
#[derive(Clone, Debug)]
pub struct Refunded {
    pub refund_ref: String,
}

/// A refund the provider shows for a payment.
#[derive(Clone, Debug)]
pub struct SeenRefund {
    pub refund_ref: String,
    /// bKash tells each refund's amount; Nagad's verify does not.
    pub amount: Option<Money>,
    pub completed: bool,
}

impl AnyProvider {
    /// Makes the refund once. `Err` with kind `Declined`: nothing moved; otherwise the
    /// outcome is unknown and only [`AnyProvider::refund_status`] may settle it.
    pub async fn refund(&self, ask: &RefundAsk<'_>, calls: &mut Vec<CallRecord>) -> Result<Refunded, ProviderFailure> {
        match self {
            AnyProvider::Bkash(b) => b.refund(ask, calls).await,
            AnyProvider::Nagad(n) => n.refund(ask, calls).await,
        }
    }

    /// Read-only: the refunds the provider shows for the payment (bKash: all, with amounts;
    /// Nagad verify: the last cancel, when the payment is `Cancelled`/`PartialCancelled`).
    pub async fn refund_status(
        &self,
        ask: &RefundAsk<'_>,
        calls: &mut Vec<CallRecord>,
    ) -> Result<Vec<SeenRefund>, ProviderFailure> {
        match self {
            AnyProvider::Bkash(b) => b.refund_status(ask, calls).await,
            AnyProvider::Nagad(n) => n.refund_status(ask, calls).await,
        }
    }
}
