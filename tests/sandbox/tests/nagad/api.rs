//! Initialize, complete and verify (B.4, B.5, B.7): crypto, ids, clock, challenge, headers.

use bdpay_shared::crypto::{self, Hash};
use bdpay_shared::wire::nagad::decode_payment_reference;
use bdpay_shared::wire::time::DhakaTime;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn initialize_answers_sealed_with_a_server_challenge_and_reference() {
    let n = start().await;
    let init = n.initialize().await;
    assert_eq!(init.challenge.len(), 20);
    assert!(init.challenge.bytes().all(|b| b.is_ascii_hexdigit()));
    let parts = decode_payment_reference(&init.reference).unwrap();
    assert_eq!(
        (parts.merchant_id.as_str(), parts.order_id.as_str()),
        (MERCHANT, init.order_id.as_str())
    );
    assert_eq!(parts.challenge, init.challenge);
    let v = n.verify(&init.reference).await;
    assert_eq!(v["status"], "OrderInitiated");
    assert_eq!(v["amount"], serde_json::Value::Null);
    let entries = n
        .sandbox
        .ledger
        .entries(None, Some("initialize"), Some(&init.reference));
    assert_eq!(entries.len(), 1);
}

#[tokio::test]
async fn bad_signature_is_16_0006_058() {
    let n = start().await;
    let order = order_id();
    let plain = n.init_plain(&order);
    let bytes = serde_json::to_vec(&plain).unwrap();
    let sensitive = crypto::encrypt(&bytes, &n.gateway, &mut rand::rngs::OsRng).unwrap();
    // Signed by the wrong key (the gateway's), over the right bytes.
    let signature = crypto::sign_sha256(&bytes, &n.gateway_key).unwrap();
    let body = json!({"dateTime": n.now(), "sensitiveData": sensitive, "signature": signature});
    let url = n.api(&format!("/check-out/initialize/{MERCHANT}/{order}"));
    let r = n.headers(n.http.post(url)).json(&body).send().await.unwrap();
    assert_eq!(reason(r).await, (400, "16_0006_058".into()));
}

#[tokio::test]
async fn data_not_encrypted_to_the_gateway_is_16_0006_057() {
    let n = start().await;
    let order = order_id();
    let bytes = serde_json::to_vec(&n.init_plain(&order)).unwrap();
    let to_self = crypto::encrypt(&bytes, &n.key.to_public_key(), &mut rand::rngs::OsRng).unwrap();
    let body = json!({"dateTime": n.now(), "sensitiveData": to_self, "signature": crypto::sign_sha256(&bytes, &n.key).unwrap()});
    let r = n
        .headers(n.http.post(n.api(&format!("/check-out/initialize/{MERCHANT}/{order}"))))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(reason(r).await, (400, "16_0006_057".into()));
}

#[tokio::test]
async fn sha1_signatures_pass_while_lenient_and_fail_when_strict() {
    let n = start().await;
    let order = order_id();
    let r = n
        .initialize_raw(MERCHANT, &order, &n.init_plain(&order), Hash::Sha1)
        .await;
    assert_eq!(r.status(), 200, "lenient default accepts SHA1withRSA");
    n.control(
        reqwest::Method::PUT,
        "/nagad/settings",
        json!({"accept_sha1_signatures": false}),
    )
    .await;
    let order = order_id();
    let r = n
        .initialize_raw(MERCHANT, &order, &n.init_plain(&order), Hash::Sha1)
        .await;
    assert_eq!(reason(r).await, (400, "16_0006_058".into()));
    let r = n
        .initialize_raw(MERCHANT, &order, &n.init_plain(&order), Hash::Sha256)
        .await;
    assert_eq!(r.status(), 200, "SHA-256 always passes");
}

#[tokio::test]
async fn datetime_must_be_dhaka_now_within_ten_minutes() {
    let n = start().await;
    let order = order_id();
    let utc = DhakaTime::from_unix_millis(n.sandbox.clock.now_ms() - 6 * 3600 * 1000).compact();
    let mut plain = n.init_plain(&order);
    plain["datetime"] = json!(utc);
    let r = n.initialize_raw(MERCHANT, &order, &plain, Hash::Sha256).await;
    assert_eq!(
        reason(r).await,
        (400, "16_0006_076".into()),
        "a server on UTC is 6 h off"
    );
    plain["datetime"] = json!("2024-11-25 14:05");
    let r = n.initialize_raw(MERCHANT, &order, &plain, Hash::Sha256).await;
    assert_eq!(reason(r).await, (400, "16_0006_081".into()));
    // The guide's spelling `dateTime` is read too.
    let mut guide = n.init_plain(&order);
    let dt = guide.as_object_mut().unwrap().remove("datetime").unwrap();
    guide["dateTime"] = dt;
    assert_eq!(
        n.initialize_raw(MERCHANT, &order, &guide, Hash::Sha256).await.status(),
        200
    );
}

