//! One paid payment per order, also when two payments of one order race: a bKash execute
//! claims the order first (one atomic ledger statement), so of two approved bKash payments
//! of one order exactly one is executed; a Nagad payment, whose money moves on Nagad's own
//! page, that completes after the order was paid is refunded in full as a duplicate.

use std::time::Duration;

use bdpay_tests::{bkash_page, follow_return, nagad_page, Created, Stack};
use serde_json::{json, Value};

use crate::flow::provider_ref;

/// Confirms with bKash and walks the page; returns the edge's return URL, not yet followed.
async fn approved_at_bkash(s: &Stack, p: &Created, wallet: &str) -> String {
    let (code, c) = s.confirm(p, Some("bkash")).await;
    assert_eq!(code, 200, "{c}");
    bkash_page(&s.http, c["redirect_url"].as_str().unwrap(), wallet, false).await
}

#[tokio::test]
async fn of_two_approved_bkash_payments_of_one_order_exactly_one_is_executed() {
    let s = Stack::from_env();
    for round in 0..3 {
        let order = Stack::order_id("race");
        let a = s.create(&order, &Stack::amount(150), json!({})).await;
        let b = s.create(&order, &Stack::amount(150), json!({})).await;
        let (back_a, back_b) = tokio::join!(
            approved_at_bkash(&s, &a, "01770618575"),
            approved_at_bkash(&s, &b, "01929918378"),
        );
        // Both shoppers' browsers come back at the same moment.
        tokio::join!(follow_return(&s.http, &back_a), follow_return(&s.http, &back_b));
        let (fa, fb) = tokio::join!(
            s.wait_final(&a, Duration::from_secs(30)),
            s.wait_final(&b, Duration::from_secs(30)),
        );
        let mut states = [fa["status"].as_str().unwrap(), fb["status"].as_str().unwrap()];
        states.sort_unstable();
        assert_eq!(states, ["failed", "succeeded"], "round {round}: {fa} {fb}");
        let loser = if fa["status"] == "failed" { &fa } else { &fb };
        assert_eq!(loser["error"]["code"], "order_already_paid", "{loser}");
        let mut executed = 0;
        for p in [&a, &b] {
            let reference = provider_ref(&s, p).await;
            executed += s
                .ledger("bkash", "execute", &reference)
                .await
                .into_iter()
                .filter(|e| e["outcome"] == "ok")
                .count();
        }
        assert_eq!(executed, 1, "round {round}: bKash executed one payment of the order");
    }
}

#[tokio::test]
async fn a_nagad_payment_completed_after_the_order_was_paid_is_refunded_as_a_duplicate() {
    let s = Stack::from_env();
    let order = Stack::order_id("dup");
    let first = s.create(&order, &Stack::amount(210), json!({})).await;
    let second = s.create(&order, &Stack::amount(210), json!({})).await;
    // The second tab opens Nagad's page before the first tab pays with bKash.
    let (code, c) = s.confirm(&second, Some("nagad")).await;
    assert_eq!(code, 200, "{c}");
    let nagad_url = c["redirect_url"].as_str().unwrap().to_owned();
    let back = approved_at_bkash(&s, &first, "01877722345").await;
    follow_return(&s.http, &back).await;
    assert_eq!(
        s.wait_final(&first, Duration::from_secs(30)).await["status"],
        "succeeded"
    );
    // Now the shopper also finishes Nagad's page: Nagad takes the money there (and the edge
    // refunds it, so no refund fault of another test may be pending meanwhile).
    let _no_faults = crate::refunds::FAULTS.read().await;
    let back = nagad_page(&s.http, &nagad_url, "01711000001", false).await;
    follow_return(&s.http, &back).await;
    let end = std::time::Instant::now() + Duration::from_secs(60);
    let dup: Value = loop {
        let (_, p) = s.merchant_get(&format!("/v1/payments/{}", second.id)).await;
        if p["status"] == "refunded" || std::time::Instant::now() > end {
            break p;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(dup["status"], "refunded", "{dup}");
    assert_eq!(dup["amount_refunded"], dup["amount"]);
    let (_, refunds) = s.merchant_get(&format!("/v1/payments/{}/refunds", second.id)).await;
    let refunds = refunds["data"].as_array().unwrap().clone();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0]["status"], "succeeded");
    assert!(
        refunds[0]["reason"].as_str().unwrap().contains(&first.id),
        "the refund names the payment that holds the order: {}",
        refunds[0]
    );
    let reference = provider_ref(&s, &second).await;
    let cancels: Vec<Value> = s
        .ledger("nagad", "cancel", &reference)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .collect();
    assert_eq!(cancels.len(), 1, "Nagad gave the money back once: {cancels:?}");
    let (_, kept) = s.merchant_get(&format!("/v1/payments/{}", first.id)).await;
    assert_eq!(
        (kept["status"].as_str(), kept["amount_refunded"].as_str()),
        (Some("succeeded"), Some("0.00"))
    );
}
