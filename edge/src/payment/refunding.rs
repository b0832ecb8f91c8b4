//! What the payment object decides about refunds, as pure functions: reserve the amount
//! (never more than captured minus refunded, pending ones counting), settle a provider's
//! answer, and settle what its refund status shows. Neither provider has a refund
//! idempotency key, so a refund is sent once; an unclear answer stays `pending` and is only
//! ever asked about. A refund is `failed` only when the provider refused it: one the
//! provider does not list stays `pending` (re-checked with backoff) until the give-up time,
//! then `requires_manual`, with what finance must check.

use bdpay_shared::errors::{ApiError, ErrorBody, ErrorCode};
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::refund_rules;
use bdpay_shared::status::{next_refund, AttemptStatus, Event, Outcome as Move, RefundEvent, RefundStatus};
use serde_json::json;

use super::attempt::{recheck_delay_ms, Attempt};
use super::record::PaymentRecord;
use super::stored_refund::{StoredRefund, MAX_REASON};
use crate::error::provider_error;
use crate::providers::refund::{Refunded, SeenRefund};
use crate::providers::{FailureKind, ProviderFailure};

/// The refund call has a 30 s timeout: a refund still "sent" after this was cut off.
pub const SENT_GRACE_MS: i64 = 45_000;

/// A refund asked of the object.
pub struct Ask {
    pub refund_id: String,
    pub amount: Option<Money>,
    pub reason: Option<String>,
    pub key: Option<String>,
    /// Give back an attempt's money that is not the payment's (a duplicate attempt).
    pub attempt: Option<usize>,
}

fn err(code: ErrorCode, message: &str) -> ApiError {
    let mut e = ApiError::new(code);
    e.error.message = message.to_owned().into();
    e
}

/// The attempt whose money a refund gives back.
pub fn attempt_of<'a>(r: &'a PaymentRecord, f: &StoredRefund) -> Option<&'a Attempt> {
    match f.attempt {
        Some(i) => r.attempts.get(i),
        None => r.paid(),
    }
}

/// Decides a refund. `Ok(None)`: the same request again (its refund stands); `Ok(Some(i))`:
/// refund `i` is reserved as `pending`, to be stored, then sent.
pub fn request(r: &mut PaymentRecord, ask: Ask, now_ms: i64) -> Result<Option<usize>, ApiError> {
    let known = r
        .refunds
        .iter()
        .any(|f| f.id == ask.refund_id || (ask.key.is_some() && f.key == ask.key));
    if known {
        return Ok(None);
    }
    if ask.reason.as_ref().is_some_and(|s| s.chars().count() > MAX_REASON) {
        return Err(err(ErrorCode::InvalidRequest, "reason may be at most 255 characters"));
    }
    let (provider, left) = refundable(r, ask.attempt, now_ms)?;
    let amount = match ask.amount {
        Some(m) => m,
        None => Money::from_poisha(left).map_err(|_| ApiError::new(ErrorCode::InternalError))?,
    };
    if left == 0 || amount.is_zero() || amount.poisha() > left {
        return Err(err(
            ErrorCode::AmountExceedsRefundable,
            "The refund is larger than the amount left to refund (pending refunds count).",
        ));
    }
    r.refunds.push(StoredRefund {
        id: ask.refund_id,
        amount,
        reason: ask.reason,
        status: RefundStatus::Pending,
        provider,
        attempt: ask.attempt,
        provider_ref: None,
        error: None,
        key: ask.key,
        sent_ms: now_ms,
        next_check_ms: Some(now_ms + SENT_GRACE_MS),
        checks: 0,
        note: None,
        manual_reason: None,
        created_ms: now_ms,
        updated_ms: now_ms,
    });
    r.touch(now_ms);
    Ok(Some(r.refunds.len() - 1))
}

