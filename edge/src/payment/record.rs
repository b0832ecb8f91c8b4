//! A payment as its Durable Object stores it: the source of truth. Every status move goes
//! through [`PaymentRecord::apply`], which asks `shared`'s state machine and queues the
//! move for the D1 ledger (the outbox).

use bdpay_shared::errors::ErrorBody;
use bdpay_shared::ids::{OrderId, PaymentId};
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::{self, Event, Outcome, PaymentStatus};
use serde::{Deserialize, Serialize};

use super::attempt::Attempt;
use super::checkout::Checkout;
use super::stored_refund::StoredRefund;
use super::stored_transfer::StoredTransfer;
use crate::providers::{CallRecord, Mode};

/// The most attempts (wallet pages) one payment may have.
pub const MAX_ATTEMPTS: usize = 10;

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

    /// The call as provider health counts it (`bdpay_shared::health`).
    pub fn health(&self) -> bdpay_shared::health::Call {
        bdpay_shared::health::Call::observed(
            self.provider,
            self.http_status,
            self.provider_code.as_deref(),
            &self.outcome,
            self.latency_ms,
            self.at_ms,
        )
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredPhone {
    /// `01XX4567`
    pub masked: String,
    /// AES-256-GCM, base64 (crypto::DataKeys).
    pub enc: String,
    /// HMAC-SHA256 for look-ups, hex.
    pub hash: String,
}

impl StoredPhone {
    /// The payment's phone as kept: masked, sealed at `binding::payment_phone`, hashed.
    pub fn seal(
        keys: &crate::crypto::DataKeys,
        payment_id: &str,
        p: &bdpay_shared::phone::Msisdn,
    ) -> Result<StoredPhone, String> {
        Ok(StoredPhone {
            masked: p.masked(),
            enc: keys.encrypt_phone(&crate::keys::binding::payment_phone(payment_id), p)?,
            hash: keys.phone_lookup_hash(p)?,
        })
    }
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

/// What this payment holds of its order's claim (`payment::claim`; one paid payment per order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Held {
    /// Taken before a bKash execute; the outcome decides.
    Claimed,
    Paid,
    Released,
    /// Paid although another payment held the order: refunded as a duplicate.
    Duplicate,
}

const fn failover_default() -> bool {
    true
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PaymentRecord {
    pub id: PaymentId,
    pub merchant_id: String,
    pub merchant_name: String,
    /// Which provider credentials and endpoints this payment uses.
    pub mode: Mode,
    pub order_id: OrderId,
    pub amount: Money,
    pub status: PaymentStatus,
    /// Write sequence: bumped on every stored change; D1 ignores older versions.
    pub version: u64,
    pub client_secret_hash: String,
    /// Every wallet page this payment sent the shopper to, oldest first.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// The attempt whose money is the payment's (an index into `attempts`).
    #[serde(default)]
    pub paid_attempt: Option<usize>,
    /// What this payment holds of its order's claim.
    #[serde(default)]
    pub order_claim: Option<Held>,
    /// Paid while another payment's claim on the order is unclear: ask again at this time.
    #[serde(default)]
    pub claim_retry_ms: Option<i64>,
    #[serde(default)]
    pub customer_phone: Option<StoredPhone>,
    #[serde(default)]
    pub return_url: Option<String>,
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// Whether a confirm may go to the other wallet when the one chosen is down or fails to
    /// start the payment (on unless the merchant sent `"allow_failover": false`).
    #[serde(default = "failover_default")]
    pub allow_failover: bool,
    #[serde(default)]
    pub error: Option<ErrorBody>,
    /// Refunded so far of the payment's own money (an attempt's duplicate refund is not counted).
    #[serde(default)]
    pub refunded: Option<Money>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// When an unpaid payment stops taking attempts (and a `requires_method` one expires).
    pub expires_ms: i64,
    /// Outbox: moves and provider calls the D1 ledger has not confirmed yet.
    #[serde(default)]
    pub outbox_events: Vec<EventRow>,
    #[serde(default)]
    pub outbox_calls: Vec<CallRow>,
    /// The payments row (and its attempts' rows) needs writing.
    #[serde(default)]
    pub outbox_row: bool,
    #[serde(default)]
    pub outbox_webhooks: Vec<OutboxWebhook>,
    /// Failed ledger writes in a row (the outbox's backoff).
    #[serde(default)]
    pub outbox_failures: u32,
    /// When the ledger writes started failing (an alert is raised after an hour).
    #[serde(default)]
    pub outbox_failing_since_ms: Option<i64>,
    /// Every refund asked of this payment; D1 follows with the row.
    #[serde(default)]
    pub refunds: Vec<StoredRefund>,
    /// When the shopper was last given manual transfer instructions (a transfer quoted later
    /// is taken even if the wallets are back: the money may have moved).
    #[serde(default)]
    pub manual_offered_ms: Option<i64>,
    /// The instructions are the widget's next action: set by a confirm answered with them,
    /// cleared by a confirm for a wallet.
    #[serde(default)]
    pub manual_shown: bool,
    /// Every manual transfer quoted for this payment, oldest first; D1 follows with the rows.
    #[serde(default)]
    pub transfers: Vec<StoredTransfer>,
    /// Risk, step-up, cohort, promotion, tax and compliance (`payment::checkout`).
    #[serde(default)]
    pub checkout: Checkout,
}

/// Who holds a payment's money ([`PaymentRecord::money_source`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoneySource<'a> {
    pub provider: Option<Provider>,
    /// bKash `paymentID` / Nagad payment reference.
    pub reference: Option<&'a str>,
    /// bKash `trxID` / Nagad's issuer reference / a manual transfer's TrxID.
    pub trx_id: Option<&'a str>,
}

/// The result of offering an event to the record.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    Moved(PaymentStatus),
    Unchanged,
    Refused,
}

