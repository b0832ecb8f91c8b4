//! Production by default: webhook URLs that reach inside are refused at registration (no
//! test here connects anywhere but loopback), batch reports that cannot start a formula,
//! chunked bodies stopped at the cap, a crashed request's Idempotency-Key taken over, old
//! rows deleted by the nightly cron, quiet and throttled Nagad hints, and the widget's
//! client secret in a header.

use std::time::Duration;

use bdpay_tests::{d1, now_ms, Stack, MERCHANT_KEY};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::flow::provider_ref;
use crate::refunds::FAULTS;

/// The stack with a client that opens a new connection per request: the tests below pause
/// for `wrangler d1 execute` between requests, past the edge's keep-alive.
fn stack() -> Stack {
    let mut s = Stack::from_env();
    s.http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(90))
        .build()
        .unwrap();
    s
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn register(s: &Stack, key: &str, url: &str) -> (u16, Value) {
    let r = s
        .http
        .post(s.edge_url("/v1/webhook_endpoints"))
        .bearer_auth(key)
        .json(&json!({ "url": url, "events": ["*"] }))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn unregister(s: &Stack, key: &str, id: &str) {
    // Tried again on a 5xx: a `wrangler d1 execute` of another test may hold the database.
    let mut last = String::new();
    for _ in 0..5 {
        let r = s
            .http
            .delete(s.edge_url(&format!("/v1/webhook_endpoints/{id}")))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        if status == 200 {
            return;
        }
        last = format!("{status} {}", r.text().await.unwrap_or_default());
        assert!(status >= 500, "delete {id}: {last}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("delete {id}: {last}");
}

fn assert_refused(status: u16, body: &Value, url: &str, rule: &str) {
    assert_eq!(status, 400, "{url}: {body}");
    assert_eq!(body["error"]["code"], "invalid_request", "{url}: {body}");
    let message = body["error"]["message"].as_str().unwrap_or_default().to_owned()
        + body["error"]["detail"].as_str().unwrap_or_default();
    assert!(
        body.to_string().contains(rule),
        "{url}: the message names the rule ({rule}): {message} {body}"
    );
}

#[tokio::test]
async fn webhook_urls_that_reach_inside_are_refused_at_registration_in_dev() {
    let s = stack();
    // Refused in every mode, dev included (registration only stores: nothing is fetched).
    for (url, rule) in [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://2852039166/", "link-local"),
        ("http://0xa9.0xfe.0xa9.0xfe/", "link-local"),
        ("http://0251.0376.0251.0376/", "link-local"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://100.64.0.1/hooks", "100.64.0.0/10"),
        ("http://[::ffff:100.64.0.1]/hooks", "100.64.0.0/10"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://0.0.0.0:38787/", "unspecified"),
        ("http://0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://255.255.255.255/", "broadcast"),
        ("http://user:pw@127.0.0.1/demo/webhooks", "credentials"),
    ] {
        let (status, body) = register(&s, MERCHANT_KEY, url).await;
        assert_refused(status, &body, url, rule);
    }
    // Dev test endpoints may use loopback (the demo shop's receiver), in any spelling.
    for url in [
        "http://127.0.0.1:38787/demo/webhooks",
        "http://0x7f.1:38787/demo/webhooks",
    ] {
        let (status, body) = register(&s, MERCHANT_KEY, url).await;
        assert_eq!(status, 201, "{url}: {body}");
        unregister(&s, MERCHANT_KEY, body["id"].as_str().unwrap()).await;
    }
}

#[tokio::test]
async fn live_webhook_urls_must_be_public_https_on_443() {
    let s = stack();
    // The live key make test seeds for the demo merchant (edge/seeds/test.sql, TEST ONLY).
    let live_key = "sk_live_test_only_demo_0001".to_owned();
    for (url, rule) in [
        ("http://shop.example/hooks", "https"),
        ("https://shop.example:8443/hooks", "port 443"),
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://2130706433/hooks", "loopback"),
        ("https://0x7f.1/hooks", "loopback"),
        ("https://0177.0.0.1/hooks", "loopback"),
        ("https://127.1/hooks", "loopback"),
        ("https://[::1]/hooks", "loopback"),
        ("https://[::ffff:127.0.0.1]/hooks", "loopback"),
        ("https://localhost/hooks", "localhost"),
        ("https://api.localhost/hooks", "localhost"),
        ("https://10.1.2.3/hooks", "10.0.0.0/8"),
        ("https://172.16.0.1/hooks", "172.16.0.0/12"),
        ("https://192.168.1.1/hooks", "192.168.0.0/16"),
        ("https://[fd00::1]/hooks", "fc00::/7"),
        ("https://[::ffff:192.168.1.1]/hooks", "192.168.0.0/16"),
        ("https://intranet/hooks", "domain name with a dot"),
        ("https://169.254.169.254/hooks", "link-local"),
        ("https://u@shop.example/hooks", "credentials"),
    ] {
        let (status, body) = register(&s, &live_key, url).await;
        assert_refused(status, &body, url, rule);
    }
    let (status, body) = register(&s, &live_key, "https://shop.example/hooks").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["livemode"], true);
    unregister(&s, &live_key, body["id"].as_str().unwrap()).await;
}

#[tokio::test]
async fn a_batch_report_cell_cannot_start_a_formula() {
    let s = stack();
    // An unpaid payment: the line is valid (its refund fails later), its reason is kept.
    let p = s.create(&Stack::order_id("csv"), "50.00", json!({})).await;
    let formula = r#"=HYPERLINK("http://x","y")"#;
    let body = json!([
        { "payment_id": p.id, "amount": "10.00", "reason": formula },
        { "payment_id": p.id, "amount": "5.00", "reason": "@SUM(1+1)" },
    ]);
    let r = s.merchant_post("/v1/refunds/batch", &body, None).await;
    assert_eq!(r.status().as_u16(), 202);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let (status, csv) = s.merchant_get_text(&format!("/v1/refunds/batch/{id}?format=csv")).await;
    assert_eq!(status, 200, "{csv}");
    assert!(
        csv.contains(r#","'=HYPERLINK(""http://x"",""y"")","#),
        "neutralised and quoted: {csv}"
    );
    assert!(csv.contains(",'@SUM(1+1),"), "{csv}");
    for row in csv.lines() {
        for bad in [",=", ",\"=", ",@", ",\"@", ",+", ",-"] {
            assert!(!row.contains(bad), "a cell starts a formula ({bad}): {row}");
        }
    }
}

/// POSTs `total` bytes in 8 KiB chunks with `Transfer-Encoding: chunked` (no Content-Length)
/// over a raw loopback connection; returns the status line's code.
async fn chunked_post(s: &Stack, path: &str, auth: Option<&str>, total: usize) -> u16 {
    let addr = s.edge.trim_start_matches("http://").to_owned();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n"
    );
    if let Some(key) = auth {
        head.push_str(&format!("Authorization: Bearer {key}\r\n"));
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes()).await.unwrap();
    let (mut rd, mut wr) = conn.into_split();
    let writer = tokio::spawn(async move {
        let chunk = vec![b' '; 8192];
        let mut sent = 0;
        while sent < total {
            let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            // The edge may answer and close before the end: stop writing then.
            if wr.write_all(&frame).await.is_err() {
                return;
            }
            sent += chunk.len();
        }
        let _ = wr.write_all(b"0\r\n\r\n").await;
    });
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), rd.read_to_end(&mut answer)).await;
    writer.abort();
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:.200}"))
}

#[tokio::test]
async fn chunked_bodies_past_the_cap_get_413_and_the_service_stays_up() {
    let s = stack();
    // Unauthenticated (bKash IPN) and authenticated endpoints, JSON and a batch.
    assert_eq!(chunked_post(&s, "/v1/ipn/bkash", None, 1024 * 1024).await, 413);
    assert_eq!(
        chunked_post(&s, "/v1/payments", Some(MERCHANT_KEY), 256 * 1024).await,
        413
    );
    assert_eq!(
        chunked_post(&s, "/v1/webhook_endpoints", Some(MERCHANT_KEY), 128 * 1024).await,
        413
    );
    assert_eq!(
        chunked_post(&s, "/v1/refunds/batch", Some(MERCHANT_KEY), 3 * 1024 * 1024).await,
        413
    );
    // Under the cap, chunked is read as usual (whitespace is not a payment: 400).
    assert_eq!(
        chunked_post(&s, "/v1/payments", Some(MERCHANT_KEY), 16 * 1024).await,
        400
    );
    let r = s.http.get(s.edge_url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// POSTs a payment with exactly these body bytes and key: (status, body).
async fn post_payment(s: &Stack, raw: &str, key: &str) -> (u16, Value) {
    let r = s
        .http
        .post(s.edge_url("/v1/payments"))
        .bearer_auth(MERCHANT_KEY)
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(raw.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn reserve_by_hand(key: &str, hash: &str, created_at: i64) {
    d1(&format!(
        "INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, response, created_at) \
         VALUES ('mer_demo:test', '{key}', '{hash}', 0, '', {created_at})"
    ));
}

#[tokio::test]
#[ignore = "writes the local D1 beside the worker: make test runs it alone, after the suite"]
async fn a_crashed_requests_key_is_taken_over_after_a_minute() {
    let s = stack();
    let order = Stack::order_id("stale");
    let raw = json!({ "order_id": order, "amount": "75.00" }).to_string();
    let hash = sha256_hex(format!("POST /v1/payments\n{raw}").as_bytes());
    // A reservation 10 s old: its request may still be running, so a repeat is refused.
    let young = format!("young-{order}");
    reserve_by_hand(&young, &hash, now_ms() - 10_000);
    let (status, body) = post_payment(&s, &raw, &young).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("idempotency_conflict")),
        "{body}"
    );
    // A reservation 2 minutes old whose request died before making anything: taken over.
    let stale = format!("stale-{order}");
    reserve_by_hand(&stale, &hash, now_ms() - 120_000);
    let (status, first) = post_payment(&s, &raw, &stale).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = post_payment(&s, &raw, &stale).await;
    assert_eq!(status, 201);
    assert_eq!(first["id"], again["id"], "the answer is stored again: a replay");
    let (_, list) = s.merchant_get(&format!("/v1/payments?order_id={order}")).await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "one payment: {list}");
    // Another body under the stale key is still a conflict.
    let other = json!({ "order_id": order, "amount": "76.00" }).to_string();
    let stale2 = format!("stale2-{order}");
    reserve_by_hand(&stale2, &hash, now_ms() - 120_000);
    assert_eq!(post_payment(&s, &other, &stale2).await.0, 409);
}

#[tokio::test]
#[ignore = "writes the local D1 beside the worker: make test runs it alone, after the suite"]
async fn a_refund_re_run_after_a_crash_finds_the_refund_already_made() {
    let s = stack();
    let _shared = FAULTS.read().await;
    let payment = s
        // An amount unique across runs minutes apart (bKash refuses a repeat: 2029).
        .paid_bkash(
            &Stack::order_id("stale-rf"),
            &format!("{}.{:02}", 300 + now_ms() / 1000 % 600, now_ms() % 100),
            "01619777283",
        )
        .await;
    let key = format!("stale-rf-{}", now_ms());
    let body = json!({ "amount": "20.00", "reason": "crash drill" });
    let path = format!("/v1/payments/{payment}/refunds");
    let r = s.merchant_post(&path, &body, Some(&key)).await;
    assert_eq!(r.status().as_u16(), 201);
    let made: Value = r.json().await.unwrap();
    // The request "crashed" after the refund was made, before its answer was stored.
    d1(&format!(
        "UPDATE idempotency_keys SET status_code = 0, response = '', created_at = {} \
         WHERE merchant_id = 'mer_demo:test' AND key = '{key}'",
        now_ms() - 120_000
    ));
    let r = s.merchant_post(&path, &body, Some(&key)).await;
    assert_eq!(r.status().as_u16(), 201);
    let rerun: Value = r.json().await.unwrap();
    assert_eq!(rerun["id"], made["id"], "the re-run found the refund: {rerun}");
    let (_, list) = s.merchant_get(&path).await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "{list}");
    let (_, p) = s.merchant_get(&format!("/v1/payments/{payment}")).await;
    assert_eq!(p["amount_refunded"], "20.00");
}

#[tokio::test]
#[ignore = "writes the local D1 beside the worker: make test runs it alone, after the suite"]
async fn the_nightly_cron_deletes_only_what_is_past_its_retention() {
    let s = stack();
    let now = now_ms();
    let tag = format!("retention-{now}");
    let day = 86_400_000i64;
    let call = |op: &str, at: i64| {
        format!(
            "INSERT INTO provider_calls (payment_id, provider, op, http_status, provider_code, outcome, latency_ms, created_at) \
             VALUES (NULL, 'bkash', '{op}', 200, NULL, 'ok', 1, {at})"
        )
    };
    let key = |k: &str, at: i64| {
        format!(
            "INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, response, created_at) \
             VALUES ('mer_demo', '{k}', 'x', 201, 'x', {at})"
        )
    };
    d1(&[
        call(&format!("{tag}-old"), now - 91 * day),
        call(&format!("{tag}-fresh"), now - 89 * day),
        key(&format!("{tag}-old"), now - day - 60_000),
        key(&format!("{tag}-fresh"), now - day + 600_000),
    ]
    .join("; "));
    let r = s
        .http
        .get(s.edge_url("/__scheduled?cron=0+21+*+*+*"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let left = |table: &str, column: &str| {
        let rows = d1(&format!(
            "SELECT {column} AS v FROM {table} WHERE {column} LIKE '{tag}-%' ORDER BY 1"
        ));
        rows.iter()
            .map(|r| r["v"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // `/__scheduled` answers once the run is over; read once (an outside reader holds a
    // lock the worker's writes wait for).
    assert_eq!(left("provider_calls", "op"), [format!("{tag}-fresh")]);
    assert_eq!(left("idempotency_keys", "key"), [format!("{tag}-fresh")]);
    // The fresh stand-ins go too: their `response` is not a real ciphertext, and a later
    // key rotation in the same run would count it as a row it cannot open.
    d1(&format!(
        "DELETE FROM provider_calls WHERE op LIKE '{tag}-%'; DELETE FROM idempotency_keys WHERE key LIKE '{tag}-%'"
    ));
}

#[tokio::test]
async fn nagad_hints_answer_nothing_and_verify_once_per_ten_seconds() {
    let s = stack();
    let p = s.create(&Stack::order_id("hint"), &Stack::amount(120), json!({})).await;
    let (code, c) = s.confirm(&p, Some("nagad")).await;
    assert_eq!(code, 200, "{c}");
    let reference = provider_ref(&s, &p).await;
    assert!(!reference.is_empty());
    let hint = || {
        s.http
            .get(s.edge_url("/v1/ipn/nagad"))
            .query(&[("payment_ref_id", reference.as_str()), ("status", "Success")])
            .send()
    };
    let before = s.ledger("nagad", "verify", &reference).await.len();
    for _ in 0..2 {
        let r = hint().await.unwrap();
        assert_eq!(r.status(), 202);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body, json!({ "received": true }), "no id, no status");
    }
    let after = s.ledger("nagad", "verify", &reference).await.len();
    assert_eq!(after - before, 1, "two hints within 10 s verify once");
    // An unknown reference answers the same.
    let r = s
        .http
        .get(s.edge_url("/v1/ipn/nagad?payment_ref_id=bm90LWEtcmVhbC1yZWY%3D"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({ "received": true }));
}

#[tokio::test]
async fn the_widget_may_send_its_client_secret_in_a_header() {
    let s = stack();
    let p = s.create(&Stack::order_id("hdr"), &Stack::amount(90), json!({})).await;
    let status_url = s.edge_url(&format!("/v1/payments/{}/status", p.id));
    let r = s
        .http
        .get(&status_url)
        .header("BdPay-Client-Secret", &p.client_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "requires_method");
    let r = s.http.get(&status_url).send().await.unwrap();
    assert_eq!(r.status(), 401, "no secret at all");
    let r = s
        .http
        .get(format!("{status_url}?client_secret={}", p.client_secret))
        .header("BdPay-Client-Secret", format!("{}x", p.client_secret))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "two secrets that disagree");
    let r = s
        .http
        .request(reqwest::Method::OPTIONS, &status_url)
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "bdpay-client-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("bdpay-client-secret"), "{allowed}");
    let r = s
        .http
        .post(s.edge_url(&format!("/v1/payments/{}/confirm", p.id)))
        .header("BdPay-Client-Secret", &p.client_secret)
        .json(&json!({ "provider": "bkash" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let confirmed: Value = r.json().await.unwrap();
    assert_eq!(confirmed["provider"], "bkash", "{confirmed}");
}
