//! How a provider's answer about an attempt changes the payment, as pure functions: the
//! attempt settles (paid, failed, cancelled, open again), the payment follows its newest
//! attempt, a paid attempt becomes the payment's money once nothing else is unclear, and
//! paid attempts that are not the payment's are named for a duplicate refund.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::provider::Provider;
use bdpay_shared::status::{AttemptStatus, Event, PaymentStatus};
use serde_json::json;

use super::attempt::{Attempt, IN_FLIGHT_GRACE_MS};
use super::decide::Unpaid;
use super::record::{Applied, PaymentRecord};
use crate::error::provider_error;
use crate::providers::{FailureKind, Outcome, ProviderFailure};

/// Ends an attempt that did not pay; the payment follows if it was the newest one.
pub fn end_unpaid(r: &mut PaymentRecord, i: usize, to: Unpaid, reason: &str, now_ms: i64) {
    let Some(a) = r.attempts.get_mut(i) else { return };
    a.settle(match to {
        Unpaid::Failed => AttemptStatus::Failed,
        Unpaid::Cancelled | Unpaid::Expired => AttemptStatus::Cancelled,
    });
    r.touch(now_ms);
    let newest = i + 1 == r.attempts.len();
    if newest && r.paid_attempt.is_none() {
        let event = match to {
            Unpaid::Failed => Event::ProviderFailed,
            Unpaid::Cancelled => Event::Cancelled,
            Unpaid::Expired => Event::TimedOut,
        };
        if to == Unpaid::Failed && r.error.is_none() {
            let mut e = ApiError::new(ErrorCode::ProviderDeclined).error;
            e.provider = r.attempts.get(i).map(|a| a.provider);
            r.error = Some(e);
        }
        r.apply(event, reason, now_ms, Some(json!({ "attempt": i + 1 })));
    }
    promote(r, reason, now_ms);
}

/// Applies the provider's answer about attempt `i` (after a [`Step::Complete`] or
/// [`Step::Check`]). Returns the attempt's status after it.
pub fn answer(
    r: &mut PaymentRecord,
    i: usize,
    result: Result<Outcome, ProviderFailure>,
    reason: &str,
    unpaid: Option<Unpaid>,
    now_ms: i64,
) -> Option<AttemptStatus> {
    let was = r.attempts.get(i)?.status;
    match result {
        Ok(Outcome::Succeeded {
            trx_id,
            paid_at_ms,
            payer_masked,
        }) => {
            let a = r.attempts.get_mut(i)?;
            a.trx_id = Some(trx_id);
            a.paid_at_ms = Some(paid_at_ms.unwrap_or(now_ms));
            a.payer_masked = payer_masked;
            a.error = None;
            a.settle(AttemptStatus::Paid);
            r.touch(now_ms);
            promote(r, reason, now_ms);
        }
        Ok(Outcome::Failed(f)) => declined(r, i, &f, reason, now_ms),
        Err(f) if f.kind == FailureKind::Declined => declined(r, i, &f, reason, now_ms),
        Ok(Outcome::Cancelled) => end_unpaid(r, i, Unpaid::Cancelled, reason, now_ms),
        // bKash 2056/2060: the shopper had not finished; nothing executed. The attempt is
        // open again and executes when the shopper really comes back.
        Ok(Outcome::NotExecuted) => {
            let a = r.attempts.get_mut(i)?;
            a.status = AttemptStatus::Started;
            a.next_check_ms = None;
            a.executed = false;
            r.touch(now_ms);
            promote(r, reason, now_ms);
        }
        Ok(Outcome::Pending) => match unpaid {
            Some(to) => end_unpaid(r, i, to, reason, now_ms),
            None => {
                let a = r.attempts.get_mut(i)?;
                // Not final at the provider. After our own call went unanswered, bKash
                // "Initiated" means our execute did not happen: open again (the alarm
                // executes again); a page still in use is looked at again later.
                let lost_execute = was.is_unclear()
                    && a.provider == Provider::Bkash
                    && a.sent_ms.is_some_and(|t| t + IN_FLIGHT_GRACE_MS <= now_ms);
                if was.is_unclear() && !lost_execute && a.provider == Provider::Bkash {
                    a.recheck_later(now_ms);
                } else {
                    a.status = AttemptStatus::Started;
                    a.look_again_later(now_ms);
                }
                r.touch(now_ms);
                promote(r, reason, now_ms);
            }
        },
        Err(f) => {
            let a = r.attempts.get_mut(i)?;
            a.recheck_later(now_ms);
            r.touch(now_ms);
            let fields = json!({ "payment": r.id, "provider": f.provider.as_str(), "code": f.provider_code, "kind": f.kind, "attempt": i + 1 });
            if f.kind == FailureKind::Unknown {
                crate::log::warn("provider_outcome_unknown", &fields);
            } else {
                crate::log::error("provider_outcome_unknown", &fields);
            }
        }
    }
    r.attempts.get(i).map(|a| a.status)
}

