//! The manual-transfer screen's elements in the widget's skeleton (view.rs builds the HTML):
//! looked up once, kept by `View`. What the screen does is `manual`.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

/// The manual-transfer screen's parts.
pub struct Manual {
    pub root: Element,
    /// The first line: what to do (focused when a tap brought the screen).
    pub message: HtmlElement,
    /// Per provider: the row, its number, its copy button.
    pub rows: [Element; 2],
    pub numbers: [Element; 2],
    pub copy_numbers: [Element; 2],
    pub amount: Element,
    pub copy_amount: Element,
    pub reference: Element,
    pub copy_reference: Element,
    /// Says "copied" (a live region).
    pub copied: Element,
    /// Per provider: the radio's label and the radio.
    pub choices: [Element; 2],
    pub used: [HtmlInputElement; 2],
    pub used_hint: Element,
    pub trx: HtmlInputElement,
    pub trx_hint: Element,
    pub sender: HtmlInputElement,
    pub sender_hint: Element,
    pub submit: HtmlElement,
}

impl Manual {
    /// The screen's parts in the widget's skeleton (view.rs).
    pub fn find(root: &ShadowRoot) -> Manual {
        // As View::build: every id is ours, looked up without an early return per part.
        let host = root.host();
        let el = |id: &str| root.get_element_by_id(id).unwrap_or_else(|| host.clone());
        let html = |id: &str| el(id).unchecked_into::<HtmlElement>();
        let input = |id: &str| el(id).unchecked_into::<HtmlInputElement>();
        Manual {
            root: el("mt"),
            message: html("mm"),
            rows: [el("wbkash"), el("wnagad")],
            numbers: [el("nbkash"), el("nnagad")],
            copy_numbers: [el("cbkash"), el("cnagad")],
            amount: el("ma"),
            copy_amount: el("ca"),
            reference: el("mr"),
            copy_reference: el("cr"),
            copied: el("mk"),
            choices: [el("obkash"), el("onagad")],
            used: [input("ubkash"), input("unagad")],
            used_hint: el("mwt"),
            trx: input("mx"),
            trx_hint: el("mxt"),
            sender: input("ms"),
            sender_hint: el("mst"),
            submit: html("mb"),
        }
    }
}
