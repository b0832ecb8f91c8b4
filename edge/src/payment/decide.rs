//! Every choice the payment object makes about its attempts, as pure functions: they take
//! the record, what happened, `now` and provider availability, and return what to do
//! ([`Step`]s for `payment::flow` to carry out) or apply a provider's answer to the record.
//! No I/O here: every rule is a host unit test (at the bottom).

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::ids::nagad_order_id;
use bdpay_shared::phone::Operator;
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::{self, Availability, NoProvider, Reason};
use bdpay_shared::status::{AttemptStatus, Event, PaymentStatus};
use serde_json::json;

use super::attempt::{Attempt, IN_FLIGHT_GRACE_MS};
use super::record::{Applied, PaymentRecord, MAX_ATTEMPTS};
use crate::error::provider_error;
use crate::providers::{FailureKind, Outcome, ProviderFailure, Started};

/// What the object does next about one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// bKash execute (moves the money; the order is claimed first) / Nagad verify.
    /// "In flight" is stored before the call.
    Complete(usize),
    /// A read-only look (bKash query, Nagad verify); `unpaid` says what "not paid" means.
    Check(Look),
    /// End the attempt without asking: a bKash page over before any execute (bKash moves
    /// money only at our execute, so nothing can have moved).
    End { attempt: usize, to: Unpaid },
}

/// A read-only look at one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Look {
    pub attempt: usize,
    /// Why we look: `return`, `ipn`, `alarm`, `switch`… (the ledger's reason).
    pub reason: &'static str,
    /// What a "not final" answer means now; `None`: look again later.
    pub unpaid: Option<Unpaid>,
}

/// How an attempt that did not pay ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unpaid {
    /// The shopper said cancel on the wallet's page.
    Cancelled,
    /// The wallet's page said failure.
    Failed,
    /// The page's time ran out.
    Expired,
}

/// A new attempt to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartPlan {
    pub provider: Provider,
    pub reason: Reason,
    /// Our reference at the provider for this attempt.
    pub invoice: String,
}

/// The shopper asks to pay (`confirm`): the same page again, a new attempt, or a refusal.
pub enum Confirm {
    /// The attempt under way already is the answer.
    Same,
    Start(StartPlan),
}

/// Decides a confirm. `operator` is the shopper's phone operator when known (a hint).
pub fn confirm(
    r: &PaymentRecord,
    chosen: Option<Provider>,
    operator: Option<Operator>,
    up: Availability,
    now_ms: i64,
) -> Result<Confirm, ApiError> {
    if let Some(a) = r.current() {
        let same_choice = chosen.is_none_or(|p| p == a.provider);
        if r.status == PaymentStatus::Pending
            && a.status == AttemptStatus::Started
            && same_choice
            && now_ms < a.deadline_ms
        {
            return Ok(Confirm::Same);
        }
    }
    if r.status.is_paid() {
        return Err(ApiError::new(ErrorCode::InvalidState));
    }
    if !r.is_open(now_ms) {
        return Err(ApiError::new(ErrorCode::PaymentExpired));
    }
    if r.attempts.len() >= MAX_ATTEMPTS {
        return Err(ApiError::new(ErrorCode::InvalidState));
    }
    // Our execute/verify of an earlier attempt has no clear answer: a new attempt could
    // charge the shopper twice. The alarm settles it within moments.
    if r.attempts.iter().any(|a| a.status.is_unclear()) || r.attempts.iter().any(|a| a.status == AttemptStatus::Paid) {
        return Err(ApiError::new(ErrorCode::AttemptInProgress));
    }
    let choice = routing::choose(chosen, r.amount, operator, up).map_err(|e| match e {
        NoProvider::AmountOutOfRange => ApiError::new(ErrorCode::AmountOverLimit),
        NoProvider::Unavailable => ApiError::new(ErrorCode::ProviderUnavailable),
    })?;
    let invoice = invoice(r, choice.provider).ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
    Ok(Confirm::Start(StartPlan {
        provider: choice.provider,
        reason: choice.reason,
        invoice,
    }))
}

/// Our reference at the provider for the next attempt: bKash takes our id (with `-n` after
/// the first), Nagad an alphanumeric 5–20 order id unique per day.
fn invoice(r: &PaymentRecord, p: Provider) -> Option<String> {
    let n = r.attempts.iter().filter(|a| a.provider == p).count() + 1;
    match p {
        Provider::Bkash if n <= 1 => Some(r.id.as_str().to_owned()),
        Provider::Bkash => Some(format!("{}-{}", r.id, r.attempts.len() + 1)),
        Provider::Nagad => {
            let base = nagad_order_id(&r.id);
            if n <= 1 {
                Some(base)
            } else {
                Some(format!("{}{:02}", base.get(..18)?, (r.attempts.len() + 1).min(99)))
            }
        }
    }
}

/// The provider accepted the new attempt: record it; the payment is `pending`.
pub fn started(r: &mut PaymentRecord, plan: StartPlan, s: Started, attempt_ttl_ms: i64, now_ms: i64) {
    r.attempts.push(Attempt {
        provider: plan.provider,
        provider_ref: s.provider_ref,
        invoice: plan.invoice,
        redirect_url: s.redirect_url,
        reason: plan.reason,
        status: AttemptStatus::Started,
        created_ms: now_ms,
        deadline_ms: now_ms + attempt_ttl_ms,
        next_check_ms: None,
        checks: 0,
        sent_ms: None,
        executed: false,
        trx_id: None,
        paid_at_ms: None,
        payer_masked: None,
        error: None,
    });
    r.error = None;
    let n = r.attempts.len();
    let detail = json!({ "provider": plan.provider.as_str(), "attempt": n });
    r.apply(Event::SentToProvider, "confirm", now_ms, Some(detail));
}

