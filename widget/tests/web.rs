//! Browser tests of the widget's rendering and formatting (wasm-bindgen-test in headless
//! Chromium). Each test mounts into a fresh container with a canned `/status` answer, the way
//! the loader hands over its early request, so no network is involved. Tests that go further
//! (confirm, polls, the manual transfer) put a stub edge in `window.fetch` ([`Edge`]): canned
//! answers by path, every request recorded.

// A test that cannot set up its page should stop loudly.
#![allow(clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{
    CustomEvent, Element, Event, EventInit, HtmlElement, HtmlInputElement, Response, ResponseInit, ShadowRoot,
    ShadowRootInit, ShadowRootMode,
};

wasm_bindgen_test_configure!(run_in_browser);

const PAY: &str = "pay_0123456789abcdefghijklmn";
const SECRET: &str = "pay_0123456789abcdefghijklmn_secret_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

fn status_json(status: &str, amount: &str, extra: &str) -> String {
    let mut s = String::from("{\"id\":\"");
    s.push_str(PAY);
    s.push_str("\",\"status\":\"");
    s.push_str(status);
    s.push_str("\",\"amount\":\"");
    s.push_str(amount);
    s.push_str(
        "\",\"currency\":\"BDT\",\"order_id\":\"A0042\",\"merchant_name\":\"Demo Shop\",\
         \"providers\":[{\"provider\":\"bkash\",\"available\":true},{\"provider\":\"nagad\",\"available\":true}],\
         \"recommended\":{\"provider\":\"bkash\",\"code\":\"most_used\",\"reason\":\"Most shoppers pay with bKash\",\
         \"reason_bn\":\"বেশিরভাগ ক্রেতা বিকাশে পেমেন্ট করেন\"},\"next_action\":null",
    );
    s.push_str(extra);
    s.push('}');
    s
}

fn answer(status: u16, body: &str) -> Promise {
    let init = ResponseInit::new();
    init.set_status(status);
    let resp = Response::new_with_opt_str_and_init(Some(body), &init).expect("a response");
    Promise::resolve(&JsValue::from(resp))
}

struct Mounted {
    host: Element,
    root: ShadowRoot,
    events: Rc<RefCell<Vec<(String, JsValue)>>>,
    _listeners: Vec<EventListener>,
}

impl Mounted {
    fn part(&self, id: &str) -> Element {
        self.root.get_element_by_id(id).expect(id)
    }
    fn text(&self, id: &str) -> String {
        self.part(id).text_content().unwrap_or_default()
    }
    fn hidden(&self, id: &str) -> bool {
        self.part(id).has_attribute("hidden")
    }
    fn status(&self) -> String {
        self.host.get_attribute("data-bdpay-status").unwrap_or_default()
    }
    fn fired(&self) -> Vec<String> {
        self.events.borrow().iter().map(|(n, _)| n.clone()).collect()
    }
    /// `key` of every `name` event, in order.
    fn details(&self, name: &str, key: &str) -> Vec<String> {
        let events = self.events.borrow();
        events
            .iter()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, d)| Reflect::get(d, &JsValue::from_str(key)).ok()?.as_string())
            .collect()
    }
    fn disabled(&self, id: &str) -> bool {
        self.part(id).has_attribute("disabled")
    }
    fn detail(&self, name: &str, key: &str) -> Option<String> {
        let events = self.events.borrow();
        let (_, d) = events.iter().find(|(n, _)| n == name)?;
        Reflect::get(d, &JsValue::from_str(key)).ok()?.as_string()
    }
}

async fn tick() {
    let p = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 30)
            .expect("timer");
    });
    JsFuture::from(p).await.expect("tick");
}

/// A request the widget sent to the stub edge.
#[derive(Clone, Debug)]
struct Sent {
    method: String,
    url: String,
    content_type: String,
    /// The `bdpay-client-secret` header (the step-up's code sends the secret there).
    secret: String,
    body: String,
}

/// `window.fetch` replaced by canned answers (the first route whose text the URL contains);
/// the real one comes back when this is dropped. Widgets of earlier tests may still poll:
/// each test uses its own payment id, and [`Edge::sent`] keeps only that payment's requests.
struct Edge {
    payment: String,
    log: Rc<RefCell<Vec<Sent>>>,
    real: JsValue,
    _fetch: Closure<dyn FnMut(JsValue, JsValue) -> Promise>,
}

impl Edge {
    fn new(payment: &str, routes: Vec<(&'static str, u16, String)>) -> Edge {
        let window = web_sys::window().expect("window");
        let real = Reflect::get(&window, &JsValue::from_str("fetch")).expect("fetch");
        let log = Rc::new(RefCell::new(Vec::new()));
        let sent = Rc::clone(&log);
        let fetch = Closure::<dyn FnMut(JsValue, JsValue) -> Promise>::new(move |url: JsValue, init: JsValue| {
            let url = url.as_string().unwrap_or_default();
            let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).ok().and_then(|v| v.as_string());
            let headers = Reflect::get(&init, &JsValue::from_str("headers")).unwrap_or(JsValue::UNDEFINED);
            sent.borrow_mut().push(Sent {
                method: get(&init, "method").unwrap_or_else(|| String::from("GET")),
                content_type: get(&headers, "content-type").unwrap_or_default(),
                secret: get(&headers, "bdpay-client-secret").unwrap_or_default(),
                body: get(&init, "body").unwrap_or_default(),
                url: url.clone(),
            });
            match routes.iter().find(|(path, _, _)| url.contains(path)) {
                Some((_, status, body)) => answer(*status, body),
                None => Promise::reject(&JsValue::from_str("no such route on the stub edge")),
            }
        });
        Reflect::set(&window, &JsValue::from_str("fetch"), fetch.as_ref()).expect("stub fetch");
        Edge {
            payment: String::from(payment),
            log,
            real,
            _fetch: fetch,
        }
    }

    /// This test's requests so far.
    fn sent(&self) -> Vec<Sent> {
        self.sent_for(&self.payment)
    }

    fn sent_for(&self, payment: &str) -> Vec<Sent> {
        let log = self.log.borrow();
        log.iter().filter(|s| s.url.contains(payment)).cloned().collect()
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = Reflect::set(&w, &JsValue::from_str("fetch"), &self.real);
        }
    }
}

/// A confirm body's `device_id` (64 lowercase hex characters, asserted here), or `None`.
fn device_id(body: &str) -> Option<String> {
    let at = body.find(",\"device_id\":\"")? + 14;
    let id = body.get(at..at + 64)?;
    assert!(
        id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );
    assert_eq!(body.get(at + 64..), Some("\"}"), "the id is the body's last field");
    Some(String::from(id))
}

/// The body without its `device_id`, which must be there.
fn without_device_id(body: &str) -> String {
    let id = device_id(body).expect("a device_id");
    body.replace(&format!(",\"device_id\":\"{id}\""), "")
}

/// A payment id and its client secret of this test's own (`name`: up to 24 of [a-z0-9]).
fn own_payment(name: &str) -> (String, String) {
    let payment = format!("pay_{name:0<24}");
    let secret = format!("{payment}_secret_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
    (payment, secret)
}

async fn mount_own(payment: &str, secret: &str, lang: &str, first: Promise) -> Mounted {
    let attrs = [
        ("data-payment", payment),
        ("data-client-secret", secret),
        ("data-lang", lang),
    ];
    mount(&attrs, first).await
}

/// Types `value` into a field of the widget, as an `input` event (`typing`) or then leaving it.
fn type_into(w: &Mounted, id: &str, value: &str) {
    let input: HtmlInputElement = w.part(id).unchecked_into();
    input.set_value(value);
    dispatch(&input, "input");
}

fn dispatch(target: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = Event::new_with_event_init_dict(kind, &init).expect("an event");
    target.dispatch_event(&e).expect("dispatched");
}

fn click(w: &Mounted, id: &str) {
    w.part(id).unchecked_into::<HtmlElement>().click();
}

async fn wait_ms(ms: i32) {
    let p = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("timer");
    });
    JsFuture::from(p).await.expect("wait");
}

