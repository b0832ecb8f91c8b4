//! One paid payment per order: what the payment object decides about its order's claim
//! (the claim itself is one atomic D1 statement, `ledger::order_claims`). Before a bKash
//! execute (the moment bKash moves the money) the payment claims its order; a payment that
//! finds another one holding it is not executed. After every change the claim follows the
//! payment: `paid` once it succeeded, `released` when it ended unpaid or its provider said
//! "not paid". A payment whose money moved anyway (Nagad debits on its own page) while
//! another payment holds the order is a duplicate and is refunded in full, but only once
//! the holder is known paid: while the holder's outcome is unclear, this one waits.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::status::{AttemptStatus, PaymentStatus};
use serde_json::json;

use super::decide::Unpaid;
use super::record::{Held, PaymentRecord};
use super::settle;
use crate::ledger::order_claims::Holder;

/// How often a payment waiting on another payment's unclear claim asks again.
pub const WAIT_FOR_HOLDER_MS: i64 = 15_000;

/// The refund key of a duplicate payment's refund: at most one per payment.
pub const DUPLICATE_KEY: &str = "duplicate_payment_of_order";

/// What the ledger answered to a claim.
pub enum Answer {
    /// This payment holds the order (now or already).
    Ours,
    /// Another payment holds it.
    HeldBy(Holder),
    /// The ledger did not answer.
    Silent,
}

impl Answer {
    pub fn from_holder(r: &PaymentRecord, holder: Option<Holder>) -> Answer {
        match holder {
            Some(h) if h.payment_id == r.id.as_str() => Answer::Ours,
            Some(h) => Answer::HeldBy(h),
            None => Answer::Silent,
        }
    }
}

/// Before executing attempt `i`: whether to go on. Another payment's claim fails the attempt
/// with `order_already_paid` and nothing moves. A ledger that does not answer lets the
/// execute go (logged): a duplicate is still caught once paid.
pub fn before_execute(r: &mut PaymentRecord, i: usize, answer: Answer, now_ms: i64) -> bool {
    match answer {
        Answer::Ours => {
            if r.order_claim != Some(Held::Paid) {
                r.order_claim = Some(Held::Claimed);
            }
            true
        }
        Answer::Silent => {
            crate::log::warn("order_claim_unanswered", &json!({ "payment": r.id }));
            true
        }
        Answer::HeldBy(holder) => {
            let mut e = ApiError::new(ErrorCode::OrderAlreadyPaid).error;
            if holder.state == "claimed" {
                e.message = "Another payment of this order is being completed.".into();
            }
            if let Some(a) = r.attempts.get_mut(i) {
                a.error = Some(e.clone());
            }
            if i + 1 == r.attempts.len() {
                r.error = Some(e);
            }
            crate::log::info(
                "order_held_elsewhere",
                &json!({ "payment": r.id, "order_held_by": holder.payment_id, "holder_state": holder.state }),
            );
            settle::end_unpaid(r, i, Unpaid::Failed, "order_already_paid", now_ms);
            false
        }
    }
}

/// What the claim must do now that the record changed.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Nothing,
    /// The payment is paid: make the claim `paid` (or find it held by another).
    TakePaid,
    /// The payment holds a `claimed` claim it no longer needs: give it back.
    Release,
}

pub fn next(r: &PaymentRecord, now_ms: i64) -> Next {
    if r.status.is_paid() {
        let waiting = r.claim_retry_ms.is_some_and(|t| t > now_ms);
        if matches!(r.order_claim, Some(Held::Paid | Held::Duplicate)) || waiting {
            return Next::Nothing;
        }
        return Next::TakePaid;
    }
    // Also with no claim recorded: one taken just before a restart lost the record's copy.
    let may_hold = matches!(r.order_claim, None | Some(Held::Claimed));
    let needs_it = r
        .attempts
        .iter()
        .any(|a| a.status.is_unclear() || a.status == AttemptStatus::Paid);
    let done = r.status.ended_unpaid() || (r.status == PaymentStatus::Pending && r.order_claim == Some(Held::Claimed));
    if may_hold && done && !needs_it {
        return Next::Release;
    }
    Next::Nothing
}

