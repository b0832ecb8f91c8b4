//! RSA key parsing in the forms Nagad's keys travel in: bare base64 DER or PEM, any label.
//!
//! Nagad's portal hands out bare base64 DER (PG public key = SubjectPublicKeyInfo, merchant
//! private key = PKCS#8), and PHP samples wrap the PKCS#8 body in a PKCS#1 label
//! (`BEGIN RSA PRIVATE KEY`). So the label is never trusted: the armour is stripped, the
//! body decoded, and the DER tried as PKCS#8/SPKI first, then PKCS#1.

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::{RsaPrivateKey, RsaPublicKey};

use super::CryptoError;

/// A public key: SPKI (`BEGIN PUBLIC KEY`, `MIIBIjANBgkqh…`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`),
/// as PEM or bare base64 DER.
pub fn parse_public_key(text: &str) -> Result<RsaPublicKey, CryptoError> {
    let der = der_body(text)?;
    RsaPublicKey::from_public_key_der(&der)
        .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
        .map_err(|_| invalid("not an RSA public key (SPKI or PKCS#1 DER)"))
}

/// A private key: PKCS#8 (`MIIEv…`) or PKCS#1, as PEM under any label or bare base64 DER.
/// Password-protected keys are refused.
pub fn parse_private_key(text: &str) -> Result<RsaPrivateKey, CryptoError> {
    let der = der_body(text)?;
    RsaPrivateKey::from_pkcs8_der(&der)
        .or_else(|_| RsaPrivateKey::from_pkcs1_der(&der))
        .map_err(|_| invalid("not an unencrypted RSA private key (PKCS#8 or PKCS#1 DER)"))
}

fn invalid(reason: &'static str) -> CryptoError {
    CryptoError::InvalidKey { reason }
}

/// The DER bytes inside PEM armour (label ignored) or of a bare base64 string.
fn der_body(text: &str) -> Result<Vec<u8>, CryptoError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid("empty"));
    }
    let body: String = if text.starts_with("-----BEGIN") {
        if text.contains("ENCRYPTED") || text.contains("Proc-Type:") {
            return Err(invalid("password-protected keys are not supported"));
        }
        let mut lines = text.lines().map(str::trim);
        let mut body = String::with_capacity(text.len());
        let mut ended = false;
        lines.next(); // the BEGIN line
        for line in lines {
            if line.starts_with("-----END") {
                ended = true;
                break;
            }
            body.push_str(line);
        }
        if !ended {
            return Err(invalid("PEM without an END line"));
        }
        body
    } else {
        text.chars().filter(|c| !c.is_ascii_whitespace()).collect()
    };
    super::b64_decode(&body, "key").map_err(|_| invalid("body is not base64"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_support::*;
    use rsa::traits::PublicKeyParts;

    fn bare(pem: &str) -> String {
        pem.lines().filter(|l| !l.starts_with("-----")).collect()
    }

    #[test]
    fn pem_and_bare_base64_der_give_the_same_keys() {
        assert_eq!(public(GATEWAY_PUB), parse_public_key(&bare(GATEWAY_PUB)).unwrap());
        assert_eq!(private(MERCHANT_KEY), parse_private_key(&bare(MERCHANT_KEY)).unwrap());
        assert!(
            bare(GATEWAY_PUB).starts_with("MIIBIjANBgkqh"),
            "SPKI, as Nagad hands it out"
        );
        assert!(
            bare(MERCHANT_KEY).starts_with("MIIEv"),
            "PKCS#8, as Nagad's portal expects"
        );
    }

    #[test]
    fn pkcs8_body_under_a_pkcs1_label_still_decodes() {
        let mislabeled = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            bare(MERCHANT_KEY)
        );
        assert_eq!(parse_private_key(&mislabeled).unwrap(), private(MERCHANT_KEY));
    }

    #[test]
    fn pkcs1_forms_are_accepted_too() {
        use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
        let key = private(MERCHANT_KEY);
        let pem = key.to_pkcs1_pem(LineEnding::LF).unwrap();
        assert_eq!(parse_private_key(&pem).unwrap(), key);
        let pub_pem = key.to_public_key().to_pkcs1_pem(LineEnding::LF).unwrap();
        assert_eq!(parse_public_key(&pub_pem).unwrap().n(), key.to_public_key().n());
    }

    #[test]
    fn garbage_and_wrong_kinds_are_refused_without_echoing_input() {
        for bad in ["", "not base64 !!", "QUJD", "-----BEGIN PUBLIC KEY-----\nMIIB"] {
            let err = parse_public_key(bad).unwrap_err();
            assert!(matches!(err, CryptoError::InvalidKey { .. }), "{bad}");
        }
        assert!(
            parse_private_key(GATEWAY_PUB).is_err(),
            "a public key is not a private key"
        );
        assert!(
            parse_public_key(MERCHANT_KEY).is_err(),
            "a private key is not a public key"
        );
        let enc = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----";
        assert_eq!(
            parse_private_key(enc).unwrap_err(),
            CryptoError::InvalidKey {
                reason: "password-protected keys are not supported"
            }
        );
    }
}
