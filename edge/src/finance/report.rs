//! The reconciliation report of one merchant's Dhaka day: built from each provider's match
//! (`shared::recon`), kept in `reconciliations` (a re-run replaces it), read back as JSON or
//! as CSV for finance. Money as strings; confidence in [0, 1]. A payment's item carries the
//! promotion its payment applied and the cashback; the summaries, the day's cashback.

use bdpay_shared::money::{signed_text, Money};
use bdpay_shared::provider::Provider;
use bdpay_shared::recon::{EntryKind, Item, LedgerEntry, Outcome, StatementLine, Summary};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::D1Database;

use super::day::Day;
use super::ledger_day::Promotion;
use crate::ledger::int;
use crate::payment::view::iso;
use crate::providers::Mode;

/// What one provider brought to the day.
pub struct ProviderRun {
    pub provider: Provider,
    /// Where the statement came from and when; null: no statement for the day.
    pub statement: Value,
    pub entries: Vec<LedgerEntry>,
    /// Beside each entry, the promotion it carries (none for refunds).
    pub promotions: Vec<Promotion>,
    pub lines: Vec<StatementLine>,
    pub outcome: Option<Outcome>,
}

pub struct Report {
    pub status: &'static str,
    pub alarm: bool,
    pub summary: Value,
    pub body: Value,
}

/// The day's report over both providers. A provider with ledger money but no statement
/// leaves the report `incomplete` (its entries are not judged missing).
pub fn build(day: &Day, runs: &[ProviderRun], now_ms: i64) -> Report {
    let mut total = Summary::default();
    let mut cashback = Money::ZERO;
    let mut incomplete = false;
    let mut items = Vec::new();
    let mut statements = serde_json::Map::new();
    let mut per_provider = serde_json::Map::new();
    for run in runs {
        statements.insert(run.provider.as_str().into(), run.statement.clone());
        match &run.outcome {
            Some(o) => {
                total = total.merge(&o.summary);
                let own = cashback_of(run, o);
                cashback = add(cashback, own);
                per_provider.insert(run.provider.as_str().into(), summary_json(&o.summary, own));
                items.extend(o.items.iter().map(|i| item_json(run, i)));
            }
            None => incomplete |= run.entries.iter().any(|e| e.settled),
        }
    }
    let status = if incomplete { "incomplete" } else { "complete" };
    let summary = summary_json(&total, cashback);
    let alarm = total.alarm();
    let body = json!({
        "object": "reconciliation",
        "date": day.text,
        "status": status,
        "statements": statements,
        "summary": summary,
        "providers": per_provider,
        "alarm": alarm,
        "created_at": iso(now_ms),
        "items": items,
    });
    Report {
        status,
        alarm,
        summary,
        body,
    }
}

/// The cashback of the payments in the ledger total (settled, or recovered by this run):
/// what the wallets' promotions give the day's shoppers back.
fn cashback_of(run: &ProviderRun, o: &Outcome) -> Money {
    let recovered: std::collections::BTreeSet<usize> = o
        .items
        .iter()
        .filter(|i| i.recovered)
        .filter_map(|i| i.ledger)
        .collect();
    run.entries
        .iter()
        .zip(&run.promotions)
        .enumerate()
        .filter(|(i, (e, _))| e.kind == EntryKind::Payment && (e.settled || recovered.contains(i)))
        .fold(Money::ZERO, |sum, (_, (_, p))| add(sum, p.cashback))
}

/// The promotion of an item's payment entry; `None` for a refund, or a line we have no entry for.
fn promotion_of(run: &ProviderRun, item: &Item) -> Option<Promotion> {
    let i = item.ledger?;
    let e = run.entries.get(i)?;
    (e.kind == EntryKind::Payment).then(|| run.promotions.get(i).copied().unwrap_or_default())
}

/// A sum of money that stays money: past the ceiling (a billion taka of cashback in one
/// day) it stops at the ceiling rather than wrap.
fn add(a: Money, b: Money) -> Money {
    a.checked_add(b).unwrap_or(Money::MAX)
}

fn summary_json(s: &Summary, cashback: Money) -> Value {
    json!({
        "matched": s.matched,
        "fuzzy_matched": s.fuzzy_matched,
        "needs_review": s.needs_review,
        "missing_at_provider": s.missing_at_provider,
        "missing_in_ledger": s.missing_in_ledger,
        "amount_mismatch": s.amount_mismatch,
        "ledger_total": signed_text(s.ledger_total),
        "statement_total": signed_text(s.statement_total),
        "difference": signed_text(s.difference),
        "difference_ratio": bdpay_shared::recon::ratio_string(s.difference_ratio_bp),
        "cashback": cashback,
    })
}

