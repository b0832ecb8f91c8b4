//! Refunds (issue 7): partial and full at both providers, over-refunds refused with the
//! contract's 4xx, concurrent refunds never above the captured amount, repeats by key.
//! Batches: [`batch`]; the providers' own limits: [`rules`]; timed-out refunds: [`timeouts`].

use bdpay_tests::Stack;
use serde_json::{json, Value};

use crate::flow::{pay, provider_ref, Shopper};

mod batch;
mod rules;
mod timeouts;

/// Sandbox faults hit every refund of their provider: the fault test holds this for writing;
/// every other test that makes a refund (here, in webhooks, a duplicate in orders) for reading.
pub(crate) static FAULTS: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

pub(super) async fn refund(s: &Stack, payment: &str, body: Value, key: Option<&str>) -> (u16, Value) {
    let _shared = FAULTS.read().await;
    let r = s
        .merchant_post(&format!("/v1/payments/{payment}/refunds"), &body, key)
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn wallet(provider: &str) -> &'static str {
    if provider == "bkash" {
        "01770618575"
    } else {
        "01711000001"
    }
}

async fn partial_then_full(provider: &str) {
    let s = Stack::from_env();
    let paid = pay(&s, provider, "1250.00", Shopper::Pays(wallet(provider))).await;
    assert_eq!(paid.final_status["status"], "succeeded");
    let id = paid.payment.id.clone();

    let (status, first) = refund(
        &s,
        &id,
        json!({ "amount": "250.00", "reason": "Customer returned one item" }),
        None,
    )
    .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["status"], "succeeded", "{first}");
    assert_eq!(first["amount"], "250.00");
    assert!(first["id"].as_str().unwrap().starts_with("re_"));
    assert!(first["provider_refund_reference"].is_string(), "{first}");
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(
        (payment["status"].as_str(), payment["amount_refunded"].as_str()),
        (Some("partially_refunded"), Some("250.00"))
    );

    // The rest (no amount): the payment is refunded.
    let (status, rest) = refund(&s, &id, json!({ "reason": "Order cancelled" }), None).await;
    assert_eq!(status, 201, "{rest}");
    assert_eq!(
        (rest["status"].as_str(), rest["amount"].as_str()),
        (Some("succeeded"), Some("1000.00"))
    );
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(
        (payment["status"].as_str(), payment["amount_refunded"].as_str()),
        (Some("refunded"), Some("1250.00"))
    );

    // Nothing left: the contract's 4xx, and the provider never asked.
    let (status, over) = refund(&s, &id, json!({ "amount": "1.00" }), None).await;
    assert_eq!(status, 400, "{over}");
    assert_eq!(over["error"]["code"], "amount_exceeds_refundable");

    let (status, list) = s.merchant_get(&format!("/v1/payments/{id}/refunds")).await;
    assert_eq!(status, 200);
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    let (status, one) = s
        .merchant_get(&format!("/v1/refunds/{}", first["id"].as_str().unwrap()))
        .await;
    assert_eq!((status, one["amount"].as_str()), (200, Some("250.00")), "{one}");

    let reference = provider_ref(&s, &paid.payment).await;
    let op = if provider == "bkash" { "refund" } else { "cancel" };
    let done: Vec<Value> = s
        .ledger(provider, op, &reference)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .collect();
    assert_eq!(done.len(), 2, "two refunds at the provider: {done:?}");
}

#[tokio::test]
async fn bkash_partial_and_full_refunds() {
    partial_then_full("bkash").await;
}

#[tokio::test]
async fn nagad_partial_and_full_refunds() {
    partial_then_full("nagad").await;
}

#[tokio::test]
async fn an_over_refund_is_refused_and_moves_nothing() {
    let s = Stack::from_env();
    let paid = pay(&s, "bkash", "300.00", Shopper::Pays("01929918378")).await;
    let id = paid.payment.id.clone();
    let (status, body) = refund(&s, &id, json!({ "amount": "300.01" }), None).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "amount_exceeds_refundable");
    let (status, body) = refund(&s, &id, json!({ "amount": "-5" }), None).await;
    assert_eq!(status, 400, "{body}");
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(
        (payment["status"].as_str(), payment["amount_refunded"].as_str()),
        (Some("succeeded"), Some("0.00"))
    );
    let reference = provider_ref(&s, &paid.payment).await;
    assert!(
        s.ledger("bkash", "refund", &reference).await.is_empty(),
        "bKash never asked"
    );

    // An unpaid payment cannot be refunded.
    let unpaid = s.create(&Stack::order_id("unpaid"), "100.00", json!({})).await;
    let (status, body) = refund(&s, &unpaid.id, json!({}), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("invalid_state")),
        "{body}"
    );
}

#[tokio::test]
async fn the_same_key_refunds_once() {
    let s = Stack::from_env();
    let paid = pay(&s, "bkash", "400.00", Shopper::Pays("01770618576")).await;
    let id = paid.payment.id.clone();
    let body = json!({ "amount": "100.00", "reason": "once" });
    let key = format!("rf-{}", Stack::order_id("k"));
    let (a, first) = refund(&s, &id, body.clone(), Some(&key)).await;
    let (b, second) = refund(&s, &id, body, Some(&key)).await;
    assert_eq!((a, b), (201, 201));
    assert_eq!(first["id"], second["id"]);
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["amount_refunded"], "100.00");
}

#[tokio::test]
async fn twenty_concurrent_refunds_never_exceed_the_captured_amount() {
    let s = Stack::from_env();
    let paid = pay(&s, "bkash", "1000.00", Shopper::Pays("01619777282")).await;
    let id = paid.payment.id.clone();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (s, id) = (s.clone(), id.clone());
            tokio::spawn(async move {
                refund(&s, &id, json!({ "amount": "150.00", "reason": format!("c{i}") }), None).await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => {
                assert_eq!(body["status"], "succeeded", "{body}");
                ok += 1;
            }
            400 => assert_eq!(body["error"]["code"], "amount_exceeds_refundable", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ok, 6, "6 × 150 ≤ 1000 < 7 × 150");
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(payment["amount_refunded"], "900.00");
    let reference = provider_ref(&s, &paid.payment).await;
    let done = s
        .ledger("bkash", "refund", &reference)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .count();
    assert_eq!(done, 6, "bKash refunded exactly six times");
}
