//! The bKash half of the sandbox driven over HTTP as a merchant's server and a shopper's
//! browser would (docs/providers.md Part A). Each test runs its own sandbox on a free port.

mod bkash_support;

use std::time::{Duration, Instant};

use bkash_support::{listener, start, verify_sns, BASE, REFUND};
use serde_json::{json, Value};

#[tokio::test]
async fn a_payment_goes_create_page_execute_query_search() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let created = sbx
        .create_with(
            &token,
            "15",
            "BDP-42",
            "https://shop.example/return?order=7",
            "01770618575",
        )
        .await;
    assert_eq!(created["statusCode"], "0000");
    assert_eq!(created["transactionStatus"], "Initiated");
    assert_eq!(created["amount"], "15", "amount is echoed as sent");
    let id = created["paymentID"].as_str().unwrap();
    assert!(
        id.len() == 26 && id.starts_with("TR0011") && id[13..].bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    let page = created["bkashURL"].as_str().unwrap();
    assert!(
        page.starts_with(&format!("{}/bkash/payment?paymentId={id}&hash=", sbx.origin))
            && page.ends_with("&mode=0011&apiVersion=v1.2.0-beta/"),
        "{page}"
    );
    let success = created["successCallbackURL"].as_str().unwrap();
    assert!(
        success.starts_with(&format!(
            "https://shop.example/return?order=7&paymentID={id}&status=success&signature="
        )),
        "{success}"
    );
    let sig = success.rsplit("signature=").next().unwrap();
    assert_eq!(sig.len(), 10);
    assert!(created["failureCallbackURL"]
        .as_str()
        .unwrap()
        .ends_with(&format!("status=failure&signature={sig}")));
    assert!(created["cancelledCallbackURL"]
        .as_str()
        .unwrap()
        .ends_with(&format!("status=cancel&signature={sig}")));
    assert!(created["paymentCreateTime"].as_str().unwrap().ends_with(" GMT+0600"));

    let (status, html) = sbx.open(&created).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("#E2136E") && html.contains("Demo Shop") && html.contains("BDP-42") && html.contains("৳15.00")
    );
    assert!(
        html.contains("value=\"01770618575\""),
        "payerReference pre-fills the wallet"
    );
    let back = sbx.shopper_pays(&created, "01770618575").await;
    assert_eq!(back, format!("{success}&apiVersion=1.2.0-beta/"));

    let before = sbx.query(&token, id).await;
    assert_eq!(
        (
            before["transactionStatus"].as_str(),
            before["verificationStatus"].as_str()
        ),
        (Some("Initiated"), Some("Complete"))
    );
    let done = sbx.execute(&token, id).await;
    assert_eq!(
        (done["statusCode"].as_str(), done["transactionStatus"].as_str()),
        (Some("0000"), Some("Completed"))
    );
    let trx = done["trxID"].as_str().unwrap();
    assert!(
        trx.len() == 10 && trx.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        "{trx}"
    );
    assert_eq!(
        (done["customerMsisdn"].as_str(), done["amount"].as_str()),
        (Some("01770618575"), Some("15"))
    );

    let q = sbx.query(&token, id).await;
    assert_eq!(q["transactionStatus"], "Completed");
    assert_eq!(q["merchantInvoice"], "BDP-42");
    assert_eq!(q["trxID"], trx);
    assert!(q.get("merchantInvoiceNumber").is_none());
    let (_, found) = sbx
        .api(
            &token,
            &format!("{BASE}/general/searchTransaction"),
            json!({"trxID": trx}),
        )
        .await;
    assert_eq!(
        (found["statusCode"].as_str(), found["organizationShortCode"].as_str()),
        (Some("0000"), Some("50022"))
    );
    assert!(found["completedTime"].as_str().unwrap().ends_with(":000 GMT+0600"));
}