/// Whether the money a refund would give back may be refunded now: the provider (its rules
/// checked) and what is left, in poisha.
fn refundable(r: &PaymentRecord, which: Option<usize>, now_ms: i64) -> Result<(Provider, i64), ApiError> {
    let (attempt, left) = match which {
        None => {
            match r.status {
                s if s.can_refund() => {}
                bdpay_shared::status::PaymentStatus::Refunded => {
                    return Err(err(
                        ErrorCode::AmountExceedsRefundable,
                        "The payment is already fully refunded.",
                    ))
                }
                _ => {
                    return Err(err(
                        ErrorCode::InvalidState,
                        "Only a succeeded payment can be refunded.",
                    ))
                }
            }
            let held: i64 = r
                .refunds
                .iter()
                .filter(|f| f.holds_payment_money())
                .map(|f| f.amount.poisha())
                .sum();
            (
                r.paid(),
                r.amount.poisha().checked_sub(held).filter(|l| *l >= 0).unwrap_or(0),
            )
        }
        Some(i) => {
            let a = r.attempts.get(i).filter(|a| a.status == AttemptStatus::Paid);
            (a, r.amount.poisha())
        }
    };
    let Some(a) = attempt.filter(|a| a.trx_id.is_some()) else {
        return Err(ApiError::new(ErrorCode::RefundNotAllowed));
    };
    let same_attempt = |f: &&StoredRefund| f.attempt == which;
    let prior = refund_rules::Prior {
        made: r
            .refunds
            .iter()
            .filter(same_attempt)
            .filter(|f| f.status.holds_money())
            .count(),
        unsettled: r
            .refunds
            .iter()
            .filter(same_attempt)
            .filter(|f| f.is_unsettled())
            .count(),
    };
    refund_rules::check(a.provider, a.paid_at_ms.unwrap_or(r.created_ms), now_ms, prior)
        .map_err(refund_rules::Refusal::to_api_error)?;
    Ok((a.provider, left))
}

/// The refund call's answer.
pub fn sent(r: &mut PaymentRecord, idx: usize, result: Result<Refunded, ProviderFailure>, now_ms: i64) {
    match result {
        Ok(done) => succeed(r, idx, Some(done.refund_ref), now_ms),
        // The provider refused it (or it never left us: credentials, a request we could not
        // build): nothing moved.
        Err(f) if matches!(f.kind, FailureKind::Declined | FailureKind::Config) => {
            fail(r, idx, provider_error(&f).error, now_ms)
        }
        Err(f) if f.kind == FailureKind::Mismatch => {
            manual(
                r,
                idx,
                "The provider answered with a refund that differs from the one asked (amount or original \
                 transaction): check it in the provider's portal before settling it by hand.",
                now_ms,
            );
        }
        Err(f) => {
            if let Some(x) = r.refunds.get_mut(idx) {
                x.next_check_ms = Some(now_ms + recheck_delay_ms(0));
            }
            r.touch(now_ms);
            crate::log::warn(
                "refund_outcome_unknown",
                &json!({ "payment": r.id, "refund": r.refunds.get(idx).map(|x| &x.id), "code": f.provider_code }),
            );
        }
    }
}

fn moved(f: &mut StoredRefund, event: RefundEvent, now_ms: i64) -> bool {
    match next_refund(f.status, event) {
        Ok(Move::Moved(to)) => {
            f.status = to;
            f.next_check_ms = None;
            f.updated_ms = now_ms;
            true
        }
        _ => false,
    }
}

fn announce(r: &mut PaymentRecord, idx: usize, now_ms: i64) {
    let Some(f) = r.refunds.get(idx) else { return };
    let (id, status) = (f.id.clone(), f.status);
    crate::log::info(
        "refund_settled",
        &json!({ "payment": r.id, "refund": id, "status": status.as_str() }),
    );
    if let Some(event_type) = status.announced_as() {
        r.announce(event_type, Some(id), now_ms);
    }
}

/// The refund happened: the payment's refunded total and status follow (an attempt's
/// duplicate refund ends that attempt instead).
pub fn succeed(r: &mut PaymentRecord, idx: usize, provider_ref: Option<String>, now_ms: i64) {
    let Some(f) = r.refunds.get_mut(idx) else { return };
    if !moved(f, RefundEvent::ProviderSucceeded, now_ms) {
        return;
    }
    if provider_ref.is_some() {
        f.provider_ref = provider_ref;
    }
    f.error = None;
    let (id, attempt) = (f.id.clone(), f.attempt);
    r.touch(now_ms);
    match attempt {
        Some(i) => {
            if let Some(a) = r.attempts.get_mut(i) {
                a.settle(AttemptStatus::Refunded);
            }
        }
        None => {
            let done: i64 = r
                .refunds
                .iter()
                .filter(|f| f.attempt.is_none() && f.status == RefundStatus::Succeeded)
                .map(|f| f.amount.poisha())
                .sum();
            r.refunded = Money::from_poisha(done).ok();
            let fully = done >= r.amount.poisha();
            let detail = json!({ "refund": id, "refunded": r.refunded });
            r.apply(Event::Refunded { fully }, "refund", now_ms, Some(detail));
        }
    }
    announce(r, idx, now_ms);
}

/// The provider refused it: nothing moved, the amount is free again.
pub fn fail(r: &mut PaymentRecord, idx: usize, error: ErrorBody, now_ms: i64) {
    let Some(f) = r.refunds.get_mut(idx) else { return };
    if !moved(f, RefundEvent::ProviderFailed, now_ms) {
        return;
    }
    f.error = Some(error);
    r.touch(now_ms);
    announce(r, idx, now_ms);
}

