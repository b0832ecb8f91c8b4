//! The report of a reconciliation: one item per pair or leftover, the totals and the alarm.

use serde::{Deserialize, Serialize};

use super::{LedgerEntry, Pairing, StatementLine};

/// What became of a statement line, a ledger entry, or a pair of them. The order of the
/// variants is the order of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Same id, same amount.
    Matched,
    /// No id on the line; the evidence reached [`AUTO_MATCH`](super::AUTO_MATCH).
    FuzzyMatched,
    /// No id on the line; a candidate, named, but not sure enough: a person decides.
    NeedsReview,
    /// A settled ledger entry no statement line shows.
    MissingAtProvider,
    /// A statement line no ledger entry accounts for.
    MissingInLedger,
    /// Same id, different amounts.
    AmountMismatch,
}

/// One line of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub kind: ItemKind,
    /// Index into the ledger slice given to [`reconcile`](super::reconcile).
    pub ledger: Option<usize>,
    /// Index into the statement slice (not the file's line number: that is the line's `line`).
    pub line: Option<usize>,
    /// 0 ..= 10,000; exact pairs 10,000, leftovers 0.
    pub confidence_bp: u16,
    /// The ledger had not settled this entry; the statement shows it did happen.
    pub recovered: bool,
}

impl Item {
    /// The confidence as a fraction, 0.0 ..= 1.0 (for display; decisions use `confidence_bp`).
    #[must_use]
    pub fn confidence(&self) -> f64 {
        f64::from(self.confidence_bp) / 10_000.0
    }
}

/// Counts per kind, and the totals in poisha, net of refunds (payments − refunds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub matched: u64,
    pub fuzzy_matched: u64,
    pub needs_review: u64,
    pub missing_at_provider: u64,
    pub missing_in_ledger: u64,
    pub amount_mismatch: u64,
    /// Settled entries and those this run recovered: the ledger after its corrections.
    pub ledger_total: i64,
    /// Every statement line.
    pub statement_total: i64,
    /// `statement_total - ledger_total`.
    pub difference: i64,
    /// `|difference| / |ledger_total|` in basis points, rounded down; 10,000 when the
    /// ledger total is 0 and the difference is not.
    pub difference_ratio_bp: i64,
}

impl Summary {
    /// The difference is more than 2 % of the ledger total (exact: `50·|difference| > |ledger_total|`,
    /// not the rounded `difference_ratio_bp`); any difference against a zero ledger total.
    #[must_use]
    pub fn alarm(&self) -> bool {
        let difference = i128::from(self.difference).abs();
        difference * 50 > i128::from(self.ledger_total).abs()
    }
}

/// The full report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Sorted by kind (in [`ItemKind`]'s order), then statement index, then ledger index.
    pub items: Vec<Item>,
    pub summary: Summary,
}

/// Basis points as a decimal fraction with four places: 213 → `"0.0213"`, 10,000 → `"1.0000"`.
#[must_use]
pub fn ratio_string(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{}.{:04}", bp / 10_000, bp % 10_000)
}

/// A confidence as a decimal fraction: 9,750 → `"0.9750"`.
#[must_use]
pub fn confidence_string(bp: u16) -> String {
    ratio_string(i64::from(bp))
}

