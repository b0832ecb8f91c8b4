//! One paid payment per order. Before a bKash execute (the moment bKash moves the money) the
//! payment claims its order in the ledger (`ledger::order_claims`, one atomic statement); a
//! payment that finds the order claimed by another fails with `order_already_paid` and
//! nothing moves. After every change the claim follows the payment ([`follow`]): `paid` once
//! it succeeded, `released` when it ended unpaid. A payment whose money moved without the
//! claim (Nagad debits on its own page) and finds the order held by another is a duplicate:
//! it is refunded in full at once, and the refund says why.

use bdpay_shared::ids::RefundId;
use bdpay_shared::status::PaymentStatus;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{Env, State};

use crate::ledger::order_claims::{self, Holder};
use crate::log;
use crate::payment::record::PaymentRecord;
use crate::refunds::flow::{self as refund_flow, Ask};

/// The refund key of a duplicate's refund: at most one per payment.
pub const DUPLICATE_KEY: &str = "duplicate_payment_of_order";

/// What this payment holds of its order's claim (stored in its record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Held {
    /// Taken before the execute; the outcome decides.
    Claimed,
    Paid,
    Released,
    /// Paid although another payment held the order: refunded as a duplicate.
    Duplicate,
}

/// The answer before an execute.
pub enum BeforeExecute {
    /// This payment holds the order: execute.
    Go,
    /// Another payment holds it (paid, or its execute is under way): do not execute.
    HeldBy(Holder),
    /// The ledger did not answer: go on (logged); [`follow`] still catches a duplicate.
    NoAnswer,
}

/// Whether another payment of the order has already been paid (a new attempt is refused).
pub async fn paid_elsewhere(r: &PaymentRecord, env: &Env) -> bool {
    let Ok(db) = env.d1("DB") else { return false };
    matches!(
        order_claims::holder(&db, &r.merchant_id, &r.order_id).await,
        Ok(Some(h)) if h.state == "paid" && h.payment_id != r.id
    )
}

pub async fn before_execute(r: &mut PaymentRecord, env: &Env, now_ms: i64) -> BeforeExecute {
    let taken = match env.d1("DB") {
        Ok(db) => order_claims::take(&db, &r.merchant_id, &r.order_id, &r.id, false, now_ms).await,
        Err(e) => Err(e),
    };
    match taken {
        Ok(Some(h)) if h.payment_id == r.id => {
            if r.order_claim != Some(Held::Paid) {
                r.order_claim = Some(Held::Claimed);
            }
            BeforeExecute::Go
        }
        Ok(Some(h)) => BeforeExecute::HeldBy(h),
        Ok(None) | Err(_) => {
            log::warn("order_claim_unanswered", &json!({ "payment": r.id }));
            BeforeExecute::NoAnswer
        }
    }
}

/// Brings the order's claim in line with the payment; refunds a duplicate. Called before
/// every save of the record; a ledger that does not answer is tried again at the next one.
pub async fn follow(r: &mut PaymentRecord, env: &Env, state: &State, now_ms: i64) {
    let paid = matches!(
        r.status,
        PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded | PaymentStatus::Refunded
    );
    let ended_unpaid = matches!(
        r.status,
        PaymentStatus::Failed | PaymentStatus::Cancelled | PaymentStatus::Expired
    );
    let Ok(db) = env.d1("DB") else { return };
    if paid && !matches!(r.order_claim, Some(Held::Paid | Held::Duplicate)) {
        match order_claims::take(&db, &r.merchant_id, &r.order_id, &r.id, true, now_ms).await {
            Ok(Some(h)) if h.payment_id == r.id => {
                r.order_claim = Some(Held::Paid);
                r.touch(now_ms);
            }
            Ok(Some(h)) => refund_duplicate(r, &h, env, state, now_ms).await,
            Ok(None) | Err(_) => log::warn("order_claim_unanswered", &json!({ "payment": r.id })),
        }
    } else if ended_unpaid
        // Also with no claim recorded: one taken just before a restart lost the record's copy.
        && matches!(r.order_claim, None | Some(Held::Claimed))
        && order_claims::release(&db, &r.merchant_id, &r.order_id, &r.id, now_ms)
            .await
            .is_ok()
    {
        r.order_claim = Some(Held::Released);
        r.touch(now_ms);
    }
}

/// The shopper paid an order another payment holds: give this money back in full.
async fn refund_duplicate(r: &mut PaymentRecord, holder: &Holder, env: &Env, state: &State, now_ms: i64) {
    if r.refunds.iter().any(|f| f.key.as_deref() == Some(DUPLICATE_KEY)) {
        r.order_claim = Some(Held::Duplicate);
        return;
    }
    log::error(
        "duplicate_payment",
        &json!({ "payment": r.id, "order_held_by": holder.payment_id, "holder_state": holder.state, "provider": r.provider }),
    );
    let Ok(bytes) = crate::crypto::random() else { return };
    let ask = Ask {
        refund_id: RefundId::from_random(bytes).as_str().to_owned(),
        amount: None,
        reason: Some(format!(
            "Duplicate payment: order already paid by {}",
            holder.payment_id
        )),
        key: Some(DUPLICATE_KEY.to_owned()),
    };
    match refund_flow::request(r, ask, env, state, now_ms).await {
        Ok(()) => r.order_claim = Some(Held::Duplicate),
        // Nothing was sent (storage refused): the next save tries again.
        Err(e) => log::error(
            "duplicate_refund_not_sent",
            &json!({ "payment": r.id, "code": e.error.code.as_str() }),
        ),
    }
}
