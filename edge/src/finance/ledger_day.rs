//! One provider's side of a Dhaka day in our ledger, as the matcher takes it
//! (`shared::recon::LedgerEntry`): every attempt that paid that day (the payment's money and
//! duplicates alike: each is money the provider took), every refund that succeeded that day,
//! and, unsettled, the attempts of the last days whose outcome we never learned (a statement
//! showing one paid is how reconciliation finds a lost outcome).
//!
//! Beside each payment entry: the promotion its payment applied (`payment_checkout`), when
//! the entry is the payment's own money at the promotion's wallet. A duplicate attempt, or an
//! attempt at the other wallet, carries none: the offer was made for one payment at one wallet.

use bdpay_shared::money::Money;
use bdpay_shared::promotions::OfferKind;
use bdpay_shared::provider::Provider;
use bdpay_shared::recon::{EntryKind, LedgerEntry};
use serde::Deserialize;
use worker::D1Database;

use super::day::{Day, DAY_MS};
use crate::ledger::int;
use crate::providers::Mode;

/// How far back an attempt may have started and still be paid (or found) on this day.
const LOOKBACK_MS: i64 = 2 * DAY_MS;

// ?1 merchant, ?2 mode, ?3 provider, ?4 lookback start, ?5 day start, ?6 day end. The
// promotion counts for the attempt that holds the payment's money (`payments.provider_ref`)
// at the wallet the offer was made for.
const ATTEMPTS: &str = "SELECT a.payment_id, a.n, a.provider_ref, a.provider_trx_id, a.status, a.invoice, \
    COALESCE(a.paid_at, a.created_at) AS at, a.payer_masked, p.amount_poisha, \
    CASE WHEN c.promotion_provider = a.provider AND p.provider_ref = a.provider_ref THEN c.promotion_kind END AS promotion_kind, \
    CASE WHEN c.promotion_provider = a.provider AND p.provider_ref = a.provider_ref THEN c.cashback_poisha ELSE 0 END AS cashback_poisha \
    FROM payments p JOIN payment_attempts a ON a.payment_id = p.id \
    LEFT JOIN payment_checkout c ON c.payment_id = p.id \
    WHERE p.merchant_id = ?1 AND p.mode = ?2 AND p.created_at >= ?4 AND p.created_at < ?6 AND a.provider = ?3 \
    AND ((a.status IN ('paid', 'refunded') AND COALESCE(a.paid_at, a.created_at) >= ?5 AND COALESCE(a.paid_at, a.created_at) < ?6) \
      OR (a.status NOT IN ('paid', 'refunded') AND a.created_at >= ?4 AND a.created_at < ?6)) \
    ORDER BY a.payment_id, a.n";

const REFUNDS: &str = "SELECT r.id, r.payment_id, r.amount_poisha, r.provider_refund_ref, r.updated_at, \
    p.provider_ref, p.customer_phone_masked \
    FROM refunds r JOIN payments p ON p.id = r.payment_id \
    WHERE r.merchant_id = ?1 AND p.mode = ?2 AND r.provider = ?3 AND r.created_at >= ?4 AND r.created_at < ?6 \
    AND r.status = 'succeeded' AND r.updated_at >= ?5 AND r.updated_at < ?6 ORDER BY r.id";

#[derive(Deserialize)]
struct AttemptRow {
    payment_id: String,
    n: i64,
    provider_ref: String,
    provider_trx_id: Option<String>,
    status: String,
    invoice: Option<String>,
    at: i64,
    payer_masked: Option<String>,
    amount_poisha: i64,
    #[serde(default)]
    promotion_kind: Option<String>,
    #[serde(default)]
    cashback_poisha: Option<i64>,
}

#[derive(Deserialize)]
struct RefundRow {
    id: String,
    payment_id: String,
    amount_poisha: i64,
    provider_refund_ref: Option<String>,
    updated_at: i64,
    provider_ref: Option<String>,
    customer_phone_masked: Option<String>,
}

/// What an attempt of ours is, beside its ledger entry: the payment object needs the
/// attempt's reference to mark it paid; the reports show the promotion it carries.
pub struct Attempt {
    pub provider_ref: String,
    pub n: i64,
    pub promotion: Promotion,
}

