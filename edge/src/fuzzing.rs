//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`; never in the worker):
//! each takes untrusted bytes as the edge receives them and runs the edge's own reading code,
//! answering in plain summaries so the targets need none of the edge's private types.

use bdpay_shared::crypto::{self, CryptoError, RsaPrivateKey, RsaPublicKey};
use bdpay_shared::money::Money;
use bdpay_shared::wire::bkash::WebhookPayment;
use bdpay_shared::wire::sns::{is_amazon_cert_url, Envelope, MessageType};

use crate::batch::input;
use crate::providers::bkash::interpret as bkash;
use crate::providers::nagad::interpret as nagad;
use crate::providers::{Outcome, ProviderFailure, Started};

/// What the edge made of a provider reply, in words a target can check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    /// `ok`, `succeeded`, `pending`, `cancelled`, `not_executed`, `requery`, `declined`,
    /// `unknown`, `mismatch` or `error`.
    pub word: &'static str,
    /// The failure's provider code (it reaches logs and the ledger).
    pub provider_code: Option<String>,
    /// A succeeded payment's transaction id (it reaches logs and the ledger).
    pub trx_id: Option<String>,
    /// A succeeded payment's masked payer number.
    pub payer_masked: Option<String>,
    /// Where the shopper goes next (create, complete) or the reference read (initialize).
    pub value: Option<String>,
}

impl Read {
    fn word(word: &'static str) -> Read {
        Read {
            word,
            provider_code: None,
            trx_id: None,
            payer_masked: None,
            value: None,
        }
    }

    fn value(word: &'static str, value: String) -> Read {
        Read {
            value: Some(value),
            ..Read::word(word)
        }
    }

    fn failure(f: ProviderFailure) -> Read {
        let word = match f.kind {
            crate::providers::FailureKind::Declined => "declined",
            crate::providers::FailureKind::Unknown => "unknown",
            crate::providers::FailureKind::Config => "error",
            crate::providers::FailureKind::Mismatch => "mismatch",
        };
        Read {
            provider_code: f.provider_code,
            ..Read::word(word)
        }
    }

    fn outcome(result: Result<Outcome, ProviderFailure>) -> Read {
        match result {
            Ok(Outcome::Succeeded {
                trx_id, payer_masked, ..
            }) => Read {
                trx_id: Some(trx_id),
                payer_masked,
                ..Read::word("succeeded")
            },
            Ok(Outcome::Failed(f)) => Read::failure(f),
            Ok(Outcome::Cancelled) => Read::word("cancelled"),
            Ok(Outcome::Pending) => Read::word("pending"),
            Ok(Outcome::NotExecuted) => Read::word("not_executed"),
            Err(f) => Read::failure(f),
        }
    }

    fn started(result: Result<Started, ProviderFailure>) -> Read {
        match result {
            Ok(s) => Read::value("ok", s.redirect_url),
            Err(f) => Read::failure(f),
        }
    }
}

/// The payment a reply is read for: bKash `paymentID` or Nagad `paymentRefId`, our
/// invoice (Nagad `orderId`) and amount.
#[derive(Clone, Copy, Debug)]
pub struct Ours<'a> {
    pub provider_ref: &'a str,
    pub invoice: &'a str,
    pub amount: Money,
}

/// bKash: the first reading of any reply (which envelope came).
pub fn bkash_head(status: u16, body: &[u8]) -> Read {
    match bkash::head(status, body) {
        bkash::Head::Success => Read::word("ok"),
        bkash::Head::Coded(code) => Read {
            provider_code: Some(code),
            ..Read::word("declined")
        },
        bkash::Head::Unauthorized => Read::word("error"),
        bkash::Head::Failed(f) => Read::failure(f),
    }
}

/// bKash create reply.
pub fn bkash_create(status: u16, body: &[u8]) -> Read {
    Read::started(bkash::read_create(status, body))
}

/// bKash execute reply for our payment.
pub fn bkash_execute(status: u16, body: &[u8], ours: Ours<'_>) -> Read {
    let expect = bkash::Expect {
        payment_id: ours.provider_ref,
        invoice: ours.invoice,
        amount: ours.amount,
    };
    match bkash::read_execute(status, body, &expect) {
        bkash::Executed::Done(outcome) => Read::outcome(Ok(outcome)),
        bkash::Executed::Requery => Read::word("requery"),
        bkash::Executed::Nothing => Read::word("not_executed"),
        bkash::Executed::Failed(f) => Read::failure(f),
    }
}

/// bKash query reply for our payment.
pub fn bkash_query(status: u16, body: &[u8], ours: Ours<'_>) -> Read {
    let expect = bkash::Expect {
        payment_id: ours.provider_ref,
        invoice: ours.invoice,
        amount: ours.amount,
    };
    Read::outcome(bkash::read_query(status, body, &expect))
}

/// Nagad complete reply (plain JSON).
pub fn nagad_complete(status: u16, body: &[u8]) -> Read {
    match nagad::read_complete(status, body) {
        Ok(url) => Read::value("ok", url),
        Err(f) => Read::failure(f),
    }
}

/// Nagad verify reply for our payment.
pub fn nagad_verify(status: u16, body: &[u8], ours: Ours<'_>) -> Read {
    let expect = nagad::Expect {
        payment_ref: ours.provider_ref,
        order_id: ours.invoice,
        amount: ours.amount,
    };
    Read::outcome(nagad::read_verify(status, body, &expect))
}

