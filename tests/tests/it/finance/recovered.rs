//! A payment whose outcome we lost: the shopper paid on Nagad's page, but every verify failed
//! (a sandbox fault), so our ledger still says pending. The statement shows it paid: the
//! reconciliation marks it paid through its payment object, once, also when run twice.

use bdpay_tests::Stack;
use serde_json::json;

use super::{items, today, Shop};

#[tokio::test]
async fn a_payment_the_ledger_lost_is_marked_paid_by_reconciliation_once() {
    let mut shop = Shop::new("Lost Outcome Shop").await;
    let day = today();
    let (id, _, page) = shop.start("nagad", &Stack::amount(640), json!({})).await;
    let (_, p) = shop.get(&format!("/v1/payments/{id}")).await;
    let reference = p["provider_reference"].as_str().unwrap().to_owned();
    // Every verify of this payment fails (scoped to it: other tests never see the fault).
    shop.s
        .fault(json!({ "provider": "nagad", "op": "verify", "reference": reference,
                       "fault": { "kind": "status", "status": 500 }, "count": 200 }))
        .await;
    let back = bdpay_tests::nagad_page(&shop.s.http, &page, "01711000001", false).await;
    let _ = bdpay_tests::follow_return(&shop.s.http, &back).await;
    let (_, p) = shop.get(&format!("/v1/payments/{id}")).await;
    assert_eq!(p["status"], "pending", "the outcome is not known to us: {p}");

    let csv = shop.statement("nagad", &day).await;
    assert_eq!(csv.lines().count(), 2, "the statement shows it paid: {csv}");
    assert_eq!(shop.upload("nagad", &day, &csv).await.0, 200);
    let first = shop.run(&day).await;
    let matched = items(&first, "matched");
    assert_eq!(matched.len(), 1, "{first}");
    assert_eq!(matched[0]["evidence"]["recovered"], true, "{first}");
    assert_eq!(first["summary"]["difference"], "0.00", "{first}");
    let paid = shop.wait_status(&id, "succeeded").await;
    assert_eq!(paid["provider_transaction_id"], matched[0]["trx_id"], "{paid}");

    // Again: nothing more to recover, and the payment moved once.
    let second = shop.run(&day).await;
    assert_eq!(items(&second, "matched")[0]["evidence"]["recovered"], false, "{second}");
    let (_, events) = shop
        .get(&format!("/v1/events?payment={id}&type=payment.succeeded"))
        .await;
    assert_eq!(events["data"].as_array().unwrap().len(), 1, "{events}");
}
