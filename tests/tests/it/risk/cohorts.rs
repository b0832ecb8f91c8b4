//! Grey release: a 20 % rollout puts a stable share of orders in the variant; the payment
//! records its cohort and the cohort report counts checkouts, successes and refunds.

use bdpay_tests::Stack;
use serde_json::json;

use super::fresh_phone;
use crate::finance::Shop;

#[tokio::test]
async fn cohorts_are_recorded_and_reported() {
    let mut shop = Shop::new("Risk cohorts").await;
    shop.settings(json!({ "rollout": { "variant": "smart_routing", "share_bp": 2000 } }))
        .await;
    let mut names = std::collections::BTreeMap::<String, u32>::new();
    for _ in 0..30 {
        let body = json!({ "order_id": Stack::order_id("cohort"), "amount": "100.00" });
        let (status, p) = shop.call(reqwest::Method::POST, "/v1/payments", Some(body)).await;
        assert_eq!(status, 201, "{p}");
        *names.entry(p["cohort"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let paid = shop
        .pay_with_phone("nagad", &Stack::amount(120), "01711000001", &fresh_phone())
        .await;
    let paid_cohort = shop.payment(&paid).await["cohort"].as_str().unwrap().to_owned();
    *names.entry(paid_cohort.clone()).or_default() += 1;
    assert!(
        names.keys().all(|n| n == "control" || n == "smart_routing"),
        "{names:?}"
    );

    let day = crate::finance::today();
    let (status, r) = shop.get(&format!("/v1/analytics/cohorts?from={day}&to={day}")).await;
    assert_eq!(status, 200, "{r}");
    let rows = r["cohorts"].as_array().unwrap();
    let total: u64 = rows.iter().map(|c| c["checkouts"].as_u64().unwrap()).sum();
    assert_eq!(total, 31, "{r}");
    for c in rows {
        let name = c["name"].as_str().unwrap();
        assert_eq!(c["checkouts"].as_u64().unwrap(), u64::from(names[name]), "{r}");
    }
    let with_paid = rows.iter().find(|c| c["name"] == paid_cohort.as_str()).unwrap();
    assert_ne!(with_paid["success_rate"], "0.0000", "{r}");
    assert!(with_paid["median_seconds_to_pay"].is_u64(), "{r}");
    let (status, e) = shop.get("/v1/analytics/cohorts?from=2026-01-02&to=2026-01-01").await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_request")));
}
