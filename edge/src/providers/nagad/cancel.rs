//! Nagad purchase cancel (docs/providers.md B.8), the refund: sealed like initialize but under the
//! key `sensitiveDataCancelRequest`, the reply sealed to us. No status endpoint and no
//! idempotency key: an unclear cancel is settled by verify (B.7), never sent again.

use bdpay_shared::crypto::open;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::nagad::PaymentStatus as NagadStatus;
use bdpay_shared::wire::nagad::{CancelReplySensitive, CancelRequest, CancelSensitive, VerifyReply};
use bdpay_shared::wire::time::DhakaTime;
use worker::Method;

use super::interpret::{client_type, error_failure, path_segment, read_sealed, shopper_ipv4};
use super::keys::SeededRng;
use super::{error_code, Nagad};
use crate::providers::failure::{amounts_match, provider_id, record, result_word};
use crate::providers::refund::{RefundAsk, Refunded, SeenRefund};
use crate::providers::{CallRecord, Device, ProviderFailure};

const P: Provider = Provider::Nagad;
/// The most plain bytes one RSA-2048 PKCS#1 v1.5 block takes (B.8).
const MAX_PLAIN: usize = 245;
/// `referenceNo`: alphanumeric, at most this many characters.
pub(crate) const MAX_REFERENCE_NO: usize = 20;

/// Our refund id (`re_` + 24 of `[a-z0-9]`) as Nagad's `referenceNo`: the prefix and its
/// underscore dropped, then the first 20 characters kept. Deterministic, so a lost answer
/// can be matched to the same refund. Unique for a payment's refunds: a refund id's body
/// is base 36 of 120 random bits written least significant digit first, so its first 20
/// characters alone are ~103 uniform random bits; two refunds of one payment sharing them
/// is not a practical event. Anything else is reduced to its ASCII letters and digits.
pub(crate) fn reference_no(refund_id: &str) -> Result<String, ProviderFailure> {
    let body = refund_id.strip_prefix("re_").unwrap_or(refund_id);
    let reference: String = body
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(MAX_REFERENCE_NO)
        .collect();
    if reference.is_empty() {
        return Err(ProviderFailure::internal(P, "reference_no"));
    }
    Ok(reference)
}

/// The plain cancel object, `referenceMessage` shortened until the whole fits one block.
pub(crate) fn cancel_plain(merchant_id: &str, ask: &RefundAsk<'_>) -> Result<Vec<u8>, ProviderFailure> {
    let mut message: String = ask.reason.chars().filter(|c| !c.is_control()).collect();
    if message.trim().is_empty() {
        message = "Refund".into();
    }
    loop {
        let plain = serde_json::to_vec(&CancelSensitive {
            merchant_id: merchant_id.to_owned(),
            order_id: None,
            original_request_date: DhakaTime::from_unix_millis(ask.paid_at_ms).ymd_compact(),
            original_amount: ask.original.to_string(),
            cancel_amount: ask.amount.to_string(),
            reference_no: reference_no(ask.reference)?,
            reference_message: message.clone(),
        })
        .map_err(|_| ProviderFailure::internal(P, "request"))?;
        if plain.len() <= MAX_PLAIN {
            return Ok(plain);
        }
        if message.pop().is_none() {
            return Err(ProviderFailure::internal(P, "plain_too_long"));
        }
    }
}