fn declined(r: &mut PaymentRecord, i: usize, f: &ProviderFailure, reason: &str, now_ms: i64) {
    let error = provider_error(f).error;
    if let Some(a) = r.attempts.get_mut(i) {
        a.error = Some(error.clone());
    }
    if i + 1 == r.attempts.len() && r.paid_attempt.is_none() {
        r.error = Some(error);
    }
    end_unpaid(r, i, Unpaid::Failed, reason, now_ms);
}

/// Makes a paid attempt the payment's money once nothing else is unclear. While another
/// attempt's outcome is unclear (it holds the order for its execute), a paid attempt waits:
/// if that one pays, the waiting one is refunded as a duplicate; if it fails, the waiting
/// one becomes the payment's.
pub fn promote(r: &mut PaymentRecord, reason: &str, now_ms: i64) {
    if r.paid_attempt.is_some() || r.attempts.iter().any(|a| a.status.is_unclear()) {
        return;
    }
    // Several paid: the one that held the order for its execute (a bKash attempt we
    // executed) is the payment's; otherwise the earliest.
    let paid = |a: &Attempt| a.status == AttemptStatus::Paid;
    let held = r.attempts.iter().rposition(|a| paid(a) && a.executed);
    let Some(i) = held.or_else(|| r.attempts.iter().position(paid)) else {
        return;
    };
    r.paid_attempt = Some(i);
    r.error = None;
    let detail = r
        .attempts
        .get(i)
        .map(|a| json!({ "attempt": i + 1, "provider": a.provider.as_str() }));
    let applied = r.apply(Event::ProviderSucceeded, reason, now_ms, detail);
    if let Applied::Moved(to) = applied {
        crate::log::info(
            "payment_moved",
            &json!({ "payment": r.id, "status": to.as_str(), "reason": reason, "attempt": i + 1 }),
        );
    }
}

/// Paid attempts that are not the payment's money, now that the payment's is known: each is
/// refunded in full as a duplicate (once: a refund with the attempt's key).
pub fn duplicates(r: &PaymentRecord) -> Vec<usize> {
    let Some(paid) = r.paid_attempt else { return Vec::new() };
    r.attempts
        .iter()
        .enumerate()
        .filter(|(i, a)| *i != paid && a.status == AttemptStatus::Paid)
        .filter(|(i, _)| !r.refunds.iter().any(|f| f.attempt == Some(*i)))
        .map(|(i, _)| i)
        .collect()
}

/// An attempt given up on (unclear for a day): the payment expires if it was the newest;
/// a person must look at the attempt.
pub fn give_up(r: &mut PaymentRecord, now_ms: i64) {
    for (i, a) in r.attempts.iter_mut().enumerate() {
        if a.gave_up(now_ms) && a.next_check_ms.is_some() {
            a.next_check_ms = None;
            crate::log::error(
                "attempt_unclear_given_up",
                &json!({ "payment": r.id, "attempt": i + 1, "provider": a.provider.as_str() }),
            );
        }
    }
    if r.status == PaymentStatus::Pending && r.current().is_some_and(|a| a.gave_up(now_ms)) {
        r.apply(Event::TimedOut, "expiry", now_ms, None);
    }
}
