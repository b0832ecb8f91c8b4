//! bKash's webhook through Amazon SNS (docs/providers.md A.13). Nothing in a delivery is trusted
//! before its signature checks out with a certificate from an allowed place:
//!
//! 1. `SigningCertURL` is checked **before** any fetch: live mode takes only
//!    `https://sns.<region>.amazonaws.com[.cn]/….pem`; test mode also takes
//!    `http(s)://<host[:port]>/….pem` for a host in `BKASH_SNS_CERT_HOSTS`, or verifies with
//!    the pinned `BKASH_SNS_CERT_PEM_B64` without fetching anything.
//! 2. `TopicArn` must equal `BKASH_SNS_TOPIC_ARN` when that is set.
//! 3. The string to sign comes from `bdpay_shared::wire::sns` (the raw `Message` string);
//!    `SignatureVersion` 1 = SHA1withRSA, 2 = SHA256withRSA, nothing else.
//! 4. Certificates are cached by URL: in the isolate's memory and in KV (`CACHE`, 24 h).
//!
//! Even verified, a Notification's amount is not money in our ledger: confirm with query.

use std::cell::RefCell;

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::WebhookPayment;
use bdpay_shared::wire::sns::{is_amazon_cert_url, Envelope, MessageType, SignatureHash};
use rsa::pkcs8::DecodePublicKey;
use rsa::RsaPublicKey;
use sha2::{Digest, Sha256};
use worker::{Env, Method};
use x509_cert::der::{Decode, Encode};

use crate::providers::config::{Mode, SnsConfig};
use crate::providers::failure::log_warn;
use crate::providers::transport::{self, Call};
use crate::providers::{FailureKind, ProviderConfig, ProviderFailure};

const P: Provider = Provider::Bkash;
/// KV binding for certificates (wrangler.toml `CACHE`).
const KV_BINDING: &str = "CACHE";
const KV_TTL_SECS: u64 = 24 * 3600;
const FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const MAX_CACHED: usize = 8;

/// A delivery whose signature checked out.
#[derive(Clone, Debug)]
pub enum SnsVerified {
    /// One completed payment into the merchant wallet. Dedupe on `message_id` (SNS redelivers
    /// with the same id). `message.debit_msisdn` is personal data: never log it.
    Notification {
        message_id: String,
        message: Box<WebhookPayment>,
    },
    /// Confirm by [`confirm_subscription`] (its host was already checked).
    SubscriptionConfirmation {
        subscribe_url: String,
    },
    UnsubscribeConfirmation,
}

thread_local! {
    static CERTS: RefCell<Vec<(String, RsaPublicKey)>> = const { RefCell::new(Vec::new()) };
}

/// Verifies one SNS delivery (the raw request body) and says what it is.
pub async fn verify_sns(body: &[u8], config: &ProviderConfig, env: &Env) -> Result<SnsVerified, ProviderFailure> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|_| refused(ErrorCode::InvalidRequest, "sns_unreadable"))?;
    let checked = precheck(&envelope, &config.sns)?;
    let now_ms = crate::clock::now_ms();
    let mut verified = false;
    if let Some(pem) = config
        .sns
        .pinned_cert_pem
        .as_ref()
        .filter(|_| config.mode == Mode::Test)
    {
        match key_from_pem(pem.expose(), now_ms) {
            Ok(key) => verified = signature_ok(&checked, &envelope.signature, &key),
            Err(step) => log_warn("sns_pinned_certificate_unusable", &serde_json::json!({ "step": step })),
        }
    }
    if !verified {
        if !cert_url_allowed(&envelope.signing_cert_url, config.mode, &config.sns.cert_hosts) {
            return Err(refused(ErrorCode::Unauthorized, "sns_cert_url"));
        }
        let key = cert_key(&envelope.signing_cert_url, env, now_ms).await?;
        verified = signature_ok(&checked, &envelope.signature, &key);
    }
    if !verified {
        return Err(refused(ErrorCode::Unauthorized, "sns_signature"));
    }
    outcome(envelope, &config.sns, config.mode)
}

