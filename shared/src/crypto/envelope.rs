//! Data at rest (phone numbers, webhook secrets, stored replies): AES-256-GCM under a named
//! key from the [`Keyring`], bound to the row it lives in.
//!
//! Format, version 1 (one ASCII line, fits a TEXT column):
//!
//! ```text
//! v1.<kid>.<base64(nonce ‖ ciphertext ‖ tag)>
//! ```
//!
//! - `kid`: the id of the key that sealed it ([`KeyId`]: letters, digits, `-`).
//! - base64: standard alphabet with padding; nonce 12 random bytes (from the caller: shared
//!   draws no randomness), tag 16 bytes.
//! - Associated data: the header `v1.<kid>.` followed by the **binding**, the place the value
//!   lives, `<table>/<column>/<row id>` (e.g. `payments/customer_phone/pay_…`). The same
//!   ciphertext copied to another row, column or table does not open there, and neither does
//!   one whose header was edited.
//!
//! Legacy values (written before key ids) are bare `base64(nonce ‖ ciphertext ‖ tag)` with no
//! associated data; base64 has no `.`, so a value without one is legacy. They open without a
//! binding, with the current key first, then each old key, and [`Keyring::is_current`] calls
//! them stale so the rotation re-seals them bound.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use core::fmt;

use super::keyring::{DataKey, KeyId, Keyring};
use super::{b64_decode, b64_encode};

const VERSION: &str = "v1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// What opened, and under which key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub plain: Vec<u8>,
    pub made_by: MadeBy,
}

/// The key a value was sealed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MadeBy {
    Key(KeyId),
    /// A value from before key ids: no id, no binding.
    Legacy,
}

/// Why a value did not open (or seal): never a byte of the value or a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvelopeError {
    /// Not `v1.<kid>.<base64>`, bad base64, or too short to hold a nonce and a tag.
    Malformed,
    /// A version this code does not know (written by newer code?).
    UnknownVersion,
    /// Sealed under a key id the keyring does not hold (retired too early?).
    UnknownKey(String),
    /// The AEAD refused it: another key, another binding, or changed bytes.
    Rejected,
    /// Encryption failed (should not happen with a 32-byte key).
    Seal,
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::Malformed => f.write_str("stored value is not a sealed envelope"),
            EnvelopeError::UnknownVersion => f.write_str("stored value has an unknown envelope version"),
            EnvelopeError::UnknownKey(kid) => write!(f, "stored value is sealed under unknown data key {kid}"),
            EnvelopeError::Rejected => f.write_str("stored value does not open (wrong key, binding or bytes)"),
            EnvelopeError::Seal => f.write_str("sealing failed"),
        }
    }
}

impl std::error::Error for EnvelopeError {}

/// `v1.<kid>.`: every value sealed under `kid` starts with it (the rotation's SQL filter).
pub fn prefix(kid: &KeyId) -> String {
    format!("{VERSION}.{kid}.")
}

fn cipher(key: &DataKey) -> Result<Aes256Gcm, EnvelopeError> {
    Aes256Gcm::new_from_slice(key.key.expose()).map_err(|_| EnvelopeError::Seal)
}

fn aad(header: &str, binding: &str) -> Vec<u8> {
    [header.as_bytes(), binding.as_bytes()].concat()
}