/// The promotion a payment entry carries: its kind (none without one), and the cashback the
/// wallet gives the shopper back (zero without a cashback).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Promotion {
    pub kind: Option<OfferKind>,
    pub cashback: Money,
}

impl Default for Promotion {
    fn default() -> Promotion {
        Promotion {
            kind: None,
            cashback: Money::ZERO,
        }
    }
}

impl Promotion {
    /// From the ledger's columns; a count below zero or over the ceiling reads as none (the
    /// payment object never writes one).
    pub fn of_row(kind: Option<&str>, cashback_poisha: i64) -> Promotion {
        Promotion {
            kind: kind.and_then(OfferKind::from_name),
            cashback: Money::from_poisha(cashback_poisha).unwrap_or(Money::ZERO),
        }
    }
}

/// The day's entries for one provider, and for each entry its attempt (payments only).
pub async fn load(
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    provider: Provider,
    day: &Day,
) -> worker::Result<(Vec<LedgerEntry>, Vec<Option<Attempt>>)> {
    let binds = [
        merchant_id.into(),
        mode.as_str().into(),
        provider.as_str().into(),
        int(day.start_ms - LOOKBACK_MS),
        int(day.start_ms),
        int(day.end_ms()),
    ];
    let attempts: Vec<AttemptRow> = db.prepare(ATTEMPTS).bind(&binds)?.all().await?.results()?;
    let refunds: Vec<RefundRow> = db.prepare(REFUNDS).bind(&binds)?.all().await?.results()?;
    let mut entries = Vec::with_capacity(attempts.len() + refunds.len());
    let mut refs = Vec::with_capacity(entries.capacity());
    for a in attempts {
        let settled = matches!(a.status.as_str(), "paid" | "refunded");
        entries.push(LedgerEntry {
            kind: EntryKind::Payment,
            payment_id: a.payment_id,
            refund_id: None,
            trx_id: a.provider_trx_id.filter(|t| !t.is_empty()),
            reference: Some(a.provider_ref.clone()),
            invoice: a.invoice,
            amount: a.amount_poisha,
            at_ms: a.at,
            wallet_last4: a.payer_masked.as_deref().and_then(last4),
            settled,
        });
        refs.push(Some(Attempt {
            provider_ref: a.provider_ref,
            n: a.n,
            promotion: Promotion::of_row(a.promotion_kind.as_deref(), a.cashback_poisha.unwrap_or(0)),
        }));
    }
    for r in refunds {
        entries.push(LedgerEntry {
            kind: EntryKind::Refund,
            payment_id: r.payment_id,
            refund_id: Some(r.id),
            trx_id: r.provider_refund_ref.filter(|t| !t.is_empty()),
            reference: r.provider_ref,
            invoice: None,
            amount: r.amount_poisha,
            at_ms: r.updated_at,
            wallet_last4: r.customer_phone_masked.as_deref().and_then(last4),
            settled: true,
        });
        refs.push(None);
    }
    Ok((entries, refs))
}

/// The last four digits of a masked number (`01XX4567` → `4567`).
pub fn last4(masked: &str) -> Option<String> {
    let digits: String = masked.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_four_digits_of_a_masked_number() {
        assert_eq!(last4("01XX4567").as_deref(), Some("4567"));
        assert_eq!(last4("017****8575").as_deref(), Some("8575"));
        assert_eq!(last4("XX"), None);
    }

    #[test]
    fn a_promotion_reads_from_the_ledger_columns() {
        let p = Promotion::of_row(Some("cashback"), 4_500);
        assert_eq!(p.kind, Some(OfferKind::Cashback));
        assert_eq!(p.cashback.to_string(), "45.00");
        let free = Promotion::of_row(Some("commission_free"), 0);
        assert_eq!(
            (free.kind, free.cashback),
            (Some(OfferKind::CommissionFree), Money::ZERO)
        );
        assert_eq!(Promotion::of_row(None, 0), Promotion::default());
        // Nothing the payment object writes, read as nothing rather than as money.
        assert_eq!(Promotion::of_row(Some("voucher"), -5), Promotion::default());
    }
}