impl PaymentRecord {
    /// Offers `event`; on a move, records it for the ledger and the merchant's webhooks.
    /// Never panics; a refused move changes nothing.
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
                if let Some(event_type) = to.announced_as() {
                    self.announce(event_type, None, now_ms);
                }
                Applied::Moved(to)
            }
            Ok(Outcome::Unchanged) => Applied::Unchanged,
            Err(_) => Applied::Refused,
        }
    }

    /// Queues a merchant event about this payment (or one of its refunds).
    pub fn announce(&mut self, event_type: &str, refund_id: Option<String>, now_ms: i64) {
        self.outbox_webhooks.push(OutboxWebhook {
            event_type: event_type.to_owned(),
            version: self.version,
            refund_id,
            at_ms: now_ms,
        });
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
        self.outbox_failures = 0;
        self.outbox_failing_since_ms = None;
    }

    /// Records provider calls for the ledger.
    pub fn note_calls(&mut self, calls: &[CallRecord], now_ms: i64) {
        self.outbox_calls
            .extend(calls.iter().map(|c| CallRow::from_record(c, now_ms)));
    }

    /// The newest attempt, if any.
    pub fn current(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    /// The attempt whose money is the payment's, once paid.
    pub fn paid(&self) -> Option<&Attempt> {
        self.paid_attempt.and_then(|i| self.attempts.get(i))
    }

    /// The attempt that stands for the payment: the paid one, else the newest.
    pub fn main_attempt(&self) -> Option<&Attempt> {
        self.paid().or_else(|| self.current())
    }

    /// The manual transfer whose money is the payment's (verified or approved), when no
    /// wallet attempt's is.
    pub fn paid_transfer(&self) -> Option<&StoredTransfer> {
        if self.paid_attempt.is_some() {
            return None;
        }
        self.transfers.iter().rev().find(|t| t.status.is_paid())
    }

    /// Who holds the money, as the ledger and the merchant's view show it: a paid attempt's
    /// provider, reference and transaction id, else a paid manual transfer's provider and
    /// TrxID (no reference: no checkout took part); before that, the newest attempt's.
    pub fn money_source(&self) -> MoneySource<'_> {
        if let Some(t) = self.paid_transfer() {
            return MoneySource {
                provider: Some(t.provider),
                reference: None,
                trx_id: Some(t.trx_id.as_str()),
            };
        }
        let main = self.main_attempt();
        MoneySource {
            provider: main.map(|a| a.provider),
            reference: main.map(|a| a.provider_ref.as_str()),
            trx_id: self.paid().and_then(|a| a.trx_id.as_deref()),
        }
    }

    /// Whether the shopper may still act on it (a new attempt) at `now_ms`.
    pub fn is_open(&self, now_ms: i64) -> bool {
        now_ms < self.expires_ms && self.status.may_confirm()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn record() -> PaymentRecord {
        serde_json::from_value(serde_json::json!({
            "id": "pay_0123456789abcdefghijklmn", "merchant_id": "mer_demo", "merchant_name": "Demo",
            "mode": "test", "order_id": "A1", "amount": "10.00", "status": "requires_method", "version": 1,
            "client_secret_hash": "h", "created_ms": 0, "updated_ms": 0, "expires_ms": 3_600_000
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
}
