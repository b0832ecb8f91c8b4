//! `X-Bdpay-Relay-Signature`: how the edge signs a call it sends through the Nagad egress
//! relay and how the relay (crate `bdpay-relay`) checks it — one canonical MAC for both sides.
//!
//! Header: `t=<unix seconds>,v1=<hex HMAC-SHA256(key, canonical)>` where `canonical` is
//!
//! ```text
//! <t> "\n" <METHOD> "\n" <target> "\n" <hex SHA-256(body)>
//! ```
//!
//! `METHOD` as sent (`GET`, `POST`; methods are case-sensitive), `target` the exact value of
//! `X-Bdpay-Relay-Target` (the absolute Nagad URL), `body` the request body (empty for none).
//! The key is the bytes of the secret `NAGAD_EGRESS_RELAY_KEY` (relay: `BDPAY_RELAY_KEY`).
//! The check is constant-time, the timestamp must lie within [`WINDOW_SECS`] of `now` either
//! side (`now` is an argument: no clock here), and any other header shape is an error.

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::signature::{hex, unhex32};

/// The header's name.
pub const HEADER: &str = "X-Bdpay-Relay-Signature";

/// How far the header's timestamp may be from `now`, either side (seconds).
pub const WINDOW_SECS: i64 = 300;

/// The request a signature covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signed<'a> {
    /// `GET`, `POST`, … exactly as sent.
    pub method: &'a str,
    /// The absolute Nagad URL (`X-Bdpay-Relay-Target`).
    pub target: &'a str,
    /// The body bytes as sent; empty when there is none.
    pub body: &'a [u8],
}

/// Why a relay signature was not accepted. Carries no key and no signature bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelaySignatureError {
    /// Not exactly `t=<digits>,v1=<64 hex>`.
    Malformed,
    /// The timestamp is more than [`WINDOW_SECS`] away from `now`.
    OutsideWindow,
    /// The MAC does not match this key and this request.
    NoMatch,
}

impl fmt::Display for RelaySignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RelaySignatureError::Malformed => "the relay signature header is malformed",
            RelaySignatureError::OutsideWindow => "the relay signature timestamp is outside the window",
            RelaySignatureError::NoMatch => "the relay signature does not match the request",
        })
    }
}

impl std::error::Error for RelaySignatureError {}

/// HMAC-SHA256(key, canonical string) — the one function both sides compute.
fn mac(key: &[u8], timestamp: i64, request: &Signed<'_>) -> [u8; 32] {
    // HMAC takes a key of any length: new_from_slice cannot fail for it.
    let mut m = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0u8; 32],
    };
    m.update(timestamp.to_string().as_bytes());
    m.update(b"\n");
    m.update(request.method.as_bytes());
    m.update(b"\n");
    m.update(request.target.as_bytes());
    m.update(b"\n");
    m.update(hex(&Sha256::digest(request.body)).as_bytes());
    m.finalize().into_bytes().into()
}

/// The header value for `request` signed at `timestamp` (unix seconds).
pub fn sign(key: &[u8], timestamp: i64, request: &Signed<'_>) -> String {
    let mut header = String::with_capacity(90);
    header.push_str("t=");
    header.push_str(&timestamp.to_string());
    header.push_str(",v1=");
    header.push_str(&hex(&mac(key, timestamp, request)));
    header
}

/// Checks `header` for `request` under `key` at `now` (unix seconds). Returns the header's
/// timestamp.
pub fn verify(header: &str, key: &[u8], now: i64, request: &Signed<'_>) -> Result<i64, RelaySignatureError> {
    let (timestamp, given) = parse(header).ok_or(RelaySignatureError::Malformed)?;
    if now.abs_diff(timestamp) > WINDOW_SECS.unsigned_abs() {
        return Err(RelaySignatureError::OutsideWindow);
    }
    let expected = mac(key, timestamp, request);
    if bool::from(given.ct_eq(&expected)) {
        Ok(timestamp)
    } else {
        Err(RelaySignatureError::NoMatch)
    }
}

