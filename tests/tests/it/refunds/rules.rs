//! The providers' own refund limits, answered by us before anything is sent: bKash's 11th
//! refund of one payment gets our 400 and bKash is never asked (it would answer 2074).

use bdpay_tests::Stack;
use serde_json::{json, Value};

use super::refund;
use crate::flow::{pay, provider_ref, Shopper};

#[tokio::test]
async fn bkash_refuses_the_eleventh_refund_and_is_never_asked() {
    let s = Stack::from_env();
    let paid = pay(&s, "bkash", &Stack::amount(500), Shopper::Pays("01929918378")).await;
    let id = paid.payment.id.clone();
    for i in 0..10 {
        let (status, body) = refund(&s, &id, json!({ "amount": "1.00", "reason": format!("r{i}") }), None).await;
        assert_eq!(
            (status, body["status"].as_str()),
            (201, Some("succeeded")),
            "{i}: {body}"
        );
    }
    let (status, body) = refund(&s, &id, json!({ "amount": "1.00" }), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("refund_not_allowed")),
        "{body}"
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("10 refunds"),
        "{body}"
    );
    let reference = provider_ref(&s, &paid.payment).await;
    let at_bkash: Vec<Value> = s.ledger("bkash", "refund", &reference).await;
    assert_eq!(at_bkash.len(), 10, "the 11th never reached bKash");
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{id}")).await;
    assert_eq!(
        (payment["status"].as_str(), payment["amount_refunded"].as_str()),
        (Some("partially_refunded"), Some("10.00"))
    );
}
