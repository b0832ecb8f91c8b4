//! The widget's two calls to the edge, confirm and status, over `fetch`. Bodies are read
//! with the browser's own JSON parser and picked apart with `Reflect`: no JSON code in the wasm.

use bdpay_shared::locale::Lang;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

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

/// `GET /v1/payments/{id}/status?client_secret=…`
pub async fn status(cfg: &Config, lang: Lang) -> Reply {
    let mut url = String::with_capacity(160);
    url.push_str(&cfg.api);
    url.push_str("/v1/payments/");
    url.push_str(cfg.payment.as_str());
    url.push_str("/status?client_secret=");
    // A parsed ClientSecret is `[A-Za-z0-9_]` only: nothing to escape.
    url.push_str(cfg.secret.expose());
    let Some(w) = web_sys::window() else {
        return Reply::Unreachable;
    };
    let init = RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoStore);
    read(w.fetch_with_str_and_init(&url, &init), lang).await
}

/// `POST /v1/payments/{id}/confirm`. The body is written by hand: every value is either a
/// fixed word or a parsed id or number, none of which can hold a quote or a backslash.
pub async fn confirm(cfg: &Config, lang: Lang, provider: Option<Provider>, phone: Option<&Msisdn>) -> Reply {
    let mut url = String::with_capacity(96);
    url.push_str(&cfg.api);
    url.push_str("/v1/payments/");
    url.push_str(cfg.payment.as_str());
    url.push_str("/confirm");
    let mut body = String::with_capacity(160);
    body.push_str("{\"client_secret\":\"");
    body.push_str(cfg.secret.expose());
    body.push('"');
    if let Some(p) = provider {
        push_pair(&mut body, "provider", p.as_str());
    }
    if let Some(m) = phone {
        push_pair(&mut body, "customer_phone", m.expose_digits());
    }
    push_pair(&mut body, "device", cfg.device.as_str());
    body.push('}');
    let Some(w) = web_sys::window() else {
        return Reply::Unreachable;
    };
    let headers = Object::new();
    let _ = Reflect::set(&headers, &"content-type".into(), &"application/json".into());
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    read(w.fetch_with_str_and_init(&url, &init), lang).await
}

fn push_pair(body: &mut String, key: &str, value: &str) {
    body.push_str(",\"");
    body.push_str(key);
    body.push_str("\":\"");
    body.push_str(value);
    body.push('"');
}

/// Waits for a `fetch` (ours, or the loader's early status request) and sorts the answer.
pub async fn read(pending: Promise, lang: Lang) -> Reply {
    let Ok(resp) = JsFuture::from(pending).await else {
        return Reply::Unreachable;
    };
    let Ok(resp) = resp.dyn_into::<Response>() else {
        return Reply::Unreachable;
    };
    let ok = resp.ok();
    let code = resp.status();
    let json = match resp.json() {
        Ok(p) => JsFuture::from(p).await.ok(),
        Err(_) => None,
    };
    let Some(json) = json.filter(JsValue::is_object) else {
        return Reply::Unreachable;
    };
    if ok {
        return Reply::Ok(json);
    }
    let err = field(&json, "error");
    match text_field(&err, "code") {
        // Our own fault (5xx) is worth another try even when it has our shape.
        Some(c) => Reply::Refused(Refusal {
            message: message(&err, lang).unwrap_or_default(),
            retryable: code >= 500 || field(&err, "retryable").as_bool().unwrap_or(false),
            code: c,
        }),
        None => Reply::Unreachable,
    }
}
