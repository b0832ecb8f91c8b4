//! `Idempotency-Key` for the merchant's POSTs: the first request with a key reserves it, its
//! answer is stored, and a repeat gets that answer back; the same key with another body is a
//! conflict. A failed first request releases the key, so nothing is half-written. A request
//! that died without either (the isolate crashed) leaves its reservation behind: after
//! [`STALE_AFTER_MS`] a repeat of the same request takes it over, in one statement so only one
//! repeat wins, and runs again (creating a payment or a refund is itself idempotent per key,
//! so the re-run finds what the dead request made).

use serde::Deserialize;
use worker::D1Database;

use super::int;

/// A reservation with no answer this old belongs to a request that died (a live one answers
/// within the worker's limits long before).
pub const STALE_AFTER_MS: i64 = 60_000;

/// Reservations made at or before this instant are stale at `now_ms`.
pub fn stale_before(now_ms: i64) -> i64 {
    now_ms.saturating_sub(STALE_AFTER_MS)
}

/// Whether a repeat with `request_hash` at `now_ms` may take over a stored row.
pub fn may_take_over(row_hash: &str, row_status: i64, row_created_at: i64, request_hash: &str, now_ms: i64) -> bool {
    row_status == 0 && row_hash == request_hash && row_created_at <= stale_before(now_ms)
}

pub enum Seen {
    /// First time (or a dead request's stale reservation taken over): the key is now reserved
    /// for this request.
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
    created_at: i64,
}

/// Reserves `key` for `request_hash`, or says what was seen before.
pub async fn begin(
    db: &D1Database,
    merchant_id: &str,
    key: &str,
    request_hash: &str,
    now_ms: i64,
) -> worker::Result<Seen> {
    // One statement: insert, or take over a stale reservation of the same request (the rule of
    // `may_take_over`); of two repeats racing for one stale row only the first matches.
    let inserted = db
        .prepare(
            "INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, response, created_at) \
             VALUES (?1, ?2, ?3, 0, '', ?4) ON CONFLICT (merchant_id, key) DO UPDATE SET created_at = excluded.created_at \
             WHERE idempotency_keys.status_code = 0 AND idempotency_keys.request_hash = excluded.request_hash \
             AND idempotency_keys.created_at <= ?5",
        )
        .bind(&[
            merchant_id.into(),
            key.into(),
            request_hash.into(),
            int(now_ms),
            int(stale_before(now_ms)),
        ])?
        .run()
        .await?
        .meta()?
        .and_then(|m| m.changes)
        .unwrap_or(0);
    if inserted > 0 {
        return Ok(Seen::New);
    }
    let row: Option<Row> = db
        .prepare(
            "SELECT request_hash, status_code, response, created_at FROM idempotency_keys \
             WHERE merchant_id = ?1 AND key = ?2",
        )
        .bind(&[merchant_id.into(), key.into()])?
        .first(None)
        .await?;
    Ok(match row {
        Some(r) if r.request_hash == request_hash && r.status_code > 0 => Seen::Replay {
            status: u16::try_from(r.status_code).unwrap_or(200),
            body: r.response,
        },
        Some(r) if may_take_over(&r.request_hash, r.status_code, r.created_at, request_hash, now_ms) => {
            // Stale by our clock, yet the statement did not take it: another repeat won.
            crate::log::info(
                "idempotency_takeover_lost",
                &serde_json::json!({ "merchant": merchant_id }),
            );
            Seen::Conflict
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_stale_unanswered_reservation_of_the_same_request_is_taken_over() {
        let now = 1_000_000_000;
        assert_eq!(stale_before(now), now - 60_000);
        assert!(may_take_over("h", 0, now - 60_000, "h", now), "60 s old: stale");
        assert!(may_take_over("h", 0, now - 3_600_000, "h", now));
        assert!(!may_take_over("h", 0, now - 59_999, "h", now), "still running");
        assert!(
            !may_take_over("h", 201, now - 3_600_000, "h", now),
            "answered: replay it"
        );
        assert!(
            !may_take_over("h", 0, now - 3_600_000, "other", now),
            "another body: conflict"
        );
        assert_eq!(stale_before(i64::MIN), i64::MIN, "no overflow");
    }
}
