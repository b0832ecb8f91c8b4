//! Notifications: bKash's SNS messages are checked before anything in them is trusted, and a
//! duplicate changes nothing; Nagad's hint only makes the edge ask Nagad.

use std::time::Duration;

use bdpay_tests::{bkash_page, follow_return, Stack};
use serde_json::json;

/// A Notification shaped like bKash's (A.13) but signed by nobody we trust.
fn forged(invoice: &str, cert_url: &str, signature: &str) -> serde_json::Value {
    let message = json!({
        "dateTime": "20261126100000", "debitMSISDN": "8801770618575", "creditOrganizationName": "Demo Shop",
        "creditShortCode": "50022", "trxID": "FORGED0001", "transactionStatus": "Completed",
        "transactionType": "10002294", "amount": "1.00", "currency": "BDT", "transactionReference": "",
        "merchantInvoiceNumber": invoice,
    });
    json!({
        "Type": "Notification", "MessageId": "00000000-0000-0000-0000-000000000001",
        "TopicArn": "arn:aws:sns:ap-southeast-1:000000000000:bpt_50022",
        "Message": message.to_string(), "Timestamp": "2026-11-26T04:00:00.000Z", "SignatureVersion": "1",
        "Signature": signature, "SigningCertURL": cert_url,
        "UnsubscribeURL": "https://sns.ap-southeast-1.amazonaws.com/?Action=Unsubscribe",
    })
}

#[tokio::test]
async fn a_forged_or_unsigned_bkash_ipn_is_refused_and_changes_nothing() {
    let s = Stack::from_env();
    let p = s.create(&Stack::order_id("forged"), &Stack::amount(1), json!({})).await;
    let (_, c) = s.confirm(&p, Some("bkash")).await;
    assert_eq!(c["status"], "pending");
    let sandbox_cert = s.sandbox_url("/bkash/sns/SimpleNotificationService-sandbox.pem");
    let attempts = [
        forged(&p.id, &sandbox_cert, "bm90IGEgc2lnbmF0dXJl"), // bad signature, trusted host
        forged(&p.id, "https://evil.example/cert.pem", "bm90IGEgc2lnbmF0dXJl"), // untrusted certificate host
        forged(&p.id, &sandbox_cert, ""),                     // unsigned
    ];
    for body in attempts {
        let r = s
            .http
            .post(s.edge_url("/v1/ipn/bkash"))
            .header("content-type", "text/plain; charset=UTF-8")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "refused with a 4xx, got {}", r.status());
        let e: serde_json::Value = r.json().await.unwrap();
        assert!(e["error"]["code"].is_string(), "{e}");
    }
    let r = s
        .http
        .post(s.edge_url("/v1/ipn/bkash"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    assert_eq!(s.status(&p).await["status"], "pending", "nothing changed");
}

#[tokio::test]
async fn duplicate_bkash_notifications_are_harmless() {
    let s = Stack::from_env();
    let p = s
        .create(&Stack::order_id("dup-ipn"), &Stack::amount(333), json!({}))
        .await;
    let (code, c) = s.confirm(&p, Some("bkash")).await;
    assert_eq!(code, 200, "{c}");
    let page = c["redirect_url"].as_str().unwrap().to_owned();
    let reference = bdpay_tests::bkash_reference(&c);
    // The sandbox sends this payment's notification twice (the rule names it: no other test's
    // payment can take it).
    s.fault(json!({ "provider": "bkash", "op": "webhook", "reference": reference, "fault": { "kind": "webhook_duplicate" }, "count": 1 }))
        .await;
    let back = bkash_page(&s.http, &page, "01877722345", false).await;
    follow_return(&s.http, &back).await;
    assert_eq!(s.wait_final(&p, Duration::from_secs(30)).await["status"], "succeeded");
    // Give the sandbox's deliveries time to land at the edge.
    let mut deliveries = Vec::new();
    for _ in 0..40 {
        deliveries = s.ledger("bkash", "webhook", &reference).await;
        if deliveries.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(deliveries.len() >= 2, "the notification arrived twice: {deliveries:?}");
    assert!(
        deliveries.iter().all(|d| d["outcome"] == "ok"),
        "the edge answered 2xx to both: {deliveries:?}"
    );
    assert_eq!(s.ledger("bkash", "execute", &reference).await.len(), 1);
    assert_eq!(s.status(&p).await["status"], "succeeded");
}

#[tokio::test]
async fn a_nagad_hint_for_an_unknown_payment_changes_nothing() {
    let s = Stack::from_env();
    let r = s
        .http
        .get(s.edge_url("/v1/ipn/nagad?payment_ref_id=bm90LWEtcmVhbC1yZWY%3D&status=Success"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "received": true }),
        "nothing about what it matched"
    );
    let r = s.http.get(s.edge_url("/v1/ipn/nagad")).send().await.unwrap();
    assert_eq!(r.status(), 400);
}