/// The device id the tests' "loader" hands over: 64 hex characters (the real loader's is the
/// SHA-256 of docs/device-id.md's features; tests/e2e/risk.mjs checks that one).
const DEVICE_ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// The widget's stylesheet, which the loader puts into the shadow root beside its frame.
const CSS: &str = include_str!("../widget.css");

async fn mount(attrs: &[(&str, &str)], first: Promise) -> Mounted {
    mount_with_device(attrs, first, Promise::resolve(&JsValue::from_str(DEVICE_ID)).into()).await
}

/// Mounts as the loader does, with `device_id` as the loader's promise of the id (or anything
/// else a broken loader might pass).
async fn mount_with_device(attrs: &[(&str, &str)], first: Promise, device_id: JsValue) -> Mounted {
    mount_loaded(attrs, "", loaded(&[("first", first.into()), ("device_id", device_id)])).await
}

/// What the loader hands `mount` (lib.rs): an object of these fields.
fn loaded(fields: &[(&str, JsValue)]) -> JsValue {
    let loaded = Object::new();
    for (k, v) in fields {
        Reflect::set(&loaded, &JsValue::from_str(k), v).expect("set");
    }
    loaded.into()
}

/// Mounts as the loader does: its frame and stylesheet in the container's shadow root, with
/// `skeleton` inside the frame (the loader's skeleton, or any part of it a test needs), and
/// `loaded` as what the loader hands over (lib.rs `mount`).
async fn mount_loaded(attrs: &[(&str, &str)], skeleton: &str, loaded: JsValue) -> Mounted {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let host = document.create_element("div").expect("a div");
    for (k, v) in attrs {
        host.set_attribute(k, v).expect("attribute");
    }
    document.body().expect("body").append_child(&host).expect("append");
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .expect("a shadow root");
    shadow.set_inner_html(&format!(
        "<style>{CSS}</style><div id=w class=w part=widget>{skeleton}</div>"
    ));
    if let Some(p) = shadow.get_element_by_id("p") {
        // A number the shopper is typing into the skeleton: the focus is in the field.
        let _ = p.unchecked_into::<HtmlElement>().focus();
    }
    let events = Rc::new(RefCell::new(Vec::new()));
    let mut listeners = Vec::new();
    for name in ["bdpay:status", "bdpay:succeeded", "bdpay:failed", "bdpay:cancelled"] {
        let log = Rc::clone(&events);
        listeners.push(EventListener::new(&document, name, move |e: &Event| {
            let detail = e
                .dyn_ref::<CustomEvent>()
                .map(CustomEvent::detail)
                .unwrap_or(JsValue::NULL);
            log.borrow_mut().push((e.type_(), detail));
        }));
    }
    bdpay_widget::mount(host.clone(), None, "http://127.0.0.1:9", "mobile_web", loaded);
    tick().await;
    let root = host.shadow_root().expect("a shadow root");
    Mounted {
        host,
        root,
        events,
        _listeners: listeners,
    }
}

fn payment(lang: &str) -> Vec<(&'static str, String)> {
    vec![
        ("data-payment", String::from(PAY)),
        ("data-client-secret", String::from(SECRET)),
        ("data-lang", String::from(lang)),
    ]
}

async fn mount_payment(lang: &str, first: Promise) -> Mounted {
    let attrs = payment(lang);
    let refs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    mount(&refs, first).await
}

