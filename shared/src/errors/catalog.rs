//! The providers' codes in our terms: `(provider, code) → our code, retryable, what the edge does`.
//!
//! One static table, as data, so a code seen in production is one new row.
//! Sources: docs/providers.md A.12 (bKash) and B.10 (Nagad, with our sandbox's
//! placeholders for codes Nagad does not publish). A code not in the table is
//! `provider_declined`, not retryable: nothing here panics or guesses "success".

use super::code::ErrorCode;
use crate::provider::Provider;
use Action::{Bug, FailPayment, FixClock, MerchantConfig, PageReasks, RejectRequest, Requery, Retry};
use ErrorCode as C;

/// What the edge does on a provider's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// The payment failed for good; the shopper may start a new one.
    FailPayment,
    /// Shown on the provider's own page, which asks again (wrong OTP or PIN). If it
    /// ever reaches the edge, the payment failed.
    PageReasks,
    /// Not a failure by itself ("already completed", "invalid state"): query or
    /// verify the payment, and act on that answer.
    Requery,
    /// A passing provider fault: retry with backoff; after execute or refund, query first.
    Retry,
    /// The provider refused something in our request that came from the caller
    /// (an amount, a refund's parameters): answer 4xx; nothing moved.
    RejectRequest,
    /// Our credentials, keys or merchant account at the provider: alert the operator.
    MerchantConfig,
    /// Our request was malformed: a bug to fix; the caller reads `internal_error`.
    Bug,
    /// Outside the provider's time window: our clock or time zone is off. Alert.
    FixClock,
}

/// What one provider code means for us.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProviderCodeInfo {
    pub code: ErrorCode,
    pub retryable: bool,
    pub action: Action,
}

impl ProviderCodeInfo {
    /// For a code the table does not know: a decline, not retried.
    pub const UNKNOWN: ProviderCodeInfo = ProviderCodeInfo {
        code: ErrorCode::ProviderDeclined,
        retryable: false,
        action: Action::FailPayment,
    };
}

/// One row of [`CATALOG`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogRow {
    pub provider: Provider,
    pub provider_code: &'static str,
    pub info: ProviderCodeInfo,
    /// The provider's meaning in English, for logs and the support screen.
    pub meaning: &'static str,
}

/// A provider's answer code, read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// bKash `0000`, Nagad `00_0000_000`. For bKash execute, success also needs
    /// `transactionStatus == "Completed"`; for Nagad decide by `status`, not code.
    Success,
    Failure(ProviderCodeInfo),
}

/// The codes that mean success.
pub const SUCCESS_CODES: [(Provider, &str); 2] = [(Provider::Bkash, "0000"), (Provider::Nagad, "00_0000_000")];

/// Reads a provider's code: success, a known failure, or an unknown failure
/// ([`ProviderCodeInfo::UNKNOWN`]). The code is compared exactly, after trimming spaces.
#[must_use]
pub fn classify(provider: Provider, code: &str) -> Verdict {
    let code = code.trim();
    if SUCCESS_CODES.contains(&(provider, code)) {
        return Verdict::Success;
    }
    Verdict::Failure(find(provider, code).map_or(ProviderCodeInfo::UNKNOWN, |row| row.info))
}

/// The row for a failure code, if the table has one.
#[must_use]
pub fn find(provider: Provider, code: &str) -> Option<&'static CatalogRow> {
    CATALOG
        .iter()
        .find(|row| row.provider == provider && row.provider_code == code)
}

const fn row(
    provider: Provider,
    provider_code: &'static str,
    code: ErrorCode,
    retryable: bool,
    action: Action,
    meaning: &'static str,
) -> CatalogRow {
    CatalogRow {
        provider,
        provider_code,
        info: ProviderCodeInfo {
            code,
            retryable,
            action,
        },
        meaning,
    }
}

const fn bkash(c: &'static str, code: ErrorCode, retry: bool, action: Action, meaning: &'static str) -> CatalogRow {
    row(Provider::Bkash, c, code, retry, action, meaning)
}