fn item_json(run: &ProviderRun, item: &Item) -> Value {
    let entry = item.ledger.and_then(|i| run.entries.get(i));
    let promotion = promotion_of(run, item);
    let line = item.line.and_then(|i| run.lines.get(i));
    let trx = line
        .and_then(|l| l.trx_id.clone())
        .or_else(|| entry.and_then(|e| e.trx_id.clone()));
    json!({
        "kind": item.kind,
        "provider": run.provider.as_str(),
        "entry": entry.map(|e| match e.kind { EntryKind::Payment => "payment", EntryKind::Refund => "refund" })
            .or_else(|| line.map(|l| match l.kind { EntryKind::Payment => "payment", EntryKind::Refund => "refund" })),
        "payment_id": entry.map(|e| e.payment_id.as_str()),
        "refund_id": entry.and_then(|e| e.refund_id.as_deref()),
        "trx_id": trx,
        "amount_ledger": entry.map(|e| signed_text(e.amount)),
        "amount_statement": line.map(|l| signed_text(l.amount)),
        "cashback": promotion.map(|p| p.cashback),
        "promotion_kind": promotion.and_then(|p| p.kind).map(|k| k.as_str()),
        "confidence": f64::from(item.confidence_bp) / 10_000.0,
        "evidence": {
            "statement_line": line.map(|l| l.line),
            "statement_time": line.map(|l| iso(l.at_ms)),
            "ledger_time": entry.map(|e| iso(e.at_ms)),
            "invoice": line.and_then(|l| l.invoice.as_deref()).or_else(|| entry.and_then(|e| e.invoice.as_deref())),
            "wallet": line.and_then(|l| l.wallet_last4.as_deref()).or_else(|| entry.and_then(|e| e.wallet_last4.as_deref()))
                .map(|d| format!("01XX{d}")),
            "recovered": item.recovered,
        },
    })
}

/// The most a kept report may take in D1 (a value there holds up to 2 MB).
const MAX_STORED_BYTES: usize = 1_500_000;

/// The report as kept: whole when it fits; otherwise without its `matched` items (counted in
/// `matched_items_omitted`: a day that big is read for what needs a person, and the matched
/// lines are kept as settleable money anyway).
fn stored(body: &Value) -> String {
    let whole = body.to_string();
    if whole.len() <= MAX_STORED_BYTES {
        return whole;
    }
    let mut trimmed = body.clone();
    let mut omitted = 0usize;
    if let Some(items) = trimmed.get_mut("items").and_then(Value::as_array_mut) {
        let before = items.len();
        items.retain(|i| i["kind"] != "matched");
        omitted = before - items.len();
    }
    trimmed["matched_items_omitted"] = json!(omitted);
    trimmed.to_string()
}

/// Keeps the day's report (replacing an earlier run's).
pub async fn save(
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    day: &Day,
    r: &Report,
    now_ms: i64,
) -> worker::Result<()> {
    db.prepare(
        "INSERT INTO reconciliations (merchant_id, mode, day, status, alarm, summary, report, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(merchant_id, mode, day) DO UPDATE SET \
         status = excluded.status, alarm = excluded.alarm, summary = excluded.summary, report = excluded.report, \
         created_at = excluded.created_at",
    )
    .bind(&[
        merchant_id.into(),
        mode.as_str().into(),
        day.text.as_str().into(),
        r.status.into(),
        int(i64::from(r.alarm)),
        r.summary.to_string().into(),
        stored(&r.body).into(),
        int(now_ms),
    ])?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Stored {
    report: String,
}

/// The day's last report, as it was answered.
pub async fn load(db: &D1Database, merchant_id: &str, mode: Mode, day: &Day) -> worker::Result<Option<Value>> {
    let row: Option<Stored> = db
        .prepare("SELECT report FROM reconciliations WHERE merchant_id = ?1 AND mode = ?2 AND day = ?3")
        .bind(&[merchant_id.into(), mode.as_str().into(), day.text.as_str().into()])?
        .first(None)
        .await?;
    Ok(row.and_then(|r| serde_json::from_str(&r.report).ok()))
}

#[derive(Deserialize)]
struct Listed {
    day: String,
    status: String,
    alarm: i64,
    summary: String,
}

/// The days from `from` to `to` (inclusive) that have a report: date, status, alarm, summary.
pub async fn list(db: &D1Database, merchant_id: &str, mode: Mode, from: &Day, to: &Day) -> worker::Result<Vec<Value>> {
    let rows: Vec<Listed> = db
        .prepare(
            "SELECT day, status, alarm, summary FROM reconciliations WHERE merchant_id = ?1 AND mode = ?2 \
             AND day >= ?3 AND day <= ?4 ORDER BY day",
        )
        .bind(&[
            merchant_id.into(),
            mode.as_str().into(),
            from.text.as_str().into(),
            to.text.as_str().into(),
        ])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| {
            json!({
                "date": r.day, "status": r.status, "alarm": r.alarm != 0,
                "summary": serde_json::from_str::<Value>(&r.summary).unwrap_or(Value::Null),
            })
        })
        .collect())
}

