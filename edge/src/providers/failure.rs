//! Building [`ProviderFailure`]s and [`CallRecord`]s in one way for both providers, and the
//! providers' log lines (through `crate::log` on the worker; silent in host tests).

use bdpay_shared::errors::catalog::{self, Action, ProviderCodeInfo, Verdict};
use bdpay_shared::errors::ErrorCode;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use serde::Serialize;

use super::{CallRecord, FailureKind, Outcome, ProviderFailure};

impl ProviderFailure {
    fn new(
        provider: Provider,
        kind: FailureKind,
        code: ErrorCode,
        provider_code: &str,
        retryable: bool,
    ) -> ProviderFailure {
        ProviderFailure {
            provider,
            kind,
            code,
            provider_code: Some(provider_code.to_owned()),
            retryable,
        }
    }

    /// Our credentials, keys or settings are wrong: alert, do not retry.
    pub(crate) fn config(provider: Provider, provider_code: &str) -> ProviderFailure {
        ProviderFailure::new(
            provider,
            FailureKind::Config,
            ErrorCode::ProviderConfigError,
            provider_code,
            false,
        )
    }

    /// No answer within the timeout: the money may have moved.
    pub(crate) fn timeout(provider: Provider) -> ProviderFailure {
        ProviderFailure::new(
            provider,
            FailureKind::Unknown,
            ErrorCode::ProviderTimeout,
            "timeout",
            true,
        )
    }

    /// A provider fault or an unreadable answer (`http_503`, `network`, `unreadable`…).
    pub(crate) fn unavailable(provider: Provider, provider_code: &str) -> ProviderFailure {
        ProviderFailure::new(
            provider,
            FailureKind::Unknown,
            ErrorCode::ProviderUnavailable,
            provider_code,
            true,
        )
    }

    /// Money moved but not as we asked (amount, order, currency or refunded transaction
    /// differs): never `Succeeded`, never retried; a person must look (`amount_mismatch`,
    /// `order_mismatch`, `currency_mismatch`, `refund_amount_mismatch`, …).
    pub(crate) fn mismatch(provider: Provider, provider_code: &str) -> ProviderFailure {
        ProviderFailure::new(
            provider,
            FailureKind::Mismatch,
            ErrorCode::InternalError,
            provider_code,
            false,
        )
    }

    /// Our own request could not be built (a bug or bad input that reached us).
    pub(crate) fn internal(provider: Provider, provider_code: &str) -> ProviderFailure {
        ProviderFailure::new(
            provider,
            FailureKind::Declined,
            ErrorCode::InternalError,
            provider_code,
            false,
        )
    }
}

/// A provider's failure code, read through shared's catalog.
pub(crate) struct Coded {
    pub failure: ProviderFailure,
    pub action: Action,
}

/// Reads `code` through `bdpay_shared::errors::catalog`; `None` for a success code.
/// Kind: `MerchantConfig`/`FixClock` → `Config`; `Retry` → `Unknown`; `Requery` →
/// `Unknown` (the caller re-queries where it can); everything else → `Declined`.
pub(crate) fn coded(provider: Provider, code: &str) -> Option<Coded> {
    let info: ProviderCodeInfo = match catalog::classify(provider, code) {
        Verdict::Success => return None,
        Verdict::Failure(info) => info,
    };
    let kind = match info.action {
        Action::MerchantConfig | Action::FixClock => FailureKind::Config,
        Action::Retry | Action::Requery => FailureKind::Unknown,
        Action::FailPayment | Action::PageReasks | Action::RejectRequest | Action::Bug => FailureKind::Declined,
    };
    let retryable = info.retryable || kind == FailureKind::Unknown;
    Some(Coded {
        failure: ProviderFailure {
            provider,
            kind,
            code: info.code,
            provider_code: Some(safe_code(code)),
            retryable,
        },
        action: info.action,
    })
}

/// A provider code as we keep it: 1–16 of `[A-Za-z0-9_.-]`, else `unreadable_code`.
pub(crate) fn safe_code(code: &str) -> String {
    let code = code.trim();
    let ok = (1..=16).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if ok {
        code.to_owned()
    } else {
        "unreadable_code".to_owned()
    }
}

/// The most characters a provider's id may have (bKash `trxID`, `paymentID`; Nagad
/// `issuerPaymentRefNo`, `cancelTrxId`, `cancelIssuerRefNo`; bKash `refundTrxId`).
pub(crate) const MAX_PROVIDER_ID: usize = 64;

/// A provider's transaction id or payment reference as we keep it: 1–64 of
/// `[A-Za-z0-9_.-]` after trimming, else `None` (the reply is unreadable). Documented
/// ids are 8–10 characters; the limit leaves room for longer ones without letting a body
/// put anything else into our records.
pub(crate) fn provider_id(id: &str) -> Option<&str> {
    let id = id.trim();
    let ok = (1..=MAX_PROVIDER_ID).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    ok.then_some(id)
}

/// `ok` | `declined` | `unknown` | `error` for a call's result.
pub(crate) fn outcome_word(result: Result<&Outcome, &ProviderFailure>) -> &'static str {
    match result {
        Ok(Outcome::Failed(f)) | Err(f) => match f.kind {
            FailureKind::Declined => "declined",
            FailureKind::Unknown => "unknown",
            FailureKind::Config | FailureKind::Mismatch => "error",
        },
        Ok(_) => "ok",
    }
}

