//! The edge's own small cryptography: random ids and secrets, SHA-256 of keys, and data at
//! rest (phone numbers, webhook secrets, stored replies: AES-256-GCM envelopes under named,
//! rotatable keys, each bound to its row; HMAC-SHA256 to look phones up).
//! Provider cryptography lives in `providers/`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use bdpay_shared::crypto::{KeyId, Keyring};
use bdpay_shared::phone::Msisdn;
use bdpay_shared::secret::Secret;

/// `N` random bytes from the runtime's CSPRNG (crypto.getRandomValues in workerd).
pub fn random<const N: usize>() -> Result<[u8; N], String> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|e| format!("getrandom: {e}"))?;
    Ok(buf)
}

/// Lower-case hex SHA-256 (API keys, client secrets, request bodies for idempotency).
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The keys that protect data at rest: the data keyring (secrets `BDPAY_DATA_KEY`,
/// `BDPAY_DATA_KEY_ID`, `BDPAY_DATA_KEYS_OLD`; envelope format in
/// `bdpay_shared::crypto::envelope`) and the phone look-up key `BDPAY_HASH_KEY` (≥ 16 bytes,
/// base64). Every value is sealed for one place, its binding (`crate::keys::binding`).
pub struct DataKeys {
    ring: Keyring,
    hash: Secret<Vec<u8>>,
}

impl DataKeys {
    /// From the worker's secrets.
    pub fn from_env(env: &worker::Env) -> Result<DataKeys, String> {
        DataKeys::from_secrets(|name| env.secret(name).map(|v| v.to_string()).ok())
    }

    /// From the secrets, read through `secret` (name → value, `None` when unset).
    pub fn from_secrets(secret: impl Fn(&str) -> Option<String>) -> Result<DataKeys, String> {
        let data = secret("BDPAY_DATA_KEY").ok_or("secret BDPAY_DATA_KEY is not set")?;
        let hash = secret("BDPAY_HASH_KEY").ok_or("secret BDPAY_HASH_KEY is not set")?;
        let id = secret("BDPAY_DATA_KEY_ID");
        let old = secret("BDPAY_DATA_KEYS_OLD");
        let ring = Keyring::from_secrets(&data, id.as_deref(), old.as_deref()).map_err(|e| e.to_string())?;
        let hash = B64.decode(hash.trim()).map_err(|_| "BDPAY_HASH_KEY is not base64")?;
        if hash.len() < 16 {
            return Err("BDPAY_HASH_KEY must be at least 16 bytes".into());
        }
        Ok(DataKeys {
            ring,
            hash: Secret::new(hash),
        })
    }

    /// The id of the key new values are sealed under.
    pub fn current_id(&self) -> &KeyId {
        self.ring.current_id()
    }

    /// The ids of the older keys still readable.
    pub fn old_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.ring.old_ids()
    }

    /// Sealed under the current key (so bound)? Old-key and legacy values are not.
    pub fn is_current(&self, stored: &str) -> bool {
        self.ring.is_current(stored)
    }

    /// `text` sealed under the current key for the place `binding` names.
    pub fn encrypt_text(&self, binding: &str, text: &str) -> Result<String, String> {
        self.ring
            .seal(binding, text.as_bytes(), random()?)
            .map_err(|e| e.to_string())
    }

    /// `text` back from a value read at `binding` ([`encrypt_text`]'s, or a legacy one).
    pub fn decrypt_text(&self, binding: &str, stored: &str) -> Result<String, String> {
        let opened = self.ring.open(binding, stored).map_err(|e| e.to_string())?;
        String::from_utf8(opened.plain).map_err(|_| "stored value is not text".into())
    }

    /// The value re-sealed under the current key and bound to `binding`, or `None` when it
    /// already is. `Err` when it does not open (wrong binding, unknown key, damaged).
    pub fn rewrap(&self, binding: &str, stored: &str) -> Result<Option<String>, String> {
        if self.is_current(stored) {
            // Current means bound: prove it opens here before calling it done.
            self.ring.open(binding, stored).map_err(|e| e.to_string())?;
            return Ok(None);
        }
        let opened = self.ring.open(binding, stored).map_err(|e| e.to_string())?;
        let fresh = self
            .ring
            .seal(binding, &opened.plain, random()?)
            .map_err(|e| e.to_string())?;
        Ok(Some(fresh))
    }

    /// The full number, encrypted for storage at `binding`.
    pub fn encrypt_phone(&self, binding: &str, phone: &Msisdn) -> Result<String, String> {
        self.encrypt_text(binding, phone.expose_digits())
    }

    /// The number back from [`encrypt_phone`]'s output (for a provider request only).
    pub fn decrypt_phone(&self, binding: &str, stored: &str) -> Result<Msisdn, String> {
        Msisdn::parse(&self.decrypt_text(binding, stored)?).map_err(|_| "stored phone does not parse".into())
    }

    /// HMAC-SHA256(hash key, `domain` ‖ ":" ‖ `text`): a keyed digest for one purpose (the
    /// domain keeps a device id's digest from ever equalling a phone's or a code's).
    pub fn keyed_digest(&self, domain: &str, text: &str) -> Result<[u8; 32], String> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.hash.expose()).map_err(|_| "bad hash key")?;
        mac.update(domain.as_bytes());
        mac.update(b":");
        mac.update(text.as_bytes());
        Ok(mac.finalize().into_bytes().into())
    }

    /// The widget's device id as we keep it: a keyed digest, hex (docs/risk.md "Device").
    pub fn device_hash(&self, device_id: &str) -> Result<String, String> {
        Ok(hex(&self.keyed_digest("device", device_id)?))
    }

    /// A step-up code's digest: HMAC over the payment id and the code (`risk::otp`).
    pub fn otp_digest(&self, payment_id: &str, code: &str) -> Result<[u8; 32], String> {
        self.keyed_digest("otp", &format!("{payment_id}:{code}"))
    }

    /// HMAC-SHA256(hash key, number), hex: equal numbers match without storing them.
    pub fn phone_lookup_hash(&self, phone: &Msisdn) -> Result<String, String> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.hash.expose()).map_err(|_| "bad hash key")?;
        mac.update(phone.expose_digits().as_bytes());
        Ok(hex(&mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "dGVzdC1vbmx5LWRhdGEta2V5LTMyLWJ5dGVzLWxvbmc=";
    const K2: &str = "dGVzdC1vbmx5LXNlY29uZC1rZXktMzItYnl0ZXMtISE=";
    const H: &str = "dGVzdC1vbmx5LWhhc2gta2V5LWZvci1waG9uZS1sb29rdXBz";
    const B: &str = "payments/customer_phone/pay_x";

    fn keys(pairs: &[(&str, &str)]) -> Result<DataKeys, String> {
        DataKeys::from_secrets(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn existing_deployments_read_as_k1_and_rewrap_moves_to_the_new_key() {
        let k1 = keys(&[("BDPAY_DATA_KEY", K1), ("BDPAY_HASH_KEY", H)]).unwrap();
        assert_eq!(k1.current_id().as_str(), "k1");
        let sealed = k1.encrypt_text(B, "01712345678").unwrap();
        assert_eq!(k1.rewrap(B, &sealed), Ok(None));
        let old = format!("k1:{K1}");
        let k2 = keys(&[
            ("BDPAY_DATA_KEY", K2),
            ("BDPAY_DATA_KEY_ID", "k2"),
            ("BDPAY_DATA_KEYS_OLD", &old),
            ("BDPAY_HASH_KEY", H),
        ])
        .unwrap();
        assert_eq!(k2.decrypt_text(B, &sealed).unwrap(), "01712345678");
        let moved = k2.rewrap(B, &sealed).unwrap().unwrap();
        assert!(moved.starts_with("v1.k2."));
        assert_eq!(k2.decrypt_text(B, &moved).unwrap(), "01712345678");
        assert!(k2.rewrap("payments/customer_phone/pay_y", &sealed).is_err());
        assert!(
            k2.rewrap("payments/customer_phone/pay_y", &moved).is_err(),
            "current but bound elsewhere"
        );
    }

    #[test]
    fn missing_secrets_are_named() {
        assert_eq!(
            keys(&[("BDPAY_HASH_KEY", H)]).err().unwrap(),
            "secret BDPAY_DATA_KEY is not set"
        );
        assert_eq!(
            keys(&[("BDPAY_DATA_KEY", K1), ("BDPAY_HASH_KEY", "QUJD")])
                .err()
                .unwrap(),
            "BDPAY_HASH_KEY must be at least 16 bytes"
        );
    }
}