/// Nagad's refusal body for any status.
pub fn nagad_error(status: u16, body: &[u8]) -> Read {
    Read::failure(nagad::error_failure(status, body))
}

/// A Nagad `paymentReferenceId` as the path segment the edge would put in a URL.
pub fn nagad_path_segment(reference: &str) -> Option<String> {
    nagad::path_segment(reference)
}

/// Nagad's sealed initialize reply, opened as the edge's `Nagad::open` does: the HTTP body
/// read, `sensitiveData` decrypted with `own`, the signature checked with `sender`, the
/// plain JSON read. `Nagad::open` is a method of a client built from the worker's config,
/// so its error mapping is repeated here (kept in step with `providers/nagad.rs`).
pub fn nagad_initialize(status: u16, body: &[u8], own: &RsaPrivateKey, sender: &RsaPublicKey) -> Read {
    const P: bdpay_shared::provider::Provider = bdpay_shared::provider::Provider::Nagad;
    let sealed = match nagad::read_sealed(status, body) {
        Ok(s) => s,
        Err(f) => return Read::failure(f),
    };
    let opened = match crypto::open(&sealed.sensitive_data, &sealed.signature, own, sender) {
        Ok(o) => o,
        Err(e) => {
            return Read::failure(match e {
                CryptoError::Decrypt => ProviderFailure::config(P, "reply_decrypt"),
                CryptoError::BadSignature | CryptoError::NotBase64 { field: "signature" } => {
                    ProviderFailure::config(P, "reply_signature")
                }
                _ => ProviderFailure::unavailable(P, "unreadable"),
            })
        }
    };
    match nagad::read_initialize(&opened.plain) {
        Ok(reply) => Read::value("ok", reply.payment_reference_id),
        Err(f) => Read::failure(f),
    }
}

/// What the edge checks of an SNS delivery before any key is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnsRead {
    /// `ok`, or the refusal's provider code (`sns_unreadable`, `sns_type`, `sns_topic`, …).
    pub word: &'static str,
    pub kind: Option<MessageType>,
    pub message: Option<String>,
    pub string_to_sign: Option<String>,
    pub signing_cert_url: Option<String>,
    /// `SigningCertURL` passed the live-mode check (A.13 step 1).
    pub amazon_cert_url: bool,
    /// A Notification's `Message` read as bKash's payment (what follows a good signature).
    pub payment: Option<WebhookPayment>,
}

/// bKash's SNS body up to the signature check, in `verify_sns`'s order: the JSON
/// envelope, type, topic, signature version, string to sign, certificate URL; then the
/// inner payment. The precheck in `providers/bkash/sns.rs` is private, so its steps are
/// taken here through the same `bdpay_shared::wire::sns` calls it makes.
pub fn sns_delivery(body: &[u8], topic_arn: Option<&str>) -> SnsRead {
    let refused = |word| SnsRead {
        word,
        kind: None,
        message: None,
        string_to_sign: None,
        signing_cert_url: None,
        amazon_cert_url: false,
        payment: None,
    };
    let Ok(envelope) = serde_json::from_slice::<Envelope>(body) else {
        return refused("sns_unreadable");
    };
    if envelope.kind == MessageType::Unknown {
        return refused("sns_type");
    }
    if topic_arn.is_some_and(|want| want != envelope.topic_arn) {
        return refused("sns_topic");
    }
    if envelope.signature_hash().is_none() {
        return refused("sns_sig_version");
    }
    let Some(string_to_sign) = envelope.string_to_sign() else {
        return refused("sns_unreadable");
    };
    let payment = match envelope.kind {
        MessageType::Notification => serde_json::from_str::<WebhookPayment>(&envelope.message).ok(),
        _ => None,
    };
    SnsRead {
        word: "ok",
        kind: Some(envelope.kind),
        amazon_cert_url: is_amazon_cert_url(&envelope.signing_cert_url),
        message: Some(envelope.message),
        string_to_sign: Some(string_to_sign),
        signing_cert_url: Some(envelope.signing_cert_url),
        payment,
    }
}

/// One line of a refund batch as the edge checked it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchLine {
    pub line: u32,
    /// `invalid` or `queued` (the two states a fresh batch has).
    pub state: &'static str,
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    pub amount: Option<Money>,
    pub reason: Option<String>,
    pub error_code: Option<String>,
}

/// A refund batch body (`Content-Type` and raw bytes) as `POST /v1/refunds/batch` reads it;
/// `None` when the body as a whole is refused.
pub fn batch_parse(content_type: &str, raw: &[u8]) -> Option<Vec<BatchLine>> {
    let lines = input::parse(content_type, raw).ok()?;
    Some(
        lines
            .into_iter()
            .map(|l| {
                let (payment_id, order_id) = match l.target {
                    Some(crate::batch::Target::Payment(p)) => (Some(p), None),
                    Some(crate::batch::Target::Order(o)) => (None, Some(o)),
                    None => (None, None),
                };
                BatchLine {
                    line: l.line,
                    state: l.state.as_str(),
                    payment_id,
                    order_id,
                    amount: l.amount,
                    reason: l.reason,
                    error_code: l.error.map(|e| e.code),
                }
            })
            .collect(),
    )
}

/// The CSV records of a batch body, as the batch reader splits them.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    input::csv_records(text)
}

/// The most lines a batch may have.
pub const MAX_BATCH_LINES: usize = input::MAX_LINES;
