//! The SMS gateway stand-in (docs/providers.md Part D) over HTTP: accepted, recorded,
//! cleared, refused, and its `sms` faults.

// A test crate: its helpers (outside #[test] fns) may unwrap and panic like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bkash_support;

use bdpay_sandbox::sms::choices as sms;
use bkash_support::{is_rfc3339_utc, start, Sbx};
use reqwest::Method;
use serde_json::{json, Value};

/// The SMS send path with these query parameters (GET).
async fn sms_get(sbx: &Sbx, params: &[(&str, &str)]) -> (u16, Value) {
    let r = sbx
        .http
        .get(sbx.url(&format!("/sms{}", sms::SEND_PATH)))
        .query(params)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn outbox(sbx: &Sbx) -> Vec<Value> {
    let (_, v) = sbx.control(Method::GET, "/sms", None).await;
    v["messages"].as_array().unwrap().clone()
}

#[tokio::test]
async fn sms_is_accepted_recorded_and_cleared() {
    let sbx = start(|_| {}).await;
    assert_eq!(sms::API_KEY, "test_only_sms_api_key_0001");
    let alert = "P1: bKash down (এলার্ট) & Nagad slow";
    let (status, v) = sms_get(
        &sbx,
        &[
            ("api_key", sms::API_KEY),
            ("type", "unicode"),
            ("number", "8801770618575,01929918378"),
            ("senderid", "8809617611111"),
            ("message", alert),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            v["response_code"].as_u64(),
            v["success_message"].as_str(),
            v["error_message"].as_str()
        ),
        (Some(202), Some("SMS Submitted Successfully"), Some("")),
        "{v}"
    );
    let first_id = v["message_id"].as_u64().unwrap();
    // POST as a form, and as JSON.
    let r = sbx
        .http
        .post(sbx.url("/sms/api/smsapi"))
        .form(&[
            ("api_key", sms::API_KEY),
            ("type", "text"),
            ("number", "01711000001"),
            ("senderid", "bdpay"),
            ("message", "form"),
        ])
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["response_code"], 202, "{v}");
    assert!(v["message_id"].as_u64().unwrap() > first_id);
    let (status, v) = sbx
        .call(
            "/sms/api/smsapi",
            &[],
            &json!({"api_key": sms::API_KEY, "type": "text", "number": 8801811000001u64,
                    "senderid": "bdpay", "message": "json"})
            .to_string(),
        )
        .await;
    assert_eq!((status.as_u16(), v["response_code"].as_u64()), (200, Some(202)), "{v}");

    let messages = outbox(&sbx).await;
    let seen: Vec<(&str, &str)> = messages
        .iter()
        .map(|m| (m["to"].as_str().unwrap(), m["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("8801770618575", alert),
            ("8801929918378", alert),
            ("8801711000001", "form"),
            ("8801811000001", "json")
        ]
    );
    assert!(messages.iter().all(|m| is_rfc3339_utc(m["at"].as_str().unwrap())));
    assert_eq!(messages[0].as_object().unwrap().len(), 3);
    let (status, v) = sbx.control(Method::DELETE, "/sms", None).await;
    assert_eq!((status.as_u16(), v), (200, json!({"messages": []})));
    assert!(outbox(&sbx).await.is_empty());
}

#[tokio::test]
async fn sms_refuses_a_wrong_key_a_bad_number_and_missing_fields() {
    let sbx = start(|_| {}).await;
    let good = [
        ("api_key", sms::API_KEY),
        ("type", "text"),
        ("number", "8801770618575"),
        ("senderid", "bdpay"),
        ("message", "hello"),
    ];
    let with = |k: &str, v: &'static str| {
        good.iter()
            .map(|&(gk, gv)| (gk, if gk == k { v } else { gv }))
            .collect::<Vec<_>>()
    };
    for (params, code) in [
        (with("api_key", "test_only_sms_api_key_0002"), 1002),
        (with("api_key", ""), 1003),
        (with("number", "8801270618575"), 1001),
        (with("number", "8801770618575,017"), 1001),
        (with("message", ""), 1003),
        (with("type", "flash"), 1003),
        (good[..4].to_vec(), 1003),
    ] {
        let (status, v) = sms_get(&sbx, &params).await;
        assert_eq!(
            (status, v["response_code"].as_u64()),
            (200, Some(code)),
            "{params:?}: {v}"
        );
        assert!(v.get("message_id").is_none() && !v["error_message"].as_str().unwrap().is_empty());
    }
    assert!(outbox(&sbx).await.is_empty(), "nothing refused is recorded");
}

#[tokio::test]
async fn sms_faults_need_op_sms() {
    let sbx = start(|_| {}).await;
    let params = [
        ("api_key", sms::API_KEY),
        ("type", "text"),
        ("number", "8801770618575"),
        ("senderid", "bdpay"),
        ("message", "hello"),
    ];
    sbx.fault(json!({"fault":{"kind":"down"},"count":1})).await;
    assert_eq!(
        sms_get(&sbx, &params).await.1["response_code"],
        202,
        "a global fault is the providers'"
    );
    sbx.control(Method::DELETE, "/faults", None).await;
    sbx.fault(json!({"op":"sms","fault":{"kind":"code","code":"1007"},"count":1}))
        .await;
    let (status, v) = sms_get(&sbx, &params).await;
    assert_eq!(
        (status, v["response_code"].as_u64(), v["error_message"].as_str()),
        (200, Some(1007), Some("Balance Insufficient"))
    );
    sbx.fault(json!({"op":"sms","fault":{"kind":"down"},"count":1})).await;
    assert_eq!(sms_get(&sbx, &params).await.0, 503);
    assert_eq!(sms_get(&sbx, &params).await.1["response_code"], 202, "recovered");
    assert_eq!(outbox(&sbx).await.len(), 2);
    let (status, _) = sbx
        .control(
            Method::POST,
            "/faults",
            Some(json!({"provider":"bkash","op":"sms","fault":{"kind":"down"}})),
        )
        .await;
    assert_eq!(status, 400);
}
