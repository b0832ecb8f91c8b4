//! Browser tests of the widget's rendering and formatting (wasm-bindgen-test in headless
//! Chromium). Each test mounts into a fresh container with a canned `/status` answer, the way
//! the loader hands over its early request, so no network is involved.

// A test that cannot set up its page should stop loudly.
#![allow(clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{CustomEvent, Element, Event, EventInit, HtmlInputElement, Response, ResponseInit, ShadowRoot};

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

async fn mount(attrs: &[(&str, &str)], first: Promise) -> Mounted {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let host = document.create_element("div").expect("a div");
    for (k, v) in attrs {
        host.set_attribute(k, v).expect("attribute");
    }
    document.body().expect("body").append_child(&host).expect("append");
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
    bdpay_widget::mount(host.clone(), None, "http://127.0.0.1:9", "mobile_web", first.into());
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
