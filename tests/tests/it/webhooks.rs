//! Signed webhooks to the merchant: endpoint CRUD with the secret shown once, every
//! delivery's signature checked with `bdpay_shared::signature`, retries after 500s, no event
//! lost while the endpoint is down, the endpoint's `events` filter, `GET /v1/events` with
//! attempts, and redelivery. The stack runs the schedule with
//! `BDPAY_WEBHOOK_RETRY_BASE_SECS=1` (retries after 1 s, 5 s, 30 s, …).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bdpay_shared::signature;
use bdpay_tests::Stack;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::flow::{pay, Shopper};

/// One POST the receiver got.
#[derive(Clone, Debug)]
struct Delivery {
    event: Value,
    signed: bool,
    answered: u16,
    at: Instant,
}

/// A merchant's webhook receiver on 127.0.0.1: checks every signature with the endpoint's
/// secret; answers 500 to the first `fail_first` deliveries of each event, then 200.
#[derive(Clone)]
struct Receiver {
    port: u16,
    secret: Arc<Mutex<String>>,
    fail_first: usize,
    seen: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    fn new(port: u16, fail_first: usize) -> Receiver {
        Receiver {
            port,
            secret: Arc::default(),
            fail_first,
            seen: Arc::default(),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks", self.port)
    }

    /// Starts listening (again) on its port; abort the handle to take it down.
    async fn listen(&self) -> JoinHandle<()> {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    continue;
                };
                let me = me.clone();
                tokio::spawn(async move {
                    let Some((header, body)) = read_request(&mut socket).await else {
                        return;
                    };
                    let status = me.take(header.as_deref(), &body);
                    let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                    let _ = socket.write_all(reply.as_bytes()).await;
                });
            }
        })
    }

    fn take(&self, header: Option<&str>, body: &[u8]) -> u16 {
        let secret = self.secret.lock().unwrap().clone();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let signed = header.is_some_and(|h| signature::verify(h, body, secret.as_bytes(), now, 300).is_ok());
        let event: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let mut seen = self.seen.lock().unwrap();
        let before = seen.iter().filter(|d| d.event["id"] == event["id"]).count();
        let answered = if before < self.fail_first { 500 } else { 200 };
        seen.push(Delivery {
            event,
            signed,
            answered,
            at: Instant::now(),
        });
        answered
    }

    /// The deliveries of events about `payment`.
    fn for_payment(&self, payment: &str) -> Vec<Delivery> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|d| d.event["data"]["object"]["id"] == payment)
            .cloned()
            .collect()
    }

    fn all(&self) -> Vec<Delivery> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads one HTTP/1.1 request: the BdPay-Signature header and the body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(Option<String>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut headers = HashMap::new();
    for line in head.lines().skip(1) {
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buf.len() < head_end + len {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf.get(head_end..head_end + len)?.to_vec();
    Some((headers.get("bdpay-signature").cloned(), body))
}

/// A free port on 127.0.0.1 (bound, then released: nothing listens there now).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Registers `url` for `events`; returns (id, secret).
async fn endpoint(s: &Stack, url: &str, events: Value) -> (String, String) {
    let r = s
        .merchant_post("/v1/webhook_endpoints", &json!({ "url": url, "events": events }), None)
        .await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    (
        body["id"].as_str().unwrap().to_owned(),
        body["secret"].as_str().unwrap().to_owned(),
    )
}

async fn delete(s: &Stack, id: &str) -> u16 {
    s.http
        .delete(s.edge_url(&format!("/v1/webhook_endpoints/{id}")))
        .bearer_auth(bdpay_tests::MERCHANT_KEY)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The payment's events as `GET /v1/events?payment=` shows them.
async fn events_of(s: &Stack, payment: &str) -> Vec<Value> {
    let (code, body) = s.merchant_get(&format!("/v1/events?payment={payment}&limit=100")).await;
    assert_eq!(code, 200, "{body}");
    body["data"].as_array().cloned().unwrap_or_default()
}

/// An amount no other test (or recent run) uses: the bKash sandbox refuses the same wallet
/// and amount twice within minutes (2029), and tests share wallets.
fn fresh_amount() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    format!("{}.{:02}", 2000 + n % 7000, (n / 7000) % 100)
}

/// Polls until `done` holds (or panics after `secs`).
async fn wait_until<F: FnMut() -> bool>(secs: u64, what: &str, mut done: F) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn endpoints_are_created_read_and_deleted_and_the_secret_is_shown_once() {
    let s = Stack::from_env();
    let r = s
        .merchant_post(
            "/v1/webhook_endpoints",
            &json!({ "url": "https://shop.example/hooks", "events": ["payment.succeeded", "refund.failed"] }),
            None,
        )
        .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("we_") && id.len() == 27, "{id}");
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(created["events"], json!(["payment.succeeded", "refund.failed"]));
    assert_eq!(created["object"], "webhook_endpoint");
    let (code, got) = s.merchant_get(&format!("/v1/webhook_endpoints/{id}")).await;
    assert_eq!(code, 200);
    assert_eq!(got["url"], "https://shop.example/hooks");
    assert!(got.get("secret").is_none(), "the secret is shown once: {got}");
    assert_eq!(delete(&s, id).await, 200);
    assert_eq!(s.merchant_get(&format!("/v1/webhook_endpoints/{id}")).await.0, 404);
    assert_eq!(delete(&s, id).await, 404);
    assert_eq!(s.merchant_get("/v1/webhook_endpoints/../x").await.0, 404);

    for bad in [
        json!({ "url": "ftp://shop.example/h", "events": ["*"] }),
        json!({ "url": "https://shop.example/h", "events": ["payment.refunded"] }),
        json!({ "url": "https://shop.example/h", "events": [] }),
        json!({ "url": "https://shop.example/h" }),
        json!({ "url": format!("https://shop.example/{}", "a".repeat(2048)), "events": ["*"] }),
    ] {
        let r = s.merchant_post("/v1/webhook_endpoints", &bad, None).await;
        assert_eq!(r.status(), 400, "{bad}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_request");
    }
    let r = s
        .http
        .post(s.edge_url("/v1/webhook_endpoints"))
        .json(&json!({ "url": "https://x.example", "events": ["*"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(s.merchant_get("/v1/events?limit=0").await.0, 400);
    assert_eq!(s.merchant_get("/v1/events?limit=101").await.0, 400);
    assert_eq!(s.merchant_get("/v1/events?type=payment.refunded").await.0, 400);
    let (code, list) = s.merchant_get("/v1/events?type=payment.succeeded&limit=5").await;
    assert_eq!(code, 200);
    assert!(list["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["type"] == "payment.succeeded"));
    let r = s
        .http
        .post(s.edge_url("/v1/events/evt_000000000000000000000000/redeliver"))
        .bearer_auth(bdpay_tests::MERCHANT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn deliveries_are_signed_retried_after_500s_filtered_and_redelivered() {
    let s = Stack::from_env();
    let flaky = Receiver::new(free_port(), 2);
    let _flaky_up = flaky.listen().await;
    let cancels_only = Receiver::new(free_port(), 0);
    let _other_up = cancels_only.listen().await;
    let (all_id, all_secret) = endpoint(&s, &flaky.url(), json!(["*"])).await;
    *flaky.secret.lock().unwrap() = all_secret;
    let (cancel_id, cancel_secret) = endpoint(&s, &cancels_only.url(), json!(["payment.cancelled"])).await;
    *cancels_only.secret.lock().unwrap() = cancel_secret;

    let paid = pay(&s, "bkash", &fresh_amount(), Shopper::Pays("01770618575")).await;
    assert_eq!(paid.final_status["status"], "succeeded");
    let payment = paid.payment.id.clone();
    wait_until(60, "two 500s then a 200", || {
        flaky.for_payment(&payment).iter().any(|d| d.answered == 200)
    })
    .await;

    let got = flaky.for_payment(&payment);
    assert_eq!(
        got.iter().map(|d| d.answered).collect::<Vec<_>>(),
        [500, 500, 200],
        "{got:?}"
    );
    assert!(got
        .iter()
        .all(|d| d.event["type"] == "payment.succeeded" && d.event["id"] == got[0].event["id"]));
    assert!(
        got[1].at - got[0].at >= Duration::from_millis(800),
        "first retry after ~1 base"
    );
    assert!(
        got[2].at - got[1].at >= Duration::from_secs(4),
        "second retry after ~5 bases"
    );
    let event = &got[0].event;
    assert_eq!(event["object"], "event");
    assert_eq!(event["livemode"], false);
    assert!(event["id"].as_str().unwrap().starts_with("evt_"));
    assert!(event["created"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(event["data"]["object"]["object"], "payment");
    assert_eq!(event["data"]["object"]["status"], "succeeded");
    assert!(event["data"]["object"].get("client_secret").is_none());
    assert!(
        flaky.all().iter().all(|d| d.signed),
        "every delivery verifies with the endpoint's secret"
    );
    assert!(
        cancels_only
            .all()
            .iter()
            .all(|d| d.signed && d.event["type"] == "payment.cancelled"),
        "the filter holds"
    );
    assert!(cancels_only.for_payment(&payment).is_empty());

    let events = events_of(&s, &payment).await;
    assert_eq!(events.len(), 1, "one event for one move: {events:?}");
    let e = &events[0];
    assert_eq!(e["id"], event["id"]);
    let attempts: Vec<&Value> = e["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["endpoint"] == all_id.as_str())
        .collect();
    assert_eq!(
        attempts
            .iter()
            .map(|a| a["http_status"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [500, 500, 200],
        "{e}"
    );
    assert!(attempts
        .iter()
        .all(|a| a["duration_ms"].is_number() && a["at"].is_string()));
    assert!(e["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["endpoint"] != cancel_id.as_str()));
    assert!(e["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["endpoint"] == all_id.as_str() && d["state"] == "delivered"));

    let id = event["id"].as_str().unwrap();
    let r = s
        .http
        .post(s.edge_url(&format!("/v1/events/{id}/redeliver")))
        .bearer_auth(bdpay_tests::MERCHANT_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    wait_until(30, "the redelivery", || flaky.for_payment(&payment).len() == 4).await;
    assert!(flaky.for_payment(&payment).iter().all(|d| d.signed));

    assert_eq!(delete(&s, &all_id).await, 200);
    assert_eq!(delete(&s, &cancel_id).await, 200);
}

#[tokio::test]
async fn an_endpoint_that_is_down_for_a_while_loses_no_event() {
    let s = Stack::from_env();
    let receiver = Receiver::new(free_port(), 0); // nothing listens yet: connections are refused
    let (endpoint_id, secret) = endpoint(&s, &receiver.url(), json!(["payment.succeeded", "payment.cancelled"])).await;
    *receiver.secret.lock().unwrap() = secret;

    let paid = pay(&s, "nagad", &fresh_amount(), Shopper::Pays("01711000001")).await;
    assert_eq!(paid.final_status["status"], "succeeded");
    let payment = paid.payment.id.clone();
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        let events = events_of(&s, &payment).await;
        let failed = events.first().map_or(0, |e| {
            e["attempts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["endpoint"] == endpoint_id.as_str() && a["error"] == "network")
                .count()
        });
        if failed >= 2 {
            break;
        }
        assert!(Instant::now() < end, "two failed attempts while down: {events:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let _up = receiver.listen().await;
    wait_until(60, "delivery once the endpoint is back", || {
        !receiver.for_payment(&payment).is_empty()
    })
    .await;
    let got = receiver.for_payment(&payment);
    assert!(
        got.iter()
            .all(|d| d.signed && d.answered == 200 && d.event["type"] == "payment.succeeded"),
        "{got:?}"
    );
    let events = events_of(&s, &payment).await;
    let delivered = events[0]["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["endpoint"] == endpoint_id.as_str() && d["state"] == "delivered");
    assert!(delivered, "{events:?}");
    assert_eq!(delete(&s, &endpoint_id).await, 200);
}

#[tokio::test]
async fn a_refund_is_announced_with_the_refund_object() {
    let s = Stack::from_env();
    let receiver = Receiver::new(free_port(), 0);
    let _up = receiver.listen().await;
    let (endpoint_id, secret) = endpoint(&s, &receiver.url(), json!(["refund.succeeded", "refund.failed"])).await;
    *receiver.secret.lock().unwrap() = secret;
    let paid = pay(&s, "bkash", &fresh_amount(), Shopper::Pays("01770618575")).await;
    assert_eq!(paid.final_status["status"], "succeeded");
    let _no_faults = crate::refunds::FAULTS.read().await;
    let r = s
        .merchant_post(
            &format!("/v1/payments/{}/refunds", paid.payment.id),
            &json!({ "amount": "10.00", "reason": "one item" }),
            None,
        )
        .await;
    assert_eq!(r.status(), 201);
    let refund: Value = r.json().await.unwrap();
    let refund_id = refund["id"].as_str().unwrap().to_owned();
    let mine = |d: &Delivery| d.event["data"]["object"]["id"] == refund_id.as_str();
    wait_until(60, "the refund event", || receiver.all().iter().any(mine)).await;
    let got: Vec<Delivery> = receiver.all().into_iter().filter(mine).collect();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].signed);
    assert_eq!(
        got[0].event["type"],
        format!("refund.{}", refund["status"].as_str().unwrap())
    );
    assert_eq!(got[0].event["data"]["object"]["object"], "refund");
    assert!(
        receiver
            .all()
            .iter()
            .all(|d| d.signed && d.event["type"].as_str().unwrap().starts_with("refund.")),
        "the filter holds"
    );
    let events = events_of(&s, &paid.payment.id).await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["refund.succeeded", "payment.succeeded"], "newest first");
    assert_eq!(delete(&s, &endpoint_id).await, 200);
}