/// Hands the refund to a person, saying what to check.
fn manual(r: &mut PaymentRecord, idx: usize, why: &str, now_ms: i64) {
    let Some(f) = r.refunds.get_mut(idx) else { return };
    if moved(f, RefundEvent::Unresolved, now_ms) {
        f.manual_reason = Some(why.to_owned());
        crate::log::error(
            "refund_requires_manual",
            &json!({ "payment": r.id, "refund": f.id, "provider": f.provider }),
        );
    }
    r.touch(now_ms);
}

/// Attempts whose refunds are due for a status check (`None`: the payment's own money).
pub fn due(r: &PaymentRecord, now_ms: i64) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = Vec::new();
    for f in &r.refunds {
        if f.status == RefundStatus::Pending
            && f.next_check_ms.is_some_and(|t| t <= now_ms)
            && !out.contains(&f.attempt)
        {
            out.push(f.attempt);
        }
    }
    out
}

/// Settles the due pending refunds of one attempt against what the provider shows
/// (`None`: no clear answer). Never fails a refund: an absent one waits, then needs a person.
pub fn seen(r: &mut PaymentRecord, attempt: Option<usize>, seen: Option<&[SeenRefund]>, give_up_ms: i64, now_ms: i64) {
    let due: Vec<usize> = (0..r.refunds.len())
        .filter(|&i| {
            r.refunds.get(i).is_some_and(|f| {
                f.attempt == attempt
                    && f.status == RefundStatus::Pending
                    && f.next_check_ms.is_some_and(|t| t <= now_ms)
            })
        })
        .collect();
    for idx in due {
        let Some(f) = r.refunds.get(idx) else { continue };
        let claimed: Vec<&str> = r
            .refunds
            .iter()
            .filter(|o| o.attempt == attempt)
            .filter_map(|o| o.provider_ref.as_deref())
            .collect();
        let found = seen.and_then(|list| {
            list.iter()
                .find(|s| {
                    s.completed && !claimed.contains(&s.refund_ref.as_str()) && s.amount.is_none_or(|a| a == f.amount)
                })
                .map(|s| s.refund_ref.clone())
        });
        if let Some(reference) = found {
            succeed(r, idx, Some(reference), now_ms);
            continue;
        }
        if now_ms - f.sent_ms >= give_up_ms {
            let why = match (f.provider, seen.is_some()) {
                (bdpay_shared::provider::Provider::Bkash, true) => {
                    "bKash does not list this refund. Look for it in the bKash merchant portal (the payment's trxID, \
                     the amount): if it is there, resolve as succeeded with its refund trxID; if not, resolve as \
                     failed (then refund again if still owed)."
                }
                (bdpay_shared::provider::Provider::Nagad, true) => {
                    "Nagad's verify does not show this cancel. Look for it in the Nagad merchant portal statement \
                     (order, amount): if it is there, resolve as succeeded with its cancel trx id; if not, resolve \
                     as failed (then refund again if still owed)."
                }
                (_, false) => {
                    "The provider did not answer our status checks. Look for this refund in the provider's \
                     merchant portal: if it is there, resolve as succeeded; if not, resolve as failed."
                }
            };
            manual(r, idx, why, now_ms);
            continue;
        }
        if let Some(f) = r.refunds.get_mut(idx) {
            f.checks += 1;
            f.next_check_ms = Some(now_ms + recheck_delay_ms(f.checks));
        }
        r.touch(now_ms);
    }
}

/// Finance settled a refund by hand (`requires_manual` only).
pub fn resolve(
    r: &mut PaymentRecord,
    refund_id: &str,
    succeeded: bool,
    note: Option<String>,
    now_ms: i64,
) -> Result<(), ApiError> {
    let idx = r
        .refunds
        .iter()
        .position(|f| f.id == refund_id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if r.refunds.get(idx).map(|f| f.status) != Some(RefundStatus::RequiresManual) {
        return Err(err(
            ErrorCode::InvalidState,
            "Only a refund in requires_manual can be resolved by hand.",
        ));
    }
    if let Some(f) = r.refunds.get_mut(idx) {
        f.note = note;
    }
    if succeeded {
        succeed(r, idx, None, now_ms);
    } else {
        let mut e = ApiError::new(ErrorCode::RefundNotAllowed).error;
        e.message = "Settled by hand as not refunded.".into();
        fail(r, idx, e, now_ms);
    }
    Ok(())
}

/// The earliest pending refund check, for the object's alarm.
pub fn next_check_ms(r: &PaymentRecord) -> Option<i64> {
    r.refunds
        .iter()
        .filter(|f| f.status == RefundStatus::Pending)
        .filter_map(|f| f.next_check_ms)
        .min()
}

#[cfg(test)]
#[path = "refunding_tests.rs"]
mod tests;
