//! Where the money goes: payees (bank accounts, checked routing numbers, shares), the day's
//! settlement per provider, and the BEFTN bulk-credit file of settleable (matched) money per
//! payee, whose trailer equals the settleable net. A marketplace payment names its seller.

use bdpay_tests::Stack;
use serde_json::{json, Value};

use super::{settlement_day, today, Shop};

/// Valid routing numbers (docs/beftn.md): TEST values, no real branch is meant.
pub const ROUTING_A: &str = "090261233";
pub const ROUTING_B: &str = "225151239";

#[tokio::test]
async fn the_bulk_credit_file_pays_out_the_settleable_net_per_payee() {
    let mut shop = Shop::new("Marketplace Shop").await;
    // Its payments of Tk 2,900 and 3,200 come without a phone: the new-customer cap is off here.
    shop.settings(json!({ "risk": { "new_customer_max": null } })).await;
    let post = reqwest::Method::POST;
    let payee = |name: &str, account: &str, routing: &str, share: Option<&str>| json!({ "name": name, "account_number": account, "routing_number": routing, "share": share });
    // Refused: a routing number that is not 9 digits, shares above 100 %.
    let (status, e) = shop
        .call(
            post.clone(),
            "/v1/payees",
            Some(payee("X", "0123456789", "12345", None)),
        )
        .await;
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("routing_number"),
        "{e}"
    );
    let (status, shop_payee) = shop
        .call(
            post.clone(),
            "/v1/payees",
            Some(payee("Marketplace Ltd", "1234567890123", ROUTING_A, Some("100"))),
        )
        .await;
    assert_eq!(status, 201, "{shop_payee}");
    assert_eq!(shop_payee["account_number_last4"], "0123");
    assert!(
        !shop_payee.to_string().contains("1234567890123"),
        "the account number is never shown"
    );
    let (status, e) = shop
        .call(
            post.clone(),
            "/v1/payees",
            Some(payee("Too Much", "555", ROUTING_B, Some("1"))),
        )
        .await;
    assert_eq!(status, 400, "shares over 100 %: {e}");
    let (status, seller) = shop
        .call(
            post,
            "/v1/payees",
            Some(payee("Seller Two", "98765432", ROUTING_B, None)),
        )
        .await;
    assert_eq!(status, 201, "{seller}");
    let seller_id = seller["id"].as_str().unwrap().to_owned();

    let day = today();
    let a = shop.pay("bkash", &Stack::amount(3200), "01770618575", json!({})).await;
    let _b = shop
        .pay(
            "bkash",
            &Stack::amount(2900),
            "01929918378",
            json!({ "payee": seller_id }),
        )
        .await;
    let _c = shop
        .pay(
            "nagad",
            &Stack::amount(1500),
            "01711000001",
            json!({ "payee": seller_id }),
        )
        .await;
    shop.refund(&a, "200.00").await;
    // Nothing is settleable before reconciliation: the file is empty.
    let (status, empty) = shop.get(&format!("/v1/settlements/{day}/beps?format=json")).await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty["trailer"], json!({ "count": 0, "total": "0.00" }));

    for provider in ["bkash", "nagad"] {
        let csv = shop.statement(provider, &day).await;
        assert_eq!(shop.upload(provider, &day, &csv).await.0, 200);
    }
    let report = shop.run(&day).await;
    assert_eq!(report["summary"]["matched"], 4, "{report}");

    // Paid after the providers' 23:00 cut-off, the money settles on the next day (both
    // providers close at the same hour).
    let day = settlement_day(bdpay_shared::provider::Provider::Bkash, bdpay_tests::now_ms());
    let (status, settlement) = shop.get(&format!("/v1/settlements/{day}")).await;
    assert_eq!(status, 200, "{settlement}");
    let net = |p: &str| bdpay_shared::money::parse_poisha(settlement["providers"][p]["net"].as_str().unwrap()).unwrap();
    for p in ["bkash", "nagad"] {
        let s = &settlement["providers"][p];
        let poisha = |f: &str| bdpay_shared::money::parse_poisha(s[f].as_str().unwrap()).unwrap();
        assert_eq!(
            poisha("gross") - poisha("fees") - poisha("refunds"),
            poisha("net"),
            "{settlement}"
        );
        assert!(poisha("fees") > 0, "{settlement}");
    }
    // bKash's day is above its 5,000 minimum: credited, a time given.
    assert!(
        settlement["providers"]["bkash"]["expected_credit_at"].is_string(),
        "{settlement}"
    );
    assert_eq!(settlement["providers"]["bkash"]["carried_over"], "0.00");

    let (status, file) = shop.get(&format!("/v1/settlements/{day}/beps?format=json")).await;
    assert_eq!(status, 200, "{file}");
    let credits = file["credits"].as_array().unwrap();
    assert_eq!(credits.len(), 2, "{file}");
    let amount = |c: &Value| bdpay_shared::money::parse_poisha(c["amount"].as_str().unwrap()).unwrap();
    let total: i64 = credits.iter().map(amount).sum();
    assert_eq!(file["trailer"]["count"], 2);
    assert_eq!(
        bdpay_shared::money::parse_poisha(file["trailer"]["total"].as_str().unwrap()).unwrap(),
        total
    );
    assert_eq!(
        total,
        net("bkash") + net("nagad"),
        "the file pays out the settleable net: {file} {settlement}"
    );
    let to_seller = credits.iter().find(|c| c["payee"] == seller_id.as_str()).unwrap();
    assert_eq!(to_seller["account_number"], "98765432");
    assert_eq!(to_seller["routing_number"], ROUTING_B);

    // The file itself: a header, one line per credit, a trailer with the same count and total.
    let (status, text) = shop.get_text(&format!("/v1/settlements/{day}/beps")).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    // The trailer (docs/beftn.md): record type, count (6 digits), total in poisha (18 digits).
    assert_eq!(lines[3].get(1..7), Some("000002"), "{text}");
    assert_eq!(lines[3].get(7..25), Some(format!("{total:018}").as_str()), "{text}");

    // The calendar for the coming two weeks names weekends.
    let (status, cal) = shop.get(&format!("/v1/settlements/calendar?from={day}&days=14")).await;
    assert_eq!(status, 200, "{cal}");
    let days = cal["days"].as_array().unwrap();
    assert_eq!(days.len(), 14);
    assert!(days.iter().any(|d| d["business_day"] == false), "{cal}");
}
