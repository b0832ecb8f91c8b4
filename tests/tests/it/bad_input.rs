//! Bad input gets the contract's 4xx error, never a panic, and writes nothing.

use bdpay_tests::{Stack, MERCHANT_KEY};
use serde_json::{json, Value};

async fn post_raw(s: &Stack, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let r = s
        .http
        .post(s.edge_url(path))
        .bearer_auth(MERCHANT_KEY)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let code = r.status().as_u16();
    (code, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn malformed_create_bodies_get_a_named_4xx() {
    let s = Stack::from_env();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("application/json", b"{not json".to_vec(), 400, "invalid_request"),
        (
            "application/json",
            br#"{"order_id":"A","amount":1250}"#.to_vec(),
            400,
            "invalid_amount",
        ),
        (
            "application/json",
            br#"{"order_id":"A","amount":"1,250.00"}"#.to_vec(),
            400,
            "invalid_amount",
        ),
        (
            "application/json",
            br#"{"order_id":"A","amount":"-5"}"#.to_vec(),
            400,
            "invalid_amount",
        ),
        (
            "application/json",
            br#"{"order_id":"A","amount":"0"}"#.to_vec(),
            400,
            "invalid_amount",
        ),
        (
            "application/json",
            br#"{"order_id":"A","amount":"1.001"}"#.to_vec(),
            400,
            "invalid_amount",
        ),
        (
            "application/json",
            br#"{"order_id":"A","amount":"10","customer_phone":"12345"}"#.to_vec(),
            400,
            "invalid_phone",
        ),
        (
            "application/json",
            br#"{"order_id":"../x","amount":"10"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "application/json",
            br#"{"order_id":"A","amount":"10","surprise":1}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "application/json",
            br#"{"amount":"10"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        (
            "application/json",
            br#"{"order_id":"A","amount":"10","return_url":"javascript:alert(1)"}"#.to_vec(),
            400,
            "invalid_request",
        ),
        ("application/json", br#"[]"#.to_vec(), 400, "invalid_request"),
        (
            "text/plain",
            br#"{"order_id":"A","amount":"10"}"#.to_vec(),
            415,
            "unsupported_media_type",
        ),
        ("application/json", vec![b' '; 70 * 1024], 413, "payload_too_large"),
    ];
    for (ct, body, want_status, want_code) in cases {
        let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        let (code, e) = post_raw(&s, "/v1/payments", ct, body).await;
        assert_eq!(code, want_status, "{shown}: {e}");
        assert_eq!(e["error"]["code"], want_code, "{shown}: {e}");
        assert!(e["error"]["message_bn"].is_string());
    }
}

/// Metadata limits count characters, as the error says (a Bangla key or note is 3 bytes a letter).
#[tokio::test]
async fn metadata_limits_are_characters_not_bytes() {
    let s = Stack::from_env();
    let body = |key: String, value: String| {
        serde_json::to_vec(&json!({"order_id": "META-1", "amount": "10", "metadata": {key: value}})).unwrap()
    };
    let (code, e) = post_raw(
        &s,
        "/v1/payments",
        "application/json",
        body("ক".repeat(40), "খ".repeat(500)),
    )
    .await;
    assert_eq!(code, 201, "{e}");
    assert_eq!(e["metadata"]["ক".repeat(40)], "খ".repeat(500));
    for (key, value) in [("ক".repeat(41), "v".to_owned()), ("k".to_owned(), "খ".repeat(501))] {
        let (code, e) = post_raw(&s, "/v1/payments", "application/json", body(key, value)).await;
        assert_eq!(code, 400, "{e}");
        assert_eq!(e["error"]["code"], "invalid_request", "{e}");
    }
}

#[tokio::test]
async fn errors_never_echo_a_phone_number() {
    let s = Stack::from_env();
    let (_, e) = post_raw(
        &s,
        "/v1/payments",
        "application/json",
        br#"{"order_id":"A","amount":"10","customer_phone":"0171100000x"}"#.to_vec(),
    )
    .await;
    assert!(!e.to_string().contains("0171100000"), "{e}");
}

#[tokio::test]
async fn a_refused_request_leaves_its_idempotency_key_free() {
    let s = Stack::from_env();
    let key = Stack::order_id("k");
    let bad = s
        .merchant_post("/v1/payments", &json!({ "order_id": "A", "amount": 12 }), Some(&key))
        .await;
    assert_eq!(bad.status(), 400);
    let good = s
        .merchant_post(
            "/v1/payments",
            &json!({ "order_id": Stack::order_id("free"), "amount": "12.00" }),
            Some(&key),
        )
        .await;
    assert_eq!(good.status(), 201, "nothing was half-written under the key");
}

#[tokio::test]
async fn unknown_ids_methods_and_secrets() {
    let s = Stack::from_env();
    let (code, e) = s.merchant_get("/v1/payments/pay_000000000000000000000000").await;
    assert_eq!((code, e["error"]["code"].as_str()), (404, Some("not_found")));
    let (code, _) = s.merchant_get("/v1/payments/..%2F..%2Fetc").await;
    assert_eq!(code, 404);
    let r = s
        .http
        .delete(s.edge_url("/v1/payments"))
        .bearer_auth(MERCHANT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // A method worker-rs has no name for (QUERY) is not read as GET: 405 on a route, 404 elsewhere.
    let query = reqwest::Method::from_bytes(b"QUERY").unwrap();
    for (path, want) in [
        ("/v1/payments/pay_000000000000000000000000", 405),
        ("/healthz", 405),
        ("/nowhere", 404),
    ] {
        let r = s
            .http
            .request(query.clone(), s.edge_url(path))
            .bearer_auth(MERCHANT_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), want, "QUERY {path}");
    }
    let p = s.create(&Stack::order_id("secret"), "10.00", json!({})).await;
    let wrong = format!("{}_secret_{}", p.id, "A".repeat(32));
    let r = s
        .http
        .get(s.edge_url(&format!("/v1/payments/{}/status?client_secret={wrong}", p.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "*",
        "widget errors carry CORS too"
    );
    let r = s
        .http
        .post(s.edge_url(&format!("/v1/payments/{}/confirm", p.id)))
        .json(&json!({ "client_secret": wrong }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let other = s.create(&Stack::order_id("other"), "10.00", json!({})).await;
    let r = s
        .http
        .get(s.edge_url(&format!(
            "/v1/payments/{}/status?client_secret={}",
            p.id, other.client_secret
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "another payment's secret is no key to this one");
    assert_eq!(s.status(&p).await["status"], "requires_method");
}

#[tokio::test]
async fn the_widget_endpoints_answer_cors_and_the_merchant_api_does_not() {
    let s = Stack::from_env();
    let r = s
        .http
        .request(
            reqwest::Method::OPTIONS,
            s.edge_url("/v1/payments/pay_000000000000000000000000/confirm"),
        )
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let r = s
        .http
        .get(s.edge_url("/v1/payments?order_id=x"))
        .header("origin", "https://shop.example")
        .bearer_auth(MERCHANT_KEY)
        .send()
        .await
        .unwrap();
    assert!(
        r.headers().get("access-control-allow-origin").is_none(),
        "no CORS on the secret-key API"
    );
}
