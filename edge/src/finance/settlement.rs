//! When each provider credits a merchant's settleable money, day by day (`shared::settlement`
//! does the arithmetic; this reads the matched lines and the merchant's Nagad choice). A
//! settlement day is the provider's window ending at its cut-off on that Dhaka day; bKash's
//! minimum withdrawal carries money over, so a day is computed after the fortnight before it.
//! Beside the money, each day shows what its payments carried: the wallets' cashback to the
//! shoppers and the tax line (VAT, withholding), shown and never deducted from `net`.

use std::collections::BTreeMap;

use bdpay_shared::money::{signed_text, Money};
use bdpay_shared::provider::Provider;
use bdpay_shared::settlement::{self, Calendar, Date, DayTotals, NagadSpeed, Settlement};
use serde_json::{json, Value};
use worker::D1Database;

use super::day::Day;
use super::settleable::{self, Row};
use crate::payment::view::iso;
use crate::providers::Mode;

/// How far back carried-over money is followed (bKash's minimum is usually met within days).
pub const CARRY_LOOKBACK_DAYS: i32 = 14;

pub const PROVIDERS: [Provider; 2] = [Provider::Bkash, Provider::Nagad];

/// Every provider's settlement for each day `first ..= last`, with the rows each one covers.
pub struct Series {
    pub days: BTreeMap<(Date, Provider), (Settlement, Vec<Row>)>,
}

/// Loads the matched lines and settles `first ..= last` (the lookback before `first` only
/// feeds carry-over).
pub async fn series(
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    first: &Day,
    last: &Day,
    speed: NagadSpeed,
) -> worker::Result<Series> {
    let cal = Calendar::bundled();
    let (start, end) = (first.date.add_days(-CARRY_LOOKBACK_DAYS), last.date);
    // A line belongs to its provider's settlement day, at most one day after its statement day.
    let from = first.plus(-i64::from(CARRY_LOOKBACK_DAYS) - 1);
    let rows = settleable::load(db, merchant_id, mode, &from, last).await?;
    let mut by_day: BTreeMap<(Date, Provider), Vec<Row>> = BTreeMap::new();
    for r in rows {
        let Ok(p) = r.provider.parse::<Provider>() else {
            continue;
        };
        let d = cal.settlement_day(p, r.at);
        if d >= start && d <= end {
            by_day.entry((d, p)).or_default().push(r);
        }
    }
    let mut days = BTreeMap::new();
    for p in PROVIDERS {
        let mut carried = 0;
        // Counted, not `while d <= end`: the last date's `next()` is itself.
        for n in 0..=start.days_until(end).max(0) {
            let d = start.add_days(n);
            let rows = by_day.remove(&(d, p)).unwrap_or_default();
            let s = settlement::settle(cal, p, d, totals(&rows), carried, speed);
            carried = s.carried_over;
            if d >= first.date {
                days.insert((d, p), (s, rows));
            }
        }
    }
    Ok(Series { days })
}

/// The day's gross, fees and refunds from its matched lines.
pub fn totals(rows: &[Row]) -> DayTotals {
    let mut t = DayTotals::default();
    for r in rows {
        if r.kind == "refund" {
            t.refunds += r.amount_poisha;
        } else {
            t.gross += r.amount_poisha;
            t.fees += r.fee_poisha;
        }
    }
    t
}

/// What a day's payments carried beside their money, in poisha: the cashback their wallets'
/// promotions give the shoppers back, and their tax line. Each payment counts once
/// (`settleable::once_per_payment`); refunds carry none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Beside {
    pub cashback: i64,
    pub vat: i64,
    pub withholding: i64,
}

impl Beside {
    pub fn of(rows: &[Row]) -> Beside {
        rows.iter().fold(Beside::default(), |b, r| Beside {
            cashback: b.cashback.saturating_add(r.cashback_poisha),
            vat: b.vat.saturating_add(r.vat_poisha),
            withholding: b.withholding.saturating_add(r.withholding_poisha),
        })
    }
}

/// A sum the ledger holds as zero or more, as money (`"45.00"`).
fn money(poisha: i64) -> Value {
    match Money::from_poisha(poisha) {
        Ok(m) => json!(m),
        // Not a Money (below zero, past the ceiling): the contract's signed form all the same.
        Err(_) => json!(signed_text(poisha)),
    }
}

/// One provider's day: its money, when it is credited, and what its payments carried.
pub fn view(s: &Settlement, rows: &[Row]) -> Value {
    let b = Beside::of(rows);
    json!({
        "gross": signed_text(s.gross),
        "fees": signed_text(s.fees),
        "refunds": signed_text(s.refunds),
        "net": signed_text(s.net),
        "credited": signed_text(s.credited),
        "expected_credit_at": s.expected_credit_at_ms.map(iso),
        "carried_over": signed_text(s.carried_over),
        "cashback": money(b.cashback),
        "vat": money(b.vat),
        "withholding": money(b.withholding),
    })
}

