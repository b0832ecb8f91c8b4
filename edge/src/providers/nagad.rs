//! Nagad Online Payment API v-0.2.0 (docs/providers.md Part B): initialize → complete → (shopper
//! on Nagad's page) → verify. Sealing per B.3: encryption and the reply's decryption in the
//! runtime's native crypto where it has one (`native`), else `bdpay_shared::crypto` in Rust;
//! signing through Web Crypto (`keys`). Every call has
//! a 30 s timeout, goes through the egress relay when one is configured (`relay`) and leaves
//! a masked [`CallRecord`].

mod cancel;
pub(crate) mod interpret;
pub(crate) mod keys;
#[cfg(target_arch = "wasm32")]
pub(crate) mod native;
/// The host (unit tests) has no runtime crypto: every step runs in Rust.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod native {
    use super::keys::Keys;
    use bdpay_shared::crypto::Opened;

    pub(crate) fn available() -> bool {
        false
    }
    pub(crate) fn open(_: &Keys, _: &str, _: &str) -> Option<Opened> {
        None
    }
    pub(crate) fn encrypt(_: &Keys, _: &[u8]) -> Option<String> {
        None
    }
}
pub mod relay;

use bdpay_shared::crypto::{open, CryptoError};
use bdpay_shared::provider::Provider;
use bdpay_shared::secret::Secret;
use bdpay_shared::wire::nagad::{InitializeReplySensitive, InitializeRequest};
use worker::Method;

use self::interpret::{client_type, path_segment, shopper_ipv4, Expect};
use self::keys::{Keys, SeededRng};
use super::failure::{outcome_word, record, result_word, safe_code};
use super::transport::{self, Call, Reply, TIMEOUT};
use super::{CallRecord, Outcome, PaymentRef, ProviderConfig, ProviderFailure, Start, Started};

const P: Provider = Provider::Nagad;

/// A Nagad client for one request.
pub struct Nagad {
    base_url: String,
    merchant_id: String,
    relay: Option<String>,
    relay_key: Option<Secret<String>>,
    keys: Keys,
}

impl Nagad {
    /// Fails (kind `Config`) when Nagad is not configured or a key does not parse.
    pub fn new(config: &ProviderConfig) -> Result<Nagad, ProviderFailure> {
        let c = config.nagad()?;
        Ok(Nagad {
            base_url: c.base_url.clone(),
            merchant_id: c.merchant_id.clone(),
            relay: c.egress_relay.clone(),
            relay_key: c.relay_key.as_ref().map(|k| Secret::new(k.expose().clone())),
            keys: keys::load(c)?,
        })
    }

    /// Initialize (B.4) then complete (B.5): the shopper goes to the reply's `callBackUrl`.
    /// `p.invoice` is the Nagad `orderId` (alphanumeric 5–20, once per day at Nagad).
    pub async fn start(&self, p: &Start<'_>, calls: &mut Vec<CallRecord>) -> Result<Started, ProviderFailure> {
        let result = self.start_inner(p, calls).await;
        if let Err(f) = &result {
            super::failure::attention(P, "start", p.payment_id.as_str(), f);
        }
        result
    }

