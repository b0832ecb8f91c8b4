//! Bangladesh's business days: Friday and Saturday off, public and bank holidays off, a weekend
//! day opened by government order on, and the Ramadan dates, all from a table finance can edit
//! (`shared/data/bd-calendar.txt`, format in [`super::calendar_file`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::calendar_file;
use super::date::Date;

pub use super::calendar_file::CalendarError;

/// The table bundled into the build. A test parses it, so a mistake fails `cargo test`, never a
/// request.
pub const BUNDLED: &str = include_str!("../../data/bd-calendar.txt");

/// How far [`Calendar::next_business_day`] looks before giving up (no table has a year off).
const SEARCH_LIMIT_DAYS: i32 = 400;

/// Holidays, opened weekend days and Ramadan, as read from a table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    pub(super) holidays: BTreeMap<Date, String>,
    pub(super) holidays_bn: BTreeMap<Date, String>,
    pub(super) workdays: BTreeMap<Date, String>,
    /// Inclusive `(first, last)` day ranges.
    pub(super) ramadan: Vec<(Date, Date)>,
}

impl Calendar {
    /// Reads a table in the format of `bd-calendar.txt`.
    pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
        let t = calendar_file::parse(text)?;
        Ok(Calendar {
            holidays: t.holidays,
            holidays_bn: t.holidays_bn,
            workdays: t.workdays,
            ramadan: t.ramadan,
        })
    }

    /// The bundled table, parsed once. Should it ever fail to parse (the test
    /// `bundled_calendar_parses` forbids shipping that), this is weekends only.
    pub fn bundled() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| Calendar::parse(BUNDLED).unwrap_or_default())
    }

    /// Sunday to Thursday, not a holiday; or a Friday or Saturday the government opened.
    #[must_use]
    pub fn is_business_day(&self, d: Date) -> bool {
        if self.workdays.contains_key(&d) {
            return true;
        }
        !d.is_weekend() && !self.holidays.contains_key(&d)
    }

    /// The holiday's name, if `d` is one (whatever the weekday).
    #[must_use]
    pub fn holiday(&self, d: Date) -> Option<&str> {
        self.holidays.get(&d).map(String::as_str)
    }

    /// The holiday's name in Bangla (the English one where the table gives none).
    #[must_use]
    pub fn holiday_bn(&self, d: Date) -> Option<&str> {
        self.holidays_bn.get(&d).map(String::as_str)
    }

    /// Why a Friday or Saturday is a business day, if the government opened it.
    #[must_use]
    pub fn workday(&self, d: Date) -> Option<&str> {
        self.workdays.get(&d).map(String::as_str)
    }

    /// Whether `d` is a day of Ramadan as the table gives it.
    #[must_use]
    pub fn in_ramadan(&self, d: Date) -> bool {
        self.ramadan.iter().any(|&(first, last)| first <= d && d <= last)
    }

    /// The first business day after `d` (never `d` itself).
    #[must_use]
    pub fn next_business_day(&self, d: Date) -> Date {
        self.business_day_on_or_after(d.next())
    }

    /// `d` if it is a business day, else the first one after it. Gives up after
    /// 400 days and answers the last day looked at.
    #[must_use]
    pub fn business_day_on_or_after(&self, d: Date) -> Date {
        let mut day = d;
        for _ in 0..SEARCH_LIMIT_DAYS {
            if self.is_business_day(day) {
                return day;
            }
            day = day.next();
        }
        day
    }

    /// The first and last year the table names any day of: outside them, holidays are unknown
    /// and only weekends count.
    #[must_use]
    pub fn years(&self) -> Option<(i32, i32)> {
        let firsts = self.holidays.keys().chain(self.workdays.keys()).copied();
        let all = firsts.chain(self.ramadan.iter().flat_map(|&(a, b)| [a, b]));
        all.fold(None, |acc, d| {
            let y = d.year();
            Some(acc.map_or((y, y), |(lo, hi): (i32, i32)| (lo.min(y), hi.max(y))))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn bundled_calendar_parses() {
        let cal = Calendar::parse(BUNDLED).unwrap();
        assert_eq!(&cal, Calendar::bundled());
        assert_eq!(cal.years(), Some((2025, 2027)));
    }

    #[test]
    fn bundled_calendar_has_each_year_s_fixed_days_and_a_ramadan() {
        let cal = Calendar::bundled();
        for year in [2025, 2026, 2027] {
            for (md, name) in [
                ("02-21", "Shaheed"),
                ("03-26", "Independence"),
                ("04-14", "Pohela Boishakh"),
                ("05-01", "May Day"),
                ("07-01", "bank holiday"),
                ("12-16", "Victory"),
                ("12-25", "Christmas"),
                ("12-31", "bank holiday"),
            ] {
                let d = date(&format!("{year}-{md}"));
                let got = cal.holiday(d).unwrap_or_else(|| panic!("{d} is not a holiday"));
                assert!(got.contains(name), "{d}: {got}");
                assert!(!cal.is_business_day(d), "{d}");
            }
            let ramadan_days = (0..366)
                .map(|i| date(&format!("{year}-01-01")).add_days(i))
                .filter(|d| cal.in_ramadan(*d))
                .count();
            assert!((29..=30).contains(&ramadan_days), "{year}: {ramadan_days}");
        }
    }

    #[test]
    fn weekends_holidays_and_opened_saturdays() {
        let cal = Calendar::bundled();
        assert!(cal.is_business_day(date("2026-12-06"))); // Sunday
        assert!(!cal.is_business_day(date("2026-12-04"))); // Friday
        assert!(!cal.is_business_day(date("2026-12-05"))); // Saturday
        assert!(!cal.is_business_day(date("2026-03-26"))); // Thursday, Independence Day
                                                           // Saturday 17 May 2025: banks opened ahead of the ten-day Eid-ul-Azha holiday.
        assert!(cal.is_business_day(date("2025-05-17")));
        assert!(cal.workday(date("2025-05-17")).is_some());
        assert_eq!(cal.holiday(date("2026-12-06")), None);
    }

    #[test]
    fn next_business_day_skips_weekends_and_holidays() {
        let cal = Calendar::bundled();
        assert_eq!(cal.next_business_day(date("2026-12-03")), date("2026-12-06")); // Thu → Sun
                                                                                   // Eid-ul-Fitr 2026 (19–23 March) and the weekend: Wednesday the 18th → Tuesday the 24th.
        assert_eq!(cal.next_business_day(date("2026-03-18")), date("2026-03-24"));
        assert_eq!(cal.business_day_on_or_after(date("2026-12-06")), date("2026-12-06"));
        // 31 December is a bank holiday; 1 January 2027 a Friday, the 2nd a Saturday.
        assert_eq!(cal.next_business_day(date("2026-12-30")), date("2027-01-03"));
    }

    #[test]
    fn an_empty_calendar_knows_only_weekends() {
        let cal = Calendar::default();
        assert_eq!(cal.years(), None);
        assert!(cal.is_business_day(date("2026-03-26")));
        assert_eq!(cal.next_business_day(date("2026-12-03")), date("2026-12-06"));
        assert_eq!(cal.next_business_day(Date::MAX), Date::MAX);
    }
}