#[wasm_bindgen_test]
async fn bangla_is_the_default_with_bangla_digits_and_the_recommended_provider_marked() {
    let attrs = [("data-payment", PAY), ("data-client-secret", SECRET)];
    let w = mount(&attrs, answer(200, &status_json("requires_method", "1250.00", ""))).await;
    assert_eq!(w.status(), "requires_method");
    assert_eq!(w.text("av"), "৳১,২৫০.০০");
    assert!(!w.hidden("a"));
    assert_eq!(w.text("m"), "Demo Shop");
    assert_eq!(w.text("o"), "অর্ডার A0042");
    let bkash = w.part("bbkash");
    assert_eq!(bkash.get_attribute("data-provider").as_deref(), Some("bkash"));
    assert!(bkash.text_content().unwrap_or_default().contains("পেমেন্ট করুন"));
    assert_eq!(w.text("rbkash"), "প্রস্তাবিত");
    assert!(w.hidden("rnagad"));
    assert_eq!(w.text("y"), "বেশিরভাগ ক্রেতা বিকাশে পেমেন্ট করেন");
    let line = w
        .root
        .query_selector("[role=status]")
        .ok()
        .flatten()
        .expect("a live region");
    assert_eq!(line.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(w.text("s1"), "কীভাবে পেমেন্ট করবেন, বেছে নিন।");
    assert_eq!(w.fired(), ["bdpay:status"]);
    assert_eq!(w.detail("bdpay:status", "status").as_deref(), Some("requires_method"));
}

#[wasm_bindgen_test]
async fn english_uses_ascii_digits_and_lakh_grouping() {
    let w = mount_payment("en", answer(200, &status_json("requires_method", "1234567.5", ""))).await;
    assert_eq!(w.text("av"), "৳12,34,567.50");
    assert_eq!(w.text("rbkash"), "Recommended");
    assert_eq!(w.text("y"), "Most shoppers pay with bKash");
    assert!(w.part("bnagad").text_content().unwrap_or_default().contains("Nagad"));
}

#[wasm_bindgen_test]
async fn a_missing_payment_is_said_in_words_and_fires_failed() {
    let w = mount(&[("data-lang", "en")], answer(200, "{}")).await;
    assert_eq!(w.status(), "error");
    assert!(w.text("e").contains("data-payment"), "{}", w.text("e"));
    assert_eq!(w.fired(), ["bdpay:failed"]);
    assert_eq!(w.detail("bdpay:failed", "code").as_deref(), Some("missing_payment"));
}

#[wasm_bindgen_test]
async fn a_secret_of_another_payment_is_refused_before_any_request() {
    let other = "pay_zzzzzzzzzzzzzzzzzzzzzzzz_secret_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    let attrs = [("data-payment", PAY), ("data-client-secret", other)];
    let w = mount(&attrs, answer(200, "{}")).await;
    assert_eq!(w.status(), "error");
    assert!(w.text("e").contains("data-client-secret"));
    assert_eq!(
        w.detail("bdpay:failed", "code").as_deref(),
        Some("invalid_client_secret")
    );
}

#[wasm_bindgen_test]
async fn a_wrong_client_secret_shows_the_edges_words() {
    let body = "{\"error\":{\"code\":\"invalid_client_secret\",\"message\":\"The client secret is wrong.\",\
                \"message_bn\":\"ক্লায়েন্ট সিক্রেট ভুল।\",\"retryable\":false}}";
    let w = mount_payment("bn", answer(401, body)).await;
    assert_eq!(w.status(), "error");
    assert_eq!(w.text("e"), "ক্লায়েন্ট সিক্রেট ভুল।");
    assert!(w.hidden("f"), "no buttons for a payment we cannot act on");
    assert_eq!(
        w.detail("bdpay:failed", "code").as_deref(),
        Some("invalid_client_secret")
    );
}

#[wasm_bindgen_test]
async fn an_edge_that_does_not_answer_gets_words_and_a_retry_button() {
    let w = mount_payment("bn", Promise::reject(&JsValue::from_str("network"))).await;
    assert_eq!(w.status(), "unreachable");
    assert!(!w.hidden("k"), "the retry button shows");
    assert!(w.hidden("a"), "no empty amount line before any answer");
    assert_eq!(w.text("k"), "আবার চেষ্টা করুন");
    assert!(w.text("s1").contains("পৌঁছানো যাচ্ছে না"));
}

#[wasm_bindgen_test]
async fn a_failed_payment_shows_the_providers_error_and_offers_the_other_provider() {
    let extra = ",\"provider\":\"bkash\",\"error\":{\"code\":\"insufficient_balance\",\
                 \"message\":\"Not enough balance.\",\"message_bn\":\"আপনার ওয়ালেটে যথেষ্ট টাকা নেই।\",\
                 \"provider\":\"bkash\",\"provider_code\":\"2023\",\"retryable\":false}";
    let w = mount_payment("bn", answer(200, &status_json("failed", "1250.00", extra))).await;
    assert_eq!(w.status(), "failed");
    assert_eq!(w.text("e"), "আপনার ওয়ালেটে যথেষ্ট টাকা নেই।");
    assert!(w.hidden("bbkash"), "the failed provider is not offered again");
    assert!(!w.hidden("bnagad"));
    assert_eq!(w.text("rnagad"), "প্রস্তাবিত");
    assert_eq!(w.fired(), ["bdpay:status", "bdpay:failed"]);
    assert_eq!(
        w.detail("bdpay:failed", "code").as_deref(),
        Some("insufficient_balance")
    );
}

#[wasm_bindgen_test]
async fn an_already_final_payment_says_so_and_fires_its_event() {
    let w = mount_payment(
        "en",
        answer(200, &status_json("succeeded", "350.00", ",\"provider\":\"nagad\"")),
    )
    .await;
    assert_eq!(w.status(), "succeeded");
    assert_eq!(w.text("s1"), "Payment successful. Thank you!");
    assert!(w.hidden("f"));
    assert_eq!(w.fired(), ["bdpay:status", "bdpay:succeeded"]);
    assert_eq!(w.detail("bdpay:succeeded", "provider").as_deref(), Some("nagad"));
}

#[wasm_bindgen_test]
async fn the_phone_number_is_checked_as_typed_and_its_operator_picks_the_provider() {
    let w = mount_payment("bn", answer(200, &status_json("requires_method", "625.00", ""))).await;
    let input: HtmlInputElement = w.part("p").unchecked_into();
    let typed = |value: &str| {
        input.set_value(value);
        let init = EventInit::new();
        init.set_bubbles(true);
        let e = Event::new_with_event_init_dict("input", &init).expect("an event");
        input.dispatch_event(&e).expect("dispatched");
    };
    typed("01511000001"); // Teletalk says nothing: the edge's bKash stays
    assert!(w.text("pt").contains("টেলিটক"), "{}", w.text("pt"));
    assert_eq!(w.text("rbkash"), "প্রস্তাবিত");
    assert!(w.hidden("rnagad"));
    typed("01711000001"); // Grameenphone → Nagad
    assert!(w.text("pt").contains("গ্রামীণফোন"), "{}", w.text("pt"));
    assert_eq!(w.text("rnagad"), "প্রস্তাবিত");
    assert!(w.hidden("rbkash"));
    typed("01911000001"); // Banglalink → bKash
    assert!(w.text("pt").contains("বাংলালিংক"));
    assert_eq!(w.text("rbkash"), "প্রস্তাবিত");
    assert_eq!(w.text("y"), "এই নম্বরে বিকাশ প্রস্তাবিত");
    typed("0121");
    assert_eq!(w.text("pt"), "", "a short number is not an error while typing");
    typed("01x");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(w.text("pt"), "শুধু সংখ্যা লিখুন।");
}

#[wasm_bindgen_test]
async fn a_typed_number_does_not_override_a_stronger_routing_reason() {
    let body = status_json("requires_method", "25000.00", "").replace(
        "\"provider\":\"bkash\",\"code\":\"most_used\"",
        "\"provider\":\"nagad\",\"code\":\"large_amount_reliable\"",
    );
    let w = mount_payment("bn", answer(200, &body)).await;
    assert_eq!(w.text("rnagad"), "প্রস্তাবিত");
    let input: HtmlInputElement = w.part("p").unchecked_into();
    input.set_value("01911000001"); // Banglalink would say bKash, but rule d decided first
    let init = EventInit::new();
    init.set_bubbles(true);
    let e = Event::new_with_event_init_dict("input", &init).expect("an event");
    input.dispatch_event(&e).expect("dispatched");
    assert!(w.text("pt").contains("বাংলালিংক"));
    assert_eq!(w.text("rnagad"), "প্রস্তাবিত");
    assert!(w.hidden("rbkash"));
}

// ---- issue #14: failover, wallet health, manual transfer ----

/// A confirm answer after the edge failed over from bKash to Nagad.
fn failed_over(payment: &str) -> String {
    format!(
        "{{\"id\":\"{payment}\",\"status\":\"pending\",\"provider\":\"nagad\",\
         \"redirect_url\":\"https://sandbox.example/nagad/page\",\"reason\":{{\"code\":\"failover\",\
         \"message\":\"bKash did not answer; the payment moved to Nagad.\",\"message_bn\":\"বিকাশ সাড়া দেয়নি।\"}},\
         \"failover_from\":\"bkash\"}}"
    )
}

#[wasm_bindgen_test]
async fn a_failover_is_said_in_bangla_before_the_shopper_leaves_and_waits_for_a_tap() {
    let (pay, secret) = own_payment("failoverbn");
    let edge = Edge::new(&pay, vec![("/confirm", 200, failed_over(&pay))]);
    let first = answer(200, &status_json("requires_method", "1250.00", ""));
    let w = mount_own(&pay, &secret, "bn", first).await;
    click(&w, "bbkash");
    tick().await;
    assert_eq!(w.status(), "failover");
    let line = w.text("s1");
    assert_eq!(line, "বিকাশ এখন সাড়া দিচ্ছে না, নগদ দিয়ে পেমেন্ট করুন।");
    let live = w
        .part("s1")
        .closest("[role=status]")
        .ok()
        .flatten()
        .expect("a live region");
    assert_eq!(live.get_attribute("aria-live").as_deref(), Some("polite"));
    assert!(!w.hidden("fo"));
    assert_eq!(w.text("fo"), "নগদ দিয়ে চালিয়ে যান");
    assert!(w.hidden("f"), "no wallet buttons beside the way on");
    assert_eq!(w.details("bdpay:status", "status"), ["requires_method", "pending"]);
    assert_eq!(w.details("bdpay:status", "provider"), ["nagad"]);
    let sent = edge.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "POST");
    assert!(sent[0].url.ends_with(&format!("/v1/payments/{pay}/confirm")));
    assert_eq!(sent[0].content_type, "application/json");
    // Issue #16 added the device id to every confirm (see device_id below): the body is the
    // same as before with it at the end.
    assert_eq!(
        without_device_id(&sent[0].body),
        format!("{{\"client_secret\":\"{secret}\",\"provider\":\"bkash\",\"device\":\"mobile_web\"}}")
    );
    // No timer takes the shopper away: still here, still saying it.
    wait_ms(2500).await;
    assert_eq!(w.status(), "failover");
    assert!(w.text("s1").starts_with("বিকাশ এখন সাড়া দিচ্ছে না"));
}

#[wasm_bindgen_test]
async fn a_failover_is_said_in_english_and_on_a_desktop_beside_the_qr_code() {
    let (pay, secret) = own_payment("failoveren");
    let pending = status_json("pending", "1250.00", ",\"provider\":\"nagad\"");
    let edge = Edge::new(
        &pay,
        vec![("/confirm", 200, failed_over(&pay)), ("/status", 200, pending)],
    );
    let first = answer(200, &status_json("requires_method", "1250.00", ""));
    let w = mount_own(&pay, &secret, "en", first).await;
    click(&w, "bbkash");
    tick().await;
    assert_eq!(w.text("s1"), "bKash is not responding right now. Pay with Nagad.");
    assert_eq!(w.text("fo"), "Continue to Nagad");
    drop(edge);

    let (pay, secret) = own_payment("failoverdesk");
    let pending = status_json("pending", "1250.00", ",\"provider\":\"nagad\"");
    let _edge = Edge::new(
        &pay,
        vec![("/confirm", 200, failed_over(&pay)), ("/status", 200, pending)],
    );
    let attrs = [
        ("data-payment", pay.as_str()),
        ("data-client-secret", secret.as_str()),
        ("data-lang", "en"),
        ("data-device", "desktop"),
    ];
    let w = mount(&attrs, answer(200, &status_json("requires_method", "1250.00", ""))).await;
    click(&w, "bbkash");
    tick().await;
    assert_eq!(w.status(), "pending");
    assert!(
        w.text("s1")
            .starts_with("bKash is not responding right now. Pay with Nagad. "),
        "{}",
        w.text("s1")
    );
    assert!(!w.hidden("q"), "the QR code of Nagad's page");
    assert!(w.hidden("fo"));
}

