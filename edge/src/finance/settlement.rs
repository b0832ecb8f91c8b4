//! When each provider credits a merchant's settleable money, day by day (`shared::settlement`
//! does the arithmetic; this reads the matched lines and the merchant's Nagad choice). A
//! settlement day is the provider's window ending at its cut-off on that Dhaka day; bKash's
//! minimum withdrawal carries money over, so a day is computed after the fortnight before it.

use std::collections::BTreeMap;

use bdpay_shared::money::signed_text;
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

pub fn view(s: &Settlement) -> Value {
    json!({
        "gross": signed_text(s.gross),
        "fees": signed_text(s.fees),
        "refunds": signed_text(s.refunds),
        "net": signed_text(s.net),
        "credited": signed_text(s.credited),
        "expected_credit_at": s.expected_credit_at_ms.map(iso),
        "carried_over": signed_text(s.carried_over),
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
