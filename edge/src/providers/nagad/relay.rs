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
//!   * `X-Bdpay-Relay-Key`: the value of the secret `NAGAD_EGRESS_RELAY_KEY`, when set.
//! * The relay must
//!   1. refuse (403) a missing or wrong key, compared in constant time;
//!   2. refuse (403) a target whose scheme + host + port is not the one Nagad origin it was
//!      configured with — it is not an open proxy;
//!   3. drop every `X-Bdpay-Relay-*` header and forward the request from its fixed address
//!      to the target, following no redirect and never retrying (a repeated initialize or
//!      cancel could act twice);
//!   4. answer with Nagad's status code and body unchanged (headers other than
//!      `Content-Type` need not pass);
//!   5. when it cannot reach Nagad or refuses the call itself, answer 502 (or 403) with the
//!      header `X-Bdpay-Relay-Error: <short word>`, so the edge never mistakes the relay's
//!      own failure for Nagad's answer.
//! * The edge applies its usual 30 s timeout to the whole exchange.

/// Header naming the real Nagad URL.
pub const TARGET_HEADER: &str = "X-Bdpay-Relay-Target";
/// Header carrying `NAGAD_EGRESS_RELAY_KEY`.
pub const KEY_HEADER: &str = "X-Bdpay-Relay-Key";
/// Header a relay sets on its own failures.
pub const ERROR_HEADER: &str = "X-Bdpay-Relay-Error";

/// Where a call to `target` goes: `(url to fetch, extra headers)`.
pub(crate) fn route<'a>(
    target: &'a str,
    relay: Option<&'a str>,
    key: Option<&'a str>,
) -> (&'a str, Vec<(&'static str, &'a str)>) {
    match relay {
        None => (target, Vec::new()),
        Some(relay) => {
            let mut headers = vec![(TARGET_HEADER, target)];
            if let Some(key) = key {
                headers.push((KEY_HEADER, key));
            }
            (relay, headers)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_without_a_relay_and_named_target_with_one() {
        let target = "https://api.mynagad.com/api/dfs/verify/payment/MTEy";
        assert_eq!(route(target, None, Some("k")), (target, vec![]));
        let (url, headers) = route(target, Some("https://relay.example/nagad"), Some("k"));
        assert_eq!(url, "https://relay.example/nagad");
        assert_eq!(headers, vec![(TARGET_HEADER, target), (KEY_HEADER, "k")]);
        assert_eq!(
            route(target, Some("https://relay.example/nagad"), None).1,
            vec![(TARGET_HEADER, target)]
        );
    }
}
