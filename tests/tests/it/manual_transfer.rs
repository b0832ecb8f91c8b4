//! Manual transfers (docs/design.md "Manual transfers"): a merchant set up with its own
//! receiving wallets (through `bdpay-admin manual-transfer set` and the admin API, so the
//! demo merchant and every other test are untouched) gets instructions at confirm; a sandbox
//! Send Money's TrxID submitted puts the payment in `requires_review`; bKash's search
//! verifies it (also after an outage), a TrxID pays for one payment only, ops approve or
//! reject Nagad transfers, vouchers are images of at most 1 MiB, and a test key never sees a
//! live transfer.

use std::process::Command;
use std::time::{Duration, Instant};

use bdpay_tests::{Created, Stack, ADMIN_TOKEN, MERCHANT_KEY};
use reqwest::Method;
use serde_json::{json, Value};

/// The merchant's receiving wallets (any valid numbers: the sandbox's send money takes any).
const SHOP_BKASH: &str = "01811000123";
const SHOP_NAGAD: &str = "01911000123";
/// The shoppers' own wallets.
const SHOPPER_BKASH: &str = "01770618575";
const SHOPPER_NAGAD: &str = "01711000001";

/// A merchant of this test's own, with its keys.
struct Shop {
    id: String,
    test_key: String,
    live_key: String,
    read_key: String,
}

fn admin_bin() -> String {
    std::env::var("BDPAY_ADMIN_BIN")
        .unwrap_or_else(|_| format!("{}/../target/release/bdpay-admin", env!("CARGO_MANIFEST_DIR")))
}

