//! Grey release read back: each cohort's checkouts between two Dhaka days, how many paid, the
//! median time from checkout to paid, and how many were refunded (`GET /v1/analytics/cohorts`).
//! A checkout is a payment made (`payment_checkout.created_at`); its cohort was fixed then.

use serde::{Deserialize, Serialize};
use worker::D1Database;

use crate::ledger::int;
use crate::providers::Mode;

/// One cohort's figures, as answered.
#[derive(Debug, PartialEq, Serialize)]
pub struct CohortRow {
    pub name: String,
    /// Its part of the checkouts in the range, `"0.2000"` (4 places, never a float).
    pub share: String,
    pub checkouts: u64,
    /// Paid / checkouts, `"0.9500"`.
    pub success_rate: String,
    /// Median seconds from checkout to paid, over its paid checkouts; `null` with none.
    pub median_seconds_to_pay: Option<u64>,
    /// Checkouts with any money refunded.
    pub refunds: u64,
}

#[derive(Deserialize)]
struct Line {
    cohort: Option<String>,
    paid_ms: Option<i64>,
    refunded: i64,
}

/// The most checkouts one answer reads (about 3 months of a busy shop's).
pub const MAX_CHECKOUTS: i64 = 200_000;

/// The cohorts of checkouts made in `[from_ms, to_ms)`, control first, then by name.
pub async fn report(
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    from_ms: i64,
    to_ms: i64,
) -> worker::Result<Vec<CohortRow>> {
    let lines: Vec<Line> = db
        .prepare(
            "SELECT c.cohort AS cohort, (SELECT MIN(a.paid_at) FROM payment_attempts a WHERE a.payment_id = p.id \
             AND a.paid_at IS NOT NULL AND p.status IN ('succeeded', 'partially_refunded', 'refunded')) - p.created_at AS paid_ms, \
             CASE WHEN p.refunded_poisha > 0 THEN 1 ELSE 0 END AS refunded \
             FROM payment_checkout c JOIN payments p ON p.id = c.payment_id \
             WHERE c.merchant_id = ?1 AND c.mode = ?2 AND c.created_at >= ?3 AND c.created_at < ?4 LIMIT ?5",
        )
        .bind(&[merchant_id.into(), mode.as_str().into(), int(from_ms), int(to_ms), int(MAX_CHECKOUTS)])?
        .all()
        .await?
        .results()?;
    Ok(summarise(lines.into_iter().map(|l| {
        (
            l.cohort.unwrap_or_else(|| bdpay_shared::cohort::CONTROL.to_owned()),
            l.paid_ms,
            l.refunded != 0,
        )
    })))
}

/// `n / d` as a decimal with 4 places, rounded half-up (`d > 0`).
fn ratio(n: u64, d: u64) -> String {
    let scaled = (u128::from(n) * 20_000 / u128::from(d)).div_ceil(2);
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

/// The figures from (cohort, milliseconds to pay if paid, refunded) per checkout.
pub fn summarise(lines: impl Iterator<Item = (String, Option<i64>, bool)>) -> Vec<CohortRow> {
    let mut by: std::collections::BTreeMap<String, (u64, Vec<i64>, u64)> = std::collections::BTreeMap::new();
    let mut total = 0u64;
    for (name, paid_ms, refunded) in lines {
        let e = by.entry(name).or_default();
        e.0 += 1;
        if let Some(ms) = paid_ms {
            e.1.push(ms.max(0));
        }
        e.2 += u64::from(refunded);
        total += 1;
    }
    let mut rows: Vec<CohortRow> = by
        .into_iter()
        .map(|(name, (checkouts, mut paid, refunds))| {
            paid.sort_unstable();
            let median = match paid.len() {
                0 => None,
                n if n % 2 == 1 => paid.get(n / 2).copied(),
                n => Some((paid[n / 2 - 1] + paid[n / 2]) / 2),
            };
            CohortRow {
                share: ratio(checkouts, total.max(1)),
                success_rate: ratio(paid.len() as u64, checkouts.max(1)),
                median_seconds_to_pay: median.map(|ms| u64::try_from(ms / 1_000).unwrap_or(0)),
                name,
                checkouts,
                refunds,
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.name != bdpay_shared::cohort::CONTROL, r.name.clone()));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohorts_are_counted_with_exact_ratios_and_medians() {
        let c = |n: &str| n.to_owned();
        let lines = vec![
            (c("control"), Some(10_000), false),
            (c("control"), Some(30_000), true),
            (c("control"), None, false),
            (c("control"), Some(20_000), false),
            (c("smart"), Some(5_000), false),
        ];
        let rows = summarise(lines.into_iter());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "control");
        assert_eq!((rows[0].checkouts, rows[0].refunds), (4, 1));
        assert_eq!(rows[0].share, "0.8000");
        assert_eq!(rows[0].success_rate, "0.7500");
        assert_eq!(rows[0].median_seconds_to_pay, Some(20));
        assert_eq!(rows[1].name, "smart");
        assert_eq!(rows[1].share, "0.2000");
        assert_eq!(rows[1].success_rate, "1.0000");
        assert_eq!(rows[1].median_seconds_to_pay, Some(5));
        assert_eq!(ratio(1, 3), "0.3333");
        assert_eq!(ratio(2, 3), "0.6667");
        assert!(summarise(std::iter::empty()).is_empty());
    }
}
