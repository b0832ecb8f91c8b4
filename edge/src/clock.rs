//! The edge's one clock: unix milliseconds from the worker's `Date` (frozen during a
//! request in production). Pure code never reads it: `now` is an argument there.

/// `2026-11-26T03:58:29.000Z` from unix milliseconds.
pub fn iso(ms: i64) -> String {
    String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64)).to_iso_string())
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    i64::try_from(worker::Date::now().as_millis()).unwrap_or(i64::MAX)
}
