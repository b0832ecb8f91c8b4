//! One manual transfer as its payment's record keeps it: money the shopper says they sent
//! by hand, quoting its TrxID. The payment's Durable Object is the only writer
//! (`payment::manual` decides, `payment::manual_flow` claims the TrxID and asks bKash); the
//! D1 row (`manual_transfers`) follows. The sender's number is here only masked: the full
//! number is sealed in the D1 row alone.

use bdpay_shared::manual_transfer::ReviewStatus;
use bdpay_shared::provider::Provider;
use serde::{Deserialize, Serialize};

/// The longest note a reviewer may leave.
pub const MAX_NOTE: usize = 255;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTransfer {
    /// `mt_…`
    pub id: String,
    /// The wallet the money was sent with (and to the merchant's number there).
    pub provider: Provider,
    /// As the provider writes it (upper-case).
    pub trx_id: String,
    /// `01XX4567`
    pub sender_masked: String,
    /// The voucher's key in R2 (binding `VOUCHERS`), when one was uploaded.
    #[serde(default)]
    pub voucher_key: Option<String>,
    pub status: ReviewStatus,
    /// The reviewer's note.
    #[serde(default)]
    pub note: Option<String>,
    pub created_ms: i64,
    #[serde(default)]
    pub decided_ms: Option<i64>,
    /// bKash only: when its search is next asked; `None` once there is nothing to ask (a
    /// person decides).
    #[serde(default)]
    pub next_search_ms: Option<i64>,
    /// Searches that went unanswered so far (the backoff's step).
    #[serde(default)]
    pub searches: u32,
    /// What the last search showed, for the reviewer and the log (`amount`, `receiver`,
    /// `not_found`, `no_answer`, …); `None` while nothing was learnt.
    #[serde(default)]
    pub finding: Option<String>,
}

/// A transfer as the shopper submitted it (the worker checked and sealed it first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTransfer {
    /// A fresh `mt_…` (the row's own id wins when an earlier try already claimed the TrxID).
    pub id: String,
    pub provider: Provider,
    pub trx_id: String,
    /// `01XX4567`
    pub sender_masked: String,
    #[serde(default)]
    pub voucher_key: Option<String>,
}
