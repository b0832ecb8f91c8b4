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
