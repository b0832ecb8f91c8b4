//! The edge's own small cryptography: random ids and secrets, SHA-256 of keys, and the
//! shopper's phone number at rest (AES-256-GCM to store, HMAC-SHA256 to look up).
//! Provider cryptography lives in `providers/`.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

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

/// The keys that protect shopper data, from secrets `BDPAY_DATA_KEY` (32 bytes, base64)
/// and `BDPAY_HASH_KEY` (≥ 16 bytes, base64).
pub struct DataKeys {
    cipher: Secret<Vec<u8>>,
    hash: Secret<Vec<u8>>,
}

impl DataKeys {
    pub fn from_base64(data_key: &str, hash_key: &str) -> Result<DataKeys, String> {
        let cipher = B64
            .decode(data_key.trim())
            .map_err(|_| "BDPAY_DATA_KEY is not base64")?;
        let hash = B64
            .decode(hash_key.trim())
            .map_err(|_| "BDPAY_HASH_KEY is not base64")?;
        if cipher.len() != 32 {
            return Err("BDPAY_DATA_KEY must be 32 bytes".into());
        }
        if hash.len() < 16 {
            return Err("BDPAY_HASH_KEY must be at least 16 bytes".into());
        }
        Ok(DataKeys {
            cipher: Secret::new(cipher),
            hash: Secret::new(hash),
        })
    }

    /// base64(nonce ‖ AES-256-GCM ciphertext) of `text`.
    pub fn encrypt_text(&self, text: &str) -> Result<String, String> {
        let cipher = Aes256Gcm::new_from_slice(self.cipher.expose()).map_err(|_| "bad data key")?;
        let nonce: [u8; 12] = random()?;
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), text.as_bytes())
            .map_err(|_| "encrypt failed")?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(B64.encode(out))
    }

    /// `text` back from [`encrypt_text`]'s output.
    pub fn decrypt_text(&self, stored: &str) -> Result<String, String> {
        let raw = B64.decode(stored).map_err(|_| "stored value is not base64")?;
        if raw.len() < 12 {
            return Err("stored value is too short".into());
        }
        let (nonce, sealed) = raw.split_at(12);
        let cipher = Aes256Gcm::new_from_slice(self.cipher.expose()).map_err(|_| "bad data key")?;
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| "decrypt failed")?;
        String::from_utf8(plain).map_err(|_| "stored value is not text".into())
    }

    /// The full number, encrypted for storage.
    pub fn encrypt_phone(&self, phone: &Msisdn) -> Result<String, String> {
        self.encrypt_text(phone.expose_digits())
    }

    /// The number back from [`encrypt_phone`]'s output (for a provider request only).
    pub fn decrypt_phone(&self, stored: &str) -> Result<Msisdn, String> {
        Msisdn::parse(&self.decrypt_text(stored)?).map_err(|_| "stored phone does not parse".into())
    }

    /// HMAC-SHA256(hash key, number), hex: equal numbers match without storing them.
    pub fn phone_lookup_hash(&self, phone: &Msisdn) -> Result<String, String> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.hash.expose()).map_err(|_| "bad hash key")?;
        mac.update(phone.expose_digits().as_bytes());
        Ok(hex(&mac.finalize().into_bytes()))
    }
}
