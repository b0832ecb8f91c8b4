//! A payment as its Durable Object stores it: the source of truth. Every status move goes
//! through [`PaymentRecord::apply`], which asks `shared`'s state machine and queues the
//! move for the D1 ledger (the outbox).

use bdpay_shared::errors::ErrorBody;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::{self, Event, Outcome, PaymentStatus};
use serde::{Deserialize, Serialize};

use crate::providers::CallRecord;

/// A provider call as the outbox keeps it (owned, for storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CallRow {
    pub provider: Provider,
    pub op: String,
    pub http_status: Option<u16>,
    pub provider_code: Option<String>,
    pub outcome: String,
    pub latency_ms: u32,
    pub at_ms: i64,
}

impl CallRow {
    pub fn from_record(c: &CallRecord, at_ms: i64) -> CallRow {
        CallRow {
            provider: c.provider,
            op: c.op.to_owned(),
            http_status: c.http_status,
            provider_code: c.provider_code.clone(),
            outcome: c.outcome.to_owned(),
            latency_ms: c.latency_ms,
            at_ms,
        }
    }
}

/// The most attempts (provider pages) one payment may have.
pub const MAX_ATTEMPTS: u32 = 10;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredPhone {
    /// `01XX4567`
    pub masked: String,
    /// AES-256-GCM, base64 (crypto::DataKeys).
    pub enc: String,
    /// HMAC-SHA256 for look-ups, hex.
    pub hash: String,
}

/// A merchant webhook event a move implies (`payment.succeeded`, `refund.failed`, …), kept
/// in the outbox until the ledger (and so the delivery queue) has it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutboxWebhook {
    pub event_type: String,
    /// The record's version at the move (with `refund_id`, makes the event id deterministic).
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    pub at_ms: i64,
}

/// Where the provider call that decides the outcome stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Completion {
    /// Nothing in flight, nothing unknown.
    #[default]
    Idle,
    /// An execute/verify was sent at `since_ms`. Found like this after a restart, the answer
    /// is lost: treat it as `Unknown` (re-check, never redo).
    InFlight { since_ms: i64 },
    /// The provider gave no clear answer: the alarm re-checks at `next_ms`.
    Unknown { attempts: u32, next_ms: i64 },
}

/// One status move, kept until the ledger has it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventRow {
    pub version: u64,
    pub status: PaymentStatus,
    /// What moved it: `create`, `confirm`, `execute`, `verify`, `query`, `return`, `ipn`, `alarm`, `expiry`.
    pub reason: String,
    pub at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PaymentRecord {
    pub id: String,
    pub merchant_id: String,
    pub merchant_name: String,
    /// `test` | `live`: which provider endpoints this payment uses.
    pub mode: String,
    pub order_id: String,
    pub amount: Money,
    pub status: PaymentStatus,
    /// Write sequence: bumped on every stored change; D1 ignores older versions.
    pub version: u64,
    pub client_secret_hash: String,
    #[serde(default)]
    pub provider: Option<Provider>,
    /// bKash `paymentID` / Nagad `paymentReferenceId` of the current attempt.
    #[serde(default)]
    pub provider_ref: Option<String>,
    /// Our reference at the provider for the current attempt (invoice / Nagad orderId).
    #[serde(default)]
    pub invoice: Option<String>,
    #[serde(default)]
    pub redirect_url: Option<String>,
    #[serde(default)]
    pub choice_reason: Option<String>,
    #[serde(default)]
    pub attempts: u32,
    /// Provider refs of earlier attempts (their late callbacks are recognised, not executed).
    #[serde(default)]
    pub earlier_refs: Vec<String>,
    /// What this payment holds of its order's claim (edge/src/order_claim.rs).
    #[serde(default)]
    pub order_claim: Option<crate::order_claim::Held>,
    #[serde(default)]
    pub trx_id: Option<String>,
    #[serde(default)]
    pub paid_at_ms: Option<i64>,
    #[serde(default)]
    pub payer_masked: Option<String>,
    #[serde(default)]
    pub customer_phone: Option<StoredPhone>,
    #[serde(default)]
    pub return_url: Option<String>,
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    #[serde(default)]
    pub error: Option<ErrorBody>,
    #[serde(default)]
    pub completion: Completion,
    #[serde(default)]
    pub refunded: Option<Money>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// When an unpaid payment expires (requires_method, failed, cancelled: no more attempts;
    /// pending: a last check, then `expired`).
    pub expires_ms: i64,
    /// When the current attempt's provider page is over: a last check, then `expired`.
    #[serde(default)]
    pub attempt_deadline_ms: Option<i64>,
    /// Outbox: moves and provider calls the D1 ledger has not confirmed yet.
    #[serde(default)]
    pub outbox_events: Vec<EventRow>,
    #[serde(default)]
    pub outbox_calls: Vec<CallRow>,
    /// The payments row itself needs writing.
    #[serde(default)]
    pub outbox_row: bool,
    #[serde(default)]
    pub outbox_webhooks: Vec<OutboxWebhook>,
    /// Every refund asked of this payment (edge/src/refunds); D1 follows with the row.
    #[serde(default)]
    pub refunds: Vec<crate::refunds::StoredRefund>,
}

