//! The widget's calls to the edge, confirm, otp, status and manual_transfer, over `fetch`. Bodies are read
//! with the browser's own JSON parser and picked apart with `Reflect`: no JSON code in the wasm.

use bdpay_shared::locale::Lang;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
#[cfg(feature = "manual")]
use bdpay_shared::risk::nid::Nid;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    /// A promise seen through plain-function `then`/`catch`: one binding for every step of
    /// [`read`] (and of the device id), where js-sys's typed ones want a closure type each.
    pub type Steps;
    #[wasm_bindgen(method)]
    pub fn then(this: &Steps, f: &JsValue) -> Steps;
    #[wasm_bindgen(method)]
    pub fn catch(this: &Steps, f: &JsValue) -> Steps;
}

use crate::config::Config;

/// What a call came back with.
pub enum Reply {
    /// 2xx with a JSON object.
    Ok(JsValue),
    /// The edge answered with its error shape: words for the shopper, and whether to retry.
    Refused(Refusal),
    /// No answer (offline, edge down, CORS, a 5xx without our shape): retry later.
    Unreachable,
}

/// The edge's `{"error": {...}}`, with the message in the page's language.
pub struct Refusal {
    pub code: String,
    pub message: String,
    pub retryable: bool,
}

/// A field of a parsed JSON object; `undefined` when absent or not an object.
#[must_use]
pub fn field(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A string field, `None` when absent, null or not a string.
#[must_use]
pub fn text_field(obj: &JsValue, key: &str) -> Option<String> {
    field(obj, key).as_string()
}

/// `message_bn` in Bangla (falling back to `message`), `message` in English.
#[must_use]
pub fn message(obj: &JsValue, lang: Lang) -> Option<String> {
    let bn = match lang {
        Lang::Bn => text_field(obj, "message_bn"),
        Lang::En => None,
    };
    bn.or_else(|| text_field(obj, "message")).filter(|m| !m.is_empty())
}

/// `GET /v1/payments/{id}/status?client_secret=…`: the pending `fetch`, for [`read`].
pub fn status(cfg: &Config) -> Promise {
    let mut url = url(cfg, "/status?client_secret=");
    // A parsed ClientSecret is `[A-Za-z0-9_]` only: nothing to escape.
    url.push_str(cfg.secret.expose());
    let init = RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoStore);
    fetch(&url, &init)
}

fn fetch(url: &str, init: &RequestInit) -> Promise {
    match web_sys::window() {
        Some(w) => w.fetch_with_str_and_init(url, init),
        None => Promise::reject(&JsValue::NULL),
    }
}

/// What the shopper typed that confirm carries, each already parsed.
#[derive(Clone, Copy, Default)]
pub struct Fields {
    pub phone: Option<Msisdn>,
    /// The compliance fields, when the merchant asks for them (step_up.rs).
    #[cfg(feature = "manual")]
    pub nid: Option<Nid>,
    #[cfg(feature = "manual")]
    pub alt_phone: Option<Msisdn>,
}

