//! Every choice the payment object makes about its attempts, as pure functions: they take
//! the record, what happened, `now` and provider availability, and return what to do
//! ([`Step`]s for `payment::flow` to carry out). How an answer then changes the record is
//! `payment::settle`. No I/O here: every rule is a host unit test (decide_tests.rs).

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::ids::nagad_order_id;
use bdpay_shared::phone::Operator;
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::{self, Availability, Inputs, NoProvider, Reason, Unusable};
use bdpay_shared::status::{AttemptStatus, Event, PaymentStatus};
use serde_json::json;

use super::attempt::Attempt;
use super::record::{PaymentRecord, MAX_ATTEMPTS};
use crate::providers::{Device, Started};

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
    /// With reason `failover`: the wallet that was down or failed to start.
    pub failover_from: Option<Provider>,
    /// Our reference at the provider for this attempt.
    pub invoice: String,
}

/// The shopper asks to pay (`confirm`): the same page again, a new attempt, or a refusal.
pub enum Confirm {
    /// The attempt under way already is the answer.
    Same,
    Start(StartPlan),
}

/// Decides a confirm. `operator` is the shopper's phone operator when known, `device` where
/// they pay from (hints for routing).
pub fn confirm(
    r: &PaymentRecord,
    chosen: Option<Provider>,
    operator: Option<Operator>,
    device: Device,
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
    let plan = match routing::route(&routing_inputs(r, chosen, operator, Some(device), up)) {
        Ok(choice) => plan(r, choice.provider, choice.reason, None)?,
        // The shopper's wallet is down: the other one, when the merchant allows it.
        Err(NoProvider::Chosen {
            provider,
            why: Unusable::Down,
        }) => failover(r, provider, up).ok_or_else(|| ApiError::new(ErrorCode::ProviderUnavailable))?,
        Err(
            NoProvider::AmountOutOfRange
            | NoProvider::Chosen {
                why: Unusable::AmountOutOfRange,
                ..
            },
        ) => return Err(ApiError::new(ErrorCode::AmountOverLimit)),
        Err(NoProvider::Unavailable | NoProvider::Chosen { .. }) => {
            return Err(ApiError::new(ErrorCode::ProviderUnavailable))
        }
    };
    Ok(Confirm::Start(plan))
}

fn plan(
    r: &PaymentRecord,
    p: Provider,
    reason: Reason,
    failover_from: Option<Provider>,
) -> Result<StartPlan, ApiError> {
    let invoice = invoice(r, p).ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
    Ok(StartPlan {
        provider: p,
        reason,
        failover_from,
        invoice,
    })
}

/// The other wallet for a payment whose wallet `from` is down or just failed to start it
/// (timeout, 5xx, down: never a shopper's refusal): `None` when the merchant turned failover
/// off or the other wallet cannot take the payment either.
pub fn failover(r: &PaymentRecord, from: Provider, up: Availability) -> Option<StartPlan> {
    let to = from.other();
    if !r.allow_failover || up.usable(to, r.amount).is_err() {
        return None;
    }
    plan(r, to, Reason::Failover, Some(from)).ok()
}

/// What routing decides on for this payment; the pick comes from its id, so the widget's
/// recommendation (`view::widget`) and a confirm without a choice agree.
pub fn routing_inputs(
    r: &PaymentRecord,
    chosen: Option<Provider>,
    operator: Option<Operator>,
    device: Option<Device>,
    providers: Availability,
) -> Inputs {
    Inputs {
        amount: r.amount,
        chosen,
        operator,
        device,
        promoted: r.checkout.offers.only_one(),
        providers,
        pick: routing::pick_for(&r.id),
    }
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
        failover_from: plan.failover_from,
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
    r.manual_shown = false; // the widget follows this attempt now
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

/// A payment never sent anywhere expires on its own clock.
pub fn expire_unstarted(r: &mut PaymentRecord, now_ms: i64) {
    if r.status == PaymentStatus::RequiresMethod && r.expires_ms <= now_ms {
        r.apply(Event::TimedOut, "expiry", now_ms, None);
    }
}

/// Whether some wallet can take this payment now (routing's own answer, no choice made):
/// false only when routing finds no usable provider (none configured, or all `down`), the
/// case manual transfer's `fallback` mode is for. An amount outside every wallet's limits is
/// not that case.
pub fn wallet_usable(r: &PaymentRecord, up: Availability) -> bool {
    let inputs = routing_inputs(r, None, None, None, up);
    !matches!(routing::route(&inputs), Err(NoProvider::Unavailable))
}

/// Which providers this payment's mode can use now (health unknown until it is tracked).
pub fn availability(configured: impl Fn(Provider) -> bool) -> Availability {
    Availability::configured(configured)
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
