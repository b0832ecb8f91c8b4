//! Nagad reply variants (`/__control/variants`) and the 200-coded `{reason,message}` fault.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_reason_body_with_http_200() {
    let n = start().await;
    let (init, _) = n.order("100.00").await;
    n.fault("verify", json!({"kind":"code_200","code":"16_0006_055"})).await;
    let r = n
        .http
        .get(n.api(&format!("/verify/payment/{}", encode(&init.reference))))
        .send()
        .await
        .unwrap();
    assert_eq!(reason(r).await, (200, "16_0006_055".into()));
    assert_eq!(n.status(&init.reference).await, "Ready", "only once");
}

#[tokio::test]
async fn long_issuer_refs_and_refunded_words_for_one_payment() {
    let n = start().await;
    let (init, page) = n.order("1250.00").await;
    for variant in [json!({"kind":"long_trx_id","len":30}), json!({"kind":"refund_words"})] {
        n.control(
            reqwest::Method::POST,
            "/variants",
            json!({"provider":"nagad","reference": init.reference,"variant": variant}),
        )
        .await;
    }
    let paid = n.pay(&page, "01711000001").await;
    let issuer = paid.issuer_payment_ref.clone().unwrap();
    assert_eq!(issuer.len(), 30);
    assert_eq!(n.verify(&init.reference).await["issuerPaymentRefNo"], issuer.as_str());
    let reply = n.open(n.cancel(&init, "1250.00", "250.00").await).await;
    assert_eq!(reply["status"], "PartialRefunded");
    assert_eq!(n.status(&init.reference).await, "PartialRefunded");
    let reply = n.open(n.cancel(&init, "1250.00", "1000.00").await).await;
    assert_eq!(reply["status"], "Refunded");
    let v = n.verify(&init.reference).await;
    assert_eq!(
        (v["status"].as_str(), v["cancelIssuerRefNo"].as_str()),
        (Some("Refunded"), reply["cancelTrxId"].as_str())
    );

    let (other, page) = n.order("100.00").await;
    let paid = n.pay(&page, "01711000001").await;
    assert_eq!(
        paid.issuer_payment_ref.unwrap().len(),
        8,
        "other payments keep the usual shape"
    );
    assert_eq!(
        n.open(n.cancel(&other, "100.00", "100.00").await).await["status"],
        "Cancelled"
    );
}
