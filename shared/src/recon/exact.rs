//! Exact pairing: a statement line and a ledger entry that name the same transaction.
//!
//! Pass 1 pairs by trx id (same kind, same id). A line whose trx id no ledger entry of its
//! kind has, or that has none, goes to pass 2: the provider's payment reference, over the
//! entries pass 1 left. A payment reference names one payment; a refund's names only its
//! payment, so a refund pairs by reference only when exactly one free refund of that payment
//! has the line's amount. A reference never pairs a line and an entry whose trx ids are both
//! known and differ. Unsettled entries take part: found here, they are `recovered`.

use super::index::Index;
use super::{id, EntryKind, ItemKind, LedgerEntry, Pairing, StatementLine};

/// Exact pairs carry full confidence.
pub(crate) const EXACT_BP: u16 = 10_000;

pub(crate) fn pair(ledger: &[LedgerEntry], statement: &[StatementLine], pairing: &mut Pairing) {
    let by_trx = Index::build(
        ledger.len(),
        ledger.len(),
        ledger
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some(((e.kind, id(&e.trx_id)?), i))),
    );
    let mut by_reference_wanted = Vec::new();
    for (li, line) in statement.iter().enumerate() {
        let Some(trx) = id(&line.trx_id) else {
            by_reference_wanted.push(li);
            continue;
        };
        let Some(mut same_trx) = by_trx.lookup(&(line.kind, trx)) else {
            by_reference_wanted.push(li);
            continue;
        };
        // The trx id is ours: this line is that entry or a duplicate of it, never another.
        if let Some(ei) = same_trx.find(|&ei| pairing.ledger_free(ei)) {
            pair_exact(ledger, statement, pairing, ei, li);
        }
    }
    by_reference(ledger, statement, pairing, &by_reference_wanted);
}

fn by_reference(ledger: &[LedgerEntry], statement: &[StatementLine], pairing: &mut Pairing, lines: &[usize]) {
    let wanted = lines
        .iter()
        .filter(|&&li| statement.get(li).is_some_and(|l| id(&l.reference).is_some()))
        .count();
    if wanted == 0 {
        return;
    }
    // Only the entries pass 1 left: usually few.
    let by_reference = Index::build(
        ledger.len(),
        wanted,
        ledger
            .iter()
            .enumerate()
            .filter(|(i, _)| pairing.ledger_free(*i))
            .filter_map(|(i, e)| Some(((e.kind, id(&e.reference)?), i))),
    );
    for &li in lines {
        let Some(line) = statement.get(li) else { continue };
        let Some(reference) = id(&line.reference) else {
            continue;
        };
        let line_trx = id(&line.trx_id);
        let fits = |ei: &usize| {
            pairing.ledger_free(*ei)
                && ledger
                    .get(*ei)
                    .is_some_and(|e| line_trx.is_none() || id(&e.trx_id).is_none())
        };
        let mut candidates = by_reference.get(&(line.kind, reference)).filter(fits);
        let found = match line.kind {
            EntryKind::Payment => candidates.next(),
            EntryKind::Refund => {
                let mut same_amount = candidates.filter(|&ei| ledger.get(ei).is_some_and(|e| e.amount == line.amount));
                match (same_amount.next(), same_amount.next()) {
                    (Some(ei), None) => Some(ei),
                    _ => None,
                }
            }
        };
        if let Some(ei) = found {
            pair_exact(ledger, statement, pairing, ei, li);
        }
    }
}

/// Equal amounts are `matched` (and `recovered` when the ledger had not settled it);
/// different amounts are an `amount_mismatch`, never recovered.
fn pair_exact(ledger: &[LedgerEntry], statement: &[StatementLine], pairing: &mut Pairing, ei: usize, li: usize) {
    let (Some(entry), Some(line)) = (ledger.get(ei), statement.get(li)) else {
        return;
    };
    if entry.amount == line.amount {
        pairing.pair(ItemKind::Matched, ei, li, EXACT_BP, !entry.settled);
    } else {
        pairing.pair(ItemKind::AmountMismatch, ei, li, EXACT_BP, false);
    }
}
