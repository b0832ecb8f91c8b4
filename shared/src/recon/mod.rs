//! Settlement reconciliation: a provider's statement against our ledger, pure (no I/O, no clock).
//!
//! [`statement::parse`] reads a bKash or Nagad statement CSV into [`StatementLine`]s; the edge
//! builds [`LedgerEntry`]s from D1; [`reconcile`] pairs them and returns an [`Outcome`]: one
//! [`Item`] per pair or leftover, and a [`Summary`] with the totals and the alarm. The rules,
//! in the order they run:
//!
//! 1. `exact`: the same trx id, else the same provider reference (refunds: only when one
//!    refund of that payment has the amount). An unsettled ledger entry found here is
//!    `recovered`: the statement shows it paid.
//! 2. `fuzzy`: lines with neither id, against settled entries still unpaired, same kind and
//!    amount, scored by time, invoice and wallet (`confidence`).
//! 3. `summary`: leftovers become `missing_in_ledger` / `missing_at_provider`; totals.
//!
//! docs/reconciliation.md describes the statement layouts and every rule in prose.

mod bucket;
mod confidence;
mod exact;
mod fuzzy;
mod index;
mod ledger;
pub mod statement;
mod summary;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use confidence::AUTO_MATCH;
pub use ledger::LedgerEntry;
pub use statement::{StatementError, StatementLine};
pub use summary::{confidence_string, ratio_string, Item, ItemKind, Outcome, Summary};

/// What moved money: a payment in, or a refund out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Payment,
    Refund,
}

impl EntryKind {
    /// The amount with its direction: payments count up, refunds down.
    #[must_use]
    pub const fn signed(self, amount: i64) -> i64 {
        match self {
            EntryKind::Payment => amount,
            EntryKind::Refund => amount.saturating_neg(),
        }
    }
}

/// Pairs a day's statement with the ledger. Linear in the input (hash indexes, and fuzzy
/// candidates bucketed by kind and amount, sorted by time): a million lines a side take well
/// under two seconds. Deterministic: the same input gives the same items in the same order.
#[must_use]
pub fn reconcile(ledger: &[LedgerEntry], statement: &[StatementLine]) -> Outcome {
    let mut pairing = Pairing::new(ledger.len(), statement.len());
    exact::pair(ledger, statement, &mut pairing);
    fuzzy::pair(ledger, statement, &mut pairing);
    summary::finish(ledger, statement, pairing)
}

/// What the phases have decided so far: who is taken, and the items made.
pub(crate) struct Pairing {
    pub ledger_used: Vec<bool>,
    pub line_used: Vec<bool>,
    pub items: Vec<Item>,
}

impl Pairing {
    fn new(ledger: usize, lines: usize) -> Pairing {
        Pairing {
            ledger_used: vec![false; ledger],
            line_used: vec![false; lines],
            items: Vec::with_capacity(ledger.max(lines)),
        }
    }

    /// Records a pair and takes both sides.
    pub fn pair(&mut self, kind: ItemKind, ledger: usize, line: usize, confidence_bp: u16, recovered: bool) {
        if let Some(used) = self.ledger_used.get_mut(ledger) {
            *used = true;
        }
        if let Some(used) = self.line_used.get_mut(line) {
            *used = true;
        }
        self.items.push(Item {
            kind,
            ledger: Some(ledger),
            line: Some(line),
            confidence_bp,
            recovered,
        });
    }

    pub fn ledger_free(&self, i: usize) -> bool {
        self.ledger_used.get(i) == Some(&false)
    }
}

/// An id as the matcher compares it: trimmed, and blank means none.
pub(crate) fn id(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}
