//! bKash refunds (docs/providers.md A.10) through either API, with the same token and 30 s
//! transport as every other call: v2 (`{BKASH_REFUND_BASE_URL}/v2/tokenized-checkout/refund/
//! payment/{transaction,status}`) or legacy (`{BKASH_BASE_URL}/payment/refund`, with
//! `amount` a refund, without it the refund's status). `BKASH_REFUND_API` picks one per
//! credential; under `auto` an API-Gateway endpoint error from v2 switches the credential to
//! legacy (remembered by the token object) and the same refund goes through legacy at once.
//! No idempotency key: a refund whose answer is lost is settled by refund status, never
//! sent again.

use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{
    path, LegacyRefundRequest, LegacyRefundResponse, RefundRequest, RefundResponse, RefundStatusRequest,
    RefundStatusResponse, TransactionStatus, REFUND_V2_BASE,
};

use super::interpret::{http_code, reply_code};
use super::{recorded, Bkash};
use crate::providers::config::RefundApi;
use crate::providers::failure::{amounts_match, coded, provider_id};
use crate::providers::refund::{RefundAsk, Refunded, SeenRefund};
use crate::providers::transport;
use crate::providers::{CallRecord, ProviderFailure};

const P: Provider = Provider::Bkash;
/// bKash's limit for `sku` and `reason`.
const MAX_TEXT: usize = 255;
/// "Transaction not found" (A.12 table / our catalog, RejectRequest): what refund status
/// answers, in any envelope (legacy: HTTP 200 `statusCode`; v2: HTTP 400 envelope 3
/// `externalCode`), when nothing was refunded for the payment. Read as "no refunds".
const NO_REFUNDS: &str = "2033";

fn clip(s: &str) -> String {
    let mut end = s.len().min(MAX_TEXT);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// The API one refund (or status) call goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    V2,
    Legacy,
}

/// The route for a credential's setting and what its token object remembers.
pub(crate) fn route(setting: RefundApi, remembered_legacy: bool) -> Route {
    match setting {
        RefundApi::V2 => Route::V2,
        RefundApi::Legacy => Route::Legacy,
        RefundApi::Auto if remembered_legacy => Route::Legacy,
        RefundApi::Auto => Route::V2,
    }
}

/// An API-Gateway endpoint error: HTTP 403 `{"message":"Missing Authentication Token"}` or
/// HTTP 404. bKash logic never saw the call, so no money moved.
pub(crate) fn endpoint_missing(status: u16, body: &[u8]) -> bool {
    match status {
        404 => true,
        403 => serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| {
            v.get("message")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("Missing Authentication Token"))
        }),
        _ => false,
    }
}

/// Whether a v2 answer switches the credential to legacy: only under `auto`, only on an
/// endpoint error.
pub(crate) fn switch_to_legacy(setting: RefundApi, status: u16, body: &[u8]) -> bool {
    setting == RefundApi::Auto && endpoint_missing(status, body)
}

impl Bkash {
    fn refund_url(&self, op_path: &str) -> String {
        let mut p = String::from(REFUND_V2_BASE);
        p.push_str(op_path);
        transport::join(&self.refund_base_url, &p)
    }

    async fn route(&self, calls: &mut Vec<CallRecord>) -> Result<Route, ProviderFailure> {
        let remembered = match self.refund_api {
            RefundApi::Auto => self.refund_legacy_known(calls).await?,
            _ => false,
        };
        Ok(route(self.refund_api, remembered))
    }