#[tokio::test]
async fn test_wallets_fail_at_execute_with_their_codes() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    for (i, (wallet, code)) in [
        ("01823074817", "2023"),
        ("01823074818", "2037"),
        ("01700002029", "2029"),
        ("01700009999", "9999"),
    ]
    .into_iter()
    .enumerate()
    {
        let created = sbx.create(&token, &format!("{}.00", 100 + i)).await;
        assert!(sbx.shopper_pays(&created, wallet).await.contains("status=success"));
        let id = created["paymentID"].as_str().unwrap();
        assert_eq!(sbx.execute(&token, id).await["statusCode"], code, "{wallet}");
        assert_eq!(sbx.query(&token, id).await["transactionStatus"], "Initiated");
    }
    assert!(sbx.ledger("execute").await.iter().all(|e| e["outcome"] != "ok"));
}

#[tokio::test]
async fn the_hang_wallet_times_out_then_query_shows_completed() {
    let sbx = start(|c| c.hang = Duration::from_millis(1500)).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "77").await;
    sbx.shopper_pays(&created, "01700000504").await;
    let id = created["paymentID"].as_str().unwrap();
    let impatient = sbx
        .http
        .post(sbx.url(&format!("{BASE}/execute")))
        .header("authorization", &token)
        .header("x-app-key", bdpay_sandbox::bkash::choices::APP_KEY)
        .timeout(Duration::from_millis(300))
        .body(json!({"paymentID": id}).to_string())
        .send()
        .await;
    assert!(impatient.unwrap_err().is_timeout());
    assert_eq!(sbx.query(&token, id).await["transactionStatus"], "Completed");
    assert_eq!(sbx.execute(&token, id).await["statusCode"], "2062");
}

#[tokio::test]
async fn three_wrong_pins_fail_the_payment() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "10").await;
    sbx.submit(&created, "wallet", "01929918378", "confirm").await;
    sbx.submit(&created, "otp", "123456", "confirm").await;
    sbx.submit(&created, "pin", "99999", "confirm").await;
    let html = sbx.open(&created).await.1;
    assert!(html.contains("(2014)") && html.contains("2 attempts left"), "{html}");
    sbx.submit(&created, "pin", "11111", "confirm").await;
    assert!(sbx.open(&created).await.1.contains("1 attempt left"));
    let back = sbx.submit(&created, "pin", "00000", "confirm").await;
    assert!(
        back.starts_with("https://shop.example/return?order=7&paymentID=") && back.contains("&status=failure&"),
        "{back}"
    );
    let id = created["paymentID"].as_str().unwrap();
    assert_eq!(sbx.execute(&token, id).await["statusCode"], "2056");
    let q = sbx.query(&token, id).await;
    assert_eq!(
        (q["transactionStatus"].as_str(), q["verificationStatus"].as_str()),
        (Some("Initiated"), Some("Incomplete"))
    );
}

#[tokio::test]
async fn a_wrong_otp_is_asked_again_and_an_old_one_expires() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "10").await;
    sbx.submit(&created, "wallet", "01770618575", "confirm").await;
    sbx.submit(&created, "otp", "000000", "confirm").await;
    let html = sbx.open(&created).await.1;
    assert!(html.contains("(2016)") && html.contains("name=\"otp\""));
    sbx.submit(&created, "otp", "123456", "confirm").await;
    assert!(sbx.open(&created).await.1.contains("name=\"pin\""));

    let late = sbx.create(&token, "11").await;
    sbx.submit(&late, "wallet", "01770618575", "confirm").await;
    sbx.advance(121).await;
    sbx.submit(&late, "otp", "123456", "confirm").await;
    let html = sbx.open(&late).await.1;
    assert!(
        html.contains("OTP verification time expired (2018)") && html.contains("status=failure"),
        "{html}"
    );
    assert_eq!(
        sbx.execute(&token, late["paymentID"].as_str().unwrap()).await["statusCode"],
        "2056"
    );
}

