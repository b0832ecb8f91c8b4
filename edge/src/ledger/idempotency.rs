//! `Idempotency-Key` for the merchant's POSTs: the first request with a key reserves it, its
//! answer is stored, and a repeat gets that answer back; the same key with another body is a
//! conflict. A failed first request releases the key, so nothing is half-written.

use serde::Deserialize;
use worker::D1Database;

use super::int;

pub enum Seen {
    /// First time: the key is now reserved for this request.
    New,
    /// Answered before with the same body: here is that answer.
    Replay { status: u16, body: String },
    /// The same key with another body, or a first request still running.
    Conflict,
}

#[derive(Deserialize)]
struct Row {
    request_hash: String,
    status_code: i64,
    response: String,
}

/// Reserves `key` for `request_hash`, or says what was seen before.
pub async fn begin(
    db: &D1Database,
    merchant_id: &str,
    key: &str,
    request_hash: &str,
    now_ms: i64,
) -> worker::Result<Seen> {
    let inserted = db
        .prepare(
            "INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, response, created_at) \
             VALUES (?1, ?2, ?3, 0, '', ?4) ON CONFLICT (merchant_id, key) DO NOTHING",
        )
        .bind(&[merchant_id.into(), key.into(), request_hash.into(), int(now_ms)])?
        .run()
        .await?
        .meta()?
        .and_then(|m| m.changes)
        .unwrap_or(0);
    if inserted > 0 {
        return Ok(Seen::New);
    }
    let row: Option<Row> = db
        .prepare("SELECT request_hash, status_code, response FROM idempotency_keys WHERE merchant_id = ?1 AND key = ?2")
        .bind(&[merchant_id.into(), key.into()])?
        .first(None)
        .await?;
    Ok(match row {
        Some(r) if r.request_hash == request_hash && r.status_code > 0 => Seen::Replay {
            status: u16::try_from(r.status_code).unwrap_or(200),
            body: r.response,
        },
        _ => Seen::Conflict,
    })
}

/// Stores the answer for the reserved key.
pub async fn finish(db: &D1Database, merchant_id: &str, key: &str, status: u16, body: &str) -> worker::Result<()> {
    db.prepare("UPDATE idempotency_keys SET status_code = ?3, response = ?4 WHERE merchant_id = ?1 AND key = ?2")
        .bind(&[merchant_id.into(), key.into(), int(i64::from(status)), body.into()])?
        .run()
        .await?;
    Ok(())
}

/// Frees the key after a request that changed nothing (a 4xx or our own failure).
pub async fn release(db: &D1Database, merchant_id: &str, key: &str) -> worker::Result<()> {
    db.prepare("DELETE FROM idempotency_keys WHERE merchant_id = ?1 AND key = ?2 AND status_code = 0")
        .bind(&[merchant_id.into(), key.into()])?
        .run()
        .await?;
    Ok(())
}
