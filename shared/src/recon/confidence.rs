//! How sure a fuzzy pair is: evidence from time, invoice and wallet, in basis points.
//!
//! Integers throughout (10,000 = certain), so a score is the same on every machine:
//!
//! - time: full within [`CLOSE_MS`] (2 min), falling linearly to 0 at [`WINDOW_MS`] (30 min);
//! - invoice: equal counts 1, unknown on either side ½, different 0; wallet (last 4) alike;
//! - score = 60 % time + 35 % invoice + 5 % wallet;
//! - a different invoice divides the score by 4, and so does a different wallet;
//! - a runner-up within 0.10 of the best takes twice the shortfall off the best: an exact tie
//!   costs 0.20, so two equally good candidates never reach [`AUTO_MATCH`].
//!
//! So invoice + amount + time within 2 min scores at least 0.975; amount and time alone 0.80.

use super::{LedgerEntry, StatementLine};

/// At or above this confidence (0.95) a fuzzy pair is `fuzzy_matched`; below, `needs_review`.
pub const AUTO_MATCH: u16 = 9_500;
/// Times this close count in full.
pub(crate) const CLOSE_MS: i64 = 2 * 60_000;
/// Times this far apart (or more) count nothing; a candidate must be within it or share the invoice.
pub(crate) const WINDOW_MS: i64 = 30 * 60_000;
/// A runner-up this close to the best makes the best doubtful.
const TIE_MARGIN: u16 = 1_000;

const FULL: i64 = 10_000;

/// Agreement of a field both sides may lack.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Agreement {
    Equal,
    Unknown,
    Different,
}

fn agreement(a: Option<&str>, b: Option<&str>) -> Agreement {
    match (a, b) {
        (Some(a), Some(b)) if a == b => Agreement::Equal,
        (Some(_), Some(_)) => Agreement::Different,
        _ => Agreement::Unknown,
    }
}

/// 10,000 within [`CLOSE_MS`], 0 from [`WINDOW_MS`] on, linear between.
fn time_bp(difference_ms: i64) -> i64 {
    let d = difference_ms.unsigned_abs();
    if d <= CLOSE_MS.unsigned_abs() {
        FULL
    } else if d >= WINDOW_MS.unsigned_abs() {
        0
    } else {
        // d is below WINDOW_MS here, so the cast keeps it.
        FULL * (WINDOW_MS - d as i64) / (WINDOW_MS - CLOSE_MS)
    }
}

/// The evidence that `entry` is the transaction `line` shows, before any runner-up is weighed.
/// The caller has checked kind and amount.
pub(crate) fn score(line: &StatementLine, entry: &LedgerEntry) -> u16 {
    let field = |a| match a {
        Agreement::Equal => FULL,
        Agreement::Unknown => FULL / 2,
        Agreement::Different => 0,
    };
    let invoice = agreement(super::id(&line.invoice), super::id(&entry.invoice));
    let wallet = agreement(super::id(&line.wallet_last4), super::id(&entry.wallet_last4));
    let time = time_bp(line.at_ms.saturating_sub(entry.at_ms));
    let mut bp = (6_000 * time + 3_500 * field(invoice) + 500 * field(wallet)) / FULL;
    for disagreement in [invoice, wallet] {
        if disagreement == Agreement::Different {
            bp /= 4;
        }
    }
    u16::try_from(bp.clamp(0, FULL)).unwrap_or(0)
}

/// The confidence in the best candidate, given the runner-up's score (if any).
pub(crate) fn with_runner_up(best: u16, runner_up: Option<u16>) -> u16 {
    let shortfall = runner_up.map_or(0, |second| TIE_MARGIN.saturating_sub(best.saturating_sub(second)));
    best.saturating_sub(shortfall.saturating_mul(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recon::tests::{entry, line_of};

    #[test]
    fn invoice_amount_and_time_within_two_minutes_auto_match() {
        let e = entry(0, 125_000, 1_000_000);
        let mut l = line_of(&e);
        l.at_ms += CLOSE_MS;
        l.wallet_last4 = None;
        assert_eq!(score(&l, &e), 9_750);
        l.wallet_last4 = e.wallet_last4.clone();
        assert_eq!(score(&l, &e), 10_000);
    }

    #[test]
    fn time_decays_to_nothing_at_half_an_hour() {
        assert_eq!(time_bp(0), 10_000);
        assert_eq!(time_bp(-CLOSE_MS), 10_000);
        assert_eq!(time_bp(16 * 60_000), 5_000);
        assert_eq!(time_bp(WINDOW_MS), 0);
        assert_eq!(time_bp(i64::MIN), 0);
    }

    #[test]
    fn disagreeing_invoice_or_wallet_costs_a_lot() {
        let e = entry(0, 125_000, 1_000_000);
        let mut l = line_of(&e);
        l.invoice = Some("other".into());
        assert!(score(&l, &e) < 3_000);
        let mut l = line_of(&e);
        l.wallet_last4 = Some("9999".into());
        assert!(score(&l, &e) < 3_000);
        let mut l = line_of(&e);
        l.invoice = None;
        l.wallet_last4 = None;
        assert_eq!(score(&l, &e), 8_000);
    }

    /// The table in docs/reconciliation.md ("Confidence").
    #[test]
    fn the_documented_examples_hold() {
        let e = entry(7, 50_000, 1_000_000);
        let at = |minutes: i64, invoice: Option<&str>, wallet: Option<&str>| {
            let mut l = line_of(&e);
            l.at_ms += minutes * 60_000;
            l.invoice = invoice.map(str::to_owned);
            l.wallet_last4 = wallet.map(str::to_owned);
            score(&l, &e)
        };
        let (inv, wal) = (Some("INV-7"), Some("0007"));
        assert_eq!(at(1, inv, wal), 10_000);
        assert_eq!(at(-2, inv, None), 9_750);
        assert_eq!(at(16, inv, None), 6_750);
        assert_eq!(at(0, None, None), 8_000);
        assert_eq!(at(180, inv, wal), 4_000);
        assert_eq!(at(0, Some("INV-8"), wal), 1_625);
        assert_eq!(at(0, inv, Some("0008")), 2_375);
        assert_eq!(with_runner_up(10_000, Some(10_000)), 8_000);
    }

    #[test]
    fn a_tie_never_reaches_auto_match() {
        assert_eq!(with_runner_up(10_000, Some(10_000)), 8_000);
        assert_eq!(with_runner_up(10_000, Some(9_500)), 9_000);
        assert_eq!(with_runner_up(10_000, Some(9_000)), 10_000);
        assert_eq!(with_runner_up(9_750, None), 9_750);
        assert_eq!(with_runner_up(300, Some(300)), 0);
    }
}