/// Confirms a subscription by GETting `SubscribeURL`, only on an allowed host (A.13: after
/// the signature checked out, which [`verify_sns`] did).
pub async fn confirm_subscription(subscribe_url: &str, config: &ProviderConfig) -> Result<(), ProviderFailure> {
    if !subscribe_url_allowed(subscribe_url, config.mode, &config.sns.cert_hosts) {
        return Err(refused(ErrorCode::Unauthorized, "sns_subscribe_url"));
    }
    let call = Call {
        method: Method::Get,
        url: subscribe_url,
        headers: &[],
        body: None,
        timeout: FETCH_TIMEOUT,
    };
    match transport::send(&call).await.0 {
        Ok(reply) if (200..300).contains(&reply.status) => Ok(()),
        Ok(reply) => Err(ProviderFailure::unavailable(
            P,
            &super::interpret::http_code(reply.status),
        )),
        Err(e) => Err(super::send_failure(e)),
    }
}

/// What a delivery must be before any key is looked at.
#[derive(Debug)]
struct Checked {
    string_to_sign: String,
    hash: SignatureHash,
}

fn precheck(envelope: &Envelope, sns: &SnsConfig) -> Result<Checked, ProviderFailure> {
    if envelope.kind == MessageType::Unknown {
        return Err(refused(ErrorCode::InvalidRequest, "sns_type"));
    }
    match sns.topic_arn.as_deref() {
        Some(want) if want != envelope.topic_arn => return Err(refused(ErrorCode::Unauthorized, "sns_topic")),
        None if sns.topic_required => {
            log_warn(
                "sns_topic_arn_not_configured",
                &serde_json::json!({ "setting": "LIVE_BKASH_SNS_TOPIC_ARN" }),
            );
            return Err(ProviderFailure::config(Provider::Bkash, "sns_topic_not_configured"));
        }
        _ => {}
    }
    let hash = envelope
        .signature_hash()
        .ok_or_else(|| refused(ErrorCode::Unauthorized, "sns_sig_version"))?;
    let string_to_sign = envelope
        .string_to_sign()
        .ok_or_else(|| refused(ErrorCode::InvalidRequest, "sns_unreadable"))?;
    Ok(Checked { string_to_sign, hash })
}

/// RSA PKCS#1 v1.5 over the string to sign with exactly the hash `SignatureVersion` names.
fn signature_ok(checked: &Checked, signature_b64: &str, key: &RsaPublicKey) -> bool {
    use bdpay_shared::crypto::Hash;
    let want = match checked.hash {
        SignatureHash::Sha1 => Hash::Sha1,
        SignatureHash::Sha256 => Hash::Sha256,
    };
    bdpay_shared::crypto::verify(checked.string_to_sign.as_bytes(), signature_b64, key, true) == Ok(want)
}

/// The verified delivery in our terms (the subscribe URL's host is checked here too).
fn outcome(envelope: Envelope, sns: &SnsConfig, mode: Mode) -> Result<SnsVerified, ProviderFailure> {
    match envelope.kind {
        MessageType::Notification => {
            let message: WebhookPayment = serde_json::from_str(&envelope.message)
                .map_err(|_| refused(ErrorCode::InvalidRequest, "sns_message"))?;
            Ok(SnsVerified::Notification {
                message_id: envelope.message_id,
                message: Box::new(message),
            })
        }
        MessageType::SubscriptionConfirmation => {
            let subscribe_url = envelope.subscribe_url.unwrap_or_default();
            if !subscribe_url_allowed(&subscribe_url, mode, &sns.cert_hosts) {
                return Err(refused(ErrorCode::Unauthorized, "sns_subscribe_url"));
            }
            Ok(SnsVerified::SubscriptionConfirmation { subscribe_url })
        }
        MessageType::UnsubscribeConfirmation => Ok(SnsVerified::UnsubscribeConfirmation),
        MessageType::Unknown => Err(refused(ErrorCode::InvalidRequest, "sns_type")),
    }
}

/// A.13 step 1 for `SigningCertURL`, before any fetch.
fn cert_url_allowed(url: &str, mode: Mode, test_hosts: &[String]) -> bool {
    if is_amazon_cert_url(url) {
        return true;
    }
    mode == Mode::Test && test_host(url, test_hosts).is_some_and(|u| u.path().ends_with(".pem"))
}

/// Where `SubscribeURL` may point: Amazon SNS over https (any path), or a test host.
fn subscribe_url_allowed(url: &str, mode: Mode, test_hosts: &[String]) -> bool {
    let amazon = match url::Url::parse(url) {
        Ok(u) => {
            u.scheme() == "https"
                && u.port().is_none()
                && u.username().is_empty()
                && u.password().is_none()
                && u.host_str().is_some_and(is_amazon_sns_host)
        }
        Err(_) => false,
    };
    amazon || (mode == Mode::Test && test_host(url, test_hosts).is_some())
}

