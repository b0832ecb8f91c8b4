//! Purchase cancel (B.8): partial and full refunds, over-refunds, verify afterwards, and the
//! statement export.

use serde_json::{json, Value};

use crate::support::*;

#[tokio::test]
async fn partial_then_full_refund_then_nothing_more() {
    let n = start().await;
    let (init, page) = n.order("1250.00").await;
    let paid = n.pay(&page, "01711000001").await;
    let reply = n.open(n.cancel(&init, "1250.00", "250.00").await).await;
    assert_eq!(reply["status"], "PartialCancelled");
    assert_eq!(
        (reply["code"].as_str(), reply["cancelAmount"].as_str()),
        (Some("00_0000_000"), Some("250.00"))
    );
    let first_trx = reply["cancelTrxId"].as_str().unwrap().to_owned();
    assert_eq!(first_trx.len(), 8);
    let v = n.verify(&init.reference).await;
    assert_eq!(v["status"], "PartialCancelled");
    assert_eq!(v["cancelIssuerRefNo"], first_trx.as_str());
    assert!(v["cancelIssuerDateTime"].is_string());
    assert_eq!(
        v["issuerPaymentRefNo"].as_str(),
        paid.issuer_payment_ref.as_deref(),
        "still shows the payment"
    );

    let over = n.cancel(&init, "1250.00", "1000.01").await;
    assert_eq!(reason(over).await, (400, "16_0006_017".into()), "past the original");
    let reply = n.open(n.cancel(&init, "1250.00", "1000.00").await).await;
    assert_eq!(reply["status"], "Cancelled");
    assert_eq!(n.status(&init.reference).await, "Cancelled");
    assert_eq!(
        reason(n.cancel(&init, "1250.00", "0.01").await).await,
        (400, "16_0006_017".into())
    );
    let refunds = n.sandbox.ledger.entries(None, Some("cancel"), Some(&init.reference));
    let ok: Vec<_> = refunds
        .iter()
        .filter(|e| e.outcome == "ok")
        .map(|e| e.amount.clone().unwrap())
        .collect();
    assert_eq!(ok, ["250.00", "1000.00"]);
}

#[tokio::test]
async fn refunds_need_a_paid_payment_and_matching_data() {
    let n = start().await;
    let (init, _) = n.order("100.00").await;
    assert_eq!(
        reason(n.cancel(&init, "100.00", "10.00").await).await,
        (400, "16_0006_017".into()),
        "not paid yet"
    );
    let (init, page) = n.order("100.00").await;
    n.pay(&page, "01711000001").await;
    assert_eq!(
        reason(n.cancel(&init, "99.00", "10.00").await).await,
        (400, "16_0006_059".into()),
        "wrong original"
    );
    assert_eq!(
        reason(n.cancel(&init, "100.00", "0").await).await,
        (400, "16_0006_059".into())
    );
    let wrong_order = Init {
        order_id: "OTHER12345".into(),
        reference: init.reference.clone(),
        challenge: String::new(),
    };
    assert_eq!(
        reason(n.cancel(&wrong_order, "100.00", "10.00").await).await,
        (400, "16_0006_068".into())
    );
    let url = n.api(&format!(
        "/purchase/cancel?paymentRefId={}&orderId={}",
        encode(&init.reference),
        init.order_id
    ));
    let r = n
        .headers(n.http.post(&url))
        .json(&json!({"sensitiveData": "x", "signature": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        reason(r).await,
        (400, "16_0006_999".into()),
        "the cancel body key is sensitiveDataCancelRequest"
    );
    let r = n.http.post(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(reason(r).await, (400, "16_0006_064".into()));
}

#[tokio::test]
async fn the_statement_lists_the_days_payments_and_refunds() {
    let n = start().await;
    let (init, page) = n.order("1250.00").await;
    let paid = n.pay(&page, "01711000001").await;
    n.open(n.cancel(&init, "1250.00", "250.00").await).await;
    let day = n.now();
    let date = format!("{}-{}-{}", &day[..4], &day[4..6], &day[6..8]);
    let s = n
        .control(reqwest::Method::GET, &format!("/statements/nagad/{date}"), Value::Null)
        .await;
    assert!(s["notice"].as_str().unwrap().contains("NOT a Nagad API"));
    let lines = s["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["type"], "payment");
    assert_eq!(lines[0]["trx_id"].as_str(), paid.issuer_payment_ref.as_deref());
    assert_eq!(
        (
            lines[0]["amount"].as_str(),
            lines[0]["fee"].as_str(),
            lines[0]["net"].as_str()
        ),
        (Some("1250.00"), Some("18.75"), Some("1231.25"))
    );
    assert_eq!(
        (
            lines[1]["type"].as_str(),
            lines[1]["amount"].as_str(),
            lines[1]["merchant_reference"].as_str()
        ),
        (Some("refund"), Some("-250.00"), Some("rf7Qm2Kx9Lp4"))
    );
    assert_eq!(s["totals"]["net"], "981.25");
    let csv = n
        .http
        .get(format!("{}/__control/statements/nagad/{date}?format=csv", n.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("type,trx_id,payment_ref_id,order_id,issuer_payment_ref,merchant_reference,amount,fee,net,time,settlement_date,wallet\r\n"));
    assert!(csv.lines().nth(1).is_some_and(|l| l.ends_with(",01XX0001")), "{csv}");
    assert_eq!(csv.lines().count(), 3);
    let r = n
        .http
        .get(format!("{}/__control/statements/nagad/2024-13-01", n.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
