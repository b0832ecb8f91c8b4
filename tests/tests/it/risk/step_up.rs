//! Step-up: a device paying with a fourth phone number in a day gets a code by SMS (the
//! sandbox's gateway), and the wallet's page only after the right code; three wrong codes
//! refuse the payment. A large bKash payment from outside Dhaka division is stepped up too.

use bdpay_tests::Stack;
use serde_json::json;

use super::{fresh_device, fresh_phone, last_code, rules};
use crate::finance::Shop;

#[tokio::test]
async fn a_device_with_four_phones_is_stepped_up_and_the_code_from_the_sms_lets_it_pay() {
    let shop = Shop::new("Risk device phones").await;
    let device = fresh_device();
    for _ in 0..3 {
        let t = shop
            .try_pay(
                &Stack::amount(100),
                json!({ "provider": "nagad", "customer_phone": fresh_phone(), "device_id": device }),
            )
            .await;
        assert_eq!(t.status, 200, "{}", t.answer);
    }
    let phone = fresh_phone();
    let t = shop
        .try_pay(
            &Stack::amount(100),
            json!({ "provider": "nagad", "customer_phone": phone, "device_id": device }),
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.answer);
    let next = &t.answer["next_action"];
    assert_eq!(next["type"], "otp", "{}", t.answer);
    assert_eq!(next["tries_left"], 3);
    assert_eq!(next["sent_to"], format!("01XX{}", &phone[7..]));
    assert!(t.answer["redirect_url"].is_null(), "no wallet page before the code");
    let p = shop.payment(&t.id).await;
    assert_eq!(p["risk"]["decision"], "step_up", "{p}");
    assert!(rules(&p).contains(&"device_phones".to_owned()), "{p}");
    // The widget's status shows the same step while it waits.
    let s = shop.widget_status(&t.id, &t.secret).await;
    assert_eq!(s["next_action"]["type"], "otp", "{s}");

    let code = last_code(&shop.s, &phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, e) = shop.otp(&t.id, &t.secret, wrong).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("otp_incorrect")),
        "{e}"
    );
    assert_eq!(e["error"]["tries_left"], 2);
    let (status, ok) = shop.otp(&t.id, &t.secret, &code).await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(ok["provider"], "nagad");
    assert!(ok["redirect_url"].as_str().unwrap().contains("/nagad/"), "{ok}");
    // The code is spent: the same page again on a second confirm, no new code.
    let sms_before = shop.s.sms_to(&phone).await.len();
    let (status, again, _) = shop
        .confirm_raw(
            &t.id,
            &t.secret,
            json!({ "provider": "nagad", "customer_phone": phone, "device_id": device }),
            None,
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["redirect_url"], ok["redirect_url"]);
    assert_eq!(shop.s.sms_to(&phone).await.len(), sms_before);
}

#[tokio::test]
async fn three_wrong_codes_refuse_the_payment() {
    let shop = Shop::new("Risk wrong codes").await;
    // Every new customer is stepped up at this shop.
    shop.settings(json!({ "risk": { "step_up_score": 20 } })).await;
    let phone = fresh_phone();
    let t = shop
        .try_pay(
            &Stack::amount(100),
            json!({ "provider": "bkash", "customer_phone": phone }),
        )
        .await;
    assert_eq!(t.answer["next_action"]["type"], "otp", "{}", t.answer);
    let code = last_code(&shop.s, &phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in [2, 1] {
        let (status, e) = shop.otp(&t.id, &t.secret, wrong).await;
        assert_eq!(status, 400, "{e}");
        assert_eq!(e["error"]["tries_left"], left);
    }
    let (status, e) = shop.otp(&t.id, &t.secret, wrong).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (403, Some("risk_blocked")),
        "{e}"
    );
    // Locked: the right code, and a new confirm, are refused too.
    let (status, _) = shop.otp(&t.id, &t.secret, &code).await;
    assert_eq!(status, 403);
    let (status, e, _) = shop
        .confirm_raw(
            &t.id,
            &t.secret,
            json!({ "provider": "bkash", "customer_phone": phone }),
            None,
        )
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (403, Some("risk_blocked")),
        "{e}"
    );
    assert!(shop.payment(&t.id).await["attempts"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_large_bkash_payment_from_outside_dhaka_is_stepped_up_not_declined() {
    let shop = Shop::new("Risk geography").await;
    shop.settings(json!({ "risk": { "new_customer_max": null } })).await;
    let body = json!({ "order_id": Stack::order_id("geo"), "amount": "15000.00" });
    let (_, p) = shop.call(reqwest::Method::POST, "/v1/payments", Some(body)).await;
    let (id, secret) = (p["id"].as_str().unwrap(), p["client_secret"].as_str().unwrap());
    let phone = fresh_phone();
    let confirm = json!({ "provider": "bkash", "customer_phone": phone });
    let (status, a, _) = shop.confirm_raw(id, secret, confirm.clone(), Some("BD-B")).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["next_action"]["type"], "otp", "{a}");
    assert!(rules(&shop.payment(id).await).contains(&"geography".to_owned()));
    // The same amount from Dhaka division goes straight to the wallet's page.
    let body = json!({ "order_id": Stack::order_id("geo"), "amount": "15000.00" });
    let (_, p) = shop.call(reqwest::Method::POST, "/v1/payments", Some(body)).await;
    let (id, secret) = (p["id"].as_str().unwrap(), p["client_secret"].as_str().unwrap());
    let (status, a, _) = shop.confirm_raw(id, secret, confirm, Some("BD-C")).await;
    assert_eq!(status, 200, "{a}");
    assert!(a["redirect_url"].as_str().is_some(), "Dhaka: no step-up: {a}");
}