#[wasm_bindgen_test]
async fn a_down_wallet_is_disabled_with_the_unavailable_badge_in_both_languages() {
    let health = ",\"providers\":[{\"provider\":\"bkash\",\"available\":true,\"state\":\"down\"},\
                  {\"provider\":\"nagad\",\"available\":true,\"state\":\"up\"}],\
                  \"recommended\":{\"provider\":\"nagad\",\"code\":\"other_unavailable\",\
                  \"reason\":\"bKash is unavailable\",\"reason_bn\":\"বিকাশ এখন বন্ধ\"}";
    let w = mount_payment("bn", answer(200, &status_json("requires_method", "1250.00", health))).await;
    assert!(w.disabled("bbkash"));
    assert!(!w.hidden("rbkash"));
    assert_eq!(w.text("rbkash"), "এখন বন্ধ");
    assert!(!w.disabled("bnagad"));
    assert_eq!(w.text("rnagad"), "প্রস্তাবিত");

    // `available: false` alone (an edge without health states) says the same, in English.
    let off =
        ",\"providers\":[{\"provider\":\"bkash\",\"available\":true},{\"provider\":\"nagad\",\"available\":false}]";
    let w = mount_payment("en", answer(200, &status_json("requires_method", "1250.00", off))).await;
    assert!(w.disabled("bnagad"));
    assert_eq!(w.text("rnagad"), "Unavailable now");
    assert!(!w.disabled("bbkash"));

    // Both down: both badged but still tappable, so the shopper can reach the edge's answer
    // (the manual transfer where the shop offers it, else its words) instead of a dead end.
    let both = ",\"providers\":[{\"provider\":\"bkash\",\"available\":false,\"state\":\"down\"},\
                {\"provider\":\"nagad\",\"available\":false,\"state\":\"down\"}],\"recommended\":null";
    let w = mount_payment("bn", answer(200, &status_json("requires_method", "1250.00", both))).await;
    for p in ["bkash", "nagad"] {
        assert_eq!(w.text(&format!("r{p}")), "এখন বন্ধ");
        assert!(!w.disabled(&format!("b{p}")), "{p}");
    }
}

#[wasm_bindgen_test]
async fn a_degraded_wallet_says_confirming_may_take_longer_and_polls_every_ten_seconds() {
    let degraded =
        ",\"provider\":\"bkash\",\"providers\":[{\"provider\":\"bkash\",\"available\":true,\"state\":\"degraded\"},\
                    {\"provider\":\"nagad\",\"available\":true,\"state\":\"up\"}]";
    let healthy =
        ",\"provider\":\"bkash\",\"providers\":[{\"provider\":\"bkash\",\"available\":true,\"state\":\"up\"},\
                   {\"provider\":\"nagad\",\"available\":true,\"state\":\"up\"}]";
    let (slow, slow_secret) = own_payment("degraded");
    let (usual, usual_secret) = own_payment("healthy");
    let edge = Edge::new(
        &slow,
        vec![("/status", 200, status_json("pending", "1250.00", healthy))],
    );
    let w = mount_own(
        &slow,
        &slow_secret,
        "bn",
        answer(200, &status_json("pending", "1250.00", degraded)),
    )
    .await;
    assert_eq!(w.status(), "pending");
    assert_eq!(
        w.text("s1"),
        "পেমেন্ট নিশ্চিত হওয়ার অপেক্ষায়… এখন পেমেন্ট নিশ্চিত হতে স্বাভাবিকের চেয়ে বেশি সময় লাগতে পারে।"
    );
    let en = mount_own(
        &slow,
        &slow_secret,
        "en",
        answer(200, &status_json("pending", "1250.00", degraded)),
    )
    .await;
    assert!(en
        .text("s1")
        .ends_with("Confirming the payment may take longer than usual right now."));
    let _usual = mount_own(
        &usual,
        &usual_secret,
        "bn",
        answer(200, &status_json("pending", "1250.00", healthy)),
    )
    .await;
    wait_ms(1600).await;
    assert_eq!(
        edge.sent_for(&usual).len(),
        1,
        "a healthy wallet's first poll comes after 1 s"
    );
    assert!(edge.sent().is_empty(), "while degraded the first poll waits 10 s");
}

/// The manual-transfer instructions as the edge sends them in `next_action`.
fn manual_action(wallets: &str) -> String {
    format!(
        "{{\"type\":\"manual_transfer\",\"instructions\":{{\"amount\":\"1250.00\",\"currency\":\"BDT\",\
         \"reference\":\"0123456789\",\"wallets\":[{wallets}],\
         \"message\":\"Send exactly this amount with Send Money.\",\
         \"message_bn\":\"সেন্ড মানি করে ঠিক এই পরিমাণ টাকা পাঠান।\"}}}}"
    )
}

const BOTH_WALLETS: &str = "{\"provider\":\"bkash\",\"number\":\"01929918378\",\"kind\":\"send_money\"},\
                            {\"provider\":\"nagad\",\"number\":\"01911000001\",\"kind\":\"send_money\"}";

fn manual_status(payment: &str) -> String {
    let both_down = ",\"providers\":[{\"provider\":\"bkash\",\"available\":false,\"state\":\"down\"},\
                     {\"provider\":\"nagad\",\"available\":false,\"state\":\"down\"}],\"recommended\":null";
    let mut s = status_json("requires_method", "1250.00", both_down);
    s.truncate(s.len() - 1);
    s.push_str(",\"next_action\":");
    s.push_str(&manual_action(BOTH_WALLETS));
    s.push('}');
    s.replacen(PAY, payment, 1)
}

/// `navigator.clipboard.writeText` recording what it was given (resolves), or, with `None`,
/// no clipboard at all and `document.execCommand` recording its commands (answers true).
struct Clipboard {
    copied: Rc<RefCell<Vec<String>>>,
    _write: Closure<dyn FnMut(JsValue) -> Promise>,
    _exec: Closure<dyn FnMut(JsValue) -> bool>,
}

impl Clipboard {
    fn new(api: bool) -> Clipboard {
        let window = web_sys::window().expect("window");
        let copied = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::clone(&copied);
        let write = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |v: JsValue| {
            log.borrow_mut().push(v.as_string().unwrap_or_default());
            Promise::resolve(&JsValue::UNDEFINED)
        });
        let log = Rc::clone(&copied);
        let exec = Closure::<dyn FnMut(JsValue) -> bool>::new(move |v: JsValue| {
            log.borrow_mut().push(v.as_string().unwrap_or_default());
            true
        });
        let desc = Object::new();
        let clip = Object::new();
        Reflect::set(&clip, &JsValue::from_str("writeText"), write.as_ref()).expect("writeText");
        let value = if api { clip.into() } else { JsValue::UNDEFINED };
        Reflect::set(&desc, &JsValue::from_str("value"), &value).expect("value");
        Reflect::set(&desc, &JsValue::from_str("configurable"), &JsValue::TRUE).expect("configurable");
        Object::define_property(&window.navigator(), &JsValue::from_str("clipboard"), &desc);
        if !api {
            let document = window.document().expect("document");
            Reflect::set(&document, &JsValue::from_str("execCommand"), exec.as_ref()).expect("execCommand");
        }
        Clipboard {
            copied,
            _write: write,
            _exec: exec,
        }
    }
}

impl Drop for Clipboard {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = Reflect::delete_property(&w.navigator(), &JsValue::from_str("clipboard"));
            if let Some(d) = w.document() {
                let _ = Reflect::delete_property(&d, &JsValue::from_str("execCommand"));
            }
        }
    }
}

