//! A key sees only objects of its own mode: a `sk_test_` key gets 404 for a live payment,
//! refund, batch, event and webhook endpoint (and a live key for test ones), and the
//! currency a merchant used to Stripe sends is taken. `make test` seeds a live key and a live
//! event for this (edge/seeds/test.sql, TEST ONLY).

use bdpay_tests::{Stack, MERCHANT_KEY};
use serde_json::{json, Value};

const LIVE_KEY: &str = "sk_live_test_only_demo_0001";
const LIVE_EVENT: &str = "evt_livetestonly000000000000";

#[tokio::test]
async fn create_takes_currency_bdt_in_any_case_and_refuses_any_other() {
    let s = Stack::from_env();
    for currency in ["BDT", "bdt"] {
        let order = Stack::order_id("cur");
        let body = json!({ "order_id": order, "amount": "10.00", "currency": currency });
        let r = s.merchant_post("/v1/payments", &body, None).await;
        let status = r.status().as_u16();
        let p: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{currency}: {p}");
        assert_eq!(p["currency"], "BDT");
    }
    let order = Stack::order_id("cur");
    let body = json!({ "order_id": order, "amount": "10.00", "currency": "USD" });
    let r = s
        .merchant_post("/v1/payments", &body, Some(&format!("k-{order}")))
        .await;
    let status = r.status().as_u16();
    let e: Value = r.json().await.unwrap();
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["code"], "unsupported_currency");
    assert!(e["error"]["message_bn"].as_str().is_some_and(|m| !m.is_empty()));
    let (_, list) = s.merchant_get(&format!("/v1/payments?order_id={order}")).await;
    assert_eq!(list["data"], json!([]), "nothing was written");
}

#[tokio::test]
async fn a_test_key_never_sees_live_objects_nor_a_live_key_test_ones() {
    let s = Stack::from_env();
    let order = Stack::order_id("modes");
    let (status, live) = s
        .call(
            reqwest::Method::POST,
            LIVE_KEY,
            "/v1/payments",
            Some(json!({ "order_id": order, "amount": "10.00" })),
        )
        .await;
    assert_eq!(status, 201, "{live}");
    assert_eq!(live["livemode"], true);
    let pay = live["id"].as_str().unwrap();
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;

    // The payment, its refunds, a refund of it, the order's list.
    assert_eq!(
        s.call(get.clone(), LIVE_KEY, &format!("/v1/payments/{pay}"), None)
            .await
            .0,
        200
    );
    assert_eq!(
        s.call(get.clone(), MERCHANT_KEY, &format!("/v1/payments/{pay}"), None)
            .await
            .0,
        404
    );
    let refunds = format!("/v1/payments/{pay}/refunds");
    assert_eq!(s.call(get.clone(), MERCHANT_KEY, &refunds, None).await.0, 404);
    let (status, e) = s
        .call(post.clone(), MERCHANT_KEY, &refunds, Some(json!({ "amount": "1.00" })))
        .await;
    assert_eq!(status, 404, "{e}");
    let (_, list) = s
        .call(
            get.clone(),
            MERCHANT_KEY,
            &format!("/v1/payments?order_id={order}"),
            None,
        )
        .await;
    assert_eq!(list["data"], json!([]));

    // A live batch.
    let (status, batch) = s
        .call(
            post.clone(),
            LIVE_KEY,
            "/v1/refunds/batch",
            Some(json!([{ "payment_id": pay, "amount": "1.00", "reason": "modes" }])),
        )
        .await;
    assert_eq!(status, 202, "{batch}");
    let batch_path = format!("/v1/refunds/batch/{}", batch["id"].as_str().unwrap());
    assert_eq!(s.call(get.clone(), LIVE_KEY, &batch_path, None).await.0, 200);
    assert_eq!(s.call(get.clone(), MERCHANT_KEY, &batch_path, None).await.0, 404);

    // A live webhook endpoint (registering connects nowhere); deleted before anything is sent.
    let (status, endpoint) = s
        .call(
            post.clone(),
            LIVE_KEY,
            "/v1/webhook_endpoints",
            Some(json!({ "url": "https://hooks.shop.example/bdpay", "events": ["refund.succeeded"] })),
        )
        .await;
    assert_eq!(status, 201, "{endpoint}");
    let endpoint_path = format!("/v1/webhook_endpoints/{}", endpoint["id"].as_str().unwrap());
    assert_eq!(s.call(get.clone(), MERCHANT_KEY, &endpoint_path, None).await.0, 404);
    assert_eq!(
        s.call(reqwest::Method::DELETE, MERCHANT_KEY, &endpoint_path, None)
            .await
            .0,
        404
    );
    assert_eq!(s.call(get.clone(), LIVE_KEY, &endpoint_path, None).await.0, 200);
    assert_eq!(
        s.call(reqwest::Method::DELETE, LIVE_KEY, &endpoint_path, None).await.0,
        200
    );

    // A live event (seeded).
    let redeliver = format!("/v1/events/{LIVE_EVENT}/redeliver");
    assert_eq!(s.call(post.clone(), MERCHANT_KEY, &redeliver, None).await.0, 404);
    let (_, events) = s.call(get.clone(), MERCHANT_KEY, "/v1/events?limit=100", None).await;
    let ids: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert!(!ids.contains(&LIVE_EVENT));
    assert_eq!(s.call(post.clone(), LIVE_KEY, &redeliver, None).await.0, 202);

    // And the other way: a test payment is not the live key's.
    let test = s.create(&Stack::order_id("modes"), "10.00", json!({})).await;
    assert_eq!(
        s.call(get, LIVE_KEY, &format!("/v1/payments/{}", test.id), None)
            .await
            .0,
        404
    );
}
