//! Browser tests of the widget's rendering (wasm-bindgen-test in headless Chromium).

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn mount_renders_into_the_target() {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let target = document.create_element("div").expect("a div");
    bdpay_widget::mount(&target);
    assert_eq!(target.text_content().as_deref(), Some("bdpay"));
    assert_eq!(target.get_attribute("data-bdpay-status").as_deref(), Some("ready"));
}
