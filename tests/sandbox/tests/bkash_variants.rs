//! bKash reply variants (`/__control/variants`) and the 200-coded faults, over HTTP: the
//! shapes the edge must tolerate, each switched on for one payment or credential.

// A test crate: its helpers (outside #[test] fns) may unwrap and panic like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bkash_support;

use bkash_support::{listener, start, verify_sns, Sbx, BASE, REFUND};
use serde_json::{json, Value};

async fn variant(sbx: &Sbx, rule: Value) -> (u16, Value) {
    let r = sbx
        .http
        .post(sbx.url("/__control/variants"))
        .body(rule.to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn an_invalid_app_token_comes_once_with_http_200() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "15").await;
    sbx.fault(json!({"provider":"bkash","op":"query","fault":{"kind":"code","code":"2079"},"count":1}))
        .await;
    let id = created["paymentID"].as_str().unwrap();
    let (status, v) = sbx
        .api(&token, &format!("{BASE}/payment/status"), json!({"paymentID": id}))
        .await;
    assert_eq!((status.as_u16(), v["statusCode"].as_str()), (200, Some("2079")));
    assert_eq!(v["statusMessage"], "Invalid app Token");
    assert_eq!(sbx.query(&token, id).await["statusCode"], "0000", "only once");
}

#[tokio::test]
async fn long_trx_ids_for_one_payment_only() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "15").await;
    let id = created["paymentID"].as_str().unwrap().to_owned();
    let (s, _) = variant(
        &sbx,
        json!({"provider":"bkash","reference": id,"variant":{"kind":"long_trx_id","len":40}}),
    )
    .await;
    assert_eq!(s, 201);
    sbx.shopper_pays(&created, "01770618575").await;
    let done = sbx.execute(&token, &id).await;
    let trx = done["trxID"].as_str().unwrap();
    assert!(
        trx.len() == 40 && trx.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        "{trx}"
    );
    assert_eq!(sbx.query(&token, &id).await["trxID"], trx);
    let other = sbx.pay(&token, "16", "01929918378").await;
    assert_eq!(other.trx.len(), 10, "other payments keep bKash's shape");
    let (s, v) = variant(
        &sbx,
        json!({"provider":"bkash","reference": id,"variant":{"kind":"long_trx_id","len":65}}),
    )
    .await;
    assert_eq!(s, 400, "{v}");
}

#[tokio::test]
async fn sns_message_without_the_optional_fields() {
    let ipn = listener(0).await;
    let url = ipn.url.clone();
    let sbx = start(move |c| c.bkash_webhook_url = Some(url)).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "15").await;
    let id = created["paymentID"].as_str().unwrap().to_owned();
    variant(
        &sbx,
        json!({"provider":"bkash","reference": id,"variant":{"kind":"sns_minimal"}}),
    )
    .await;
    sbx.shopper_pays(&created, "01770618575").await;
    assert_eq!(sbx.execute(&token, &id).await["statusCode"], "0000");
    let confirmation = verify_sns(&sbx.http, &ipn.wait_for(1).await[0].body).await;
    sbx.http.get(confirmation.subscribe_url.unwrap()).send().await.unwrap();
    let env = verify_sns(&sbx.http, &ipn.wait_for(2).await[1].body).await;
    let m: Value = serde_json::from_str(&env.message).unwrap();
    for gone in ["dateTime", "creditOrganizationName", "transactionReference"] {
        assert!(m.get(gone).is_none(), "{gone}: {m}");
    }
    assert!(m["trxID"].is_string() && m["merchantInvoiceNumber"].is_string());
    sbx.pay(&token, "99", "01770618575").await;
    let env = verify_sns(&sbx.http, &ipn.wait_for(3).await[2].body).await;
    let m: Value = serde_json::from_str(&env.message).unwrap();
    assert!(m["dateTime"].is_string(), "another payment keeps every field");
}