impl Keyring {
    /// Seals `plain` under the current key, bound to `binding`; `nonce` must be fresh random
    /// bytes (never reused with the same key).
    pub fn seal(&self, binding: &str, plain: &[u8], nonce: [u8; NONCE_LEN]) -> Result<String, EnvelopeError> {
        let header = prefix(&self.current.id);
        let payload = Payload {
            msg: plain,
            aad: &aad(&header, binding),
        };
        let sealed = cipher(&self.current)?
            .encrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| EnvelopeError::Seal)?;
        Ok(format!("{header}{}", b64_encode(&[&nonce[..], &sealed].concat())))
    }

    /// Opens `stored` read from the place `binding` names (legacy values: any binding).
    pub fn open(&self, binding: &str, stored: &str) -> Result<Opened, EnvelopeError> {
        let Some((version, rest)) = stored.split_once('.') else {
            return self.open_legacy(stored);
        };
        if version != VERSION {
            return Err(EnvelopeError::UnknownVersion);
        }
        let (kid, body) = rest.split_once('.').ok_or(EnvelopeError::Malformed)?;
        let kid = KeyId::parse(kid).map_err(|_| EnvelopeError::Malformed)?;
        let (nonce, sealed) = split(body)?;
        let key = self
            .find(kid.as_str())
            .ok_or_else(|| EnvelopeError::UnknownKey(kid.to_string()))?;
        let payload = Payload {
            msg: &sealed,
            aad: &aad(&prefix(&kid), binding),
        };
        let plain = cipher(key)?
            .decrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| EnvelopeError::Rejected)?;
        Ok(Opened {
            plain,
            made_by: MadeBy::Key(kid),
        })
    }

    fn open_legacy(&self, stored: &str) -> Result<Opened, EnvelopeError> {
        let (nonce, sealed) = split(stored)?;
        for key in self.all() {
            if let Ok(plain) = cipher(key)?.decrypt(Nonce::from_slice(&nonce), sealed.as_slice()) {
                return Ok(Opened {
                    plain,
                    made_by: MadeBy::Legacy,
                });
            }
        }
        Err(EnvelopeError::Rejected)
    }

    /// Sealed under the current key (and so bound)? Legacy and old-key values are not.
    pub fn is_current(&self, stored: &str) -> bool {
        stored.starts_with(&prefix(&self.current.id))
    }
}

