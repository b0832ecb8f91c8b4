//! The D1 ledger merchants and finance query: one function per statement, values always
//! bound (never formatted into SQL). Schema: edge/migrations/.

pub mod credentials;
pub mod idempotency;
pub mod manual_settings;
pub mod manual_transfers;
pub mod merchants;
pub mod order_claims;
pub mod payments;
pub mod refunds;
pub mod retention;

use wasm_bindgen::JsValue;

/// A nullable text value for `bind`.
pub(crate) fn opt(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

/// An integer for `bind` (D1 takes JS numbers; all ours are far below 2^53).
pub(crate) fn int(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}
