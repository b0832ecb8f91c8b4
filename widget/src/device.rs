//! The device id confirm carries (`device_id`): SHA-256, by the browser's `crypto.subtle`, over
//! a fixed list of stable features that say what kind of phone this is, never who holds it.
//! No cookie, no storage, no canvas or audio drawing: the same phone gives the same id on
//! every visit, and two phones of the same model and settings give the same id (accepted).
//! The list, and why each feature is on it or not, is docs/device-id.md.

use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::SubtleCrypto;

use crate::api::{field, lost, step, Steps};

/// Written first into what is hashed: a new list of features gets a new version, so ids of
/// two lists never collide by accident.
pub const VERSION: &str = "bdpay-device-1";

/// A promise of the id: 64 lowercase hex characters, or `null` where the browser cannot hash
/// (no `crypto.subtle` outside a secure context). It never rejects.
pub fn id() -> Promise {
    let none = || Promise::resolve(&JsValue::NULL);
    let Some(win) = web_sys::window() else {
        return none();
    };
    let win: &JsValue = &win;
    // Without `crypto.subtle` (outside a secure context) the call below fails: no id.
    let subtle = field(&field(win, "crypto"), "subtle");
    let data = String::from(features(win).join("|"));
    let Ok(digest) = subtle
        .unchecked_ref::<SubtleCrypto>()
        .digest_with_str_and_u8_array("SHA-256", data.as_bytes())
    else {
        return none();
    };
    let hex = step(Box::new(|buf: JsValue| -> JsValue {
        // Read byte by byte: `to_vec` asserts the length, and its message formatting costs
        // about 2 KB of wasm.
        let digest = Uint8Array::new(&buf);
        let mut bytes = [0u8; 32];
        for (i, b) in (0u32..).zip(bytes.iter_mut()) {
            *b = digest.get_index(i);
        }
        let mut out = String::with_capacity(64);
        push_hex(&mut out, &bytes);
        JsValue::from_str(&out)
    }));
    let steps: &Steps = digest.unchecked_ref();
    steps.then(&hex).catch(&lost()).unchecked_into()
}

/// The features, in their fixed order (docs/device-id.md). A missing one is an empty field.
fn features(win: &JsValue) -> Array {
    let screen = field(win, "screen");
    let nav = field(win, "navigator");
    let side = |k: &str| field(&screen, k).as_f64().unwrap_or(0.0);
    // The short and the long side: some browsers swap width and height when the phone turns.
    let (w, h) = (side("width"), side("height"));
    let options = call0(&call0(&field(win, "Intl"), "DateTimeFormat"), "resolvedOptions");
    let parts = Array::new();
    for v in [
        JsValue::from_str(VERSION),
        JsValue::from_f64(w.min(h)),
        JsValue::from_f64(w.max(h)),
        field(&screen, "colorDepth"),
        field(win, "devicePixelRatio"),
        field(&nav, "hardwareConcurrency"),
        field(&nav, "maxTouchPoints"),
        field(&options, "timeZone"),
        field(&nav, "language"),
        field(&nav, "platform"),
    ] {
        parts.push(&v);
    }
    parts
}

/// `obj.name()`, or `undefined` when it is not a function (calling it throws) or throws.
fn call0(obj: &JsValue, name: &str) -> JsValue {
    field(obj, name)
        .unchecked_ref::<Function>()
        .call0(obj)
        .unwrap_or(JsValue::UNDEFINED)
}

/// Appends `bytes` as lowercase hex, two characters each.
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    let digit = |d: u8| char::from(if d < 10 { b'0' + d } else { b'a' + d - 10 });
    for b in bytes {
        out.push(digit(b >> 4));
        out.push(digit(b & 15));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_characters_a_byte() {
        let mut s = String::new();
        push_hex(&mut s, &[0x00, 0x0f, 0xa0, 0xff, 0x5c]);
        assert_eq!(s, "000fa0ff5c");
        let mut s = String::new();
        push_hex(&mut s, &[0xab; 32]);
        assert_eq!(s.len(), 64);
        assert!(s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
