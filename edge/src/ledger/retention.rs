//! Retention: what the nightly cron deletes once it is past its time, table by table
//! (README.md "Retention"). Only rows no payment or refund needs: payments, their events,
//! attempts, refunds and order claims are the money's record and are never deleted here.
//! Deletes go in bounded batches so a big backlog cannot exhaust one cron run; the rest
//! waits for the next night.

use worker::D1Database;

use super::int;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Rows one statement deletes at most.
pub const BATCH: i64 = 500;
/// Statements per table per run at most (so at most 10,000 rows per table a night).
pub const MAX_ROUNDS: u32 = 20;

/// One table's rule: rows older than `keep_ms` (by the statement's own time column) go.
pub struct Purge {
    pub table: &'static str,
    pub keep_ms: i64,
    /// `?1` is the cut-off, `?2` the batch size.
    sql: &'static str,
}

/// Every rule, in the order they run (queue rows before the events they point at).
pub const PURGES: [Purge; 5] = [
    Purge {
        // A key answers repeats for 24 h after its first request (as Stripe's do).
        table: "idempotency_keys",
        keep_ms: DAY_MS,
        sql: "DELETE FROM idempotency_keys WHERE rowid IN \
              (SELECT rowid FROM idempotency_keys WHERE created_at < ?1 LIMIT ?2)",
    },
    Purge {
        // Delivered or given up (retries end after 3 days): `next_at` is when that happened.
        table: "webhook_queue",
        keep_ms: 30 * DAY_MS,
        sql: "DELETE FROM webhook_queue WHERE rowid IN \
              (SELECT rowid FROM webhook_queue WHERE state != 'pending' AND next_at < ?1 LIMIT ?2)",
    },
    Purge {
        table: "webhook_deliveries",
        keep_ms: 30 * DAY_MS,
        sql: "DELETE FROM webhook_deliveries WHERE id IN \
              (SELECT id FROM webhook_deliveries WHERE created_at < ?1 LIMIT ?2)",
    },
    Purge {
        // `GET /v1/events` shows 30 days; an event still queued (a redelivery) stays.
        table: "events",
        keep_ms: 30 * DAY_MS,
        sql: "DELETE FROM events WHERE rowid IN \
              (SELECT rowid FROM events WHERE created_at < ?1 \
               AND NOT EXISTS (SELECT 1 FROM webhook_queue q WHERE q.event_id = events.id) LIMIT ?2)",
    },
    Purge {
        // Masked call logs, for support and disputes: longer than bKash's 60-day refund window.
        table: "provider_calls",
        keep_ms: 90 * DAY_MS,
        sql: "DELETE FROM provider_calls WHERE id IN \
              (SELECT id FROM provider_calls WHERE created_at < ?1 LIMIT ?2)",
    },
];

impl Purge {
    /// Rows created before this instant are past their time at `now_ms`.
    pub fn cutoff(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.keep_ms)
    }
}

/// Whether to run another round after one that deleted `deleted` rows as round `round` (from 1).
pub fn another_round(deleted: i64, round: u32) -> bool {
    deleted >= BATCH && round < MAX_ROUNDS
}

/// Runs every rule; the rows deleted per table, or the first error.
pub async fn run(db: &D1Database, now_ms: i64) -> worker::Result<Vec<(&'static str, i64)>> {
    let mut deleted = Vec::with_capacity(PURGES.len());
    for purge in &PURGES {
        let cutoff = purge.cutoff(now_ms);
        let mut total = 0;
        let mut round = 1;
        loop {
            let n = db
                .prepare(purge.sql)
                .bind(&[int(cutoff), int(BATCH)])?
                .run()
                .await?
                .meta()?
                .and_then(|m| m.changes)
                .map_or(0, |c| i64::try_from(c).unwrap_or(i64::MAX));
            total += n;
            if !another_round(n, round) {
                break;
            }
            round += 1;
        }
        deleted.push((purge.table, total));
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(table: &str) -> &'static Purge {
        PURGES.iter().find(|p| p.table == table).unwrap()
    }

    #[test]
    fn cutoffs_are_now_minus_each_tables_period() {
        let now = 1_800_000_000_000;
        assert_eq!(rule("idempotency_keys").cutoff(now), now - 86_400_000);
        assert_eq!(rule("events").cutoff(now), now - 30 * 86_400_000);
        assert_eq!(rule("webhook_queue").cutoff(now), now - 30 * 86_400_000);
        assert_eq!(rule("webhook_deliveries").cutoff(now), now - 30 * 86_400_000);
        assert_eq!(rule("provider_calls").cutoff(now), now - 90 * 86_400_000);
        assert_eq!(rule("provider_calls").cutoff(i64::MIN), i64::MIN, "no overflow");
    }

    #[test]
    fn no_rule_touches_the_money_record_and_every_delete_is_bounded() {
        for p in &PURGES {
            assert!(
                ![
                    "payments",
                    "payment_events",
                    "payment_attempts",
                    "refunds",
                    "order_claims"
                ]
                .contains(&p.table),
                "{}",
                p.table
            );
            assert!(
                p.sql.starts_with(&format!("DELETE FROM {} WHERE", p.table)),
                "{}",
                p.table
            );
            assert!(p.sql.contains("LIMIT ?2") && p.sql.contains("< ?1"), "{}", p.table);
            assert!(p.keep_ms >= DAY_MS);
        }
        let queue = PURGES.iter().position(|p| p.table == "webhook_queue");
        let events = PURGES.iter().position(|p| p.table == "events");
        assert!(queue < events, "queue rows go before the events they name");
        assert!(rule("webhook_queue").sql.contains("state != 'pending'"));
    }

    #[test]
    fn rounds_stop_when_a_batch_is_short_or_the_budget_is_spent() {
        assert!(another_round(BATCH, 1));
        assert!(!another_round(BATCH - 1, 1));
        assert!(!another_round(0, 1));
        assert!(!another_round(BATCH, MAX_ROUNDS));
    }
}
