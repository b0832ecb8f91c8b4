//! Failover inside one checkout: when the wallet chosen does not answer the start (a 5xx at
//! bKash's create), the same confirm goes to the other wallet for the same payment, order and
//! amount, and says so (`reason: failover`, `failover_from`); a merchant who turned failover
//! off gets the error instead. The faults here name this test's own invoice, so tests running
//! beside it never see them. Provider health (`down` wallets) is in `health.rs`.

use std::time::Duration;

use bdpay_tests::{follow_return, nagad_page, Stack};
use serde_json::json;

/// A fault on bKash's create for this payment only (its invoice is the payment id).
async fn create_fails(s: &Stack, payment_id: &str, status: u16) {
    s.fault(json!({ "provider": "bkash", "op": "create", "reference": payment_id,
                    "fault": { "kind": "status", "status": status } }))
        .await;
}

#[tokio::test]
async fn bkash_answering_502_at_create_sends_the_same_confirm_to_nagad_which_pays() {
    let s = Stack::from_env();
    let p = s
        .create(&Stack::order_id("failover"), &Stack::amount(410), json!({}))
        .await;
    create_fails(&s, &p.id, 502).await;
    let (code, confirmed) = s.confirm(&p, Some("bkash")).await;
    assert_eq!(code, 200, "{confirmed}");
    assert_eq!(confirmed["provider"], "nagad", "{confirmed}");
    assert_eq!(confirmed["reason"]["code"], "failover", "{confirmed}");
    assert_eq!(confirmed["failover_from"], "bkash", "{confirmed}");
    assert!(confirmed["reason"]["message_bn"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    // The shopper pays on Nagad's page and comes back: paid once, through Nagad.
    let back = nagad_page(
        &s.http,
        confirmed["redirect_url"].as_str().unwrap(),
        "01711000001",
        false,
    )
    .await;
    follow_return(&s.http, &back).await;
    assert_eq!(s.wait_final(&p, Duration::from_secs(30)).await["status"], "succeeded");
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{}", p.id)).await;
    assert_eq!(payment["provider"], "nagad", "{payment}");
    let attempts = payment["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1, "bKash never started a page: {payment}");
    assert_eq!(
        (attempts[0]["reason"].as_str(), attempts[0]["failover_from"].as_str()),
        (Some("failover"), Some("bkash")),
        "{payment}"
    );
}

#[tokio::test]
async fn with_failover_off_the_shopper_gets_the_wallets_error() {
    let s = Stack::from_env();
    let p = s
        .create(
            &Stack::order_id("no-failover"),
            &Stack::amount(411),
            json!({ "allow_failover": false }),
        )
        .await;
    assert_eq!(p.body["allow_failover"], false, "{}", p.body);
    create_fails(&s, &p.id, 503).await;
    let (code, e) = s.confirm(&p, Some("bkash")).await;
    assert_eq!(
        (code, e["error"]["code"].as_str()),
        (503, Some("provider_unavailable")),
        "{e}"
    );
    // Nothing started anywhere; the shopper may try again (or choose Nagad) on the same payment.
    let (code, at_nagad) = s.confirm(&p, Some("nagad")).await;
    assert_eq!(
        (code, at_nagad["reason"]["code"].as_str()),
        (200, Some("shopper_choice")),
        "{at_nagad}"
    );
}