    /// Makes the refund once. `Unknown` failure → ask [`Bkash::refund_status`].
    pub async fn refund(&self, ask: &RefundAsk<'_>, calls: &mut Vec<CallRecord>) -> Result<Refunded, ProviderFailure> {
        let reason = if ask.reason.trim().is_empty() {
            "Refund"
        } else {
            ask.reason
        };
        if self.route(calls).await? == Route::V2 {
            let body = serde_json::to_string(&RefundRequest {
                payment_id: ask.provider_ref.to_owned(),
                trx_id: ask.trx_id.to_owned(),
                refund_amount: ask.amount.to_string(),
                sku: clip(ask.invoice),
                reason: clip(reason),
            })
            .map_err(|_| ProviderFailure::internal(P, "request"))?;
            let a = self
                .api_url("refund", &self.refund_url(path::REFUND), &body, calls)
                .await?;
            if !switch_to_legacy(self.refund_api, a.status, &a.body) {
                return recorded("refund", &a, read_refund(a.status, &a.body, ask), calls);
            }
            self.remember_refund_legacy("refund", &a, calls).await;
        }
        let body = serde_json::to_string(&LegacyRefundRequest {
            payment_id: ask.provider_ref.to_owned(),
            amount: Some(ask.amount.to_string()),
            trx_id: ask.trx_id.to_owned(),
            sku: Some(clip(ask.invoice)),
            reason: Some(clip(reason)),
        })
        .map_err(|_| ProviderFailure::internal(P, "request"))?;
        let a = self.api("refund", path::LEGACY_REFUND, &body, calls).await?;
        recorded("refund", &a, read_legacy_refund(a.status, &a.body, ask), calls)
    }

    /// Refund status: the refunds bKash shows for the payment, through the credential's
    /// API. Read-only.
    pub async fn refund_status(
        &self,
        ask: &RefundAsk<'_>,
        calls: &mut Vec<CallRecord>,
    ) -> Result<Vec<SeenRefund>, ProviderFailure> {
        if self.route(calls).await? == Route::V2 {
            let body = serde_json::to_string(&RefundStatusRequest {
                payment_id: ask.provider_ref.to_owned(),
                trx_id: ask.trx_id.to_owned(),
            })
            .map_err(|_| ProviderFailure::internal(P, "request"))?;
            let a = self
                .api_url("refund_status", &self.refund_url(path::REFUND_STATUS), &body, calls)
                .await?;
            if !switch_to_legacy(self.refund_api, a.status, &a.body) {
                return recorded("refund_status", &a, read_status(a.status, &a.body), calls);
            }
            self.remember_refund_legacy("refund_status", &a, calls).await;
        }
        let body = serde_json::to_string(&LegacyRefundRequest {
            payment_id: ask.provider_ref.to_owned(),
            amount: None,
            trx_id: ask.trx_id.to_owned(),
            sku: None,
            reason: None,
        })
        .map_err(|_| ProviderFailure::internal(P, "request"))?;
        let a = self.api("refund_status", path::LEGACY_REFUND, &body, calls).await?;
        recorded("refund_status", &a, read_legacy_status(a.status, &a.body, ask), calls)
    }
}

/// A coded refusal, or no usable answer (the refund may have happened). An endpoint
/// error (v2 missing, with `BKASH_REFUND_API=v2`) moved nothing: our configuration.
fn failure(status: u16, body: &[u8]) -> ProviderFailure {
    match reply_code(body) {
        Some(code) if code.trim() != "0000" && !code.trim().is_empty() => match coded(P, code.trim()) {
            Some(c) => c.failure,
            None => ProviderFailure::unavailable(P, "unreadable"),
        },
        _ if endpoint_missing(status, body) => ProviderFailure::config(P, "refund_endpoint"),
        _ if (200..300).contains(&status) => ProviderFailure::unavailable(P, "unreadable"),
        _ => ProviderFailure::unavailable(P, &http_code(status)),
    }
}

/// Whether a status answer is the "nothing refunded" error envelope ([`NO_REFUNDS`]).
fn no_refunds(body: &[u8]) -> bool {
    reply_code(body).is_some_and(|c| c.trim() == NO_REFUNDS)
}

