//! A Dhaka calendar day as the finance routes name it (`YYYY-MM-DD`), and its window in unix
//! milliseconds: [00:00, 24:00) Asia/Dhaka. Reconciliation and statements are per such day.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::settlement::{Date, TimeOfDay};

use crate::error::EdgeError;

pub const DAY_MS: i64 = 86_400_000;
/// The years a finance day may name: money moved in no other.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// A Dhaka date (`shared::settlement::Date`), its text and where its window starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    pub date: Date,
    pub text: String,
    pub start_ms: i64,
}

impl Day {
    fn of(date: Date) -> Day {
        Day {
            date,
            text: date.to_string(),
            start_ms: date.at(TimeOfDay::MIDNIGHT),
        }
    }

    /// `YYYY-MM-DD` that is a real date; anything else is 400 naming the path's date.
    pub fn parse(s: &str) -> Result<Day, EdgeError> {
        match Date::parse(s).ok().filter(|d| YEARS.contains(&d.year())) {
            Some(date) => Ok(Day::of(date)),
            None => Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                format!(
                    "date: `{}` is not a date; use YYYY-MM-DD (a Dhaka day, years 2000 to 2099)",
                    truncate(s)
                ),
            )),
        }
    }

    /// The Dhaka day that holds `ms`.
    pub fn of_ms(ms: i64) -> Day {
        Day::of(Date::from_unix_ms(ms))
    }

    pub fn end_ms(&self) -> i64 {
        self.start_ms + DAY_MS
    }

    /// The day `n` days later (earlier for negative `n`).
    pub fn plus(&self, n: i64) -> Day {
        Day::of(self.date.add_days(i32::try_from(n).unwrap_or(0)))
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(24).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_its_dhaka_window() {
        let d = Day::parse("2026-12-05").unwrap();
        // 2026-12-05 00:00 Dhaka is 2026-12-04 18:00 UTC.
        assert_eq!(d.start_ms, 1_796_407_200_000);
        assert_eq!(d.end_ms() - d.start_ms, DAY_MS);
        assert_eq!(Day::of_ms(d.start_ms + 1).text, "2026-12-05");
        assert_eq!(d.plus(1).text, "2026-12-06");
        assert_eq!(d.plus(-5).text, "2026-11-30");
    }

    #[test]
    fn only_real_dates_are_days() {
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-12-05",
            "2026/12/05",
            "2026-12-5",
            "",
            "2026-12-05x",
            "9999-12-31",
            "0000-01-01",
        ] {
            assert!(Day::parse(bad).is_err(), "{bad}");
        }
    }
}
