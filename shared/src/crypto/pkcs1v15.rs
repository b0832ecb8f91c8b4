//! The four PKCS#1 v1.5 primitives Nagad uses, on bytes in and base64 out.

use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::{b64_decode, b64_encode, CryptoError, CryptoRngCore};

/// The hash under a signature. Nagad's guide says SHA-1; every client we know uses SHA-256.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha1,
}

/// SHA-1's DigestInfo prefix (RFC 8017 §9.2 note 1): written out because `sha1` is built
/// without its `oid` feature here.
const SHA1_DIGEST_INFO: [u8; 15] = [
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
];

fn scheme_and_digest(hash: Hash, plain: &[u8]) -> (Pkcs1v15Sign, Vec<u8>) {
    match hash {
        Hash::Sha256 => (Pkcs1v15Sign::new::<Sha256>(), Sha256::digest(plain).to_vec()),
        Hash::Sha1 => (
            Pkcs1v15Sign {
                hash_len: Some(20),
                prefix: SHA1_DIGEST_INFO.into(),
            },
            Sha1::digest(plain).to_vec(),
        ),
    }
}

/// The longest plaintext one PKCS#1 v1.5 block holds for `key` (245 bytes for RSA-2048).
pub fn max_plain_len(key: &RsaPublicKey) -> usize {
    key.size().saturating_sub(11)
}

/// `base64(RSAES-PKCS1-v1_5(plain, recipient))`; more than [`max_plain_len`] bytes is refused.
pub fn encrypt(plain: &[u8], recipient: &RsaPublicKey, rng: &mut impl CryptoRngCore) -> Result<String, CryptoError> {
    let max = max_plain_len(recipient);
    if plain.len() > max {
        return Err(CryptoError::PlainTooLong { len: plain.len(), max });
    }
    let cipher = recipient
        .encrypt(rng, Pkcs1v15Encrypt, plain)
        .map_err(|_| CryptoError::Encrypt)?;
    Ok(b64_encode(&cipher))
}

/// Decrypts base64 `sensitive` with our private key.
pub fn decrypt(sensitive_b64: &str, own: &RsaPrivateKey) -> Result<Vec<u8>, CryptoError> {
    let cipher = b64_decode(sensitive_b64, "sensitiveData")?;
    own.decrypt(Pkcs1v15Encrypt, &cipher).map_err(|_| CryptoError::Decrypt)
}

/// `base64(RSASSA-PKCS1-v1_5(hash(plain), signer))`.
pub fn sign(plain: &[u8], signer: &RsaPrivateKey, hash: Hash) -> Result<String, CryptoError> {
    let (scheme, digest) = scheme_and_digest(hash, plain);
    let sig = signer.sign(scheme, &digest).map_err(|_| CryptoError::Sign)?;
    Ok(b64_encode(&sig))
}

/// SHA256withRSA, what the edge and the sandbox sign with (docs/providers.md B.3 [our choice]).
pub fn sign_sha256(plain: &[u8], signer: &RsaPrivateKey) -> Result<String, CryptoError> {
    sign(plain, signer, Hash::Sha256)
}

