//! Two bKash merchants on one sandbox (docs/providers.md A.18): the published credential set
//! and a TEST-ONLY second one, each with its own tokens and payments, over HTTP.

// A test crate: its helpers (outside #[test] fns) may unwrap and panic like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bkash_support;

use bdpay_sandbox::bkash::choices::{self, Credential, CREDENTIALS};
use bkash_support::{start, Sbx, BASE, REFUND};
use reqwest::Method;
use serde_json::{json, Value};

const FIRST: &Credential = &CREDENTIALS[0];
const SECOND: &Credential = &CREDENTIALS[1];

fn create_body(amount: &str) -> Value {
    json!({"mode":"0011","payerReference":"01770618575","callbackURL":"https://shop.example/return",
           "amount": amount,"currency":"BDT","intent":"sale","merchantInvoiceNumber":"INV-2"})
}

/// grant → create → approve (control) → execute as merchant `c`; gives (token, paymentID, trxID).
async fn pay_as(sbx: &Sbx, c: &Credential, amount: &str, wallet: &str) -> (String, String, String) {
    let granted = sbx.grant_as(c).await;
    assert_eq!(granted["statusCode"], "0000", "{granted}");
    let token = granted["id_token"].as_str().unwrap().to_owned();
    let (_, created) = sbx
        .api_with(&token, c.app_key, &format!("{BASE}/create"), create_body(amount))
        .await;
    assert_eq!(created["statusCode"], "0000", "{created}");
    let id = created["paymentID"].as_str().unwrap().to_owned();
    let (status, _) = sbx
        .control(
            Method::POST,
            &format!("/bkash/approve/{id}"),
            Some(json!({"wallet": wallet})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, done) = sbx
        .api_with(&token, c.app_key, &format!("{BASE}/execute"), json!({"paymentID": id}))
        .await;
    assert_eq!(
        (done["statusCode"].as_str(), done["transactionStatus"].as_str()),
        (Some("0000"), Some("Completed")),
        "{done}"
    );
    let trx = done["trxID"].as_str().unwrap().to_owned();
    (token, id, trx)
}

#[tokio::test]
async fn the_second_credential_grants_creates_and_executes() {
    assert_eq!(
        (SECOND.username, SECOND.app_key),
        (choices::SECOND_USERNAME, choices::SECOND_APP_KEY)
    );
    let sbx = start(|_| {}).await;
    let (token, id, trx) = pay_as(&sbx, SECOND, "250.00", "01929918378").await;
    let (_, q) = sbx
        .api_with(
            &token,
            SECOND.app_key,
            &format!("{BASE}/payment/status"),
            json!({"paymentID": id}),
        )
        .await;
    assert_eq!(
        (q["transactionStatus"].as_str(), q["trxID"].as_str()),
        (Some("Completed"), Some(trx.as_str()))
    );
    let (_, found) = sbx
        .api_with(
            &token,
            SECOND.app_key,
            &format!("{BASE}/general/searchTransaction"),
            json!({"trxID": trx}),
        )
        .await;
    assert_eq!(found["customerMsisdn"], "01929918378", "{found}");
    let (_, refund) = sbx
        .api_with(
            &token,
            SECOND.app_key,
            &format!("{REFUND}/transaction"),
            json!({"paymentId": id, "trxId": trx, "refundAmount": "50", "sku": "S", "reason": "R"}),
        )
        .await;
    assert_eq!(refund["refundTransactionStatus"], "Completed", "{refund}");

    let (status, view) = sbx.control(Method::GET, &format!("/bkash/payments/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        (view["merchant"].as_str(), view["app_key"].as_str()),
        (Some(choices::SECOND_USERNAME), Some(choices::SECOND_APP_KEY)),
        "{view}"
    );
    assert_eq!(
        (
            view["stage"].as_str(),
            view["trxID"].as_str(),
            view["refunded"].as_str()
        ),
        (Some("completed"), Some(trx.as_str()), Some("50.00"))
    );
    let (_, first_id, _) = pay_as(&sbx, FIRST, "15", "01770618575").await;
    let (_, first) = sbx
        .control(Method::GET, &format!("/bkash/payments/{first_id}"), None)
        .await;
    assert_eq!(first["merchant"], choices::USERNAME, "{first}");
    let creates = sbx.ledger("create").await;
    let merchants: Vec<&str> = creates
        .iter()
        .map(|e| e["detail"]["merchant"].as_str().unwrap())
        .collect();
    assert_eq!(merchants, [choices::SECOND_USERNAME, choices::USERNAME]);
    let (status, _) = sbx.control(Method::GET, "/bkash/payments/TR0011nope", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_token_works_only_with_its_own_app_key() {
    let sbx = start(|_| {}).await;
    let first = sbx.grant().await;
    let second = sbx.grant_as(SECOND).await["id_token"].as_str().unwrap().to_owned();
    for (token, key) in [(&first, SECOND.app_key), (&second, FIRST.app_key)] {
        let (status, v) = sbx
            .api_with(token, key, &format!("{BASE}/create"), create_body("15"))
            .await;
        assert_eq!(
            (status.as_u16(), v),
            (200, json!({"statusCode":"2001","statusMessage":"Invalid App Key"}))
        );
        let (status, v) = sbx
            .api_with(
                token,
                key,
                &format!("{REFUND}/status"),
                json!({"paymentId": "TR0011x", "trxId": "X"}),
            )
            .await;
        assert_eq!((status.as_u16(), v["externalCode"].as_str()), (400, Some("2001")));
    }
    // Each set grants only as a whole: the second username with the first's app key is 9999.
    let body = json!({"app_key": FIRST.app_key, "app_secret": FIRST.app_secret}).to_string();
    let (_, v) = sbx
        .call(
            &format!("{BASE}/token/grant"),
            &[("username", SECOND.username), ("password", SECOND.password)],
            &body,
        )
        .await;
    assert_eq!(v["statusCode"], "9999", "{v}");
    // A refresh_token refreshes only for the set it was granted to.
    let granted = sbx.grant_as(FIRST).await;
    let body = json!({"app_key": SECOND.app_key, "app_secret": SECOND.app_secret,
                      "refresh_token": granted["refresh_token"]})
    .to_string();
    let (_, v) = sbx
        .call(
            &format!("{BASE}/token/refresh"),
            &[("username", SECOND.username), ("password", SECOND.password)],
            &body,
        )
        .await;
    assert_eq!(v["statusCode"], "2079", "{v}");
}

#[tokio::test]
async fn a_merchant_sees_only_its_own_payments() {
    let sbx = start(|_| {}).await;
    let (_, id, trx) = pay_as(&sbx, FIRST, "100", "01770618575").await;
    let other = sbx.grant_as(SECOND).await["id_token"].as_str().unwrap().to_owned();
    let call = |path: String, body: Value| {
        let (sbx, other) = (&sbx, other.clone());
        async move { sbx.api_with(&other, SECOND.app_key, &path, body).await }
    };
    let (_, v) = call(format!("{BASE}/payment/status"), json!({"paymentID": id})).await;
    assert_eq!(v["statusCode"], "2002", "{v}");
    let (_, v) = call(format!("{BASE}/execute"), json!({"paymentID": id})).await;
    assert_eq!(v["statusCode"], "2002", "{v}");
    let (_, v) = call(format!("{BASE}/general/searchTransaction"), json!({"trxID": trx})).await;
    assert_eq!(v["statusCode"], "2033", "{v}");
    let refund = json!({"paymentId": id, "trxId": trx, "refundAmount": "10", "sku": "S", "reason": "R"});
    let (status, v) = call(format!("{REFUND}/transaction"), refund).await;
    assert_eq!((status.as_u16(), v["externalCode"].as_str()), (400, Some("2002")));
    let legacy = json!({"paymentID": id, "trxID": trx, "amount": "10"});
    let (_, v) = call(format!("{BASE}/payment/refund"), legacy).await;
    assert_eq!(v["statusCode"], "2002", "{v}");
    let (_, v) = sbx.control(Method::GET, &format!("/bkash/payments/{id}"), None).await;
    assert_eq!(
        (v["merchant"].as_str(), v["refunded"].as_str()),
        (Some(choices::USERNAME), Some("0.00"))
    );
}

#[tokio::test]
async fn refund_v2_missing_keys_on_the_credential_the_token_belongs_to() {
    let sbx = start(|_| {}).await;
    let (t1, id1, trx1) = pay_as(&sbx, FIRST, "100", "01770618575").await;
    let (t2, id2, trx2) = pay_as(&sbx, SECOND, "100", "01929918378").await;
    let refund =
        |id: &str, trx: &str| json!({"paymentId": id, "trxId": trx, "refundAmount": "1", "sku": "S", "reason": "R"});
    for rule in [
        json!({"provider":"bkash","username": SECOND.username,"variant":{"kind":"refund_v2_missing"}}),
        json!({"provider":"bkash","app_key": SECOND.app_key,"variant":{"kind":"refund_v2_missing"}}),
    ] {
        let (status, _) = sbx.control(Method::POST, "/variants", Some(rule.clone())).await;
        assert_eq!(status, 201);
        let (status, v) = sbx
            .api_with(
                &t2,
                SECOND.app_key,
                &format!("{REFUND}/transaction"),
                refund(&id2, &trx2),
            )
            .await;
        assert_eq!(
            (status.as_u16(), v),
            (403, json!({"message":"Missing Authentication Token"})),
            "{rule}"
        );
        let (status, v) = sbx
            .api_with(
                &t1,
                FIRST.app_key,
                &format!("{REFUND}/transaction"),
                refund(&id1, &trx1),
            )
            .await;
        assert_eq!(
            (status.as_u16(), v["refundTransactionStatus"].as_str()),
            (200, Some("Completed")),
            "{rule}: the other merchant keeps v2"
        );
        sbx.control(Method::DELETE, "/variants", None).await;
    }
}

#[tokio::test]
async fn the_token_budget_is_per_merchant() {
    let sbx = start(|c| c.bkash_token_budget = 2).await;
    for _ in 0..2 {
        sbx.grant().await;
    }
    let (status, _) = sbx
        .grant_raw(choices::USERNAME, choices::PASSWORD, choices::APP_SECRET)
        .await;
    assert_eq!(status, 429);
    assert_eq!(sbx.grant_as(SECOND).await["statusCode"], "0000");
}