/// The refunded transaction, amount and currency the reply names must be the ones asked:
/// otherwise money moved, but not as asked (`Mismatch`).
fn check_refund(
    original_trx_id: &str,
    amount: &str,
    currency: &str,
    ask: &RefundAsk<'_>,
) -> Result<(), ProviderFailure> {
    if original_trx_id.trim() != ask.trx_id.trim() {
        return Err(ProviderFailure::mismatch(P, "refund_trx_mismatch"));
    }
    if !amounts_match(amount, ask.amount) {
        return Err(ProviderFailure::mismatch(P, "refund_amount_mismatch"));
    }
    if !currency.trim().is_empty() && currency.trim() != "BDT" {
        return Err(ProviderFailure::mismatch(P, "currency_mismatch"));
    }
    Ok(())
}

fn completed_ref(status: TransactionStatus, refund_trx_id: &str) -> Result<Refunded, ProviderFailure> {
    match (status, provider_id(refund_trx_id)) {
        (TransactionStatus::Completed, Some(id)) => Ok(Refunded {
            refund_ref: id.to_owned(),
        }),
        (TransactionStatus::Completed, None) => Err(ProviderFailure::unavailable(P, "unreadable")),
        // Not final: only refund status can say.
        _ => Err(ProviderFailure::unavailable(P, "refund_not_completed")),
    }
}

/// A v2 refund reply (no `statusCode` on success).
pub(crate) fn read_refund(status: u16, body: &[u8], ask: &RefundAsk<'_>) -> Result<Refunded, ProviderFailure> {
    if (200..300).contains(&status) {
        if let Ok(r) = serde_json::from_slice::<RefundResponse>(body) {
            check_refund(&r.original_trx_id, &r.refund_amount, &r.currency, ask)?;
            return completed_ref(r.refund_transaction_status, &r.refund_trx_id);
        }
    }
    Err(failure(status, body))
}

/// A legacy refund reply: `transactionStatus`, `originalTrxID`, `refundTrxID`, `amount`.
pub(crate) fn read_legacy_refund(status: u16, body: &[u8], ask: &RefundAsk<'_>) -> Result<Refunded, ProviderFailure> {
    if (200..300).contains(&status) && reply_code(body).is_none_or(|c| c.trim() == "0000") {
        if let Ok(r) = serde_json::from_slice::<LegacyRefundResponse>(body) {
            check_refund(&r.original_trx_id, &r.amount, &r.currency, ask)?;
            return completed_ref(r.transaction_status, &r.refund_trx_id);
        }
    }
    Err(failure(status, body))
}

fn seen(refund_trx_id: &str, amount: &str, status: TransactionStatus) -> Option<SeenRefund> {
    provider_id(refund_trx_id).map(|id| SeenRefund {
        refund_ref: id.to_owned(),
        amount: Money::parse(amount).ok(),
        completed: status == TransactionStatus::Completed,
    })
}

/// A v2 status reply: every refund of the payment; the "no refunds" envelope is an empty list.
pub(crate) fn read_status(status: u16, body: &[u8]) -> Result<Vec<SeenRefund>, ProviderFailure> {
    if (200..300).contains(&status) {
        if let Ok(r) = serde_json::from_slice::<RefundStatusResponse>(body) {
            return r
                .refund_transactions
                .iter()
                .map(|t| seen(&t.refund_trx_id, &t.refund_amount, t.refund_transaction_status))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ProviderFailure::unavailable(P, "unreadable"));
        }
    }
    if no_refunds(body) {
        return Ok(Vec::new());
    }
    Err(failure(status, body))
}

