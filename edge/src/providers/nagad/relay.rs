//! The optional fixed-egress relay for Nagad calls (`NAGAD_EGRESS_RELAY`).
//!
//! Why: Nagad's production API admits only whitelisted IPs and its sandbox listens on a
//! non-standard port, while a deployed Worker has no fixed egress address and ignores custom
//! ports in `fetch` (docs/providers.md Part C, docs/design.md "Going live").
//!
//! # Contract (the README tells how to run one)
//!
//! When `NAGAD_EGRESS_RELAY` is set (an http(s) URL), every Nagad call — initialize,
//! complete, verify, purchase cancel — is sent to exactly that URL instead of Nagad:
//!
//! * same method, body and headers as the direct call (`Content-Type`, `X-KM-*`), plus
//!   * `X-Bdpay-Relay-Target`: the absolute Nagad URL the call is for (scheme, host, port,
//!     path, query), e.g. `https://api.mynagad.com/api/dfs/verify/payment/MTEy…`;
//!   * `X-Bdpay-Relay-Signature`: `t=<unix secs>,v1=<hex HMAC-SHA256>` under the secret
//!     `NAGAD_EGRESS_RELAY_KEY` over the time, method, target and SHA-256 of the body
//!     (`bdpay_shared::relay_signature`, the one function the relay checks with).
//! * The relay (crate `bdpay-relay`, README "The Nagad relay") must
//!   1. refuse (403) a missing, wrong or stale (more than 5 minutes either side) signature,
//!      compared in constant time;
//!   2. refuse (403) a target whose scheme + host + port is not the one Nagad origin it was
//!      configured with, or whose path is not one bdpay calls — it is not an open proxy;
//!   3. drop every `X-Bdpay-Relay-*` header and forward the request from its fixed address
//!      to the target, following no redirect and never retrying (a repeated initialize or
//!      cancel could act twice);
//!   4. answer with Nagad's status code and body unchanged (headers other than
//!      `Content-Type` need not pass);
//!   5. when it cannot reach Nagad or refuses the call itself, answer 502 (or 403) with the
//!      header `X-Bdpay-Relay-Error: <short word>`, so the edge never mistakes the relay's
//!      own failure for Nagad's answer.
//! * The edge applies its usual 30 s timeout to the whole exchange.
//! * Without `NAGAD_EGRESS_RELAY_KEY` a relay configuration is incomplete (`config.rs`).

use bdpay_shared::relay_signature::{self, Signed};

/// Header naming the real Nagad URL.
pub const TARGET_HEADER: &str = "X-Bdpay-Relay-Target";
/// Header carrying the signature over the call.
pub const SIGNATURE_HEADER: &str = relay_signature::HEADER;
/// Header a relay sets on its own failures.
pub const ERROR_HEADER: &str = "X-Bdpay-Relay-Error";

/// The relay in use: where it listens and the key calls are signed with.
#[derive(Clone, Copy)]
pub(crate) struct Via<'a> {
    pub url: &'a str,
    pub key: &'a [u8],
}

/// Where a call to `target` goes: `(url to fetch, extra headers)`. `now_secs` is unix
/// seconds; `body` is the body as sent (empty for none).
pub(crate) fn route<'a>(
    target: &'a str,
    relay: Option<Via<'a>>,
    method: &str,
    body: &[u8],
    now_secs: i64,
) -> (&'a str, Vec<(&'static str, String)>) {
    match relay {
        None => (target, Vec::new()),
        Some(via) => {
            let signature = relay_signature::sign(via.key, now_secs, &Signed { method, target, body });
            (
                via.url,
                vec![(TARGET_HEADER, target.to_string()), (SIGNATURE_HEADER, signature)],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdpay_shared::relay_signature::{verify, RelaySignatureError};

    const TARGET: &str = "https://api.mynagad.com/api/dfs/verify/payment/MTEy";
    const T: i64 = 1_780_000_000;

    #[test]
    fn direct_without_a_relay() {
        assert_eq!(route(TARGET, None, "GET", b"", T), (TARGET, vec![]));
    }

    #[test]
    fn through_a_relay_the_target_is_named_and_the_call_signed() {
        let via = Via {
            url: "https://relay.example/nagad",
            key: b"k",
        };
        let (url, headers) = route(TARGET, Some(via), "GET", b"", T);
        assert_eq!(url, "https://relay.example/nagad");
        assert_eq!(headers.len(), 2, "target and signature only: no key travels");
        assert_eq!(headers[0], (TARGET_HEADER, TARGET.to_string()));
        assert_eq!(headers[1].0, "X-Bdpay-Relay-Signature");
        let signed = Signed {
            method: "GET",
            target: TARGET,
            body: b"",
        };
        assert_eq!(verify(&headers[1].1, b"k", T + 299, &signed), Ok(T));
        assert_eq!(
            verify(
                &headers[1].1,
                b"k",
                T,
                &Signed {
                    method: "POST",
                    ..signed
                }
            ),
            Err(RelaySignatureError::NoMatch)
        );
        assert!(!headers.iter().any(|(_, v)| v == "k"));
    }

    #[test]
    fn the_body_is_signed() {
        let via = Via {
            url: "http://r/",
            key: b"k",
        };
        let (_, headers) = route(TARGET, Some(via), "POST", b"{\"a\":1}", T);
        let signed = Signed {
            method: "POST",
            target: TARGET,
            body: b"{\"a\":1}",
        };
        assert_eq!(verify(&headers[1].1, b"k", T, &signed), Ok(T));
        assert_eq!(
            verify(&headers[1].1, b"k", T, &Signed { body: b"{}", ..signed }),
            Err(RelaySignatureError::NoMatch)
        );
    }
}
