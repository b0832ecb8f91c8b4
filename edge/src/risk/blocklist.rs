//! The blocklist in D1: keyed hashes of phone numbers a merchant refuses (`POST /v1/blocklist`).
//! An entry shows its id, the number masked, its reason and date; never the number. Whether
//! an entry blocks a payment is `history::phone`'s question (own entries always; other
//! merchants' when both share).

use serde::{Deserialize, Serialize};
use worker::D1Database;

use crate::ledger::{int, opt};
use crate::providers::Mode;

/// One entry, as listed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    /// `01XX4567`
    pub phone_masked: String,
    pub reason: Option<String>,
    pub created_at: i64,
}

pub struct NewEntry<'a> {
    pub id: &'a str,
    pub merchant_id: &'a str,
    pub mode: Mode,
    pub phone_hash: &'a str,
    pub phone_masked: &'a str,
    pub reason: Option<&'a str>,
    pub now_ms: i64,
}

/// Adds the phone to the merchant's list; the entry already there when it was listed before.
pub async fn add(db: &D1Database, e: &NewEntry<'_>) -> worker::Result<Entry> {
    db.prepare(
        "INSERT INTO blocklist (id, merchant_id, mode, phone_hash, phone_masked, reason, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(merchant_id, mode, phone_hash) DO NOTHING",
    )
    .bind(&[
        e.id.into(),
        e.merchant_id.into(),
        e.mode.as_str().into(),
        e.phone_hash.into(),
        e.phone_masked.into(),
        opt(e.reason),
        int(e.now_ms),
    ])?
    .run()
    .await?;
    let row: Option<Entry> = db
        .prepare(
            "SELECT id, phone_masked, reason, created_at FROM blocklist \
             WHERE merchant_id = ?1 AND mode = ?2 AND phone_hash = ?3",
        )
        .bind(&[e.merchant_id.into(), e.mode.as_str().into(), e.phone_hash.into()])?
        .first(None)
        .await?;
    row.ok_or_else(|| worker::Error::RustError("blocklist entry not found after insert".into()))
}

/// The merchant's own entries in `mode`, newest first.
pub async fn list(db: &D1Database, merchant_id: &str, mode: Mode) -> worker::Result<Vec<Entry>> {
    db.prepare(
        "SELECT id, phone_masked, reason, created_at FROM blocklist WHERE merchant_id = ?1 AND mode = ?2 \
         ORDER BY created_at DESC, id LIMIT 1000",
    )
    .bind(&[merchant_id.into(), mode.as_str().into()])?
    .all()
    .await?
    .results()
}

/// Removes one of the merchant's entries; `false` when it has none by that id.
pub async fn remove(db: &D1Database, merchant_id: &str, mode: Mode, id: &str) -> worker::Result<bool> {
    let done = db
        .prepare("DELETE FROM blocklist WHERE id = ?1 AND merchant_id = ?2 AND mode = ?3")
        .bind(&[id.into(), merchant_id.into(), mode.as_str().into()])?
        .run()
        .await?;
    Ok(done.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}
