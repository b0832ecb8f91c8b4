//! The one exchange with Nagad: which request headers travel, the client (30 s for the whole
//! exchange, no redirect followed, no proxy, never retried) and the capped read of the answer.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

/// Nagad's answers are small; anything larger is the relay's failure (`too_large`).
pub const MAX_ANSWER: usize = 1024 * 1024;

/// Headers never forwarded: hop-by-hop ones, those the client sets itself, and those a proxy or
/// TLS terminator in front of the relay adds (they describe the path to the relay, not the call).
const DROPPED: [&str; 18] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    // The answer's body passes unchanged: ask for it uncompressed (reqwest decodes nothing here).
    "accept-encoding",
    "forwarded",
    "via",
    "x-real-ip",
    "true-client-ip",
    "cdn-loop",
    "expect",
];

/// Dropped by prefix: ours (`x-bdpay-relay-*`), Cloudflare's and proxies' `x-forwarded-*`.
const DROPPED_PREFIXES: [&str; 3] = ["x-bdpay-relay-", "cf-", "x-forwarded-"];

/// The request headers to send on: everything but [`DROPPED`], [`DROPPED_PREFIXES`] and the
/// names the `Connection` header lists. Nothing is added.
pub fn forwarded_headers(incoming: &HeaderMap) -> HeaderMap {
    let listed: Vec<String> = incoming
        .get_all("connection")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect();
    let mut out = HeaderMap::new();
    for (name, value) in incoming {
        let n = name.as_str(); // lower-case already
        let dropped =
            DROPPED.contains(&n) || DROPPED_PREFIXES.iter().any(|p| n.starts_with(p)) || listed.iter().any(|l| l == n);
        if !dropped {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// The client: no redirect followed, no proxy from the environment, `timeout` on the whole
/// exchange (connect, send, answer and body).
pub fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// Nagad's answer as the relay passes it back.
pub struct Answer {
    pub status: StatusCode,
    pub content_type: Option<HeaderValue>,
    pub body: Bytes,
}

/// The relay's own failure word (`X-Bdpay-Relay-Error`), answered with 502.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    Timeout,
    Unreachable,
    TooLarge,
}

impl Failure {
    pub fn word(self) -> &'static str {
        match self {
            Failure::Timeout => "timeout",
            Failure::Unreachable => "unreachable",
            Failure::TooLarge => "too_large",
        }
    }
}

/// Sends once; never retries (a repeated initialize or cancel could act twice at Nagad).
pub async fn send(
    client: &reqwest::Client,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Answer, Failure> {
    let classify = |e: reqwest::Error| {
        if e.is_timeout() {
            Failure::Timeout
        } else {
            Failure::Unreachable
        }
    };
    let mut request = client.request(method.clone(), url).headers(headers);
    if !(body.is_empty() && matches!(method, Method::GET | Method::HEAD)) {
        request = request.body(body);
    }
    let mut response = request.send().await.map_err(classify)?;
    let status = response.status();
    let content_type = response.headers().get(HeaderName::from_static("content-type")).cloned();
    if response.content_length().is_some_and(|n| n > MAX_ANSWER as u64) {
        return Err(Failure::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err(Failure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        content_type,
        body: Bytes::from(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn nagads_headers_pass_ours_and_hop_by_hop_ones_do_not() {
        let incoming = map(&[
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            ("X-KM-Api-Version", "v-0.2.0"),
            ("X-KM-IP-V4", "103.0.0.1"),
            ("X-KM-Client-Type", "PC_WEB"),
            (
                "X-Bdpay-Relay-Target",
                "https://api.mynagad.com/api/dfs/verify/payment/x",
            ),
            ("X-Bdpay-Relay-Signature", "t=1,v1=00"),
            ("X-Bdpay-Relay-Anything", "x"),
            ("Host", "relay.example"),
            ("Content-Length", "10"),
            ("Connection", "keep-alive, X-Secret-Hop"),
            ("X-Secret-Hop", "1"),
            ("Keep-Alive", "timeout=5"),
            ("Transfer-Encoding", "chunked"),
            ("Accept-Encoding", "gzip"),
            ("CF-Connecting-IP", "1.2.3.4"),
            ("X-Forwarded-For", "1.2.3.4"),
            ("Forwarded", "for=1.2.3.4"),
        ]);
        let out = forwarded_headers(&incoming);
        let mut names: Vec<&str> = out.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "accept",
                "content-type",
                "x-km-api-version",
                "x-km-client-type",
                "x-km-ip-v4"
            ]
        );
        assert_eq!(out["x-km-ip-v4"], "103.0.0.1");
    }

    #[test]
    fn repeated_headers_keep_every_value() {
        let out = forwarded_headers(&map(&[("Accept", "a"), ("Accept", "b")]));
        assert_eq!(out.get_all("accept").iter().count(), 2);
    }
}