#[wasm_bindgen_test]
async fn the_manual_transfer_screen_says_where_to_send_what_and_copies_it() {
    let (pay, secret) = own_payment("manualscreen");
    let w = mount_own(&pay, &secret, "bn", answer(200, &manual_status(&pay))).await;
    assert_eq!(w.status(), "manual_transfer");
    assert!(!w.hidden("mt"));
    assert!(w.hidden("f"), "no wallet buttons: both are down");
    assert_eq!(w.text("s1"), "", "the status line waits under the form for its answer");
    let live = w.root.query_selector_all("[role=status]").expect("a query");
    assert_eq!(
        live.length(),
        1,
        "one status line: merchants and tests find it by its role"
    );
    assert_eq!(w.text("mm"), "সেন্ড মানি করে ঠিক এই পরিমাণ টাকা পাঠান।");
    assert_eq!(w.text("nbkash"), "01929918378");
    assert_eq!(w.text("nnagad"), "01911000001");
    assert!(w.text("lbkash").contains("বিকাশ"));
    assert_eq!(w.text("ma"), "৳১,২৫০.০০");
    assert_eq!(w.text("mr"), "0123456789");
    assert!(
        !w.hidden("obkash") && !w.hidden("onagad"),
        "both wallets to choose from"
    );

    let clipboard = Clipboard::new(true);
    click(&w, "cbkash");
    tick().await;
    click(&w, "ca");
    tick().await;
    assert_eq!(*clipboard.copied.borrow(), ["01929918378", "1250"]);
    assert_eq!(w.text("cbkash"), "কপি হয়েছে");
    assert_eq!(w.text("mk"), "কপি হয়েছে");
    assert_eq!(w.text("cnagad"), "কপি", "only what was copied says so");
    drop(clipboard);

    // A webview without the clipboard API: the fallback copies.
    let fallback = Clipboard::new(false);
    click(&w, "cr");
    tick().await;
    assert_eq!(*fallback.copied.borrow(), ["copy"], "document.execCommand(\"copy\")");
    assert_eq!(w.text("cr"), "কপি হয়েছে");
}

#[wasm_bindgen_test]
async fn the_trx_id_is_flagged_at_once_when_it_cannot_become_one_but_not_while_typing_one() {
    let (pay, secret) = own_payment("manualtrx");
    let w = mount_own(&pay, &secret, "bn", answer(200, &manual_status(&pay))).await;
    type_into(&w, "mx", "ABC!");
    assert_eq!(w.text("mxt"), "TrxID-তে শুধু ইংরেজি অক্ষর ও সংখ্যা থাকে (যেমন CKP40QZ7TM)।");
    assert_eq!(w.part("mx").get_attribute("aria-invalid").as_deref(), Some("true"));
    type_into(&w, "mx", "CKP4");
    assert_eq!(w.text("mxt"), "");
    assert_eq!(w.part("mx").get_attribute("aria-invalid").as_deref(), Some("false"));
    // Leaving it short, once the wallet is known, is an error.
    w.part("ubkash").unchecked_into::<HtmlInputElement>().set_checked(true);
    dispatch(&w.part("ubkash"), "input");
    dispatch(&w.part("mx"), "focusout");
    assert_eq!(w.text("mxt"), "বিকাশের TrxID ১০ অক্ষরের, নগদের ৮ অক্ষরের।");
    type_into(&w, "mx", "ckp40qz7tm");
    assert_eq!(w.text("mxt"), "✓");
}

#[wasm_bindgen_test]
async fn submitting_a_manual_transfer_posts_its_json_and_then_says_the_shop_is_confirming() {
    let (pay, secret) = own_payment("manualsubmit");
    let review = status_json("requires_review", "1250.00", ",\"provider\":\"bkash\"").replacen(PAY, &pay, 1);
    let submitted = format!(
        "{{\"id\":\"{pay}\",\"status\":\"requires_review\",\"manual_transfer\":{{\"id\":\"mt_x\",\
         \"provider\":\"bkash\",\"trx_id\":\"CKP40QZ7TM\",\"status\":\"pending_review\",\"has_voucher\":false}}}}"
    );
    let edge = Edge::new(
        &pay,
        vec![("/manual_transfer", 200, submitted), ("/status", 200, review)],
    );
    let w = mount_own(&pay, &secret, "bn", answer(200, &manual_status(&pay))).await;
    // Submitting empty says what is missing and sends nothing.
    dispatch(&w.part("mf"), "submit");
    tick().await;
    assert_eq!(w.text("mwt"), "কোন ওয়ালেট থেকে পাঠিয়েছেন, বেছে নিন।");
    assert_eq!(w.text("mst"), "১১ সংখ্যার মোবাইল নম্বর লিখুন (01XXXXXXXXX)।");
    assert!(edge.sent().is_empty());

    w.part("ubkash").unchecked_into::<HtmlInputElement>().set_checked(true);
    dispatch(&w.part("ubkash"), "input");
    type_into(&w, "mx", " ckp40qz7tm ");
    type_into(&w, "ms", "01770618575");
    assert!(w.text("mst").contains("নম্বর"), "{}", w.text("mst"));
    dispatch(&w.part("mf"), "submit");
    tick().await;
    let sent = edge.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "POST");
    assert!(sent[0].url.ends_with(&format!("/v1/payments/{pay}/manual_transfer")));
    assert_eq!(sent[0].content_type, "application/json");
    assert_eq!(
        sent[0].body,
        format!(
            "{{\"client_secret\":\"{secret}\",\"provider\":\"bkash\",\"trx_id\":\"CKP40QZ7TM\",\
             \"sender_phone\":\"01770618575\"}}"
        )
    );
    assert_eq!(w.status(), "requires_review");
    assert_eq!(w.text("s1"), "আপনার পাঠানো টাকার তথ্য পেয়েছি; দোকান এটি যাচাই করছে।");
    assert!(w.hidden("mt"));
    assert_eq!(
        w.details("bdpay:status", "status"),
        ["requires_method", "requires_review"]
    );
    // And it keeps polling.
    wait_ms(1300).await;
    assert!(
        edge.sent().iter().any(|s| s.url.contains("/status")),
        "polled in review"
    );
}

