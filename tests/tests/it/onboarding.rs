//! Onboarding through the admin API (`bdpay-admin` drives the same routes): a second merchant
//! whose payments and the demo merchant's never see each other, a read-only key that only
//! reads, and a revoked key refused at once. `make test`'s dev secrets hold a TEST admin token.

mod cli;

use bdpay_tests::{Stack, ADMIN_TOKEN, MERCHANT_KEY};
use serde_json::json;

#[tokio::test]
async fn a_second_merchant_sees_only_its_own_payments_and_a_revoked_key_stops_at_once() {
    let s = Stack::from_env();
    let (get, post) = (reqwest::Method::GET, reqwest::Method::POST);
    // Not the operator: refused.
    let (status, _) = s
        .call(
            post.clone(),
            MERCHANT_KEY,
            "/admin/merchants",
            Some(json!({ "name": "X" })),
        )
        .await;
    assert_eq!(status, 401);
    let (status, m) = s
        .call(
            post.clone(),
            ADMIN_TOKEN,
            "/admin/merchants",
            Some(json!({ "name": "Second Shop" })),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    let merchant = m["id"].as_str().unwrap().to_owned();
    let keys = format!("/admin/merchants/{merchant}/keys");
    let (status, k) = s
        .call(post.clone(), ADMIN_TOKEN, &keys, Some(json!({ "mode": "test" })))
        .await;
    assert_eq!(status, 201, "{k}");
    let key = k["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("sk_test_") && key.len() == 8 + 33, "{key}");
    let (_, r) = s
        .call(
            post.clone(),
            ADMIN_TOKEN,
            &keys,
            Some(json!({ "mode": "test", "read_only": true })),
        )
        .await;
    let read_key = r["key"].as_str().unwrap().to_owned();
    assert!(read_key.starts_with("rk_test_"));

    // Each merchant's payments are its own.
    let order = Stack::order_id("onboard");
    let body = json!({ "order_id": order, "amount": "10.00" });
    let (status, theirs) = s.call(post.clone(), &key, "/v1/payments", Some(body.clone())).await;
    assert_eq!(status, 201, "{theirs}");
    let theirs = theirs["id"].as_str().unwrap().to_owned();
    let ours = s.create(&order, "10.00", json!({})).await;
    assert_eq!(
        s.call(get.clone(), MERCHANT_KEY, &format!("/v1/payments/{theirs}"), None)
            .await
            .0,
        404
    );
    assert_eq!(
        s.call(get.clone(), &key, &format!("/v1/payments/{}", ours.id), None)
            .await
            .0,
        404
    );
    let (_, list) = s
        .call(get.clone(), &key, &format!("/v1/payments?order_id={order}"), None)
        .await;
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [theirs.as_str()],
        "the same order id at two merchants: each sees its own"
    );

    // The read-only key reads, and may not write.
    assert_eq!(
        s.call(get.clone(), &read_key, &format!("/v1/payments/{theirs}"), None)
            .await
            .0,
        200
    );
    let (status, e) = s.call(post.clone(), &read_key, "/v1/payments", Some(body)).await;
    assert_eq!((status, e["error"]["code"].as_str()), (403, Some("forbidden")), "{e}");

    // Listed with prefixes, never keys; then revoked: refused at once.
    let (_, all) = s.call(get.clone(), ADMIN_TOKEN, "/admin/merchants", None).await;
    assert!(!all.to_string().contains(&key), "a key is never shown again");
    let id = k["id"].as_str().unwrap();
    let (status, _) = s
        .call(post.clone(), ADMIN_TOKEN, &format!("/admin/keys/{id}/revoke"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(s.call(get, &key, &format!("/v1/payments/{theirs}"), None).await.0, 401);
}