/// The result of offering an event to the record.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    Moved(PaymentStatus),
    Unchanged,
    Refused,
}

impl PaymentRecord {
    /// Offers `event`; on a move, records it for the ledger. Never panics; a refused move
    /// changes nothing.
    pub fn apply(&mut self, event: Event, reason: &str, now_ms: i64, detail: Option<serde_json::Value>) -> Applied {
        match status::next(self.status, event) {
            Ok(Outcome::Moved(to)) => {
                self.status = to;
                self.touch(now_ms);
                self.outbox_events.push(EventRow {
                    version: self.version,
                    status: to,
                    reason: reason.to_owned(),
                    at_ms: now_ms,
                    detail,
                });
                if let Some(event_type) = webhook_event(to) {
                    self.outbox_webhooks.push(OutboxWebhook {
                        event_type: event_type.to_owned(),
                        version: self.version,
                        refund_id: None,
                        at_ms: now_ms,
                    });
                }
                Applied::Moved(to)
            }
            Ok(Outcome::Unchanged) => Applied::Unchanged,
            Err(_) => Applied::Refused,
        }
    }

    /// Any stored change: a new version, and the ledger row must follow.
    pub fn touch(&mut self, now_ms: i64) {
        self.version += 1;
        self.updated_ms = now_ms;
        self.outbox_row = true;
    }

    pub fn has_outbox(&self) -> bool {
        self.outbox_row
            || !self.outbox_events.is_empty()
            || !self.outbox_calls.is_empty()
            || !self.outbox_webhooks.is_empty()
    }

    /// Empties the outbox after the ledger confirmed it.
    pub fn clear_outbox(&mut self) {
        self.outbox_row = false;
        self.outbox_events.clear();
        self.outbox_calls.clear();
        self.outbox_webhooks.clear();
    }

    /// Whether the merchant and the shopper can still act on it (a new attempt, a return).
    pub fn is_open(&self, now_ms: i64) -> bool {
        now_ms < self.expires_ms
            && matches!(
                self.status,
                PaymentStatus::RequiresMethod
                    | PaymentStatus::Pending
                    | PaymentStatus::Failed
                    | PaymentStatus::Cancelled
            )
    }

    /// The earliest moment the alarm must run, if any.
    pub fn next_alarm_ms(&self, now_ms: i64, outbox_retry_ms: i64) -> Option<i64> {
        let mut at: Option<i64> = None;
        let mut consider = |t: i64| at = Some(at.map_or(t, |a| a.min(t)));
        match self.completion {
            Completion::Unknown { next_ms, .. } => consider(next_ms),
            Completion::InFlight { since_ms } => consider(since_ms + 45_000),
            Completion::Idle => {}
        }
        match self.status {
            PaymentStatus::RequiresMethod => consider(self.expires_ms),
            PaymentStatus::Pending => consider(self.attempt_deadline_ms.unwrap_or(self.expires_ms)),
            _ => {}
        }
        if self.has_outbox() {
            consider(now_ms + outbox_retry_ms);
        }
        if let Some(t) = crate::refunds::flow::next_check_ms(self) {
            consider(t);
        }
        at
    }
}