/// The shopper came back from a wallet's page (unsigned: only the provider's answer decides).
pub fn on_return(r: &PaymentRecord, p: Provider, provider_ref: &str, status: &str, now_ms: i64) -> Option<Step> {
    let i = r
        .attempts
        .iter()
        .position(|a| a.provider == p && a.provider_ref == provider_ref)?;
    let a = r.attempts.get(i)?;
    let word = status.to_ascii_lowercase();
    match (p, a.status, word.as_str()) {
        (_, AttemptStatus::Paid | AttemptStatus::Refunded, _) => None,
        (_, AttemptStatus::Unknown | AttemptStatus::InFlight, _) => Some(look(i, "return", None)),
        // bKash: a success return allows the execute, whose answer decides. An attempt ended
        // by an earlier (unsigned) return may still be executed while its page is open.
        (Provider::Bkash, _, "success") if r.paid_attempt.is_some() => None,
        (Provider::Bkash, AttemptStatus::Started, "success") => Some(Step::Complete(i)),
        (Provider::Bkash, AttemptStatus::Cancelled | AttemptStatus::Failed, "success")
            if !a.executed && now_ms < a.deadline_ms =>
        {
            Some(Step::Complete(i))
        }
        // cancel / failure are confirmed with a query first: only "not paid" ends the attempt.
        (Provider::Bkash, AttemptStatus::Started, "cancel") => Some(look(i, "return", Some(Unpaid::Cancelled))),
        (Provider::Bkash, AttemptStatus::Started, "failure") => Some(look(i, "return", Some(Unpaid::Failed))),
        (Provider::Bkash, _, _) => None,
        // Nagad is verified whatever the return says (it debits on its own page).
        (Provider::Nagad, AttemptStatus::Started, _) => Some(Step::Complete(i)),
        (Provider::Nagad, _, _) if now_ms < a.deadline_ms => Some(look(i, "return", None)),
        (Provider::Nagad, _, _) => None,
    }
}

fn look(attempt: usize, reason: &'static str, unpaid: Option<Unpaid>) -> Step {
    Step::Check(Look {
        attempt,
        reason,
        unpaid,
    })
}

/// Something says an outcome may have changed (an IPN, a Nagad hint): look at the attempt it
/// names, or at every attempt still open. A bKash attempt never executed cannot have paid.
pub fn on_check(r: &PaymentRecord, named: Option<(Provider, &str)>, reason: &'static str) -> Vec<Step> {
    let worth = |a: &Attempt| a.is_open() && (a.provider == Provider::Nagad || a.executed);
    r.attempts
        .iter()
        .enumerate()
        .filter(|(_, a)| named.is_none_or(|(p, reference)| a.provider == p && a.provider_ref == reference))
        .filter(|(_, a)| worth(a))
        .map(|(i, _)| look(i, reason, None))
        .collect()
}

/// Before a new attempt: a look at every Nagad page still open (Nagad debits on its own
/// page, so the shopper may have paid there before switching).
pub fn before_switch(r: &PaymentRecord) -> Vec<Step> {
    r.attempts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.provider == Provider::Nagad && a.status == AttemptStatus::Started)
        .map(|(i, _)| look(i, "switch", None))
        .collect()
}

/// The alarm: what is due for each attempt (unclear outcomes, pages that ended).
pub fn on_alarm(r: &PaymentRecord, now_ms: i64) -> Vec<Step> {
    let mut steps = Vec::new();
    for (i, a) in r.attempts.iter().enumerate() {
        if !a.is_open() || a.gave_up(now_ms) || a.wake_ms().is_none_or(|t| t > now_ms) {
            continue;
        }
        let page_over = now_ms >= a.deadline_ms;
        let step = match (a.status, a.provider) {
            (AttemptStatus::InFlight | AttemptStatus::Unknown, _) => look(i, "alarm", None),
            (AttemptStatus::Started, Provider::Bkash) if page_over && !a.executed => Step::End {
                attempt: i,
                to: Unpaid::Expired,
            },
            (AttemptStatus::Started, _) if page_over => look(i, "expiry", Some(Unpaid::Expired)),
            // A bKash execute whose answer was lost, and bKash shows it not done: execute
            // again (bKash answers 2062 for one already done, never a second debit).
            (AttemptStatus::Started, Provider::Bkash) if a.executed => Step::Complete(i),
            (AttemptStatus::Started, _) => look(i, "alarm", None),
            _ => continue,
        };
        steps.push(step);
    }
    steps
}

/// Marks attempt `i` as sent (`in_flight`): stored before the call, so a lost answer
/// becomes a re-check, never a second call.
pub fn sending(r: &mut PaymentRecord, i: usize, now_ms: i64) {
    if let Some(a) = r.attempts.get_mut(i) {
        a.status = AttemptStatus::InFlight;
        a.sent_ms = Some(now_ms);
        if a.provider == Provider::Bkash {
            a.executed = true;
        }
    }
    r.touch(now_ms);
}

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

/// A payment never sent anywhere expires on its own clock.
pub fn expire_unstarted(r: &mut PaymentRecord, now_ms: i64) {
    if r.status == PaymentStatus::RequiresMethod && r.expires_ms <= now_ms {
        r.apply(Event::TimedOut, "expiry", now_ms, None);
    }
}

/// Which providers this payment's mode can use now.
pub fn availability(configured: impl Fn(Provider) -> bool) -> Availability {
    Availability {
        bkash: configured(Provider::Bkash),
        nagad: configured(Provider::Nagad),
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
