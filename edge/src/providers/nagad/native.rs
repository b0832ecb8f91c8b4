//! Nagad's RSA on the runtime's native crypto, where the runtime has it: workerd's
//! `node:crypto` (BoringSSL), part of its Node compatibility (wrangler.toml: `nodejs_compat`,
//! and offered anyway at our compatibility date). It is reached through
//! `process.getBuiltinModule` at run time, so the bundle imports nothing and a runtime without
//! it (an older date and no flag) still runs, on Rust alone.
//!
//! Why: in wasm, decrypting the initialize reply with the merchant key costs 7–9 ms of CPU per
//! Nagad confirm, each encryption and the signature check about 1 ms more; natively they take
//! about 1.1, 0.04 and 0.08 ms (docs/performance.md, "Nagad's RSA in native code").
//!
//! Each step answers only when it succeeded. On `None` the caller does the same step in Rust
//! (`bdpay_shared::crypto`), which alone decides every error (not base64, does not decrypt,
//! bad signature, too long): what a reply means never depends on which code ran.

use std::cell::RefCell;

use bdpay_shared::crypto::{b64_decode, b64_encode, max_plain_len, Hash, Opened};
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
use wasm_bindgen::{JsCast, JsValue};

use super::keys::{Keys, MAX_CACHED};

/// `crypto.constants.RSA_PKCS1_PADDING`: RSAES-PKCS1-v1_5, what Nagad encrypts with (B.3).
const RSA_PKCS1_PADDING: u32 = 1;

/// The key objects of one key pair: (its fingerprint, our private key, Nagad's public key).
type KeyObjects = ([u8; 32], JsValue, JsValue);

thread_local! {
    /// `node:crypto` as looked up once per isolate: `Some(None)` when the runtime has none.
    static MODULE: RefCell<Option<Option<JsValue>>> = const { RefCell::new(None) };
    static KEYS: RefCell<Vec<KeyObjects>> = const { RefCell::new(Vec::new()) };
}

/// Whether this isolate has `node:crypto` (`/healthz` says so, for ops and for the tests).
pub(crate) fn available() -> bool {
    module().is_some()
}

/// The initialize reply opened: `sensitiveData` decrypted with our key, Nagad's signature over
/// the plaintext verified (SHA-256, else SHA-1, as `bdpay_shared::crypto::open`).
pub(crate) fn open(keys: &Keys, sensitive_b64: &str, signature_b64: &str) -> Option<Opened> {
    let (m, (own, sender)) = (module()?, key_objects(keys)?);
    let cipher = b64_decode(sensitive_b64, "sensitiveData").ok()?;
    let signature = Uint8Array::from(b64_decode(signature_b64, "signature").ok()?.as_slice());
    let plain = call(
        &m,
        "privateDecrypt",
        &[&padded(&own), &Uint8Array::from(cipher.as_slice())],
    )?;
    let plain = Uint8Array::new(&plain);
    let hash = [Hash::Sha256, Hash::Sha1].into_iter().find(|hash| {
        let name = match hash {
            Hash::Sha256 => "sha256",
            Hash::Sha1 => "sha1",
        };
        call(&m, "verify", &[&name.into(), &plain, &sender, &signature]).and_then(|v| v.as_bool()) == Some(true)
    })?;
    Some(Opened {
        plain: plain.to_vec(),
        hash,
    })
}

/// `plain` encrypted to Nagad's key (RSAES-PKCS1-v1_5, BoringSSL's own random padding), base64.
pub(crate) fn encrypt(keys: &Keys, plain: &[u8]) -> Option<String> {
    if plain.len() > max_plain_len(&keys.gateway) {
        return None; // Rust's step names the error
    }
    let (m, (_, recipient)) = (module()?, key_objects(keys)?);
    let cipher = call(&m, "publicEncrypt", &[&padded(&recipient), &Uint8Array::from(plain)])?;
    let cipher = Uint8Array::new(&cipher).to_vec();
    (!cipher.is_empty()).then(|| b64_encode(&cipher))
}

fn module() -> Option<JsValue> {
    MODULE.with(|m| {
        m.borrow_mut()
            .get_or_insert_with(|| {
                let found = lookup();
                if found.is_none() {
                    crate::providers::failure::log_warn(
                        "nagad_native_crypto_missing",
                        &serde_json::json!({ "effect": "Nagad's RSA runs in wasm: about 10 ms more CPU per confirm" }),
                    );
                }
                found
            })
            .clone()
    })
}

/// `process.getBuiltinModule("node:crypto")`, if the runtime has it.
fn lookup() -> Option<JsValue> {
    let process = Reflect::get(&js_sys::global(), &"process".into()).ok()?;
    if !process.is_object() {
        return None;
    }
    let get: Function = Reflect::get(&process, &"getBuiltinModule".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let m = get.call1(&process, &"node:crypto".into()).ok()?;
    m.is_object().then_some(m)
}

/// Our private key and Nagad's public key as `KeyObject`s, made once per isolate.
fn key_objects(keys: &Keys) -> Option<(JsValue, JsValue)> {
    let fingerprint = keys.fingerprint();
    let found = KEYS.with(|k| {
        k.borrow()
            .iter()
            .find(|(f, _, _)| *f == fingerprint)
            .map(|(_, own, sender)| (own.clone(), sender.clone()))
    });
    if found.is_some() {
        return found;
    }
    let m = module()?;
    let own = keys.merchant.to_pkcs8_der().ok()?;
    let sender = keys.gateway.to_public_key_der().ok()?;
    let own = call(&m, "createPrivateKey", &[&der(own.as_bytes(), "pkcs8")])?;
    let sender = call(&m, "createPublicKey", &[&der(sender.as_bytes(), "spki")])?;
    KEYS.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() >= MAX_CACHED {
            k.clear();
        }
        k.push((fingerprint, own.clone(), sender.clone()));
    });
    Some((own, sender))
}

/// `{ key, format: "der", type }` for `createPrivateKey` / `createPublicKey`.
fn der(bytes: &[u8], kind: &str) -> JsValue {
    object(&[
        ("key", Uint8Array::from(bytes).into()),
        ("format", "der".into()),
        ("type", kind.into()),
    ])
}

/// `{ key, padding: RSA_PKCS1_PADDING }` for `privateDecrypt` / `publicEncrypt`.
fn padded(key: &JsValue) -> JsValue {
    object(&[("key", key.clone()), ("padding", RSA_PKCS1_PADDING.into())])
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&o, &(*name).into(), value);
    }
    o.into()
}

/// `m[name](...args)`; `None` when it is not there or throws (a key it refuses, a block that
/// does not decrypt), logged: Rust then does the step and says what was wrong.
fn call(m: &JsValue, name: &'static str, args: &[&JsValue]) -> Option<JsValue> {
    let f: Function = Reflect::get(m, &name.into()).ok()?.dyn_into().ok()?;
    let list = Array::new();
    for a in args {
        list.push(a);
    }
    match f.apply(m, &list) {
        Ok(v) => Some(v),
        Err(_) => {
            crate::providers::failure::log_warn("nagad_native_crypto_failed", &serde_json::json!({ "step": name }));
            None
        }
    }
}
