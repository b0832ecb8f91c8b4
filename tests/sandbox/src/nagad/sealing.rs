//! What initialize, complete and cancel share: the B.2 header check, body parsing, opening a
//! sealed request (B.3 "Receiving", mirrored) and sealing a reply to the merchant.

use std::sync::atomic::Ordering;

use axum::http::HeaderMap;
use axum::Json;
use bdpay_shared::crypto::{self, CryptoError, Hash, RsaPublicKey};
use bdpay_shared::wire::nagad::{header, reason, SealedReply};
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::errors::Reject;
use crate::Shared;

/// B.2: `X-KM-Api-Version`, `X-KM-IP-V4`, `X-KM-Client-Type` present and not blank, else
/// 16_0006_064. Values are not judged (clients send other versions and proxies' addresses).
pub fn check_headers(headers: &HeaderMap) -> Result<(), Reject> {
    let present = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.trim().is_empty())
    };
    if header::MANDATORY.iter().all(|h| present(h)) {
        Ok(())
    } else {
        Err(Reject::bad(reason::HEADER_MISSING))
    }
}

/// A JSON body (or decrypted object), or `on_error`.
pub fn json<T: DeserializeOwned>(bytes: &[u8], on_error: &'static str) -> Result<T, Reject> {
    serde_json::from_slice(bytes).map_err(|_| Reject::bad(on_error))
}

/// Decrypts with the gateway key and verifies the merchant's signature over the decrypted
/// bytes. SHA-1 signatures pass only while the lenient setting is on.
pub fn open(s: &Shared, sender: &RsaPublicKey, sensitive: &str, signature: &str) -> Result<Vec<u8>, Reject> {
    let opened = crypto::open(sensitive, signature, s.nagad.keys.gateway(), sender).map_err(|e| match e {
        CryptoError::NotBase64 { field: "signature" } | CryptoError::BadSignature => {
            Reject::bad(reason::SIGNATURE_FAILED)
        }
        CryptoError::NotBase64 { .. } => Reject::bad(reason::NOT_ENCODED),
        _ => Reject::bad(reason::DECRYPTION_FAILED),
    })?;
    if opened.hash == Hash::Sha1 && !s.nagad.accept_sha1.load(Ordering::Relaxed) {
        return Err(Reject::bad(reason::SIGNATURE_FAILED));
    }
    Ok(opened.plain)
}

/// Serializes `value` once, encrypts it to the merchant and signs it SHA-256 with our key.
pub fn seal<T: Serialize>(s: &Shared, recipient: &RsaPublicKey, value: &T) -> Result<Json<SealedReply>, Reject> {
    let plain = serde_json::to_vec(value).map_err(|_| Reject::internal())?;
    let sealed = crypto::seal(&plain, recipient, s.nagad.keys.gateway(), &mut rand::rngs::OsRng)
        .map_err(|_| Reject::internal())?;
    Ok(Json(SealedReply {
        sensitive_data: sealed.sensitive_data,
        signature: sealed.signature,
    }))
}

/// `n` random bytes as lowercase hex (server challenge, page token).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn random4() -> [u8; 4] {
    let mut b = [0u8; 4];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}
