//! What the risk rules read, already counted by the caller: the payment, the phone's and the
//! device's recent history, where the request came from.
//!
//! The caller (the edge, at confirm) looks the counts up by the phone's keyed hash and the
//! widget's device id; nothing here holds a phone number or a device id. Counts are of
//! *earlier* payments: the one being assessed is never in them.

use crate::money::Money;
use crate::provider::Provider;

use super::geo::Location;

/// Everything [`super::assess`] decides on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskInput {
    /// The wallet this payment goes to (the shopper's choice or routing's).
    pub provider: Provider,
    pub amount: Money,
    /// Milliseconds since the Unix epoch: the daily limits reset at midnight in Dhaka.
    pub now_ms: u64,
    /// The shopper's phone, when the confirm gave a number (looked up by its keyed hash).
    pub phone: Option<PhoneHistory>,
    /// The widget's device, when it sent a device id.
    pub device: Option<DeviceHistory>,
    /// Where the request came from ([`Location::from_cf`]).
    pub location: Location,
}

/// One phone's record, by its keyed hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneHistory {
    /// On the shared blocklist (of merchants who opted in).
    pub blocklisted: bool,
    /// Successful payments from this phone before this one (at any merchant we can see).
    pub earlier_successes: u32,
    /// Payments attempted from this phone in the last 10 minutes.
    pub payments_last_10_min: u32,
    /// What this phone has paid today (Asia/Dhaka), not counting this payment.
    pub amount_today: Money,
}

/// One device's record, by the widget's device id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceHistory {
    /// Payments attempted from this device in the last 10 minutes.
    pub payments_last_10_min: u32,
    /// What this device has paid today (Asia/Dhaka), not counting this payment.
    pub amount_today: Money,
    /// Distinct phone numbers (by keyed hash) this device paid with today, this payment's
    /// phone included.
    pub phones_today: u32,
}

impl PhoneHistory {
    /// A phone never seen before.
    pub const NEW: PhoneHistory = PhoneHistory {
        blocklisted: false,
        earlier_successes: 0,
        payments_last_10_min: 0,
        amount_today: Money::ZERO,
    };
}

impl DeviceHistory {
    /// A device never seen before, paying with one phone.
    pub const NEW: DeviceHistory = DeviceHistory {
        payments_last_10_min: 0,
        amount_today: Money::ZERO,
        phones_today: 1,
    };
}

/// Seconds from `now_ms` to the next midnight in Dhaka (UTC+6, no daylight saving), 1 to 86,400.
#[must_use]
pub fn secs_to_dhaka_midnight(now_ms: u64) -> u32 {
    const DAY: u64 = 86_400;
    const DHAKA_OFFSET: u64 = 6 * 3_600;
    let into_day = (now_ms / 1_000 + DHAKA_OFFSET) % DAY;
    u32::try_from(DAY - into_day).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_ends_at_midnight_in_dhaka() {
        // 2026-01-01T00:00:00+06:00 is 2025-12-31T18:00:00Z = 1_767_204_000 s.
        let midnight_ms = 1_767_204_000_000;
        let rows = [
            (midnight_ms, 86_400),
            (midnight_ms + 999, 86_400),
            (midnight_ms + 1_000, 86_399),
            (midnight_ms - 1_000, 1),
            (midnight_ms - 6 * 3_600 * 1_000, 6 * 3_600), // 18:00 in Dhaka, UTC midnight
            (0, 18 * 3_600),                              // 1970-01-01 06:00 in Dhaka
        ];
        for (now, want) in rows {
            assert_eq!(secs_to_dhaka_midnight(now), want, "{now}");
        }
        assert!((1..=86_400).contains(&secs_to_dhaka_midnight(u64::MAX)));
    }
}
