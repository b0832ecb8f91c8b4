//! The re-encryption job as data: which tables, how far (a rowid cursor per table), what was
//! re-sealed and what failed. Pure: the Durable Object (`keys::object`) stores it and runs
//! one batch per alarm; these functions say what comes next.

use serde::{Deserialize, Serialize};

/// A table holding ciphertexts, in the order the job visits them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    /// `customer_phone_enc`, re-sealed by the payment's own Durable Object (its record holds
    /// the same value; the ledger row follows through the outbox).
    Payments,
    /// `secret_enc`, re-sealed in D1 (compare-and-swap on the old value).
    WebhookEndpoints,
    /// `response` of finished requests, re-sealed in D1 (compare-and-swap).
    IdempotencyKeys,
    /// `sealed` merchants' provider credentials, re-sealed in D1 (compare-and-swap).
    MerchantCredentials,
    /// `number_enc` of merchants' wallets for manual transfers, re-sealed in D1 (compare-and-swap).
    MerchantWallets,
    /// `sender_phone_enc` of manual transfers, re-sealed in D1 (compare-and-swap; the payment's
    /// record holds only the masked number).
    ManualTransfers,
    /// `number_enc` of merchants' ops numbers for P1 alerts, re-sealed in D1 (compare-and-swap).
    AlertContacts,
    /// `account_enc` of payees' bank account numbers, re-sealed in D1 (compare-and-swap).
    Payees,
}

pub const TABLES: [Table; 8] = [
    Table::Payments,
    Table::WebhookEndpoints,
    Table::IdempotencyKeys,
    Table::MerchantCredentials,
    Table::MerchantWallets,
    Table::ManualTransfers,
    Table::AlertContacts,
    Table::Payees,
];

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Payments => "payments",
            Table::WebhookEndpoints => "webhook_endpoints",
            Table::IdempotencyKeys => "idempotency_keys",
            Table::MerchantCredentials => "merchant_credentials",
            Table::MerchantWallets => "merchant_wallets",
            Table::ManualTransfers => "manual_transfers",
            Table::AlertContacts => "merchant_alert_contacts",
            Table::Payees => "payees",
        }
    }

    /// Rows per alarm: a payment is a call to its object, so fewer of them.
    pub fn batch(self) -> usize {
        match self {
            Table::Payments => 20,
            Table::WebhookEndpoints
            | Table::IdempotencyKeys
            | Table::MerchantCredentials
            | Table::MerchantWallets
            | Table::ManualTransfers
            | Table::AlertContacts
            | Table::Payees => 100,
        }
    }
}

/// One table's progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableProgress {
    pub table: Table,
    /// The last rowid looked at: the next batch starts after it.
    pub cursor: i64,
    /// Rows re-sealed under the target key (or found already under it).
    pub done: u64,
    /// Rows that did not open (unknown key, wrong binding, damaged): left as they are.
    pub failed: u64,
    pub finished: bool,
}

/// A run toward one key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The key id every ciphertext is moved to (the current key when the run began).
    pub target: String,
    pub started_ms: i64,
    pub finished_ms: Option<i64>,
    pub tables: Vec<TableProgress>,
}

/// What one batch of one table came to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Rows the query returned (fewer than the batch size: the table is done).
    pub seen: usize,
    /// The greatest rowid among them.
    pub last_rowid: Option<i64>,
    pub done: u64,
    pub failed: u64,
}

/// The job to run after an admin's POST: the unfinished one toward the same key goes on;
/// otherwise (none, finished, or toward another key) a new one starts from the top.
/// Answers whether a new run began.
pub fn start(existing: Option<Job>, target: &str, now_ms: i64) -> (Job, bool) {
    match existing {
        Some(job) if job.target == target && job.finished_ms.is_none() => (job, false),
        _ => (
            Job {
                target: target.to_owned(),
                started_ms: now_ms,
                finished_ms: None,
                tables: TABLES
                    .iter()
                    .map(|&table| TableProgress {
                        table,
                        cursor: 0,
                        done: 0,
                        failed: 0,
                        finished: false,
                    })
                    .collect(),
            },
            true,
        ),
    }
}

