//! Data keys: the admin rotation route's guard, and a key-rotation drill around a worker
//! restart (`--ignored`, run by `scripts/key-drill.sh`): part 1 under key k1 stores a phone,
//! a webhook secret and an idempotent reply; the worker restarts with k2 current and k1 old
//! on the same persisted state; part 2 reads all three back, runs the rotation, and checks in
//! D1 that every ciphertext now carries k2, and that all still read after.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use bdpay_shared::signature;
use bdpay_tests::{Stack, ADMIN_TOKEN, BKASH_PAYING_WALLETS};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const ROTATE: &str = "/admin/keys/rotate";
const HOOK_SECRET: &str = "whsec_test_only_key_rotation_drill_0000000001";

async fn admin(s: &Stack, post: bool, token: Option<&str>) -> (u16, Value) {
    let url = s.edge_url(ROTATE);
    let mut req = if post { s.http.post(url) } else { s.http.get(url) };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn rotation_route_wants_the_admin_token() {
    let s = Stack::from_env();
    for (post, token) in [
        (true, None),
        (false, None),
        (true, Some("sk_test_demo")),
        (false, Some("adm_wrong")),
    ] {
        let (status, body) = admin(&s, post, token).await;
        assert_eq!(status, 401, "{post} {token:?}: {body}");
        assert_eq!(body["error"]["code"], "unauthorized", "{body}");
    }
    let (status, report) = admin(&s, false, Some(ADMIN_TOKEN)).await;
    assert_eq!(status, 200, "{report}");
    assert!(report["current_key"].is_string(), "{report}");
    for t in [
        "payments",
        "webhook_endpoints",
        "idempotency_keys",
        "merchant_credentials",
    ] {
        assert!(report["remaining"][t].is_i64(), "{t}: {report}");
    }
}

/// Where part 1 leaves what part 2 checks (in the persisted state directory).
fn drill_file() -> PathBuf {
    persist_dir().join("key-drill.json")
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn persist_dir() -> PathBuf {
    let dir = PathBuf::from(std::env::var("BDPAY_PERSIST_DIR").expect("BDPAY_PERSIST_DIR: the worker's --persist-to"));
    if dir.is_absolute() {
        dir
    } else {
        workspace().join(dir)
    }
}

fn hook_port() -> u16 {
    std::env::var("BDPAY_KEY_DRILL_HOOK_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(48795)
}

/// `wrangler d1 execute … --json --command SQL` on the worker's persisted D1: the rows.
fn d1(sql: &str) -> Vec<Value> {
    let out = std::process::Command::new("wrangler")
        .current_dir(workspace())
        .args(["d1", "execute", "DB", "--local", "--persist-to"])
        .arg(persist_dir())
        .args(["--json", "--command", sql])
        .output()
        .expect("wrangler on PATH (node_modules/.bin)");
    assert!(
        out.status.success(),
        "wrangler d1 execute: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0]["results"].as_array().cloned().unwrap_or_default()
}

/// Every ciphertext in D1, as (table, row, value), in one statement (one `wrangler` run, so
/// the client's idle connection to the worker is still open after it). D1's SQLite takes at
/// most five terms in one compound SELECT: the manual-transfer tables come as a sub-select.
fn ciphertexts() -> Vec<(String, String, String)> {
    let rows = d1("SELECT 'payments' AS t, id AS r, customer_phone_enc AS v FROM payments WHERE customer_phone_enc IS NOT NULL \
         UNION ALL SELECT 'webhook_endpoints', id, secret_enc FROM webhook_endpoints \
         UNION ALL SELECT 'idempotency_keys', merchant_id || '/' || key, response FROM idempotency_keys WHERE status_code > 0 \
         UNION ALL SELECT 'merchant_credentials', merchant_id || '/' || mode || '/' || provider, sealed FROM merchant_credentials \
         UNION ALL SELECT t, r, v FROM (SELECT 'merchant_wallets' AS t, merchant_id || '/' || provider AS r, number_enc AS v \
           FROM merchant_wallets UNION ALL SELECT 'manual_transfers', id, sender_phone_enc FROM manual_transfers)");
    rows.iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("").to_owned();
            (s("t"), s("r"), s("v"))
        })
        .collect()
}

/// A merchant's receiver on a fixed port: sends each POST's (signature header, body).
async fn receiver(port: u16) -> mpsc::UnboundedReceiver<(Option<String>, Vec<u8>)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head_end, len) = loop {
                let Ok(n) = sock.read(&mut chunk).await else {
                    break (0, 0);
                };
                if n == 0 {
                    break (0, 0);
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    break (i + 4, len);
                }
            };
            while buf.len() < head_end + len {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&buf[..head_end.min(buf.len())]).into_owned();
            let sig = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("bdpay-signature").then(|| v.trim().to_owned())
            });
            let body = buf.get(head_end..).unwrap_or_default().to_vec();
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
            let _ = tx.send((sig, body));
        }
    });
    rx
}

