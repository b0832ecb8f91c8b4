//! Fuzzy pairing: statement lines with neither a trx id nor a reference, by amount and evidence.
//!
//! Candidates are the settled ledger entries the exact pass left, of the line's kind and
//! amount, within [`WINDOW_MS`] of its time (the [`MAX_SCAN`] nearest, in a crowd) or sharing
//! its invoice. The best candidate is scored by [`confidence`](super::confidence); the pairs are
//! then handed out greedily, most confident first, each line re-weighed against the entries
//! still free when its turn comes, so a tie that another line resolved no longer counts.
//! Confidence ≥ [`AUTO_MATCH`] is `fuzzy_matched`, below it `needs_review` (the candidate is
//! named and taken, so it is not also reported missing). No candidate: left for the summary.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use super::bucket::Bucket;
use super::confidence::{score, with_runner_up, AUTO_MATCH, WINDOW_MS};
use super::index::Index;
use super::{id, EntryKind, ItemKind, LedgerEntry, Pairing, StatementLine};

/// In a crowd of same-amount entries near one time, at most this many are weighed per line.
pub(crate) const MAX_SCAN: usize = 256;

/// The ledger entries fuzzy pairing may use, by kind and amount.
struct Pool<'a> {
    by_amount: HashMap<(EntryKind, i64), Bucket>,
    by_invoice: Index<(EntryKind, i64, &'a str)>,
}

pub(crate) fn pair(ledger: &[LedgerEntry], statement: &[StatementLine], pairing: &mut Pairing) {
    let lines: Vec<usize> = statement
        .iter()
        .enumerate()
        .filter(|(li, l)| {
            pairing.line_used.get(*li) == Some(&false) && id(&l.trx_id).is_none() && id(&l.reference).is_none()
        })
        .map(|(li, _)| li)
        .collect();
    if lines.is_empty() {
        return;
    }
    let mut pool = Pool::build(ledger, statement, pairing, &lines);
    let mut scratch = Vec::new();
    let mut queue = BinaryHeap::with_capacity(lines.len());
    for &li in &lines {
        if let Some((bp, ei)) = pool.best(li, ledger, statement, pairing, &mut scratch) {
            queue.push((bp, Reverse(li), ei));
        }
    }
    while let Some((bp, Reverse(li), ei)) = queue.pop() {
        match pool.best(li, ledger, statement, pairing, &mut scratch) {
            Some(now) if now == (bp, ei) => {
                let kind = if bp >= AUTO_MATCH {
                    ItemKind::FuzzyMatched
                } else {
                    ItemKind::NeedsReview
                };
                pairing.pair(kind, ei, li, bp, false);
                pool.take(ledger, ei);
            }
            // Something it counted on was taken meanwhile: back in the queue as it stands now.
            Some((bp, ei)) => queue.push((bp, Reverse(li), ei)),
            None => {}
        }
    }
}

impl<'a> Pool<'a> {
    fn build(ledger: &'a [LedgerEntry], statement: &[StatementLine], pairing: &Pairing, lines: &[usize]) -> Pool<'a> {
        let wanted: HashSet<(EntryKind, i64)> = lines
            .iter()
            .filter_map(|&li| statement.get(li))
            .map(|l| (l.kind, l.amount))
            .collect();
        // Settled, free, and of an amount some line wants.
        let usable: Vec<(usize, &LedgerEntry)> = ledger
            .iter()
            .enumerate()
            .filter(|(ei, e)| e.settled && pairing.ledger_free(*ei) && wanted.contains(&(e.kind, e.amount)))
            .collect();
        let mut times: HashMap<(EntryKind, i64), Vec<(i64, usize)>> = HashMap::with_capacity(wanted.len());
        for &(ei, e) in &usable {
            times.entry((e.kind, e.amount)).or_default().push((e.at_ms, ei));
        }
        let by_amount = times.into_iter().map(|(key, run)| (key, Bucket::new(run))).collect();
        let by_invoice = Index::build(
            ledger.len(),
            usable.len(),
            usable
                .iter()
                .filter_map(|&(ei, e)| Some(((e.kind, e.amount, id(&e.invoice)?), ei))),
        );
        Pool { by_amount, by_invoice }
    }

    fn take(&mut self, ledger: &[LedgerEntry], ei: usize) {
        if let Some(e) = ledger.get(ei) {
            if let Some(bucket) = self.by_amount.get_mut(&(e.kind, e.amount)) {
                bucket.take(e.at_ms, ei);
            }
        }
    }

    /// The best free candidate for line `li` and the confidence in it, or `None`.
    fn best(
        &mut self,
        li: usize,
        ledger: &[LedgerEntry],
        statement: &[StatementLine],
        pairing: &Pairing,
        scratch: &mut Vec<usize>,
    ) -> Option<(u16, usize)> {
        let line = statement.get(li)?;
        scratch.clear();
        if let Some(bucket) = self.by_amount.get_mut(&(line.kind, line.amount)) {
            bucket.nearest(line.at_ms, WINDOW_MS, MAX_SCAN, |ei| scratch.push(ei));
        }
        if let Some(invoice) = id(&line.invoice) {
            let same = self.by_invoice.get(&(line.kind, line.amount, invoice));
            scratch.extend(same.filter(|&ei| pairing.ledger_free(ei)));
        }
        scratch.sort_unstable();
        scratch.dedup();
        // Highest score, then nearest in time, then first in the ledger.
        let mut best: Option<(u16, Reverse<u64>, Reverse<usize>)> = None;
        let mut runner_up: Option<u16> = None;
        for &ei in scratch.iter() {
            let Some(entry) = ledger.get(ei) else { continue };
            let rank = (
                score(line, entry),
                Reverse(line.at_ms.saturating_sub(entry.at_ms).unsigned_abs()),
                Reverse(ei),
            );
            let beaten = match best {
                Some(b) if b >= rank => Some(rank.0),
                _ => best.replace(rank).map(|b| b.0),
            };
            runner_up = runner_up.max(beaten);
        }
        best.map(|(bp, _, Reverse(ei))| (with_runner_up(bp, runner_up), ei))
    }
}
