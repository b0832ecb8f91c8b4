//! One attempt of a payment: one visit to one wallet's page. A payment keeps every attempt
//! it made, and each is followed to its end (paid, failed, cancelled) even after the shopper
//! switched wallet: Nagad debits on its own page, so an attempt left behind may still pay.

use bdpay_shared::errors::ErrorBody;
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::Reason;
use bdpay_shared::status::AttemptStatus;
use serde::{Deserialize, Serialize};

/// How long an unclear outcome (our execute/verify went unanswered) is asked about before a
/// person must look; bKash cannot execute a payment older than a day.
pub const UNCLEAR_GIVE_UP_MS: i64 = 24 * 3600 * 1000;
/// A call still "in flight" this long after it was sent lost its answer (30 s client timeout).
pub const IN_FLIGHT_GRACE_MS: i64 = 45_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub provider: Provider,
    /// bKash `paymentID` / Nagad `paymentReferenceId`.
    pub provider_ref: String,
    /// Our reference at the provider: bKash `merchantInvoiceNumber`, Nagad `orderId`.
    pub invoice: String,
    pub redirect_url: String,
    /// Why this wallet was chosen (shared::routing).
    pub reason: Reason,
    /// With reason `failover`: the wallet the shopper (or routing) chose first, which was down
    /// or could not start the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover_from: Option<Provider>,
    pub status: AttemptStatus,
    pub created_ms: i64,
    /// When the wallet's page is over: the attempt gets a last look, then ends.
    pub deadline_ms: i64,
    /// When the provider is next asked about it (an unclear outcome, a page still open).
    #[serde(default)]
    pub next_check_ms: Option<i64>,
    /// Re-checks made so far (the backoff's step).
    #[serde(default)]
    pub checks: u32,
    /// When our execute/verify went out (`in_flight`, `unknown`).
    #[serde(default)]
    pub sent_ms: Option<i64>,
    /// A bKash execute was sent at least once (before that, bKash cannot have moved money).
    #[serde(default)]
    pub executed: bool,
    #[serde(default)]
    pub trx_id: Option<String>,
    #[serde(default)]
    pub paid_at_ms: Option<i64>,
    #[serde(default)]
    pub payer_masked: Option<String>,
    #[serde(default)]
    pub error: Option<ErrorBody>,
}

impl Attempt {
    /// Still to be followed: not settled, and not given up on.
    pub fn is_open(&self) -> bool {
        !self.status.is_settled()
    }

    /// Our call's answer is unclear: ask again one backoff step later.
    pub fn recheck_later(&mut self, now_ms: i64) -> u32 {
        let step = if self.status == AttemptStatus::Unknown {
            self.checks + 1
        } else {
            0
        };
        self.status = AttemptStatus::Unknown;
        self.checks = step;
        self.next_check_ms = Some(now_ms + recheck_delay_ms(step));
        step
    }

    /// The provider's page is still open (it answered "not final yet"): look again later,
    /// without making the attempt unclear.
    pub fn look_again_later(&mut self, now_ms: i64) {
        self.checks += 1;
        self.next_check_ms = Some(now_ms + recheck_delay_ms(self.checks).min(self.deadline_ms.max(now_ms) - now_ms));
    }

    /// Settles the attempt (paid, failed, cancelled, refunded): nothing more to ask.
    pub fn settle(&mut self, status: AttemptStatus) {
        self.status = status;
        self.next_check_ms = None;
    }

    /// An unclear outcome asked about for too long.
    pub fn gave_up(&self, now_ms: i64) -> bool {
        self.status.is_unclear() && self.sent_ms.is_some_and(|t| t + UNCLEAR_GIVE_UP_MS <= now_ms)
    }

    /// When the object must next look at this attempt, if ever.
    pub fn wake_ms(&self) -> Option<i64> {
        match self.status {
            AttemptStatus::InFlight => self.sent_ms.map(|t| t + IN_FLIGHT_GRACE_MS),
            AttemptStatus::Unknown => self.next_check_ms,
            AttemptStatus::Started => Some(self.next_check_ms.map_or(self.deadline_ms, |t| t.min(self.deadline_ms))),
            _ => None,
        }
    }
}

/// The wait before the n-th re-check: 5 s, 10 s, 20 s … 10 min.
pub fn recheck_delay_ms(step: u32) -> i64 {
    let secs = 5i64.saturating_mul(1i64 << step.min(7));
    secs.min(600) * 1000
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn started(provider: Provider, reference: &str, now_ms: i64) -> Attempt {
        Attempt {
            provider,
            provider_ref: reference.to_owned(),
            invoice: "INV".to_owned(),
            redirect_url: "https://wallet.example/page".to_owned(),
            reason: Reason::ShopperChoice,
            failover_from: None,
            status: AttemptStatus::Started,
            created_ms: now_ms,
            deadline_ms: now_ms + 600_000,
            next_check_ms: None,
            checks: 0,
            sent_ms: None,
            executed: false,
            trx_id: None,
            paid_at_ms: None,
            payer_masked: None,
            error: None,
        }
    }

    #[test]
    fn each_recheck_waits_one_step_longer() {
        let mut a = started(Provider::Bkash, "TR1", 0);
        a.status = AttemptStatus::InFlight;
        assert_eq!(a.recheck_later(1_000), 0);
        assert_eq!((a.status, a.next_check_ms), (AttemptStatus::Unknown, Some(6_000)));
        assert_eq!(a.recheck_later(1_000), 1);
        assert_eq!(a.next_check_ms, Some(11_000));
    }

    #[test]
    fn rechecks_back_off_to_ten_minutes() {
        assert_eq!(recheck_delay_ms(0), 5_000);
        assert_eq!(recheck_delay_ms(1), 10_000);
        assert_eq!(recheck_delay_ms(30), 600_000);
    }

    #[test]
    fn a_started_attempt_wakes_the_object_by_its_deadline_at_the_latest() {
        let mut a = started(Provider::Nagad, "N1", 0);
        assert_eq!(a.wake_ms(), Some(600_000));
        a.look_again_later(590_000);
        assert_eq!(a.wake_ms(), Some(600_000), "never past the page's end");
        a.settle(AttemptStatus::Paid);
        assert_eq!(a.wake_ms(), None);
    }

    #[test]
    fn an_unclear_attempt_is_given_up_a_day_after_it_was_sent() {
        let mut a = started(Provider::Bkash, "TR1", 0);
        a.status = AttemptStatus::Unknown;
        a.sent_ms = Some(10);
        assert!(!a.gave_up(10 + UNCLEAR_GIVE_UP_MS - 1));
        assert!(a.gave_up(10 + UNCLEAR_GIVE_UP_MS));
    }
}