/// `sns.<region>.amazonaws.com` or `….amazonaws.com.cn`, region in `[a-z0-9-]`.
fn is_amazon_sns_host(host: &str) -> bool {
    let region = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))
        .and_then(|h| h.strip_prefix("sns."));
    region.is_some_and(|r| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

/// The URL if it is http(s) on one of the test hosts (`host` or `host:port`, lower case).
fn test_host(url: &str, hosts: &[String]) -> Option<url::Url> {
    let u = url::Url::parse(url).ok()?;
    if !matches!(u.scheme(), "http" | "https") || !u.username().is_empty() || u.password().is_some() {
        return None;
    }
    let host = u.host_str()?.to_ascii_lowercase();
    let with_port = match u.port() {
        Some(port) => {
            let mut s = host.clone();
            s.push(':');
            s.push_str(&port.to_string());
            s
        }
        None => host.clone(),
    };
    hosts
        .iter()
        .any(|h| *h == with_port || (u.port().is_none() && *h == host))
        .then_some(u)
}

/// The RSA key of the first certificate in `pem`, if it has not expired.
fn key_from_pem(pem: &str, now_ms: i64) -> Result<RsaPublicKey, &'static str> {
    let begin = "-----BEGIN CERTIFICATE-----";
    let start = pem.find(begin).ok_or("pem")? + begin.len();
    let rest = pem.get(start..).ok_or("pem")?;
    let end = rest.find("-----END CERTIFICATE-----").ok_or("pem")?;
    let body: String = rest
        .get(..end)
        .ok_or("pem")?
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| "pem")?
    };
    let cert = x509_cert::Certificate::from_der(&der).map_err(|_| "certificate")?;
    let not_after_secs = cert.tbs_certificate.validity.not_after.to_unix_duration().as_secs();
    if u64::try_from(now_ms / 1000).unwrap_or(0) > not_after_secs {
        return Err("certificate_expired");
    }
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|_| "spki")?;
    RsaPublicKey::from_public_key_der(&spki).map_err(|_| "rsa_key")
}

/// The key behind an allowed certificate URL: memory, then KV, then a fetch.
async fn cert_key(url: &str, env: &Env, now_ms: i64) -> Result<RsaPublicKey, ProviderFailure> {
    if let Some(key) = CERTS.with(|c| c.borrow().iter().find(|(u, _)| u == url).map(|(_, k)| k.clone())) {
        return Ok(key);
    }
    let kv = env.kv(KV_BINDING).ok();
    let kv_key = kv_key(url);
    let mut pem = None;
    if let Some(kv) = &kv {
        pem = kv.get(&kv_key).text().await.ok().flatten();
    }
    let from_kv = pem.is_some();
    let pem = match pem {
        Some(pem) => pem,
        None => fetch_cert(url).await?,
    };
    let key = key_from_pem(&pem, now_ms).map_err(|step| {
        log_warn("sns_certificate_unusable", &serde_json::json!({ "step": step }));
        refused(ErrorCode::Unauthorized, "sns_certificate")
    })?;
    if let (Some(kv), false) = (&kv, from_kv) {
        if let Ok(put) = kv.put(&kv_key, pem) {
            let _ = put.expiration_ttl(KV_TTL_SECS).execute().await;
        }
    }
    CERTS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_CACHED {
            c.clear();
        }
        c.push((url.to_owned(), key.clone()));
    });
    Ok(key)
}

async fn fetch_cert(url: &str) -> Result<String, ProviderFailure> {
    let call = Call {
        method: Method::Get,
        url,
        headers: &[],
        body: None,
        timeout: FETCH_TIMEOUT,
    };
    match transport::send(&call).await.0 {
        Ok(reply) if reply.status == 200 => {
            String::from_utf8(reply.body).map_err(|_| refused(ErrorCode::Unauthorized, "sns_certificate"))
        }
        Ok(_) | Err(_) => Err(ProviderFailure::unavailable(P, "sns_cert_fetch")),
    }
}

