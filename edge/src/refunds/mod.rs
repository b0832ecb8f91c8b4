//! Refunds as the API shows them. They live in their payment's record
//! (`payment::stored_refund`), written only by the payment's Durable Object.

use bdpay_shared::provider::Provider;
use serde_json::{json, Value};

use crate::payment::record::PaymentRecord;
use crate::payment::stored_refund::StoredRefund;
use crate::payment::view::iso;

/// What a person must do with a refund whose outcome stayed unknown.
pub fn manual_action(f: &StoredRefund) -> &str {
    if let Some(why) = &f.manual_reason {
        return why;
    }
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
        "attempt": f.attempt.and_then(|i| r.attempts.get(i)).map(|a| json!({ "provider": a.provider, "provider_ref": a.provider_ref })),
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
