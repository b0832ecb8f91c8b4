//! Statement headers: which column holds what, in each provider's layout.
//!
//! The header's names decide; their order does not. `wallet` may be absent; every other
//! column of the provider's layout must be there once, and nothing else may.

use csv::StringRecord;

use crate::provider::Provider;

/// What a column holds, whatever the provider calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Col {
    Type,
    TrxId,
    /// bKash `payment_id`, Nagad `payment_ref_id`.
    Reference,
    /// bKash `invoice`, Nagad `order_id`.
    Invoice,
    Amount,
    Fee,
    Net,
    SettlementDate,
    /// bKash `completed_time`, Nagad `time`.
    Time,
    /// bKash only.
    OriginalTrxId,
    /// Nagad only: the payment's issuer reference (its trx id).
    IssuerRef,
    /// Nagad only: a refund's `referenceNo` (from our refund id).
    MerchantReference,
    /// Optional in both: `01XX4567`.
    Wallet,
}

const COLS: usize = 13;

const BKASH: [(&str, Col); 11] = [
    ("type", Col::Type),
    ("trx_id", Col::TrxId),
    ("payment_id", Col::Reference),
    ("invoice", Col::Invoice),
    ("amount", Col::Amount),
    ("fee", Col::Fee),
    ("net", Col::Net),
    ("settlement_date", Col::SettlementDate),
    ("completed_time", Col::Time),
    ("original_trx_id", Col::OriginalTrxId),
    ("wallet", Col::Wallet),
];

const NAGAD: [(&str, Col); 12] = [
    ("type", Col::Type),
    ("trx_id", Col::TrxId),
    ("payment_ref_id", Col::Reference),
    ("order_id", Col::Invoice),
    ("issuer_payment_ref", Col::IssuerRef),
    ("merchant_reference", Col::MerchantReference),
    ("amount", Col::Amount),
    ("fee", Col::Fee),
    ("net", Col::Net),
    ("time", Col::Time),
    ("settlement_date", Col::SettlementDate),
    ("wallet", Col::Wallet),
];

fn columns(provider: Provider) -> &'static [(&'static str, Col)] {
    match provider {
        Provider::Bkash => &BKASH,
        Provider::Nagad => &NAGAD,
    }
}

fn brand(provider: Provider) -> &'static str {
    provider.display_name(crate::locale::Lang::En)
}

/// Where each column sits in a provider's records.
#[derive(Debug)]
pub(super) struct Layout {
    pub provider: Provider,
    at: [Option<usize>; COLS],
    /// Fields in every record.
    pub width: usize,
}

impl Layout {
    /// Reads a header record; the error is the message for line 1.
    pub fn from_header(provider: Provider, header: &StringRecord) -> Result<Layout, String> {
        let names: Vec<&str> = header.iter().map(str::trim).collect();
        if let Ok(other) = Layout::exact(provider.other(), &names) {
            return Err(format!(
                "unknown column layout: this is a {} statement header, expected {}",
                brand(other.provider),
                brand(provider)
            ));
        }
        Layout::exact(provider, &names)
    }

    fn exact(provider: Provider, names: &[&str]) -> Result<Layout, String> {
        let table = columns(provider);
        let mut at = [None; COLS];
        for (position, name) in names.iter().enumerate() {
            let Some(&(_, col)) = table.iter().find(|(n, _)| n == name) else {
                return Err(format!(
                    "unknown column layout: column \"{}\" is not in a {} statement",
                    super::fields::shown(name),
                    brand(provider)
                ));
            };
            match at.get_mut(col as usize) {
                Some(Some(_)) => return Err(format!("unknown column layout: column \"{name}\" appears twice")),
                Some(slot) => *slot = Some(position),
                None => {}
            }
        }
        let missing = table
            .iter()
            .find(|(_, col)| *col != Col::Wallet && at.get(*col as usize) == Some(&None));
        if let Some((name, _)) = missing {
            return Err(format!("unknown column layout: missing column \"{name}\""));
        }
        Ok(Layout {
            provider,
            at,
            width: names.len(),
        })
    }

    /// The column's field in `record`, trimmed; `""` where the layout has no such column.
    pub fn get<'r>(&self, record: &'r StringRecord, col: Col) -> &'r str {
        self.at
            .get(col as usize)
            .copied()
            .flatten()
            .and_then(|i| record.get(i))
            .map_or("", str::trim)
    }

    /// The provider's name for a column, for messages.
    pub fn name(&self, col: Col) -> &'static str {
        columns(self.provider)
            .iter()
            .find(|(_, c)| *c == col)
            .map_or("?", |(n, _)| n)
    }
}