/// The call record's word for a call whose answer was read into `result`.
pub(crate) fn result_word<T>(result: &Result<T, ProviderFailure>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(f) => outcome_word(Err(f)),
    }
}

/// One masked call record.
pub(crate) fn record(
    provider: Provider,
    op: &'static str,
    http_status: Option<u16>,
    provider_code: Option<&str>,
    outcome: &'static str,
    latency_ms: u32,
) -> CallRecord {
    CallRecord {
        provider,
        op,
        http_status,
        provider_code: provider_code.map(safe_code),
        outcome,
        latency_ms,
    }
}

/// A provider's echoed amount equals ours numerically: `"15"`, `"15.0"`, `"15.00"` and
/// `"15.000"` are all 15 taka (bKash echoes the request's formatting, A.5).
pub(crate) fn amounts_match(theirs: &str, ours: Money) -> bool {
    let theirs = theirs.trim();
    let normalized = match theirs.split_once('.') {
        Some((whole, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                whole.to_owned()
            } else {
                let mut s = String::with_capacity(whole.len() + 1 + frac.len());
                s.push_str(whole);
                s.push('.');
                s.push_str(frac);
                s
            }
        }
        None => theirs.to_owned(),
    };
    Money::parse_allowing_zero(&normalized).is_ok_and(|m| m == ours)
}

/// Logs a failure a person must look at (kind `Config`: credentials, keys, a mismatch),
/// naming the payment and the call; codes only, nothing from a body.
pub(crate) fn attention(provider: Provider, op: &str, payment: &str, f: &ProviderFailure) {
    if matches!(f.kind, FailureKind::Config | FailureKind::Mismatch) {
        log_warn(
            "provider_call_needs_attention",
            &serde_json::json!({ "provider": provider.as_str(), "op": op, "payment": payment, "code": f.code.as_str(), "provider_code": f.provider_code }),
        );
    }
}

/// The providers' log lines: typed, masked fields only (through the edge's one facade).
pub(crate) fn log_warn<F: Serialize>(msg: &str, fields: &F) {
    crate::log::warn(msg, fields);
}

pub(crate) fn log_info<F: Serialize>(msg: &str, fields: &F) {
    crate::log::info(msg, fields);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_actions_become_kinds() {
        let c = coded(Provider::Bkash, "2023").unwrap();
        assert_eq!(
            (c.failure.kind, c.failure.code, c.failure.retryable),
            (FailureKind::Declined, ErrorCode::InsufficientBalance, false)
        );
        let c = coded(Provider::Bkash, "2062").unwrap();
        assert_eq!((c.failure.kind, c.action), (FailureKind::Unknown, Action::Requery));
        assert_eq!(
            coded(Provider::Bkash, "2001").unwrap().failure.kind,
            FailureKind::Config
        );
        assert_eq!(
            coded(Provider::Nagad, "16_0006_076").unwrap().failure.kind,
            FailureKind::Config
        );
        let c = coded(Provider::Bkash, "9999").unwrap();
        assert_eq!((c.failure.kind, c.failure.retryable), (FailureKind::Unknown, true));
        assert!(coded(Provider::Bkash, "0000").is_none());
        let unknown = coded(Provider::Nagad, "77_7777_777").unwrap();
        assert_eq!(
            (unknown.failure.kind, unknown.failure.code),
            (FailureKind::Declined, ErrorCode::ProviderDeclined)
        );
    }

    #[test]
    fn amounts_compare_as_numbers() {
        let ours = Money::parse("15").unwrap();
        for same in ["15", "15.0", "15.00", "15.000", " 15.00 "] {
            assert!(amounts_match(same, ours), "{same}");
        }
        for other in ["15.01", "150", "1.5", "", "abc", "-15", "15.001"] {
            assert!(!amounts_match(other, ours), "{other}");
        }
    }

    #[test]
    fn provider_ids_up_to_64_safe_characters_are_kept() {
        for ok in [
            "CKP40QZ7TM",
            "TR0011aB3xQ9k1732522331412",
            "A234567890123456X",
            " 0001AB7Q ",
            "a.b-c_d",
        ] {
            assert_eq!(provider_id(ok), Some(ok.trim()), "{ok}");
        }
        let longest = "A".repeat(64);
        assert_eq!(provider_id(&longest), Some(longest.as_str()));
        for bad in [
            "A".repeat(65),
            String::new(),
            "  ".into(),
            "CKP 40".into(),
            "<b>".into(),
            "ক১".into(),
            "a/b".into(),
        ] {
            assert_eq!(provider_id(&bad), None, "{bad}");
        }
    }

    #[test]
    fn a_mismatch_is_its_own_kind() {
        let f = ProviderFailure::mismatch(Provider::Bkash, "amount_mismatch");
        assert_eq!((f.kind, f.retryable), (FailureKind::Mismatch, false));
        assert_eq!(outcome_word(Err(&f)), "error");
    }

    #[test]
    fn odd_codes_are_not_kept() {
        assert_eq!(safe_code(" 2023 "), "2023");
        assert_eq!(safe_code("<b>x</b>"), "unreadable_code");
        assert_eq!(safe_code(""), "unreadable_code");
        let r = record(
            Provider::Nagad,
            "verify",
            Some(200),
            Some("01712345678901234567"),
            "ok",
            5,
        );
        assert_eq!(r.provider_code.as_deref(), Some("unreadable_code"));
    }
}
