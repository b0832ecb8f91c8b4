//! Seal and open a Nagad `{sensitiveData, signature}` pair (docs/providers.md B.3, both directions).

use rsa::{RsaPrivateKey, RsaPublicKey};

use super::pkcs1v15::{decrypt, encrypt, max_plain_len, sign_sha256, verify, Hash};
use super::{CryptoError, CryptoRngCore};

/// A sealed payload, both fields base64, ready for the JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub sensitive_data: String,
    pub signature: String,
}

/// An opened payload: the exact decrypted bytes (parse them as JSON; never re-serialize
/// before verifying) and the hash its signature used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub plain: Vec<u8>,
    pub hash: Hash,
}

/// Encrypts `plain` to `recipient` (PKCS#1 v1.5) and signs the same bytes with `signer`
/// (SHA256withRSA). `plain` must fit one block (≤ 245 bytes for RSA-2048): Nagad does not chunk.
pub fn seal(
    plain: &[u8],
    recipient: &RsaPublicKey,
    signer: &RsaPrivateKey,
    rng: &mut impl CryptoRngCore,
) -> Result<Sealed, CryptoError> {
    let max = max_plain_len(recipient);
    if plain.len() > max {
        return Err(CryptoError::PlainTooLong { len: plain.len(), max });
    }
    Ok(Sealed {
        sensitive_data: encrypt(plain, recipient, rng)?,
        signature: sign_sha256(plain, signer)?,
    })
}

/// Decrypts `sensitive_b64` with `own`, then verifies `signature_b64` over the decrypted
/// bytes with `sender`: SHA-256, falling back to SHA-1 (B.3, "Receiving"). A caller that
/// refuses SHA-1 checks [`Opened::hash`].
///
/// Errors stay distinct: [`CryptoError::NotBase64`] / [`CryptoError::Decrypt`] for the data,
/// [`CryptoError::BadSignature`] (or `NotBase64 { field: "signature" }`) for the signature.
pub fn open(
    sensitive_b64: &str,
    signature_b64: &str,
    own: &RsaPrivateKey,
    sender: &RsaPublicKey,
) -> Result<Opened, CryptoError> {
    let plain = decrypt(sensitive_b64, own)?;
    let hash = verify(&plain, signature_b64, sender, true)?;
    Ok(Opened { plain, hash })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::pkcs1v15::{encrypt, sign};
    use crate::crypto::test_support::*;

    const PLAIN: &[u8] = br#"{"merchantId":"683002007104225","datetime":"20241125140531","orderId":"BDP20241125A0042","challenge":"9b1e0c4d7a2f58e3c6b0a9d18e7f2c4b5a6d3e1f"}"#;

    #[test]
    fn merchant_to_gateway_round_trip() {
        let (gw, m) = (private(GATEWAY_KEY), private(MERCHANT_KEY));
        let sealed = seal(PLAIN, &public(GATEWAY_PUB), &m, &mut TestRng(1)).unwrap();
        let opened = open(&sealed.sensitive_data, &sealed.signature, &gw, &public(MERCHANT_PUB)).unwrap();
        assert_eq!(
            opened,
            Opened {
                plain: PLAIN.to_vec(),
                hash: Hash::Sha256
            }
        );
    }

    #[test]
    fn gateway_to_merchant_round_trip() {
        let (gw, m) = (private(GATEWAY_KEY), private(MERCHANT_KEY));
        let sealed = seal(b"{\"a\":1}", &public(MERCHANT_PUB), &gw, &mut TestRng(2)).unwrap();
        let opened = open(&sealed.sensitive_data, &sealed.signature, &m, &public(GATEWAY_PUB)).unwrap();
        assert_eq!(opened.plain, b"{\"a\":1}");
    }

    #[test]
    fn encryption_is_randomized() {
        let m = private(MERCHANT_KEY);
        let a = seal(PLAIN, &public(GATEWAY_PUB), &m, &mut TestRng(3)).unwrap();
        let b = seal(PLAIN, &public(GATEWAY_PUB), &m, &mut TestRng(4)).unwrap();
        assert_ne!(a.sensitive_data, b.sensitive_data);
        assert_eq!(a.signature, b.signature);
    }

    #[test]
    fn tampered_signature_is_a_bad_signature() {
        let (gw, m) = (private(GATEWAY_KEY), private(MERCHANT_KEY));
        let sealed = seal(PLAIN, &public(GATEWAY_PUB), &m, &mut TestRng(5)).unwrap();
        let mut sig = crate::crypto::b64_decode(&sealed.signature, "signature").unwrap();
        sig[10] ^= 1;
        let tampered = crate::crypto::b64_encode(&sig);
        assert_eq!(
            open(&sealed.sensitive_data, &tampered, &gw, &public(MERCHANT_PUB)),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            open(&sealed.sensitive_data, "@@", &gw, &public(MERCHANT_PUB)),
            Err(CryptoError::NotBase64 { field: "signature" })
        );
    }

    #[test]
    fn signature_over_other_bytes_is_a_bad_signature() {
        let (gw, m) = (private(GATEWAY_KEY), private(MERCHANT_KEY));
        let sensitive = encrypt(PLAIN, &public(GATEWAY_PUB), &mut TestRng(6)).unwrap();
        let sig = sign_sha256(b"{}", &m).unwrap();
        assert_eq!(
            open(&sensitive, &sig, &gw, &public(MERCHANT_PUB)),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn wrong_keys_fail_distinctly() {
        let (gw, m, other) = (private(GATEWAY_KEY), private(MERCHANT_KEY), private(OTHER_KEY));
        // Encrypted to someone else: cannot decrypt.
        let to_other = seal(PLAIN, &other.to_public_key(), &m, &mut TestRng(7)).unwrap();
        assert_eq!(
            open(
                &to_other.sensitive_data,
                &to_other.signature,
                &gw,
                &public(MERCHANT_PUB)
            ),
            Err(CryptoError::Decrypt)
        );
        // Signed by someone else: decrypts, but the signature fails.
        let by_other = seal(PLAIN, &public(GATEWAY_PUB), &other, &mut TestRng(8)).unwrap();
        assert_eq!(
            open(
                &by_other.sensitive_data,
                &by_other.signature,
                &gw,
                &public(MERCHANT_PUB)
            ),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn sha1_signed_input_is_accepted_only_when_allowed() {
        let (gw, m) = (private(GATEWAY_KEY), private(MERCHANT_KEY));
        let sensitive = encrypt(PLAIN, &public(GATEWAY_PUB), &mut TestRng(9)).unwrap();
        let sig1 = sign(PLAIN, &m, Hash::Sha1).unwrap();
        let opened = open(&sensitive, &sig1, &gw, &public(MERCHANT_PUB)).unwrap();
        assert_eq!(
            opened.hash,
            Hash::Sha1,
            "open reports the fallback so strict callers can refuse"
        );
        assert_eq!(verify(PLAIN, &sig1, &public(MERCHANT_PUB), true), Ok(Hash::Sha1));
        assert_eq!(
            verify(PLAIN, &sig1, &public(MERCHANT_PUB), false),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn more_than_one_block_is_refused_before_any_work() {
        let m = private(MERCHANT_KEY);
        let long = vec![b'x'; 246];
        let err = seal(&long, &public(GATEWAY_PUB), &m, &mut TestRng(10)).unwrap_err();
        assert_eq!(err, CryptoError::PlainTooLong { len: 246, max: 245 });
        assert_eq!(
            err.to_string(),
            "plain data is 246 bytes; one RSA block holds at most 245"
        );
    }
}
