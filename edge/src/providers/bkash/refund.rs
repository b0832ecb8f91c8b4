//! bKash refund v2 and refund status (PROVIDERS.md A.10), under `BKASH_REFUND_BASE_URL`
//! with the same token and 30 s transport as every other call. No idempotency key: a
//! refund whose answer is lost is settled by refund status, never sent again.

use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{
    path, RefundRequest, RefundResponse, RefundStatusRequest, RefundStatusResponse, TransactionStatus, REFUND_V2_BASE,
};

use super::interpret::{http_code, reply_code};
use super::Bkash;
use crate::providers::failure::coded;
use crate::providers::refund::{RefundAsk, Refunded, SeenRefund};
use crate::providers::transport;
use crate::providers::{CallRecord, ProviderFailure};

const P: Provider = Provider::Bkash;
/// bKash's limit for `sku` and `reason`.
const MAX_TEXT: usize = 255;

fn clip(s: &str) -> String {
    let mut end = s.len().min(MAX_TEXT);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

impl Bkash {
    fn refund_url(&self, op_path: &str) -> String {
        let mut p = String::from(REFUND_V2_BASE);
        p.push_str(op_path);
        transport::join(&self.refund_base_url, &p)
    }

    /// Refund v2: moves money back once. `Unknown` failure → ask [`Bkash::refund_status`].
    pub async fn refund(&self, ask: &RefundAsk<'_>, calls: &mut Vec<CallRecord>) -> Result<Refunded, ProviderFailure> {
        let reason = if ask.reason.trim().is_empty() {
            "Refund"
        } else {
            ask.reason
        };
        let body = serde_json::to_string(&RefundRequest {
            payment_id: ask.provider_ref.to_owned(),
            trx_id: ask.trx_id.to_owned(),
            refund_amount: ask.amount.to_string(),
            sku: clip(ask.invoice),
            reason: clip(reason),
        })
        .map_err(|_| ProviderFailure::internal(P, "request"))?;
        self.call_and_read("refund", &self.refund_url(path::REFUND), &body, calls, read_refund)
            .await
    }

    /// Refund status: every refund bKash made for the payment. Read-only.
    pub async fn refund_status(
        &self,
        ask: &RefundAsk<'_>,
        calls: &mut Vec<CallRecord>,
    ) -> Result<Vec<SeenRefund>, ProviderFailure> {
        let body = serde_json::to_string(&RefundStatusRequest {
            payment_id: ask.provider_ref.to_owned(),
            trx_id: ask.trx_id.to_owned(),
        })
        .map_err(|_| ProviderFailure::internal(P, "request"))?;
        self.call_and_read(
            "refund_status",
            &self.refund_url(path::REFUND_STATUS),
            &body,
            calls,
            read_status,
        )
        .await
    }
}

/// A coded refusal, or no usable answer (the refund may have happened).
fn failure(status: u16, body: &[u8]) -> ProviderFailure {
    match reply_code(body) {
        Some(code) if code.trim() != "0000" && !code.trim().is_empty() => match coded(P, code.trim()) {
            Some(c) => c.failure,
            None => ProviderFailure::unavailable(P, "unreadable"),
        },
        _ if (200..300).contains(&status) => ProviderFailure::unavailable(P, "unreadable"),
        _ => ProviderFailure::unavailable(P, &http_code(status)),
    }
}

pub(crate) fn read_refund(status: u16, body: &[u8]) -> Result<Refunded, ProviderFailure> {
    if (200..300).contains(&status) {
        if let Ok(r) = serde_json::from_slice::<RefundResponse>(body) {
            return match r.refund_transaction_status {
                TransactionStatus::Completed => Ok(Refunded {
                    refund_ref: r.refund_trx_id,
                }),
                // Not final: only refund status can say.
                _ => Err(ProviderFailure::unavailable(P, "refund_not_completed")),
            };
        }
    }
    Err(failure(status, body))
}

pub(crate) fn read_status(status: u16, body: &[u8]) -> Result<Vec<SeenRefund>, ProviderFailure> {
    if (200..300).contains(&status) {
        if let Ok(r) = serde_json::from_slice::<RefundStatusResponse>(body) {
            return Ok(r
                .refund_transactions
                .into_iter()
                .map(|t| SeenRefund {
                    refund_ref: t.refund_trx_id,
                    amount: Money::parse(&t.refund_amount).ok(),
                    completed: t.refund_transaction_status == TransactionStatus::Completed,
                })
                .collect());
        }
    }
    Err(failure(status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::FailureKind;

    #[test]
    fn a_completed_refund_gives_its_trx_id() {
        let ok = br#"{"originalTrxId":"CKP40QZ7TM","refundTrxId":"CKQ51RA8UN","refundTransactionStatus":"Completed","originalTrxAmount":"1250.00","refundAmount":"250.00","currency":"BDT","completedTime":"2024-11-26T10:12:44:907 GMT+0600","sku":"S","reason":"R"}"#;
        assert_eq!(read_refund(200, ok).unwrap().refund_ref, "CKQ51RA8UN");
    }

    #[test]
    fn a_refusal_is_declined_and_a_5xx_or_timeout_is_unknown() {
        let over = br#"{"statusCode":"2072","statusMessage":"Refund amount greater than remaining"}"#;
        assert_eq!(read_refund(200, over).unwrap_err().kind, FailureKind::Declined);
        assert_eq!(read_refund(503, b"oops").unwrap_err().kind, FailureKind::Unknown);
        assert_eq!(read_refund(200, b"{}").unwrap_err().kind, FailureKind::Unknown);
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
    }
}