#[wasm_bindgen_test]
async fn a_trx_id_already_used_is_refused_in_the_shoppers_language_and_after_a_confirm() {
    let (pay, secret) = own_payment("manualused");
    let used = "{\"error\":{\"code\":\"trx_id_already_used\",\"message\":\"This transaction ID was already used.\",\
                \"message_bn\":\"এই ট্রানজ্যাকশন আইডি আগেই ব্যবহার করা হয়েছে।\",\"retryable\":false}}";
    let only_nagad = "{\"provider\":\"nagad\",\"number\":\"01911000001\",\"kind\":\"send_money\"}";
    let confirmed = format!(
        "{{\"id\":\"{pay}\",\"status\":\"requires_method\",\"next_action\":{}}}",
        manual_action(only_nagad)
    );
    let _edge = Edge::new(
        &pay,
        vec![
            ("/confirm", 200, confirmed),
            ("/manual_transfer", 409, String::from(used)),
        ],
    );
    let w = mount_own(
        &pay,
        &secret,
        "bn",
        answer(200, &status_json("requires_method", "1250.00", "")),
    )
    .await;
    click(&w, "bnagad");
    tick().await;
    assert_eq!(w.status(), "manual_transfer", "confirm answered with the instructions");
    assert!(w.hidden("wbkash") && w.hidden("obkash"), "only Nagad is offered");
    assert!(
        w.part("unagad").unchecked_into::<HtmlInputElement>().checked(),
        "and chosen"
    );
    type_into(&w, "mx", "000177YT");
    type_into(&w, "ms", "01711000001");
    dispatch(&w.part("mf"), "submit");
    tick().await;
    assert_eq!(w.status(), "manual_transfer");
    assert_eq!(w.text("mxt"), "এই ট্রানজ্যাকশন আইডি আগেই ব্যবহার করা হয়েছে।");
    assert_eq!(w.part("mx").get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(!w.disabled("mb"), "the shopper may correct it and send again");
}

#[wasm_bindgen_test]
async fn every_part_the_widget_draws_into_is_in_its_skeleton() {
    // View::build and Manual::find look their parts up without failing (a missing one would
    // fall back to the container): this is where a missing id shows.
    let w = mount_payment("en", answer(200, &status_json("requires_method", "1250.00", ""))).await;
    let ids = [
        "m", "o", "a", "av", "pw", "p", "pt", "f", "z", "rbkash", "rnagad", "bbkash", "bnagad", "y", "g", "s1", "e",
        "q", "qc", "qt", "ql", "k", "fo", "mt", "mm", "wbkash", "wnagad", "nbkash", "nnagad", "cbkash", "cnagad", "ma",
        "ca", "mr", "cr", "mk", "obkash", "onagad", "ubkash", "unagad", "mwt", "mx", "mxt", "ms", "mst", "mb",
    ];
    for id in ids {
        assert!(w.root.get_element_by_id(id).is_some(), "#{id}");
    }
}

// ---- issue #16: offers, the operator banner, compliance fields, the step-up code, risk ----

#[wasm_bindgen_test]
async fn each_wallet_s_offer_is_on_its_button_in_the_shopper_s_language() {
    let offers = ",\"offers\":{\"bkash\":{\"kind\":\"commission_free\",\"amount\":\"1200.00\"},\
                  \"nagad\":{\"kind\":\"cashback\",\"amount\":\"45.00\"}}";
    let w = mount_payment("bn", answer(200, &status_json("requires_method", "1200.00", offers))).await;
    assert!(!w.hidden("xbkash"));
    assert_eq!(w.text("xbkash"), "কমিশন ছাড়া");
    assert_eq!(w.text("xnagad"), "৳৪৫.০০ ক্যাশব্যাক");
    assert!(w.text("bbkash").contains("কমিশন ছাড়া"), "on the button itself");
    let w = mount_payment("en", answer(200, &status_json("requires_method", "1200.00", offers))).await;
    assert_eq!(w.text("xbkash"), "Commission-free");
    assert_eq!(w.text("xnagad"), "৳45.00 cashback");

    // An empty object, one wallet, or an offer the widget cannot read: nothing on the others.
    let one = ",\"offers\":{\"nagad\":{\"kind\":\"cashback\",\"amount\":\"40.00\"},\"bkash\":{\"kind\":\"raffle\"}}";
    let w = mount_payment("bn", answer(200, &status_json("requires_method", "8000.00", one))).await;
    assert!(w.hidden("xbkash"));
    assert_eq!(w.text("xnagad"), "৳৪০.০০ ক্যাশব্যাক");
    let w = mount_payment(
        "bn",
        answer(200, &status_json("requires_method", "8000.00", ",\"offers\":{}")),
    )
    .await;
    assert!(w.hidden("xbkash") && w.hidden("xnagad"));
}

#[wasm_bindgen_test]
async fn a_full_number_s_operator_shows_a_banner_for_its_wallet_and_hides_nothing() {
    let w = mount_payment("bn", answer(200, &status_json("requires_method", "625.00", ""))).await;
    assert!(
        !w.part("y").has_attribute("data-provider"),
        "the edge's reason is no banner"
    );
    type_into(&w, "p", "01311000001"); // Grameenphone (013)
    assert_eq!(w.part("y").get_attribute("data-provider").as_deref(), Some("nagad"));
    assert_eq!(w.text("y"), "এই নম্বরে নগদ প্রস্তাবিত");
    assert!(!w.hidden("y"));
    assert!(!w.hidden("bbkash") && !w.disabled("bbkash"), "the other wallet stays");
    type_into(&w, "p", "01911000001"); // Banglalink
    assert_eq!(w.part("y").get_attribute("data-provider").as_deref(), Some("bkash"));
    type_into(&w, "p", "0191100000"); // not full yet
    assert!(!w.part("y").has_attribute("data-provider"));
    assert!(!w.hidden("bnagad") && !w.disabled("bnagad"));
}

#[wasm_bindgen_test]
async fn confirm_carries_the_loaders_device_id_and_only_a_well_formed_one() {
    // (name, what the loader's promise gives, the device_id confirm must carry)
    let upper = DEVICE_ID.to_uppercase();
    let cases: [(&str, JsValue, Option<&str>); 5] = [
        ("deviceok", JsValue::from_str(DEVICE_ID), Some(DEVICE_ID)),
        ("deviceupper", JsValue::from_str(&upper), None),
        ("devicenull", JsValue::NULL, None),
        ("deviceshort", JsValue::from_str(&DEVICE_ID[1..]), None),
        // 64 characters, one of them a quote: never written into the body.
        (
            "devicequote",
            JsValue::from_str(&format!("\"{}", &DEVICE_ID[1..])),
            None,
        ),
    ];
    for (name, given, want) in cases {
        let (pay, secret) = own_payment(name);
        let edge = Edge::new(&pay, vec![("/confirm", 200, failed_over(&pay))]);
        let attrs = [
            ("data-payment", pay.as_str()),
            ("data-client-secret", secret.as_str()),
            ("data-lang", "en"),
        ];
        let w = mount_with_device(
            &attrs,
            answer(200, &status_json("requires_method", "100.00", "")),
            Promise::resolve(&given).into(),
        )
        .await;
        click(&w, "bnagad");
        tick().await;
        let sent = edge.sent();
        assert_eq!(sent.len(), 1, "{name}: {sent:?}");
        let body = &sent[0].body;
        match want {
            Some(id) => assert!(body.ends_with(&format!(",\"device_id\":\"{id}\"}}")), "{name}: {body}"),
            None => assert!(!body.contains("device_id"), "{name}: {body}"),
        }
    }
    // Mounted by something that passes no promise at all: confirm goes without an id.
    let (pay, secret) = own_payment("devicenone");
    let edge = Edge::new(&pay, vec![("/confirm", 200, failed_over(&pay))]);
    let attrs = [("data-payment", pay.as_str()), ("data-client-secret", secret.as_str())];
    let w = mount_with_device(
        &attrs,
        answer(200, &status_json("requires_method", "100.00", "")),
        JsValue::UNDEFINED,
    )
    .await;
    click(&w, "bnagad");
    tick().await;
    let sent = edge.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(!sent[0].body.contains("device_id"), "{}", sent[0].body);
}

/// A status answer of this test's payment asking for the compliance fields.
fn compliance_status(extra: &str) -> String {
    status_json(
        "requires_method",
        "2500.00",
        &format!(",\"compliance\":{{\"nid\":true,\"alt_phone\":true}}{extra}"),
    )
}

#[wasm_bindgen_test]
async fn the_nid_and_another_number_are_asked_checked_and_sent_with_confirm() {
    let (pay, secret) = own_payment("compliance");
    let edge = Edge::new(&pay, vec![("/confirm", 200, failed_over(&pay))]);
    let w = mount_own(&pay, &secret, "bn", answer(200, &compliance_status(""))).await;
    assert!(!w.hidden("nw") && !w.hidden("aw"));
    assert_eq!(w.part("n").get_attribute("inputmode").as_deref(), Some("numeric"));
    // Empty: said under each field, nothing sent, the NID focused.
    click(&w, "bbkash");
    tick().await;
    assert!(edge.sent().is_empty());
    assert_eq!(w.text("nt"), "জাতীয় পরিচয়পত্রের নম্বর লিখুন।");
    assert_eq!(w.text("at"), "১১ সংখ্যার মোবাইল নম্বর লিখুন (01XXXXXXXXX)।");
    assert_eq!(w.part("n").get_attribute("aria-invalid").as_deref(), Some("true"));
    // Typing: a short number is not an error yet; a wrong birth year is, on leaving.
    type_into(&w, "n", "1885269341");
    assert_eq!(w.text("nt"), "");
    type_into(&w, "n", "18852693412345678");
    dispatch(&w.part("n"), "focusout");
    assert_eq!(w.text("nt"), "১৭ সংখ্যার এনআইডি জন্মসাল (১৯.. বা ২০..) দিয়ে শুরু হয়।");
    type_into(&w, "n", "1985 2693 4123 45678");
    dispatch(&w.part("n"), "focusout");
    assert_eq!(w.text("nt"), "");
    type_into(&w, "ap", "01x");
    assert_eq!(w.text("at"), "শুধু সংখ্যা লিখুন।");
    type_into(&w, "ap", "01911000001");
    click(&w, "bbkash");
    tick().await;
    let sent = edge.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        without_device_id(&sent[0].body),
        format!(
            "{{\"client_secret\":\"{secret}\",\"provider\":\"bkash\",\"device\":\"mobile_web\",\
             \"nid\":\"19852693412345678\",\"alt_phone\":\"01911000001\"}}"
        )
    );
    // Never in an event or an attribute of the page.
    let host = w.host.outer_html();
    assert!(!host.contains("2693412345678") && !host.contains("01911000001"));
    for (_, d) in w.events.borrow().iter() {
        let d = js_sys::JSON::stringify(d).map(String::from).unwrap_or_default();
        assert!(!d.contains("2693412345678") && !d.contains("01911000001"), "{d}");
    }

    // English words, and a payment without the setting shows neither field.
    let w = mount_payment("en", answer(200, &compliance_status(""))).await;
    type_into(&w, "n", "0000000000");
    dispatch(&w.part("n"), "focusout");
    assert_eq!(w.text("nt"), "That does not look like a real NID number.");
    let w = mount_payment("en", answer(200, &status_json("requires_method", "2500.00", ""))).await;
    assert!(w.hidden("nw") && w.hidden("aw"));
}

