//! The calendar as a list of days for a screen: each date with whether it is a business day,
//! its holiday and whether it falls in Ramadan.

use serde::Serialize;

use super::calendar::Calendar;
use super::date::{Date, Weekday};

/// The most days one call lists (two years), so a request cannot ask for millions.
pub const MAX_LISTED_DAYS: u32 = 731;

/// One day of the calendar view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayInfo {
    pub date: Date,
    pub weekday: Weekday,
    pub business_day: bool,
    /// The holiday's name, also on a weekend.
    pub holiday: Option<String>,
    /// The same in Bangla.
    pub holiday_bn: Option<String>,
    /// Why a Friday or Saturday is open, when the government opened it.
    pub workday: Option<String>,
    pub ramadan: bool,
}

/// `n` days from `from` (at most [`MAX_LISTED_DAYS`]; fewer at 9999-12-31).
#[must_use]
pub fn days(cal: &Calendar, from: Date, n: u32) -> Vec<DayInfo> {
    let n = n.min(MAX_LISTED_DAYS);
    let mut out = Vec::with_capacity(n as usize);
    let mut d = from;
    for _ in 0..n {
        out.push(DayInfo {
            date: d,
            weekday: d.weekday(),
            business_day: cal.is_business_day(d),
            holiday: cal.holiday(d).map(str::to_owned),
            holiday_bn: cal.holiday_bn(d).map(str::to_owned),
            workday: cal.workday(d).map(str::to_owned),
            ramadan: cal.in_ramadan(d),
        });
        if d == Date::MAX {
            break;
        }
        d = d.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_a_week_around_eid_ul_fitr_2026() {
        let from = Date::parse("2026-03-17").unwrap();
        let week = days(Calendar::bundled(), from, 8);
        let summary: Vec<_> = week
            .iter()
            .map(|d| (d.date.to_string(), d.business_day, d.ramadan))
            .collect();
        assert_eq!(
            summary,
            [
                ("2026-03-17".to_owned(), false, true), // Shab-e-Qadr
                ("2026-03-18".to_owned(), true, true),
                ("2026-03-19".to_owned(), false, true), // Eid holidays begin
                ("2026-03-20".to_owned(), false, true),
                ("2026-03-21".to_owned(), false, false),
                ("2026-03-22".to_owned(), false, false),
                ("2026-03-23".to_owned(), false, false),
                ("2026-03-24".to_owned(), true, false),
            ]
        );
        assert_eq!(week[2].holiday.as_deref(), Some("Eid-ul-Fitr"));
        let json = serde_json::to_value(&week[2]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"date": "2026-03-19", "weekday": "thursday", "business_day": false,
                "holiday": "Eid-ul-Fitr", "holiday_bn": "ঈদুল ফিতর", "workday": null, "ramadan": true})
        );
    }

    #[test]
    fn caps_the_length_and_stops_at_the_last_date() {
        let from = Date::parse("2026-01-01").unwrap();
        assert_eq!(
            days(Calendar::bundled(), from, u32::MAX).len(),
            MAX_LISTED_DAYS as usize
        );
        assert_eq!(days(Calendar::bundled(), from, 0).len(), 0);
        assert_eq!(days(Calendar::bundled(), Date::MAX.prev(), 10).len(), 2);
    }
}
