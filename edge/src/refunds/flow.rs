//! What a payment's Durable Object does with a refund, under its lock: reserve the amount
//! (never more than captured minus refunded, counting pending ones), store "sent" before the
//! provider call, and settle. An unclear answer stays `pending`; the alarm asks refund
//! status (bKash) / verify (Nagad), never refunds again; past [`GIVE_UP_MS`] a person must
//! look (`requires_manual`) and settles it with a resolve.

use bdpay_shared::errors::{ApiError, ErrorBody, ErrorCode};
use bdpay_shared::money::Money;
use bdpay_shared::refund_rules;
use bdpay_shared::status::{next_refund, Event, Outcome as Move, PaymentStatus, RefundEvent, RefundStatus};
use serde_json::json;
use worker::{Env, State};

use super::{total_poisha, StoredRefund, MAX_REASON};
use crate::error::provider_error;
use crate::log;
use crate::payment::record::{recheck_delay_ms, CallRow, OutboxWebhook, PaymentRecord};
use crate::payment_flow::STORAGE_KEY;
use crate::providers::refund::{RefundAsk, SeenRefund};
use crate::providers::{AnyProvider, FailureKind, Mode, ProviderConfig, ProviderFailure};

/// The refund call has a 30 s timeout: a refund still "sent" after this was cut off.
pub const SENT_GRACE_MS: i64 = 45_000;
/// A refund the provider does not show this long after it was sent never happened.
const ABSENT_AFTER_MS: i64 = 120_000;
/// Status checks that stay unclear this long hand the refund to a person.
pub const GIVE_UP_MS: i64 = 6 * 3600 * 1000;

/// A refund asked of the object.
pub struct Ask {
    pub refund_id: String,
    pub amount: Option<Money>,
    pub reason: Option<String>,
    pub key: Option<String>,
}

fn err(code: ErrorCode, message: &str) -> ApiError {
    let mut e = ApiError::new(code);
    e.error.message = message.to_owned().into();
    e
}

fn client(env: &Env, r: &PaymentRecord) -> Result<AnyProvider, ProviderFailure> {
    let p = r
        .provider
        .ok_or_else(|| ProviderFailure::config(bdpay_shared::provider::Provider::Bkash, "no_provider"))?;
    let mode = if r.mode == "live" { Mode::Live } else { Mode::Test };
    let config = ProviderConfig::from_env(env, mode)?;
    AnyProvider::new(p, &config, env)
}

/// Records the provider calls for the ledger.
fn note_calls(r: &mut PaymentRecord, calls: &[crate::providers::CallRecord], now_ms: i64) {
    r.outbox_calls
        .extend(calls.iter().map(|c| CallRow::from_record(c, now_ms)));
}

