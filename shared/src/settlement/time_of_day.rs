//! A wall-clock time in Dhaka (`23:00`), for cut-offs and credit hours: minutes since midnight,
//! 00:00 to 24:00 (24:00 being the midnight that ends a day).

use core::fmt;

/// Minutes since midnight, `0..=1440`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// 00:00, the start of a day.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    /// 24:00, the midnight that ends a day ("by the end of the day").
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(1440);

    /// `hour:minute`; out-of-range parts are clamped to 24:00 (the rules use constants).
    #[must_use]
    pub const fn hm(hour: u8, minute: u8) -> TimeOfDay {
        let m = hour as u16 * 60 + minute as u16;
        if m > 1440 {
            TimeOfDay(1440)
        } else {
            TimeOfDay(m)
        }
    }

    #[must_use]
    pub const fn minutes(self) -> u16 {
        self.0
    }

    /// This time moved `minutes` earlier, not before 00:00.
    #[must_use]
    pub const fn earlier_by(self, minutes: u16) -> TimeOfDay {
        TimeOfDay(self.0.saturating_sub(minutes))
    }
}

/// `23:00`.
impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl fmt::Debug for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeOfDay({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_prints_and_moves_earlier() {
        assert_eq!(TimeOfDay::hm(23, 0).to_string(), "23:00");
        assert_eq!(TimeOfDay::hm(23, 0).earlier_by(120), TimeOfDay::hm(21, 0));
        assert_eq!(TimeOfDay::hm(1, 0).earlier_by(120), TimeOfDay::MIDNIGHT);
        assert_eq!(TimeOfDay::hm(25, 0), TimeOfDay::END_OF_DAY);
        assert_eq!(TimeOfDay::END_OF_DAY.to_string(), "24:00");
    }
}