/// Turns what the phases left into items, sorts them, and sums up.
pub(crate) fn finish(ledger: &[LedgerEntry], statement: &[StatementLine], pairing: Pairing) -> Outcome {
    let Pairing {
        ledger_used,
        line_used,
        mut items,
    } = pairing;
    let leftover = |kind, ledger, line| Item {
        kind,
        ledger,
        line,
        confidence_bp: 0,
        recovered: false,
    };
    let lines_left = line_used.iter().enumerate().filter(|(_, used)| !**used);
    items.extend(lines_left.map(|(li, _)| leftover(ItemKind::MissingInLedger, None, Some(li))));
    let entries_left = ledger
        .iter()
        .zip(&ledger_used)
        .enumerate()
        .filter(|(_, (e, used))| e.settled && !**used);
    items.extend(entries_left.map(|(ei, _)| leftover(ItemKind::MissingAtProvider, Some(ei), None)));
    items.sort_unstable_by_key(|i| (i.kind, i.line.unwrap_or(usize::MAX), i.ledger.unwrap_or(usize::MAX)));

    let mut s = Summary::default();
    for item in &items {
        let count = match item.kind {
            ItemKind::Matched => &mut s.matched,
            ItemKind::FuzzyMatched => &mut s.fuzzy_matched,
            ItemKind::NeedsReview => &mut s.needs_review,
            ItemKind::MissingAtProvider => &mut s.missing_at_provider,
            ItemKind::MissingInLedger => &mut s.missing_in_ledger,
            ItemKind::AmountMismatch => &mut s.amount_mismatch,
        };
        *count += 1;
    }
    let recovered = items
        .iter()
        .filter(|i| i.recovered)
        .filter_map(|i| ledger.get(i.ledger?));
    let ledger_total: i128 = ledger
        .iter()
        .filter(|e| e.settled)
        .chain(recovered)
        .map(|e| i128::from(e.kind.signed(e.amount)))
        .sum();
    let statement_total: i128 = statement.iter().map(|l| i128::from(l.kind.signed(l.amount))).sum();
    s.set_totals(ledger_total, statement_total);
    Outcome { items, summary: s }
}

impl Summary {
    /// Both summaries together (a day over both providers): counts and totals added, the
    /// difference and its ratio worked out again from the sums.
    #[must_use]
    pub fn merge(&self, other: &Summary) -> Summary {
        let mut s = Summary {
            matched: self.matched + other.matched,
            fuzzy_matched: self.fuzzy_matched + other.fuzzy_matched,
            needs_review: self.needs_review + other.needs_review,
            missing_at_provider: self.missing_at_provider + other.missing_at_provider,
            missing_in_ledger: self.missing_in_ledger + other.missing_in_ledger,
            amount_mismatch: self.amount_mismatch + other.amount_mismatch,
            ..Summary::default()
        };
        s.set_totals(
            i128::from(self.ledger_total) + i128::from(other.ledger_total),
            i128::from(self.statement_total) + i128::from(other.statement_total),
        );
        s
    }

    fn set_totals(&mut self, ledger_total: i128, statement_total: i128) {
        let difference = statement_total - ledger_total;
        let ratio = match (ledger_total, difference) {
            (_, 0) => 0,
            (0, _) => 10_000,
            (total, difference) => difference.abs() * 10_000 / total.abs(),
        };
        self.ledger_total = clamp(ledger_total);
        self.statement_total = clamp(statement_total);
        self.difference = clamp(difference);
        self.difference_ratio_bp = clamp(ratio);
    }
}

fn clamp(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_summaries_add_up_and_work_the_ratio_out_again() {
        let mut a = Summary {
            matched: 3,
            ..Summary::default()
        };
        a.set_totals(100_000, 100_000);
        let mut b = Summary {
            missing_in_ledger: 1,
            ..Summary::default()
        };
        b.set_totals(50_000, 53_000);
        let m = a.merge(&b);
        assert_eq!((m.matched, m.missing_in_ledger), (3, 1));
        assert_eq!(
            (m.ledger_total, m.statement_total, m.difference),
            (150_000, 153_000, 3_000)
        );
        assert_eq!(m.difference_ratio_bp, 200);
        assert!(!m.alarm(), "exactly 2 % is not above it");
        assert!(b.alarm());
        assert_eq!(Summary::default().merge(&Summary::default()), Summary::default());
    }

    #[test]
    fn ratios_print_with_four_places() {
        assert_eq!(ratio_string(213), "0.0213");
        assert_eq!(ratio_string(0), "0.0000");
        assert_eq!(ratio_string(10_000), "1.0000");
        assert_eq!(ratio_string(-5), "-0.0005");
        assert_eq!(confidence_string(9_750), "0.9750");
    }

    #[test]
    fn alarm_is_above_two_percent_exactly() {
        let at = |difference, ledger_total| Summary {
            difference,
            ledger_total,
            ..Summary::default()
        };
        assert!(!at(200, 10_000).alarm());
        assert!(at(201, 10_000).alarm());
        assert!(at(-201, 10_000).alarm());
        assert!(at(2_000_001, 100_000_000).alarm()); // 0.02000001: the rounded bp says 200
        assert!(!at(0, 0).alarm());
        assert!(at(1, 0).alarm());
        assert!(at(i64::MIN, i64::MIN).alarm()); // no overflow at the extremes
    }
}
