//! The dev configuration's webhooks: an endpoint registered with a secret the merchant
//! brings (as `make dev` registers the demo shop's), and the demo shop's receiver, which
//! verifies every `BdPay-Signature` as a merchant's server should and refuses a forged one.

use bdpay_shared::signature;
use bdpay_tests::{Stack, DEMO_WEBHOOK_SECRET};
use serde_json::{json, Value};

use crate::flow::{pay, Shopper};

#[tokio::test]
async fn the_demo_receiver_verifies_what_an_endpoint_with_a_brought_secret_sends() {
    let s = Stack::from_env();
    let url = s.edge_url("/demo/webhooks");
    let r = s
        .merchant_post(
            "/v1/webhook_endpoints",
            &json!({ "url": url, "events": ["payment.succeeded"], "secret": DEMO_WEBHOOK_SECRET }),
            None,
        )
        .await;
    assert_eq!(r.status(), 201);
    let endpoint: Value = r.json().await.unwrap();
    assert_eq!(
        endpoint["secret"], DEMO_WEBHOOK_SECRET,
        "the brought secret, shown once"
    );

    let paid = pay(&s, "nagad", &Stack::amount(330), Shopper::Pays("01711000001")).await;
    let id = paid.payment.id.clone();
    let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let got = loop {
        let r = s
            .http
            .get(s.edge_url(&format!("/demo/webhooks?payment={id}")))
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        let data = body["data"].as_array().cloned().unwrap_or_default();
        if !data.is_empty() || std::time::Instant::now() > end {
            break data;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    };
    let _ = s
        .http
        .delete(s.edge_url(&format!("/v1/webhook_endpoints/{}", endpoint["id"].as_str().unwrap())))
        .bearer_auth(bdpay_tests::MERCHANT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0]["type"].as_str(), got[0]["status"].as_str()),
        (Some("payment.succeeded"), Some("succeeded"))
    );
}

#[tokio::test]
async fn the_demo_receiver_refuses_a_forged_or_stale_signature_and_a_weak_secret_is_refused() {
    let s = Stack::from_env();
    let body = br#"{"id":"evt_forged","type":"payment.succeeded","created":1,"data":{"object":{"id":"pay_x"}}}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let post = |header: String| {
        s.http
            .post(s.edge_url("/demo/webhooks"))
            .header("BdPay-Signature", header)
            .body(body.to_vec())
            .send()
    };
    let forged = signature::sign(b"whsec_not_the_demo_secret_at_all_000000", now, body);
    assert_eq!(post(forged).await.unwrap().status(), 401);
    let stale = signature::sign(DEMO_WEBHOOK_SECRET.as_bytes(), now - 3600, body);
    assert_eq!(post(stale).await.unwrap().status(), 401);
    let good = signature::sign(DEMO_WEBHOOK_SECRET.as_bytes(), now, body);
    assert_eq!(
        post(good).await.unwrap().status(),
        200,
        "the control: a good signature passes"
    );

    let r = s
        .merchant_post(
            "/v1/webhook_endpoints",
            &json!({ "url": "http://127.0.0.1:9/x", "events": ["*"], "secret": "whsec_short" }),
            None,
        )
        .await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "invalid_request", "{e}");
}
