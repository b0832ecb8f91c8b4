//! Reconciliation's finding applied to a payment, as a pure function: the provider's
//! statement shows an attempt paid that we never saw paid (its answer was lost, or the
//! shopper never came back and our checks failed). It is applied exactly as the provider's
//! own "paid" answer would be (`settle::answer`), so order claims and duplicate refunds follow
//! as usual; a second finding of the same changes nothing.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::AttemptStatus;
use serde_json::json;

use super::record::PaymentRecord;
use super::settle;
use crate::providers::Outcome;

/// What the statement says.
pub struct SeenPaid<'a> {
    pub provider: Provider,
    pub provider_ref: &'a str,
    pub trx_id: String,
    pub amount: Money,
    pub paid_at_ms: i64,
    /// The statement's day, kept in the payment's event as the evidence.
    pub day: &'a str,
}

/// Marks the named attempt paid. 404 when the payment has no such attempt; 409 when the
/// statement's amount is not the payment's, or it names another transaction than the one we
/// hold (a person must look: nothing is changed).
pub fn apply(r: &mut PaymentRecord, seen: SeenPaid<'_>, now_ms: i64) -> Result<(), ApiError> {
    let Some(i) = r
        .attempts
        .iter()
        .position(|a| a.provider == seen.provider && a.provider_ref == seen.provider_ref)
    else {
        return Err(ApiError::new(ErrorCode::NotFound));
    };
    if seen.amount != r.amount {
        return Err(conflict("the statement's amount is not the payment's"));
    }
    let a = r.attempts.get(i).ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    if matches!(a.status, AttemptStatus::Paid | AttemptStatus::Refunded) {
        return match a.trx_id.as_deref() {
            Some(t) if t != seen.trx_id => Err(conflict("the statement names another transaction")),
            _ => Ok(()),
        };
    }
    crate::log::warn(
        "payment_paid_by_statement",
        &json!({ "payment": r.id, "attempt": i + 1, "provider": seen.provider.as_str(), "day": seen.day, "was": a.status.as_str() }),
    );
    let paid = Outcome::Succeeded {
        trx_id: seen.trx_id,
        paid_at_ms: Some(seen.paid_at_ms),
        payer_masked: a.payer_masked.clone(),
    };
    settle::answer(r, i, Ok(paid), "statement", None, now_ms);
    Ok(())
}

fn conflict(detail: &str) -> ApiError {
    let mut e = ApiError::new(ErrorCode::InvalidState);
    e.error.message = format!("{} {detail}", e.error.message).into();
    e
}

#[cfg(test)]
mod tests {
    use bdpay_shared::status::PaymentStatus;

    use super::*;
    use crate::payment::decide::{confirm, started, Confirm};
    use crate::payment::record::tests::record;
    use crate::providers::{Device, Started};

    /// A payment whose Nagad attempt `REF0` is pending (its outcome unknown to us).
    fn pending() -> PaymentRecord {
        let mut r = record();
        let Ok(Confirm::Start(plan)) = confirm(
            &r,
            Some(Provider::Nagad),
            None,
            Device::MobileWeb,
            bdpay_shared::routing::Availability::ALL,
            10,
        ) else {
            panic!("no attempt");
        };
        let s = Started {
            provider_ref: "REF0".into(),
            redirect_url: "https://wallet.example/0".into(),
        };
        started(&mut r, plan, s, 600_000, 10);
        r
    }

    fn seen(amount: Money, provider_ref: &'static str, trx: &str) -> SeenPaid<'static> {
        SeenPaid {
            provider: Provider::Nagad,
            provider_ref,
            trx_id: trx.into(),
            amount,
            paid_at_ms: 50,
            day: "2026-12-05",
        }
    }

    #[test]
    fn the_statement_marks_a_lost_attempt_paid_once() {
        let mut r = pending();
        let amount = r.amount;
        assert_eq!(r.status, PaymentStatus::Pending);
        apply(&mut r, seen(amount, "REF0", "000177YT"), 100).unwrap();
        assert_eq!(r.status, PaymentStatus::Succeeded);
        assert_eq!(r.paid_attempt, Some(0));
        let a = &r.attempts[0];
        assert_eq!(
            (a.status, a.trx_id.as_deref(), a.paid_at_ms),
            (AttemptStatus::Paid, Some("000177YT"), Some(50))
        );
        let version = r.version;
        // The same finding again changes nothing.
        apply(&mut r, seen(amount, "REF0", "000177YT"), 200).unwrap();
        assert_eq!((r.status, r.version), (PaymentStatus::Succeeded, version));
    }

    #[test]
    fn a_statement_that_disagrees_changes_nothing() {
        let mut r = pending();
        let amount = r.amount;
        assert_eq!(
            apply(&mut r, seen(amount, "OTHER", "X"), 100).unwrap_err().error.code,
            ErrorCode::NotFound
        );
        let mut wrong = seen(amount, "REF0", "X");
        wrong.amount = Money::from_poisha(r.amount.poisha() + 1).unwrap();
        assert_eq!(
            apply(&mut r, wrong, 100).unwrap_err().error.code,
            ErrorCode::InvalidState
        );
        assert_eq!(r.status, PaymentStatus::Pending);
        apply(&mut r, seen(amount, "REF0", "T1"), 100).unwrap();
        let other = apply(&mut r, seen(amount, "REF0", "T2"), 200).unwrap_err();
        assert_eq!(
            other.error.code,
            ErrorCode::InvalidState,
            "another transaction than the one we hold"
        );
    }
}
