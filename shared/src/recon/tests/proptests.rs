//! Properties: a statement made from a ledger matches it whole, and each kind of damage to it
//! shows up as exactly one item of the right kind.

use proptest::prelude::*;
use proptest::sample::Index;

use super::{entry, line_of, refund_of, T0};
use crate::recon::*;

const HOUR: i64 = 3_600_000;

/// Payments (random amounts, times, wallets) and up to two refunds each; ids and invoices unique.
fn ledgers() -> impl Strategy<Value = Vec<LedgerEntry>> {
    let payment = (
        1i64..=5_000_000,
        0i64..20 * HOUR,
        prop::option::of(0u16..10_000),
        prop::collection::vec(1i64..=1_000_000, 0..=2),
    );
    prop::collection::vec(payment, 1..30).prop_map(|payments| {
        let mut ledger = Vec::new();
        for (i, (amount, offset, wallet, refunds)) in payments.into_iter().enumerate() {
            let mut p = entry(i, amount, T0 + offset);
            p.wallet_last4 = wallet.map(|w| format!("{w:04}"));
            for (j, back) in refunds.into_iter().enumerate() {
                ledger.push(refund_of(
                    1_000 + i * 10 + j,
                    &p,
                    back,
                    p.at_ms + HOUR + 60_000 * j as i64,
                ));
            }
            ledger.push(p);
        }
        ledger
    })
}

/// The statement the provider would send: every entry, its time off by up to a minute,
/// in another order.
fn statement_of(ledger: &[LedgerEntry], rotate: usize) -> Vec<StatementLine> {
    let mut lines: Vec<StatementLine> = ledger
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut l = line_of(e);
            l.at_ms += (i as i64 * 7_919) % 120_001 - 60_000;
            l.line = i + 2;
            l
        })
        .collect();
    let by = rotate % lines.len().max(1);
    lines.rotate_left(by);
    lines
}

fn count(o: &Outcome, kind: ItemKind) -> usize {
    o.items.iter().filter(|i| i.kind == kind).count()
}

/// Exactly one item of `kind`, and every other item matched.
fn one_of(o: &Outcome, kind: ItemKind, total: usize) -> Result<(), TestCaseError> {
    prop_assert_eq!(count(o, kind), 1);
    prop_assert_eq!(count(o, ItemKind::Matched), total - 1);
    prop_assert_eq!(o.items.len(), total);
    Ok(())
}

