//! A refund whose answer never comes within our 30 s timeout stays pending and is settled by
//! asking — bKash refund status, Nagad verify — never by refunding again: succeeded when the
//! provider made it (its answer was lost), requires_manual (never failed: only a provider's
//! refusal fails a refund) when it still shows none at the give-up time (the call hung;
//! `BDPAY_REFUND_GIVE_UP_SECS`, 60 s in `make test`). Both cases at both providers run side by side in one window of exclusive faults;
//! one bKash refund is a one-line batch, whose line follows its refund to the outcome.

use bdpay_tests::Stack;
use serde_json::{json, Value};

use super::{refund, FAULTS};
use crate::flow::{pay, provider_ref, Paid, Shopper};

/// Sends a refund while the provider's refund call is slowed past our timeout.
async fn post_refund(s: &Stack, id: &str, amount: &str) -> Value {
    let r = s
        .merchant_post(
            &format!("/v1/payments/{id}/refunds"),
            &json!({ "amount": amount, "reason": "slow" }),
            None,
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let refund: Value = r.json().await.unwrap();
    // The command's own answer: the call timed out, so the outcome is not known yet.
    assert_eq!(refund["status"], "pending", "{refund}");
    refund
}

/// The same through a one-line batch: waits until the line has run (the provider's slow
/// answer cut off), then returns (the batch id, the line's refund).
async fn batch_refund(s: &Stack, id: &str, amount: &str) -> (String, Value) {
    let r = s
        .merchant_post(
            "/v1/refunds/batch",
            &json!([{ "payment_id": id, "amount": amount, "reason": "slow" }]),
            None,
        )
        .await;
    assert_eq!(r.status().as_u16(), 202);
    let batch: Value = r.json().await.unwrap();
    let batch_id = batch["id"].as_str().unwrap().to_owned();
    let end = std::time::Instant::now() + std::time::Duration::from_secs(90);
    let line = loop {
        let (_, b) = s.merchant_get(&format!("/v1/refunds/batch/{batch_id}")).await;
        let line = b["lines"][0].clone();
        if line["status"] != "queued" || std::time::Instant::now() > end {
            break line;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    };
    // The line ran with the outcome unknown; a refund whose lost answer is found may already
    // have settled by this read (the batch refreshes such lines), so any outcome but queued.
    assert!(line["refund_id"].is_string() && line["status"] != "queued", "{line}");
    let (_, refund) = s
        .merchant_get(&format!("/v1/refunds/{}", line["refund_id"].as_str().unwrap()))
        .await;
    (batch_id, refund)
}

/// Whether the provider made a 200.00 refund of the payment (its ledger).
async fn made(s: &Stack, provider: &str, paid: &Paid) -> bool {
    let reference = provider_ref(s, &paid.payment).await;
    let op = if provider == "bkash" { "refund" } else { "cancel" };
    s.ledger(provider, op, &reference)
        .await
        .iter()
        .any(|e| e["outcome"] == "ok" && e["amount"] == "200.00")
}

/// Waits for the refund to leave `pending`; then checks it against the provider's ledger:
/// succeeded with the provider's reference when the provider made it, requires_manual
/// (nothing moved; a person checks) when it did not, and never two refunds at the provider. `refunded` is what the payment
/// shows as refunded if the provider made it, and if not.
async fn settles_by_asking(s: &Stack, provider: &str, paid: &Paid, pending: &Value, refunded: (&str, &str)) -> String {
    let refund_id = pending["id"].as_str().unwrap().to_owned();
    let end = std::time::Instant::now() + std::time::Duration::from_secs(220);
    let settled = loop {
        let (_, r) = s.merchant_get(&format!("/v1/refunds/{refund_id}")).await;
        if r["status"] != "pending" || std::time::Instant::now() > end {
            break r;
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    };
    let reference = provider_ref(s, &paid.payment).await;
    let op = if provider == "bkash" { "refund" } else { "cancel" };
    let at_provider: Vec<Value> = s
        .ledger(provider, op, &reference)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok" && e["amount"] == pending["amount"])
        .collect();
    assert!(
        at_provider.len() <= 1,
        "{provider}: never a second refund: {at_provider:?}"
    );
    let (_, payment) = s.merchant_get(&format!("/v1/payments/{}", paid.payment.id)).await;
    if at_provider.len() == 1 {
        assert_eq!(settled["status"], "succeeded", "{provider}: {settled}");
        assert_eq!(settled["provider_refund_reference"], at_provider[0]["trx_id"]);
        assert_eq!(payment["amount_refunded"], refunded.0);
    } else {
        assert_eq!(settled["status"], "requires_manual", "{provider}: {settled}");
        assert!(settled["manual_action"].is_string(), "{provider}: {settled}");
        assert_eq!(payment["amount_refunded"], refunded.1);
    }
    settled["status"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn timed_out_refunds_are_settled_by_asking_not_by_a_retry() {
    let s = Stack::from_env();
    let amounts: Vec<String> = (0..4).map(|_| Stack::amount(640)).collect();
    let (b1, b2, n1, n2) = tokio::join!(
        pay(&s, "bkash", &amounts[0], Shopper::Pays("01877722345")),
        pay(&s, "bkash", &amounts[1], Shopper::Pays("01619777283")),
        pay(&s, "nagad", &amounts[2], Shopper::Pays("01711000001")),
        pay(&s, "nagad", &amounts[3], Shopper::Pays("01711000001")),
    );
    // At each provider one refund is made but its answer is lost, the other never made (the
    // call hangs): which refund gets which is up to the order the calls arrive in.
    let ((batch_id, b1_pending), b2_pending, n1_pending, n2_pending) = {
        let _alone = FAULTS.write().await;
        for (provider, op) in [("bkash", "refund"), ("nagad", "cancel")] {
            for kind in ["answer_lost", "hang"] {
                s.fault(json!({ "provider": provider, "op": op, "fault": { "kind": kind }, "count": 1 }))
                    .await;
            }
        }
        tokio::join!(
            batch_refund(&s, &b1.payment.id, "200.00"),
            post_refund(&s, &b2.payment.id, "200.00"),
            post_refund(&s, &n1.payment.id, "200.00"),
            post_refund(&s, &n2.payment.id, "200.00"),
        )
    };
    // Which refund at each provider was never made (the hung call): the ledger tells. That one
    // stays pending until the give-up time; the other settles within moments (verify / refund status
    // find it), so the checks below use the open one.
    let b1_open = !made(&s, "bkash", &b1).await;
    let n1_open = !made(&s, "nagad", &n1).await;
    let (b_open, n_open) = (if b1_open { &b1 } else { &b2 }, if n1_open { &n1 } else { &n2 });

    // Nagad's verify shows only the last cancel: a second refund waits for the first.
    let (status, second) = refund(&s, &n_open.payment.id, json!({ "amount": "10.00" }), None).await;
    assert_eq!(
        (status, second["error"]["code"].as_str()),
        (409, Some("refund_in_progress")),
        "{second}"
    );
    assert_eq!(second["error"]["retryable"], true);
    // A pending refund is not counted as refunded; bKash shows every refund with its amount,
    // so a second one may go while the first is open.
    let (_, open_now) = s.merchant_get(&format!("/v1/payments/{}", b_open.payment.id)).await;
    assert_eq!(
        open_now["amount_refunded"], "0.00",
        "a pending refund is not counted as refunded"
    );
    let (status, other) = refund(&s, &b_open.payment.id, json!({ "amount": "10.00" }), None).await;
    assert_eq!((status, other["status"].as_str()), (201, Some("succeeded")), "{other}");

    let if_open = |open: bool| if open { ("210.00", "10.00") } else { ("200.00", "0.00") };
    let outcomes = tokio::join!(
        settles_by_asking(&s, "bkash", &b1, &b1_pending, if_open(b1_open)),
        settles_by_asking(&s, "bkash", &b2, &b2_pending, if_open(!b1_open)),
        settles_by_asking(&s, "nagad", &n1, &n1_pending, ("200.00", "0.00")),
        settles_by_asking(&s, "nagad", &n2, &n2_pending, ("200.00", "0.00")),
    );
    let bkash = [outcomes.0.as_str(), outcomes.1.as_str()];
    let nagad = [outcomes.2.as_str(), outcomes.3.as_str()];
    let expect = |first_open: bool| {
        if first_open {
            ["requires_manual", "succeeded"]
        } else {
            ["succeeded", "requires_manual"]
        }
    };
    assert_eq!(bkash, expect(b1_open), "bKash: the lost answer made, the hang not");
    assert_eq!(nagad, expect(n1_open), "Nagad: the lost answer made, the hang not");

    // The batch's line now shows what its refund settled as.
    let (_, refund) = s
        .merchant_get(&format!("/v1/refunds/{}", b1_pending["id"].as_str().unwrap()))
        .await;
    // (The batch reads the ledger, which follows the payment's object by one write.)
    let mut batch = Value::Null;
    for _ in 0..20 {
        batch = s.merchant_get(&format!("/v1/refunds/batch/{batch_id}")).await.1;
        if batch["lines"][0]["status"] == refund["status"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(batch["lines"][0]["status"], refund["status"], "{batch}");
    assert_eq!(batch["pending"], 0, "{batch}");
}