/// A legacy status reply: the payment's refund (legacy shows one); the "no refunds"
/// envelope is an empty list. A refund of another transaction is a mismatch.
pub(crate) fn read_legacy_status(
    status: u16,
    body: &[u8],
    ask: &RefundAsk<'_>,
) -> Result<Vec<SeenRefund>, ProviderFailure> {
    if no_refunds(body) {
        return Ok(Vec::new());
    }
    if (200..300).contains(&status) && reply_code(body).is_none_or(|c| c.trim() == "0000") {
        if let Ok(r) = serde_json::from_slice::<LegacyRefundResponse>(body) {
            if r.original_trx_id.trim() != ask.trx_id.trim() {
                return Err(ProviderFailure::mismatch(P, "refund_trx_mismatch"));
            }
            return seen(&r.refund_trx_id, &r.amount, r.transaction_status)
                .map(|s| vec![s])
                .ok_or_else(|| ProviderFailure::unavailable(P, "unreadable"));
        }
    }
    Err(failure(status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::FailureKind;

    const DONE: &str = r#"{"originalTrxId":"CKP40QZ7TM","refundTrxId":"CKQ51RA8UN","refundTransactionStatus":"Completed","originalTrxAmount":"1250.00","refundAmount":"250.00","currency":"BDT","completedTime":"2024-11-26T10:12:44:907 GMT+0600","sku":"S","reason":"R"}"#;
    const LEGACY: &str = r#"{"completedTime":"2024-11-26T10:12:44:907 GMT+0600","transactionStatus":"Completed","originalTrxID":"CKP40QZ7TM","refundTrxID":"CKQ51RA8UN","amount":"250.00","currency":"BDT","charge":"0.00"}"#;

    fn ask(amount: &str) -> RefundAsk<'static> {
        RefundAsk {
            provider_ref: "TR0011aB3xQ9k1732522331412",
            trx_id: "CKP40QZ7TM",
            invoice: "BDP20241125A0042",
            original: Money::parse("1250").unwrap(),
            amount: Money::parse(amount).unwrap(),
            reference: "re_0123456789abcdefghijklmn",
            reason: "R",
            paid_at_ms: 0,
        }
    }

    #[test]
    fn a_completed_refund_gives_its_trx_id() {
        assert_eq!(
            read_refund(200, DONE.as_bytes(), &ask("250")).unwrap().refund_ref,
            "CKQ51RA8UN"
        );
        assert_eq!(
            read_legacy_refund(200, LEGACY.as_bytes(), &ask("250"))
                .unwrap()
                .refund_ref,
            "CKQ51RA8UN"
        );
        let long = DONE.replace("CKQ51RA8UN", &"R".repeat(64));
        assert_eq!(
            read_refund(200, long.as_bytes(), &ask("250")).unwrap().refund_ref.len(),
            64
        );
    }

    #[test]
    fn a_refund_of_another_transaction_or_amount_is_a_mismatch() {
        for (body, code) in [
            (
                DONE.replace(r#""originalTrxId":"CKP40QZ7TM""#, r#""originalTrxId":"OTHER00001""#),
                "refund_trx_mismatch",
            ),
            (
                DONE.replace(r#""refundAmount":"250.00""#, r#""refundAmount":"25.00""#),
                "refund_amount_mismatch",
            ),
            (
                DONE.replace(r#""currency":"BDT""#, r#""currency":"USD""#),
                "currency_mismatch",
            ),
        ] {
            let f = read_refund(200, body.as_bytes(), &ask("250")).unwrap_err();
            assert_eq!(
                (f.kind, f.provider_code.as_deref(), f.retryable),
                (FailureKind::Mismatch, Some(code), false)
            );
        }
        let other = LEGACY.replace(r#""amount":"250.00""#, r#""amount":"250.01""#);
        assert_eq!(
            read_legacy_refund(200, other.as_bytes(), &ask("250")).unwrap_err().kind,
            FailureKind::Mismatch
        );
        let other = LEGACY.replace(r#""originalTrxID":"CKP40QZ7TM""#, r#""originalTrxID":"X""#);
        assert_eq!(
            read_legacy_refund(200, other.as_bytes(), &ask("250")).unwrap_err().kind,
            FailureKind::Mismatch
        );
        assert!(
            read_refund(200, DONE.replace("250.00", "250").as_bytes(), &ask("250")).is_ok(),
            "250 == 250.00"
        );
    }

    #[test]
    fn a_refusal_is_declined_and_a_5xx_or_timeout_is_unknown() {
        let over = br#"{"statusCode":"2072","statusMessage":"Refund amount greater than remaining"}"#;
        assert_eq!(
            read_refund(200, over, &ask("250")).unwrap_err().kind,
            FailureKind::Declined
        );
        assert_eq!(
            read_legacy_refund(200, over, &ask("250")).unwrap_err().kind,
            FailureKind::Declined
        );
        assert_eq!(
            read_refund(503, b"oops", &ask("250")).unwrap_err().kind,
            FailureKind::Unknown
        );
        assert_eq!(
            read_refund(200, b"{}", &ask("250")).unwrap_err().kind,
            FailureKind::Unknown
        );
        let missing = br#"{"message":"Missing Authentication Token"}"#;
        assert_eq!(
            read_refund(403, missing, &ask("250")).unwrap_err().kind,
            FailureKind::Config,
            "v2 forced but absent"
        );
    }

    #[test]
    fn status_lists_every_refund() {
        let body = br#"{"originalTrxId":"T","originalTrxAmount":"1250.00","originalTrxCompletedTime":"x","refundTransactions":[{"refundTrxId":"A1","refundTransactionStatus":"Completed","refundAmount":"250.00","completedTime":"2024-11-26T10:12:44:000"}]}"#;
        let seen = read_status(200, body).unwrap();
        assert_eq!(
            (
                seen[0].refund_ref.as_str(),
                seen[0].amount.map(|m| m.poisha()),
                seen[0].completed
            ),
            ("A1", Some(25_000), true)
        );
        let legacy = read_legacy_status(200, LEGACY.as_bytes(), &ask("250")).unwrap();
        assert_eq!(
            (legacy[0].refund_ref.as_str(), legacy[0].completed),
            ("CKQ51RA8UN", true)
        );
    }

    #[test]
    fn the_no_refunds_envelope_is_an_empty_list() {
        let v2 = br#"{"internalCode":"transaction_not_found","externalCode":"2033","errorMessageEn":"Transaction not found","errorMessageBn":"x"}"#;
        assert!(read_status(400, v2).unwrap().is_empty());
        let legacy = br#"{"statusCode":"2033","statusMessage":"Transaction not found"}"#;
        assert!(read_legacy_status(200, legacy, &ask("1")).unwrap().is_empty());
        assert!(read_status(200, legacy).unwrap().is_empty());
        let other = br#"{"statusCode":"2002","statusMessage":"Invalid Payment ID"}"#;
        assert!(read_status(200, other).is_err() && read_legacy_status(200, other, &ask("1")).is_err());
        assert!(read_status(503, b"").is_err());
    }

    #[test]
    fn the_refund_api_choice() {
        assert_eq!(route(RefundApi::V2, true), Route::V2);
        assert_eq!(route(RefundApi::Legacy, false), Route::Legacy);
        assert_eq!(route(RefundApi::Auto, false), Route::V2);
        assert_eq!(route(RefundApi::Auto, true), Route::Legacy);
        let missing = br#"{"message":"Missing Authentication Token"}"#;
        assert!(switch_to_legacy(RefundApi::Auto, 403, missing));
        assert!(switch_to_legacy(RefundApi::Auto, 404, b""));
        assert!(!switch_to_legacy(RefundApi::V2, 403, missing), "only auto switches");
        assert!(!switch_to_legacy(RefundApi::Auto, 403, br#"{"message":"Forbidden"}"#));
        assert!(!switch_to_legacy(
            RefundApi::Auto,
            401,
            br#"{"message":"Unauthorized"}"#
        ));
        assert!(!switch_to_legacy(
            RefundApi::Auto,
            400,
            br#"{"internalCode":"x","externalCode":"2072","errorMessageEn":"x","errorMessageBn":"x"}"#
        ));
        assert!(!switch_to_legacy(RefundApi::Auto, 200, DONE.as_bytes()));
    }
}
