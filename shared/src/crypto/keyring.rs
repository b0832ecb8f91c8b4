//! The data keys the edge holds: one current key that seals, older ones that still open, each
//! with a short id, read from secrets (`BDPAY_DATA_KEY`, `BDPAY_DATA_KEY_ID`,
//! `BDPAY_DATA_KEYS_OLD`). Errors name the secret and the key id, never a byte of a key.

use core::fmt;

use crate::secret::Secret;

/// The id of the current key when `BDPAY_DATA_KEY_ID` is unset: deployments from before key
/// ids keep working, and their key is `k1` from then on.
pub const DEFAULT_KEY_ID: &str = "k1";

/// A key id: 1 to 32 ASCII letters, digits or `-` (no `.`, `:` or `,`: it sits inside the
/// envelope and the `BDPAY_DATA_KEYS_OLD` list). Not secret: it is written next to every
/// ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    pub fn parse(text: &str) -> Result<KeyId, KeyringError> {
        let ok = (1..=32).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok {
            Ok(KeyId(text.to_owned()))
        } else {
            Err(KeyringError::BadKeyId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One AES-256 key and its id. `Debug` shows the id and `Secret(..)`.
#[derive(Debug)]
pub struct DataKey {
    pub(crate) id: KeyId,
    pub(crate) key: Secret<[u8; 32]>,
}

impl DataKey {
    pub fn new(id: KeyId, key: [u8; 32]) -> DataKey {
        DataKey {
            id,
            key: Secret::new(key),
        }
    }

    /// `id` with a standard-base64 32-byte key; `secret` names the source in errors.
    pub fn from_base64(id: KeyId, key_b64: &str, secret: &'static str) -> Result<DataKey, KeyringError> {
        let raw = super::b64_decode(key_b64, "key").map_err(|_| KeyringError::NotBase64 { secret })?;
        let key: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| KeyringError::Not32Bytes { secret })?;
        Ok(DataKey::new(id, key))
    }

    pub fn id(&self) -> &KeyId {
        &self.id
    }
}

/// The current key and the older ones still readable. `Debug` shows ids only.
#[derive(Debug)]
pub struct Keyring {
    pub(crate) current: DataKey,
    pub(crate) old: Vec<DataKey>,
}

impl Keyring {
    /// Refuses two keys under one id (which one would open?).
    pub fn new(current: DataKey, old: Vec<DataKey>) -> Result<Keyring, KeyringError> {
        for (i, k) in old.iter().enumerate() {
            if k.id == current.id || old[..i].iter().any(|o| o.id == k.id) {
                return Err(KeyringError::DuplicateId(k.id.clone()));
            }
        }
        Ok(Keyring { current, old })
    }

    /// From the secrets' texts: `current_b64` (`BDPAY_DATA_KEY`), `current_id`
    /// (`BDPAY_DATA_KEY_ID`, default [`DEFAULT_KEY_ID`]) and `old`
    /// (`BDPAY_DATA_KEYS_OLD`: `id:base64,id:base64`, blanks and empty items ignored).
    pub fn from_secrets(
        current_b64: &str,
        current_id: Option<&str>,
        old: Option<&str>,
    ) -> Result<Keyring, KeyringError> {
        let id = match current_id.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => KeyId::parse(id)?,
            None => KeyId(DEFAULT_KEY_ID.to_owned()),
        };
        let current = DataKey::from_base64(id, current_b64.trim(), "BDPAY_DATA_KEY")?;
        let mut olds = Vec::new();
        for item in old.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (id, key) = item.split_once(':').ok_or(KeyringError::OldListShape)?;
            let id = KeyId::parse(id.trim())?;
            olds.push(DataKey::from_base64(id, key.trim(), "BDPAY_DATA_KEYS_OLD")?);
        }
        Keyring::new(current, olds)
    }

    pub fn current_id(&self) -> &KeyId {
        &self.current.id
    }

    /// The ids of the older keys, in the order given.
    pub fn old_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.old.iter().map(|k| &k.id)
    }

    /// The key under `id`, current or old.
    pub(crate) fn find(&self, id: &str) -> Option<&DataKey> {
        std::iter::once(&self.current)
            .chain(&self.old)
            .find(|k| k.id.as_str() == id)
    }

    /// Current first, then the old keys (legacy ciphertexts carry no id).
    pub(crate) fn all(&self) -> impl Iterator<Item = &DataKey> {
        std::iter::once(&self.current).chain(&self.old)
    }
}