/// A new merchant with test, live and read-only keys, manual transfer `always` to both
/// wallets, set with `bdpay-admin` as an operator would.
async fn shop(s: &Stack, tag: &str) -> Shop {
    let (status, m) = s
        .call(
            Method::POST,
            ADMIN_TOKEN,
            "/admin/merchants",
            Some(json!({ "name": format!("Manual {tag}") })),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    let id = m["id"].as_str().unwrap().to_owned();
    let keys = format!("/admin/merchants/{id}/keys");
    let test_key = issue(s, &keys, json!({ "mode": "test" })).await;
    let live_key = issue(s, &keys, json!({ "mode": "live" })).await;
    let read_key = issue(s, &keys, json!({ "mode": "test", "read_only": true })).await;
    let out = Command::new(admin_bin())
        .args([
            "manual-transfer",
            "set",
            "--merchant",
            &id,
            "--mode",
            "always",
            "--bkash",
            SHOP_BKASH,
            "--nagad",
            SHOP_NAGAD,
        ])
        .env("BDPAY_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("BDPAY_EDGE_URL", s.edge_url(""))
        .output()
        .expect("bdpay-admin runs (make build builds it)");
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        answer,
        json!({ "object": "manual_transfer_settings", "merchant_id": id, "mode": "always",
                "bkash": "01XX0123", "nagad": "01XX0123", "updated_at": answer["updated_at"] }),
        "numbers come back masked"
    );
    Shop {
        id,
        test_key,
        live_key,
        read_key,
    }
}

/// A key issued through the admin API.
async fn issue(s: &Stack, path: &str, body: Value) -> String {
    let (status, k) = s.call(Method::POST, ADMIN_TOKEN, path, Some(body)).await;
    assert_eq!(status, 201, "{k}");
    k["key"].as_str().unwrap().to_owned()
}

/// A payment of `key`'s merchant.
async fn payment(s: &Stack, key: &str, amount: &str) -> Created {
    let order = Stack::order_id("manual");
    let (status, p) = s
        .call(
            Method::POST,
            key,
            "/v1/payments",
            Some(json!({ "order_id": order, "amount": amount })),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    Created {
        id: p["id"].as_str().unwrap().to_owned(),
        client_secret: p["client_secret"].as_str().unwrap().to_owned(),
        body: p,
    }
}

/// A Send Money made in the sandbox: its TrxID (`trxID` for bKash, `trxId` for Nagad).
async fn send_money(s: &Stack, provider: &str, from: &str, to: &str, amount: &str) -> String {
    let r = s
        .http
        .post(s.sandbox_url(&format!("/__control/{provider}/send_money")))
        .json(&json!({ "from": from, "to": to, "amount": amount }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{body}");
    let field = if provider == "bkash" { "trxID" } else { "trxId" };
    body[field].as_str().unwrap().to_owned()
}

/// The widget's submission as JSON: (status, body).
async fn submit(s: &Stack, p: &Created, provider: &str, trx_id: &str, sender: &str) -> (u16, Value) {
    let r = s
        .http
        .post(s.edge_url(&format!("/v1/payments/{}/manual_transfer", p.id)))
        .json(&json!({ "client_secret": p.client_secret, "provider": provider, "trx_id": trx_id, "sender_phone": sender }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("*"),
        "a widget route: CORS for any origin"
    );
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The widget's submission as `multipart/form-data` with a voucher file, the secret in the
/// header: (status, body).
async fn submit_with_voucher(s: &Stack, p: &Created, trx_id: &str, voucher: &[u8]) -> (u16, Value) {
    const B: &str = "bdpay-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in [
        ("provider", "nagad"),
        ("trx_id", trx_id),
        ("sender_phone", SHOPPER_NAGAD),
    ] {
        body.extend_from_slice(
            format!("--{B}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{B}\r\nContent-Disposition: form-data; name=\"voucher\"; filename=\"voucher.png\"\r\nContent-Type: image/png\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(voucher);
    body.extend_from_slice(format!("\r\n--{B}--\r\n").as_bytes());
    let r = s
        .http
        .post(s.edge_url(&format!("/v1/payments/{}/manual_transfer", p.id)))
        .header("content-type", format!("multipart/form-data; boundary={B}"))
        .header("bdpay-client-secret", &p.client_secret)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A tiny PNG's first bytes (the edge judges the magic bytes, not the pixels).
fn png(len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.resize(len.max(v.len()), 0);
    v
}

async fn confirm_manual(s: &Stack, p: &Created) -> Value {
    let (status, c) = s.confirm(p, Some("manual_transfer")).await;
    assert_eq!(status, 200, "{c}");
    c
}

async fn transfers(s: &Stack, key: &str, query: &str) -> Vec<Value> {
    let (status, list) = s
        .call(Method::GET, key, &format!("/v1/manual_transfers{query}"), None)
        .await;
    assert_eq!(status, 200, "{list}");
    list["data"].as_array().cloned().unwrap_or_default()
}

async fn decide(s: &Stack, key: &str, transfer: &str, verb: &str, note: &str) -> (u16, Value) {
    s.call(
        Method::POST,
        key,
        &format!("/v1/manual_transfers/{transfer}/{verb}"),
        Some(json!({ "note": note })),
    )
    .await
}

#[tokio::test]
async fn an_always_merchant_gets_instructions_and_bkash_verifies_the_transfer_once_it_answers_search() {
    let s = Stack::from_env();
    let shop = shop(&s, "bkash").await;
    let amount = Stack::amount(1250);
    let p = payment(&s, &shop.test_key, &amount).await;

    // Confirm with manual transfer: the instructions, no wallet page.
    let c = confirm_manual(&s, &p).await;
    assert!(c.get("redirect_url").is_none(), "{c}");
    let action = &c["next_action"];
    assert_eq!(action["type"], "manual_transfer", "{c}");
    let i = &action["instructions"];
    assert_eq!(
        (i["amount"].as_str(), i["currency"].as_str()),
        (Some(amount.as_str()), Some("BDT"))
    );
    let reference = i["reference"].as_str().unwrap();
    assert!(
        reference.len() <= 10 && reference.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        "{reference}"
    );
    assert_eq!(
        i["wallets"],
        json!([{ "provider": "bkash", "number": SHOP_BKASH, "kind": "send_money" },
               { "provider": "nagad", "number": SHOP_NAGAD, "kind": "send_money" }])
    );
    assert!(i["message"].as_str().is_some_and(|m| m.contains("TrxID")));
    assert!(i["message_bn"].as_str().is_some_and(|m| m.contains("TrxID")));
    // The widget's poll shows the same while the payment waits for it.
    let st = s.status(&p).await;
    assert_eq!(
        (st["status"].as_str(), &st["next_action"]),
        (Some("requires_method"), action),
        "{st}"
    );

    // bKash's search answers 503 twice, then recovers (only this test searches bKash).
    s.fault(json!({ "provider": "bkash", "op": "search", "fault": { "kind": "status", "status": 503 }, "count": 2 }))
        .await;
    let trx = send_money(&s, "bkash", SHOPPER_BKASH, SHOP_BKASH, &amount).await;
    let (status, first) = submit(&s, &p, "bkash", &trx.to_ascii_lowercase(), SHOPPER_BKASH).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["status"], "requires_review", "{first}");
    assert_eq!(
        first["manual_transfer"]["trx_id"],
        trx.as_str(),
        "stored as bKash writes it"
    );
    assert_eq!(first["manual_transfer"]["status"], "pending_review");
    assert_eq!(first["manual_transfer"]["has_voucher"], false);
    let (status, again) = submit(&s, &p, "bkash", &trx, SHOPPER_BKASH).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        again["manual_transfer"]["id"], first["manual_transfer"]["id"],
        "the same transfer"
    );

    let end = Instant::now() + Duration::from_secs(90);
    let done = loop {
        let st = s.status(&p).await;
        if st["status"] != "requires_review" || Instant::now() > end {
            break st;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(done["status"], "succeeded", "verified once bKash answered: {done}");
    let (_, paid) = s
        .call(Method::GET, &shop.test_key, &format!("/v1/payments/{}", p.id), None)
        .await;
    assert_eq!(
        (paid["provider"].as_str(), paid["provider_transaction_id"].as_str()),
        (Some("bkash"), Some(trx.as_str())),
        "{paid}"
    );
    assert_eq!(paid["manual_transfer"]["status"], "verified", "{paid}");
    let verified = transfers(&s, &shop.test_key, "?status=verified").await;
    let row = verified
        .iter()
        .find(|t| t["payment_id"] == p.id.as_str())
        .expect("listed as verified");
    assert_eq!(row["sender_phone"], "01XX8575", "{row}");
    assert_eq!(row["amount"], amount.as_str());
    // Decided by search: a person cannot decide it again.
    let (status, e) = decide(&s, &shop.test_key, row["id"].as_str().unwrap(), "reject", "late").await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (409, Some("invalid_state")),
        "{e}"
    );
    // A refund of money sent by hand goes back by hand too.
    let (status, e) = s
        .call(
            Method::POST,
            &shop.test_key,
            &format!("/v1/payments/{}/refunds", p.id),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("refund_not_allowed")),
        "{e}"
    );
}

#[tokio::test]
async fn a_trx_id_pays_for_one_payment_only() {
    let s = Stack::from_env();
    let shop = shop(&s, "once").await;
    let (a, b) = (
        payment(&s, &shop.test_key, "500.00").await,
        payment(&s, &shop.test_key, "500.00").await,
    );
    confirm_manual(&s, &a).await;
    confirm_manual(&s, &b).await;
    let trx = send_money(&s, "nagad", SHOPPER_NAGAD, SHOP_NAGAD, "500").await;
    let (status, taken) = submit(&s, &a, "nagad", &trx, SHOPPER_NAGAD).await;
    assert_eq!(status, 200, "{taken}");
    for quoted in [trx.clone(), format!(" {} ", trx.to_ascii_lowercase())] {
        let (status, e) = submit(&s, &b, "nagad", &quoted, SHOPPER_NAGAD).await;
        assert_eq!(
            (status, e["error"]["code"].as_str()),
            (409, Some("trx_id_already_used")),
            "{e}"
        );
        assert!(e["error"]["message_bn"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let st = s.status(&b).await;
    assert_eq!(st["status"], "requires_method", "nothing was written: {st}");
    // Not a TrxID at all; a wallet the shop takes nothing at; a merchant without manual transfer.
    let (status, e) = submit(&s, &b, "bkash", "SHORT", SHOPPER_BKASH).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{e}"
    );
    let (status, e) = submit(&s, &b, "nagad", "0001ABCD", "0171").await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("invalid_phone")),
        "{e}"
    );
    let demo = s.create(&Stack::order_id("manual-off"), "10.00", json!({})).await;
    let (status, e) = s.confirm(&demo, Some("manual_transfer")).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{e}"
    );
    let (status, e) = submit(&s, &demo, "nagad", "0001ABCD", SHOPPER_NAGAD).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{e}"
    );
    let (status, _) = submit(
        &s,
        &Created {
            client_secret: b.client_secret.clone(),
            ..a.clone()
        },
        "nagad",
        &trx,
        SHOPPER_NAGAD,
    )
    .await;
    assert_eq!(status, 401, "another payment's secret");
}

#[tokio::test]
async fn ops_approve_one_nagad_transfer_and_reject_another() {
    let s = Stack::from_env();
    let shop = shop(&s, "review").await;
    let (good, bad) = (
        payment(&s, &shop.test_key, "700.00").await,
        payment(&s, &shop.test_key, "800.00").await,
    );
    confirm_manual(&s, &good).await;
    confirm_manual(&s, &bad).await;
    let good_trx = send_money(&s, "nagad", SHOPPER_NAGAD, SHOP_NAGAD, "700").await;
    let (status, g) = submit(&s, &good, "nagad", &good_trx, SHOPPER_NAGAD).await;
    assert_eq!((status, g["status"].as_str()), (200, Some("requires_review")), "{g}");
    let (status, b) = submit(&s, &bad, "nagad", "0009ZZZZ", SHOPPER_NAGAD).await;
    assert_eq!(status, 200, "{b}");

    // Both wait for a person (Nagad has no search); the read-only key lists but cannot decide.
    let pending = transfers(&s, &shop.read_key, "?status=pending_review&limit=10").await;
    let ids: Vec<&str> = pending.iter().filter_map(|t| t["payment_id"].as_str()).collect();
    assert_eq!(ids, [bad.id.as_str(), good.id.as_str()], "newest first");
    let good_id = g["manual_transfer"]["id"].as_str().unwrap();
    let bad_id = b["manual_transfer"]["id"].as_str().unwrap();
    let (status, e) = decide(&s, &shop.read_key, good_id, "approve", "ok").await;
    assert_eq!((status, e["error"]["code"].as_str()), (403, Some("forbidden")), "{e}");
    let (status, e) = decide(&s, &shop.test_key, good_id, "approve", &"x".repeat(256)).await;
    assert_eq!(status, 400, "{e}");
    let (status, e) = decide(&s, MERCHANT_KEY, good_id, "approve", "not mine").await;
    assert_eq!(status, 404, "another merchant's transfer: {e}");

    let (status, approved) = decide(&s, &shop.test_key, good_id, "approve", "seen in the Nagad app").await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(
        (approved["status"].as_str(), approved["note"].as_str()),
        (Some("approved"), Some("seen in the Nagad app"))
    );
    let (_, paid) = s
        .call(Method::GET, &shop.test_key, &format!("/v1/payments/{}", good.id), None)
        .await;
    assert_eq!(
        (
            paid["status"].as_str(),
            paid["provider"].as_str(),
            paid["provider_transaction_id"].as_str()
        ),
        (Some("succeeded"), Some("nagad"), Some(good_trx.as_str())),
        "{paid}"
    );
    let (status, e) = decide(&s, &shop.test_key, good_id, "approve", "again").await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (409, Some("invalid_state")),
        "{e}"
    );

    let (status, rejected) = decide(&s, &shop.test_key, bad_id, "reject", "no such transfer").await;
    assert_eq!(
        (status, rejected["status"].as_str()),
        (200, Some("rejected")),
        "{rejected}"
    );
    let st = s.status(&bad).await;
    assert_eq!(st["status"], "failed", "{st}");
    assert_eq!(st["error"]["code"], "manual_transfer_rejected", "{st}");
    assert!(st["error"]["message_bn"].as_str().is_some_and(|m| !m.is_empty()));
    let (status, _) = decide(&s, &shop.test_key, bad_id, "reject", "again").await;
    assert_eq!(status, 409);
    assert!(transfers(&s, &shop.test_key, "?status=pending_review").await.is_empty());
}

#[tokio::test]
async fn a_voucher_is_an_image_of_at_most_one_mebibyte() {
    let s = Stack::from_env();
    let shop = shop(&s, "voucher").await;
    let p = payment(&s, &shop.test_key, "300.00").await;
    confirm_manual(&s, &p).await;
    let trx = send_money(&s, "nagad", SHOPPER_NAGAD, SHOP_NAGAD, "300").await;

    let (status, e) = submit_with_voucher(&s, &p, &trx, &png(1024 * 1024 + 1)).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (413, Some("payload_too_large")),
        "{e}"
    );
    let (status, e) = submit_with_voucher(&s, &p, &trx, &png(2 * 1024 * 1024)).await;
    assert_eq!(status, 413, "refused before reading it whole: {e}");
    let (status, e) = submit_with_voucher(&s, &p, &trx, b"%PDF-1.7 not an image").await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{e}"
    );
    assert_eq!(
        s.status(&p).await["status"],
        "requires_method",
        "refusals write nothing"
    );

    let (status, taken) = submit_with_voucher(&s, &p, &trx, &png(40 * 1024)).await;
    assert_eq!(status, 200, "{taken}");
    assert_eq!(taken["manual_transfer"]["has_voucher"], true, "{taken}");
    let listed = transfers(&s, &shop.test_key, "?status=pending_review").await;
    assert!(listed
        .iter()
        .any(|t| t["payment_id"] == p.id.as_str() && t["has_voucher"] == true));
}

#[tokio::test]
async fn fallback_offers_it_only_where_no_wallet_can_take_the_payment_and_a_test_key_never_sees_a_live_transfer() {
    let s = Stack::from_env();
    let shop = shop(&s, "modes").await;
    let merchant = shop.id.clone();
    let (status, set) = s
        .call(
            Method::PUT,
            ADMIN_TOKEN,
            &format!("/admin/merchants/{merchant}/manual_transfer"),
            Some(json!({ "mode": "fallback", "nagad": SHOP_NAGAD, "bkash": null })),
        )
        .await;
    assert_eq!((status, set["bkash"].is_null()), (200, true), "{set}");
    // Test mode: both sandbox wallets can take it, so no manual transfer.
    let test = payment(&s, &shop.test_key, "450.00").await;
    let (status, e) = s.confirm(&test, Some("manual_transfer")).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{e}"
    );
    let (status, c) = s.confirm(&test, Some("bkash")).await;
    assert_eq!(status, 200, "{c}");
    assert!(c["redirect_url"].is_string(), "{c}");
    // Live mode here has no wallet set up at all: routing finds none usable, and fallback answers
    // with the instructions where a confirm used to be 503 provider_unavailable.
    let live = payment(&s, &shop.live_key, "450.00").await;
    let (status, c) = s.confirm(&live, None).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["next_action"]["type"], "manual_transfer", "{c}");
    assert_eq!(
        c["next_action"]["instructions"]["wallets"],
        json!([{ "provider": "nagad", "number": SHOP_NAGAD, "kind": "send_money" }])
    );
    let (status, e) = submit(&s, &live, "bkash", "CKP40QZ7TM", SHOPPER_BKASH).await;
    assert_eq!(status, 400, "no bKash number to send to: {e}");
    let (status, t) = submit(&s, &live, "nagad", "0042LIVE", SHOPPER_NAGAD).await;
    assert_eq!(status, 200, "{t}");
    let id = t["manual_transfer"]["id"].as_str().unwrap();

    assert!(transfers(&s, &shop.test_key, "").await.iter().all(|x| x["id"] != id));
    assert!(transfers(&s, &shop.live_key, "").await.iter().any(|x| x["id"] == id));
    let (status, _) = decide(&s, &shop.test_key, id, "approve", "wrong mode").await;
    assert_eq!(status, 404);
    let (status, ok) = decide(&s, &shop.live_key, id, "approve", "seen").await;
    assert_eq!((status, ok["status"].as_str()), (200, Some("approved")), "{ok}");
}