/// The confirm answer of a step-up.
fn step_up(pay: &str) -> String {
    format!(
        "{{\"id\":\"{pay}\",\"status\":\"requires_method\",\"next_action\":{{\"type\":\"otp\",\
         \"sent_to\":\"01XX…4567\",\"expires_at\":\"2026-12-06T16:05:00Z\",\"tries_left\":3}},\
         \"message\":\"To finish this payment, enter the code we sent to your phone.\",\
         \"message_bn\":\"পেমেন্ট শেষ করতে আপনার ফোনে পাঠানো কোডটি লিখুন।\"}}"
    )
}

fn refusal(code: &str, message: &str, message_bn: &str, retryable: bool) -> String {
    format!(
        "{{\"error\":{{\"code\":\"{code}\",\"message\":\"{message}\",\"message_bn\":\"{message_bn}\",\
         \"retryable\":{retryable}}}}}"
    )
}

#[wasm_bindgen_test]
async fn a_step_up_asks_for_the_code_says_a_wrong_one_and_goes_on_with_the_right_one() {
    let (pay, secret) = own_payment("stepup");
    let wrong = refusal(
        "otp_incorrect",
        "The code is not right. 2 tries left.",
        "কোডটি সঠিক নয়। আর ২ বার চেষ্টা করতে পারবেন।",
        true,
    );
    let edge = Edge::new(&pay, vec![("/confirm", 200, step_up(&pay)), ("/otp", 400, wrong)]);
    let attrs = [
        ("data-payment", pay.as_str()),
        ("data-client-secret", secret.as_str()),
        ("data-lang", "bn"),
        ("data-device", "desktop"),
    ];
    let w = mount(&attrs, answer(200, &status_json("requires_method", "1250.00", ""))).await;
    click(&w, "bbkash");
    tick().await;
    assert_eq!(w.status(), "otp");
    assert!(!w.hidden("of"));
    assert!(w.hidden("f"), "no wallet buttons beside the code");
    assert_eq!(w.text("ol"), "01XX…4567 নম্বরে পাঠানো ৬ সংখ্যার কোডটি লিখুন।");
    let code = w.part("oc");
    assert_eq!(code.get_attribute("inputmode").as_deref(), Some("numeric"));
    assert_eq!(code.get_attribute("autocomplete").as_deref(), Some("one-time-code"));
    // Not six digits: said here, nothing sent.
    type_into(&w, "oc", "12 34");
    dispatch(&w.part("of"), "submit");
    tick().await;
    assert_eq!(w.text("ot"), "কোডের ৬টি সংখ্যা লিখুন।");
    assert_eq!(edge.sent().len(), 1);
    // A wrong code: the edge's words, the form stays.
    type_into(&w, "oc", "০০০ ০০০");
    dispatch(&w.part("of"), "submit");
    tick().await;
    let sent = edge.sent();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[1].url.ends_with(&format!("/v1/payments/{pay}/otp")));
    assert_eq!(sent[1].body, "{\"code\":\"000000\"}");
    assert_eq!(sent[1].secret, secret, "the secret in the header");
    assert_eq!(w.status(), "otp");
    assert_eq!(w.text("e"), "কোডটি সঠিক নয়। আর ২ বার চেষ্টা করতে পারবেন।");
    // "Send a new code": confirm again, the same body.
    click(&w, "or");
    tick().await;
    let sent = edge.sent();
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert_eq!(sent[2].body, sent[0].body);
    assert_eq!(w.status(), "otp");
    assert_eq!(w.part("oc").unchecked_into::<HtmlInputElement>().value(), "");
    drop(edge);

    // The right code is answered as a confirm: on to the wallet (a desktop waits on the QR code).
    let pending = status_json("pending", "1250.00", ",\"provider\":\"bkash\"");
    let right = format!(
        "{{\"id\":\"{pay}\",\"status\":\"pending\",\"provider\":\"bkash\",\
         \"redirect_url\":\"https://sandbox.example/bkash/page\",\"reason\":{{\"code\":\"shopper_choice\",\
         \"message\":\"You chose bKash.\",\"message_bn\":\"আপনি বিকাশ বেছে নিয়েছেন।\"}}}}"
    );
    let edge = Edge::new(&pay, vec![("/otp", 200, right), ("/status", 200, pending)]);
    type_into(&w, "oc", "123456");
    dispatch(&w.part("of"), "submit");
    tick().await;
    assert_eq!(edge.sent()[0].body, "{\"code\":\"123456\"}");
    assert_eq!(w.status(), "pending");
    assert!(w.hidden("of"));
    assert!(!w.hidden("q"), "the wallet's page as a QR code");
}

#[wasm_bindgen_test]
async fn a_step_up_waiting_after_a_reload_shows_the_code_s_form_again() {
    let next = ",\"next_action\":{\"type\":\"otp\",\"sent_to\":\"01XX…4567\",\
                \"expires_at\":\"2026-12-06T16:05:00Z\",\"tries_left\":2}";
    let body = status_json("requires_method", "1250.00", "").replace(",\"next_action\":null", next);
    let w = mount_payment("en", answer(200, &body)).await;
    assert_eq!(w.status(), "otp");
    assert_eq!(w.text("ol"), "Enter the 6-digit code we sent to 01XX…4567.");
    assert!(w.hidden("f"));
}

#[wasm_bindgen_test]
async fn three_wrong_codes_or_a_risk_block_end_with_the_edge_s_words_and_no_retry() {
    let (pay, secret) = own_payment("riskblocked");
    let blocked = refusal(
        "risk_blocked",
        "This payment cannot be made. Please contact the shop.",
        "এই পেমেন্টটি করা যাচ্ছে না। দোকানে যোগাযোগ করুন।",
        false,
    );
    let _edge = Edge::new(
        &pay,
        vec![("/confirm", 200, step_up(&pay)), ("/otp", 403, blocked.clone())],
    );
    let w = mount_own(
        &pay,
        &secret,
        "bn",
        answer(200, &status_json("requires_method", "1250.00", "")),
    )
    .await;
    click(&w, "bnagad");
    tick().await;
    type_into(&w, "oc", "111111");
    dispatch(&w.part("of"), "submit");
    tick().await;
    assert_eq!(w.status(), "error");
    assert_eq!(w.text("e"), "এই পেমেন্টটি করা যাচ্ছে না। দোকানে যোগাযোগ করুন।");
    assert!(w.hidden("of") && w.hidden("f") && w.hidden("k"), "no way to try again");
    assert_eq!(w.detail("bdpay:failed", "code").as_deref(), Some("risk_blocked"));

    // Blocked at confirm: the same.
    let (pay, secret) = own_payment("riskblockedconfirm");
    let _edge = Edge::new(&pay, vec![("/confirm", 403, blocked)]);
    let w = mount_own(
        &pay,
        &secret,
        "en",
        answer(200, &status_json("requires_method", "1250.00", "")),
    )
    .await;
    click(&w, "bbkash");
    tick().await;
    assert_eq!(w.status(), "error");
    assert_eq!(w.text("e"), "This payment cannot be made. Please contact the shop.");
    assert!(w.hidden("f"));
}