proptest! {
    #[test]
    fn a_statement_made_from_the_ledger_matches_whole(ledger in ledgers(), rotate in any::<usize>()) {
        let statement = statement_of(&ledger, rotate);
        let o = reconcile(&ledger, &statement);
        prop_assert_eq!(count(&o, ItemKind::Matched), ledger.len());
        prop_assert_eq!(o.items.len(), ledger.len());
        prop_assert!(o.items.iter().all(|i| i.confidence_bp == 10_000 && !i.recovered));
        prop_assert_eq!(o.summary.difference, 0);
        prop_assert_eq!(o.summary.ledger_total, o.summary.statement_total);
        prop_assert!(!o.summary.alarm());
        let sorted = o.items.windows(2).all(|w| (w[0].kind, w[0].line) <= (w[1].kind, w[1].line));
        prop_assert!(sorted);
    }

    #[test]
    fn a_line_removed_is_missing_at_provider(ledger in ledgers(), rotate in any::<usize>(), k in any::<Index>()) {
        let mut statement = statement_of(&ledger, rotate);
        let gone = statement.remove(k.index(statement.len()));
        let o = reconcile(&ledger, &statement);
        one_of(&o, ItemKind::MissingAtProvider, ledger.len())?;
        let missing = o.items.iter().find(|i| i.kind == ItemKind::MissingAtProvider).and_then(|i| i.ledger);
        prop_assert_eq!(missing.and_then(|ei| ledger.get(ei)).and_then(|e| e.trx_id.clone()), gone.trx_id);
        prop_assert_eq!(o.summary.difference, -gone.kind.signed(gone.amount));
    }

    #[test]
    fn a_line_added_is_missing_in_ledger(
        ledger in ledgers(), rotate in any::<usize>(), amount in 1i64..=5_000_000, ids in any::<bool>(),
    ) {
        let mut statement = statement_of(&ledger, rotate);
        let mut extra = line_of(&entry(999_999, amount, T0 + HOUR));
        if !ids {
            extra.trx_id = None;
            extra.reference = None;
        }
        statement.push(extra);
        let o = reconcile(&ledger, &statement);
        one_of(&o, ItemKind::MissingInLedger, ledger.len() + 1)?;
        prop_assert_eq!(o.summary.difference, amount);
    }

    #[test]
    fn an_amount_changed_is_one_mismatch(
        ledger in ledgers(), rotate in any::<usize>(), k in any::<Index>(), delta in 1i64..100_000,
    ) {
        let mut statement = statement_of(&ledger, rotate);
        let i = k.index(statement.len());
        if let Some(line) = statement.get_mut(i) {
            line.amount += delta;
        }
        let o = reconcile(&ledger, &statement);
        one_of(&o, ItemKind::AmountMismatch, ledger.len())?;
        prop_assert_eq!(o.summary.difference.abs(), delta);
    }

    #[test]
    fn a_line_without_ids_is_matched_by_evidence(ledger in ledgers(), rotate in any::<usize>(), k in any::<Index>()) {
        let mut statement = statement_of(&ledger, rotate);
        let i = k.index(statement.len());
        if let Some(line) = statement.get_mut(i) {
            line.trx_id = None;
            line.reference = None;
        }
        let o = reconcile(&ledger, &statement);
        one_of(&o, ItemKind::FuzzyMatched, ledger.len())?;
        let fuzzy = o.items.iter().find(|i| i.kind == ItemKind::FuzzyMatched);
        prop_assert!(fuzzy.is_some_and(|f| f.confidence_bp >= AUTO_MATCH && f.line == Some(i)));
        prop_assert_eq!(o.summary.difference, 0);
    }

    #[test]
    fn an_unsettled_entry_on_the_statement_is_recovered(
        ledger in ledgers(), rotate in any::<usize>(), k in any::<Index>(),
    ) {
        let mut ledger = ledger;
        let lost = k.index(ledger.len());
        if let Some(e) = ledger.get_mut(lost) {
            e.settled = false;
        }
        let o = reconcile(&ledger, &statement_of(&ledger, rotate));
        prop_assert_eq!(count(&o, ItemKind::Matched), ledger.len());
        let recovered: Vec<Option<usize>> = o.items.iter().filter(|i| i.recovered).map(|i| i.ledger).collect();
        prop_assert_eq!(recovered, vec![Some(lost)]);
        prop_assert_eq!(o.summary.difference, 0);
    }

    #[test]
    fn reconcile_never_panics(ledger in ledgers(), lines in prop::collection::vec(
        (any::<bool>(), prop::option::of("[a-c]{1,2}"), prop::option::of("[a-c]{1,2}"), 1i64..5, -3i64..3), 0..20,
    )) {
        let statement: Vec<StatementLine> = lines.into_iter().map(|(refund, trx, reference, amount, minutes)| StatementLine {
            line: 0,
            kind: if refund { EntryKind::Refund } else { EntryKind::Payment },
            trx_id: trx,
            reference,
            invoice: None,
            original_trx_id: None,
            amount,
            fee: 0,
            at_ms: T0 + minutes * 60_000,
            wallet_last4: None,
        }).collect();
        let o = reconcile(&ledger, &statement);
        let lines_seen = o.items.iter().filter(|i| i.line.is_some()).count();
        prop_assert_eq!(lines_seen, statement.len());
    }
}