#[tokio::test]
async fn order_ids_are_checked_and_unique_per_day() {
    let n = start().await;
    let order = order_id();
    assert_eq!(
        n.initialize_raw(MERCHANT, &order, &n.init_plain(&order), Hash::Sha256)
            .await
            .status(),
        200
    );
    let again = n
        .initialize_raw(MERCHANT, &order, &n.init_plain(&order), Hash::Sha256)
        .await;
    assert_eq!(reason(again).await, (400, "16_0006_083".into()));
    for bad in ["BDP-2024-1", "abcd", "A1B2C3D4E5F6G7H8I9J0K"] {
        let r = n.initialize_raw(MERCHANT, bad, &n.init_plain(bad), Hash::Sha256).await;
        assert_eq!(reason(r).await, (400, "16_0006_068".into()), "{bad}");
    }
    let r = n
        .initialize_raw("683002007104226", &order, &n.init_plain(&order), Hash::Sha256)
        .await;
    assert_eq!(reason(r).await, (400, "16_0006_004".into()), "unregistered merchant");
}

#[tokio::test]
async fn each_mandatory_header_is_required() {
    let n = start().await;
    for missing in ["X-KM-Api-Version", "X-KM-IP-V4", "X-KM-Client-Type"] {
        let order = order_id();
        let (sensitive, signature) = n.seal(&n.init_plain(&order), Hash::Sha256);
        let mut rb = n.http.post(n.api(&format!("/check-out/initialize/{MERCHANT}/{order}")));
        for (h, v) in [
            ("X-KM-Api-Version", "v-0.2.0"),
            ("X-KM-IP-V4", "103.4.145.12"),
            ("X-KM-Client-Type", "PC_WEB"),
        ] {
            if h != missing {
                rb = rb.header(h, v);
            }
        }
        let r = rb
            .json(&json!({"dateTime": n.now(), "sensitiveData": sensitive, "signature": signature}))
            .send()
            .await
            .unwrap();
        assert_eq!(reason(r).await, (400, "16_0006_064".into()), "{missing}");
    }
}

#[tokio::test]
async fn malformed_bodies_are_invalid_requests_not_panics() {
    let n = start().await;
    let order = order_id();
    let url = n.api(&format!("/check-out/initialize/{MERCHANT}/{order}"));
    for body in ["", "{", "[]", "{\"sensitiveData\":1}", "null", "\u{0}\u{1}"] {
        let r = n
            .headers(n.http.post(&url))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(reason(r).await, (400, "16_0006_999".into()), "{body:?}");
    }
    let r = n
        .headers(n.http.post(&url))
        .json(&json!({"dateTime": n.now(), "sensitiveData": "%%%", "signature": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reason(r).await, (400, "16_0006_060".into()), "not base64");
    let init = n.initialize().await;
    let r = n
        .headers(n.http.post(n.api(&format!("/check-out/complete/{}", init.reference))))
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(reason(r).await, (400, "16_0006_999".into()));
    let r = n.http.get(n.api("/verify/payment/bm9wZQ==")).send().await.unwrap();
    assert_eq!(reason(r).await, (400, "16_0006_055".into()));
    let r = n.http.get(n.api("/no/such/route")).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn complete_checks_challenge_currency_and_amount_and_runs_once() {
    let n = start().await;
    let init = n.initialize().await;
    let mut plain = n.complete_plain(&init, "1250.00");
    plain["challenge"] = json!("9b1e0c4d7a2f58e3c6b0a9d18e7f2c4b5a6d3e1f");
    assert_eq!(
        reason(n.complete_raw(&init.reference, &plain).await).await,
        (400, "16_0006_059".into()),
        "client's challenge echoed"
    );
    let mut plain = n.complete_plain(&init, "1250.00");
    plain["currencyCode"] = json!("840");
    assert_eq!(
        reason(n.complete_raw(&init.reference, &plain).await).await,
        (400, "16_0006_080".into())
    );
    for amount in ["0", "12.345", "-5", "1,250"] {
        let plain = n.complete_plain(&init, amount);
        assert_eq!(
            reason(n.complete_raw(&init.reference, &plain).await).await,
            (400, "16_0006_059".into()),
            "{amount}"
        );
    }
    assert_eq!(
        n.complete_raw(&init.reference, &n.complete_plain(&init, "1250.00"))
            .await
            .status(),
        200
    );
    assert_eq!(n.status(&init.reference).await, "Ready");
    let twice = n
        .complete_raw(&init.reference, &n.complete_plain(&init, "1250.00"))
        .await;
    assert_eq!(reason(twice).await, (400, "16_0006_017".into()));
    let unknown = n.complete_raw("bm9wZQ==", &n.complete_plain(&init, "1250.00")).await;
    assert_eq!(reason(unknown).await, (400, "16_0006_055".into()));
}