/// Makes (or, for a known key, finds) a refund. `Err` only when nothing was sent.
pub async fn request(r: &mut PaymentRecord, ask: Ask, env: &Env, state: &State, now_ms: i64) -> Result<(), ApiError> {
    if let Some(key) = &ask.key {
        if r.refunds.iter().any(|f| f.key.as_deref() == Some(key)) {
            return Ok(()); // the same request again: the refund it made
        }
    }
    if r.refunds.iter().any(|f| f.id == ask.refund_id) {
        return Ok(());
    }
    match r.status {
        PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded => {}
        PaymentStatus::Refunded => {
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
    let (Some(provider), Some(_), Some(_)) = (r.provider, r.provider_ref.as_ref(), r.trx_id.as_ref()) else {
        return Err(ApiError::new(ErrorCode::RefundNotAllowed));
    };
    if ask.reason.as_ref().is_some_and(|s| s.len() > MAX_REASON) {
        return Err(err(ErrorCode::InvalidRequest, "reason may be at most 255 bytes"));
    }
    let prior = refund_rules::Prior {
        made: r.refunds.iter().filter(|f| f.holds_money()).count(),
        unsettled: r
            .refunds
            .iter()
            .filter(|f| matches!(f.status, RefundStatus::Pending | RefundStatus::RequiresManual))
            .count(),
    };
    refund_rules::check(provider, r.paid_at_ms.unwrap_or(r.created_ms), now_ms, prior)
        .map_err(refund_rules::Refusal::to_api_error)?;
    let held = total_poisha(r, StoredRefund::holds_money);
    let left = r.amount.poisha().checked_sub(held).filter(|l| *l >= 0).unwrap_or(0);
    let amount = match ask.amount {
        Some(a) => a,
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
        provider_ref: None,
        error: None,
        key: ask.key,
        sent_ms: now_ms,
        next_check_ms: Some(now_ms + SENT_GRACE_MS),
        checks: 0,
        note: None,
        created_ms: now_ms,
        updated_ms: now_ms,
    });
    let idx = r.refunds.len() - 1;
    r.touch(now_ms);
    // "Sent" is stored before the call: a lost answer becomes a status check, never a resend.
    if state.storage().put(STORAGE_KEY, &*r).await.is_err() {
        r.refunds.pop();
        return Err(ApiError::new(ErrorCode::InternalError));
    }
    let _ = state
        .storage()
        .set_alarm(std::time::Duration::from_millis(SENT_GRACE_MS as u64))
        .await;
    let client = match client(env, r) {
        Ok(c) => c,
        Err(f) => {
            fail(r, idx, provider_error(&f).error, now_ms);
            return Ok(());
        }
    };
    let (provider_ref, trx_id, invoice) = refs(r);
    let (id, reason) = (
        r.refunds[idx].id.clone(),
        r.refunds[idx].reason.clone().unwrap_or_default(),
    );
    let wire = RefundAsk {
        provider_ref: &provider_ref,
        trx_id: &trx_id,
        invoice: &invoice,
        original: r.amount,
        amount,
        reference: &id,
        reason: &reason,
        paid_at_ms: r.paid_at_ms.unwrap_or(r.created_ms),
    };
    let mut calls = Vec::new();
    let result = client.refund(&wire, &mut calls).await;
    note_calls(r, &calls, now_ms);
    match result {
        Ok(done) => succeed(r, idx, Some(done.refund_ref), now_ms),
        Err(f) if f.kind == FailureKind::Unknown => {
            r.refunds[idx].next_check_ms = Some(now_ms + recheck_delay_ms(0));
            r.touch(now_ms);
            log::warn(
                "refund_outcome_unknown",
                &json!({ "payment": r.id, "refund": id, "code": f.provider_code }),
            );
        }
        Err(f) => fail(r, idx, provider_error(&f).error, now_ms),
    }
    Ok(())
}

/// (provider_ref, trx_id, invoice) of the paid attempt.
fn refs(r: &PaymentRecord) -> (String, String, String) {
    let invoice = r.invoice.clone().unwrap_or_else(|| r.order_id.clone());
    (
        r.provider_ref.clone().unwrap_or_default(),
        r.trx_id.clone().unwrap_or_default(),
        invoice,
    )
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

fn announce(r: &mut PaymentRecord, idx: usize, event_type: &str, now_ms: i64) {
    let refund_id = r.refunds[idx].id.clone();
    log::info(
        "refund_settled",
        &json!({ "payment": r.id, "refund": refund_id, "event": event_type }),
    );
    r.outbox_webhooks.push(OutboxWebhook {
        event_type: event_type.to_owned(),
        version: r.version,
        refund_id: Some(refund_id),
        at_ms: now_ms,
    });
}

/// The refund happened: the payment's refunded total and status follow.
pub fn succeed(r: &mut PaymentRecord, idx: usize, provider_ref: Option<String>, now_ms: i64) {
    let Some(f) = r.refunds.get_mut(idx) else { return };
    if !moved(f, RefundEvent::ProviderSucceeded, now_ms) {
        return;
    }
    if provider_ref.is_some() {
        f.provider_ref = provider_ref;
    }
    f.error = None;
    let done = total_poisha(r, |f| f.status == RefundStatus::Succeeded);
    r.refunded = Money::from_poisha(done).ok();
    let fully = done >= r.amount.poisha();
    let detail = json!({ "refund": r.refunds[idx].id, "refunded": r.refunded });
    r.apply(Event::Refunded { fully }, "refund", now_ms, Some(detail));
    r.touch(now_ms);
    announce(r, idx, "refund.succeeded", now_ms);
}

/// Nothing moved: the amount is free again.
pub fn fail(r: &mut PaymentRecord, idx: usize, error: ErrorBody, now_ms: i64) {
    let Some(f) = r.refunds.get_mut(idx) else { return };
    if !moved(f, RefundEvent::ProviderFailed, now_ms) {
        return;
    }
    f.error = Some(error);
    r.touch(now_ms);
    announce(r, idx, "refund.failed", now_ms);
}

/// The alarm: settles pending refunds whose check is due, by asking (never refunding again).
pub async fn on_alarm(r: &mut PaymentRecord, env: &Env, now_ms: i64) {
    let due: Vec<usize> = (0..r.refunds.len())
        .filter(|&i| {
            r.refunds[i].status == RefundStatus::Pending && r.refunds[i].next_check_ms.is_some_and(|t| t <= now_ms)
        })
        .collect();
    if due.is_empty() {
        return;
    }
    let seen = match client(env, r) {
        Ok(c) => {
            let (provider_ref, trx_id, invoice) = refs(r);
            let ask = RefundAsk {
                provider_ref: &provider_ref,
                trx_id: &trx_id,
                invoice: &invoice,
                original: r.amount,
                amount: r.amount,
                reference: "",
                reason: "",
                paid_at_ms: 0,
            };
            let mut calls = Vec::new();
            let seen = c.refund_status(&ask, &mut calls).await;
            note_calls(r, &calls, now_ms);
            seen
        }
        Err(f) => Err(f),
    };
    for idx in due {
        settle_one(r, idx, seen.as_ref().ok(), now_ms);
    }
}

/// One pending refund against what the provider shows (`None`: no clear answer).
fn settle_one(r: &mut PaymentRecord, idx: usize, seen: Option<&Vec<SeenRefund>>, now_ms: i64) {
    let f = &r.refunds[idx];
    let claimed: Vec<&str> = r.refunds.iter().filter_map(|o| o.provider_ref.as_deref()).collect();
    let found = seen.and_then(|list| {
        list.iter()
            .find(|s| {
                s.completed && !claimed.contains(&s.refund_ref.as_str()) && s.amount.is_none_or(|a| a == f.amount)
            })
            .map(|s| s.refund_ref.clone())
    });
    if let Some(reference) = found {
        return succeed(r, idx, Some(reference), now_ms);
    }
    let age = now_ms - f.sent_ms;
    if seen.is_some() && age >= ABSENT_AFTER_MS {
        let mut e = ApiError::new(ErrorCode::RefundNotAllowed).error;
        e.provider_code = Some("not_at_provider".into());
        e.message = "The provider has no such refund: nothing was refunded.".into();
        return fail(r, idx, e, now_ms);
    }
    if age >= GIVE_UP_MS {
        let f = &mut r.refunds[idx];
        if moved(f, RefundEvent::Unresolved, now_ms) {
            log::error(
                "refund_requires_manual",
                &json!({ "payment": r.id, "refund": f.id, "provider": f.provider }),
            );
        }
        r.touch(now_ms);
        return;
    }
    let f = &mut r.refunds[idx];
    f.checks += 1;
    f.next_check_ms = Some(now_ms + recheck_delay_ms(f.checks));
    r.touch(now_ms);
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
    if r.refunds[idx].status != RefundStatus::RequiresManual {
        return Err(err(
            ErrorCode::InvalidState,
            "Only a refund in requires_manual can be resolved by hand.",
        ));
    }
    r.refunds[idx].note = note;
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
