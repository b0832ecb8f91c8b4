//! The settlement rules as named constants, and the cut-off arithmetic built on them: which
//! settlement day a payment belongs to, and when that day's money is due in the merchant's
//! account. docs/settlement.md explains each rule.

use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::date::Date;
use super::time_of_day::TimeOfDay;
use crate::provider::Provider;

/// bKash's day closes at 23:00 Dhaka time: a payment after it belongs to the next day.
pub const BKASH_CUTOFF: TimeOfDay = TimeOfDay::hm(23, 0);
/// Nagad's day closes at 23:00 Dhaka time.
pub const NAGAD_CUTOFF: TimeOfDay = TimeOfDay::hm(23, 0);
/// During Ramadan (dates from the calendar table) every cut-off is two hours earlier.
pub const RAMADAN_CUTOFF_EARLIER_MINUTES: u16 = 120;

/// bKash credits a settlement day's money on the next business day by 12:00 (T+1).
pub const BKASH_CREDIT_AT: TimeOfDay = TimeOfDay::hm(12, 0);
/// bKash pays out only when the day's net plus the carried balance reaches 5,000.00 taka
/// (500,000 poisha); below it everything carries over to the next day.
pub const BKASH_MIN_WITHDRAWAL_POISHA: i64 = 500_000;

/// Nagad standard: credited on the next business day by 12:00 (T+1), without a fee.
pub const NAGAD_STANDARD_CREDIT_AT: TimeOfDay = TimeOfDay::hm(12, 0);
/// Nagad expedite: credited by the end of the settlement day itself when that is a business
/// day (otherwise as standard, on the next business day).
pub const NAGAD_EXPEDITE_CREDIT_AT: TimeOfDay = TimeOfDay::END_OF_DAY;
/// Nagad expedite costs 0.15 % of the day's gross: 15 basis points, rounded half up to the poisha.
pub const NAGAD_EXPEDITE_FEE_BP: i64 = 15;

/// Every expected credit time carries a 15 % buffer on the wait after the window closes:
/// expected = window end + (nominal credit − window end) × 115 / 100.
pub const BUFFER_PERCENT: i64 = 15;

/// A merchant's Nagad payout setting (per merchant; bKash has no such choice).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NagadSpeed {
    /// T+1 business day, no fee.
    #[default]
    Standard,
    /// Same day when possible, for [`NAGAD_EXPEDITE_FEE_BP`].
    Expedite,
}

/// A provider's cut-off on an ordinary (non-Ramadan) day.
#[must_use]
pub const fn base_cutoff(provider: Provider) -> TimeOfDay {
    match provider {
        Provider::Bkash => BKASH_CUTOFF,
        Provider::Nagad => NAGAD_CUTOFF,
    }
}

impl Calendar {
    /// The provider's cut-off on `d`, earlier in Ramadan.
    #[must_use]
    pub fn cutoff(&self, provider: Provider, d: Date) -> TimeOfDay {
        let base = base_cutoff(provider);
        if self.in_ramadan(d) {
            base.earlier_by(RAMADAN_CUTOFF_EARLIER_MINUTES)
        } else {
            base
        }
    }

    /// The unix instant (ms) at which settlement day `d` closes.
    #[must_use]
    pub fn cutoff_ms(&self, provider: Provider, d: Date) -> i64 {
        d.at(self.cutoff(provider, d))
    }

    /// The instants settlement day `d` covers, `(start, end]` in unix ms: after the previous
    /// day's cut-off, up to and including this day's.
    #[must_use]
    pub fn window(&self, provider: Provider, d: Date) -> (i64, i64) {
        (self.cutoff_ms(provider, d.prev()), self.cutoff_ms(provider, d))
    }

    /// The settlement day a payment made at `at_ms` belongs to: its Dhaka date, or the next
    /// day when it came after that date's cut-off.
    #[must_use]
    pub fn settlement_day(&self, provider: Provider, at_ms: i64) -> Date {
        let d = Date::from_unix_ms(at_ms);
        if at_ms > self.cutoff_ms(provider, d) {
            d.next()
        } else {
            d
        }
    }

    /// When the provider nominally credits settlement day `d`: the day and the instant (ms).
    #[must_use]
    pub fn nominal_credit(&self, provider: Provider, d: Date, speed: NagadSpeed) -> (Date, i64) {
        let (day, at) = match (provider, speed) {
            (Provider::Bkash, _) => (self.next_business_day(d), BKASH_CREDIT_AT),
            (Provider::Nagad, NagadSpeed::Expedite) if self.is_business_day(d) => (d, NAGAD_EXPEDITE_CREDIT_AT),
            (Provider::Nagad, _) => (self.next_business_day(d), NAGAD_STANDARD_CREDIT_AT),
        };
        (day, day.at(at))
    }
}

/// The nominal credit time with the [`BUFFER_PERCENT`] buffer on the wait after `window_end_ms`,
/// in whole milliseconds, rounded up; never earlier than the nominal time.
#[must_use]
pub fn buffered(window_end_ms: i64, nominal_ms: i64) -> i64 {
    let wait = i128::from(nominal_ms) - i128::from(window_end_ms);
    if wait <= 0 {
        return nominal_ms;
    }
    let padded = (wait * i128::from(100 + BUFFER_PERCENT) + 99) / 100;
    i64::try_from(i128::from(window_end_ms) + padded).unwrap_or(i64::MAX)
}

/// Nagad's expedite fee on a day's gross: 0.15 %, rounded half up to the poisha.
#[must_use]
pub fn expedite_fee(gross_poisha: i64) -> i64 {
    let scaled = i128::from(gross_poisha) * i128::from(NAGAD_EXPEDITE_FEE_BP);
    let fee = (scaled + 5_000).div_euclid(10_000);
    i64::try_from(fee).unwrap_or(if fee > 0 { i64::MAX } else { i64::MIN })
}
