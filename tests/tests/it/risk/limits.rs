//! The refusing rules at their defaults: bKash's cap, the new customer's cap, the phone's
//! velocity (429 with Retry-After), the blocklist (own and shared).

use bdpay_tests::Stack;
use serde_json::json;

use super::{fresh_phone, rules};
use crate::finance::Shop;

#[tokio::test]
async fn a_60000_taka_bkash_payment_is_refused_with_the_reason() {
    let shop = Shop::new("Risk bKash cap").await;
    let t = shop
        .try_pay(
            "60000.00",
            json!({ "provider": "bkash", "customer_phone": fresh_phone() }),
        )
        .await;
    assert_eq!(t.status, 402, "{}", t.answer);
    assert_eq!(t.answer["error"]["code"], "amount_over_limit");
    let msg = t.answer["error"]["message"].as_str().unwrap();
    assert!(msg.contains("bKash") && msg.contains("50,000"), "{msg}");
    assert!(!t.answer["error"]["message_bn"].as_str().unwrap().is_empty());
    let p = shop.payment(&t.id).await;
    assert_eq!(rules(&p), ["bkash_limit"], "{p}");
    assert!(
        p["attempts"].as_array().unwrap().is_empty(),
        "no wallet page was started"
    );
    // The widget is told bKash cannot take it; Nagad can.
    let s = shop.widget_status(&t.id, &t.secret).await;
    assert_eq!(s["providers"][0]["provider"], "bkash");
    assert_eq!(s["providers"][0]["available"], false, "{s}");
    assert_eq!(s["providers"][1]["available"], true, "{s}");
}

#[tokio::test]
async fn a_new_customers_3000_taka_payment_is_refused_and_allowed_after_three_successes() {
    let mut shop = Shop::new("Risk new customer").await;
    let phone = fresh_phone();
    let t = shop
        .try_pay("3000.00", json!({ "provider": "nagad", "customer_phone": phone }))
        .await;
    assert_eq!(t.status, 403, "{}", t.answer);
    assert_eq!(t.answer["error"]["code"], "risk_blocked");
    let p = shop.payment(&t.id).await;
    assert_eq!(p["risk"]["decision"], "block", "{p}");
    assert!(rules(&p).contains(&"new_customer_cap".to_owned()), "{p}");
    let reason = &p["risk"]["reasons"][0];
    assert!(!reason["message"].as_str().unwrap().is_empty() && !reason["message_bn"].as_str().unwrap().is_empty());
    // Three paid payments later the phone is no longer new.
    for _ in 0..3 {
        shop.pay_with_phone("nagad", &Stack::amount(150), "01711000001", &phone)
            .await;
    }
    let t = shop
        .try_pay("3000.00", json!({ "provider": "nagad", "customer_phone": phone }))
        .await;
    assert_eq!(t.status, 200, "{}", t.answer);
    assert!(t.answer["redirect_url"].as_str().is_some());
    assert_eq!(shop.payment(&t.id).await["risk"]["decision"], "allow");
}

#[tokio::test]
async fn the_eleventh_payment_from_one_phone_in_ten_minutes_is_rate_limited() {
    let shop = Shop::new("Risk velocity").await;
    let phone = fresh_phone();
    for i in 0..10 {
        let t = shop
            .try_pay(
                &Stack::amount(100),
                json!({ "provider": "nagad", "customer_phone": phone }),
            )
            .await;
        assert_eq!(t.status, 200, "payment {i}: {}", t.answer);
    }
    let t = shop
        .try_pay(
            &Stack::amount(100),
            json!({ "provider": "nagad", "customer_phone": phone }),
        )
        .await;
    assert_eq!(t.status, 429, "{}", t.answer);
    let e = &t.answer["error"];
    assert_eq!(e["code"], "rate_limited");
    assert_eq!(e["retryable"], true);
    assert_eq!(e["retry_after"], 600);
    assert_eq!(t.retry_after.as_deref(), Some("600"));
    assert!(!e["message_bn"].as_str().unwrap().is_empty());
    assert!(rules(&shop.payment(&t.id).await).contains(&"phone_count".to_owned()));
    // Another phone at the same shop is not held back.
    let other = shop
        .try_pay(
            &Stack::amount(100),
            json!({ "provider": "nagad", "customer_phone": fresh_phone() }),
        )
        .await;
    assert_eq!(other.status, 200, "{}", other.answer);
}

#[tokio::test]
async fn a_blocked_phone_is_refused_here_and_where_the_list_is_shared() {
    let shop = Shop::new("Risk blocklist").await;
    let other = Shop::new("Risk blocklist neighbour").await;
    let phone = fresh_phone();
    let (status, e) = shop
        .call(
            reqwest::Method::POST,
            "/v1/blocklist",
            Some(json!({ "phone": phone, "reason": "chargeback" })),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    let id = e["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("blk_"));
    let (_, list) = shop.get("/v1/blocklist").await;
    let text = list.to_string();
    assert!(!text.contains(&phone[3..]), "the list never holds the number: {text}");
    assert_eq!(list["data"][0]["id"], id.as_str());
    assert_eq!(list["data"][0]["phone"], format!("01XX{}", &phone[7..]));
    // Listed twice: the same entry.
    let (status, again) = shop
        .call(reqwest::Method::POST, "/v1/blocklist", Some(json!({ "phone": phone })))
        .await;
    assert_eq!((status, again["id"].as_str()), (200, Some(id.as_str())));

    let t = shop
        .try_pay(
            &Stack::amount(100),
            json!({ "provider": "nagad", "customer_phone": phone }),
        )
        .await;
    assert_eq!(
        (t.status, t.answer["error"]["code"].as_str()),
        (403, Some("risk_blocked")),
        "{}",
        t.answer
    );
    assert!(rules(&shop.payment(&t.id).await).contains(&"blocklist".to_owned()));
    // Not shared: the neighbour takes the phone.
    let t = other
        .try_pay(
            &Stack::amount(100),
            json!({ "provider": "nagad", "customer_phone": phone }),
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.answer);
    // Both share: the neighbour refuses it too.
    shop.settings(json!({ "shared_blocklist": true })).await;
    other.settings(json!({ "shared_blocklist": true })).await;
    let t = other
        .try_pay(
            &Stack::amount(100),
            json!({ "provider": "nagad", "customer_phone": phone }),
        )
        .await;
    assert_eq!(t.status, 403, "{}", t.answer);
    // Removed: the phone pays again.
    let (status, _) = shop
        .call(reqwest::Method::DELETE, &format!("/v1/blocklist/{id}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, _) = shop
        .call(reqwest::Method::DELETE, &format!("/v1/blocklist/{id}"), None)
        .await;
    assert_eq!(status, 404);
    let t = shop
        .try_pay(
            &Stack::amount(100),
            json!({ "provider": "nagad", "customer_phone": phone }),
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.answer);
}
