//! `bdpay-relay`: the Nagad egress relay. bdpay's edge (a Cloudflare Worker, no fixed IP) sends
//! each Nagad call here, signed (`bdpay_shared::relay_signature`); the relay checks the
//! signature, the target's origin and path (`rules`), and makes the call from its own fixed,
//! Nagad-whitelisted address (`forward`). The contract: `edge/src/providers/nagad/relay.rs`.
//!
//! Plain HTTP only: run it behind a TLS terminator or on a private link (README "The Nagad relay").

pub mod forward;
pub mod rules;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use bdpay_shared::relay_signature::{self, Signed};
use bdpay_shared::secret::Secret;

pub use rules::{NagadBase, Refusal};

/// Header naming the real Nagad URL (as the edge sends it).
pub const TARGET_HEADER: &str = "x-bdpay-relay-target";
/// Header on the relay's own refusals and failures.
pub const ERROR_HEADER: &str = "x-bdpay-relay-error";
/// bdpay's calls to Nagad are small sealed JSON; a larger request is refused unread.
pub const MAX_REQUEST: usize = 64 * 1024;
/// The whole exchange with Nagad, as the edge applies to a direct call.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// A shorter key is refused at start: it is a shared HMAC secret, not a password.
pub const MIN_KEY_LEN: usize = 32;

/// What a relay needs.
pub struct Config {
    /// The Nagad API base, e.g. `https://api.mynagad.com/api/dfs`.
    pub nagad: NagadBase,
    /// The same bytes as the edge's `NAGAD_EGRESS_RELAY_KEY`.
    pub key: Secret<Vec<u8>>,
    /// Whole-exchange timeout towards Nagad ([`TIMEOUT`]; tests shorten it).
    pub timeout: Duration,
}

impl Config {
    /// Checks the base URL and the key's length; the error names what is wrong, never the key.
    pub fn new(nagad_base_url: &str, key: Vec<u8>) -> Result<Config, String> {
        let nagad = NagadBase::parse(nagad_base_url).map_err(|why| format!("--nagad-base-url: {why}"))?;
        if key.len() < MIN_KEY_LEN {
            return Err(format!("BDPAY_RELAY_KEY: at least {MIN_KEY_LEN} bytes"));
        }
        Ok(Config {
            nagad,
            key: Secret::new(key),
            timeout: TIMEOUT,
        })
    }
}

struct Relay {
    config: Config,
    client: reqwest::Client,
}

/// The relay's router: one handler for every path (the edge calls the configured relay URL).
pub fn app(config: Config) -> Result<Router, String> {
    let client = forward::client(config.timeout)?;
    let relay = Arc::new(Relay { config, client });
    Ok(Router::new().fallback(handle).with_state(relay))
}

/// Binds `addr` and serves in the background; returns the bound address.
pub async fn spawn(config: Config, addr: SocketAddr) -> Result<SocketAddr, String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("bind {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let router = app(config)?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(bound)
}

/// Serves on `addr` until the process ends.
pub async fn serve(config: Config, addr: SocketAddr) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("bind {addr}: {e}"))?;
    axum::serve(listener, app(config)?).await.map_err(|e| e.to_string())
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

async fn handle(State(relay): State<Arc<Relay>>, method: Method, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let target = headers
        .get(TARGET_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (response, word) = match axum::body::to_bytes(body, MAX_REQUEST).await {
        Err(_) => (own(StatusCode::PAYLOAD_TOO_LARGE, "body"), "body"),
        Ok(bytes) => relay.call(method.clone(), &headers, &target, bytes).await,
    };
    // One line per call: method, path without query values, status, latency. Never a body or
    // a header value.
    println!(
        "relay method={} path={} status={} latency_ms={} error={}",
        method.as_str(),
        rules::loggable(&target),
        response.status().as_u16(),
        started.elapsed().as_millis(),
        if word.is_empty() { "-" } else { word },
    );
    response
}

impl Relay {
    /// The response and the relay's error word (`""` when Nagad answered).
    async fn call(&self, method: Method, headers: &HeaderMap, target: &str, body: Bytes) -> (Response, &'static str) {
        let signature = headers
            .get(relay_signature::HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let signed = Signed {
            method: method.as_str(),
            target,
            body: &body,
        };
        if relay_signature::verify(signature, self.config.key.expose(), now_secs(), &signed).is_err() {
            return (own(StatusCode::FORBIDDEN, "signature"), "signature");
        }
        let url = match self.config.nagad.check(method.as_str(), target) {
            Ok(url) => url,
            Err(refusal) => return (own(StatusCode::FORBIDDEN, refusal.word()), refusal.word()),
        };
        let outgoing = forward::forwarded_headers(headers);
        match forward::send(&self.client, method, url, outgoing, body).await {
            Ok(answer) => {
                let mut response = (answer.status, answer.body).into_response();
                match answer.content_type {
                    Some(ct) => {
                        response.headers_mut().insert("content-type", ct);
                    }
                    None => {
                        response.headers_mut().remove("content-type");
                    }
                }
                (response, "")
            }
            Err(failure) => (own(StatusCode::BAD_GATEWAY, failure.word()), failure.word()),
        }
    }
}

/// The relay's own answer: `status`, `X-Bdpay-Relay-Error: word`, a one-word text body.
fn own(status: StatusCode, word: &'static str) -> Response {
    let mut response = (status, word).into_response();
    response
        .headers_mut()
        .insert(ERROR_HEADER, HeaderValue::from_static(word));
    response
}