/// base64 body → (nonce, ciphertext ‖ tag).
fn split(body: &str) -> Result<([u8; NONCE_LEN], Vec<u8>), EnvelopeError> {
    let mut raw = b64_decode(body, "stored").map_err(|_| EnvelopeError::Malformed)?;
    if raw.len() < NONCE_LEN + TAG_LEN {
        return Err(EnvelopeError::Malformed);
    }
    let sealed = raw.split_off(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = raw.as_slice().try_into().map_err(|_| EnvelopeError::Malformed)?;
    Ok((nonce, sealed))
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "payments/customer_phone/pay_abc";

    fn key(id: &str, byte: u8) -> DataKey {
        DataKey::new(KeyId::parse(id).unwrap(), [byte; 32])
    }

    fn ring(current: (&str, u8), old: &[(&str, u8)]) -> Keyring {
        Keyring::new(key(current.0, current.1), old.iter().map(|(i, b)| key(i, *b)).collect()).unwrap()
    }

    /// What the edge wrote before key ids: base64(nonce ‖ AES-GCM(no AAD)).
    fn legacy_seal(byte: u8, plain: &[u8]) -> String {
        let c = Aes256Gcm::new_from_slice(&[byte; 32]).unwrap();
        let n = [9u8; 12];
        b64_encode(&[&n[..], &c.encrypt(Nonce::from_slice(&n), plain).unwrap()].concat())
    }

    #[test]
    fn round_trip_names_its_key() {
        let r = ring(("k1", 1), &[]);
        let s = r.seal(B, b"01712345678", [7; 12]).unwrap();
        assert!(s.starts_with("v1.k1."), "{s}");
        assert!(r.is_current(&s));
        let o = r.open(B, &s).unwrap();
        assert_eq!(o.plain, b"01712345678");
        assert_eq!(o.made_by, MadeBy::Key(KeyId::parse("k1").unwrap()));
        assert_ne!(r.seal(B, b"x", [1; 12]).unwrap(), r.seal(B, b"x", [2; 12]).unwrap());
    }

    #[test]
    fn another_binding_does_not_open() {
        let r = ring(("k1", 1), &[]);
        let s = r.seal(B, b"01712345678", [7; 12]).unwrap();
        for other in [
            "payments/customer_phone/pay_abd",
            "webhook_endpoints/secret/pay_abc",
            "",
        ] {
            assert_eq!(r.open(other, &s), Err(EnvelopeError::Rejected), "{other}");
        }
    }

    #[test]
    fn old_keys_open_and_are_not_current() {
        let before = ring(("k1", 1), &[]);
        let s = before.seal(B, b"secret", [3; 12]).unwrap();
        let after = ring(("k2", 2), &[("k1", 1)]);
        assert!(!after.is_current(&s));
        assert_eq!(after.open(B, &s).unwrap().plain, b"secret");
        let again = after.seal(B, b"secret", [4; 12]).unwrap();
        assert!(again.starts_with("v1.k2.") && after.is_current(&again));
        // Retired: k1 gone from the ring.
        let retired = ring(("k2", 2), &[]);
        assert_eq!(retired.open(B, &s), Err(EnvelopeError::UnknownKey("k1".into())));
    }

    #[test]
    fn unknown_or_edited_key_id_fails_cleanly() {
        let r = ring(("k1", 1), &[]);
        let s = r.seal(B, b"x", [5; 12]).unwrap();
        let renamed = s.replacen("v1.k1.", "v1.k9.", 1);
        assert_eq!(r.open(B, &renamed), Err(EnvelopeError::UnknownKey("k9".into())));
        // Same key bytes under two ids: the header is in the AAD, so relabelling fails.
        let twins = ring(("k1", 1), &[("k0", 1)]);
        let relabelled = s.replacen("v1.k1.", "v1.k0.", 1);
        assert_eq!(twins.open(B, &relabelled), Err(EnvelopeError::Rejected));
    }

    #[test]
    fn legacy_values_open_with_current_or_old_keys_and_are_stale() {
        let old = legacy_seal(1, b"whsec_abc");
        assert!(!old.contains('.'));
        let r = ring(("k1", 1), &[]);
        let o = r.open("any/binding/at_all", &old).unwrap();
        assert_eq!((o.plain.as_slice(), o.made_by), (&b"whsec_abc"[..], MadeBy::Legacy));
        assert!(!r.is_current(&old));
        let rotated = ring(("k2", 2), &[("k1", 1)]);
        assert_eq!(rotated.open(B, &old).unwrap().plain, b"whsec_abc");
        assert_eq!(ring(("k2", 2), &[]).open(B, &old), Err(EnvelopeError::Rejected));
    }

    #[test]
    fn any_changed_byte_is_rejected() {
        let r = ring(("k1", 1), &[]);
        let s = r.seal(B, b"01712345678", [6; 12]).unwrap();
        let body = s.trim_start_matches("v1.k1.");
        let raw = crate::crypto::b64_decode(body, "t").unwrap();
        for i in 0..raw.len() {
            let mut t = raw.clone();
            t[i] ^= 0x01;
            let tampered = format!("v1.k1.{}", b64_encode(&t));
            assert_eq!(r.open(B, &tampered), Err(EnvelopeError::Rejected), "byte {i}");
        }
        let legacy = legacy_seal(1, b"x");
        let mut raw = crate::crypto::b64_decode(&legacy, "t").unwrap();
        raw[14] ^= 0x80;
        assert_eq!(r.open(B, &b64_encode(&raw)), Err(EnvelopeError::Rejected));
    }

    #[test]
    fn garbage_never_panics() {
        let r = ring(("k1", 1), &[]);
        for bad in [
            "",
            ".",
            "..",
            "v1",
            "v1.",
            "v1..",
            "v1.k1.",
            "v1.k1.@@@",
            "v1.k1.QUJD",
            "v1.k.1.QUJD",
            "v2.k1.QUJD",
            "QUJD",
            "%%%",
            "v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ] {
            assert!(r.open(B, bad).is_err(), "{bad:?}");
        }
        assert_eq!(r.open(B, "v2.k1.QUJD"), Err(EnvelopeError::UnknownVersion));
        assert_eq!(r.open(B, "v1.k1.QUJD"), Err(EnvelopeError::Malformed));
    }
}
