//! The `bdpay:*` CustomEvents that bubble from the container to the merchant's page.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element};

/// What the page is told with each event.
pub struct Detail<'a> {
    pub payment: Option<&'a str>,
    pub status: &'a str,
    pub provider: Option<&'a str>,
    pub code: Option<&'a str>,
    pub message: Option<&'a str>,
}

/// Fires `name` on `host`, bubbling, with `detail` as a plain object. Returns false when a
/// listener called `preventDefault()` (only `bdpay:retry` is cancelable).
pub fn fire(host: &Element, name: &str, d: &Detail<'_>) -> bool {
    let o = Object::new();
    set(&o, "payment_id", d.payment);
    set(&o, "status", Some(d.status));
    set(&o, "provider", d.provider);
    set(&o, "code", d.code);
    set(&o, "message", d.message);
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(name == "bdpay:retry");
    init.set_detail(&o);
    match CustomEvent::new_with_event_init_dict(name, &init) {
        Ok(ev) => host.dispatch_event(&ev).unwrap_or(true),
        Err(_) => true,
    }
}

fn set(o: &Object, key: &str, value: Option<&str>) {
    let v = value.map_or(JsValue::NULL, JsValue::from_str);
    let _ = Reflect::set(o, &JsValue::from_str(key), &v);
}
