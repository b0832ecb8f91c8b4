//! A payment keeps every attempt and follows each to its end: a wallet page left behind that
//! still pays is refunded in full on its own (not counted as the payment's refund); a switch
//! while our bKash execute is unanswered is refused; a forged early "success" return does not
//! end the attempt, and the path-form return URL and a minimal SNS message work
//! ([`returns`]). Refund outcomes: [`refund_outcomes`].

use std::time::{Duration, Instant};

use bdpay_tests::{bkash_page, bkash_reference, follow_return, nagad_page, Created, Stack};
use serde_json::{json, Value};

mod refund_outcomes;
mod returns;

pub(crate) async fn payment(s: &Stack, p: &Created) -> Value {
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

pub(crate) fn attempt_states(payment: &Value) -> Vec<(String, String)> {
    payment["attempts"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|a| {
            (
                a["provider"].as_str().unwrap_or_default().to_owned(),
                a["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
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
    assert_eq!(
        s.http.get(&nagad_url).send().await.unwrap().status(),
        200,
        "on Nagad's page"
    );
    let (code, at_bkash) = s.confirm(&p, Some("bkash")).await;
    assert_eq!(code, 200, "switching from a page still open is allowed: {at_bkash}");
    let back = bkash_page(
        &s.http,
        at_bkash["redirect_url"].as_str().unwrap(),
        "01770618575",
        false,
    )
    .await;
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
    let settled = payment_until(&s, &p, 60, |b| b["attempts"][0]["status"] == "refunded").await;
    assert_eq!(
        attempt_states(&settled),
        [
            ("nagad".to_owned(), "refunded".to_owned()),
            ("bkash".to_owned(), "paid".to_owned())
        ],
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
    assert_eq!(
        r["attempt"],
        json!({ "provider": "nagad", "provider_ref": nagad_ref }),
        "{r}"
    );
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
    let p = s
        .create(&Stack::order_id("unclear"), &Stack::amount(460), json!({}))
        .await;
    let (_, confirmed) = s.confirm(&p, Some("bkash")).await;
    let reference = bkash_reference(&confirmed);
    // 01700000504: bKash completes the payment but its answer to execute hangs past our 30 s
    // timeout — the sandbox's hang for this one payment (a hang fault on execute is global
    // and would hang another test's execute instead). bKash's notification of the payment is
    // dropped: queued at the object ahead of the switch, it would settle the outcome first.
    s.fault(json!({ "provider": "bkash", "op": "webhook", "reference": reference, "fault": { "kind": "webhook_drop" }, "count": 1 }))
        .await;
    let back = bkash_page(
        &s.http,
        confirmed["redirect_url"].as_str().unwrap(),
        "01700000504",
        false,
    )
    .await;
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
    assert!(
        loc.unwrap_or_default().contains("bdpay_status=pending"),
        "outcome unknown"
    );
    let (code, after) = s.confirm(&p, Some("nagad")).await;
    assert_eq!(code, 409, "{after}");
    assert!(
        matches!(
            after["error"]["code"].as_str(),
            Some("attempt_in_progress" | "invalid_state")
        ),
        "still unclear, or already found paid: {after}"
    );

    // The alarm asks bKash and finds it paid: one attempt, one execute, Nagad never asked.
    let st = s.wait_final(&p, Duration::from_secs(90)).await;
    assert_eq!(st["status"], "succeeded", "{st}");
    let body = payment(&s, &p).await;
    assert_eq!(
        attempt_states(&body),
        [("bkash".to_owned(), "paid".to_owned())],
        "{body}"
    );
    assert_eq!(s.ledger("bkash", "execute", &reference).await.len(), 1);
}