/// Why the keys could not be read: safe to log (names a secret or a key id, never key bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyringError {
    NotBase64 { secret: &'static str },
    Not32Bytes { secret: &'static str },
    BadKeyId,
    OldListShape,
    DuplicateId(KeyId),
}

impl fmt::Display for KeyringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyringError::NotBase64 { secret } => write!(f, "{secret}: a key is not base64"),
            KeyringError::Not32Bytes { secret } => write!(f, "{secret}: a key is not 32 bytes"),
            KeyringError::BadKeyId => f.write_str("a data key id is not 1-32 letters, digits or '-'"),
            KeyringError::OldListShape => f.write_str("BDPAY_DATA_KEYS_OLD must read id:base64,id:base64"),
            KeyringError::DuplicateId(id) => write!(f, "data key id {id} is given twice"),
        }
    }
}

impl std::error::Error for KeyringError {}

#[cfg(test)]
mod tests {
    use super::*;

    const K32: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // "0123456789abcdef" twice
    const K32B: &str = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="; // 32 other bytes

    #[test]
    fn unset_id_is_k1_and_old_list_reads() {
        let ring = Keyring::from_secrets(K32, None, None).unwrap();
        assert_eq!(ring.current_id().as_str(), "k1");
        assert_eq!(ring.old_ids().count(), 0);
        let old = format!(" k1:{K32} , ,k0:{K32B}");
        let ring = Keyring::from_secrets(K32B, Some("k2"), Some(&old)).unwrap();
        assert_eq!(ring.current_id().as_str(), "k2");
        let old: Vec<&str> = ring.old_ids().map(KeyId::as_str).collect();
        assert_eq!(old, ["k1", "k0"]);
    }

    #[test]
    fn bad_secrets_are_named_without_their_bytes() {
        let err = Keyring::from_secrets("not base64!", None, None).unwrap_err();
        assert_eq!(err.to_string(), "BDPAY_DATA_KEY: a key is not base64");
        let err = Keyring::from_secrets("QUJD", None, None).unwrap_err();
        assert_eq!(err.to_string(), "BDPAY_DATA_KEY: a key is not 32 bytes");
        let err = Keyring::from_secrets(K32, Some("k.2"), None).unwrap_err();
        assert_eq!(err, KeyringError::BadKeyId);
        let err = Keyring::from_secrets(K32, None, Some(K32B)).unwrap_err();
        assert_eq!(err, KeyringError::OldListShape);
        let err = Keyring::from_secrets(K32, None, Some("k0:QUJD")).unwrap_err();
        assert_eq!(err.to_string(), "BDPAY_DATA_KEYS_OLD: a key is not 32 bytes");
        let err = Keyring::from_secrets(K32, Some("k2"), Some(&format!("k2:{K32B}"))).unwrap_err();
        assert_eq!(err.to_string(), "data key id k2 is given twice");
        let err = Keyring::from_secrets(K32, None, Some(&format!("k0:{K32B},k0:{K32}"))).unwrap_err();
        assert_eq!(err, KeyringError::DuplicateId(KeyId::parse("k0").unwrap()));
        for e in [err.to_string(), format!("{err:?}")] {
            assert!(!e.contains(K32) && !e.contains(K32B));
        }
    }

    #[test]
    fn key_ids_are_short_and_plain() {
        for ok in ["k1", "2026-01", "A"] {
            assert!(KeyId::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "k.1", "k:1", "k,1", "k 1", "k_1", &"k".repeat(33)] {
            assert!(KeyId::parse(bad).is_err(), "{bad}");
        }
    }
}
