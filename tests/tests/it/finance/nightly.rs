//! Statements fetched, not uploaded: a merchant with its own bKash account (the sandbox's third
//! TEST-ONLY credential) and a statement URL for it. A run with no upload fetches the day's
//! statement; the nightly cron schedules yesterday's run for every merchant, each in its own
//! object, and it happens on that object's alarm.

use bdpay_tests::{Stack, ADMIN_TOKEN};
use serde_json::json;

use super::{dhaka_day, today, Shop};

#[tokio::test]
async fn a_run_fetches_the_statement_and_the_nightly_cron_reconciles_yesterday() {
    let mut shop = Shop::new("Fetched Statement Shop").await;
    let put = reqwest::Method::PUT;
    let (status, c) = shop
        .s
        .call(
            put.clone(),
            ADMIN_TOKEN,
            &format!("/admin/merchants/{}/credentials/bkash", shop.id),
            Some(json!({ "mode": "test", "username": "testOnlyTokenizedUser04",
                         "password": "testOnlyTokenizedUser04@12345", "app_key": "testonly0third00appkey0004",
                         "app_secret": "testonly0third00appsecret0not0issued0by0bkash000004" })),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    let url = shop
        .s
        .sandbox_url("/__control/statements/bkash/{date}?format=csv&merchant=testOnlyTokenizedUser04");
    // A URL without {date} is refused; then the right one.
    let settings = format!("/admin/merchants/{}/finance", shop.id);
    let (status, e) = shop
        .s
        .call(
            put.clone(),
            ADMIN_TOKEN,
            &settings,
            Some(json!({ "mode": "test", "statement_urls": { "bkash": "http://127.0.0.1:1/x" } })),
        )
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{e}"
    );
    let (status, set) = shop
        .s
        .call(
            put,
            ADMIN_TOKEN,
            &settings,
            Some(json!({ "mode": "test", "statement_urls": { "bkash": url } })),
        )
        .await;
    assert_eq!(status, 200, "{set}");

    let day = today();
    let paid = shop.pay("bkash", &Stack::amount(820), "01770618576", json!({})).await;
    let report = shop.run(&day).await;
    assert_eq!(report["statements"]["bkash"]["source"], "fetched", "{report}");
    assert_eq!(
        report["statements"]["bkash"]["lines"], 1,
        "only this merchant's account: {report}"
    );
    assert_eq!(report["summary"]["matched"], 1, "{report}");
    assert_eq!(report["items"][0]["payment_id"], paid.as_str());
    assert_eq!(report["status"], "complete");

    // The nightly run: yesterday, scheduled for every merchant, done on the object's alarm.
    let yesterday = dhaka_day(bdpay_tests::now_ms() - 86_400_000);
    let r = shop
        .s
        .http
        .get(shop.s.edge_url("/__scheduled?cron=0+21+*+*+*"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let nightly = loop {
        let (status, body) = shop.get(&format!("/v1/reconciliation/{yesterday}")).await;
        if status == 200 {
            break body;
        }
        assert!(
            std::time::Instant::now() < end,
            "no nightly report for {yesterday}: {status} {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    assert_eq!(nightly["statements"]["bkash"]["source"], "fetched", "{nightly}");
    assert_eq!(nightly["status"], "complete", "{nightly}");
}
