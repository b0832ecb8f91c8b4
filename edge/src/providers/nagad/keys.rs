//! Nagad's keys, parsed once per isolate, and request signing.
//!
//! docs/toolchain.md records ~9 ms of CPU per RSA-2048 signature in wasm; Web Crypto has
//! RSASSA-PKCS1-v1_5 natively but no RSAES-PKCS1-v1_5. So: the merchant key is imported
//! into `crypto.subtle` once per isolate (non-extractable, `sign` only) and requests are
//! signed there; encryption and the reply's decryption go to the runtime's `node:crypto`
//! where it has one (`native`), else to Rust (`bdpay_shared::crypto`). If Web Crypto refuses
//! (import or sign fails), signing falls back to shared's pure-Rust SHA256withRSA: slower,
//! same bytes (PKCS#1 v1.5 signatures are deterministic).
//!
//! Caches are keyed by a SHA-256 fingerprint of the configured key texts, so test and live
//! keys can alternate in one isolate; the texts themselves are not kept.

use std::cell::RefCell;
use std::rc::Rc;

use bdpay_shared::crypto::{parse_private_key, parse_public_key, RsaPrivateKey, RsaPublicKey};
use bdpay_shared::provider::Provider;
use sha2::{Digest, Sha256};

use crate::providers::config::NagadConfig;
use crate::providers::ProviderFailure;

const P: Provider = Provider::Nagad;
/// Test and live: more entries than that means keys changed; start over.
pub(crate) const MAX_CACHED: usize = 4;

/// A merchant key and Nagad's public key, shared by every request of the isolate.
#[derive(Clone)]
pub(crate) struct Keys {
    fingerprint: [u8; 32],
    pub merchant: Rc<RsaPrivateKey>,
    pub gateway: Rc<RsaPublicKey>,
}

impl Keys {
    /// SHA-256 of the configured key texts: what the isolate's caches of this pair are keyed by.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }
}

thread_local! {
    static PARSED: RefCell<Vec<Keys>> = const { RefCell::new(Vec::new()) };
}

/// The keys of `config`, parsed on first use in this isolate.
pub(crate) fn load(config: &NagadConfig) -> Result<Keys, ProviderFailure> {
    let private_text = config.merchant_private_key.expose();
    let public_text = config.pg_public_key.expose();
    let mut hasher = Sha256::new();
    hasher.update(private_text.as_bytes());
    hasher.update([0u8]);
    hasher.update(public_text.as_bytes());
    let fingerprint: [u8; 32] = hasher.finalize().into();
    if let Some(keys) = PARSED.with(|p| p.borrow().iter().find(|k| k.fingerprint == fingerprint).cloned()) {
        return Ok(keys);
    }
    let merchant = parse_private_key(private_text).map_err(|_| ProviderFailure::config(P, "merchant_private_key"))?;
    let gateway = parse_public_key(public_text).map_err(|_| ProviderFailure::config(P, "pg_public_key"))?;
    let keys = Keys {
        fingerprint,
        merchant: Rc::new(merchant),
        gateway: Rc::new(gateway),
    };
    PARSED.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= MAX_CACHED {
            p.clear();
        }
        p.push(keys.clone());
    });
    Ok(keys)
}

/// `base64(SHA256withRSA(plain))` with the merchant key: Web Crypto on the worker, Rust
/// elsewhere or when Web Crypto fails.
pub(crate) async fn sign(keys: &Keys, plain: &[u8]) -> Result<String, ProviderFailure> {
    #[cfg(target_arch = "wasm32")]
    match web::sign(keys, plain).await {
        Ok(signature) => return Ok(signature),
        Err(step) => {
            crate::providers::failure::log_warn("nagad_webcrypto_sign_failed", &serde_json::json!({ "step": step }))
        }
    }
    bdpay_shared::crypto::sign_sha256(plain, &keys.merchant).map_err(|_| ProviderFailure::config(P, "sign"))
}

/// A CSPRNG for RSA padding: 32 bytes of `getrandom` (the runtime's `crypto.getRandomValues`)
/// expanded with SHA-256 in counter mode. Seeding is the only fallible step, so a runtime
/// without randomness fails before any encryption starts (never zero padding, never a loop).
pub(crate) struct SeededRng {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl SeededRng {
    pub fn new() -> Result<SeededRng, ProviderFailure> {
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|_| ProviderFailure::internal(P, "random"))?;
        Ok(SeededRng {
            seed,
            counter: 0,
            block: [0; 32],
            used: 32,
        })
    }

    /// Fresh random bytes (the challenge).
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        rsa::rand_core::RngCore::fill_bytes(self, &mut out);
        out
    }
}

impl rsa::rand_core::RngCore for SeededRng {
    fn next_u32(&mut self) -> u32 {
        u32::from_le_bytes(self.bytes::<4>())
    }

