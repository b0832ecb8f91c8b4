//! RSA for Nagad (docs/providers.md B.3), both directions in one place: the edge seals requests
//! and opens replies as a merchant; the sandbox opens requests and seals replies as Nagad.
//! Also the edge's data at rest: AES-256-GCM envelopes under rotatable, named keys
//! (`envelope`, `keyring`).
//!
//! Scheme: `sensitiveData = base64(RSAES-PKCS1-v1_5(P, recipient))`,
//! `signature = base64(RSASSA-PKCS1-v1_5(SHA-256(P), signer))`, over the **same** bytes `P`.
//! Receiving verifies over the decrypted bytes, SHA-256 first, then SHA-1 if allowed.
//!
//! Randomness is an argument (`shared` has no randomness source): the edge passes an rng
//! backed by `getrandom` with its `js` feature, the sandbox `rand::rngs::OsRng`.
//!
//! Security note: the `rsa` crate carries RUSTSEC-2023-0071 ("Marvin": timing side channel
//! in private-key operations, no fixed release yet). PKCS#1 v1.5 decryption is exactly the
//! exposed operation; Nagad's scheme leaves no choice of padding. Exposure is limited to
//! replies from Nagad over TLS; recorded in the audit configuration.

pub mod envelope;
pub mod keyring;
mod keys;
mod pkcs1v15;
mod seal;

pub use envelope::{EnvelopeError, MadeBy};
pub use keyring::{DataKey, KeyId, Keyring, KeyringError};
pub use keys::{parse_private_key, parse_public_key};
pub use pkcs1v15::{decrypt, encrypt, max_plain_len, sign, sign_sha256, verify, Hash};
pub use seal::{open, seal, Opened, Sealed};

/// The rng bound every randomized call takes (rand_core 0.6, as `rsa` 0.9 uses).
pub use rsa::rand_core::CryptoRngCore;
/// The keys' types, re-exported so callers need no direct `rsa` dependency.
pub use rsa::{RsaPrivateKey, RsaPublicKey};

use core::fmt;

/// What went wrong, without a byte of key material, plaintext or signature in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CryptoError {
    /// A key could not be read; `reason` says why in words safe to log.
    InvalidKey { reason: &'static str },
    /// Nagad's scheme is one RSA block: `len` bytes do not fit in `max`.
    PlainTooLong { len: usize, max: usize },
    /// `field` (e.g. `sensitiveData`, `signature`) is not standard base64.
    NotBase64 { field: &'static str },
    /// The RSA encryption itself failed (should not happen with a valid key).
    Encrypt,
    /// The ciphertext does not decrypt with our private key (wrong key, bad padding, bad length).
    Decrypt,
    /// The signature does not verify with the sender's public key under any allowed hash.
    BadSignature,
    /// Signing failed (should not happen with a valid key).
    Sign,
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CryptoError::InvalidKey { reason } => write!(f, "invalid RSA key: {reason}"),
            CryptoError::PlainTooLong { len, max } => {
                write!(f, "plain data is {len} bytes; one RSA block holds at most {max}")
            }
            CryptoError::NotBase64 { field } => write!(f, "{field} is not valid base64"),
            CryptoError::Encrypt => f.write_str("RSA encryption failed"),
            CryptoError::Decrypt => f.write_str("RSA decryption failed (wrong key or corrupt data)"),
            CryptoError::BadSignature => f.write_str("signature verification failed"),
            CryptoError::Sign => f.write_str("RSA signing failed"),
        }
    }
}

impl std::error::Error for CryptoError {}

/// Standard base64 (with padding), as Nagad and PHP's `base64_encode` write it.
pub fn b64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Standard base64; ASCII whitespace (line breaks from some clients) is ignored.
pub fn b64_decode(text: &str, field: &'static str) -> Result<Vec<u8>, CryptoError> {
    use base64::Engine;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| CryptoError::NotBase64 { field })
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Fixed keys (the sandbox's published test keys) and a deterministic rng for tests.
    use super::*;

    pub const GATEWAY_KEY: &str = include_str!("../../../tests/sandbox/test-keys/nagad-gateway.key.pem");
    pub const GATEWAY_PUB: &str = include_str!("../../../tests/sandbox/test-keys/nagad-gateway.pub.pem");
    pub const MERCHANT_KEY: &str = include_str!("../../../tests/sandbox/test-keys/nagad-merchant.key.pem");
    pub const MERCHANT_PUB: &str = include_str!("../../../tests/sandbox/test-keys/nagad-merchant.pub.pem");
    pub const OTHER_KEY: &str = include_str!("../../../tests/sandbox/test-keys/sns-signing.key.pem");

    pub fn private(pem: &str) -> RsaPrivateKey {
        parse_private_key(pem).unwrap()
    }

    pub fn public(pem: &str) -> RsaPublicKey {
        parse_public_key(pem).unwrap()
    }

    /// xorshift64*: deterministic, NOT cryptographic — tests only.
    pub struct TestRng(pub u64);

    impl rsa::rand_core::RngCore for TestRng {
        fn next_u32(&mut self) -> u32 {
            (self.next_u64() >> 32) as u32
        }
        fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for chunk in dest.chunks_mut(8) {
                let v = self.next_u64().to_le_bytes();
                chunk.copy_from_slice(&v[..chunk.len()]);
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }

    impl rsa::rand_core::CryptoRng for TestRng {}
}