impl Job {
    /// The table the next batch reads, if any is left.
    pub fn next(&self) -> Option<(Table, i64)> {
        self.tables.iter().find(|t| !t.finished).map(|t| (t.table, t.cursor))
    }

    /// Folds one batch in; the job finishes when its last table does.
    pub fn record(&mut self, table: Table, b: Batch, now_ms: i64) {
        if let Some(t) = self.tables.iter_mut().find(|t| t.table == table) {
            t.cursor = b.last_rowid.map_or(t.cursor, |r| r.max(t.cursor));
            t.done += b.done;
            t.failed += b.failed;
            t.finished = b.seen < table.batch();
        }
        if self.finished_ms.is_none() && self.tables.iter().all(|t| t.finished) {
            self.finished_ms = Some(now_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_visits_each_table_until_a_short_batch() {
        let (mut job, new) = start(None, "k2", 1);
        assert!(new);
        assert_eq!(job.next(), Some((Table::Payments, 0)));
        let full = Batch {
            seen: 20,
            last_rowid: Some(40),
            done: 19,
            failed: 1,
        };
        job.record(Table::Payments, full, 2);
        assert_eq!(job.next(), Some((Table::Payments, 40)));
        job.record(
            Table::Payments,
            Batch {
                seen: 3,
                last_rowid: Some(45),
                done: 3,
                failed: 0,
            },
            3,
        );
        assert_eq!(job.next(), Some((Table::WebhookEndpoints, 0)));
        job.record(Table::WebhookEndpoints, Batch::default(), 4);
        assert_eq!(job.finished_ms, None);
        job.record(Table::IdempotencyKeys, Batch::default(), 5);
        assert_eq!(job.next(), Some((Table::MerchantCredentials, 0)));
        job.record(Table::MerchantCredentials, Batch::default(), 6);
        assert_eq!(job.next(), Some((Table::MerchantWallets, 0)));
        job.record(Table::MerchantWallets, Batch::default(), 7);
        assert_eq!(job.finished_ms, None);
        job.record(Table::ManualTransfers, Batch::default(), 8);
        assert_eq!(job.next(), Some((Table::AlertContacts, 0)));
        job.record(Table::AlertContacts, Batch::default(), 9);
        assert_eq!(job.next(), Some((Table::Payees, 0)));
        job.record(Table::Payees, Batch::default(), 10);
        assert_eq!(job.next(), None);
        assert_eq!(job.finished_ms, Some(10));
        let p = &job.tables[0];
        assert_eq!((p.cursor, p.done, p.failed, p.finished), (45, 22, 1, true));
    }

    #[test]
    fn a_second_post_continues_an_unfinished_run_and_restarts_a_finished_one() {
        let (job, _) = start(None, "k2", 1);
        let (same, new) = start(Some(job.clone()), "k2", 9);
        assert!(!new);
        assert_eq!(same, job);
        let (other, new) = start(Some(job.clone()), "k3", 9);
        assert!(new && other.target == "k3");
        let mut done = job;
        for t in TABLES {
            done.record(t, Batch::default(), 5);
        }
        let (again, new) = start(Some(done), "k2", 9);
        assert!(new);
        assert_eq!((again.started_ms, again.next()), (9, Some((Table::Payments, 0))));
    }

    #[test]
    fn cursor_never_moves_back() {
        let (mut job, _) = start(None, "k2", 1);
        let b = |last| Batch {
            seen: 20,
            last_rowid: last,
            done: 0,
            failed: 0,
        };
        job.record(Table::Payments, b(Some(50)), 2);
        job.record(Table::Payments, b(Some(10)), 3);
        job.record(Table::Payments, b(None), 4);
        assert_eq!(job.next(), Some((Table::Payments, 50)));
    }
}