/// Both providers' days added up (no credit time: each provider credits at its own).
pub fn total<'a>(days: impl IntoIterator<Item = (&'a Settlement, &'a [Row])>) -> Value {
    let mut t = [0i64; 6];
    let mut b = Beside::default();
    for (s, rows) in days {
        for (sum, v) in t
            .iter_mut()
            .zip([s.gross, s.fees, s.refunds, s.net, s.credited, s.carried_over])
        {
            *sum = sum.saturating_add(v);
        }
        let own = Beside::of(rows);
        b = Beside {
            cashback: b.cashback.saturating_add(own.cashback),
            vat: b.vat.saturating_add(own.vat),
            withholding: b.withholding.saturating_add(own.withholding),
        };
    }
    let [gross, fees, refunds, net, credited, carried_over] = t;
    json!({
        "gross": signed_text(gross),
        "fees": signed_text(fees),
        "refunds": signed_text(refunds),
        "net": signed_text(net),
        "credited": signed_text(credited),
        "carried_over": signed_text(carried_over),
        "cashback": money(b.cashback),
        "vat": money(b.vat),
        "withholding": money(b.withholding),
    })
}

/// The calendar from `from` for `n` days, with the credits expected on each (from the
/// settlements of the week before it and of the days themselves).
pub fn calendar(from: Date, n: u32, s: &Series) -> Value {
    let cal = Calendar::bundled();
    let mut credits: BTreeMap<Date, Vec<Value>> = BTreeMap::new();
    for ((d, p), (set, _)) in &s.days {
        if let Some(at) = set.expected_credit_at_ms.filter(|_| set.credited > 0) {
            credits.entry(Date::from_unix_ms(at)).or_default().push(json!({
                "provider": p.as_str(), "for_date": d.to_string(), "amount": signed_text(set.credited),
                "expected_credit_at": iso(at),
            }));
        }
    }
    let days: Vec<Value> = settlement::days(cal, from, n)
        .into_iter()
        .map(|info| {
            json!({
                "date": info.date.to_string(), "business_day": info.business_day, "holiday": info.holiday,
                "holiday_bn": info.holiday_bn,
                "ramadan": info.ramadan, "credits": credits.remove(&info.date).unwrap_or_default(),
            })
        })
        .collect();
    json!({ "object": "settlement_calendar", "from": from.to_string(), "days": days })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(provider: &str, kind: &str, amount: i64, cashback: i64, vat: i64, withholding: i64) -> Row {
        Row {
            provider: provider.into(),
            kind: kind.into(),
            payment_id: format!("pay_{amount}"),
            amount_poisha: amount,
            cashback_poisha: cashback,
            vat_poisha: vat,
            withholding_poisha: withholding,
            ..Row::default()
        }
    }

    #[test]
    fn a_day_shows_its_cashback_and_tax_beside_its_money_and_adds_them_up() {
        let cal = Calendar::bundled();
        let d = Date::parse("2026-12-03").unwrap();
        let nagad = vec![
            row("nagad", "payment", 900_000, 4_500, 117_391, 0),
            row("nagad", "payment", 50_000, 0, 6_522, 0),
            row("nagad", "refund", 10_000, 0, 0, 0),
        ];
        let bkash = vec![row("bkash", "payment", 115_000, 0, 15_000, 5_000)];
        let sn = settlement::settle(cal, Provider::Nagad, d, totals(&nagad), 0, NagadSpeed::Standard);
        let sb = settlement::settle(cal, Provider::Bkash, d, totals(&bkash), 0, NagadSpeed::Standard);
        // bKash below its minimum: nothing credited, so no credit time (and no clock needed here).
        let v = view(&sb, &bkash);
        assert_eq!(
            (&v["cashback"], &v["vat"], &v["withholding"]),
            (&json!("0.00"), &json!("150.00"), &json!("50.00"))
        );
        assert_eq!(v["net"], "1150.00", "cashback and tax are shown, not taken off: {v}");
        let t = total([(&sn, nagad.as_slice()), (&sb, bkash.as_slice())]);
        assert_eq!(t["cashback"], "45.00");
        assert_eq!(t["vat"], "1389.13");
        assert_eq!(t["withholding"], "50.00");
        assert_eq!(t["gross"], "10650.00");
        assert_eq!(t["refunds"], "100.00");
        assert_eq!(Beside::of(&[]), Beside::default());
    }
}
