//! Nagad's sealed replies (shared `crypto/seal.rs`, edge `providers/nagad/` through
//! `bdpay_edge::fuzzing::nagad_initialize`) with the sandbox's published TEST keys
//! (tests/sandbox/test-keys/, never live keys): a raw reply body never panics; a reply
//! sealed the way Nagad seals it always opens, and reads as its own bytes say; a tampered one
//! never opens to other bytes. RSA dominates the cost: expect tens of runs per second.
#![no_main]

use std::sync::OnceLock;

use bdpay_edge::fuzzing::nagad_initialize;
use bdpay_shared::crypto::{self, Hash, RsaPrivateKey, RsaPublicKey};
use bdpay_shared::wire::nagad::{CancelReplySensitive, InitializeReplySensitive, PaymentStatus};
use libfuzzer_sys::fuzz_target;
use rsa::rand_core::{CryptoRng, Error, RngCore};

// TEST keys, published in the repository: the sandbox plays Nagad's gateway with them.
const MERCHANT_KEY: &str = include_str!("../../tests/sandbox/test-keys/nagad-merchant.key.pem");
const MERCHANT_PUB: &str = include_str!("../../tests/sandbox/test-keys/nagad-merchant.pub.pem");
const GATEWAY_KEY: &str = include_str!("../../tests/sandbox/test-keys/nagad-gateway.key.pem");
const GATEWAY_PUB: &str = include_str!("../../tests/sandbox/test-keys/nagad-gateway.pub.pem");

struct Keys {
    merchant: RsaPrivateKey,
    merchant_pub: RsaPublicKey,
    gateway: RsaPrivateKey,
    gateway_pub: RsaPublicKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        merchant: crypto::parse_private_key(MERCHANT_KEY).expect("test key"),
        merchant_pub: crypto::parse_public_key(MERCHANT_PUB).expect("test key"),
        gateway: crypto::parse_private_key(GATEWAY_KEY).expect("test key"),
        gateway_pub: crypto::parse_public_key(GATEWAY_PUB).expect("test key"),
    })
}

/// xorshift64*, seeded from the input: PKCS#1 v1.5 padding only, deterministic so a
/// crash replays. Not for anything real.
struct Rng(u64);

impl RngCore for Rng {
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
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for Rng {}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let k = keys();
    match mode % 4 {
        // The HTTP body as it arrives: JSON, base64, RSA, all from the fuzzer.
        0 => {
            let status = 200 + u16::from(mode) % 3 * 100; // 200, 300, 400
            let _ = nagad_initialize(status, rest, &k.merchant, &k.gateway_pub);
        }
        // Plain bytes sealed by "Nagad" (gateway signs, to the merchant), then tampered with.
        m => {
            let Some((&[seed, at, flip], plain)) = rest.split_first_chunk::<3>() else {
                return;
            };
            let plain = &plain[..plain.len().min(245)];
            let mut rng = Rng(u64::from(seed) | 1 << 40);
            let Ok(sensitive) = crypto::encrypt(plain, &k.merchant_pub, &mut rng) else {
                panic!("a plain of {} bytes fits one block", plain.len());
            };
            let hash = if seed % 4 == 0 { Hash::Sha1 } else { Hash::Sha256 };
            let Ok(signature) = crypto::sign(plain, &k.gateway, hash) else {
                panic!("signing with the test key failed");
            };
            if m == 1 || flip == 0 {
                // Through the edge's own opening: a good seal is never refused as such, and
                // what it opens to is read exactly as its plain bytes say.
                let body = serde_json::json!({ "sensitiveData": sensitive, "signature": signature }).to_string();
                let read = nagad_initialize(200, body.as_bytes(), &k.merchant, &k.gateway_pub);
                let want = serde_json::from_slice::<InitializeReplySensitive>(plain)
                    .ok()
                    .filter(|r| !r.payment_reference_id.trim().is_empty() && !r.challenge.trim().is_empty());
                match want {
                    Some(r) => assert_eq!(read.value, Some(r.payment_reference_id), "{read:?}"),
                    None => assert_eq!(read.provider_code.as_deref(), Some("unreadable"), "{read:?}"),
                }
                // What a cancel reply's plain bytes become (edge `nagad/cancel.rs` reads these types).
                if let Ok(reply) = serde_json::from_slice::<CancelReplySensitive>(plain) {
                    let _ = PaymentStatus::parse(&reply.status);
                }
                return;
            }
            // Tampered: shared's `open` may refuse, but never opens to other bytes.
            let (sensitive, signature) = if m == 2 {
                (tamper(&sensitive, at, flip), signature)
            } else {
                (sensitive, tamper(&signature, at, flip))
            };
            if let Ok(o) = crypto::open(&sensitive, &signature, &k.merchant, &k.gateway_pub) {
                assert_eq!(o.plain, plain, "a tampered reply opened to other bytes");
                assert_eq!(o.hash, hash);
            }
        }
    }
});

/// Flips bits of one decoded byte and re-encodes, so the change survives base64.
fn tamper(b64: &str, at: u8, flip: u8) -> String {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut bytes = engine.decode(b64).unwrap_or_default();
    let i = usize::from(at) % bytes.len().max(1);
    if let Some(b) = bytes.get_mut(i) {
        *b ^= flip;
    }
    engine.encode(bytes)
}
