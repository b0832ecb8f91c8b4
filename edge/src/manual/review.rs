//! A manual transfer as ops review sees it (`GET /v1/manual_transfers`, approve, reject):
//! the TrxID, the amount, the sender masked, whether a voucher came, and the decision.
//! Built from the D1 row, or from the payment's record right after a decision.

use bdpay_shared::money::Money;
use serde_json::{json, Value};

use crate::ledger::manual_transfers::Row;
use crate::payment::view::iso;

/// The fields shown, from wherever they come.
pub struct Shown<'a> {
    pub id: &'a str,
    pub payment_id: &'a str,
    pub provider: &'a str,
    pub trx_id: &'a str,
    pub status: &'a str,
    pub amount: Money,
    /// `01XX4567`
    pub sender_phone: &'a str,
    pub has_voucher: bool,
    pub note: Option<&'a str>,
    pub created_ms: i64,
    pub decided_ms: Option<i64>,
}

/// The API object (`manual_transfer`).
pub fn view(s: &Shown<'_>) -> Value {
    json!({
        "id": s.id, "object": "manual_transfer", "payment_id": s.payment_id, "provider": s.provider,
        "trx_id": s.trx_id, "status": s.status, "amount": s.amount, "currency": "BDT",
        "sender_phone": s.sender_phone, "has_voucher": s.has_voucher, "note": s.note,
        "created_at": iso(s.created_ms), "decided_at": s.decided_ms.map(iso),
    })
}

/// A D1 row's view (the CHECK keeps `amount_poisha` positive; one out of Money's range would show 0.00).
pub fn from_row(row: &Row) -> Value {
    view(&Shown {
        id: &row.id,
        payment_id: &row.payment_id,
        provider: &row.provider,
        trx_id: &row.trx_id,
        status: &row.status,
        amount: Money::from_poisha(row.amount_poisha).unwrap_or(Money::ZERO),
        sender_phone: &row.sender_phone_masked,
        has_voucher: row.voucher_key.is_some(),
        note: row.note.as_deref(),
        created_ms: row.created_at,
        decided_ms: row.decided_at,
    })
}