#[tokio::test]
async fn refund_status_may_answer_an_envelope_when_nothing_was_refunded() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let paid = sbx.pay(&token, "100", "01770618575").await;
    let ask = json!({"paymentId": paid.id, "trxId": paid.trx});
    let (s, v) = sbx.api(&token, &format!("{REFUND}/status"), ask.clone()).await;
    assert_eq!((s.as_u16(), v["refundTransactions"].clone()), (200, json!([])));
    variant(
        &sbx,
        json!({"provider":"bkash","reference": paid.id,"variant":{"kind":"no_refunds_envelope"}}),
    )
    .await;
    let (s, v) = sbx.api(&token, &format!("{REFUND}/status"), ask.clone()).await;
    assert_eq!((s.as_u16(), v["externalCode"].as_str()), (400, Some("2033")), "{v}");
    assert_eq!(v["internalCode"], "transaction_not_found");
    let legacy = json!({"paymentID": paid.id, "trxID": paid.trx});
    let (s, v) = sbx.api(&token, &format!("{BASE}/payment/refund"), legacy).await;
    assert_eq!(
        (s.as_u16(), v["statusCode"].as_str()),
        (200, Some("2033")),
        "legacy: none → 2033"
    );
    let refund = json!({"paymentId": paid.id, "trxId": paid.trx, "refundAmount": "10", "sku": "S", "reason": "R"});
    assert_eq!(
        sbx.api(&token, &format!("{REFUND}/transaction"), refund)
            .await
            .0
            .as_u16(),
        200
    );
    let (s, v) = sbx.api(&token, &format!("{REFUND}/status"), ask).await;
    assert_eq!(
        (s.as_u16(), v["refundTransactions"].as_array().map(Vec::len)),
        (200, Some(1))
    );
}

#[tokio::test]
async fn refund_v2_missing_for_a_credential_while_legacy_works() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let paid = sbx.pay(&token, "100", "01770618575").await;
    let (s, _) = variant(
        &sbx,
        json!({"provider":"bkash","app_key":"someone-else","variant":{"kind":"refund_v2_missing"}}),
    )
    .await;
    assert_eq!(s, 201);
    let refund = json!({"paymentId": paid.id, "trxId": paid.trx, "refundAmount": "10", "sku": "S", "reason": "R"});
    assert_eq!(
        sbx.api(&token, &format!("{REFUND}/transaction"), refund.clone())
            .await
            .0
            .as_u16(),
        200,
        "other key"
    );
    variant(&sbx, json!({"provider":"bkash","app_key": bdpay_sandbox::bkash::choices::APP_KEY,"variant":{"kind":"refund_v2_missing"}})).await;
    for path in ["transaction", "status"] {
        let (s, v) = sbx.api(&token, &format!("{REFUND}/{path}"), refund.clone()).await;
        assert_eq!(
            (s.as_u16(), v),
            (403, json!({"message":"Missing Authentication Token"})),
            "{path}"
        );
    }
    let legacy = json!({"paymentID": paid.id, "trxID": paid.trx, "amount": "15", "sku": "S", "reason": "R"});
    let (s, v) = sbx.api(&token, &format!("{BASE}/payment/refund"), legacy).await;
    assert_eq!(
        (s.as_u16(), v["transactionStatus"].as_str()),
        (200, Some("Completed")),
        "{v}"
    );
    assert_eq!(
        (v["originalTrxID"].as_str(), v["amount"].as_str()),
        (Some(paid.trx.as_str()), Some("15"))
    );
    let status = json!({"paymentID": paid.id, "trxID": paid.trx});
    let (s, v) = sbx.api(&token, &format!("{BASE}/payment/refund"), status).await;
    assert_eq!(
        (s.as_u16(), v["refundTrxID"].is_string(), v["amount"].as_str()),
        (200, true, Some("15.00"))
    );
    sbx.http.delete(sbx.url("/__control/variants")).send().await.unwrap();
    assert_eq!(
        sbx.api(&token, &format!("{REFUND}/transaction"), refund)
            .await
            .0
            .as_u16(),
        200,
        "cleared"
    );
}

#[tokio::test]
async fn a_legacy_refund_with_a_lost_answer_is_made_and_answered_late() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let paid = sbx.pay(&token, "100", "01770618575").await;
    sbx.fault(json!({"provider":"bkash","op":"refund","fault":{"kind":"answer_lost"},"count":1}))
        .await;
    let legacy = json!({"paymentID": paid.id, "trxID": paid.trx, "amount": "20", "sku": "S", "reason": "R"});
    let started = std::time::Instant::now();
    let (s, v) = sbx.api(&token, &format!("{BASE}/payment/refund"), legacy).await;
    assert_eq!(
        (s.as_u16(), v["transactionStatus"].as_str()),
        (200, Some("Completed")),
        "{v}"
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(400),
        "the answer was held for the hang"
    );
    let made: Vec<Value> = sbx
        .ledger("refund")
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .collect();
    assert_eq!(made.len(), 1, "made once: {made:?}");
    assert_eq!(made[0]["detail"]["api"], "v1");
}
