//! The edge's one clock: unix milliseconds from the worker's `Date` (frozen during a
//! request in production). Pure code never reads it: `now` is an argument there.

/// `2026-11-26T03:58:29.000Z` from unix milliseconds.
pub fn iso(ms: i64) -> String {
    String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64)).to_iso_string())
}

/// Unix milliseconds now: `Date.now()`, a number, where `worker::Date::now()` builds a `Date`
/// object to read it from (a status asks the clock several times).
pub fn now_ms() -> i64 {
    // An f64 of whole milliseconds since 1970: exact in i64 until the year 285,000.
    js_sys::Date::now() as i64
}