/// `t=<1..=12 digits>,v1=<64 hex>`, nothing else.
fn parse(header: &str) -> Option<(i64, [u8; 32])> {
    let (t, v1) = header.trim().split_once(',')?;
    let t = t.strip_prefix("t=")?;
    if t.is_empty() || t.len() > 12 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let timestamp = t.parse::<i64>().ok()?;
    Some((timestamp, unhex32(v1.strip_prefix("v1=")?)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"test-only-relay-key-0123456789abcdef";
    const T: i64 = 1_780_000_000;
    const TARGET: &str = "https://api.mynagad.com/api/dfs/check-out/complete/MTEyNTE0MDE%3D";
    const BODY: &[u8] = br#"{"sensitiveData":"abc","signature":"def"}"#;

    fn request() -> Signed<'static> {
        Signed {
            method: "POST",
            target: TARGET,
            body: BODY,
        }
    }

    #[test]
    fn a_valid_signature_passes_inside_the_window() {
        let header = sign(KEY, T, &request());
        assert!(header.starts_with("t=1780000000,v1="));
        assert_eq!(header.len(), "t=1780000000,v1=".len() + 64);
        assert_eq!(verify(&header, KEY, T, &request()), Ok(T));
        assert_eq!(verify(&header, KEY, T + 300, &request()), Ok(T));
        assert_eq!(verify(&header, KEY, T - 300, &request()), Ok(T));
    }

    #[test]
    fn the_mac_covers_the_canonical_string() {
        // Independently: printf '%s' "$canonical" | openssl dgst -sha256 -hmac Jefe, with
        // canonical = "0\nGET\nhttp://n/x\n" + sha256("") in hex.
        let empty = hex(&Sha256::digest(b""));
        assert_eq!(
            empty,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").unwrap();
        m.update(format!("0\nGET\nhttp://n/x\n{empty}").as_bytes());
        let expected = hex(&m.finalize().into_bytes());
        let header = sign(
            b"Jefe",
            0,
            &Signed {
                method: "GET",
                target: "http://n/x",
                body: b"",
            },
        );
        assert_eq!(header, format!("t=0,v1={expected}"));
    }

    #[test]
    fn stale_and_future_beyond_the_window_fail() {
        let header = sign(KEY, T, &request());
        assert_eq!(
            verify(&header, KEY, T + 301, &request()),
            Err(RelaySignatureError::OutsideWindow)
        );
        assert_eq!(
            verify(&header, KEY, T + 360, &request()),
            Err(RelaySignatureError::OutsideWindow)
        );
        // Signed "in the future" (the signer's clock ahead by more than the window).
        assert_eq!(
            verify(&header, KEY, T - 301, &request()),
            Err(RelaySignatureError::OutsideWindow)
        );
    }

    #[test]
    fn a_tampered_body_target_or_method_fails() {
        let header = sign(KEY, T, &request());
        let body = Signed {
            body: br#"{"sensitiveData":"abd","signature":"def"}"#,
            ..request()
        };
        let target = Signed {
            target: "https://api.mynagad.com/api/dfs/check-out/complete/MTEyNTE0MDI%3D",
            ..request()
        };
        let host = Signed {
            target: "https://example.com/api/dfs/check-out/complete/MTEyNTE0MDE%3D",
            ..request()
        };
        let method = Signed {
            method: "GET",
            ..request()
        };
        let no_body = Signed { body: b"", ..request() };
        for tampered in [body, target, host, method, no_body] {
            assert_eq!(
                verify(&header, KEY, T, &tampered),
                Err(RelaySignatureError::NoMatch),
                "{tampered:?}"
            );
        }
    }

    #[test]
    fn a_wrong_key_fails() {
        let header = sign(KEY, T, &request());
        assert_eq!(
            verify(&header, b"another-key", T, &request()),
            Err(RelaySignatureError::NoMatch)
        );
        assert_eq!(verify(&header, b"", T, &request()), Err(RelaySignatureError::NoMatch));
    }

    #[test]
    fn a_moved_timestamp_fails() {
        let header = sign(KEY, T, &request());
        let moved = header.replacen("t=1780000000", "t=1780000001", 1);
        assert_eq!(verify(&moved, KEY, T, &request()), Err(RelaySignatureError::NoMatch));
    }

    #[test]
    fn malformed_headers_are_refused() {
        let good = sign(KEY, T, &request());
        let v1 = good.split_once(",v1=").map(|(_, v)| v.to_string()).unwrap();
        for header in [
            String::new(),
            "t=1780000000".to_string(),
            format!("v1={v1}"),
            format!("v1={v1},t=1780000000"),
            format!("t=,v1={v1}"),
            format!("t=-5,v1={v1}"),
            format!("t=1780000000,v1={}", &v1[..63]),
            format!("t=1780000000,v1={v1}0"),
            format!("t=1780000000,v1={v1},v1={v1}"),
            format!("t=9999999999999,v1={v1}"),
            format!("t=1780000000;v1={v1}"),
        ] {
            assert_eq!(
                verify(&header, KEY, T, &request()),
                Err(RelaySignatureError::Malformed),
                "{header}"
            );
        }
        // Upper-case hex is the same MAC.
        let upper = format!("t=1780000000,v1={}", v1.to_uppercase());
        assert_eq!(verify(&upper, KEY, T, &request()), Ok(T));
    }

    proptest! {
        #[test]
        fn any_header_text_is_an_answer_never_a_panic(header in ".{0,120}", now in any::<i64>()) {
            let _ = verify(&header, KEY, now, &request());
        }

        #[test]
        fn sign_then_verify_round_trips(
            key in proptest::collection::vec(any::<u8>(), 0..80),
            body in proptest::collection::vec(any::<u8>(), 0..300),
            t in 0i64..4_000_000_000,
            skew in -300i64..=300,
        ) {
            let r = Signed { method: "POST", target: TARGET, body: &body };
            prop_assert_eq!(verify(&sign(&key, t, &r), &key, t + skew, &r), Ok(t));
        }
    }
}