/// The merchant event a payment status move announces, if any.
pub fn webhook_event(to: PaymentStatus) -> Option<&'static str> {
    match to {
        PaymentStatus::Succeeded => Some("payment.succeeded"),
        PaymentStatus::Failed => Some("payment.failed"),
        PaymentStatus::Cancelled => Some("payment.cancelled"),
        PaymentStatus::Expired => Some("payment.expired"),
        _ => None,
    }
}

impl Completion {
    /// The outcome stays unknown: the next re-check, one step further back. Returns its number.
    pub fn recheck_later(&mut self, now_ms: i64) -> u32 {
        let attempts = match *self {
            Completion::Unknown { attempts, .. } => attempts + 1,
            _ => 0,
        };
        *self = Completion::Unknown {
            attempts,
            next_ms: now_ms + recheck_delay_ms(attempts),
        };
        attempts
    }
}

/// Seconds to wait before the n-th re-check of an unknown outcome: 5 s, 10 s, 20 s … 10 min.
pub fn recheck_delay_ms(attempt: u32) -> i64 {
    let secs = 5i64.saturating_mul(1i64 << attempt.min(7));
    secs.min(600) * 1000
}

#[cfg(test)]
mod tests {

    #[test]
    fn each_recheck_waits_one_step_longer() {
        let mut c = Completion::InFlight { since_ms: 0 };
        assert_eq!(c.recheck_later(1_000), 0);
        assert_eq!(
            c,
            Completion::Unknown {
                attempts: 0,
                next_ms: 6_000
            }
        );
        assert_eq!(c.recheck_later(1_000), 1);
        assert_eq!(
            c,
            Completion::Unknown {
                attempts: 1,
                next_ms: 11_000
            }
        );
    }
    use super::*;

    fn record() -> PaymentRecord {
        serde_json::from_value(serde_json::json!({
            "id": "pay_x", "merchant_id": "mer_demo", "merchant_name": "Demo", "mode": "test",
            "order_id": "A1", "amount": "10.00", "status": "requires_method", "version": 1,
            "client_secret_hash": "h", "created_ms": 0, "updated_ms": 0, "expires_ms": 1000
        }))
        .unwrap()
    }

    #[test]
    fn a_move_bumps_the_version_and_queues_it_for_the_ledger() {
        let mut r = record();
        assert_eq!(
            r.apply(Event::SentToProvider, "confirm", 5, None),
            Applied::Moved(PaymentStatus::Pending)
        );
        assert_eq!((r.version, r.outbox_events.len()), (2, 1));
        assert_eq!(
            r.apply(Event::ProviderSucceeded, "execute", 6, None),
            Applied::Moved(PaymentStatus::Succeeded)
        );
        assert_eq!(r.apply(Event::ProviderSucceeded, "ipn", 7, None), Applied::Unchanged);
        assert_eq!(r.apply(Event::TimedOut, "alarm", 8, None), Applied::Refused);
        assert_eq!((r.version, r.outbox_events.len()), (3, 2));
        let events: Vec<&str> = r.outbox_webhooks.iter().map(|w| w.event_type.as_str()).collect();
        assert_eq!(
            events,
            ["payment.succeeded"],
            "one event per announced move, none for a repeat"
        );
    }

    #[test]
    fn rechecks_back_off_to_ten_minutes() {
        assert_eq!(recheck_delay_ms(0), 5_000);
        assert_eq!(recheck_delay_ms(1), 10_000);
        assert_eq!(recheck_delay_ms(30), 600_000);
    }

    #[test]
    fn an_unknown_outcome_sets_the_alarm() {
        let mut r = record();
        r.completion = Completion::Unknown {
            attempts: 1,
            next_ms: 300,
        };
        assert_eq!(r.next_alarm_ms(0, 10_000), Some(300));
    }
}