/// Pays a payment and waits for its `payment.succeeded` at the receiver: signed with the secret?
async fn delivered_signed(s: &Stack, rx: &mut mpsc::UnboundedReceiver<(Option<String>, Vec<u8>)>, tag: &str) -> bool {
    // The drill's two parts run in two processes about a minute apart, each with its own
    // `Stack::amount` counter: the whole taka comes from the clock too, so the same wallet never
    // pays the same amount twice within bKash's two minutes (2029).
    let secs = u32::try_from(bdpay_tests::now_ms() / 1000 % 89).unwrap_or(0);
    let id = s
        .paid_bkash(
            &Stack::order_id(tag),
            &Stack::amount(11 + secs),
            BKASH_PAYING_WALLETS[0],
        )
        .await;
    let until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < until {
        let Ok(Some((sig, body))) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await else {
            continue;
        };
        let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if event.to_string().contains(&id) {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            return sig.is_some_and(|h| signature::verify(&h, &body, HOOK_SECRET.as_bytes(), now, 300).is_ok());
        }
    }
    panic!("no delivery for {id} within 60 s");
}

fn create_body(order: &str) -> Value {
    json!({ "order_id": order, "amount": "120.00", "customer_phone": "01712345678" })
}

/// Part 1, under k1: a payment with a phone, a webhook endpoint with a known secret, and a
/// reply stored for an `Idempotency-Key`; all three sealed `v1.k1.` in D1.
#[tokio::test]
#[ignore = "key-rotation drill: run by scripts/key-drill.sh around a restart with a new key"]
async fn key_drill_1_under_k1() {
    let s = Stack::from_env();
    let (_, report) = admin(&s, false, Some(ADMIN_TOKEN)).await;
    assert_eq!(report["current_key"], "k1", "{report}");
    let order = Stack::order_id("keydrill");
    let key = format!("keydrill-{order}");
    let r = s.merchant_post("/v1/payments", &create_body(&order), Some(&key)).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let pay = created["id"].as_str().unwrap().to_owned();
    let hook = s
        .merchant_post(
            "/v1/webhook_endpoints",
            &json!({ "url": format!("http://127.0.0.1:{}/hooks", hook_port()), "events": ["payment.succeeded"], "secret": HOOK_SECRET }),
            None,
        )
        .await;
    assert_eq!(hook.status(), 201);
    let hook: Value = hook.json().await.unwrap();
    let we = hook["id"].as_str().unwrap().to_owned();
    let mut rx = receiver(hook_port()).await;
    assert!(delivered_signed(&s, &mut rx, "keydrill1").await, "signed under k1");
    let all = ciphertexts();
    for (table, row) in [("payments", pay.as_str()), ("webhook_endpoints", we.as_str())] {
        let v = &all.iter().find(|(t, r, _)| t == table && r == row).unwrap().2;
        assert!(v.starts_with("v1.k1."), "{table} {row}");
    }
    let drill = json!({ "payment": pay, "endpoint": we, "order": order, "key": key, "reply": created });
    std::fs::write(drill_file(), drill.to_string()).unwrap();
    eprintln!("part 1 done: restart the worker with BDPAY_TEST_DATA_KEY_ID=k2, then run part 2");
}

