//! The widget's floor (make bench, step 10): the least a checkout widget does, on the widget's
//! fixed stack, built exactly as the widget is. It takes over the loader's frame, writes one
//! literal of markup, listens for one tap (gloo-events), posts a literal JSON body with
//! `fetch`, reads the answer through `JSON.parse` and `Reflect`, writes the status, fires a
//! `CustomEvent` and starts a timer (gloo-timers), as the widget's confirm and poll do. No
//! words, no amounts, no phone rules, no second wallet: its size is what any widget on this
//! stack costs before its first feature (docs/performance.md, "Step 10").

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without the atomics feature has exactly one thread.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// What the floor keeps alive between events, as the widget keeps its state.
#[derive(Default)]
struct State {
    listeners: Vec<gloo_events::EventListener>,
    timer: Option<gloo_timers::callback::Timeout>,
}

/// The widget's `mount` signature, so the loader's call and the glue are the same shape.
#[wasm_bindgen]
pub fn mount(target: web_sys::Element, _script: Option<web_sys::Element>, api: &str, _device: &str, _loaded: JsValue) {
    let Some(root) = target.shadow_root() else { return };
    root.set_inner_html("<div id=w><button id=b>Pay</button><p id=s></p></div>");
    let Some(button) = root.get_element_by_id("b") else {
        return;
    };
    let state = Rc::new(RefCell::new(State::default()));
    let mut url = api.to_owned();
    url.push_str("/v1/payments/pay/confirm");
    let (st, frame) = (state.clone(), root.clone());
    let tap = gloo_events::EventListener::new(&button, "click", move |_| confirm(&url, &frame, &st));
    state.borrow_mut().listeners.push(tap);
    std::mem::forget(state);
}

/// POSTs the confirm and shows what it answered.
fn confirm(url: &str, frame: &web_sys::ShadowRoot, state: &Rc<RefCell<State>>) {
    let Some(window) = web_sys::window() else { return };
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str("{\"provider\":\"bkash\"}"));
    let (frame, state) = (frame.clone(), state.clone());
    let answered = Closure::once(move |response: JsValue| {
        let response: web_sys::Response = response.unchecked_into();
        let Ok(body) = response.json() else { return };
        let read = Closure::once(move |value: JsValue| show(&value, &frame, &state));
        let _ = body.then(&read);
        read.forget();
    });
    let _ = window.fetch_with_str_and_init(url, &init).then(&answered);
    answered.forget();
}

fn show(value: &JsValue, frame: &web_sys::ShadowRoot, state: &Rc<RefCell<State>>) {
    let status = js_sys::Reflect::get(value, &"status".into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    if let Some(line) = frame.get_element_by_id("s") {
        line.set_text_content(Some(&status));
    }
    if let Ok(event) = web_sys::CustomEvent::new("bdpay:status") {
        let _ = frame.host().dispatch_event(&event);
    }
    state.borrow_mut().timer = Some(gloo_timers::callback::Timeout::new(1000, || {}));
}
