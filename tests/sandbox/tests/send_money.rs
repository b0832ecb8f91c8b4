//! Send money made through the control API, over HTTP: bKash's found by searchTransaction
//! (docs/providers.md A.17), Nagad's listed for ops review (B.13).

// A test crate: its helpers (outside #[test] fns) may unwrap and panic like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bkash_support;

use bdpay_sandbox::bkash::choices as bkash;
use bkash_support::{is_rfc3339_utc, start, Sbx, BASE};
use reqwest::Method;
use serde_json::{json, Value};

const SEARCH: &str = "/general/searchTransaction";

fn is_bkash_time(t: &str) -> bool {
    // 2024-11-25T14:07:01:000 GMT+0600, whole seconds.
    let b = t.as_bytes();
    t.len() == 32
        && t.ends_with(":000 GMT+0600")
        && [4, 7].iter().all(|&i| b.get(i) == Some(&b'-'))
        && b.get(10) == Some(&b'T')
        && [13, 16, 19].iter().all(|&i| b.get(i) == Some(&b':'))
}

async fn send(sbx: &Sbx, provider: &str, body: Value) -> (u16, Value) {
    let (status, v) = sbx
        .control(Method::POST, &format!("/{provider}/send_money"), Some(body))
        .await;
    (status.as_u16(), v)
}

async fn search(sbx: &Sbx, token: &str, trx: &str) -> (u16, Value) {
    let (status, v) = sbx.api(token, &format!("{BASE}{SEARCH}"), json!({"trxID": trx})).await;
    (status.as_u16(), v)
}