const CSV_COLUMNS: [&str; 17] = [
    "kind",
    "provider",
    "entry",
    "payment_id",
    "refund_id",
    "trx_id",
    "amount_ledger",
    "amount_statement",
    "confidence",
    "statement_line",
    "statement_time",
    "ledger_time",
    "invoice",
    "wallet",
    "recovered",
    // Added with promotions: last, so a sheet reading the columns by place still reads.
    "cashback",
    "promotion_kind",
];

/// The report's items as CSV (one header line, one line per item), for a spreadsheet.
pub fn csv(report: &Value) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    let empty = Vec::new();
    for item in report["items"].as_array().unwrap_or(&empty) {
        let cells: Vec<String> = CSV_COLUMNS
            .iter()
            .map(|c| {
                let v = item
                    .get(*c)
                    .or_else(|| item["evidence"].get(*c))
                    .unwrap_or(&Value::Null);
                cell(v)
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn cell(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // Quoted when needed; a cell a spreadsheet would run as a formula gets a leading `'`
    // (a signed amount such as `-250.00` stays a number).
    let formula = s.starts_with(['=', '+', '@', '\t', '\r'])
        || (s.starts_with('-') && bdpay_shared::money::parse_poisha(s.trim_start_matches('-')).is_err());
    let s = if formula { format!("'{s}") } else { s };
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_run_as_formulas_and_amounts_stay_numbers() {
        assert_eq!(cell(&json!("-250.00")), "-250.00");
        assert_eq!(cell(&json!("=HYPERLINK(1)")), "'=HYPERLINK(1)");
        assert_eq!(cell(&json!("-1+2")), "'-1+2");
        assert_eq!(cell(&json!("@x")), "'@x");
        assert_eq!(cell(&json!("a,b")), "\"a,b\"");
        assert_eq!(cell(&json!(0.97)), "0.97");
        assert_eq!(cell(&Value::Null), "");
    }

    #[test]
    fn a_report_too_big_to_keep_is_kept_without_its_matched_items() {
        let small = json!({ "items": [{ "kind": "matched" }] });
        assert_eq!(stored(&small), small.to_string());
        let mut items: Vec<Value> = (0..20_000)
            .map(|i| json!({ "kind": "matched", "payment_id": format!("pay_{i:024}"), "pad": "x".repeat(60) }))
            .collect();
        items.push(json!({ "kind": "needs_review", "payment_id": "pay_review" }));
        let kept: Value = serde_json::from_str(&stored(&json!({ "items": items }))).unwrap();
        assert_eq!(kept["matched_items_omitted"], 20_000);
        assert_eq!(kept["items"].as_array().unwrap().len(), 1);
        assert_eq!(kept["items"][0]["kind"], "needs_review");
    }

    fn entry(kind: EntryKind, trx: &str, amount: i64, settled: bool) -> LedgerEntry {
        LedgerEntry {
            kind,
            payment_id: format!("pay_{trx}"),
            refund_id: (kind == EntryKind::Refund).then(|| format!("re_{trx}")),
            trx_id: Some(trx.to_owned()),
            reference: None,
            invoice: None,
            amount,
            at_ms: 0,
            wallet_last4: None,
            settled,
        }
    }

    fn line(n: usize, kind: EntryKind, trx: &str, amount: i64) -> StatementLine {
        StatementLine {
            line: n,
            kind,
            trx_id: Some(trx.to_owned()),
            reference: None,
            invoice: None,
            original_trx_id: None,
            amount,
            fee: 0,
            at_ms: 0,
            wallet_last4: None,
        }
    }

    fn cash(poisha: i64, kind: Option<bdpay_shared::promotions::OfferKind>) -> Promotion {
        Promotion {
            kind,
            cashback: Money::from_poisha(poisha).unwrap(),
        }
    }

    /// A Nagad day: a payment with cashback, one without, a refund, a lost attempt with cashback
    /// the statement recovers, and a lost one with cashback it does not show.
    fn nagad_day() -> ProviderRun {
        use bdpay_shared::promotions::OfferKind::Cashback;
        let entries = vec![
            entry(EntryKind::Payment, "N1", 900_000, true),
            entry(EntryKind::Payment, "N2", 50_000, true),
            entry(EntryKind::Refund, "R1", 10_000, true),
            entry(EntryKind::Payment, "N3", 820_000, false),
            entry(EntryKind::Payment, "N4", 850_000, false),
        ];
        let promotions = vec![
            cash(4_500, Some(Cashback)),
            Promotion::default(),
            Promotion::default(),
            cash(4_100, Some(Cashback)),
            cash(4_250, Some(Cashback)),
        ];
        let lines = vec![
            line(2, EntryKind::Payment, "N1", 900_000),
            line(3, EntryKind::Payment, "N2", 50_000),
            line(4, EntryKind::Refund, "R1", 10_000),
            line(5, EntryKind::Payment, "N3", 820_000),
            line(6, EntryKind::Payment, "X9", 123_400),
        ];
        let outcome = bdpay_shared::recon::reconcile(&entries, &lines);
        ProviderRun {
            provider: Provider::Nagad,
            statement: Value::Null,
            entries,
            promotions,
            lines,
            outcome: Some(outcome),
        }
    }

    #[test]
    fn the_days_cashback_counts_the_payments_in_the_ledger_total() {
        let run = nagad_day();
        let o = run.outcome.as_ref().unwrap();
        // 45.00 (settled) + 41.00 (recovered by this run); not the lost attempt nobody showed paid.
        assert_eq!(cashback_of(&run, o).to_string(), "86.00");
        let mut without = nagad_day();
        without.promotions = vec![Promotion::default(); 5];
        let o = without.outcome.as_ref().unwrap();
        assert_eq!(cashback_of(&without, o).to_string(), "0.00");
        let s = summary_json(&o.summary, cashback_of(&run, run.outcome.as_ref().unwrap()));
        assert_eq!(s["cashback"], "86.00");
    }

    #[test]
    fn a_payments_item_carries_its_promotion_and_a_refunds_none() {
        let run = nagad_day();
        let o = run.outcome.as_ref().unwrap();
        let of = |trx: &str| {
            o.items
                .iter()
                .find(|i| {
                    i.line
                        .and_then(|l| run.lines.get(l))
                        .is_some_and(|l| l.trx_id.as_deref() == Some(trx))
                })
                .map(|i| promotion_of(&run, i))
                .unwrap()
        };
        let n1 = of("N1").unwrap();
        assert_eq!(
            (n1.cashback.to_string(), n1.kind.map(|k| k.as_str())),
            ("45.00".into(), Some("cashback"))
        );
        assert_eq!(of("N2"), Some(Promotion::default()));
        assert_eq!(of("R1"), None, "a refund carries no promotion");
        assert_eq!(of("X9"), None, "a line no entry accounts for");
        assert_eq!(of("N3").unwrap().cashback.to_string(), "41.00");
    }

    #[test]
    fn a_reports_csv_has_one_line_per_item() {
        let report = json!({ "items": [
            { "kind": "matched", "provider": "bkash", "payment_id": "pay_1", "confidence": 1.0,
              "evidence": { "statement_line": 2, "wallet": "01XX8575", "recovered": false } },
        ] });
        let csv = csv(&report);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with("matched,bkash,,pay_1,"), "{csv}");
        assert!(lines[1].ends_with(",01XX8575,false,,"), "{csv}");
        let with_cashback = json!({ "items": [
            { "kind": "matched", "provider": "nagad", "payment_id": "pay_2", "cashback": "45.00",
              "promotion_kind": "cashback", "evidence": { "recovered": false } },
        ] });
        let csv = super::csv(&with_cashback);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].ends_with(",wallet,recovered,cashback,promotion_kind"), "{csv}");
        assert!(lines[1].ends_with(",false,45.00,cashback"), "{csv}");
    }
}