impl Nagad {
    /// Purchase cancel: moves money back once. `Unknown` failure → verify later.
    pub async fn refund(&self, ask: &RefundAsk<'_>, calls: &mut Vec<CallRecord>) -> Result<Refunded, ProviderFailure> {
        let mut rng = SeededRng::new()?;
        let plain = cancel_plain(&self.merchant_id, ask)?;
        let (sealed, signature) = self.seal(&plain, &mut rng).await?;
        let body = serde_json::to_string(&CancelRequest {
            sensitive_data_cancel_request: sealed,
            signature,
        })
        .map_err(|_| ProviderFailure::internal(P, "request"))?;
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("paymentRefId", ask.provider_ref)
            .append_pair("orderId", ask.invoice)
            .finish();
        let mut path = String::from(bdpay_shared::wire::nagad::path::CANCEL);
        path.push('?');
        path.push_str(&query);
        let km = (shopper_ipv4(None), client_type(Device::Desktop).as_str());
        let (reply, latency_ms) = self
            .send("cancel", Method::Post, &path, Some(&body), Some(km), calls)
            .await?;
        let result = read_sealed(reply.status, &reply.body).and_then(|s| {
            let opened = open(&s.sensitive_data, &s.signature, &self.keys.merchant, &self.keys.gateway)
                .map_err(|_| ProviderFailure::unavailable(P, "reply_unreadable"))?;
            read_cancel(&opened.plain, ask.amount)
        });
        calls.push(record(
            P,
            "cancel",
            Some(reply.status),
            error_code(&reply.body).as_deref(),
            result_word(&result),
            latency_ms,
        ));
        result
    }

    /// Verify (B.7) read for refunds: after a cancel the payment shows `Cancelled`,
    /// `PartialCancelled`, `Refunded` or `PartialRefunded` (any case) and the last cancel's
    /// reference.
    pub async fn refund_status(
        &self,
        ask: &RefundAsk<'_>,
        calls: &mut Vec<CallRecord>,
    ) -> Result<Vec<SeenRefund>, ProviderFailure> {
        let segment = path_segment(ask.provider_ref).ok_or_else(|| ProviderFailure::internal(P, "payment_ref"))?;
        let mut path = String::from("/verify/payment/");
        path.push_str(&segment);
        let (reply, latency_ms) = self.send("verify", Method::Get, &path, None, None, calls).await?;
        let result = read_verify_refunds(reply.status, &reply.body);
        calls.push(record(
            P,
            "verify",
            Some(reply.status),
            error_code(&reply.body).as_deref(),
            result_word(&result),
            latency_ms,
        ));
        result
    }
}

/// The opened cancel reply (B.8) for a refund of `asked`. Any refund word (`Cancelled`,
/// `PartialCancelled`, `Refunded`, `PartialRefunded`, any case) with a readable
/// `cancelTrxId` means the money moved: completed, once `cancelAmount` (when sent) is the
/// amount asked; another amount is a [`crate::providers::FailureKind::Mismatch`].
pub(crate) fn read_cancel(plain: &[u8], asked: Money) -> Result<Refunded, ProviderFailure> {
    let r: CancelReplySensitive =
        serde_json::from_slice(plain).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))?;
    if !NagadStatus::parse(&r.status).is_refund_word() {
        return Err(ProviderFailure::unavailable(P, "cancel_not_confirmed"));
    }
    if !r.cancel_amount.trim().is_empty() && !amounts_match(&r.cancel_amount, asked) {
        return Err(ProviderFailure::mismatch(P, "refund_amount_mismatch"));
    }
    match provider_id(&r.cancel_trx_id) {
        Some(id) => Ok(Refunded {
            refund_ref: id.to_owned(),
        }),
        None => Err(ProviderFailure::unavailable(P, "cancel_not_confirmed")),
    }
}