/// `sns-cert:` + the first 32 hex digits of SHA-256(url).
fn kv_key(url: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(url.as_bytes());
    let mut key = String::from("sns-cert:");
    for b in digest.iter().take(16) {
        key.push(char::from(HEX[usize::from(b >> 4)]));
        key.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    key
}

/// A delivery we refuse: final, not retryable, the provider named.
fn refused(code: ErrorCode, provider_code: &str) -> ProviderFailure {
    ProviderFailure {
        provider: P,
        kind: FailureKind::Declined,
        code,
        provider_code: Some(provider_code.to_owned()),
        retryable: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = include_str!("../../../../tests/sandbox/test-keys/sns-signing.cert.pem");
    const KEY: &str = include_str!("../../../../tests/sandbox/test-keys/sns-signing.key.pem");
    const NOW: i64 = 1_800_000_000_000;

    fn envelope(kind: &str, version: &str) -> Envelope {
        let mut e = Envelope {
            kind: serde_json::from_value(serde_json::Value::String(kind.into())).unwrap(),
            message_id: "5c1f0e8a".into(),
            token: None,
            topic_arn: "arn:aws:sns:ap-southeast-1:000000000000:bpt_50022".into(),
            subject: None,
            message: r#"{"dateTime":"20241125140702","debitMSISDN":"8801770618575","creditOrganizationName":"Demo Shop","creditShortCode":"50022","trxID":"CKP40QZ7TM","transactionStatus":"Completed","transactionType":"10002294","amount":"1250.00","currency":"BDT","transactionReference":"","merchantInvoiceNumber":"BDP20241125A0042"}"#.into(),
            subscribe_url: None,
            timestamp: "2024-11-25T08:07:03.120Z".into(),
            signature_version: version.into(),
            signature: String::new(),
            signing_cert_url: "http://127.0.0.1:8790/bkash/sns/SimpleNotificationService-sandbox.pem".into(),
            unsubscribe_url: None,
        };
        if kind != "Notification" {
            e.token = Some("tok".into());
            e.subscribe_url = Some("http://127.0.0.1:8790/bkash/sns/subscribe?token=tok".into());
        }
        e
    }

    fn sign(e: &mut Envelope) {
        use bdpay_shared::crypto::Hash;
        let key = bdpay_shared::crypto::parse_private_key(KEY).unwrap();
        let text = e.string_to_sign().unwrap();
        let hash = if e.signature_version == "1" {
            Hash::Sha1
        } else {
            Hash::Sha256
        };
        e.signature = bdpay_shared::crypto::sign(text.as_bytes(), &key, hash).unwrap();
    }

    fn hosts() -> Vec<String> {
        vec!["127.0.0.1:8790".into()]
    }

    #[test]
    fn the_sandbox_certificate_verifies_both_signature_versions() {
        let key = key_from_pem(CERT, NOW).unwrap();
        for version in ["1", "2"] {
            let mut e = envelope("Notification", version);
            sign(&mut e);
            let checked = precheck(&e, &SnsConfig::default()).unwrap();
            assert!(signature_ok(&checked, &e.signature, &key), "v{version}");
            let mut tampered = e.clone();
            tampered.message = tampered.message.replace("1250.00", "9250.00");
            let checked = precheck(&tampered, &SnsConfig::default()).unwrap();
            assert!(
                !signature_ok(&checked, &tampered.signature, &key),
                "v{version} tampered"
            );
        }
    }

    #[test]
    fn the_version_decides_the_hash() {
        let key = key_from_pem(CERT, NOW).unwrap();
        let mut e = envelope("Notification", "2");
        sign(&mut e);
        e.signature_version = "1".into();
        let checked = precheck(&e, &SnsConfig::default()).unwrap();
        assert!(
            !signature_ok(&checked, &e.signature, &key),
            "a SHA-256 signature is not a version 1 signature"
        );
        e.signature_version = "3".into();
        assert_eq!(
            precheck(&e, &SnsConfig::default())
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("sns_sig_version")
        );
    }

    #[test]
    fn certificate_urls_are_checked_before_any_fetch() {
        let amazon = "https://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-abc.pem";
        let sandbox = "http://127.0.0.1:8790/bkash/sns/SimpleNotificationService-sandbox.pem";
        assert!(cert_url_allowed(amazon, Mode::Live, &[]));
        assert!(
            !cert_url_allowed(sandbox, Mode::Live, &hosts()),
            "live never trusts test hosts"
        );
        assert!(cert_url_allowed(sandbox, Mode::Test, &hosts()));
        for bad in [
            "http://127.0.0.1:8791/x.pem",
            "http://127.0.0.1:8790/x.txt",
            "http://user@127.0.0.1:8790/x.pem",
            "ftp://127.0.0.1:8790/x.pem",
            "http://sns.ap-southeast-1.amazonaws.com/x.pem",
            "https://sns.ap-southeast-1.amazonaws.com.evil.example/x.pem",
        ] {
            assert!(!cert_url_allowed(bad, Mode::Test, &hosts()), "{bad}");
        }
        assert!(subscribe_url_allowed(
            "https://sns.ap-southeast-1.amazonaws.com/?Action=ConfirmSubscription&Token=t",
            Mode::Live,
            &[]
        ));
        assert!(!subscribe_url_allowed(
            "https://evil.example/?Action=ConfirmSubscription",
            Mode::Live,
            &[]
        ));
        assert!(!subscribe_url_allowed(
            "http://127.0.0.1:8790/bkash/sns/subscribe",
            Mode::Live,
            &hosts()
        ));
        assert!(subscribe_url_allowed(
            "http://127.0.0.1:8790/bkash/sns/subscribe",
            Mode::Test,
            &hosts()
        ));
    }

    #[test]
    fn topic_and_type_are_checked() {
        let e = envelope("Notification", "1");
        let sns = SnsConfig {
            topic_arn: Some("arn:aws:sns:ap-southeast-1:000000000000:other".into()),
            ..SnsConfig::default()
        };
        assert_eq!(
            precheck(&e, &sns).unwrap_err().provider_code.as_deref(),
            Some("sns_topic")
        );
        let sns = SnsConfig {
            topic_arn: Some(e.topic_arn.clone()),
            ..SnsConfig::default()
        };
        assert!(precheck(&e, &sns).is_ok());
        // Live requires the topic: without it nothing is accepted (nor confirmed).
        let live_without_topic = SnsConfig {
            topic_required: true,
            ..SnsConfig::default()
        };
        let refused = precheck(&e, &live_without_topic).unwrap_err();
        assert_eq!(refused.provider_code.as_deref(), Some("sns_topic_not_configured"));
        let mut no_token = envelope("SubscriptionConfirmation", "1");
        no_token.token = None;
        assert!(precheck(&no_token, &SnsConfig::default()).is_err());
    }

    #[test]
    fn verified_deliveries_become_our_variants() {
        let e = envelope("Notification", "1");
        let SnsVerified::Notification { message_id, message } = outcome(e, &SnsConfig::default(), Mode::Test).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (
                message_id.as_str(),
                message.trx_id.as_str(),
                message.merchant_invoice_number.as_str()
            ),
            ("5c1f0e8a", "CKP40QZ7TM", "BDP20241125A0042")
        );
        let sub = envelope("SubscriptionConfirmation", "1");
        let test = SnsConfig {
            cert_hosts: hosts(),
            ..SnsConfig::default()
        };
        assert!(matches!(
            outcome(sub.clone(), &test, Mode::Test),
            Ok(SnsVerified::SubscriptionConfirmation { .. })
        ));
        assert_eq!(
            outcome(sub, &test, Mode::Live).unwrap_err().provider_code.as_deref(),
            Some("sns_subscribe_url")
        );
        assert!(matches!(
            outcome(envelope("UnsubscribeConfirmation", "1"), &test, Mode::Test),
            Ok(SnsVerified::UnsubscribeConfirmation)
        ));
    }

    #[test]
    fn a_message_without_the_optional_fields_is_accepted() {
        let mut e = envelope("Notification", "1");
        e.message = r#"{"debitMSISDN":"8801770618575","creditShortCode":"50022","trxID":"CKP40QZ7TM","transactionStatus":"Completed","transactionType":"10002294","amount":"1250.00","currency":"BDT","merchantInvoiceNumber":"BDP20241125A0042"}"#.into();
        let Ok(SnsVerified::Notification { message, .. }) = outcome(e.clone(), &SnsConfig::default(), Mode::Test)
        else {
            panic!("no dateTime, creditOrganizationName, transactionReference: still read")
        };
        assert_eq!(
            (message.trx_id.as_str(), message.merchant_invoice_number.as_str()),
            ("CKP40QZ7TM", "BDP20241125A0042")
        );
        e.message = r#"{"trxID":"CKP40QZ7TM","transactionStatus":"Completed"}"#.into();
        assert!(
            outcome(e.clone(), &SnsConfig::default(), Mode::Test).is_ok(),
            "only what we use"
        );
        e.message = r#"{"transactionStatus":"Completed","amount":"1"}"#.into();
        assert_eq!(
            outcome(e, &SnsConfig::default(), Mode::Test)
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("sns_message")
        );
    }

    #[test]
    fn expired_or_garbage_certificates_are_refused() {
        assert_eq!(
            key_from_pem(CERT, 4_102_444_800_000 * 2).unwrap_err(),
            "certificate_expired"
        );
        assert_eq!(key_from_pem("no pem here", NOW).unwrap_err(), "pem");
        assert_eq!(kv_key("https://x/a.pem").len(), "sns-cert:".len() + 32);
    }
}