/// `POST /v1/payments/{id}/confirm`, once the loader's device id (`device`, docs/device-id.md) is known.
/// The body is written by hand: every value is either a fixed word or a parsed id or number
/// (digits only), none of which can hold a quote or a backslash.
pub fn confirm(cfg: &Config, provider: Option<Provider>, fields: Fields, device: &Promise) -> Promise {
    let mut body = start_body(cfg);
    if let Some(p) = provider {
        push_pair(&mut body, "provider", p.as_str());
    }
    if let Some(m) = fields.phone {
        push_pair(&mut body, "customer_phone", m.expose_digits());
    }
    push_pair(&mut body, "device", cfg.device.as_str());
    #[cfg(feature = "manual")]
    if let Some(n) = fields.nid {
        push_pair(&mut body, "nid", n.expose_digits());
    }
    #[cfg(feature = "manual")]
    if let Some(m) = fields.alt_phone {
        push_pair(&mut body, "alt_phone", m.expose_digits());
    }
    let url = url(cfg, "/confirm");
    let send = step(Box::new(move |id: JsValue| -> JsValue {
        // The loader's (docs/device-id.md): sent only as 64 lowercase hex characters, what the
        // edge takes, with nothing to escape; anything else and confirm goes without it.
        if let Some(id) = id
            .as_string()
            .filter(|i| i.len() == 64 && i.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        {
            push_pair(&mut body, "device_id", &id);
        }
        post(&url, body, None).into()
    }));
    device.unchecked_ref::<Steps>().then(&send).unchecked_into()
}

#[cfg(feature = "manual")]
/// `POST /v1/payments/{id}/otp` with the step-up code (six ASCII digits, `OtpCode`'s), the
/// client secret in the `BdPay-Client-Secret` header.
pub fn otp(cfg: &Config, code: &str) -> Promise {
    let mut body = String::with_capacity(24);
    body.push_str("{\"code\":\"");
    body.push_str(code);
    body.push('"');
    post(&url(cfg, "/otp"), body, Some(cfg.secret.expose()))
}

#[cfg(feature = "manual")]
/// `POST /v1/payments/{id}/manual_transfer`: the wallet the shopper sent from, the TrxID
/// (`trx_id::normalize`d: upper-case letters and digits) and the sender's number (digits).
pub fn manual_transfer(cfg: &Config, provider: Provider, trx_id: &str, sender: &Msisdn) -> Promise {
    let mut body = start_body(cfg);
    push_pair(&mut body, "provider", provider.as_str());
    push_pair(&mut body, "trx_id", trx_id);
    push_pair(&mut body, "sender_phone", sender.expose_digits());
    post(&url(cfg, "/manual_transfer"), body, None)
}

/// `{"client_secret":"…"`: a parsed ClientSecret is `[A-Za-z0-9_]` only.
fn start_body(cfg: &Config) -> String {
    let mut body = String::with_capacity(192);
    body.push_str("{\"client_secret\":\"");
    body.push_str(cfg.secret.expose());
    body.push('"');
    body
}

/// `{api}/v1/payments/{id}{tail}`.
fn url(cfg: &Config, tail: &str) -> String {
    let mut url = String::with_capacity(160);
    url.push_str(&cfg.api);
    url.push_str("/v1/payments/");
    url.push_str(cfg.payment.as_str());
    url.push_str(tail);
    url
}

/// POSTs the JSON `body` (closed here) to `url`, with the client `secret` as a header when given
/// (the step-up's code: its body has room for nothing else).
fn post(url: &str, mut body: String, secret: Option<&str>) -> Promise {
    body.push('}');
    let headers = Object::new();
    let _ = Reflect::set(&headers, &"content-type".into(), &"application/json".into());
    if let Some(s) = secret {
        let _ = Reflect::set(&headers, &"bdpay-client-secret".into(), &s.into());
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    fetch(url, &init)
}

fn push_pair(body: &mut String, key: &str, value: &str) {
    body.push_str(",\"");
    body.push_str(key);
    body.push_str("\":\"");
    body.push_str(value);
    body.push('"');
}

/// Waits for a `fetch` (ours, or the loader's early status request) and calls `done` once
/// with the sorted answer. Promise steps, not futures: no executor in the wasm (about 1.8 KB
/// gzip less). Reviewed like `Closure::forget`: of `unpack` and `lost` only one ever runs, and
/// the other stays behind as one small JS function per request (about 130 in the longest wait).
pub fn read(pending: &Promise, lang: Lang, done: Box<dyn FnOnce(Reply)>) {
    // fetch → [[ok, status], body]; any failure (network, CORS, a body that is not JSON) → null.
    let unpack = step(Box::new(|resp: JsValue| -> JsValue {
        let resp: Response = resp.unchecked_into();
        let head = Array::of2(&JsValue::from_bool(resp.ok()), &JsValue::from(resp.status()));
        match resp.json() {
            Ok(body) => Promise::all(&Array::of2(&head, &body)).into(),
            Err(_) => JsValue::NULL,
        }
    }));
    let finish = step(Box::new(move |pair: JsValue| {
        done(sort(&pair, lang));
        JsValue::UNDEFINED
    }));
    let steps: &Steps = pending.unchecked_ref();
    let _ = steps.then(&unpack).catch(&lost()).then(&finish);
}

/// One step of a promise chain: `f` as a JS function, called at most once. Every step goes
/// through this one closure type: each closure type of its own adds its own glue to the wasm.
pub fn step(f: Box<dyn FnOnce(JsValue) -> JsValue>) -> JsValue {
    Closure::once_into_js(move |v: JsValue| -> JsValue { f(v) })
}

/// A `catch` step: whatever failed becomes `null`.
pub fn lost() -> JsValue {
    step(Box::new(|_| JsValue::NULL))
}

fn sort(pair: &JsValue, lang: Lang) -> Reply {
    if !Array::is_array(pair) {
        return Reply::Unreachable;
    }
    let pair: &Array = pair.unchecked_ref();
    let head: Array = pair.get(0).unchecked_into();
    let json = pair.get(1);
    if !json.is_object() {
        return Reply::Unreachable;
    }
    if head.get(0).as_bool() == Some(true) {
        return Reply::Ok(json);
    }
    let code = head.get(1).as_f64().unwrap_or(0.0);
    let err = field(&json, "error");
    match text_field(&err, "code") {
        // Our own fault (5xx) is worth another try even when it has our shape.
        Some(c) => Reply::Refused(Refusal {
            message: message(&err, lang).unwrap_or_default(),
            retryable: code >= 500.0 || field(&err, "retryable").as_bool().unwrap_or(false),
            code: c,
        }),
        None => Reply::Unreachable,
    }
}
