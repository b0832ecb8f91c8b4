//! Settleable money in the ledger (`settleable`): the statement lines a day's reconciliation
//! matched, each with its payment. Replaced with every run of the day; read by the
//! settlement calendar and the bulk-credit file, which pay out nothing else.

use bdpay_shared::provider::Provider;
use bdpay_shared::recon::{EntryKind, ItemKind, LedgerEntry, Outcome, StatementLine};
use serde::Deserialize;
use worker::D1Database;

use super::day::Day;
use crate::ledger::int;
use crate::providers::Mode;

/// Rows per D1 batch.
const CHUNK: usize = 40;

#[derive(Clone, Debug, Deserialize)]
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
                payee: None,
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

/// Every row of the statement days `from` ..= `to`, with the payee each payment names.
pub async fn load(db: &D1Database, merchant_id: &str, mode: Mode, from: &Day, to: &Day) -> worker::Result<Vec<Row>> {
    db.prepare(
        "SELECT s.provider, s.kind, s.payment_id, s.amount_poisha, s.fee_poisha, s.at, \
         json_extract(p.metadata, '$.payee') AS payee \
         FROM settleable s LEFT JOIN payments p ON p.id = s.payment_id \
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
    .results()
}
