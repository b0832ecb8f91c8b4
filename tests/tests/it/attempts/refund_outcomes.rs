//! Refund outcomes the providers word in other ways: a refund the provider never lists stays
//! `pending`, then needs a person (`requires_manual`), never `failed`; Nagad's `Refunded` /
//! `PartialRefunded` words; bKash refunds through the legacy API when v2 is refused.
//! Every test here holds the refund fault lock (`crate::refunds::FAULTS`).

use std::time::{Duration, Instant};

use bdpay_tests::Stack;
use serde_json::{json, Value};

use crate::flow::{pay, provider_ref, Shopper};
use crate::refunds::{refund, FAULTS};

/// bKash's published sandbox app key (the sandbox's one credential).
const BKASH_APP_KEY: &str = "4f6o0cjiki2rfm34kfdadl1eqq";

async fn get_refund(s: &Stack, id: &str) -> Value {
    s.merchant_get(&format!("/v1/refunds/{id}")).await.1
}

/// Posts a refund while the caller holds the fault lock for writing (so not through
/// [`refund`], which takes it for reading).
async fn refund_alone(s: &Stack, payment: &str, body: Value) -> (u16, Value) {
    let r = s
        .merchant_post(&format!("/v1/payments/{payment}/refunds"), &body, None)
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_refund_bkash_never_lists_waits_then_needs_a_person_and_never_fails() {
    let s = Stack::from_env();
    let paid = pay(&s, "bkash", &Stack::amount(620), Shopper::Pays("01770618576")).await;
    assert_eq!(paid.final_status["status"], "succeeded");
    let id = paid.payment.id.clone();
    // bKash's refund call hangs past our timeout and is never made.
    let (code, pending) = {
        let _alone = FAULTS.write().await;
        s.fault(json!({ "provider": "bkash", "op": "refund", "fault": { "kind": "hang" }, "count": 1 }))
            .await;
        refund_alone(&s, &id, json!({ "amount": "120.00", "reason": "never made" })).await
    };
    assert_eq!(code, 201, "{pending}");
    assert_eq!(pending["status"], "pending", "{pending}");
    let refund_id = pending["id"].as_str().unwrap().to_owned();

    // Re-checked with backoff: pending until the give-up time (60 s in `make test`), then
    // requires_manual with what to check. Never failed on the way.
    let sent = Instant::now();
    let mut seen = vec!["pending".to_owned()];
    let settled = loop {
        let r = get_refund(&s, &refund_id).await;
        let status = r["status"].as_str().unwrap_or_default().to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status != "pending" || sent.elapsed() > Duration::from_secs(200) {
            break r;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    assert_eq!(seen, ["pending", "requires_manual"], "{settled}");
    assert!(
        sent.elapsed() >= Duration::from_secs(20),
        "not given up at the first look: {:?}",
        sent.elapsed()
    );
    let action = settled["manual_action"].as_str().unwrap_or_default();
    assert!(action.contains("bKash"), "says where to look: {settled}");
    assert!(settled["error"].is_null(), "{settled}");
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(
        (payment["status"].as_str(), payment["amount_refunded"].as_str()),
        (Some("succeeded"), Some("0.00")),
        "{payment}"
    );
    // It stays there: the next looks do not turn it into failed either.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(get_refund(&s, &refund_id).await["status"], "requires_manual");
    let reference = provider_ref(&s, &paid.payment).await;
    let made = s
        .ledger("bkash", "refund", &reference)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .count();
    assert_eq!(made, 0, "bKash made no refund and was never asked twice");
}

#[tokio::test]
async fn nagad_refunds_answered_with_refunded_words_succeed() {
    let s = Stack::from_env();
    let amount = Stack::amount(450);
    let paid = pay(&s, "nagad", &amount, Shopper::Pays("01911000001")).await;
    assert_eq!(paid.final_status["status"], "succeeded");
    let id = paid.payment.id.clone();
    let reference = provider_ref(&s, &paid.payment).await;
    // Nagad says PartialRefunded / Refunded (not …Cancelled) in its cancel reply and verify.
    s.variant(json!({ "provider": "nagad", "reference": reference, "variant": { "kind": "refund_words" } }))
        .await;
    let (code, part) = refund(&s, &id, json!({ "amount": "100.00", "reason": "one item" }), None).await;
    assert_eq!((code, part["status"].as_str()), (201, Some("succeeded")), "{part}");
    let (code, rest) = refund(&s, &id, json!({ "reason": "the rest" }), None).await;
    assert_eq!((code, rest["status"].as_str()), (201, Some("succeeded")), "{rest}");
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(
        (payment["status"].as_str(), payment["amount_refunded"].as_str()),
        (Some("refunded"), Some(amount.as_str())),
        "{payment}"
    );
    let cancels: Vec<Value> = s
        .ledger("nagad", "cancel", &reference)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .collect();
    assert_eq!(cancels.len(), 2, "{cancels:?}");
    assert_eq!(part["provider_refund_reference"], cancels[0]["trx_id"]);
    assert_eq!(rest["provider_refund_reference"], cancels[1]["trx_id"]);
}

/// Waits for a refund to leave `pending`.
async fn settled(s: &Stack, id: &str, secs: u64) -> Value {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let r = get_refund(s, id).await;
        if r["status"] != "pending" || Instant::now() > end {
            return r;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[tokio::test]
async fn with_refund_v2_refused_bkash_refunds_go_through_the_legacy_api() {
    let s = Stack::from_env();
    let paid = pay(&s, "bkash", "700.00", Shopper::Pays("01619777282")).await;
    assert_eq!(paid.final_status["status"], "succeeded");
    let id = paid.payment.id.clone();
    let reference = provider_ref(&s, &paid.payment).await;

    // API Gateway answers refund v2 "Missing Authentication Token" for our credential (the
    // sandbox has one: global, so alone). The edge learns legacy and keeps it (BKASH_REFUND_API
    // auto), so the switch is left on for the rest of the run.
    let _alone = FAULTS.write().await;
    s.variant(json!({ "provider": "bkash", "app_key": BKASH_APP_KEY, "variant": { "kind": "refund_v2_missing" } }))
        .await;
    let (code, part) = refund_alone(&s, &id, json!({ "amount": "100.00", "reason": "partial" })).await;
    assert_eq!((code, part["status"].as_str()), (201, Some("succeeded")), "{part}");

    // The answer of the next one is lost: its status (legacy form) settles it, no resend.
    s.fault(json!({ "provider": "bkash", "op": "refund", "fault": { "kind": "answer_lost" }, "count": 1 }))
        .await;
    let (code, lost) = refund_alone(&s, &id, json!({ "amount": "250.00", "reason": "lost answer" })).await;
    assert_eq!((code, lost["status"].as_str()), (201, Some("pending")), "{lost}");
    let lost = settled(&s, lost["id"].as_str().unwrap(), 120).await;
    assert_eq!(lost["status"], "succeeded", "found by its status: {lost}");

    let (code, rest) = refund_alone(&s, &id, json!({ "reason": "the rest" })).await;
    assert_eq!(
        (code, rest["status"].as_str(), rest["amount"].as_str()),
        (201, Some("succeeded"), Some("350.00")),
        "{rest}"
    );
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(
        (payment["status"].as_str(), payment["amount_refunded"].as_str()),
        (Some("refunded"), Some("700.00")),
        "{payment}"
    );

    let made: Vec<Value> = s
        .ledger("bkash", "refund", &reference)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .collect();
    let apis: Vec<&str> = made
        .iter()
        .map(|e| e["detail"]["api"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(apis, ["v1", "v1", "v1"], "three legacy refunds, each once: {made:?}");
    let amounts: Vec<&str> = made.iter().map(|e| e["amount"].as_str().unwrap_or("?")).collect();
    assert_eq!(amounts, ["100.00", "250.00", "350.00"]);
    for (r, e) in [&part, &lost, &rest].into_iter().zip(&made) {
        assert_eq!(r["provider_refund_reference"], e["trx_id"], "{r}");
    }
}