#[tokio::test]
async fn cancel_at_any_step_returns_status_cancel() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    for step in ["wallet", "otp", "pin"] {
        let created = sbx.create(&token, "20").await;
        if step != "wallet" {
            sbx.submit(&created, "wallet", "01770618575", "confirm").await;
        }
        if step == "pin" {
            sbx.submit(&created, "otp", "123456", "confirm").await;
        }
        let back = sbx.submit(&created, step, "", "cancel").await;
        assert!(
            back.contains("&status=cancel&signature=") && back.ends_with("&apiVersion=1.2.0-beta/"),
            "{back}"
        );
        let id = created["paymentID"].as_str().unwrap();
        assert_eq!(sbx.execute(&token, id).await["statusCode"], "2056");
        assert_eq!(sbx.query(&token, id).await["transactionStatus"], "Initiated");
    }
}

#[tokio::test]
async fn execute_twice_answers_2062_and_debits_once() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let paid = sbx.pay(&token, "1250.00", "01770618575").await;
    assert_eq!(sbx.execute(&token, &paid.id).await["statusCode"], "2062");
    let debits: Vec<Value> = sbx
        .ledger("execute")
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "ok")
        .collect();
    assert_eq!(debits.len(), 1);
    assert_eq!(debits[0]["trx_id"], paid.trx.as_str());
    assert_eq!(sbx.ledger("execute").await.len(), 2, "every attempt is recorded");
}

#[tokio::test]
async fn execute_refuses_too_early_unknown_duplicate_and_stale() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "30").await;
    let id = created["paymentID"].as_str().unwrap();
    assert_eq!(sbx.execute(&token, id).await["statusCode"], "2060");
    assert_eq!(
        sbx.execute(&token, "TR0011nope0001732522331412").await["statusCode"],
        "2002"
    );
    assert_eq!(
        sbx.api(&token, &format!("{BASE}/execute"), json!({})).await.1["statusCode"],
        "2065"
    );

    sbx.pay(&token, "30", "01877722345").await;
    let again = sbx.create(&token, "30.00").await;
    sbx.shopper_pays(&again, "01877722345").await;
    let again_id = again["paymentID"].as_str().unwrap();
    assert_eq!(
        sbx.execute(&token, again_id).await["statusCode"],
        "2029",
        "same wallet and amount within 2 min"
    );
    sbx.advance(121).await;
    let token = sbx.grant().await;
    assert_eq!(sbx.execute(&token, again_id).await["statusCode"], "0000");

    let stale = sbx.create(&token, "31").await;
    sbx.shopper_pays(&stale, "01619777282").await;
    sbx.advance(24 * 3600 + 1).await;
    let token = sbx.grant().await;
    assert_eq!(
        sbx.execute(&token, stale["paymentID"].as_str().unwrap()).await["statusCode"],
        "2056"
    );
}