    async fn start_inner(&self, p: &Start<'_>, calls: &mut Vec<CallRecord>) -> Result<Started, ProviderFailure> {
        let mut rng = SeededRng::new()?;
        let challenge = interpret::challenge_hex(&rng.bytes::<20>());
        let (datetime, plain) = interpret::initialize_plain(&self.merchant_id, p.now_ms, p.invoice, &challenge)?;
        let (sensitive_data, signature) = self.seal(&plain, &mut rng).await?;
        let body = serde_json::to_string(&InitializeRequest {
            account_number: None,
            date_time: datetime,
            sensitive_data,
            signature,
        })
        .map_err(|_| ProviderFailure::internal(P, "request"))?;
        let mut path = String::from("/check-out/initialize/");
        path.push_str(&self.merchant_id);
        path.push('/');
        path.push_str(p.invoice);
        let ip = shopper_ipv4(p.shopper_ip);
        let client = client_type(p.device).as_str();
        let (reply, latency_ms) = self
            .send(
                "initialize",
                Method::Post,
                &path,
                Some(&body),
                Some((ip, client)),
                calls,
            )
            .await?;
        let init = interpret::read_sealed(reply.status, &reply.body)
            .and_then(|sealed| self.open(&sealed.sensitive_data, &sealed.signature));
        calls.push(record(
            P,
            "initialize",
            Some(reply.status),
            error_code(&reply.body).as_deref(),
            result_word(&init),
            latency_ms,
        ));
        let init = init?;

        let plain = interpret::complete_plain(&self.merchant_id, p.invoice, p.amount, &init.challenge)?;
        let (sensitive_data, signature) = self.seal(&plain, &mut rng).await?;
        let body = interpret::complete_body(sensitive_data, signature, p.callback_url, p.merchant_name, p.invoice);
        let body = serde_json::to_string(&body).map_err(|_| ProviderFailure::internal(P, "request"))?;
        let segment =
            path_segment(&init.payment_reference_id).ok_or_else(|| ProviderFailure::unavailable(P, "unreadable"))?;
        let mut path = String::from("/check-out/complete/");
        path.push_str(&segment);
        let (reply, latency_ms) = self
            .send("complete", Method::Post, &path, Some(&body), Some((ip, client)), calls)
            .await?;
        let page = interpret::read_complete(reply.status, &reply.body);
        calls.push(record(
            P,
            "complete",
            Some(reply.status),
            error_code(&reply.body).as_deref(),
            result_word(&page),
            latency_ms,
        ));
        Ok(Started {
            provider_ref: init.payment_reference_id,
            redirect_url: page?,
        })
    }

    /// After the shopper came back: verify (B.7). Nagad has no separate "execute".
    pub async fn complete(&self, r: &PaymentRef<'_>, calls: &mut Vec<CallRecord>) -> Result<Outcome, ProviderFailure> {
        self.verify(r, calls).await
    }

    /// Verify (B.7): read-only, safe to repeat.
    pub async fn check(&self, r: &PaymentRef<'_>, calls: &mut Vec<CallRecord>) -> Result<Outcome, ProviderFailure> {
        self.verify(r, calls).await
    }

    async fn verify(&self, r: &PaymentRef<'_>, calls: &mut Vec<CallRecord>) -> Result<Outcome, ProviderFailure> {
        let segment = path_segment(r.provider_ref).ok_or_else(|| ProviderFailure::internal(P, "payment_ref"))?;
        let mut path = String::from("/verify/payment/");
        path.push_str(&segment);
        let (reply, latency_ms) = self.send("verify", Method::Get, &path, None, None, calls).await?;
        let expect = Expect {
            payment_ref: r.provider_ref,
            order_id: r.invoice,
            amount: r.amount,
        };
        let outcome = interpret::read_verify(reply.status, &reply.body, &expect);
        let code = error_code(&reply.body).or_else(|| status_code(&reply.body));
        calls.push(record(
            P,
            "verify",
            Some(reply.status),
            code.as_deref(),
            outcome_word(outcome.as_ref()),
            latency_ms,
        ));
        if let Err(f) = &outcome {
            if f.kind == super::FailureKind::Config {
                super::failure::log_warn(
                    "nagad_verify_needs_attention",
                    &serde_json::json!({ "provider_code": f.provider_code }),
                );
            }
        }
        outcome
    }

    /// `sensitiveData` (encrypted to Nagad: natively where the runtime can, else in Rust) and
    /// `signature` (ours, Web Crypto) over the same bytes.
    async fn seal(&self, plain: &[u8], rng: &mut SeededRng) -> Result<(String, String), ProviderFailure> {
        let sensitive = match native::encrypt(&self.keys, plain) {
            Some(sensitive) => sensitive,
            None => bdpay_shared::crypto::encrypt(plain, &self.keys.gateway, rng).map_err(|e| match e {
                CryptoError::PlainTooLong { .. } => ProviderFailure::internal(P, "plain_too_long"),
                _ => ProviderFailure::config(P, "encrypt"),
            })?,
        };
        let signature = keys::sign(&self.keys, plain).await?;
        Ok((sensitive, signature))
    }

