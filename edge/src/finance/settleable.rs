//! Settleable money in the ledger (`settleable`): the statement lines a day's reconciliation
//! matched, each with its payment. Replaced with every run of the day; read by the
//! settlement calendar and the bulk-credit file, which pay out nothing else. Read back with
//! what the payment's checkout recorded (`payment_checkout`): its cashback and tax line, on
//! its payment line only, once per payment.

use bdpay_shared::provider::Provider;
use bdpay_shared::recon::{EntryKind, ItemKind, LedgerEntry, Outcome, StatementLine};
use serde::Deserialize;
use worker::D1Database;

use super::day::Day;
use crate::ledger::int;
use crate::providers::Mode;

/// Rows per D1 batch.
const CHUNK: usize = 40;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Row {
    /// The statement's line number (not read back).
    #[serde(default)]
    pub line: i64,
    pub provider: String,
    pub kind: String,
    pub payment_id: String,
    pub amount_poisha: i64,
    pub fee_poisha: i64,
    pub at: i64,
    /// `metadata.payee` of the payment, when it names one.
    #[serde(default)]
    pub payee: Option<String>,
    /// The payment's cashback (at this line's wallet), VAT and withholding: on the payment's
    /// first line only ([`once_per_payment`]); zero on refunds and on a duplicate's line.
    #[serde(default)]
    pub cashback_poisha: i64,
    #[serde(default)]
    pub vat_poisha: i64,
    #[serde(default)]
    pub withholding_poisha: i64,
}

/// The matched lines of one provider's outcome, as rows to keep.
pub fn of_outcome(provider: Provider, entries: &[LedgerEntry], lines: &[StatementLine], o: &Outcome) -> Vec<Row> {
    o.items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Matched | ItemKind::FuzzyMatched))
        .filter_map(|i| {
            let e = entries.get(i.ledger?)?;
            let l = lines.get(i.line?)?;
            Some(Row {
                provider: provider.as_str().to_owned(),
                kind: match l.kind {
                    EntryKind::Payment => "payment".to_owned(),
                    EntryKind::Refund => "refund".to_owned(),
                },
                payment_id: e.payment_id.clone(),
                amount_poisha: l.amount,
                fee_poisha: l.fee,
                at: l.at_ms,
                line: i64::try_from(l.line).unwrap_or(i64::MAX),
                ..Row::default()
            })
        })
        .collect()
}

/// Replaces the day's rows for the provider.
pub async fn replace(
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    day: &Day,
    provider: Provider,
    rows: &[Row],
) -> worker::Result<()> {
    db.prepare("DELETE FROM settleable WHERE merchant_id = ?1 AND mode = ?2 AND day = ?3 AND provider = ?4")
        .bind(&[
            merchant_id.into(),
            mode.as_str().into(),
            day.text.as_str().into(),
            provider.as_str().into(),
        ])?
        .run()
        .await?;
    for chunk in rows.chunks(CHUNK) {
        let mut statements = Vec::with_capacity(chunk.len());
        for r in chunk {
            statements.push(
                db.prepare(
                    "INSERT OR REPLACE INTO settleable (merchant_id, mode, day, provider, line, kind, payment_id, \
                     amount_poisha, fee_poisha, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .bind(&[
                    merchant_id.into(),
                    mode.as_str().into(),
                    day.text.as_str().into(),
                    provider.as_str().into(),
                    int(r.line),
                    r.kind.as_str().into(),
                    r.payment_id.as_str().into(),
                    int(r.amount_poisha),
                    int(r.fee_poisha),
                    int(r.at),
                ])?,
            );
        }
        db.batch(statements).await?;
    }
    Ok(())
}

/// Every row of the statement days `from` ..= `to`, with the payee each payment names and
/// its checkout's cashback and tax line (once per payment).
pub async fn load(db: &D1Database, merchant_id: &str, mode: Mode, from: &Day, to: &Day) -> worker::Result<Vec<Row>> {
    let mut rows: Vec<Row> = db
        .prepare(
            "SELECT s.provider, s.kind, s.payment_id, s.amount_poisha, s.fee_poisha, s.at, \
         json_extract(p.metadata, '$.payee') AS payee, \
         CASE WHEN s.kind = 'payment' AND c.promotion_provider = s.provider THEN c.cashback_poisha ELSE 0 END AS cashback_poisha, \
         CASE WHEN s.kind = 'payment' THEN COALESCE(c.vat_poisha, 0) ELSE 0 END AS vat_poisha, \
         CASE WHEN s.kind = 'payment' THEN COALESCE(c.withholding_poisha, 0) ELSE 0 END AS withholding_poisha \
         FROM settleable s LEFT JOIN payments p ON p.id = s.payment_id \
         LEFT JOIN payment_checkout c ON c.payment_id = s.payment_id \
         WHERE s.merchant_id = ?1 AND s.mode = ?2 AND s.day >= ?3 AND s.day <= ?4 ORDER BY s.day, s.provider, s.line",
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
    once_per_payment(&mut rows);
    Ok(rows)
}

/// A payment's cashback and tax line stay on its earliest payment line (by the provider's
/// time, then as loaded) and are cleared on any later one: a duplicate the provider took
/// too is money to give back, not a second sale, and its wallet made no second offer.
pub fn once_per_payment(rows: &mut [Row]) {
    let mut first: std::collections::HashMap<&str, (i64, usize)> = std::collections::HashMap::new();
    for (i, r) in rows.iter().enumerate().filter(|(_, r)| r.kind == "payment") {
        let e = first.entry(r.payment_id.as_str()).or_insert((r.at, i));
        if r.at < e.0 {
            *e = (r.at, i);
        }
    }
    let keep: std::collections::HashSet<usize> = first.into_values().map(|(_, i)| i).collect();
    for (i, r) in rows.iter_mut().enumerate() {
        if r.kind != "payment" || !keep.contains(&i) {
            r.cashback_poisha = 0;
            r.vat_poisha = 0;
            r.withholding_poisha = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, payment: &str, at: i64) -> Row {
        Row {
            provider: "nagad".into(),
            kind: kind.into(),
            payment_id: payment.into(),
            at,
            cashback_poisha: 4_500,
            vat_poisha: 117_391,
            withholding_poisha: 1_000,
            ..Row::default()
        }
    }

    #[test]
    fn a_payments_cashback_and_tax_count_once_on_its_first_line() {
        let mut rows = vec![
            row("payment", "pay_dup", 2_000),
            row("payment", "pay_one", 1_500),
            row("payment", "pay_dup", 1_000),
            row("refund", "pay_one", 3_000),
        ];
        once_per_payment(&mut rows);
        let figures: Vec<(i64, i64, i64)> = rows
            .iter()
            .map(|r| (r.cashback_poisha, r.vat_poisha, r.withholding_poisha))
            .collect();
        assert_eq!(
            figures,
            vec![(0, 0, 0), (4_500, 117_391, 1_000), (4_500, 117_391, 1_000), (0, 0, 0)]
        );
    }
}
