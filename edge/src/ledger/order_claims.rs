//! The order claims in D1 (migration 0004): which payment of an order may take the money.
//! One statement decides a claim, so two payments racing for one order cannot both win:
//! the row is taken when free (no row, or `released`), kept by its holder, refused otherwise.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, D1Result};

use super::int;

/// Takes or keeps the claim; a holder that already has it `paid` stays `paid`.
const TAKE: &str = "INSERT INTO order_claims (merchant_id, order_id, payment_id, state, updated_at) \
    VALUES (?1, ?2, ?3, ?4, ?5) \
    ON CONFLICT(merchant_id, order_id) DO UPDATE SET payment_id = excluded.payment_id, \
    state = CASE WHEN order_claims.state = 'paid' AND order_claims.payment_id = excluded.payment_id \
    THEN 'paid' ELSE excluded.state END, updated_at = excluded.updated_at \
    WHERE order_claims.state = 'released' OR order_claims.payment_id = excluded.payment_id";

const HOLDER: &str = "SELECT payment_id, state FROM order_claims WHERE merchant_id = ?1 AND order_id = ?2";

const RELEASE: &str = "UPDATE order_claims SET state = 'released', updated_at = ?4 \
    WHERE merchant_id = ?1 AND order_id = ?2 AND payment_id = ?3 AND state = 'claimed'";

/// Who holds an order's claim after a [`take`].
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Holder {
    pub payment_id: String,
    /// `claimed` (its outcome is not known yet), `paid`, or `released`.
    pub state: String,
}

impl Holder {
    /// Whether a payment other than `payment_id` has been paid for the order.
    pub fn paid_other_than(&self, payment_id: &str) -> bool {
        self.state == "paid" && self.payment_id != payment_id
    }
}

/// One payment's ask for its order's claim: as `claimed` (before moving money) or `paid` (the
/// money has moved).
pub struct Ask<'a> {
    pub merchant_id: &'a str,
    pub order_id: &'a str,
    pub payment_id: &'a str,
    pub paid: bool,
    pub now_ms: i64,
}

/// Asks for the order's claim. Returns the holder afterwards: this payment when it got it.
pub async fn take(db: &D1Database, ask: &Ask<'_>) -> worker::Result<Option<Holder>> {
    let results = db.batch(take_statements(db, ask)?.into()).await?;
    match results.get(1) {
        Some(r) => holder_from(r),
        None => Ok(None),
    }
}

/// The two statements [`take`] sends (the take, then the holder), for a batch with others;
/// the second one's answer is the holder ([`holder_from`]).
pub fn take_statements(db: &D1Database, ask: &Ask<'_>) -> worker::Result<[D1PreparedStatement; 2]> {
    let state = if ask.paid { "paid" } else { "claimed" };
    let take = db.prepare(TAKE).bind(&[
        ask.merchant_id.into(),
        ask.order_id.into(),
        ask.payment_id.into(),
        state.into(),
        int(ask.now_ms),
    ])?;
    Ok([take, holder_statement(db, ask.merchant_id, ask.order_id)?])
}

/// The order's holder now, if any payment ever claimed it.
pub async fn holder(db: &D1Database, merchant_id: &str, order_id: &str) -> worker::Result<Option<Holder>> {
    holder_statement(db, merchant_id, order_id)?.first(None).await
}

/// The statement [`holder`] sends, for a batch with others; [`holder_from`] reads its answer.
pub fn holder_statement(db: &D1Database, merchant_id: &str, order_id: &str) -> worker::Result<D1PreparedStatement> {
    db.prepare(HOLDER).bind(&[merchant_id.into(), order_id.into()])
}

/// The holder in the answer to [`holder_statement`].
pub fn holder_from(result: &D1Result) -> worker::Result<Option<Holder>> {
    Ok(result.results::<Holder>()?.into_iter().next())
}

/// Gives the claim back (the payment ended unpaid); only a `claimed` one of this payment.
pub async fn release(
    db: &D1Database,
    merchant_id: &str,
    order_id: &str,
    payment_id: &str,
    now_ms: i64,
) -> worker::Result<()> {
    db.prepare(RELEASE)
        .bind(&[merchant_id.into(), order_id.into(), payment_id.into(), int(now_ms)])?
        .run()
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Holder;

    fn holder(payment_id: &str, state: &str) -> Holder {
        Holder {
            payment_id: payment_id.into(),
            state: state.into(),
        }
    }

    #[test]
    fn only_another_payments_paid_claim_counts_as_paid_elsewhere() {
        assert!(holder("pay_b", "paid").paid_other_than("pay_a"));
        assert!(
            !holder("pay_a", "paid").paid_other_than("pay_a"),
            "paid by this payment"
        );
        assert!(!holder("pay_b", "claimed").paid_other_than("pay_a"), "not paid yet");
        assert!(!holder("pay_b", "released").paid_other_than("pay_a"));
    }
}
