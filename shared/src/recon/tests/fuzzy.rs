//! Lines without ids: evidence, ties, and who chooses first.

use super::{entry, kinds, line_of, no_ids, T0};
use crate::recon::*;

#[test]
fn a_line_without_ids_matches_on_invoice_amount_and_time() {
    let p = entry(1, 125_000, T0);
    let mut l = no_ids(line_of(&p));
    l.at_ms += 90_000;
    l.wallet_last4 = None;
    let o = reconcile(&[entry(0, 125_000, T0), p], &[l]);
    // entry 0 was matched by nobody and shares amount and time, but not the invoice.
    assert_eq!(
        o.items.first().map(|i| (i.kind, i.ledger, i.confidence_bp)),
        Some((ItemKind::FuzzyMatched, Some(1), 9_750))
    );
    assert_eq!(o.summary.missing_at_provider, 1);
}

#[test]
fn two_equal_candidates_at_one_time_need_review() {
    let (mut a, mut b) = (entry(1, 50_000, T0), entry(2, 50_000, T0));
    for e in [&mut a, &mut b] {
        e.invoice = None;
        e.wallet_last4 = None;
    }
    let l = no_ids(line_of(&a));
    let o = reconcile(&[a, b], &[l]);
    use ItemKind::*;
    assert_eq!(
        kinds(&o),
        [(NeedsReview, Some(0), Some(0)), (MissingAtProvider, Some(1), None)]
    );
    let review = o.items.first().map_or(0, |i| i.confidence_bp);
    assert!(review < AUTO_MATCH, "{review}");
}

#[test]
fn the_surest_line_chooses_first() {
    let (e1, mut e2) = (entry(1, 50_000, T0), entry(2, 50_000, T0));
    e2.invoice = None;
    let mut vague = no_ids(line_of(&e1));
    vague.invoice = None;
    let sure = no_ids(line_of(&e1));
    let o = reconcile(&[e1, e2], &[vague, sure]);
    use ItemKind::*;
    assert_eq!(
        kinds(&o),
        [(FuzzyMatched, Some(0), Some(1)), (NeedsReview, Some(1), Some(0))]
    );
}

#[test]
fn a_wrong_invoice_or_another_amount_is_no_match() {
    let p = entry(1, 50_000, T0);
    let mut l = no_ids(line_of(&p));
    l.invoice = Some("INV-other".into());
    let o = reconcile(std::slice::from_ref(&p), std::slice::from_ref(&l));
    assert_eq!(o.items.first().map(|i| i.kind), Some(ItemKind::NeedsReview));
    assert!(o.items.first().is_some_and(|i| i.confidence_bp < 3_000));
    l.amount += 1;
    let o = reconcile(&[p], &[l]);
    assert_eq!((o.summary.missing_in_ledger, o.summary.missing_at_provider), (1, 1));
}

#[test]
fn an_invoice_reaches_beyond_the_time_window() {
    let p = entry(1, 50_000, T0);
    let mut l = no_ids(line_of(&p));
    l.at_ms += 3 * 3_600_000;
    let o = reconcile(&[p], &[l]);
    assert_eq!(
        o.items.first().map(|i| (i.kind, i.confidence_bp)),
        Some((ItemKind::NeedsReview, 4_000))
    );
}

#[test]
fn a_crowd_of_identical_lines_stays_linear_and_never_auto_matches() {
    let mut ledger: Vec<LedgerEntry> = (0..3_000).map(|i| entry(i, 50_000, T0)).collect();
    for e in &mut ledger {
        e.invoice = None;
    }
    let statement: Vec<StatementLine> = ledger.iter().map(|e| no_ids(line_of(e))).collect();
    let o = reconcile(&ledger, &statement);
    assert_eq!(o.summary.fuzzy_matched, 0);
    assert_eq!(o.summary.needs_review, 3_000);
    assert!(o.items.iter().all(|i| i.ledger == i.line && i.confidence_bp == 8_250));
}