const fn nagad(c: &'static str, code: ErrorCode, retry: bool, action: Action, meaning: &'static str) -> CatalogRow {
    row(Provider::Nagad, c, code, retry, action, meaning)
}

/// Every provider failure code we know. Keep each provider's rows in the order of
/// docs/providers.md; add real codes as they are seen.
#[rustfmt::skip]
pub static CATALOG: &[CatalogRow] = &[
    // bKash, docs/providers.md A.12. Shopper: wallet.
    bkash("2009", C::InvalidWallet, false, FailPayment, "invalid wallet"),
    bkash("2045", C::InvalidWallet, false, FailPayment, "the customer's MSISDN does not exist"),
    bkash("2057", C::InvalidWallet, false, FailPayment, "not a bKash account"),
    bkash("2058", C::InvalidWallet, false, FailPayment, "not a customer wallet"),
    // Shopper, on bKash's page.
    bkash("2010", C::OtpFailed, false, PageReasks, "invalid OTP"),
    bkash("2016", C::OtpFailed, false, PageReasks, "wrong verification code"),
    bkash("2011", C::PinFailed, false, PageReasks, "invalid PIN"),
    bkash("2014", C::PinFailed, false, PageReasks, "wrong PIN"),
    bkash("2013", C::OtpFailed, false, FailPayment, "OTP resend limit exceeded"),
    bkash("2015", C::PinFailed, false, FailPayment, "wrong PIN count exceeded"),
    bkash("2017", C::OtpFailed, false, FailPayment, "wrong verification limit exceeded"),
    bkash("2059", C::OtpFailed, false, FailPayment, "multiple OTP requests for one session denied"),
    bkash("2018", C::OtpFailed, false, FailPayment, "OTP verification time expired"),
    bkash("2019", C::PinFailed, false, FailPayment, "PIN verification time expired"),
    bkash("2023", C::InsufficientBalance, false, FailPayment,
          "insufficient balance (on a refund: the merchant's collection balance)"),
    // Debit block and identity states.
    bkash("2037", C::WalletBlocked, false, FailPayment, "the debit party's account state prohibits this"),
    bkash("2038", C::WalletBlocked, false, FailPayment, "the debit party's identity tag prohibits this"),
    bkash("2039", C::ProviderDeclined, false, FailPayment, "the credit party's account state prohibits this"),
    bkash("2040", C::ProviderDeclined, false, FailPayment, "the credit party's identity tag prohibits this"),
    bkash("2041", C::ProviderDeclined, false, FailPayment, "the credit party's identity state does not support this service"),
    bkash("2044", C::WalletBlocked, false, FailPayment, "identity not subscribed to the service, or not active"),
    bkash("2046", C::WalletBlocked, false, FailPayment, "identity not subscribed to a product with this service"),
    bkash("2029", C::DuplicateTransaction, true, FailPayment,
          "duplicate for all transactions: same wallet and amount moments apart; a new attempt works after 2-5 minutes"),
    // Merchant configuration.
    bkash("2001", C::ProviderConfigError, false, MerchantConfig, "invalid app key"),
    bkash("2079", C::ProviderConfigError, false, MerchantConfig, "invalid app token"),
    // Merchant request.
    bkash("2002", C::InvalidRequest, false, RejectRequest, "invalid paymentID"),
    bkash("2006", C::InvalidAmount, false, RejectRequest, "invalid amount"),
    bkash("2007", C::InvalidRequest, false, RejectRequest, "invalid currency"),
    bkash("2008", C::InvalidRequest, false, RejectRequest, "invalid intent"),
    bkash("2063", C::InvalidRequest, false, RejectRequest, "mode is not valid for the request data"),
    bkash("2064", C::ProviderConfigError, false, RejectRequest, "this product mode is currently unavailable"),
    bkash("2025", C::InternalError, false, Bug, "invalid request body"),
    bkash("2065", C::InternalError, false, Bug, "mandatory field missing"),
    bkash("2031", C::InvalidRequest, false, RejectRequest, "invalid merchant invoice number"),
    bkash("2048", C::InvalidRequest, false, RejectRequest, "invalid payer reference"),
    bkash("2049", C::ProviderConfigError, false, MerchantConfig, "invalid merchant callback URL (the edge's own URL)"),
    // State: ask bKash what happened.
    bkash("2056", C::InvalidState, false, Requery, "invalid payment state"),
    bkash("2060", C::InvalidState, false, Requery, "payment execution prerequisite not met (shopper not finished)"),
    bkash("2061", C::InvalidState, false, Requery, "only the payment's initiator may do this"),
    // Already completed: not a failure. Query and take its answer.
    bkash("2062", C::InvalidState, false, Requery, "the payment has already been completed"),
    bkash("2068", C::InvalidState, false, Requery, "the transaction has already been completed"),
    bkash("2116", C::InvalidState, false, Requery, "already completed (agreement)"),
    bkash("2117", C::InvalidState, false, Requery, "already completed (execution); treated as 2062"),
    bkash("2119", C::InvalidState, false, Requery, "already completed (authorization)"),
    // Refunds. Per-code texts inside 2071-2082 follow docs/providers.md's order.
    bkash("2026", C::AmountExceedsRefundable, false, RejectRequest, "refund amount greater than the original"),
    bkash("2034", C::RefundNotAllowed, false, RejectRequest, "the original transaction has already been reversed"),
    bkash("2071", C::RefundNotAllowed, false, RejectRequest, "refund not allowed after the refund window (days)"),
    bkash("2072", C::AmountExceedsRefundable, false, RejectRequest, "refund amount greater than what is left to refund"),
    bkash("2073", C::InvalidAmount, false, RejectRequest, "refund amount invalid"),
    bkash("2074", C::RefundNotAllowed, false, RejectRequest, "already fully refunded, or the refund count limit reached"),
    bkash("2075", C::InvalidRequest, false, RejectRequest, "invalid SKU"),
    bkash("2076", C::RefundNotAllowed, false, RejectRequest, "the transaction is not reversible"),
    bkash("2077", C::InvalidRequest, false, RejectRequest, "SKU or reason too long"),
    bkash("2078", C::InvalidRequest, false, RejectRequest, "invalid trxID"),
    bkash("2080", C::InvalidRequest, false, RejectRequest, "invalid refund reason"),
    bkash("2081", C::RefundNotAllowed, false, RejectRequest, "the initiating identity or party is not permitted to refund"),
    bkash("2082", C::RefundNotAllowed, false, RejectRequest, "the merchant is not permitted to refund"),
    bkash("2127", C::InvalidState, false, RejectRequest, "the original transaction is not yet completed"),
    // Provider faults.
    bkash("2003", C::ProviderUnavailable, true, Retry, "process failed"),
    bkash("2020", C::ProviderUnavailable, true, Retry, "exception occurred"),
    bkash("2024", C::ProviderUnavailable, true, Retry, "exception occurred"),
    bkash("503", C::ProviderUnavailable, true, Retry, "system under maintenance"),
    bkash("9999", C::ProviderUnavailable, true, Retry,
          "system error (at token grant it can mean bad credentials: alert if grants keep failing)"),
    // bKash's error page, not in docs/providers.md A.12: seen on refunds and searches.
    bkash("2028", C::RefundNotAllowed, false, RejectRequest, "reverse failed: the transaction serial number does not exist"),
    bkash("2033", C::InvalidRequest, false, RejectRequest, "transaction not found"),
    bkash("2035", C::RefundNotAllowed, false, RejectRequest, "reverse failed: the initiator may not reverse this transaction"),
    bkash("2042", C::RefundNotAllowed, false, RejectRequest, "reverse failed: the initiator may not reverse this transaction"),
    bkash("2043", C::PinFailed, false, FailPayment, "the subscriber's security credential is incorrect"),
    bkash("2069", C::PaymentCancelled, false, FailPayment, "the transaction has already been cancelled"),

    // Nagad, docs/providers.md B.10. Merchant account and keys.
    nagad("16_0006_004", C::ProviderConfigError, false, MerchantConfig, "provided merchant ID is invalid"),
    nagad("16_0006_050", C::ProviderConfigError, false, MerchantConfig, "provided merchant ID is invalid"),
    nagad("16_0006_052", C::ProviderConfigError, false, MerchantConfig, "invalid merchant"),
    nagad("16_0006_053", C::ProviderConfigError, false, MerchantConfig, "inactive merchant"),
    nagad("16_0006_056", C::ProviderConfigError, false, MerchantConfig, "encryption failed (keys)"),
    nagad("16_0006_057", C::ProviderConfigError, false, MerchantConfig, "decryption failed (keys)"),
    nagad("16_0006_058", C::ProviderConfigError, false, MerchantConfig, "signature verification failed (keys or hash)"),
    nagad("16_0006_061", C::ProviderConfigError, false, MerchantConfig, "invalid merchant key"),
    // Our request.
    nagad("16_0006_059", C::InternalError, false, Bug,
          "invalid sensitive data (also: wrong echoed challenge, bad amount at complete)"),
    nagad("16_0006_060", C::InternalError, false, Bug, "invalid, unprocessable or unencoded sensitive data"),
    nagad("16_0006_069", C::InternalError, false, Bug, "invalid, unprocessable or unencoded sensitive data"),
    nagad("16_0006_040", C::InternalError, false, Bug, "invalid encrypted request type"),
    nagad("16_0006_064", C::InternalError, false, Bug, "mandatory header missing"),
    nagad("16_0006_068", C::InternalError, false, Bug, "invalid order ID"),
    nagad("16_0006_083", C::InvalidState, false, RejectRequest,
          "duplicate order ID in the same day (this payment was already initialized today)"),
    nagad("16_0006_076", C::InternalError, false, FixClock, "date-time outside the allowed window"),
    nagad("16_0006_081", C::InternalError, false, Bug, "bad date-time format"),
    nagad("16_0006_080", C::InternalError, false, Bug, "invalid currency code"),
    nagad("16_0006_017", C::InvalidState, false, Requery,
          "purchase information state invalid (completed twice, refund of an unpaid or over-refunded payment)"),
    nagad("16_0006_055", C::InvalidRequest, false, RejectRequest, "invalid payment reference ID"),
    nagad("16_0006_999", C::InternalError, false, Bug, "invalid request"),
    // Provider fault.
    nagad("16_0006_075", C::ProviderUnavailable, true, Retry, "could not persist data"),
    // Shopper.
    nagad("16_0006_001", C::PinFailed, false, PageReasks, "invalid PIN"),
    nagad("50_0026_851", C::AmountOverLimit, false, FailPayment, "e-com transaction failed: over limit"),
    // Our sandbox's placeholders for codes Nagad does not publish (B.10).
    nagad("50_0026_801", C::InsufficientBalance, false, FailPayment, "insufficient balance (sandbox placeholder)"),
    nagad("50_0026_802", C::PinFailed, false, FailPayment, "wrong PIN limit reached (sandbox placeholder)"),
    nagad("50_0026_803", C::OtpFailed, false, FailPayment, "OTP expired or limit reached (sandbox placeholder)"),
    nagad("00_0000_001", C::PaymentCancelled, false, FailPayment, "the shopper cancelled, status=Aborted (sandbox placeholder)"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code docs/providers.md A.12 lists (ranges written out), success excluded.
    const BKASH_A12: &[&str] = &[
        "2009", "2045", "2057", "2058", "2010", "2016", "2011", "2014", "2013", "2015", "2017", "2059", "2018", "2019",
        "2023", "2037", "2038", "2039", "2040", "2041", "2044", "2046", "2029", "2001", "2079", "2002", "2006", "2007",
        "2008", "2063", "2064", "2025", "2065", "2031", "2048", "2049", "2056", "2060", "2061", "2062", "2068", "2116",
        "2117", "2119", "2026", "2034", "2071", "2072", "2073", "2074", "2075", "2076", "2077", "2078", "2080", "2081",
        "2082", "2127", "2003", "2020", "2024", "503", "9999",
    ];

    /// Every code docs/providers.md B.10 lists, with the sandbox placeholders.
    const NAGAD_B10: &[&str] = &[
        "16_0006_004",
        "16_0006_050",
        "16_0006_052",
        "16_0006_053",
        "16_0006_056",
        "16_0006_057",
        "16_0006_058",
        "16_0006_059",
        "16_0006_060",
        "16_0006_069",
        "16_0006_040",
        "16_0006_061",
        "16_0006_064",
        "16_0006_068",
        "16_0006_083",
        "16_0006_076",
        "16_0006_081",
        "16_0006_080",
        "16_0006_017",
        "16_0006_055",
        "16_0006_075",
        "16_0006_999",
        "16_0006_001",
        "50_0026_851",
        "50_0026_801",
        "50_0026_802",
        "50_0026_803",
        "00_0000_001",
    ];

    #[test]
    fn every_documented_code_has_a_row() {
        for code in BKASH_A12 {
            assert!(find(Provider::Bkash, code).is_some(), "bKash {code} has no row");
        }
        for code in NAGAD_B10 {
            assert!(find(Provider::Nagad, code).is_some(), "Nagad {code} has no row");
        }
    }

    #[test]
    fn no_code_has_two_rows_and_success_has_none() {
        let mut seen = std::collections::HashSet::new();
        for row in CATALOG {
            assert!(
                seen.insert((row.provider, row.provider_code)),
                "{} twice",
                row.provider_code
            );
            assert!(!SUCCESS_CODES.contains(&(row.provider, row.provider_code)));
            assert!(!row.meaning.is_empty());
        }
    }

    #[test]
    fn retryable_rows_are_the_passing_faults_and_the_duplicate() {
        for row in CATALOG {
            let expected = row.info.action == Action::Retry || row.info.code == ErrorCode::DuplicateTransaction;
            assert_eq!(row.info.retryable, expected, "{} {}", row.provider, row.provider_code);
        }
    }

    #[test]
    fn already_completed_is_not_a_failure_but_a_requery() {
        for code in ["2062", "2068", "2116", "2117", "2119"] {
            assert_eq!(
                find(Provider::Bkash, code).map(|r| r.info.action),
                Some(Action::Requery),
                "{code}"
            );
        }
    }

    #[test]
    fn classify_reads_success_known_and_unknown_codes() {
        assert_eq!(classify(Provider::Bkash, "0000"), Verdict::Success);
        assert_eq!(classify(Provider::Nagad, "00_0000_000"), Verdict::Success);
        assert_eq!(
            classify(Provider::Nagad, "0000"),
            Verdict::Failure(ProviderCodeInfo::UNKNOWN)
        );
        let Verdict::Failure(info) = classify(Provider::Bkash, " 2023 ") else {
            panic!("2023 is a failure")
        };
        assert_eq!(info.code, ErrorCode::InsufficientBalance);
        assert!(!info.retryable);
        for odd in ["", "20", "２０２３", "2023\u{0}", &"9".repeat(10_000)] {
            assert_eq!(
                classify(Provider::Bkash, odd),
                Verdict::Failure(ProviderCodeInfo::UNKNOWN)
            );
        }
    }

    #[test]
    fn the_two_providers_codes_do_not_cross() {
        assert!(find(Provider::Nagad, "2023").is_none());
        assert!(find(Provider::Bkash, "16_0006_058").is_none());
    }
}
