//! A Dhaka calendar day as the finance routes name it (`YYYY-MM-DD`), and its window in unix
//! milliseconds: [00:00, 24:00) Asia/Dhaka. Reconciliation and statements are per such day.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::wire::time::DhakaTime;

use crate::error::EdgeError;

pub const DAY_MS: i64 = 86_400_000;
/// The years a finance day may name: money moved in no other.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    pub text: String,
    pub start_ms: i64,
}

impl Day {
    /// `YYYY-MM-DD` that is a real date; anything else is 400 naming the path's date.
    pub fn parse(s: &str) -> Result<Day, EdgeError> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-')
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
            && s.get(..4)
                .and_then(|y| y.parse::<i32>().ok())
                .is_some_and(|y| YEARS.contains(&y));
        let start = shaped
            .then(|| DhakaTime::parse(&format!("{s} 00:00:00")))
            .flatten()
            .map(DhakaTime::to_unix_millis)
            .filter(|ms| DhakaTime::from_unix_millis(*ms).ymd_dashed() == s);
        match start {
            Some(start_ms) => Ok(Day {
                text: s.to_owned(),
                start_ms,
            }),
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
        let text = DhakaTime::from_unix_millis(ms).ymd_dashed();
        let start_ms = DhakaTime::parse(&format!("{text} 00:00:00")).map_or(ms, DhakaTime::to_unix_millis);
        Day { text, start_ms }
    }

    pub fn end_ms(&self) -> i64 {
        self.start_ms + DAY_MS
    }

    /// The day `n` days later (earlier for negative `n`).
    pub fn plus(&self, n: i64) -> Day {
        Day::of_ms(self.start_ms + n * DAY_MS + DAY_MS / 2)
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
