//! A civil date on Dhaka's calendar (`2026-02-21`): the day a settlement, a holiday or a bank
//! credit belongs to. No clock: instants come in as unix milliseconds.

use core::fmt;
use core::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::time_of_day::TimeOfDay;
use crate::wire::time::{civil_from_days, days_from_civil, days_in_month, DHAKA_OFFSET_SECS};

const DAY_MS: i64 = 86_400_000;
const DHAKA_OFFSET_MS: i64 = DHAKA_OFFSET_SECS * 1000;

/// A day of Dhaka's calendar, 0001-01-01 to 9999-12-31. Holding one means it exists.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01 (negative before it).
    days: i32,
}

/// The day of the week. Bangladesh's weekend is Friday and Saturday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Sunday,
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
}

/// Why a string is not a [`Date`]. The messages do not repeat the input (they go into 400s).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateError {
    /// Not `YYYY-MM-DD` with ASCII digits.
    Format,
    /// A month other than 01 to 12.
    Month,
    /// A day the month does not have (`2026-02-30`).
    Day,
    /// Year 0000.
    Year,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateError::Format => "date must be written YYYY-MM-DD, for example 2026-02-21",
            DateError::Month => "date has a month outside 01 to 12",
            DateError::Day => "date has a day that month does not have",
            DateError::Year => "date has year 0000; years run from 0001",
        })
    }
}

impl std::error::Error for DateError {}

impl Date {
    /// 0001-01-01.
    pub const MIN: Date = Date { days: -719_162 };
    /// 9999-12-31.
    pub const MAX: Date = Date { days: 2_932_896 };

    /// The date of a year, month (1–12) and day (1–31), if it exists.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError::Year);
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::Month);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError::Day);
        }
        let days = i32::try_from(days_from_civil(year, month, day)).map_err(|_| DateError::Year)?;
        Ok(Date { days })
    }

    /// Reads exactly `YYYY-MM-DD` (ASCII digits, dashes, nothing around it).
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        let digits = |r: core::ops::Range<usize>| {
            b.get(r)
                .filter(|p| p.iter().all(u8::is_ascii_digit))
                .map(|p| p.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
        };
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(DateError::Format);
        }
        match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => Date::from_ymd(y as i32, m as u8, d as u8),
            _ => Err(DateError::Format),
        }
    }

    /// The Dhaka date at a unix instant in milliseconds (dates past the ends stay at the ends).
    #[must_use]
    pub fn from_unix_ms(ms: i64) -> Date {
        let days = ms.saturating_add(DHAKA_OFFSET_MS).div_euclid(DAY_MS);
        Date::clamped(days)
    }

    /// The unix instant in milliseconds of a Dhaka wall-clock time on this date (24:00 is the
    /// midnight that ends it).
    #[must_use]
    pub fn at(self, time: TimeOfDay) -> i64 {
        i64::from(self.days) * DAY_MS + i64::from(time.minutes()) * 60_000 - DHAKA_OFFSET_MS
    }

    /// `(year, month, day)`.
    #[must_use]
    pub fn ymd(self) -> (i32, u8, u8) {
        civil_from_days(i64::from(self.days))
    }

    #[must_use]
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    #[must_use]
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.days + 4).rem_euclid(7) {
            0 => Weekday::Sunday,
            1 => Weekday::Monday,
            2 => Weekday::Tuesday,
            3 => Weekday::Wednesday,
            4 => Weekday::Thursday,
            5 => Weekday::Friday,
            _ => Weekday::Saturday,
        }
    }

    /// Friday or Saturday, Bangladesh's weekly holidays.
    #[must_use]
    pub fn is_weekend(self) -> bool {
        matches!(self.weekday(), Weekday::Friday | Weekday::Saturday)
    }

    /// `n` days later (earlier when negative), stopping at [`Date::MIN`] and [`Date::MAX`].
    #[must_use]
    pub fn add_days(self, n: i32) -> Date {
        Date::clamped(i64::from(self.days) + i64::from(n))
    }

    /// The day after.
    #[must_use]
    pub fn next(self) -> Date {
        self.add_days(1)
    }

    /// The day before.
    #[must_use]
    pub fn prev(self) -> Date {
        self.add_days(-1)
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    #[must_use]
    pub fn days_until(self, later: Date) -> i32 {
        later.days - self.days
    }

    fn clamped(days: i64) -> Date {
        let days = days.clamp(i64::from(Date::MIN.days), i64::from(Date::MAX.days));
        Date {
            days: i32::try_from(days).unwrap_or(Date::MIN.days),
        }
    }
}