    /// Decrypts the initialize reply with our key and verifies Nagad's signature over the
    /// decrypted bytes (SHA-256, SHA-1 accepted as B.3 allows): natively where the runtime can;
    /// Rust otherwise, and Rust alone names what is wrong with a reply that does not open.
    fn open(&self, sensitive: &str, signature: &str) -> Result<InitializeReplySensitive, ProviderFailure> {
        let opened = native::open(&self.keys, sensitive, signature).map_or_else(
            || open(sensitive, signature, &self.keys.merchant, &self.keys.gateway),
            Ok,
        );
        let opened = opened.map_err(|e| match e {
            CryptoError::Decrypt => ProviderFailure::config(P, "reply_decrypt"),
            CryptoError::BadSignature | CryptoError::NotBase64 { field: "signature" } => {
                ProviderFailure::config(P, "reply_signature")
            }
            _ => ProviderFailure::unavailable(P, "unreadable"),
        })?;
        interpret::read_initialize(&opened.plain)
    }

    /// One call under the API base, directly or through the relay. `km` = (shopper IPv4,
    /// client type) for the B.2 headers of initialize, complete and cancel (with `X-KM-MC-Id`).
    async fn send(
        &self,
        op: &'static str,
        method: Method,
        path: &str,
        body: Option<&str>,
        km: Option<(&str, &str)>,
        calls: &mut Vec<CallRecord>,
    ) -> Result<(Reply, u32), ProviderFailure> {
        let target = transport::join(&self.base_url, path);
        let via = match (&self.relay, &self.relay_key) {
            (Some(url), Some(key)) => Some(relay::Via {
                url,
                key: key.expose().as_bytes(),
            }),
            // config.rs refuses a relay without its key; never send an unsigned call.
            (Some(_), None) => return Err(ProviderFailure::config(P, "relay_key")),
            (None, _) => None,
        };
        let now_secs = crate::clock::now_ms().div_euclid(1000);
        let (url, relay_headers) = relay::route(&target, via, method.as_ref(), body.unwrap_or("").as_bytes(), now_secs);
        let mut headers = interpret::request_headers(body.is_some(), km, &self.merchant_id);
        headers.extend(relay_headers.iter().map(|(name, value)| (*name, value.as_str())));
        let call = Call {
            method,
            url,
            headers: &headers,
            body,
            timeout: TIMEOUT,
        };
        let (result, latency_ms) = transport::send(&call).await;
        match result {
            // The relay refused us (signature, target or path): our setup. Otherwise it could not reach Nagad.
            Ok(reply) if reply.relay_error && reply.status == 403 => {
                calls.push(record(P, op, Some(403), Some("relay_refused"), "error", latency_ms));
                Err(ProviderFailure::config(P, "relay_refused"))
            }
            Ok(reply) if reply.relay_error => {
                calls.push(record(P, op, Some(reply.status), Some("relay"), "unknown", latency_ms));
                Err(ProviderFailure::unavailable(P, "relay"))
            }
            Ok(reply) => Ok((reply, latency_ms)),
            Err(e) => {
                calls.push(record(P, op, None, Some(e.code()), "unknown", latency_ms));
                Err(match e {
                    transport::SendError::Timeout => ProviderFailure::timeout(P),
                    _ => ProviderFailure::unavailable(P, e.code()),
                })
            }
        }
    }
}

/// Nagad's `reason` in an error body, for the call record.
fn error_code(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<bdpay_shared::wire::nagad::ErrorBody>(body)
        .ok()
        .map(|e| safe_code(&e.reason))
}

/// Verify's `statusCode`, for the call record.
fn status_code(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("statusCode").and_then(serde_json::Value::as_str).map(safe_code)
}
