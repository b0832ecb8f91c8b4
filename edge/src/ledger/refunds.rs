//! Refunds in the ledger: rows written with the payment's outbox (never leading the
//! payment's object), the look-up from a refund id to its payment, and refund statuses for
//! a batch's unsettled lines.

use bdpay_shared::status::RefundStatus;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{int, opt};
use crate::payment::record::PaymentRecord;

const UPSERT: &str =
    "INSERT INTO refunds (id, payment_id, merchant_id, amount_poisha, currency, reason, status, provider, \
    provider_refund_ref, error_code, error_provider_code, idempotency_key, note, created_at, updated_at) \
    VALUES (?1, ?2, ?3, ?4, 'BDT', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
    ON CONFLICT(id) DO UPDATE SET status = excluded.status, provider_refund_ref = excluded.provider_refund_ref, \
    error_code = excluded.error_code, error_provider_code = excluded.error_provider_code, note = excluded.note, \
    updated_at = excluded.updated_at WHERE excluded.updated_at >= refunds.updated_at";

/// One upsert per refund of the record (a payment has few; rows older than D1's are ignored).
pub fn upserts(db: &D1Database, r: &PaymentRecord) -> Result<Vec<D1PreparedStatement>, String> {
    let mut out = Vec::with_capacity(r.refunds.len());
    for f in &r.refunds {
        let values: [JsValue; 14] = [
            f.id.as_str().into(),
            r.id.as_str().into(),
            r.merchant_id.as_str().into(),
            int(f.amount.poisha()),
            opt(f.reason.as_deref()),
            f.status.as_str().into(),
            f.provider.as_str().into(),
            opt(f.provider_ref.as_deref()),
            opt(f.error.as_ref().map(|e| e.code.as_str())),
            opt(f.error.as_ref().and_then(|e| e.provider_code.as_deref())),
            opt(f.key.as_deref()),
            opt(f.note.as_deref()),
            int(f.created_ms),
            int(f.updated_ms),
        ];
        out.push(db.prepare(UPSERT).bind(&values).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

#[derive(Deserialize)]
struct PaymentOf {
    payment_id: String,
}

/// The payment a merchant's refund belongs to.
pub async fn payment_of(db: &D1Database, merchant_id: &str, refund_id: &str) -> worker::Result<Option<String>> {
    let row: Option<PaymentOf> = db
        .prepare("SELECT payment_id FROM refunds WHERE id = ?1 AND merchant_id = ?2")
        .bind(&[refund_id.into(), merchant_id.into()])?
        .first(None)
        .await?;
    Ok(row.map(|r| r.payment_id))
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// The order's newest paid (or partly refunded) payment: what a batch line by `order_id` refunds.
pub async fn paid_payment_of_order(
    db: &D1Database,
    merchant_id: &str,
    order_id: &str,
) -> worker::Result<Option<String>> {
    let row: Option<IdRow> = db
        .prepare(
            "SELECT id FROM payments WHERE merchant_id = ?1 AND order_id = ?2 \
             AND status IN ('succeeded', 'partially_refunded', 'refunded') ORDER BY created_at DESC LIMIT 1",
        )
        .bind(&[merchant_id.into(), order_id.into()])?
        .first(None)
        .await?;
    Ok(row.map(|r| r.id))
}

#[derive(Deserialize)]
struct StatusRow {
    id: String,
    status: String,
}

/// Most ids bound to one statement (D1 allows 100 parameters).
const IDS_PER_QUERY: usize = 90;

/// The current status of each of a merchant's refunds in `ids` that D1 has (a batch refreshes
/// its unsettled lines with it). Unknown ids are left out.
pub async fn statuses(
    db: &D1Database,
    merchant_id: &str,
    ids: &[String],
) -> worker::Result<Vec<(String, RefundStatus)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("?{}", i + 2)).collect();
        let sql = format!(
            "SELECT id, status FROM refunds WHERE merchant_id = ?1 AND id IN ({})",
            marks.join(",")
        );
        let mut binds: Vec<JsValue> = Vec::with_capacity(chunk.len() + 1);
        binds.push(merchant_id.into());
        binds.extend(chunk.iter().map(|id| JsValue::from_str(id)));
        let rows: Vec<StatusRow> = db.prepare(&sql).bind(&binds)?.all().await?.results()?;
        out.extend(
            rows.into_iter()
                .filter_map(|r| r.status.parse::<RefundStatus>().ok().map(|s| (r.id, s))),
        );
    }
    Ok(out)
}
