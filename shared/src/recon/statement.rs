//! Provider statements: a bKash or Nagad statement CSV read into [`StatementLine`]s.
//!
//! The layouts are what the provider sandbox exports (`tests/sandbox/src/{bkash,nagad}/statement.rs`),
//! plus an optional `wallet` column; docs/reconciliation.md lists every column. Amounts go
//! through the money grammar into poisha (never a float); refunds, negative in the file, come
//! out positive with kind `refund`. Every refusal names its line (the header is line 1), the
//! column and the value.

mod fields;
mod layout;
#[cfg(test)]
mod tests;

use core::fmt;

use csv::StringRecord;
use serde::{Deserialize, Serialize};

use self::fields::{optional, shown, signed_poisha};
use self::layout::{Col, Layout};
use super::EntryKind;
use crate::provider::Provider;

/// More statement lines than this (a day of a very busy merchant, many times over) is refused.
pub const MAX_LINES: usize = 2_000_000;

/// One transaction as the provider's statement shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    /// The line number in the file (the header is line 1).
    pub line: usize,
    pub kind: EntryKind,
    /// bKash `trx_id`; Nagad `trx_id` (a payment's issuer reference, a refund's cancel trx id).
    pub trx_id: Option<String>,
    /// The provider's payment reference: bKash `payment_id`, Nagad `payment_ref_id`.
    pub reference: Option<String>,
    /// Our reference at the provider: bKash `invoice`, Nagad `order_id`.
    pub invoice: Option<String>,
    /// Refunds: the payment's trx id (bKash `original_trx_id`, Nagad `issuer_payment_ref`).
    pub original_trx_id: Option<String>,
    /// Poisha, above zero.
    pub amount: i64,
    /// Poisha, zero or more.
    pub fee: i64,
    /// Unix milliseconds (the file's times are Dhaka wall-clock times).
    pub at_ms: i64,
    /// The last four digits of the customer's wallet (`wallet`, `01XX4567`).
    pub wallet_last4: Option<String>,
}

/// Why a statement was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementError {
    /// 1-based; the header is line 1.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for StatementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for StatementError {}

/// Reads a statement of `provider`'s layout (LF or CRLF; blank lines are skipped).
pub fn parse(provider: Provider, text: &str) -> Result<Vec<StatementLine>, StatementError> {
    parse_at_most(provider, text, MAX_LINES)
}

fn parse_at_most(provider: Provider, text: &str, max_lines: usize) -> Result<Vec<StatementLine>, StatementError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = StringRecord::new();
    let mut layout: Option<Layout> = None;
    let newlines = text.bytes().filter(|&b| b == b'\n').count();
    let mut lines = Vec::with_capacity(newlines.min(max_lines));
    let mut numbers = LineNumbers {
        text: text.as_bytes(),
        counted_to: 0,
        line: 1,
    };
    let mut at = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(at, |p| numbers.of(p));
                return Err(fail(line, format!("not readable as CSV ({e})")));
            }
        }
        at = record.position().map_or(at, |p| numbers.of(p));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let Some(layout) = &layout else {
            layout = Some(Layout::from_header(provider, &record).map_err(|m| fail(at, m))?);
            continue;
        };
        if lines.len() >= max_lines {
            return Err(fail(at, format!("the statement has more than {max_lines} lines")));
        }
        lines.push(line(layout, &record, at).map_err(|m| fail(at, m))?);
    }
    if layout.is_none() {
        return Err(fail(1, "the statement is empty: no header line".to_owned()));
    }
    Ok(lines)
}

/// Line numbers from csv's byte positions. csv's own `Position::line` miscounts CRLF and
/// blank lines, and its byte offset may stop short of a record, before the line ends it
/// skipped: the record starts after those.
struct LineNumbers<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl LineNumbers<'_> {
    /// The line of the record csv says starts at `p`; records come in order.
    fn of(&mut self, p: &csv::Position) -> usize {
        let offset = usize::try_from(p.byte()).unwrap_or(usize::MAX);
        let rest = self.text.get(offset..).unwrap_or_default();
        let start = offset.saturating_add(rest.iter().take_while(|&&b| b == b'\r' || b == b'\n').count());
        let newly = self.text.get(self.counted_to..start).unwrap_or_default();
        self.line += newly.iter().filter(|&&b| b == b'\n').count();
        self.counted_to = self.counted_to.max(start);
        self.line
    }
}

fn fail(line: usize, message: String) -> StatementError {
    StatementError { line, message }
}

/// One record after the header.
fn line(layout: &Layout, record: &StringRecord, at: usize) -> Result<StatementLine, String> {
    if record.len() != layout.width {
        return Err(format!(
            "expected {} fields as in the header, found {}",
            layout.width,
            record.len()
        ));
    }
    let get = |col| layout.get(record, col);
    let kind = match get(Col::Type) {
        "payment" => EntryKind::Payment,
        "refund" => EntryKind::Refund,
        other => return Err(format!("type \"{}\" is not payment or refund", shown(other))),
    };
    let signed = signed_poisha("amount", get(Col::Amount))?;
    let fee = signed_poisha("fee", get(Col::Fee))?;
    let net = signed_poisha("net", get(Col::Net))?;
    if signed == 0 {
        return Err(format!("amount \"{}\" must not be zero", get(Col::Amount)));
    }
    if signed < 0 && kind == EntryKind::Payment {
        return Err(format!("amount \"{}\" is negative on a payment", get(Col::Amount)));
    }
    if fee < 0 {
        return Err(format!("fee \"{}\" is negative", get(Col::Fee)));
    }
    if net != signed - fee {
        return Err(format!(
            "net \"{}\" is not amount minus fee ({})",
            get(Col::Net),
            fields::taka(signed - fee)
        ));
    }
    fields::date(layout.name(Col::SettlementDate), get(Col::SettlementDate))?;
    let example = match layout.provider {
        Provider::Bkash => "2024-11-25T14:07:02:118 GMT+0600",
        Provider::Nagad => "2024-11-25 14:07:02",
    };
    let at_ms = fields::time_ms(layout.name(Col::Time), get(Col::Time), example)?;
    let wallet_last4 = fields::wallet_last4(layout.name(Col::Wallet), get(Col::Wallet))?;
    let issuer = optional(get(Col::IssuerRef));
    let (trx_id, original_trx_id) = match (layout.provider, kind) {
        (Provider::Bkash, _) => (optional(get(Col::TrxId)), optional(get(Col::OriginalTrxId))),
        // A Nagad payment's trx_id is its issuer reference: either column will do.
        (Provider::Nagad, EntryKind::Payment) => (optional(get(Col::TrxId)).or(issuer), None),
        (Provider::Nagad, EntryKind::Refund) => (optional(get(Col::TrxId)), issuer),
    };
    Ok(StatementLine {
        line: at,
        kind,
        trx_id,
        reference: optional(get(Col::Reference)),
        invoice: optional(get(Col::Invoice)),
        original_trx_id,
        amount: signed.abs(),
        fee,
        at_ms,
        wallet_last4,
    })
}
