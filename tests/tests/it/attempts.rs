//! A payment keeps every attempt and follows each to its end: a wallet page left behind that
//! still pays is refunded in full on its own (not counted as the payment's refund); a switch
//! while our bKash execute is unanswered is refused; a forged early "success" return does not
//! end the attempt; Nagad and bKash come back through the path-form return URL; a bKash
//! SNS message without its optional fields is accepted. Refund outcomes: [`refund_outcomes`].

use std::time::{Duration, Instant};

use bdpay_tests::{bkash_page, follow_return, nagad_page, Created, Stack};
use serde_json::{json, Value};

mod refund_outcomes;

/// The bKash `paymentID` in the page URL a bKash confirm answered.
pub(crate) fn bkash_reference(confirmed: &Value) -> String {
    let page = reqwest::Url::parse(confirmed["redirect_url"].as_str().unwrap()).unwrap();
    page.query_pairs()
        .find(|(k, _)| k == "paymentId")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

/// `POST /__control/variants` (one reply variant at the sandbox).
pub(crate) async fn variant(s: &Stack, rule: Value) {
    let r = s
        .http
        .post(s.sandbox_url("/__control/variants"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "variant refused: {}",
        r.text().await.unwrap_or_default()
    );
}

async fn payment(s: &Stack, p: &Created) -> Value {
    s.merchant_get(&format!("/v1/payments/{}", p.id)).await.1
}

/// Polls the merchant's payment until `done` holds for it (or `secs` pass); returns the last.
async fn payment_until(s: &Stack, p: &Created, secs: u64, done: impl Fn(&Value) -> bool) -> Value {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let body = payment(s, p).await;
        if done(&body) || Instant::now() > end {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn attempt_states(payment: &Value) -> Vec<(String, String)> {
    payment["attempts"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|a| (a["provider"].as_str().unwrap_or_default().to_owned(), a["status"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_nagad_page_finished_after_the_switch_to_bkash_is_refunded_in_full() {
    let s = Stack::from_env();
    let amount = Stack::amount(340);
    let p = s.create(&Stack::order_id("left-behind"), &amount, json!({})).await;
    // The shopper opens Nagad's page, then goes back and chooses bKash instead.
    let (code, at_nagad) = s.confirm(&p, Some("nagad")).await;
    assert_eq!(code, 200, "{at_nagad}");
    let nagad_url = at_nagad["redirect_url"].as_str().unwrap().to_owned();
    assert_eq!(s.http.get(&nagad_url).send().await.unwrap().status(), 200, "on Nagad's page");
    let (code, at_bkash) = s.confirm(&p, Some("bkash")).await;
    assert_eq!(code, 200, "switching from a page still open is allowed: {at_bkash}");
    let back = bkash_page(&s.http, at_bkash["redirect_url"].as_str().unwrap(), "01770618575", false).await;
    follow_return(&s.http, &back).await;
    assert_eq!(s.wait_final(&p, Duration::from_secs(30)).await["status"], "succeeded");

    // The old Nagad tab is still open: the shopper finishes it too, and Nagad takes the money
    // there. The edge gives it back (no refund fault of another test may be pending).
    let _no_faults = crate::refunds::FAULTS.read().await;
    let back = nagad_page(&s.http, &nagad_url, "01711000001", false).await;
    let (code, to_merchant) = follow_return(&s.http, &back).await;
    assert_eq!(code, 303);
    assert!(
        to_merchant.unwrap_or_default().contains("bdpay_status=succeeded"),
        "the payment stays the bKash one"
    );
    let settled = payment_until(&s, &p, 60, |b| {
        b["attempts"][0]["status"] == "refunded"
    })
    .await;
    assert_eq!(
        attempt_states(&settled),
        [("nagad".to_owned(), "refunded".to_owned()), ("bkash".to_owned(), "paid".to_owned())],
        "{settled}"
    );
    assert_eq!(settled["status"], "succeeded", "{settled}");
    assert_eq!(settled["provider"], "bkash", "the payment's money is bKash's");
    assert_eq!(
        settled["amount_refunded"], "0.00",
        "the attempt's refund is not the payment's"
    );
    let nagad_ref = settled["attempts"][0]["provider_ref"].as_str().unwrap().to_owned();
    assert_ne!(settled["provider_reference"].as_str(), Some(nagad_ref.as_str()));

    let (_, list) = s.merchant_get(&format!("/v1/payments/{}/refunds", p.id)).await;
    let refunds = list["data"].as_array().unwrap().clone();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    let r = &refunds[0];
    assert_eq!(
        (r["status"].as_str(), r["amount"].as_str(), r["provider"].as_str()),
        (Some("succeeded"), Some(amount.as_str()), Some("nagad")),
        "{r}"
    );
    assert_eq!(r["attempt"], json!({ "provider": "nagad", "provider_ref": nagad_ref }), "{r}");
    let cancels: Vec<Value> = s
        .ledger("nagad", "cancel", &nagad_ref)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .collect();
    assert_eq!(cancels.len(), 1, "Nagad gave the money back once: {cancels:?}");
    assert_eq!(cancels[0]["amount"], amount.as_str());
    assert_eq!(r["provider_refund_reference"], cancels[0]["trx_id"]);
    // Nothing left for a merchant refund to double: the bKash money is still all refundable.
    let bkash_ref = settled["provider_reference"].as_str().unwrap();
    assert!(s.ledger("bkash", "refund", bkash_ref).await.is_empty());
}

#[tokio::test]
async fn switching_wallet_while_a_bkash_execute_is_unanswered_is_refused() {
    let s = Stack::from_env();
    let p = s.create(&Stack::order_id("unclear"), &Stack::amount(460), json!({})).await;
    let (_, confirmed) = s.confirm(&p, Some("bkash")).await;
    let reference = bkash_reference(&confirmed);
    // 01700000504: bKash completes the payment but its answer to execute hangs past our 30 s
    // timeout — the sandbox's hang for this one payment (a hang fault on execute is global
    // and would hang another test's execute instead). bKash's notification of the payment is
    // dropped: queued at the object ahead of the switch, it would settle the outcome first.
    s.fault(json!({ "provider": "bkash", "op": "webhook", "reference": reference, "fault": { "kind": "webhook_drop" }, "count": 1 }))
        .await;
    let back = bkash_page(&s.http, confirmed["redirect_url"].as_str().unwrap(), "01700000504", false).await;
    let returning = {
        let (http, back) = (s.http.clone(), back.clone());
        tokio::spawn(async move { follow_return(&http, &back).await })
    };
    // The shopper, tired of waiting, picks Nagad while the execute hangs (the object answers
    // once the execute has timed out, the outcome unknown), and again just after.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (code, during) = s.confirm(&p, Some("nagad")).await;
    assert_eq!(code, 409, "{during}");
    assert_eq!(during["error"]["code"], "attempt_in_progress", "{during}");
    assert_eq!(during["error"]["retryable"], true, "{during}");
    let (code, loc) = returning.await.unwrap();
    assert_eq!(code, 303);
    assert!(loc.unwrap_or_default().contains("bdpay_status=pending"), "outcome unknown");
    let (code, after) = s.confirm(&p, Some("nagad")).await;
    assert_eq!(code, 409, "{after}");
    assert!(
        matches!(after["error"]["code"].as_str(), Some("attempt_in_progress" | "invalid_state")),
        "still unclear, or already found paid: {after}"
    );

    // The alarm asks bKash and finds it paid: one attempt, one execute, Nagad never asked.
    let st = s.wait_final(&p, Duration::from_secs(90)).await;
    assert_eq!(st["status"], "succeeded", "{st}");
    let body = payment(&s, &p).await;
    assert_eq!(attempt_states(&body), [("bkash".to_owned(), "paid".to_owned())], "{body}");
    assert_eq!(s.ledger("bkash", "execute", &reference).await.len(), 1);
}

#[tokio::test]
async fn a_forged_early_success_return_leaves_the_attempt_open_for_the_real_one() {
    let s = Stack::from_env();
    let p = s.create(&Stack::order_id("forged-ret"), &Stack::amount(270), json!({})).await;
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
    assert_eq!(attempt_states(&body), [("bkash".to_owned(), "started".to_owned())], "{body}");
    let refused: Vec<String> = s
        .ledger("bkash", "execute", &reference)
        .await
        .iter()
        .map(|e| e["outcome"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(refused, ["2060"], "bKash was asked once and refused");

    // Now the shopper really pays; bKash sends the browser back through the path-form URL.
    let back = bkash_page(&s.http, confirmed["redirect_url"].as_str().unwrap(), "01929918378", false).await;
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
    assert!(!keys.contains(&"payment".to_owned()), "only Nagad's own parameters: {keys:?}");
    assert!(keys.contains(&"payment_ref_id".to_owned()), "{keys:?}");
    let (code, loc) = follow_return(&s.http, &back).await;
    assert_eq!(code, 303);
    assert!(loc.unwrap_or_default().contains("bdpay_status=succeeded"));
    let body = payment(&s, &p).await;
    assert_eq!(
        (body["status"].as_str(), body["provider"].as_str(), body["amount"].as_str()),
        (Some("succeeded"), Some("nagad"), Some(amount.as_str())),
        "{body}"
    );
    assert_eq!(attempt_states(&body), [("nagad".to_owned(), "paid".to_owned())]);
}

#[tokio::test]
async fn a_bkash_notification_without_its_optional_fields_is_accepted_and_settles_the_payment() {
    let s = Stack::from_env();
    let p = s.create(&Stack::order_id("sns-min"), &Stack::amount(380), json!({})).await;
    let (_, confirmed) = s.confirm(&p, Some("bkash")).await;
    let reference = bkash_reference(&confirmed);
    // This payment's SNS Message leaves out dateTime, creditOrganizationName and
    // transactionReference. Our execute's answer is lost (01700000504: done, answered after
    // 35 s; we give up at 30 s); the notification goes out 28 s after the payment completed,
    // so it waits at the payment's object while the execute is out, ahead of the alarm that
    // re-checks the unknown outcome, and is answered within the sandbox's 10 s.
    variant(
        &s,
        json!({ "provider": "bkash", "reference": reference, "variant": { "kind": "sns_minimal" } }),
    )
    .await;
    s.fault(json!({ "provider": "bkash", "op": "webhook", "reference": reference, "fault": { "kind": "latency", "ms": 28_000 }, "count": 1 }))
        .await;
    let back = bkash_page(&s.http, confirmed["redirect_url"].as_str().unwrap(), "01700000504", false).await;
    let (code, loc) = follow_return(&s.http, &back).await;
    assert_eq!(code, 303);
    assert!(loc.unwrap_or_default().contains("bdpay_status=pending"), "outcome unknown");

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
    assert_eq!(s.ledger("bkash", "execute", &reference).await.len(), 1, "never a second execute");
}
