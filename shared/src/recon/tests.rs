//! The matcher's cases one by one; the properties are in `proptests`.

use super::*;

mod fuzzy;
mod proptests;

pub(crate) const T0: i64 = 1_732_521_931_412; // 2024-11-25 14:05:31.412 in Dhaka

pub(crate) fn entry(i: usize, amount: i64, at_ms: i64) -> LedgerEntry {
    LedgerEntry {
        kind: EntryKind::Payment,
        payment_id: format!("pay_{i:024}"),
        refund_id: None,
        trx_id: Some(format!("TRX{i:07}")),
        reference: Some(format!("REF{i:07}")),
        invoice: Some(format!("INV-{i}")),
        amount,
        at_ms,
        wallet_last4: Some(format!("{:04}", i % 10_000)),
        settled: true,
    }
}

pub(crate) fn refund_of(i: usize, payment: &LedgerEntry, amount: i64, at_ms: i64) -> LedgerEntry {
    LedgerEntry {
        kind: EntryKind::Refund,
        refund_id: Some(format!("re_{i:024}")),
        trx_id: Some(format!("RFD{i:07}")),
        amount,
        at_ms,
        ..payment.clone()
    }
}

pub(crate) fn line_of(e: &LedgerEntry) -> StatementLine {
    StatementLine {
        line: 0,
        kind: e.kind,
        trx_id: e.trx_id.clone(),
        reference: e.reference.clone(),
        invoice: e.invoice.clone(),
        original_trx_id: None,
        amount: e.amount,
        fee: 0,
        at_ms: e.at_ms,
        wallet_last4: e.wallet_last4.clone(),
    }
}

pub(crate) fn kinds(o: &Outcome) -> Vec<(ItemKind, Option<usize>, Option<usize>)> {
    o.items.iter().map(|i| (i.kind, i.ledger, i.line)).collect()
}

pub(crate) fn no_ids(mut l: StatementLine) -> StatementLine {
    l.trx_id = None;
    l.reference = None;
    l
}

#[test]
fn a_payment_and_its_refund_match_by_trx_id() {
    let p = entry(1, 125_000, T0);
    let r = refund_of(2, &p, 25_000, T0 + 3_600_000);
    let o = reconcile(&[p.clone(), r.clone()], &[line_of(&r), line_of(&p)]);
    use ItemKind::Matched;
    assert_eq!(kinds(&o), [(Matched, Some(1), Some(0)), (Matched, Some(0), Some(1))]);
    assert!(o.items.iter().all(|i| i.confidence_bp == 10_000 && !i.recovered));
    assert_eq!((o.summary.ledger_total, o.summary.statement_total), (100_000, 100_000));
    assert_eq!((o.summary.difference, o.summary.difference_ratio_bp), (0, 0));
    assert!(!o.summary.alarm());
}

#[test]
fn without_a_trx_id_the_reference_decides() {
    let p = entry(1, 125_000, T0);
    let mut l = line_of(&p);
    l.trx_id = None;
    assert_eq!(
        kinds(&reconcile(std::slice::from_ref(&p), std::slice::from_ref(&l))),
        [(ItemKind::Matched, Some(0), Some(0))]
    );
    l.trx_id = Some("UNKNOWN".into()); // a trx id we never heard of: the reference still counts ...
    let mut unknown = p.clone();
    unknown.trx_id = None;
    assert_eq!(
        kinds(&reconcile(&[unknown], &[l.clone()])),
        [(ItemKind::Matched, Some(0), Some(0))]
    );
    // ... but never against an entry whose own trx id differs.
    let o = reconcile(&[p], &[l]);
    use ItemKind::*;
    assert_eq!(
        kinds(&o),
        [(MissingAtProvider, Some(0), None), (MissingInLedger, None, Some(0))]
    );
}

#[test]
fn a_refund_by_reference_alone_needs_one_refund_of_that_amount() {
    let p = entry(1, 125_000, T0);
    let r1 = refund_of(2, &p, 10_000, T0 + 1_000);
    let r2 = refund_of(3, &p, 20_000, T0 + 2_000);
    let mut l = line_of(&r2);
    l.trx_id = None;
    let o = reconcile(&[r1.clone(), r2.clone()], &[l.clone()]);
    assert!(o.items.contains(&Item {
        kind: ItemKind::Matched,
        ledger: Some(1),
        line: Some(0),
        confidence_bp: 10_000,
        recovered: false
    }));
    // Two refunds of that payment with that amount: the reference cannot tell them apart.
    let r3 = refund_of(4, &p, 20_000, T0 + 3_000);
    let o = reconcile(&[r1, r2, r3], &[l]);
    assert_eq!((o.summary.matched, o.summary.missing_in_ledger), (0, 1));
    assert_eq!(o.summary.missing_at_provider, 3);
}

#[test]
fn a_duplicated_line_is_missing_in_ledger_once() {
    let p = entry(1, 125_000, T0);
    let o = reconcile(std::slice::from_ref(&p), &[line_of(&p), line_of(&p)]);
    use ItemKind::*;
    assert_eq!(
        kinds(&o),
        [(Matched, Some(0), Some(0)), (MissingInLedger, None, Some(1))]
    );
    assert_eq!((o.summary.difference, o.summary.difference_ratio_bp), (125_000, 10_000));
    assert!(o.summary.alarm());
}

#[test]
fn different_amounts_under_one_id_are_a_mismatch() {
    let p = entry(1, 125_000, T0);
    let mut l = line_of(&p);
    l.amount = 125_100;
    let o = reconcile(&[p], &[l]);
    assert_eq!(kinds(&o), [(ItemKind::AmountMismatch, Some(0), Some(0))]);
    assert_eq!((o.summary.difference, o.summary.difference_ratio_bp), (100, 8));
    assert_eq!(ratio_string(o.summary.difference_ratio_bp), "0.0008");
}

#[test]
fn an_unsettled_attempt_on_the_statement_is_recovered() {
    let mut lost = entry(1, 125_000, T0);
    lost.settled = false;
    let mut forgotten = entry(2, 50_000, T0);
    forgotten.settled = false;
    let o = reconcile(&[lost.clone(), forgotten], &[line_of(&lost)]);
    assert_eq!(kinds(&o), [(ItemKind::Matched, Some(0), Some(0))]);
    assert!(o.items.iter().all(|i| i.recovered));
    assert_eq!((o.summary.ledger_total, o.summary.difference), (125_000, 0));
    // Never a fuzzy candidate: a line without ids does not find it.
    let o = reconcile(&[lost.clone()], &[no_ids(line_of(&lost))]);
    assert_eq!(kinds(&o), [(ItemKind::MissingInLedger, None, Some(0))]);
    assert_eq!((o.summary.ledger_total, o.summary.difference_ratio_bp), (0, 10_000));
}

#[test]
fn nothing_at_all() {
    let o = reconcile(&[], &[]);
    assert!(o.items.is_empty());
    assert_eq!(o.summary, Summary::default());
    assert!(!o.summary.alarm());
}

#[test]
fn the_report_serializes_in_snake_case() {
    let p = entry(1, 50_000, T0);
    let o = reconcile(std::slice::from_ref(&p), &[no_ids(line_of(&p))]);
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(json["items"][0]["kind"], "fuzzy_matched");
    assert_eq!(serde_json::to_value(EntryKind::Refund).unwrap(), "refund");
    assert_eq!(json["summary"]["difference_ratio_bp"], 0);
}