/// Verifies base64 `signature` over `plain`: SHA-256, then SHA-1 when `allow_sha1`.
/// Answers which hash matched.
pub fn verify(plain: &[u8], signature_b64: &str, sender: &RsaPublicKey, allow_sha1: bool) -> Result<Hash, CryptoError> {
    let sig = b64_decode(signature_b64, "signature")?;
    let hashes: &[Hash] = if allow_sha1 {
        &[Hash::Sha256, Hash::Sha1]
    } else {
        &[Hash::Sha256]
    };
    for &hash in hashes {
        let (scheme, digest) = scheme_and_digest(hash, plain);
        if sender.verify(scheme, &digest, &sig).is_ok() {
            return Ok(hash);
        }
    }
    Err(CryptoError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_support::*;

    // `printf '%s' '{"a":"b"}' | openssl dgst -sha1|-sha256 -sign nagad-merchant.key.pem | base64 -w0`
    const OPENSSL_SHA1: &str = "DR02MjUVCYgHeJ0oc44WhoXGjkPl8WlYkHJTH3l2Hw1NhNRMS4F+Ok/dShwzrt+bsLclkrUqSCJEKKf8XA4s+j+yJvQtZC0xmoiWuuhtdLx2QqH1AfH3gcTsq5ZsJ8fEvQYhiq5E7o+nsQ1fhmqnqPyXaTkSg3yuvIgqFb2jMhb2YgL0E95R4V/jfxKMFKuJJTo+8f1UABMyyW3+wYSH796tBq+hK13rPWVPMYCTOWpw1XtCzdZzcDnIvHnZxZEyteoy31MFK3LgUq3oxmiFOfjSAovLyyE50cITABvibtW8HwAOy4y7LUT5lOxsFPrAHzIqh5KKaomlnCUH9MUthw==";
    const OPENSSL_SHA256: &str = "f/3yzyEP8gS+LbhxizQsAWLl3cEXNDFxMKkGRcIor+ZRCONv92uFSzCa50LLRozG2Fwn8YTKHOljEx9NcARAcUH5PF7v21VQxzLm0dugnxcfGENYkRktWO5BVw2aVmGrDEvhm1gCEh9S+WEKZD5i9OHKv3BFcc1jOPuV3iXu/d+gfklpzkytNt2UUp7L2lx1q51DYuAJ2hJek8BqPQlILh/dSsp2+/5L9Myyx3qdme9JE/kSzsmUw0u4n4zwzQOs13rXM3gMGPrLSczwbVi+5X8Ws0kF/69nO6Zpsp9DWuPa6vBc5TysUU5fm9R/u2Nm2d3NyjRLdJyKNt/jy/b9yg==";

    #[test]
    fn signatures_match_openssl_byte_for_byte() {
        let key = private(MERCHANT_KEY);
        assert_eq!(sign(br#"{"a":"b"}"#, &key, Hash::Sha1).unwrap(), OPENSSL_SHA1);
        assert_eq!(sign_sha256(br#"{"a":"b"}"#, &key).unwrap(), OPENSSL_SHA256);
        let public = key.to_public_key();
        assert_eq!(verify(br#"{"a":"b"}"#, OPENSSL_SHA1, &public, true), Ok(Hash::Sha1));
        assert_eq!(
            verify(br#"{"a":"b"}"#, OPENSSL_SHA1, &public, false),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify(br#"{"a":"b"}"#, OPENSSL_SHA256, &public, false),
            Ok(Hash::Sha256)
        );
    }

    #[test]
    fn decrypts_what_openssl_encrypted() {
        // `printf '%s' '{"a":"b"}' | openssl pkeyutl -encrypt -pubin -inkey nagad-gateway.pub.pem
        //   -pkeyopt rsa_padding_mode:pkcs1 | base64 -w0`
        let cipher = "INRTf9I2BEOle9Ozv0q8iwM1sK5Y5hl7SM2hJ5daOTJ/zlVRC6aYRL4rtJear6z6YvZJcKArwUJpBJ4WxDPwWRtnvMvG2V8fg8BI6bf5m5nOmxqDuG3JrcK8SnZgSkZhgingAVH3smQUFGN6VV0YCXxRSe7D0lPcmi2fi5MSB0EjfzYbkZiHho/ygdFu1QC6lvZMrcI/VDvq9I2iHSdAIUnSV+OmCcqBWqeI4n4dVpOxBtzOSR/LgPj4FoHxZ2+GSVc5y/w+iQ8s9yxrwHyBjHzOIfPbTrAHtYvy4FdE4b5KWGgw1qOuqxL0D7N0uq1k/WjFJKV+jIt5OJDx/vXL/Q==";
        assert_eq!(decrypt(cipher, &private(GATEWAY_KEY)).unwrap(), br#"{"a":"b"}"#);
        assert_eq!(decrypt(cipher, &private(MERCHANT_KEY)), Err(CryptoError::Decrypt));
    }

    #[test]
    fn signatures_are_deterministic_and_hash_specific() {
        let key = private(MERCHANT_KEY);
        assert_eq!(sign_sha256(b"x", &key), sign_sha256(b"x", &key));
        assert_ne!(sign(b"x", &key, Hash::Sha1), sign_sha256(b"x", &key));
    }

    #[test]
    fn max_plain_is_245_for_rsa_2048() {
        assert_eq!(max_plain_len(&public(GATEWAY_PUB)), 245);
        let mut rng = TestRng(7);
        assert!(encrypt(&[b'a'; 245], &public(GATEWAY_PUB), &mut rng).is_ok());
        assert_eq!(
            encrypt(&[b'a'; 246], &public(GATEWAY_PUB), &mut rng),
            Err(CryptoError::PlainTooLong { len: 246, max: 245 })
        );
    }

    #[test]
    fn decrypt_names_bad_base64_apart_from_bad_cipher() {
        let key = private(GATEWAY_KEY);
        assert_eq!(
            decrypt("%%%", &key),
            Err(CryptoError::NotBase64 { field: "sensitiveData" })
        );
        assert_eq!(decrypt("QUJD", &key), Err(CryptoError::Decrypt));
    }
}
