//! The sandbox's clock: real time plus an offset tests can advance (`POST /__control/clock`),
//! so token and payment expiries are testable without waiting; and its one UTC timestamp form.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bdpay_shared::wire::time::{DhakaTime, DHAKA_OFFSET_SECS};

#[derive(Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Unix milliseconds, offset included.
    pub fn now_ms(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        real + self.offset_ms.load(Ordering::Relaxed)
    }

    pub fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

/// `2024-11-25T08:07:03.120Z`: RFC 3339 in UTC with milliseconds (SNS `Timestamp`, control lists).
pub fn rfc3339(ms: i64) -> String {
    let t = DhakaTime::from_unix_millis(ms - DHAKA_OFFSET_SECS * 1000);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second, t.milli
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_utc_with_milliseconds() {
        assert_eq!(rfc3339(1_732_522_023_120), "2024-11-25T08:07:03.120Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
    }
}
