//! The edge's one clock: unix milliseconds from the worker's `Date` (frozen during a
//! request in production). Pure code never reads it: `now` is an argument there.

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    i64::try_from(worker::Date::now().as_millis()).unwrap_or(i64::MAX)
}