    fn next_u64(&mut self) -> u64 {
        u64::from_le_bytes(self.bytes::<8>())
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest.iter_mut() {
            if self.used == self.block.len() {
                let mut h = Sha256::new();
                h.update(self.seed);
                h.update(self.counter.to_le_bytes());
                self.block = h.finalize().into();
                self.counter = self.counter.wrapping_add(1);
                self.used = 0;
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for SeededRng {}

#[cfg(target_arch = "wasm32")]
mod web {
    //! `crypto.subtle` through web-sys: importKey("pkcs8", …) once per isolate, then sign.

    use std::cell::RefCell;

    use base64::Engine;
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use rsa::pkcs8::EncodePrivateKey;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{CryptoKey, SubtleCrypto};

    use super::Keys;

    const ALGORITHM: &str = "RSASSA-PKCS1-v1_5";

    thread_local! {
        static IMPORTED: RefCell<Vec<([u8; 32], CryptoKey)>> = const { RefCell::new(Vec::new()) };
    }

    fn subtle() -> Result<SubtleCrypto, &'static str> {
        let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).map_err(|_| "crypto")?;
        if crypto.is_undefined() {
            return Err("crypto");
        }
        let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).map_err(|_| "subtle")?;
        if subtle.is_undefined() {
            return Err("subtle");
        }
        Ok(subtle.unchecked_into())
    }

    async fn key(subtle: &SubtleCrypto, keys: &Keys) -> Result<CryptoKey, &'static str> {
        let cached = IMPORTED.with(|i| {
            i.borrow()
                .iter()
                .find(|(f, _)| *f == keys.fingerprint)
                .map(|(_, k)| k.clone())
        });
        if let Some(key) = cached {
            return Ok(key);
        }
        // Re-encoded as PKCS#8 whatever form it was configured in (PKCS#1 and PEM parse too).
        let der = keys.merchant.to_pkcs8_der().map_err(|_| "encode")?;
        let data = Uint8Array::from(der.as_bytes());
        let algorithm = Object::new();
        Reflect::set(&algorithm, &"name".into(), &ALGORITHM.into()).map_err(|_| "algorithm")?;
        Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into()).map_err(|_| "algorithm")?;
        let usages = Array::of1(&JsValue::from_str("sign"));
        let promise = subtle
            .import_key_with_object("pkcs8", &data, &algorithm, false, &usages)
            .map_err(|_| "import")?;
        let key: CryptoKey = JsFuture::from(promise).await.map_err(|_| "import")?.unchecked_into();
        IMPORTED.with(|i| {
            let mut i = i.borrow_mut();
            if i.len() >= super::MAX_CACHED {
                i.clear();
            }
            i.push((keys.fingerprint, key.clone()));
        });
        Ok(key)
    }

    pub(super) async fn sign(keys: &Keys, plain: &[u8]) -> Result<String, &'static str> {
        let subtle = subtle()?;
        let key = key(&subtle, keys).await?;
        let promise = subtle
            .sign_with_str_and_u8_array(ALGORITHM, &key, plain)
            .map_err(|_| "sign")?;
        let signature = JsFuture::from(promise).await.map_err(|_| "sign")?;
        let bytes = Uint8Array::new(&signature).to_vec();
        if bytes.is_empty() {
            return Err("sign");
        }
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdpay_shared::secret::Secret;

    const MERCHANT_KEY: &str = include_str!("../../../../tests/sandbox/test-keys/nagad-merchant.key.pem");
    const MERCHANT_PUB: &str = include_str!("../../../../tests/sandbox/test-keys/nagad-merchant.pub.pem");
    const GATEWAY_PUB: &str = include_str!("../../../../tests/sandbox/test-keys/nagad-gateway.pub.pem");

    fn bare(pem: &str) -> String {
        pem.lines().filter(|l| !l.starts_with("-----")).collect()
    }

    pub(crate) fn config() -> NagadConfig {
        NagadConfig {
            base_url: "http://127.0.0.1:8790/nagad/remote-payment-gateway-1.0/api/dfs".into(),
            merchant_id: "683002007104225".into(),
            egress_relay: None,
            relay_key: None,
            merchant_private_key: Secret::new(bare(MERCHANT_KEY)),
            pg_public_key: Secret::new(bare(GATEWAY_PUB)),
        }
    }

    #[test]
    fn keys_parse_once_and_sign_what_the_gateway_verifies() {
        let keys = load(&config()).unwrap();
        let again = load(&config()).unwrap();
        assert!(Rc::ptr_eq(&keys.merchant, &again.merchant), "cached per isolate");
        let plain = br#"{"merchantId":"683002007104225"}"#;
        let signature = futures_executor_lite(sign(&keys, plain)).unwrap();
        let merchant_pub = parse_public_key(MERCHANT_PUB).unwrap();
        assert_eq!(
            bdpay_shared::crypto::verify(plain, &signature, &merchant_pub, false),
            Ok(bdpay_shared::crypto::Hash::Sha256)
        );
    }

    #[test]
    fn bad_keys_are_config_failures() {
        let mut c = config();
        c.merchant_private_key = Secret::new("not a key".into());
        let f = load(&c).err().unwrap();
        assert_eq!(
            (f.kind, f.provider_code.as_deref()),
            (crate::providers::FailureKind::Config, Some("merchant_private_key"))
        );
    }

    #[test]
    fn the_rng_never_repeats_a_block() {
        let mut rng = SeededRng::new().unwrap();
        let a: [u8; 40] = rng.bytes();
        let b: [u8; 40] = rng.bytes();
        assert_ne!(a, b);
        assert!(a.iter().any(|&x| x != 0));
    }

    /// Runs a future that never waits (host tests: no Web Crypto, signing is synchronous).
    fn futures_executor_lite<F: std::future::Future>(f: F) -> F::Output {
        use std::task::{Context, Poll, Waker};
        let mut f = std::pin::pin!(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => unreachable!("host signing does not wait"),
        }
    }
}
