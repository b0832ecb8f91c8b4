//! The worker runs, serves the static site and the widget, and answers in the contract's shapes.

use bdpay_tests::Stack;
use serde_json::Value;

#[tokio::test]
async fn healthz_names_the_service_and_its_version() {
    let s = Stack::from_env();
    let r = s.http.get(s.edge_url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["name"], "bdpay-edge");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["status"], "ok");
    assert!(body["commit"].as_str().is_some_and(|c| !c.is_empty()));
    // Node compatibility (wrangler.toml): Nagad's RSA in native code, not ~10 ms of wasm per confirm.
    assert_eq!(body["native_crypto"], true, "{body}");
}

#[tokio::test]
async fn the_demo_page_and_the_widget_loader_are_served() {
    let s = Stack::from_env();
    let page = s.http.get(s.edge_url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text().await.unwrap().contains("<html"),
        "the demo shop's home page"
    );

    let loader = s
        .http
        .get(s.edge_url("/bdpay.js"))
        .header("origin", "https://shop.example")
        .send()
        .await
        .unwrap();
    assert_eq!(loader.status(), 200);
    assert_eq!(
        loader.headers()["access-control-allow-origin"],
        "*",
        "the widget loads cross-origin"
    );
    assert!(loader.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
}

#[tokio::test]
async fn the_widget_wasm_is_served_as_wasm() {
    let s = Stack::from_env();
    // The loader names the content-hashed files it loads.
    let loader = s
        .http
        .get(s.edge_url("/bdpay.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Each build as its two content hashes, `"phone-bn":["<glue>","<wasm>"]`, which the loader
    // writes into `pkg/bdpay_widget.<glue>.js` and `pkg/bdpay_widget_bg.<wasm>.wasm`.
    assert!(loader.contains("\"pkg/bdpay_widget_bg.\"") && loader.contains("\"pkg/bdpay_widget.\""));
    let at = loader
        .find("\"phone-bn\":[\"")
        .expect("the loader lists the phone-bn build")
        + 13;
    let hashes: Vec<&str> = loader[at..]
        .split(']')
        .next()
        .expect("the build's list")
        .split(',')
        .map(|h| h.trim_matches('"'))
        .collect();
    let [glue, wasm] = hashes[..] else {
        panic!("two hashes: {hashes:?}")
    };
    let r = s
        .http
        .get(s.edge_url(&format!("/pkg/bdpay_widget_bg.{wasm}.wasm")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"\0asm");
    let r = s
        .http
        .get(s.edge_url(&format!("/pkg/bdpay_widget.{glue}.js")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("javascript"));
}

#[tokio::test]
async fn unknown_paths_get_the_contract_error() {
    let s = Stack::from_env();
    let r = s.http.get(s.edge_url("/v1/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].is_string());
    assert!(body["error"]["message_bn"].is_string());
    assert_eq!(body["error"]["retryable"], false);
}

#[tokio::test]
async fn the_cron_trigger_runs() {
    let s = Stack::from_env();
    let r = s
        .http
        .get(s.edge_url("/__scheduled?cron=0+21+*+*+*"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