/// After asking for the claim as paid: the payment holds the order, or is a duplicate to
/// refund (`true`), or waits while the holder's own outcome is unclear.
pub fn after_take_paid(r: &mut PaymentRecord, answer: Answer, now_ms: i64) -> Option<Holder> {
    match answer {
        Answer::Ours => {
            r.order_claim = Some(Held::Paid);
            r.claim_retry_ms = None;
            r.touch(now_ms);
            None
        }
        Answer::HeldBy(h) if h.state == "claimed" => {
            // The holder's execute is unclear: if it fails, this payment takes the order.
            r.claim_retry_ms = Some(now_ms + WAIT_FOR_HOLDER_MS);
            r.touch(now_ms);
            crate::log::warn(
                "duplicate_waits_for_holder",
                &json!({ "payment": r.id, "order_held_by": h.payment_id }),
            );
            None
        }
        Answer::HeldBy(h) => Some(h),
        Answer::Silent => {
            crate::log::warn("order_claim_unanswered", &json!({ "payment": r.id }));
            None
        }
    }
}

/// The claim was given back.
pub fn released(r: &mut PaymentRecord, now_ms: i64) {
    r.order_claim = Some(Held::Released);
    r.touch(now_ms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::attempt::tests::started;
    use crate::payment::record::tests::record;
    use bdpay_shared::provider::Provider;
    use bdpay_shared::status::Event;

    fn holder(id: &str, state: &str) -> Holder {
        Holder {
            payment_id: id.into(),
            state: state.into(),
        }
    }

    #[test]
    fn an_order_held_by_another_payment_is_not_executed() {
        let mut r = record();
        r.attempts.push(started(Provider::Bkash, "TR1", 0));
        r.apply(Event::SentToProvider, "confirm", 0, None);
        assert!(!before_execute(
            &mut r,
            0,
            Answer::HeldBy(holder("pay_other", "paid")),
            1
        ));
        assert_eq!(r.status, PaymentStatus::Failed);
        assert_eq!(r.attempts[0].status, AttemptStatus::Failed);
        assert_eq!(r.error.as_ref().map(|e| e.code), Some(ErrorCode::OrderAlreadyPaid));
    }

    #[test]
    fn a_claim_is_released_when_the_provider_says_not_paid() {
        let mut r = record();
        r.attempts.push(started(Provider::Bkash, "TR1", 0));
        r.apply(Event::SentToProvider, "confirm", 0, None);
        r.order_claim = Some(Held::Claimed);
        // Back to started (2060: the shopper had not finished): the claim is not needed.
        assert_eq!(next(&r, 1), Next::Release);
        r.attempts[0].status = AttemptStatus::Unknown;
        assert_eq!(next(&r, 1), Next::Nothing, "an unclear execute keeps its claim");
    }

    #[test]
    fn a_duplicate_waits_while_the_holder_is_unclear() {
        let mut r = record();
        r.status = PaymentStatus::Succeeded;
        assert_eq!(next(&r, 0), Next::TakePaid);
        assert!(after_take_paid(&mut r, Answer::HeldBy(holder("pay_h", "claimed")), 0).is_none());
        assert_eq!(next(&r, 1), Next::Nothing, "waits");
        assert_eq!(next(&r, WAIT_FOR_HOLDER_MS), Next::TakePaid, "then asks again");
        let h = after_take_paid(&mut r, Answer::HeldBy(holder("pay_h", "paid")), WAIT_FOR_HOLDER_MS);
        assert_eq!(
            h.map(|h| h.payment_id),
            Some("pay_h".to_owned()),
            "refund once the holder is paid"
        );
        assert!(after_take_paid(&mut r, Answer::Ours, 1).is_none());
        assert_eq!(r.order_claim, Some(Held::Paid));
    }
}
