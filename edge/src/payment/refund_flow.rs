//! After a command, and in the alarm: the order's claim follows the payment, money that is
//! not the payment's is given back (duplicates), refunds are sent and their answers asked
//! for. `payment::claim` and `payment::refunding` decide; this does what they decided.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::ids::RefundId;
use serde_json::json;

use super::claim::{self, Next};
use super::flow::{client, send_first, take_claim, Ctx};
use super::record::PaymentRecord;
use super::refunding::{self, Ask};
use super::settle;
use crate::ledger::order_claims;
use crate::providers::refund::RefundAsk;

/// After a command: the order's claim follows the payment, and money that is not the
/// payment's is given back (duplicates), each as its own refund.
pub async fn follow_up(ctx: &Ctx<'_>, r: &mut PaymentRecord, now_ms: i64) {
    match claim::next(r, now_ms) {
        Next::TakePaid => {
            let answer = take_claim(ctx, r, true, now_ms).await;
            if let Some(holder) = claim::after_take_paid(r, answer, now_ms) {
                crate::log::error(
                    "duplicate_payment",
                    &json!({ "payment": r.id, "order_held_by": holder.payment_id, "holder_state": holder.state }),
                );
                if r.paid_transfer().is_some() {
                    // Money sent by hand has no provider refund: a person sends it back.
                    crate::log::error("duplicate_manual_transfer_needs_a_person", &json!({ "payment": r.id }));
                    r.order_claim = Some(super::record::Held::Duplicate);
                    r.touch(now_ms);
                    return;
                }
                let reason = format!("Duplicate payment: order already paid by {}", holder.payment_id);
                if refund_in_full(ctx, r, None, claim::DUPLICATE_KEY, reason, now_ms).await {
                    r.order_claim = Some(super::record::Held::Duplicate);
                }
            }
        }
        Next::Release => {
            let released = match ctx.env.d1("DB") {
                Ok(db) => order_claims::release(&db, &r.merchant_id, r.order_id.as_str(), r.id.as_str(), now_ms)
                    .await
                    .is_ok(),
                Err(_) => false,
            };
            if released {
                claim::released(r, now_ms);
            }
        }
        Next::Nothing => {}
    }
    for k in settle::duplicates(r) {
        let holder = r.paid().map(|a| a.provider_ref.clone()).unwrap_or_default();
        crate::log::error(
            "duplicate_attempt",
            &json!({ "payment": r.id, "attempt": k + 1, "paid_attempt": r.paid_attempt.map(|i| i + 1) }),
        );
        let reason = format!("Duplicate payment: this order was paid by another attempt ({holder})");
        let key = format!("duplicate_attempt_{}", k + 1);
        refund_in_full(ctx, r, Some(k), &key, reason, now_ms).await;
    }
}

/// Refunds the payment's money (`attempt` None) or an attempt's in full, once per `key`.
async fn refund_in_full(
    ctx: &Ctx<'_>,
    r: &mut PaymentRecord,
    attempt: Option<usize>,
    key: &str,
    reason: String,
    now_ms: i64,
) -> bool {
    let Ok(bytes) = crate::crypto::random() else {
        return false;
    };
    let ask = Ask {
        refund_id: RefundId::from_random(bytes).as_str().to_owned(),
        amount: None,
        reason: Some(reason),
        key: Some(key.to_owned()),
        attempt,
    };
    match refund(ctx, r, ask, now_ms).await {
        Ok(()) => true,
        Err(e) => {
            crate::log::error(
                "duplicate_refund_not_sent",
                &json!({ "payment": r.id, "code": e.error.code.as_str() }),
            );
            false
        }
    }
}

/// Makes (or, for a known key, finds) a refund. `Err` only when nothing was sent.
pub async fn refund(ctx: &Ctx<'_>, r: &mut PaymentRecord, ask: Ask, now_ms: i64) -> Result<(), ApiError> {
    let Some(idx) = refunding::request(r, ask, now_ms)? else {
        return Ok(());
    };
    // "Sent" is stored before the call: a lost answer becomes a status check, never a resend.
    if !send_first(ctx, r).await {
        r.refunds.truncate(idx); // not recorded: not sent, and not kept
        return Err(ApiError::new(ErrorCode::InternalError));
    }
    let (Some(f), Some(a)) = (
        r.refunds.get(idx),
        r.refunds.get(idx).and_then(|f| refunding::attempt_of(r, f)),
    ) else {
        return Ok(());
    };
    let c = match client(ctx, r, a.provider).await {
        Ok(c) => c,
        Err(f) => {
            refunding::sent(r, idx, Err(f), now_ms);
            return Ok(());
        }
    };
    let wire = RefundAsk {
        amount: f.amount,
        reference: &f.id,
        reason: f.reason.as_deref().unwrap_or_default(),
        ..refund_ask(r, a)
    };
    let mut calls = Vec::new();
    let result = c.refund(&wire, &mut calls).await;
    let now_ms = crate::clock::now_ms(); // the answer's time, not the command's
    r.note_calls(&calls, now_ms);
    refunding::sent(r, idx, result, now_ms);
    Ok(())
}

/// What the provider needs to know of the paid attempt a refund (or a status check) is about.
fn refund_ask<'a>(r: &PaymentRecord, a: &'a super::attempt::Attempt) -> RefundAsk<'a> {
    RefundAsk {
        provider_ref: &a.provider_ref,
        trx_id: a.trx_id.as_deref().unwrap_or_default(),
        invoice: &a.invoice,
        original: r.amount,
        amount: r.amount,
        reference: "",
        reason: "",
        paid_at_ms: a.paid_at_ms.unwrap_or(r.created_ms),
    }
}

/// The alarm's part for refunds: asks the provider about due pending refunds (never refunds again).
pub async fn refund_checks(ctx: &Ctx<'_>, r: &mut PaymentRecord, give_up_ms: i64, now_ms: i64) {
    for attempt in refunding::due(r, now_ms) {
        let a = match attempt {
            Some(i) => r.attempts.get(i),
            None => r.paid(),
        };
        let seen = match a {
            Some(a) => {
                let ask = refund_ask(r, a);
                let mut calls = Vec::new();
                let seen = match client(ctx, r, a.provider).await {
                    Ok(c) => c.refund_status(&ask, &mut calls).await.ok(),
                    Err(_) => None,
                };
                let now_ms = crate::clock::now_ms(); // the answer's time, not the command's
                r.note_calls(&calls, now_ms);
                seen
            }
            None => None,
        };
        refunding::seen(r, attempt, seen.as_deref(), give_up_ms, now_ms);
    }
}
