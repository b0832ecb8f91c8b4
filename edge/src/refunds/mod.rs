//! Refunds as a payment's record keeps them, and as the API shows them. The payment's
//! Durable Object is the only writer (see [`flow`]); D1 follows through the outbox.

pub mod flow;

use bdpay_shared::errors::ErrorBody;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::RefundStatus;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::payment::record::PaymentRecord;
use crate::payment::view::iso;

/// The longest `reason` a refund may carry (bKash's limit, A.10).
pub const MAX_REASON: usize = 255;

/// One refund of a payment, stored in the payment's record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredRefund {
    pub id: String,
    pub amount: Money,
    #[serde(default)]
    pub reason: Option<String>,
    pub status: RefundStatus,
    pub provider: Provider,
    /// bKash `refundTrxId` / Nagad `cancelTrxId`, once known.
    #[serde(default)]
    pub provider_ref: Option<String>,
    #[serde(default)]
    pub error: Option<ErrorBody>,
    /// The merchant's `Idempotency-Key`, or a batch line's `rb_…:n`: the same key never
    /// makes a second refund.
    #[serde(default)]
    pub key: Option<String>,
    /// When the refund call went out (the answer may be lost: then only status checks).
    pub sent_ms: i64,
    /// Pending: when the alarm next asks the provider; `None` when settled.
    #[serde(default)]
    pub next_check_ms: Option<i64>,
    #[serde(default)]
    pub checks: u32,
    /// Finance's note when a person settled it.
    #[serde(default)]
    pub note: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl StoredRefund {
    /// Counts against what is left to refund (everything but a failed one).
    pub fn holds_money(&self) -> bool {
        self.status != RefundStatus::Failed
    }
}

/// The sum of refunds in `status`-es selected by `pick`, in poisha.
pub fn total_poisha(r: &PaymentRecord, pick: impl Fn(&StoredRefund) -> bool) -> i64 {
    r.refunds.iter().filter(|f| pick(f)).map(|f| f.amount.poisha()).sum()
}

/// What a person must do with a refund whose outcome stayed unknown.
pub fn manual_action(f: &StoredRefund) -> &'static str {
    match f.provider {
        Provider::Bkash => {
            "Look for this refund in the bKash merchant portal (payment's trxID, amount): if bKash shows it \
             completed, POST /v1/refunds/{id}/resolve with status succeeded and the refund trxID in note; if not, \
             resolve as failed (then refund again if still owed)."
        }
        Provider::Nagad => {
            "Look for this cancel in the Nagad merchant portal statement (order, amount): if Nagad shows it, \
             POST /v1/refunds/{id}/resolve with status succeeded and the cancel trx id in note; if not, resolve \
             as failed (then refund again if still owed)."
        }
    }
}

/// The refund object of the API.
pub fn view(r: &PaymentRecord, f: &StoredRefund) -> Value {
    let mut v = json!({
        "id": f.id,
        "object": "refund",
        "payment_id": r.id,
        "order_id": r.order_id,
        "amount": f.amount,
        "currency": "BDT",
        "reason": f.reason,
        "status": f.status.as_str(),
        "provider": f.provider,
        "provider_refund_reference": f.provider_ref,
        "error": f.error,
        "created_at": iso(f.created_ms),
        "updated_at": iso(f.updated_ms),
    });
    if f.status == bdpay_shared::status::RefundStatus::RequiresManual {
        v["manual_action"] = json!(manual_action(f));
    }
    if let Some(note) = &f.note {
        v["note"] = json!(note);
    }
    v
}

/// The refund object for a merchant event (`refund.succeeded`, `refund.failed`).
pub fn view_for_event(record: &PaymentRecord, refund_id: &str) -> Option<Value> {
    record
        .refunds
        .iter()
        .find(|f| f.id == refund_id)
        .map(|f| view(record, f))
}

/// All refunds of a payment, oldest first.
pub fn list_view(r: &PaymentRecord) -> Value {
    let data: Vec<Value> = r.refunds.iter().map(|f| view(r, f)).collect();
    json!({ "object": "list", "data": data })
}
