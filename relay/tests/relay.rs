//! The relay over HTTP: against the Nagad sandbox (in-process) and a loopback echo server that
//! records what reached "Nagad". Nothing here connects beyond 127.0.0.1: the other-host case is
//! refused by the rule before any connection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use bdpay_relay::Config;
use bdpay_shared::relay_signature::{self, Signed};

const KEY: &[u8] = b"test-only-relay-key-not-for-live-use-0001";
const SANDBOX_API: &str = "/nagad/remote-payment-gateway-1.0/api/dfs";

fn now() -> i64 {
    i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap()
}

fn any_port() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

async fn relay_for(base_url: &str, timeout: Duration) -> String {
    let mut config = Config::new(base_url, KEY.to_vec()).unwrap();
    config.timeout = timeout;
    let addr = bdpay_relay::spawn(config, any_port()).await.unwrap();
    format!("http://{addr}/")
}

/// The Nagad sandbox and a relay for its API base.
async fn with_sandbox() -> (String, String) {
    let (sandbox, _) = bdpay_sandbox::spawn(bdpay_sandbox::Config::new(""), any_port())
        .await
        .unwrap();
    let base = format!("http://{sandbox}{SANDBOX_API}");
    let relay = relay_for(&base, Duration::from_secs(30)).await;
    (base, relay)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A call through the relay, signed at `t` with `key` (no signature header when `None`).
async fn through(
    relay: &str,
    method: Method,
    target: &str,
    body: &[u8],
    signed_at: Option<(i64, &[u8])>,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = client()
        .request(method.clone(), relay)
        .header("X-Bdpay-Relay-Target", target)
        .body(body.to_vec());
    if let Some((t, key)) = signed_at {
        let signature = relay_signature::sign(
            key,
            t,
            &Signed {
                method: method.as_str(),
                target,
                body,
            },
        );
        request = request.header(relay_signature::HEADER, signature);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn relay_error(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get("x-bdpay-relay-error")
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn a_signed_verify_goes_through_and_answers_as_nagad_does() {
    let (base, relay) = with_sandbox().await;
    let target = format!("{base}/verify/payment/bm9wZQ==");
    let direct = client().get(&target).send().await.unwrap();
    let (direct_status, direct_type) = (direct.status(), direct.headers().get("content-type").cloned());
    let direct_body = direct.bytes().await.unwrap();

    let r = through(&relay, Method::GET, &target, b"", Some((now(), KEY)), &[]).await;
    assert_eq!(relay_error(&r), None);
    assert_eq!(r.status(), direct_status);
    assert_eq!(r.headers().get("content-type").cloned(), direct_type);
    assert_eq!(r.bytes().await.unwrap(), direct_body);
    assert!(!direct_body.is_empty());
}

#[tokio::test]
async fn unsigned_stale_future_and_wrongly_signed_calls_are_refused() {
    let (base, relay) = with_sandbox().await;
    let target = format!("{base}/verify/payment/bm9wZQ==");
    type Signing<'a> = Option<(i64, &'a [u8])>;
    let cases: [(&str, Signing); 4] = [
        ("unsigned", None),
        ("stale (6 min)", Some((now() - 360, KEY))),
        ("future (6 min)", Some((now() + 360, KEY))),
        ("wrong key", Some((now(), b"another-key-another-key-another-key!"))),
    ];
    for (case, signed_at) in cases {
        let r = through(&relay, Method::GET, &target, b"", signed_at, &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{case}");
        assert_eq!(relay_error(&r).as_deref(), Some("signature"), "{case}");
    }
    // Signed for one target, sent with another.
    let signature = relay_signature::sign(
        KEY,
        now(),
        &Signed {
            method: "GET",
            target: &target,
            body: b"",
        },
    );
    let r = client()
        .get(&relay)
        .header("X-Bdpay-Relay-Target", format!("{base}/verify/payment/b3RoZXI="))
        .header(relay_signature::HEADER, signature)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(relay_error(&r).as_deref(), Some("signature"));
    // Garbage in the header: an answer, not a crash.
    let r = client()
        .get(&relay)
        .header("X-Bdpay-Relay-Target", &target)
        .header(relay_signature::HEADER, "t=abc,v1=zz")
        .send()
        .await
        .unwrap();
    assert_eq!(relay_error(&r).as_deref(), Some("signature"));
}

#[tokio::test]
async fn another_host_and_another_path_are_refused() {
    let (base, relay) = with_sandbox().await;
    let sandbox_origin = base.trim_end_matches(SANDBOX_API);
    for (target, word) in [
        // Refused by the rule: never fetched (our machines reach only loopback).
        (
            "https://example.com/api/dfs/verify/payment/bm9wZQ==".to_string(),
            "target",
        ),
        (
            format!("{}/verify/payment/bm9wZQ==", base.replace("127.0.0.1", "localhost")),
            "target",
        ),
        (
            format!("{sandbox_origin}/bkash/v1.2.0-beta/tokenized/checkout/token/grant"),
            "path",
        ),
        (format!("{sandbox_origin}/__control/faults"), "path"),
        (format!("{base}/verify/payment/bm9wZQ==/../../../x"), "path"),
        (format!("{base}/check-out/complete/bm9wZQ=="), "path"), // GET on a POST call
    ] {
        let r = through(&relay, Method::GET, &target, b"", Some((now(), KEY)), &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{target}");
        assert_eq!(relay_error(&r).as_deref(), Some(word), "{target}");
    }
    let r = client().get(&relay).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no target, no signature");
}

/// What the echo "Nagad" saw last.
#[derive(Clone, Default)]
struct Seen {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A loopback "Nagad" at `/api/dfs` that records each request and answers by path:
/// `…/complete/echo` 201 with the request body, `…/complete/moved` a 302, `…/complete/slow`
/// after 2 s.
async fn echo() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let router = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(Seen {
                method: method.to_string(),
                uri: uri.to_string(),
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("?").to_string()))
                    .collect(),
                body: body.to_vec(),
            });
            let path = uri.path().to_string();
            if path.ends_with("/moved") {
                return (
                    StatusCode::FOUND,
                    [("location", "http://127.0.0.1:9/elsewhere")],
                    Bytes::new(),
                )
                    .into_response();
            }
            if path.ends_with("/slow") {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            (
                StatusCode::CREATED,
                [("content-type", "application/x-echo"), ("x-nagad-extra", "1")],
                body,
            )
                .into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind(any_port()).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}/api/dfs"), seen)
}

#[tokio::test]
async fn the_body_and_nagads_headers_pass_unchanged_and_nothing_is_added() {
    let (base, seen) = echo().await;
    let relay = relay_for(&base, Duration::from_secs(30)).await;
    let target = format!("{base}/check-out/complete/echo");
    let body: Vec<u8> =
        br#"{"sensitiveData":"AbC+/=","signature":"x\u0000y"}"#.iter().copied().chain([0xff, 0x00, 0x80]).collect();
    let r = through(
        &relay,
        Method::POST,
        &target,
        &body,
        Some((now(), KEY)),
        &[
            ("content-type", "application/json"),
            ("x-km-api-version", "v-0.2.0"),
            ("x-km-ip-v4", "103.0.0.1"),
            ("x-km-client-type", "PC_WEB"),
            ("x-bdpay-relay-other", "must not pass"),
            ("x-forwarded-for", "198.51.100.7"),
        ],
    )
    .await;
    assert_eq!(relay_error(&r), None);
    assert_eq!(r.status(), StatusCode::CREATED, "Nagad's status passes");
    assert_eq!(r.headers()["content-type"], "application/x-echo");
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        body.as_slice(),
        "answer body unchanged"
    );

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "sent once");
    let call = &seen[0];
    assert_eq!(call.method, "POST");
    assert_eq!(call.uri, "/api/dfs/check-out/complete/echo");
    assert_eq!(call.body, body, "request body unchanged");
    let names: Vec<&str> = call.headers.iter().map(|(k, _)| k.as_str()).collect();
    for (name, value) in [
        ("content-type", "application/json"),
        ("x-km-api-version", "v-0.2.0"),
        ("x-km-ip-v4", "103.0.0.1"),
        ("x-km-client-type", "PC_WEB"),
    ] {
        assert!(call.headers.contains(&(name.to_string(), value.to_string())), "{name}");
    }
    assert!(!names.iter().any(|n| n.starts_with("x-bdpay-relay-")), "{names:?}");
    assert!(!names.contains(&"x-forwarded-for"), "{names:?}");
}

#[tokio::test]
async fn a_redirect_is_answered_not_followed_and_nothing_is_retried() {
    let (base, seen) = echo().await;
    let relay = relay_for(&base, Duration::from_secs(30)).await;
    let r = through(
        &relay,
        Method::POST,
        &format!("{base}/check-out/complete/moved"),
        b"{}",
        Some((now(), KEY)),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(relay_error(&r), None);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_relays_own_failures_are_502_with_a_word() {
    // Timeout: the echo answers after 2 s, this relay waits 300 ms.
    let (base, seen) = echo().await;
    let relay = relay_for(&base, Duration::from_millis(300)).await;
    let r = through(
        &relay,
        Method::POST,
        &format!("{base}/check-out/complete/slow"),
        b"{}",
        Some((now(), KEY)),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(relay_error(&r).as_deref(), Some("timeout"));
    assert_eq!(seen.lock().unwrap().len(), 1, "not retried");

    // Unreachable: a loopback port nobody listens on.
    let closed = {
        let listener = std::net::TcpListener::bind(any_port()).unwrap();
        listener.local_addr().unwrap()
    };
    let base = format!("http://{closed}/api/dfs");
    let relay = relay_for(&base, Duration::from_secs(5)).await;
    let r = through(
        &relay,
        Method::GET,
        &format!("{base}/verify/payment/bm9wZQ=="),
        b"",
        Some((now(), KEY)),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(relay_error(&r).as_deref(), Some("unreachable"));
}

#[test]
fn a_short_key_or_a_bad_base_is_refused_at_start() {
    assert!(Config::new("https://api.mynagad.com/api/dfs", b"short".to_vec()).is_err());
    assert!(Config::new("api.mynagad.com", KEY.to_vec()).is_err());
    let why = Config::new("https://api.mynagad.com/api/dfs", b"0123456789".to_vec())
        .err()
        .unwrap();
    assert!(!why.contains("0123456789"));
}
