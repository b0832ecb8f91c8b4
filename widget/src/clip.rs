//! The manual-transfer screen's copy buttons: `navigator.clipboard.writeText`, and where a
//! webview has no clipboard API (or refuses it, e.g. on plain http) `execCommand("copy")`
//! on a hidden field. The button then says "copied", and so does a live region.

use std::rc::Rc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

use crate::text::text;
use crate::view::say;
use crate::widget::Widget;

#[wasm_bindgen]
extern "C" {
    /// `navigator.clipboard`, only the one method (web-sys's Clipboard brings more bindings).
    type Clipboard;
    #[wasm_bindgen(method, catch, js_name = writeText)]
    fn write_text(this: &Clipboard, text: &str) -> Result<Promise, JsValue>;
    /// A promise's `then(ok, failed)` with plain functions.
    type Then2;
    #[wasm_bindgen(method, js_name = then)]
    fn then2(this: &Then2, ok: &JsValue, failed: &JsValue) -> JsValue;
    /// `document.execCommand`, deprecated but the only copy some webviews have.
    type Exec;
    #[wasm_bindgen(method, catch, js_name = execCommand)]
    fn exec_command(this: &Exec, command: &str) -> Result<bool, JsValue>;
}

impl Widget {
    /// Copies `value` (a copy button's `data-copy`) and says whether it worked.
    pub(crate) fn copy(self: &Rc<Self>, button: &Element, value: &str) {
        let clipboard = web_sys::window()
            .and_then(|w| Reflect::get(&w.navigator(), &JsValue::from_str("clipboard")).ok())
            .filter(JsValue::is_object);
        let written = clipboard.and_then(|c| c.unchecked_ref::<Clipboard>().write_text(value).ok());
        let Some(written) = written else {
            return self.copied(button, fallback(&self.view.root, value));
        };
        // Of `ok` and `failed` only one runs; the other stays behind (as in api::read).
        let (w, b) = (Rc::clone(self), button.clone());
        let ok = Closure::once_into_js(move |_: JsValue| w.copied(&b, true));
        let (w, b, v) = (Rc::clone(self), button.clone(), String::from(value));
        let failed = Closure::once_into_js(move |_: JsValue| {
            let done = fallback(&w.view.root, &v);
            w.copied(&b, done);
        });
        let _ = written.unchecked_ref::<Then2>().then2(&ok, &failed);
    }

    fn copied(&self, button: &Element, ok: bool) {
        let t = text(self.lang);
        if ok {
            say(button, t.copied);
        }
        say(&self.view.manual.copied, if ok { t.copied } else { t.copy_failed });
        let _ = button.unchecked_ref::<HtmlElement>().focus();
    }
}

/// `execCommand("copy")` on a hidden, read-only field holding `value` (read-only: no
/// keyboard pops up on a phone).
fn fallback(root: &ShadowRoot, value: &str) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(el) = doc.create_element("input") else {
        return false;
    };
    let input: HtmlInputElement = el.unchecked_into();
    input.set_value(value);
    let _ = input.set_attribute("readonly", "");
    let _ = input.set_attribute("style", "position:fixed;top:0;opacity:0");
    if root.append_child(&input).is_err() {
        return false;
    }
    input.select();
    let done = doc.unchecked_ref::<Exec>().exec_command("copy").unwrap_or(false);
    input.remove();
    done
}