/// Part 2, after the restart under k2 (k1 old): everything from part 1 still reads; the
/// rotation moves every ciphertext in D1 to k2 (payments through their objects); all reads
/// again afterwards.
#[tokio::test]
#[ignore = "key-rotation drill: run by scripts/key-drill.sh around a restart with a new key"]
async fn key_drill_2_under_k2() {
    let s = Stack::from_env();
    let drill: Value = serde_json::from_str(&std::fs::read_to_string(drill_file()).unwrap()).unwrap();
    let (pay, we) = (drill["payment"].as_str().unwrap(), drill["endpoint"].as_str().unwrap());
    let (status, report) = admin(&s, false, Some(ADMIN_TOKEN)).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["current_key"].clone(), report["old_keys"].clone()),
        (json!("k2"), json!(["k1"]))
    );
    assert!(
        report["remaining_total"].as_i64().unwrap() >= 3,
        "part 1's values are still k1: {report}"
    );
    let before = ciphertexts();
    assert!(before
        .iter()
        .any(|(t, r, v)| t == "payments" && r == pay && v.starts_with("v1.k1.")));

    // Old data reads under the new key: the stored reply, the phone (masked), the webhook secret.
    let replay = s
        .merchant_post(
            "/v1/payments",
            &create_body(drill["order"].as_str().unwrap()),
            drill["key"].as_str(),
        )
        .await;
    assert_eq!(replay.status(), 201);
    assert_eq!(
        replay.json::<Value>().await.unwrap(),
        drill["reply"],
        "the k1-sealed reply replays"
    );
    let (_, p) = s.merchant_get(&format!("/v1/payments/{pay}")).await;
    let masked = p["customer_phone"].as_str().unwrap_or("");
    assert!(
        masked.starts_with("01") && masked.ends_with("5678") && masked.contains('X'),
        "{p}"
    );
    let mut rx = receiver(hook_port()).await;
    assert!(
        delivered_signed(&s, &mut rx, "keydrill2").await,
        "k1 secret signs under k2"
    );

    // Rotate.
    let (status, started) = admin(&s, true, Some(ADMIN_TOKEN)).await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["job"]["target"], "k2", "{started}");
    let until = Instant::now() + Duration::from_secs(120);
    let report = loop {
        let (_, r) = admin(&s, false, Some(ADMIN_TOKEN)).await;
        if r["state"] == "finished" && r["remaining_total"] == 0 {
            break r;
        }
        assert!(Instant::now() < until, "rotation did not finish: {r}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    for t in report["job"]["tables"].as_array().unwrap() {
        assert_eq!(t["failed"], 0, "{report}");
    }
    let after = ciphertexts();
    assert!(!after.is_empty());
    for (table, row, v) in &after {
        assert!(v.starts_with("v1.k2."), "{table} {row} not under k2");
    }
    assert!(after.iter().any(|(t, r, _)| t == "payments" && r == pay));
    assert!(after.iter().any(|(t, r, _)| t == "webhook_endpoints" && r == we));
    // The demo merchant's own wallet credentials (seeded through bdpay-admin) went along.
    assert!(after
        .iter()
        .any(|(t, r, _)| t == "merchant_credentials" && r == "mer_demo/test/bkash"));

    // And everything reads after the rotation too.
    let replay = s
        .merchant_post(
            "/v1/payments",
            &create_body(drill["order"].as_str().unwrap()),
            drill["key"].as_str(),
        )
        .await;
    assert_eq!(
        replay.json::<Value>().await.unwrap(),
        drill["reply"],
        "the re-sealed reply replays"
    );
    assert!(
        delivered_signed(&s, &mut rx, "keydrill3").await,
        "re-sealed secret signs"
    );
    eprintln!("rotation report: {report}");
}
