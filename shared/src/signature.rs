//! `BdPay-Signature`: how the edge signs a webhook and how a merchant checks it.
//!
//! Header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`; more than one
//! `v1` may appear (while a secret rolls over) and any one matching is enough. The check
//! is constant-time, the timestamp must lie within a tolerance of `now` (passed in: no
//! clock here), and malformed headers are an error, never a panic.

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The header's name.
pub const HEADER: &str = "BdPay-Signature";

/// How far the header's timestamp may be from `now`, either side (seconds).
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// At most this many `v1` values are considered (a header is small).
const MAX_SIGNATURES: usize = 8;

/// Why a signature was not accepted. Carries no secret and no signature bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureError {
    /// The header is not `t=…,v1=…` (missing, repeated `t`, not a number, no `v1`).
    Malformed,
    /// The timestamp is more than the tolerance away from `now`.
    OutsideTolerance,
    /// No `v1` value is the HMAC of this body under this secret.
    NoMatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureError::Malformed => "the BdPay-Signature header is malformed",
            SignatureError::OutsideTolerance => "the BdPay-Signature timestamp is outside the tolerance",
            SignatureError::NoMatch => "no BdPay-Signature value matches the body",
        })
    }
}

impl std::error::Error for SignatureError {}

/// The header, parsed: borrowed from the header text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHeader<'a> {
    pub timestamp: i64,
    /// Hex signatures (`v1=` values), as they appeared.
    pub v1: Vec<&'a str>,
}

impl<'a> SignatureHeader<'a> {
    /// Parses `t=…,v1=…[,v1=…]`; unknown keys (future schemes) are skipped.
    pub fn parse(header: &'a str) -> Result<SignatureHeader<'a>, SignatureError> {
        let mut timestamp = None;
        let mut v1 = Vec::new();
        for part in header.split(',') {
            let (key, value) = part.trim().split_once('=').ok_or(SignatureError::Malformed)?;
            match key {
                "t" => {
                    if timestamp.is_some() || value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(SignatureError::Malformed);
                    }
                    timestamp = Some(value.parse::<i64>().map_err(|_| SignatureError::Malformed)?);
                }
                "v1" if v1.len() < MAX_SIGNATURES => v1.push(value),
                _ => {}
            }
        }
        match timestamp {
            Some(timestamp) if !v1.is_empty() => Ok(SignatureHeader { timestamp, v1 }),
            _ => Err(SignatureError::Malformed),
        }
    }
}

/// Lower-case hex HMAC-SHA256(secret, "<t>.<body>").
pub fn compute(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    hex(&mac(secret, timestamp, body))
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length: new_from_slice cannot fail for it.
    let mut m = match <Hmac<Sha256> as Mac>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return [0u8; 32],
    };
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m.finalize().into_bytes().into()
}

/// The full header value for `body` signed at `timestamp` (unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", compute(secret, timestamp, body))
}

/// Checks `header` against `body` and `secret` at `now` (unix seconds), allowing
/// `tolerance_secs` either side. Returns the header's timestamp.
pub fn verify(header: &str, body: &[u8], secret: &[u8], now: i64, tolerance_secs: i64) -> Result<i64, SignatureError> {
    let parsed = SignatureHeader::parse(header)?;
    if now.abs_diff(parsed.timestamp) > tolerance_secs.unsigned_abs() {
        return Err(SignatureError::OutsideTolerance);
    }
    let expected = mac(secret, parsed.timestamp, body);
    let mut matched = subtle::Choice::from(0u8);
    for candidate in &parsed.v1 {
        if let Some(bytes) = unhex32(candidate) {
            matched |= bytes.ct_eq(&expected);
        }
    }
    if bool::from(matched) {
        Ok(parsed.timestamp)
    } else {
        Err(SignatureError::NoMatch)
    }
}

/// Lower-case hex (also the relay signature's, `crate::relay_signature`).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// 64 hex digits (either case) into 32 bytes; anything else is `None`.
pub(crate) fn unhex32(s: &str) -> Option<[u8; 32]> {
    let raw = s.as_bytes();
    if raw.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(raw.chunks_exact(2)) {
        *o = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment.succeeded"}"#;
    const T: i64 = 1_780_000_000;

    #[test]
    fn a_valid_signature_passes() {
        let header = sign(SECRET, T, BODY);
        assert!(header.starts_with("t=1780000000,v1="));
        assert_eq!(verify(&header, BODY, SECRET, T + 10, DEFAULT_TOLERANCE_SECS), Ok(T));
    }

    #[test]
    fn the_mac_covers_timestamp_dot_body() {
        // Python: hmac.new(b"Jefe", b"0.what do ya want for nothing?", sha256).hexdigest()
        assert_eq!(
            compute(b"Jefe", 0, b"what do ya want for nothing?"),
            "37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc"
        );
    }

    #[test]
    fn a_tampered_body_fails() {
        let header = sign(SECRET, T, BODY);
        assert_eq!(
            verify(&header, b"{\"id\":\"evt_2\"}", SECRET, T, 300),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn a_wrong_secret_fails() {
        let header = sign(SECRET, T, BODY);
        assert_eq!(
            verify(&header, BODY, b"whsec_other", T, 300),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn outside_the_window_fails_both_ways() {
        let header = sign(SECRET, T, BODY);
        assert_eq!(
            verify(&header, BODY, SECRET, T + 301, 300),
            Err(SignatureError::OutsideTolerance)
        );
        assert_eq!(
            verify(&header, BODY, SECRET, T - 301, 300),
            Err(SignatureError::OutsideTolerance)
        );
        assert_eq!(verify(&header, BODY, SECRET, T + 300, 300), Ok(T));
    }

    #[test]
    fn any_of_several_v1_values_may_match() {
        let good = compute(SECRET, T, BODY);
        let other = compute(b"old secret", T, BODY);
        let header = format!("t={T},v1={other},v1={good},v0=ignored");
        assert_eq!(verify(&header, BODY, SECRET, T, 300), Ok(T));
        let upper = format!("t={T},v1={}", good.to_ascii_uppercase());
        assert_eq!(verify(&upper, BODY, SECRET, T, 300), Ok(T));
        let parsed = SignatureHeader::parse(&header).unwrap();
        assert_eq!(parsed.v1, vec![other.as_str(), good.as_str()]);
    }

    #[test]
    fn malformed_headers_are_refused() {
        let good = compute(SECRET, T, BODY);
        for bad in [
            String::new(),
            "t=".into(),
            format!("v1={good}"),
            format!("t={T}"),
            format!("t=-5,v1={good}"),
            format!("t={T},t={T},v1={good}"),
            format!("t=99999999999999999999999,v1={good}"),
            format!("t={T};v1={good}"),
            "garbage".into(),
        ] {
            assert_eq!(
                verify(&bad, BODY, SECRET, T, 300),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
        for not_hex in ["zz", "", "é", &good[..63]] {
            let header = format!("t={T},v1={not_hex}");
            assert_eq!(
                verify(&header, BODY, SECRET, T, 300),
                Err(SignatureError::NoMatch),
                "{header}"
            );
        }
    }

    proptest! {
        #[test]
        fn verify_never_panics(header in "\\PC*", body in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = verify(&header, &body, SECRET, T, 300);
        }

        #[test]
        fn parse_never_panics_on_shaped_input(t in any::<i64>(), v in "[0-9a-fA-Fé]{0,70}") {
            let header = format!("t={t},v1={v}");
            let _ = verify(&header, BODY, SECRET, T, 300);
        }
    }
}