#[tokio::test]
async fn the_page_session_ends_after_five_minutes() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "40").await;
    let unopened = sbx.create(&token, "41").await;
    sbx.advance(301).await;
    let token = sbx.grant().await;
    assert_eq!(
        sbx.execute(&token, unopened["paymentID"].as_str().unwrap()).await["statusCode"],
        "2056",
        "expired without the page ever opening"
    );
    let (status, html) = sbx.open(&created).await;
    assert_eq!(status, 200);
    assert!(html.contains("status=failure") && !html.contains("name=\"wallet\""));
    let token = sbx.grant().await;
    assert_eq!(
        sbx.execute(&token, created["paymentID"].as_str().unwrap()).await["statusCode"],
        "2056"
    );
    let forged = created["bkashURL"].as_str().unwrap().replace("hash=", "hash=x");
    assert_eq!(sbx.http.get(forged).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn tokens_expire_and_are_checked() {
    let sbx = start(|c| c.bkash_token_ttl = Duration::from_secs(60)).await;
    let token = sbx.grant().await;
    let created_path = format!("{BASE}/create");
    let body = json!({"mode":"0011","payerReference":" ","callbackURL":"https://s.example/r","amount":"5","currency":"BDT","intent":"sale","merchantInvoiceNumber":"I"}).to_string();
    let bearer = format!("Bearer {token}");
    let (s1, v1) = sbx
        .call(
            &created_path,
            &[
                ("authorization", &bearer),
                ("x-app-key", bdpay_sandbox::bkash::choices::APP_KEY),
            ],
            &body,
        )
        .await;
    assert_eq!(
        (s1.as_u16(), v1["statusCode"].as_str()),
        (200, Some("0000")),
        "Bearer prefix is accepted"
    );
    let (s2, v2) = sbx
        .call(
            &created_path,
            &[("authorization", &token), ("x-app-key", "wrong")],
            &body,
        )
        .await;
    assert_eq!((s2.as_u16(), v2["statusCode"].as_str()), (200, Some("2001")));
    let (s3, v3) = sbx
        .call(
            &created_path,
            &[("x-app-key", bdpay_sandbox::bkash::choices::APP_KEY)],
            &body,
        )
        .await;
    assert_eq!((s3.as_u16(), v3), (401, json!({"message": "Unauthorized"})));
    sbx.advance(61).await;
    let (s4, v4) = sbx
        .api(&token, &created_path, serde_json::from_str(&body).unwrap())
        .await;
    assert_eq!((s4.as_u16(), v4), (401, json!({"message": "Unauthorized"})));
}

#[tokio::test]
async fn refresh_gives_a_new_id_token_and_wrong_credentials_get_9999() {
    let sbx = start(|_| {}).await;
    let (_, granted) = sbx
        .grant_raw(
            bdpay_sandbox::bkash::choices::USERNAME,
            bdpay_sandbox::bkash::choices::PASSWORD,
            bdpay_sandbox::bkash::choices::APP_SECRET,
        )
        .await;
    assert_eq!(
        (granted["token_type"].as_str(), granted["expires_in"].as_u64()),
        (Some("Bearer"), Some(3600))
    );
    let c = bdpay_sandbox::bkash::choices::APP_KEY;
    let body = json!({"app_key": c, "app_secret": bdpay_sandbox::bkash::choices::APP_SECRET, "refresh_token": granted["refresh_token"]}).to_string();
    let creds = [
        ("username", bdpay_sandbox::bkash::choices::USERNAME),
        ("password", bdpay_sandbox::bkash::choices::PASSWORD),
    ];
    let (_, refreshed) = sbx.call(&format!("{BASE}/token/refresh"), &creds, &body).await;
    assert_eq!(refreshed["statusCode"], "0000");
    assert_ne!(refreshed["id_token"], granted["id_token"]);
    let bad = body.replace(granted["refresh_token"].as_str().unwrap(), "nope");
    assert_eq!(
        sbx.call(&format!("{BASE}/token/refresh"), &creds, &bad).await.1["statusCode"],
        "2079"
    );

    let (status, v) = sbx
        .grant_raw("someone", "pw", bdpay_sandbox::bkash::choices::APP_SECRET)
        .await;
    assert_eq!(
        (status.as_u16(), v["statusCode"].as_str(), v["statusMessage"].as_str()),
        (200, Some("9999"), Some("Username does not exist"))
    );
    let (_, v) = sbx
        .grant_raw(
            bdpay_sandbox::bkash::choices::USERNAME,
            bdpay_sandbox::bkash::choices::PASSWORD,
            "wrong",
        )
        .await;
    assert_eq!(v["statusCode"], "9999");
}

#[tokio::test]
async fn the_token_budget_answers_429() {
    let sbx = start(|c| c.bkash_token_budget = 3).await;
    for _ in 0..3 {
        sbx.grant().await;
    }
    let (status, v) = sbx
        .grant_raw(
            bdpay_sandbox::bkash::choices::USERNAME,
            bdpay_sandbox::bkash::choices::PASSWORD,
            bdpay_sandbox::bkash::choices::APP_SECRET,
        )
        .await;
    assert_eq!((status.as_u16(), v), (429, json!({"message": "Too Many Requests"})));
    sbx.advance(3601).await;
    sbx.grant().await;
}

#[tokio::test]
async fn bad_input_gets_bkash_shapes() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let key = bdpay_sandbox::bkash::choices::APP_KEY;
    let (s, v) = sbx
        .call(
            &format!("{BASE}/create"),
            &[("authorization", &token), ("x-app-key", key)],
            "{not json",
        )
        .await;
    assert_eq!((s.as_u16(), v), (400, json!({"message": "Invalid request body"})));
    let (s, v) = sbx.call("/bkash/v1.2.0-beta/tokenized/checkout/nope", &[], "{}").await;
    assert_eq!(
        (s.as_u16(), v),
        (403, json!({"message": "Missing Authentication Token"}))
    );
    let r = sbx.http.get(sbx.url(&format!("{BASE}/create"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let huge = format!("{{\"paymentID\":\"{}\"}}", "x".repeat(100_000));
    assert_eq!(
        sbx.call(
            &format!("{BASE}/execute"),
            &[("authorization", &token), ("x-app-key", key)],
            &huge
        )
        .await
        .0,
        413
    );

    let good = json!({"mode":"0011","payerReference":" ","callbackURL":"https://s.example/r","amount":"5","currency":"BDT","intent":"sale","merchantInvoiceNumber":"I"});
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("intent");
    let long_url = format!("https://s.example/{}", "a".repeat(250));
    for (body, code) in [
        (with("amount", json!("0.99")), "2006"),
        (with("amount", json!("500000.01")), "2006"),
        (with("amount", json!("12.345")), "2006"),
        (with("amount", json!("abc")), "2006"),
        (with("currency", json!("USD")), "2007"),
        (with("intent", json!("authorization")), "2008"),
        (with("mode", json!("0000")), "2064"),
        (with("mode", json!("9")), "2063"),
        (with("merchantInvoiceNumber", json!("a<b")), "2031"),
        (with("callbackURL", json!(long_url)), "2049"),
        (with("callbackURL", json!("javascript:alert(1)")), "2049"),
        (missing, "2065"),
    ] {
        let (s, v) = sbx.api(&token, &format!("{BASE}/create"), body.clone()).await;
        assert_eq!((s.as_u16(), v["statusCode"].as_str()), (200, Some(code)), "{body}");
    }
    assert_eq!(
        sbx.api(&token, &format!("{BASE}/create"), with("amount", json!("500000.00")))
            .await
            .1["statusCode"],
        "0000"
    );
    let (s, v) = sbx
        .api(&token, &format!("{BASE}/create"), with("amount", json!(15)))
        .await;
    assert_eq!(
        (s.as_u16(), v),
        (400, json!({"message": "Invalid request body"})),
        "amount must be a string"
    );
}

#[tokio::test]
async fn faults_latency_hang_status_code_and_down() {
    let sbx = start(|c| c.hang = Duration::from_millis(300)).await;
    let token = sbx.grant().await;
    let q = |id: &str| json!({"paymentID": id});
    let path = format!("{BASE}/payment/status");

    sbx.fault(json!({"provider":"bkash","op":"query","fault":{"kind":"latency","ms":250},"count":1}))
        .await;
    let t = Instant::now();
    assert_eq!(sbx.api(&token, &path, q("x")).await.1["statusCode"], "2002");
    assert!(t.elapsed() >= Duration::from_millis(250));

    sbx.fault(json!({"provider":"bkash","op":"query","fault":{"kind":"hang"},"count":1}))
        .await;
    let t = Instant::now();
    let (s, v) = sbx.api(&token, &path, q("x")).await;
    assert_eq!(
        (s.as_u16(), v["message"].as_str()),
        (504, Some("Endpoint request timed out"))
    );
    assert!(t.elapsed() >= Duration::from_millis(300));

    sbx.fault(json!({"provider":"bkash","op":"query","fault":{"kind":"status","status":502},"count":1}))
        .await;
    assert_eq!(sbx.api(&token, &path, q("x")).await.0, 502);

    sbx.fault(json!({"provider":"bkash","op":"execute","fault":{"kind":"code","code":"2003"},"count":1}))
        .await;
    let (s, v) = sbx.api(&token, &format!("{BASE}/execute"), q("x")).await;
    assert_eq!(
        (s.as_u16(), v),
        (200, json!({"statusCode":"2003","statusMessage":"Process failed"}))
    );

    sbx.fault(json!({"provider":"bkash","op":"refund","fault":{"kind":"code","code":"2071"},"count":1}))
        .await;
    let (s, v) = sbx.api(&token, &format!("{REFUND}/transaction"), json!({})).await;
    assert_eq!((s.as_u16(), v["externalCode"].as_str()), (400, Some("2071")));

    sbx.fault(json!({"provider":"bkash","fault":{"kind":"down"}})).await;
    assert_eq!(sbx.api(&token, &path, q("x")).await.0, 503);
    assert_eq!(sbx.grant_raw("a", "b", "c").await.0, 503);
    assert_eq!(
        sbx.http
            .delete(sbx.url("/__control/faults"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        sbx.api(&token, &path, q("x")).await,
        (
            reqwest::StatusCode::OK,
            json!({"statusCode":"2002","statusMessage":"Invalid Payment ID"})
        )
    );
}

#[tokio::test]
async fn the_webhook_is_confirmed_first_then_signed_and_verifiable() {
    let ipn = listener(0).await;
    let url = ipn.url.clone();
    let sbx = start(move |c| c.bkash_webhook_url = Some(url)).await;
    let token = sbx.grant().await;
    let paid = sbx.pay(&token, "1250.00", "01770618575").await;

    let first = ipn.wait_for(1).await;
    assert_eq!(first[0].headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
    assert_eq!(first[0].headers["content-type"], "text/plain; charset=UTF-8");
    let confirmation = verify_sns(&sbx.http, &first[0].body).await;
    assert_eq!(
        confirmation.signing_cert_url,
        format!("{}/bkash/sns/SimpleNotificationService-sandbox.pem", sbx.origin)
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(ipn.count(), 1, "no notification before the subscription is confirmed");
    let confirmed = sbx.http.get(confirmation.subscribe_url.unwrap()).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);

    let all = ipn.wait_for(2).await;
    let n = &all[1];
    assert_eq!(n.headers["x-amz-sns-message-type"], "Notification");
    let env = verify_sns(&sbx.http, &n.body).await;
    assert_eq!(n.headers["x-amz-sns-message-id"].to_str().unwrap(), env.message_id);
    assert_eq!(env.topic_arn, "arn:aws:sns:ap-southeast-1:000000000000:bpt_50022");
    let m: Value = serde_json::from_str(&env.message).unwrap();
    assert_eq!(m["debitMSISDN"], "8801770618575");
    assert_eq!(m["transactionType"], "10002294");
    assert_eq!(m["trxID"], paid.trx.as_str());
    assert_eq!(m["amount"], "1250.00");
    assert_eq!(m["merchantInvoiceNumber"], "INV-1");
    assert_eq!(m["dateTime"].as_str().unwrap().len(), 14);

    sbx.pay(&token, "99", "01770618575").await;
    assert_eq!(
        ipn.wait_for(3).await[2].headers["x-amz-sns-message-type"],
        "Notification"
    );
}

#[tokio::test]
async fn the_webhook_is_retried_with_the_same_message_id_dropped_or_duplicated() {
    let ipn = listener(1).await; // the confirmation fails once
    let url = ipn.url.clone();
    let sbx = start(move |c| c.bkash_webhook_url = Some(url)).await;
    let token = sbx.grant().await;
    sbx.pay(&token, "10", "01770618575").await;
    let conf = ipn.wait_for(2).await;
    assert_eq!(
        conf[0].body, conf[1].body,
        "a redelivered confirmation is the same message"
    );
    let env = verify_sns(&sbx.http, &conf[1].body).await;
    ipn.fail_next.store(2, std::sync::atomic::Ordering::SeqCst); // the notification fails twice
    sbx.http.get(env.subscribe_url.unwrap()).send().await.unwrap();
    let all = ipn.wait_for(5).await;
    let ids: Vec<_> = all[2..]
        .iter()
        .map(|d| d.headers["x-amz-sns-message-id"].clone())
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "same MessageId on every attempt");
    verify_sns(&sbx.http, &all[4].body).await;
    let attempts: Vec<Value> = sbx
        .ledger("webhook")
        .await
        .into_iter()
        .filter(|e| e["detail"]["type"] == "Notification")
        .collect();
    let outcomes: Vec<&str> = attempts.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["http 500", "http 500", "ok"]);

    sbx.fault(json!({"provider":"bkash","op":"webhook","fault":{"kind":"webhook_drop"},"count":1}))
        .await;
    sbx.pay(&token, "11", "01770618575").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(ipn.count(), 5, "dropped");
    assert!(sbx.ledger("webhook").await.iter().any(|e| e["outcome"] == "dropped"));

    sbx.fault(json!({"provider":"bkash","op":"webhook","fault":{"kind":"webhook_duplicate"},"count":1}))
        .await;
    sbx.pay(&token, "12", "01770618575").await;
    let all = ipn.wait_for(7).await;
    assert_eq!(all[5].body, all[6].body, "the duplicate is the same message");
}

#[tokio::test]
async fn refunds_partial_over_full_status_and_window() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let paid = sbx.pay(&token, "1250.00", "01770618575").await;
    let refund = |amount: &str| json!({"paymentId": paid.id, "trxId": paid.trx, "refundAmount": amount, "sku": "SKU-1", "reason": "returned"});
    let status_body = json!({"paymentId": paid.id, "trxId": paid.trx});

    let (s, v) = sbx.api(&token, &format!("{REFUND}/status"), status_body.clone()).await;
    assert_eq!((s.as_u16(), v["refundTransactions"].clone()), (200, json!([])));
    let (s, v) = sbx.api(&token, &format!("{REFUND}/transaction"), refund("250")).await;
    assert_eq!(
        (
            s.as_u16(),
            v["refundTransactionStatus"].as_str(),
            v["refundAmount"].as_str()
        ),
        (200, Some("Completed"), Some("250")),
        "{v}"
    );
    assert!(v.get("statusCode").is_none());
    assert_eq!(v["originalTrxAmount"], "1250.00");
    let (s, v) = sbx
        .api(&token, &format!("{REFUND}/transaction"), refund("1000.01"))
        .await;
    assert_eq!(
        (
            s.as_u16(),
            v["externalCode"].as_str(),
            v["internalCode"].is_string(),
            v["errorMessageBn"].is_string()
        ),
        (400, Some("2072"), true, true)
    );
    let mut no_sku = refund("1");
    no_sku.as_object_mut().unwrap().remove("sku");
    assert_eq!(sbx.api(&token, &format!("{REFUND}/transaction"), no_sku).await.0, 400);
    let mut wrong_trx = refund("1");
    wrong_trx["trxId"] = json!("AAAAAAAAAA");
    assert_eq!(
        sbx.api(&token, &format!("{REFUND}/transaction"), wrong_trx).await.1["externalCode"],
        "2077"
    );
    assert_eq!(
        sbx.api(&token, &format!("{REFUND}/transaction"), refund("1000.00"))
            .await
            .0,
        200
    );
    assert_eq!(
        sbx.api(&token, &format!("{REFUND}/transaction"), refund("1")).await.1["externalCode"],
        "2074"
    );
    let (_, v) = sbx.api(&token, &format!("{REFUND}/status"), status_body).await;
    let items = v["refundTransactions"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(!items[0]["completedTime"].as_str().unwrap().contains("GMT"));
    assert_eq!(
        sbx.ledger("refund")
            .await
            .iter()
            .filter(|e| e["outcome"] == "ok")
            .count(),
        2
    );

    let open = sbx.create(&token, "50").await;
    let r = json!({"paymentId": open["paymentID"], "trxId": "X", "refundAmount": "1", "sku": "s", "reason": "r"});
    assert_eq!(
        sbx.api(&token, &format!("{REFUND}/transaction"), r).await.1["externalCode"],
        "2127"
    );

    let old = sbx.pay(&token, "60", "01929918378").await;
    let legacy = json!({"paymentID": old.id, "trxID": old.trx, "amount": "10", "sku": "s", "reason": "r"});
    let (_, v) = sbx.api(&token, &format!("{BASE}/payment/refund"), legacy).await;
    assert_eq!(
        (
            v["transactionStatus"].as_str(),
            v["charge"].as_str(),
            v["originalTrxID"].as_str()
        ),
        (Some("Completed"), Some("0.00"), Some(old.trx.as_str()))
    );
    let (_, v) = sbx
        .api(
            &token,
            &format!("{BASE}/payment/refund"),
            json!({"paymentID": old.id, "trxID": old.trx}),
        )
        .await;
    assert_eq!(v["amount"], "10.00");
    sbx.advance(61 * 86_400).await;
    let token = sbx.grant().await;
    let late = json!({"paymentId": old.id, "trxId": old.trx, "refundAmount": "1", "sku": "s", "reason": "r"});
    assert_eq!(
        sbx.api(&token, &format!("{REFUND}/transaction"), late).await.1["externalCode"],
        "2071"
    );
}

#[tokio::test]
async fn the_statement_lists_the_days_payments_and_refunds() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let paid = sbx.pay(&token, "1250.00", "01770618575").await;
    let r = json!({"paymentId": paid.id, "trxId": paid.trx, "refundAmount": "250.00", "sku": "s", "reason": "r"});
    assert_eq!(sbx.api(&token, &format!("{REFUND}/transaction"), r).await.0, 200);
    let today = bdpay_shared::wire::time::DhakaTime::from_unix_millis(sbx.sandbox.clock.now_ms()).ymd_dashed();
    let v: Value = sbx
        .http
        .get(sbx.url(&format!("/__control/statements/bkash/{today}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["notice"].as_str().unwrap().contains("NOT a bKash API"));
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0]["type"].as_str(),
            rows[0]["fee"].as_str(),
            rows[0]["net"].as_str()
        ),
        (Some("payment"), Some("23.13"), Some("1226.87"))
    );
    assert_eq!(
        (rows[1]["type"].as_str(), rows[1]["amount"].as_str()),
        (Some("refund"), Some("-250.00"))
    );
    assert_eq!(v["totals"]["net"], "976.87");
    let csv = sbx
        .http
        .get(sbx.url(&format!("/__control/statements/bkash/{today}?format=csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with(
        "type,trx_id,payment_id,invoice,amount,fee,net,settlement_date,completed_time,original_trx_id,wallet\r\n"
    ));
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",01XX8575")), "{csv}");
    // Another merchant account's statement holds none of these lines.
    let other = sbx
        .http
        .get(sbx.url(&format!(
            "/__control/statements/bkash/{today}?format=csv&merchant=testOnlyTokenizedUser04"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(other.lines().count(), 1, "{other}");
    assert_eq!(
        sbx.http
            .get(sbx.url("/__control/statements/bkash/2024-02-30"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
}

#[tokio::test]
async fn the_control_shortcut_approves_without_a_browser() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let created = sbx.create(&token, "70").await;
    let id = created["paymentID"].as_str().unwrap();
    let r = sbx
        .http
        .post(sbx.url(&format!("/__control/bkash/approve/{id}")))
        .body(r#"{"wallet":"01823074817"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(sbx.execute(&token, id).await["statusCode"], "2023");
}