/// `2026-02-21`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// `Date(2026-02-21)`.
impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

/// On the wire a date is its `YYYY-MM-DD` string.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_and_formats_round_trip() {
        for s in [
            "2026-02-21",
            "2025-12-31",
            "2028-02-29",
            "0001-01-01",
            "9999-12-31",
            "1970-01-01",
        ] {
            assert_eq!(date(s).to_string(), s);
        }
        assert_eq!(Date::MIN, date("0001-01-01"));
        assert_eq!(Date::MAX, date("9999-12-31"));
        assert_eq!(format!("{:?}", date("2026-02-21")), "Date(2026-02-21)");
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        use DateError::*;
        for (s, want) in [
            ("", Format),
            ("2026-2-21", Format),
            ("2026/02/21", Format),
            (" 2026-02-21", Format),
            ("2026-02-21 ", Format),
            ("২০২৬-০২-২১", Format),
            ("+026-02-21", Format),
            ("2026-13-01", Month),
            ("2026-00-10", Month),
            ("2026-02-29", Day),
            ("2026-04-31", Day),
            ("2026-01-00", Day),
            ("0000-01-01", Year),
        ] {
            assert_eq!(Date::parse(s), Err(want), "{s:?}");
        }
    }

    #[test]
    fn weekdays_and_weekends() {
        assert_eq!(date("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(date("2026-02-21").weekday(), Weekday::Saturday);
        assert_eq!(date("2026-12-06").weekday(), Weekday::Sunday);
        assert!(date("2026-12-04").is_weekend()); // Friday
        assert!(date("2026-12-05").is_weekend()); // Saturday
        assert!(!date("2026-12-03").is_weekend()); // Thursday
        assert_eq!(date("0001-01-01").weekday(), Weekday::Monday);
    }

    #[test]
    fn adds_days_across_months_years_and_leap_days() {
        assert_eq!(date("2025-12-31").next(), date("2026-01-01"));
        assert_eq!(date("2026-01-01").prev(), date("2025-12-31"));
        assert_eq!(date("2028-02-28").next(), date("2028-02-29"));
        assert_eq!(date("2026-02-28").next(), date("2026-03-01"));
        assert_eq!(date("2026-03-01").add_days(-365), date("2025-03-01"));
        assert_eq!(date("2025-01-01").days_until(date("2026-01-01")), 365);
        assert_eq!(Date::MAX.next(), Date::MAX);
        assert_eq!(Date::MIN.add_days(i32::MIN), Date::MIN);
        assert_eq!(Date::MAX.add_days(i32::MAX), Date::MAX);
    }

    #[test]
    fn dhaka_days_start_at_18_00_utc() {
        // 2026-02-20T17:59:59.999Z is 23:59:59.999 in Dhaka; a millisecond later it is the 21st.
        let midnight = date("2026-02-21").at(TimeOfDay::MIDNIGHT);
        assert_eq!(midnight, 1_771_610_400_000);
        assert_eq!(Date::from_unix_ms(midnight), date("2026-02-21"));
        assert_eq!(Date::from_unix_ms(midnight - 1), date("2026-02-20"));
        assert_eq!(date("2026-02-20").at(TimeOfDay::END_OF_DAY), midnight);
        assert_eq!(Date::from_unix_ms(i64::MAX), Date::MAX);
        assert_eq!(Date::from_unix_ms(i64::MIN), Date::MIN);
    }

    #[test]
    fn serde_uses_the_string() {
        let d = date("2026-03-26");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-03-26\"");
        assert_eq!(serde_json::from_str::<Date>("\"2026-03-26\"").unwrap(), d);
        assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
        assert!(serde_json::from_str::<Date>("20260326").is_err());
    }
}
