//! Manual transfers in the ledger (`manual_transfers`). A payment's Durable Object inserts
//! the row when it takes a transfer (the unique (provider, trx_id) index is what lets a
//! TrxID pay for one payment only) and updates its status through its outbox; the routes
//! read the rows for ops review.

use bdpay_shared::manual_transfer::ReviewStatus;
use bdpay_shared::provider::Provider;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{int, opt};
use crate::payment::record::PaymentRecord;
use crate::providers::Mode;

/// A row to insert when a payment takes a transfer.
pub struct NewRow<'a> {
    pub id: &'a str,
    pub payment_id: &'a str,
    pub merchant_id: &'a str,
    pub mode: Mode,
    pub provider: Provider,
    pub trx_id: &'a str,
    pub sender_masked: &'a str,
    /// Sealed under `binding::transfer_sender(id)`.
    pub sender_enc: &'a str,
    pub amount_poisha: i64,
    pub voucher_key: Option<&'a str>,
    pub created_ms: i64,
}

/// Who holds a (provider, TrxID) after a claim.
#[derive(Deserialize)]
pub struct Holder {
    pub id: String,
    pub payment_id: String,
}

/// Inserts the row unless the TrxID is taken, then reads who holds it: this payment (now or
/// from an earlier try) or another. One batch: the insert and the read see the same state.
pub async fn claim(db: &D1Database, t: &NewRow<'_>) -> Result<Holder, String> {
    let e = |e: worker::Error| e.to_string();
    let insert = db
        .prepare(
            "INSERT INTO manual_transfers (id, payment_id, merchant_id, mode, provider, trx_id, sender_phone_masked, \
             sender_phone_enc, amount_poisha, voucher_key, status, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending_review', ?11) \
             ON CONFLICT (provider, trx_id) DO NOTHING",
        )
        .bind(&[
            t.id.into(),
            t.payment_id.into(),
            t.merchant_id.into(),
            t.mode.as_str().into(),
            t.provider.as_str().into(),
            t.trx_id.into(),
            t.sender_masked.into(),
            t.sender_enc.into(),
            int(t.amount_poisha),
            opt(t.voucher_key),
            int(t.created_ms),
        ])
        .map_err(e)?;
    let read = db
        .prepare("SELECT id, payment_id FROM manual_transfers WHERE provider = ?1 AND trx_id = ?2")
        .bind(&[t.provider.as_str().into(), t.trx_id.into()])
        .map_err(e)?;
    let results = db.batch(vec![insert, read]).await.map_err(e)?;
    let rows = results.get(1).ok_or("d1 batch answered short")?;
    rows.results::<Holder>()
        .map_err(e)?
        .into_iter()
        .next()
        .ok_or_else(|| "the claimed row is missing".to_owned())
}

/// The outbox's statements: each transfer's status, note and decision time as the record has
/// them (the row was inserted by the claim).
pub fn outbox(db: &D1Database, r: &PaymentRecord) -> Result<Vec<D1PreparedStatement>, String> {
    r.transfers
        .iter()
        .map(|t| {
            db.prepare(
                "UPDATE manual_transfers SET status = ?3, note = ?4, decided_at = ?5 WHERE id = ?1 AND payment_id = ?2",
            )
            .bind(&[
                t.id.as_str().into(),
                r.id.as_str().into(),
                t.status.as_str().into(),
                opt(t.note.as_deref()),
                t.decided_ms.map_or(wasm_bindgen::JsValue::NULL, int),
            ])
            .map_err(|e| e.to_string())
        })
        .collect()
}

/// The sealed sender number of a transfer (for bKash's search check).
pub async fn sender_enc(db: &D1Database, id: &str) -> worker::Result<Option<String>> {
    #[derive(Deserialize)]
    struct Enc {
        enc: String,
    }
    let row: Option<Enc> = db
        .prepare("SELECT sender_phone_enc AS enc FROM manual_transfers WHERE id = ?1")
        .bind(&[id.into()])?
        .first(None)
        .await?;
    Ok(row.map(|r| r.enc))
}

/// A transfer as ops review reads it.
#[derive(Deserialize)]
pub struct Row {
    pub id: String,
    pub payment_id: String,
    pub provider: String,
    pub trx_id: String,
    pub status: String,
    pub amount_poisha: i64,
    pub sender_phone_masked: String,
    pub voucher_key: Option<String>,
    pub note: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

const COLUMNS: &str = "id, payment_id, provider, trx_id, status, amount_poisha, sender_phone_masked, voucher_key, \
    note, created_at, decided_at";

/// The merchant's transfers in `mode` (of one status, when given), newest first.
pub async fn list(
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    status: Option<ReviewStatus>,
    limit: u32,
) -> worker::Result<Vec<Row>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM manual_transfers WHERE merchant_id = ?1 AND mode = ?2 \
         AND (?3 IS NULL OR status = ?3) ORDER BY created_at DESC, id DESC LIMIT ?4"
    );
    db.prepare(&sql)
        .bind(&[
            merchant_id.into(),
            mode.as_str().into(),
            opt(status.map(ReviewStatus::as_str)),
            int(i64::from(limit)),
        ])?
        .all()
        .await?
        .results()
}

/// One of the merchant's transfers in `mode`.
pub async fn get(db: &D1Database, merchant_id: &str, mode: Mode, id: &str) -> worker::Result<Option<Row>> {
    let sql = format!("SELECT {COLUMNS} FROM manual_transfers WHERE id = ?1 AND merchant_id = ?2 AND mode = ?3");
    db.prepare(&sql)
        .bind(&[id.into(), merchant_id.into(), mode.as_str().into()])?
        .first(None)
        .await
}
