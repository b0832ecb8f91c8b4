//! An uploaded statement with one line dropped, one amount changed, one line added and one
//! line's ids blanked gives exactly one item of each kind (the blanked one matched fuzzily at
//! ≥ 0.95); the difference is far above 2 %: `alarm`, `reconciliation.alarm` reaches the
//! merchant's endpoint (signed, verified by the demo receiver) and its ops phone gets one P1 SMS,
//! once however often it runs.

use bdpay_tests::{Stack, ADMIN_TOKEN, DEMO_WEBHOOK_SECRET};
use serde_json::{json, Value};

use super::{items, today, Shop};

/// The bKash export's columns this test edits.
const TRX: usize = 1;
const PAYMENT_ID: usize = 2;
const INVOICE: usize = 3;
const AMOUNT: usize = 4;
const NET: usize = 6;
/// This merchant's ops phone for P1 alerts (TEST number; no other test uses it).
const OPS_PHONE: &str = "01911000077";

#[tokio::test]
async fn each_edit_of_a_statement_is_exactly_one_item_and_the_difference_raises_the_alarm() {
    let mut shop = Shop::new("Edited Statement Shop").await;
    let day = today();
    let receiver = shop.s.edge_url("/demo/webhooks");
    let (status, endpoint) = shop
        .call(
            reqwest::Method::POST,
            "/v1/webhook_endpoints",
            Some(json!({ "url": receiver, "events": ["reconciliation.alarm"], "secret": DEMO_WEBHOOK_SECRET })),
        )
        .await;
    assert_eq!(status, 201, "{endpoint}");
    let (status, a) = shop
        .s
        .call(
            reqwest::Method::PUT,
            ADMIN_TOKEN,
            &format!("/admin/merchants/{}/alerts", shop.id),
            Some(json!({ "sms": [OPS_PHONE] })),
        )
        .await;
    assert_eq!(status, 200, "{a}");
    let wallets = bdpay_tests::BKASH_PAYING_WALLETS;
    let mut ids = Vec::new();
    for (i, wallet) in wallets.iter().take(5).enumerate() {
        ids.push(
            shop.pay("bkash", &Stack::amount(500 + i as u32 * 10), wallet, json!({}))
                .await,
        );
    }
    let csv = shop.statement("bkash", &day).await;
    let mut rows: Vec<Vec<String>> = csv.lines().map(|l| l.split(',').map(str::to_owned).collect()).collect();
    assert_eq!(rows.len(), 6, "{csv}");
    let row_of = |rows: &[Vec<String>], id: &str| rows.iter().position(|r| r[INVOICE] == id).unwrap();
    // Dropped: ids[0]. Changed: ids[1] + 10.00. Blanked: ids[2]. Added: a line nobody made.
    let dropped = row_of(&rows, &ids[0]);
    rows.remove(dropped);
    let changed = row_of(&rows, &ids[1]);
    let old = bdpay_shared::money::parse_poisha(&rows[changed][AMOUNT]).unwrap();
    let net = bdpay_shared::money::parse_poisha(&rows[changed][NET]).unwrap();
    rows[changed][AMOUNT] = bdpay_shared::money::signed_text(old + 1_000);
    rows[changed][NET] = bdpay_shared::money::signed_text(net + 1_000);
    let blanked = row_of(&rows, &ids[2]);
    rows[blanked][TRX] = String::new();
    rows[blanked][PAYMENT_ID] = String::new();
    let mut added = rows[1].clone();
    added[TRX] = "ZZ9ADDED01".into();
    added[PAYMENT_ID] = "TR0011NOTOURS".into();
    added[INVOICE] = "pay_not_ours".into();
    // Large enough that the day differs by far more than 2 %.
    added[AMOUNT] = "5000.00".into();
    added[AMOUNT + 1] = "0.00".into();
    added[NET] = "5000.00".into();
    rows.push(added);
    let edited = rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\r\n") + "\r\n";
    let (status, held) = shop.upload("bkash", &day, &edited).await;
    assert_eq!(status, 200, "{held}");

    let report = shop.run(&day).await;
    let one = |kind: &str| {
        let found = items(&report, kind);
        assert_eq!(found.len(), 1, "{kind}: {report}");
        found[0].clone()
    };
    assert_eq!(one("missing_at_provider")["payment_id"], ids[0].as_str());
    let mismatch = one("amount_mismatch");
    assert_eq!(mismatch["payment_id"], ids[1].as_str());
    assert_ne!(mismatch["amount_ledger"], mismatch["amount_statement"]);
    let fuzzy = one("fuzzy_matched");
    assert_eq!(fuzzy["payment_id"], ids[2].as_str());
    assert!(fuzzy["confidence"].as_f64().unwrap() >= 0.95, "{fuzzy}");
    assert_eq!(one("missing_in_ledger")["trx_id"], "ZZ9ADDED01");
    assert_eq!(items(&report, "needs_review").len(), 0);
    assert_eq!(report["summary"]["matched"], 2, "{report}");
    assert_eq!(report["alarm"], true, "{report}");
    assert!(report["summary"]["difference_ratio"].as_str().unwrap() > "0.0200");

    // Run again: the same report, and still one alarm event (its id is the day's).
    let again = shop.run(&day).await;
    assert_eq!(again["summary"], report["summary"]);
    let event = wait_delivered(&shop).await;
    assert_eq!(event["data"]["object"]["date"], day.as_str());
    let (_, events) = shop.get("/v1/events?type=reconciliation.alarm").await;
    assert_eq!(events["data"].as_array().unwrap().len(), 1, "{events}");
    let sms = shop.s.sms_to(OPS_PHONE).await;
    assert_eq!(sms.len(), 1, "one P1 SMS for the alarm, not one per run: {sms:?}");
    assert!(sms[0].contains("reconciliation report"), "{sms:?}");
}

/// The alarm event, once the merchant's endpoint answered 2xx.
async fn wait_delivered(shop: &Shop) -> Value {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (_, events) = shop.get("/v1/events?type=reconciliation.alarm").await;
        let event = events["data"][0].clone();
        let delivered = event["attempts"].as_array().is_some_and(|a| {
            a.iter()
                .any(|t| t["http_status"].as_u64().is_some_and(|s| (200..300).contains(&s)))
        });
        if delivered {
            return event;
        }
        assert!(std::time::Instant::now() < end, "never delivered: {events}");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}
