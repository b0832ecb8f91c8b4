//! A worker whose `BDPAY_ENV` is not exactly `dev` is production: `make test` starts a second
//! worker with `BDPAY_ENV=staging` (and a loopback origin) and runs these against it
//! (`#[ignore]`d in a plain run: they need that worker, at `BDPAY_PROD_EDGE_URL`).

use serde_json::{json, Value};

fn prod_url(path: &str) -> String {
    let base = std::env::var("BDPAY_PROD_EDGE_URL").expect("BDPAY_PROD_EDGE_URL");
    format!("{base}{path}")
}

#[tokio::test]
#[ignore = "needs the production-mode worker that make test starts"]
async fn an_unknown_bdpay_env_is_production_no_demo_routes_no_test_ipn_rules() {
    let http = bdpay_tests::client();
    let health: Value = http
        .get(prod_url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["env"], "production", "{health}");
    let checkout = http
        .post(prod_url("/demo/checkout"))
        .json(&json!({ "product": "tshirt", "quantity": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(checkout.status(), 404, "no demo checkout in production");
    let receiver = http.get(prod_url("/demo/webhooks")).send().await.unwrap();
    assert_eq!(receiver.status(), 404, "no demo receiver in production");
    // A bKash IPN naming the sandbox's test certificate.
    let sandbox = std::env::var("BDPAY_SANDBOX_URL").unwrap_or_else(|_| "http://127.0.0.1:18790".into());
    let message = json!({ "trxID": "TEST000001", "transactionStatus": "Completed", "merchantInvoiceNumber": "x" });
    let sns = json!({
        "Type": "Notification", "MessageId": "00000000-0000-0000-0000-00000000prod",
        "TopicArn": "arn:aws:sns:ap-southeast-1:000000000000:bpt_50022", "Message": message.to_string(),
        "Timestamp": "2026-11-26T04:00:00.000Z", "SignatureVersion": "1", "Signature": "bm90IGEgc2lnbmF0dXJl",
        "SigningCertURL": format!("{sandbox}/bkash/sns/SimpleNotificationService-sandbox.pem"),
    });
    let r = http
        .post(prod_url("/v1/ipn/bkash"))
        .header("content-type", "text/plain; charset=UTF-8")
        .body(sns.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status();
    let e: Value = r.json().await.unwrap();
    // The dev rules would read this message (the sandbox's certificate host is allowed there)
    // and refuse its signature with a 4xx. Production reads it with the live settings, which
    // this worker lacks (no LIVE_ bKash credentials, no topic ARN): refused before any fetch.
    assert_eq!(
        (status.as_u16(), e["error"]["code"].as_str()),
        (502, Some("provider_config_error")),
        "{e}"
    );
}