pub(crate) fn read_verify_refunds(status: u16, body: &[u8]) -> Result<Vec<SeenRefund>, ProviderFailure> {
    if !(200..300).contains(&status) || super::interpret::refusal(body).is_some() {
        return Err(error_failure(status, body));
    }
    let v: VerifyReply = serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))?;
    let reference = v.cancel_issuer_ref_no.as_deref().and_then(provider_id);
    Ok(match reference {
        Some(reference) if v.status.is_refund_word() => vec![SeenRefund {
            refund_ref: reference.to_owned(),
            amount: None,
            completed: true,
        }],
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(reason: &str) -> RefundAsk<'_> {
        RefundAsk {
            provider_ref: "MTEy",
            trx_id: "",
            invoice: "BDP20241125A0042",
            original: Money::parse("499999.99").unwrap(),
            amount: Money::parse("499999.99").unwrap(),
            reference: "re_0123456789abcdefghijklmn",
            reason,
            paid_at_ms: 1_732_521_931_000,
        }
    }

    #[test]
    fn the_plain_cancel_object_always_fits_one_block() {
        let long = "ক".repeat(200);
        let plain = cancel_plain("683002007104225", &ask(&long)).unwrap();
        assert!(plain.len() <= MAX_PLAIN, "{}", plain.len());
        let v: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(v["originalRequestDate"], "20241125");
        assert_eq!(v["referenceNo"], "0123456789abcdefghij");
    }

    #[test]
    fn reference_no_is_alphanumeric_at_most_20_and_deterministic() {
        let r = reference_no("re_0123456789abcdefghijklmn").unwrap();
        assert_eq!(r, "0123456789abcdefghij");
        assert!(r.len() <= MAX_REFERENCE_NO && r.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(
            reference_no("re_0123456789abcdefghijklmn").unwrap(),
            r,
            "same refund, same referenceNo"
        );
        assert_ne!(
            reference_no("re_1123456789abcdefghijklmn").unwrap(),
            r,
            "refunds differing early differ"
        );
        assert_eq!(reference_no("re_ab-c").unwrap(), "abc");
        assert!(reference_no("re_").is_err());
        // Ids from random bytes: distinct draws give distinct references.
        let ids: Vec<_> = (0u8..50)
            .map(|i| bdpay_shared::ids::RefundId::from_random([i.wrapping_mul(37).wrapping_add(1); 15]))
            .collect();
        let mut refs: Vec<_> = ids.iter().map(|id| reference_no(id.as_str()).unwrap()).collect();
        refs.sort();
        refs.dedup();
        assert_eq!(refs.len(), ids.len());
    }

    #[test]
    fn every_refund_word_is_completed_and_a_wrong_amount_is_a_mismatch() {
        let asked = Money::parse("250").unwrap();
        for word in [
            "Cancelled",
            "PartialCancelled",
            "Refunded",
            "PartialRefunded",
            "partialrefunded",
            "REFUNDED",
        ] {
            let body = format!(
                r#"{{"status":"{word}","code":"00_0000_000","originalAmount":"1250.00","cancelAmount":"250.00","cancelTrxId":"0001AB7Q"}}"#
            );
            assert_eq!(
                read_cancel(body.as_bytes(), asked).unwrap().refund_ref,
                "0001AB7Q",
                "{word}"
            );
            let verify = format!(r#"{{"status":"{word}","cancelIssuerRefNo":"0001AB7Q"}}"#);
            let seen = read_verify_refunds(200, verify.as_bytes()).unwrap();
            assert!(seen.len() == 1 && seen[0].completed, "{word}");
        }
        let other = br#"{"status":"PartialCancelled","code":"00_0000_000","originalAmount":"1250.00","cancelAmount":"25.00","cancelTrxId":"0001AB7Q"}"#;
        let f = read_cancel(other, asked).unwrap_err();
        assert_eq!(
            (f.kind, f.provider_code.as_deref()),
            (crate::providers::FailureKind::Mismatch, Some("refund_amount_mismatch"))
        );
        let long = format!(
            r#"{{"status":"Refunded","code":"0","originalAmount":"1","cancelAmount":"250","cancelTrxId":"{}"}}"#,
            "X".repeat(40)
        );
        assert_eq!(read_cancel(long.as_bytes(), asked).unwrap().refund_ref.len(), 40);
        assert!(read_cancel(
            br#"{"status":"Success","code":"0","originalAmount":"1","cancelAmount":"250","cancelTrxId":"X"}"#,
            asked
        )
        .is_err());
    }

    #[test]
    fn verify_after_a_cancel_shows_the_last_cancel() {
        let body = br#"{"status":"PartialCancelled","cancelIssuerRefNo":"0001AB7Q","amount":"1250.00"}"#;
        assert_eq!(read_verify_refunds(200, body).unwrap()[0].refund_ref, "0001AB7Q");
        assert!(read_verify_refunds(200, br#"{"status":"Success"}"#).unwrap().is_empty());
        let ok = br#"{"status":"Cancelled","code":"00_0000_000","originalAmount":"1","cancelAmount":"1","cancelTrxId":"X1"}"#;
        assert_eq!(read_cancel(ok, Money::parse("1").unwrap()).unwrap().refund_ref, "X1");
    }
}
