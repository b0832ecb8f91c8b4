//! Our side of a reconciliation: one payment or refund as the ledger (D1) records it.

use serde::{Deserialize, Serialize};

use super::EntryKind;

/// A payment or refund from our ledger; the edge builds these from D1 for the statement's day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub kind: EntryKind,
    /// Our payment id (`pay_…`); for a refund, the payment it refunds.
    pub payment_id: String,
    /// Our refund id (`re_…`), refunds only.
    pub refund_id: Option<String>,
    /// Payment: the provider's trx id. Refund: the provider's refund trx id.
    pub trx_id: Option<String>,
    /// The provider's payment reference (bKash paymentID / Nagad paymentRefId); for a refund,
    /// its payment's.
    pub reference: Option<String>,
    /// Our reference at the provider (bKash merchantInvoiceNumber / Nagad orderId).
    pub invoice: Option<String>,
    /// Poisha, positive for both kinds.
    pub amount: i64,
    /// Unix milliseconds: when we saw it paid or refunded (or tried, when not settled).
    pub at_ms: i64,
    /// The customer's wallet, last four digits.
    pub wallet_last4: Option<String>,
    /// True: the ledger counts it (a paid payment, a succeeded refund). False: an attempt
    /// whose outcome we lost; a statement line that names it exactly recovers it.
    pub settled: bool,
}