#[tokio::test]
async fn bkash_send_money_is_found_by_search_with_its_receiver() {
    let sbx = start(|_| {}).await;
    let (status, sent) = send(
        &sbx,
        "bkash",
        json!({"from": "01770618575", "to": "01929918378", "amount": "1250"}),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    let trx = sent["trxID"].as_str().unwrap().to_owned();
    assert!(
        trx.len() == 10 && trx.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        "{trx}"
    );
    assert_eq!(sent.as_object().unwrap().len(), 1, "{sent}");
    let token = sbx.grant().await;
    let (status, v) = search(&sbx, &token, &trx).await;
    assert_eq!(status, 200);
    let text = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        [
            "statusCode",
            "trxID",
            "transactionType",
            "transactionStatus",
            "customerMsisdn",
            "receiverMSISDN",
            "amount",
            "currency",
            "organizationShortCode"
        ]
        .map(text),
        [
            "0000",
            trx.as_str(),
            "Send Money",
            "Completed",
            "01770618575",
            "01929918378",
            "1250.00",
            "BDT",
            ""
        ]
        .map(str::to_owned),
        "{v}"
    );
    assert_eq!(bkash::RECEIVER_FIELD, "receiverMSISDN");
    assert!(is_bkash_time(&text("initiationTime")), "{v}");
    assert_eq!(text("initiationTime"), text("completedTime"));
    // The edge's wire type still reads it (the receiver is one more field).
    serde_json::from_value::<bdpay_shared::wire::bkash::SearchResponse>(v.clone()).unwrap();

    // Any merchant's search finds a send money; a checkout payment's search keeps A.9's shape.
    let second = sbx.grant_as(&bkash::CREDENTIALS[1]).await["id_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, again) = sbx
        .api_with(
            &second,
            bkash::SECOND_APP_KEY,
            &format!("{BASE}{SEARCH}"),
            json!({"trxID": trx}),
        )
        .await;
    assert_eq!(again["receiverMSISDN"], "01929918378", "{again}");
    let paid = sbx.pay(&token, "15", "01770618575").await;
    let (_, p) = search(&sbx, &token, &paid.trx).await;
    assert_eq!(p["transactionType"], "bKash Tokenized Checkout via API");
    assert!(p.get("receiverMSISDN").is_none(), "{p}");

    let ledger = sbx.ledger("send_money").await;
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (ledger[0]["trx_id"].as_str(), ledger[0]["amount"].as_str()),
        (Some(trx.as_str()), Some("1250.00"))
    );
    assert_eq!(ledger[0]["detail"], json!({"from": "01XX8575", "to": "01XX8378"}));
    // Not a payment to the merchant: the statement does not list it.
    let day = text("completedTime")[..10].to_owned();
    let (_, statement) = sbx
        .control(Method::GET, &format!("/statements/bkash/{day}"), None)
        .await;
    assert!(statement["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["trx_id"] != trx.as_str()));
}

#[tokio::test]
async fn search_of_an_unknown_trx_id_is_2033() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    let (status, v) = search(&sbx, &token, "ZZZZZZZZZZ").await;
    assert_eq!(
        (status, v),
        (
            200,
            json!({"statusCode":"2033","statusMessage":"Transaction not found"})
        )
    );
    let (status, v) = sbx
        .call(
            &format!("{BASE}{SEARCH}"),
            &[],
            &json!({"trxID": "ZZZZZZZZZZ"}).to_string(),
        )
        .await;
    assert_eq!((status.as_u16(), v), (401, json!({"message":"Unauthorized"})));
}

#[tokio::test]
async fn search_under_a_fault_answers_503_then_recovers_and_send_money_ignores_faults() {
    let sbx = start(|_| {}).await;
    let token = sbx.grant().await;
    sbx.fault(json!({"provider":"bkash","op":"search","fault":{"kind":"status","status":503}}))
        .await;
    sbx.fault(json!({"provider":"bkash","fault":{"kind":"down"},"count":1}))
        .await;
    let (status, sent) = send(
        &sbx,
        "bkash",
        json!({"from": "01770618575", "to": "01929918378", "amount": "99.50"}),
    )
    .await;
    assert_eq!(status, 200, "control routes take no fault");
    let trx = sent["trxID"].as_str().unwrap();
    for _ in 0..2 {
        let (status, v) = search(&sbx, &token, trx).await;
        assert_eq!((status, v), (503, json!({"message":"Service Unavailable"})));
    }
    let (status, _) = sbx.control(Method::DELETE, "/faults", None).await;
    assert_eq!(status, 200);
    let (status, v) = search(&sbx, &token, trx).await;
    assert_eq!((status, v["amount"].as_str()), (200, Some("99.50")), "{v}");
}

#[tokio::test]
async fn send_money_refuses_bad_input_with_400() {
    let sbx = start(|_| {}).await;
    for provider in ["bkash", "nagad"] {
        for body in [
            json!({"from": "0177061857", "to": "01929918378", "amount": "1"}),
            json!({"from": "01770618575", "to": "02929918378", "amount": "1"}),
            json!({"from": "01770618575", "to": "01229918378", "amount": "1"}),
            json!({"from": "01770618575", "to": "01770618575", "amount": "1"}),
            json!({"from": "01770618575", "to": "01929918378", "amount": "0"}),
            json!({"from": "01770618575", "to": "01929918378", "amount": "0.00"}),
            json!({"from": "01770618575", "to": "01929918378", "amount": "-5"}),
            json!({"from": "01770618575", "to": "01929918378", "amount": "1.005"}),
            json!({"from": "01770618575", "to": "01929918378", "amount": 1250}),
            json!({"from": "01770618575", "to": "01929918378"}),
            json!("nope"),
        ] {
            let (status, v) = send(&sbx, provider, body.clone()).await;
            assert_eq!(status, 400, "{provider} {body}: {v}");
            assert!(v["error"].is_string(), "{v}");
        }
    }
    assert!(sbx.ledger("send_money").await.is_empty());
}

#[tokio::test]
async fn nagad_send_money_is_listed_for_review() {
    let sbx = start(|_| {}).await;
    let (status, v) = sbx.control(Method::GET, "/nagad/transfers", None).await;
    assert_eq!((status.as_u16(), v), (200, json!({"transfers": []})));
    let mut ids = Vec::new();
    for (to, amount) in [("01911000001", "500"), ("01811000001", "20.5")] {
        let (status, sent) = send(
            &sbx,
            "nagad",
            json!({"from": "01711000001", "to": to, "amount": amount}),
        )
        .await;
        assert_eq!(status, 200, "{sent}");
        assert_eq!(sent.as_object().unwrap().len(), 1, "{sent}");
        let id = sent["trxId"].as_str().unwrap().to_owned();
        let b = id.as_bytes();
        assert!(
            b.len() == 8
                && b[..4].iter().all(u8::is_ascii_digit)
                && b[4..].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "{id}"
        );
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1]);
    let (_, v) = sbx.control(Method::GET, "/nagad/transfers", None).await;
    let list = v["transfers"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let first = &list[0];
    assert_eq!(
        [&first["trxId"], &first["from"], &first["to"], &first["amount"]],
        [
            &json!(ids[0]),
            &json!("01711000001"),
            &json!("01911000001"),
            &json!("500.00")
        ]
    );
    assert_eq!(list[1]["amount"], "20.50");
    assert!(is_rfc3339_utc(first["at"].as_str().unwrap()), "{first}");
    let entries: Value = sbx
        .http
        .get(sbx.url("/__control/ledger?provider=nagad&op=send_money"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(entries["entries"].as_array().unwrap().len(), 2);
    sbx.control(Method::POST, "/reset", None).await;
    let (_, v) = sbx.control(Method::GET, "/nagad/transfers", None).await;
    assert_eq!(v, json!({"transfers": []}));
}