#[wasm_bindgen_test]
async fn a_rate_limit_is_said_and_the_shopper_may_try_again_later() {
    let (pay, secret) = own_payment("ratelimited");
    let limited = refusal(
        "rate_limited",
        "Too many payments from this phone. Try again later.",
        "এই ফোন থেকে অনেকবার পেমেন্ট হয়েছে। পরে আবার চেষ্টা করুন।",
        true,
    );
    let edge = Edge::new(&pay, vec![("/confirm", 429, limited)]);
    let w = mount_own(
        &pay,
        &secret,
        "bn",
        answer(200, &status_json("requires_method", "1250.00", "")),
    )
    .await;
    click(&w, "bbkash");
    tick().await;
    assert_eq!(w.status(), "requires_method");
    assert_eq!(w.text("e"), "এই ফোন থেকে অনেকবার পেমেন্ট হয়েছে। পরে আবার চেষ্টা করুন।");
    assert!(!w.disabled("bbkash") && !w.disabled("bnagad"));
    assert_eq!(
        w.text("rbkash"),
        "প্রস্তাবিত",
        "a rate limit is no reason to prefer the other wallet"
    );
    click(&w, "bbkash");
    tick().await;
    assert_eq!(edge.sent().len(), 2, "tapping again asks again");
}

#[wasm_bindgen_test]
async fn every_part_of_issue_16_is_in_the_skeleton() {
    let w = mount_payment("bn", answer(200, &status_json("requires_method", "1250.00", ""))).await;
    for id in [
        "xbkash", "xnagad", "nw", "n", "nt", "aw", "ap", "at", "of", "ol", "oc", "ot", "os", "or",
    ] {
        assert!(w.root.get_element_by_id(id).is_some(), "#{id}");
    }
}

/// A promise and the function that settles it: a status answer that comes when a test says.
fn pending() -> (Promise, js_sys::Function) {
    let mut resolve = None;
    let p = Promise::new(&mut |r, _| resolve = Some(r));
    (p, resolve.expect("the executor ran"))
}

/// Lets a held `first` status (from [`pending`]) answer with `status`, and the widget react.
async fn answer_status(resolve: &js_sys::Function, status: &str) {
    resolve
        .call1(&JsValue::NULL, &answer(200, &status_json(status, "100.00", "")))
        .expect("resolve");
    tick().await;
}

#[wasm_bindgen_test]
async fn a_number_typed_into_the_skeleton_stays_with_its_focus_and_is_judged() {
    let (pay, secret) = own_payment("skeletontyped");
    let edge = Edge::new(&pay, vec![("/confirm", 200, failed_over(&pay))]);
    let attrs = [
        ("data-payment", pay.as_str()),
        ("data-client-secret", secret.as_str()),
        ("data-lang", "en"),
    ];
    let first = answer(200, &status_json("requires_method", "100.00", ""));
    let handed = loaded(&[("first", first.into())]);
    // The loader's skeleton, with a Grameenphone number typed in before the wasm came.
    let skeleton = "<div id=f><div id=pw><label for=p>Mobile number (optional)</label>\
                    <input id=p type=tel value=01711000001><div class=t></div></div></div>";
    let w = mount_loaded(&attrs, skeleton, handed).await;
    let phone: HtmlInputElement = w.part("p").unchecked_into();
    assert_eq!(phone.value(), "01711000001");
    assert_eq!(
        w.root.active_element().map(|e| e.id()).as_deref(),
        Some("p"),
        "the focus stays"
    );
    assert!(
        w.text("pt").contains("Grameenphone"),
        "judged as typed: {}",
        w.text("pt")
    );
    assert_eq!(
        w.part("y").get_attribute("data-provider").as_deref(),
        Some("nagad"),
        "the banner"
    );
    click(&w, "bbkash");
    tick().await;
    let sent = edge.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].body.contains("\"customer_phone\":\"01711000001\""),
        "{}",
        sent[0].body
    );
}

#[wasm_bindgen_test]
async fn a_wallet_tapped_while_loading_is_confirmed_once_the_status_allows() {
    let (pay, secret) = own_payment("tappedloading");
    let edge = Edge::new(&pay, vec![("/confirm", 200, failed_over(&pay))]);
    let (first, resolve) = pending();
    let w = mount_own(&pay, &secret, "en", first).await;
    assert_eq!(w.status(), "loading");
    assert!(
        !w.hidden("f") && !w.hidden("pw"),
        "the loading view is the skeleton: phone and wallets"
    );
    assert!(
        !w.disabled("bbkash") && !w.disabled("bnagad"),
        "and its wallets take a tap"
    );
    click(&w, "bnagad");
    tick().await;
    assert!(edge.sent().is_empty(), "nothing is confirmed before the status");
    assert_eq!(w.part("bnagad").get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(
        w.disabled("bbkash") && w.disabled("bnagad"),
        "one tap is kept, the next ones wait"
    );
    click(&w, "bbkash");
    answer_status(&resolve, "requires_method").await;
    let sent = edge.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].url.ends_with("/confirm"), "{}", sent[0].url);
    assert!(sent[0].body.contains("\"provider\":\"nagad\""), "{}", sent[0].body);
}

#[wasm_bindgen_test]
async fn the_loaders_tap_is_confirmed_when_the_payment_waits_for_a_wallet_and_only_then() {
    for (name, status, confirmed) in [
        ("loadertapchoose", "requires_method", true),
        ("loadertappending", "pending", false),
    ] {
        let (pay, secret) = own_payment(name);
        let edge = Edge::new(&pay, vec![("/confirm", 200, failed_over(&pay))]);
        let attrs = [("data-payment", pay.as_str()), ("data-client-secret", secret.as_str())];
        let first = answer(200, &status_json(status, "100.00", ""));
        let handed = loaded(&[("first", first.into()), ("tapped", "bkash".into())]);
        let _w = mount_loaded(&attrs, "", handed).await;
        tick().await;
        let confirms: Vec<Sent> = edge
            .sent()
            .into_iter()
            .filter(|s| s.url.ends_with("/confirm"))
            .collect();
        assert_eq!(confirms.len(), usize::from(confirmed), "{name}: {confirms:?}");
        if let Some(c) = confirms.first() {
            assert!(c.body.contains("\"provider\":\"bkash\""), "{name}: {}", c.body);
        }
    }
}

#[wasm_bindgen_test]
async fn a_build_taking_over_loads_without_the_wallets() {
    let (pay, secret) = own_payment("resumedbuild");
    let attrs = [("data-payment", pay.as_str()), ("data-client-secret", secret.as_str())];
    let (first, resolve) = pending();
    let handed = loaded(&[("first", first.into()), ("resumed", JsValue::TRUE)]);
    let w = mount_loaded(&attrs, "", handed).await;
    assert_eq!(w.status(), "loading");
    assert!(w.hidden("f"), "a build taking over shows no wallets while it loads");
    assert!(!w.hidden("g"), "only the progress line");
    answer_status(&resolve, "requires_method").await;
    assert_eq!(w.status(), "requires_method");
    assert!(!w.hidden("f") && !w.disabled("bbkash"), "then the wallets, as ever");
}

#[wasm_bindgen_test]
async fn a_desktop_build_taking_over_a_failover_still_says_which_wallet_did_not_answer() {
    // The desktop's build with the QR code mounts while the payment waits at Nagad after a
    // failover: the status's next action carries the wallet that did not answer.
    let (pay, secret) = own_payment("failovertwin");
    let attrs = [
        ("data-payment", pay.as_str()),
        ("data-client-secret", secret.as_str()),
        ("data-lang", "en"),
        ("data-device", "desktop"),
    ];
    let pending = status_json(
        "pending",
        "1250.00",
        ",\"provider\":\"nagad\",\"next_action\":{\"type\":\"redirect\",\
         \"url\":\"https://sandbox.example/nagad/page\",\"failover_from\":\"bkash\"}",
    );
    let _edge = Edge::new(&pay, vec![("/status", 200, pending.clone())]);
    let handed = loaded(&[("first", answer(200, &pending).into()), ("resumed", JsValue::TRUE)]);
    let w = mount_loaded(&attrs, "", handed).await;
    tick().await;
    assert_eq!(w.status(), "pending");
    assert!(
        w.text("s1")
            .starts_with("bKash is not responding right now. Pay with Nagad. "),
        "{}",
        w.text("s1")
    );
    assert!(!w.hidden("q") && !w.hidden("qc"), "the QR code of Nagad's page");
}
