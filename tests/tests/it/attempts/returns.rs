//! The shopper's browser and the provider coming back: a forged early "success" return does
//! not end the bKash attempt (bKash answers 2060, the attempt stays open for the real return),
//! both wallets return through the URL with the payment in its path, and a bKash SNS message
//! without its optional fields is accepted and settles an unknown outcome.

use std::time::{Duration, Instant};

use bdpay_tests::{bkash_page, bkash_reference, follow_return, nagad_page, Stack};
use serde_json::json;

use super::{attempt_states, payment};

#[tokio::test]
async fn a_forged_early_success_return_leaves_the_attempt_open_for_the_real_one() {
    let s = Stack::from_env();
    let p = s
        .create(&Stack::order_id("forged-ret"), &Stack::amount(270), json!({}))
        .await;
    let (_, confirmed) = s.confirm(&p, Some("bkash")).await;
    let reference = bkash_reference(&confirmed);
    // Before the shopper has even opened bKash's page, someone calls our return URL with
    // "success": the edge may only execute, and bKash answers 2060 (not finished).
    let forged = s.edge_url(&format!(
        "/v1/return/bkash/{}?paymentID={reference}&status=success&signature=0123456789&apiVersion=1.2.0-beta/",
        p.id
    ));
    let (code, loc) = follow_return(&s.http, &forged).await;
    assert_eq!(code, 303);
    assert!(loc.unwrap_or_default().contains("bdpay_status=pending"));
    let body = payment(&s, &p).await;
    assert_eq!(body["status"], "pending", "{body}");
    assert_eq!(
        attempt_states(&body),
        [("bkash".to_owned(), "started".to_owned())],
        "{body}"
    );
    let refused: Vec<String> = s
        .ledger("bkash", "execute", &reference)
        .await
        .iter()
        .map(|e| e["outcome"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(refused, ["2060"], "bKash was asked once and refused");

    // Now the shopper really pays; bKash sends the browser back through the path-form URL.
    let back = bkash_page(
        &s.http,
        confirmed["redirect_url"].as_str().unwrap(),
        "01929918378",
        false,
    )
    .await;
    assert!(
        back.starts_with(&s.edge_url(&format!("/v1/return/bkash/{}?", p.id))),
        "{back}"
    );
    let (code, loc) = follow_return(&s.http, &back).await;
    assert_eq!(code, 303);
    assert!(loc.unwrap_or_default().contains("bdpay_status=succeeded"));
    let body = payment(&s, &p).await;
    assert_eq!(body["status"], "succeeded", "{body}");
    assert_eq!(attempt_states(&body), [("bkash".to_owned(), "paid".to_owned())]);
    let executed = s
        .ledger("bkash", "execute", &reference)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .count();
    assert_eq!(executed, 1, "exactly one successful execute");
}

#[tokio::test]
async fn nagad_pays_through_the_return_url_with_the_payment_in_its_path() {
    let s = Stack::from_env();
    let amount = Stack::amount(515);
    let p = s.create(&Stack::order_id("path"), &amount, json!({})).await;
    let (code, c) = s.confirm(&p, Some("nagad")).await;
    assert_eq!(code, 200, "{c}");
    let back = nagad_page(&s.http, c["redirect_url"].as_str().unwrap(), "01811000001", false).await;
    // Nagad appends its parameters with `?` only when the callback URL we gave it had none.
    let path_form = s.edge_url(&format!("/v1/return/nagad/{}?", p.id));
    assert!(back.starts_with(&path_form), "{back}");
    let query = reqwest::Url::parse(&back).unwrap();
    let keys: Vec<String> = query.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert!(
        !keys.contains(&"payment".to_owned()),
        "only Nagad's own parameters: {keys:?}"
    );
    assert!(keys.contains(&"payment_ref_id".to_owned()), "{keys:?}");
    let (code, loc) = follow_return(&s.http, &back).await;
    assert_eq!(code, 303);
    assert!(loc.unwrap_or_default().contains("bdpay_status=succeeded"));
    let body = payment(&s, &p).await;
    assert_eq!(
        (
            body["status"].as_str(),
            body["provider"].as_str(),
            body["amount"].as_str()
        ),
        (Some("succeeded"), Some("nagad"), Some(amount.as_str())),
        "{body}"
    );
    assert_eq!(attempt_states(&body), [("nagad".to_owned(), "paid".to_owned())]);
}

#[tokio::test]
async fn a_bkash_notification_without_its_optional_fields_is_accepted_and_settles_the_payment() {
    let s = Stack::from_env();
    let p = s
        .create(&Stack::order_id("sns-min"), &Stack::amount(380), json!({}))
        .await;
    let (_, confirmed) = s.confirm(&p, Some("bkash")).await;
    let reference = bkash_reference(&confirmed);
    // This payment's SNS Message leaves out dateTime, creditOrganizationName and
    // transactionReference. Our execute's answer is lost (01700000504: done, answered after
    // 35 s; we give up at 30 s); the notification goes out 28 s after the payment completed,
    // so it waits at the payment's object while the execute is out, ahead of the alarm that
    // re-checks the unknown outcome, and is answered within the sandbox's 10 s.
    s.variant(json!({ "provider": "bkash", "reference": reference, "variant": { "kind": "sns_minimal" } }))
        .await;
    s.fault(json!({ "provider": "bkash", "op": "webhook", "reference": reference, "fault": { "kind": "latency", "ms": 28_000 }, "count": 1 }))
        .await;
    let back = bkash_page(
        &s.http,
        confirmed["redirect_url"].as_str().unwrap(),
        "01700000504",
        false,
    )
    .await;
    let (code, loc) = follow_return(&s.http, &back).await;
    assert_eq!(code, 303);
    assert!(
        loc.unwrap_or_default().contains("bdpay_status=pending"),
        "outcome unknown"
    );

    let end = Instant::now() + Duration::from_secs(60);
    let deliveries = loop {
        let d = s.ledger("bkash", "webhook", &reference).await;
        if !d.is_empty() || Instant::now() > end {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    // The edge answers a notification only after the payment's object has asked bKash.
    let st = s.status(&p).await;
    assert_eq!(deliveries.len(), 1, "one delivery, no retry: {deliveries:?}");
    assert_eq!(deliveries[0]["outcome"], "ok", "the edge answered 2xx: {deliveries:?}");
    assert_eq!(st["status"], "succeeded", "settled by the time it was answered: {st}");
    assert_eq!(
        s.ledger("bkash", "execute", &reference).await.len(),
        1,
        "never a second execute"
    );
}
