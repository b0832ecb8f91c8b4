//! Our stable error codes: for each, its HTTP status, whether to retry, and what to tell people.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use super::unknown_name::UnknownName;
use crate::locale::Lang;

/// One of our public error codes (`{"error": {"code": "…"}}`). The snake_case
/// names are a contract: add codes, never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // The caller sent something wrong (4xx); nothing was written.
    InvalidRequest,
    InvalidAmount,
    InvalidPhone,
    /// Money is Bangladeshi taka only (`"BDT"`).
    UnsupportedCurrency,
    Unauthorized,
    /// The key is valid but may not do this (a read-only `rk_…` key asked to write).
    Forbidden,
    NotFound,
    MethodNotAllowed,
    UnsupportedMediaType,
    PayloadTooLarge,
    IdempotencyConflict,
    /// An operator asked to create something under an id that is taken.
    AlreadyExists,
    RateLimited,
    /// The step-up code the shopper typed is not the one sent (tries may be left).
    OtpIncorrect,
    /// The step-up code's five minutes are over: ask for a new one (confirm again).
    OtpExpired,
    // The payment or refund cannot do this now (4xx).
    InvalidState,
    AmountExceedsRefundable,
    RefundNotAllowed,
    /// An earlier refund's outcome is still being settled and the provider cannot tell two
    /// apart (Nagad's verify shows only the last cancel): wait, then send again.
    RefundInProgress,
    PaymentExpired,
    PaymentCancelled,
    /// Another attempt for the same order already succeeded.
    OrderAlreadyPaid,
    /// The shopper's earlier attempt (at either wallet) has an outcome we are still
    /// confirming with the provider: a new attempt could charge twice. Wait, then retry.
    AttemptInProgress,
    /// A manual transfer's TrxID was already quoted for another payment: a transaction pays
    /// for one payment only.
    TrxIdAlreadyUsed,
    // The shopper's wallet or the provider said no (402).
    InsufficientBalance,
    WalletBlocked,
    InvalidWallet,
    OtpFailed,
    PinFailed,
    AmountOverLimit,
    DuplicateTransaction,
    ProviderDeclined,
    /// A person at the shop looked at the shopper's manual transfer and did not accept it.
    ManualTransferRejected,
    /// The merchant's risk rules refuse this payment (docs/risk.md).
    RiskBlocked,
    // A provider fault, or our setup at a provider (5xx).
    ProviderUnavailable,
    ProviderTimeout,
    ProviderConfigError,
    // Our own fault (500).
    InternalError,
}

/// The fixed facts of a code: one row of the table in [`ErrorCode::spec`].
struct Spec {
    name: &'static str,
    status: u16,
    retryable: bool,
    en: &'static str,
    bn: &'static str,
}

const fn spec(name: &'static str, status: u16, retryable: bool, en: &'static str, bn: &'static str) -> Spec {
    Spec {
        name,
        status,
        retryable,
        en,
        bn,
    }
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 38] = [
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidAmount,
        ErrorCode::InvalidPhone,
        ErrorCode::UnsupportedCurrency,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::PayloadTooLarge,
        ErrorCode::IdempotencyConflict,
        ErrorCode::AlreadyExists,
        ErrorCode::RateLimited,
        ErrorCode::OtpIncorrect,
        ErrorCode::OtpExpired,
        ErrorCode::InvalidState,
        ErrorCode::AmountExceedsRefundable,
        ErrorCode::RefundNotAllowed,
        ErrorCode::RefundInProgress,
        ErrorCode::PaymentExpired,
        ErrorCode::PaymentCancelled,
        ErrorCode::OrderAlreadyPaid,
        ErrorCode::AttemptInProgress,
        ErrorCode::TrxIdAlreadyUsed,
        ErrorCode::InsufficientBalance,
        ErrorCode::WalletBlocked,
        ErrorCode::InvalidWallet,
        ErrorCode::OtpFailed,
        ErrorCode::PinFailed,
        ErrorCode::AmountOverLimit,
        ErrorCode::DuplicateTransaction,
        ErrorCode::ProviderDeclined,
        ErrorCode::ManualTransferRejected,
        ErrorCode::RiskBlocked,
        ErrorCode::ProviderUnavailable,
        ErrorCode::ProviderTimeout,
        ErrorCode::ProviderConfigError,
        ErrorCode::InternalError,
    ];

    /// The table: name, HTTP status, retryable, English, Bangla.
    ///
    /// `retryable` is advice to the caller: the same request may succeed later
    /// (with the same `Idempotency-Key` for a POST). Shopper declines are 402, as
    /// the request was fine and the payment was not; 5xx only for provider faults
    /// and our own.
    #[rustfmt::skip]
    const fn spec(self) -> Spec {
        use ErrorCode as C;
        match self {
            C::InvalidRequest => spec("invalid_request", 400, false,
                "The request is not valid.",
                "অনুরোধটি সঠিক নয়।"),
            C::InvalidAmount => spec("invalid_amount", 400, false,
                "The amount is not valid. Send it as a string such as \"1250.00\".",
                "টাকার পরিমাণ সঠিক নয়।"),
            C::InvalidPhone => spec("invalid_phone", 400, false,
                "This is not a valid Bangladeshi mobile number.",
                "এটি সঠিক বাংলাদেশি মোবাইল নম্বর নয়।"),
            C::UnsupportedCurrency => spec("unsupported_currency", 400, false,
                "Only Bangladeshi taka is supported: send \"currency\": \"BDT\" or leave it out.",
                "শুধু বাংলাদেশি টাকা গ্রহণ করা হয়: \"currency\": \"BDT\" পাঠান অথবা বাদ দিন।"),
            C::Unauthorized => spec("unauthorized", 401, false,
                "The key or client secret is missing or wrong.",
                "কী অথবা ক্লায়েন্ট সিক্রেট নেই, বা ভুল।"),
            C::Forbidden => spec("forbidden", 403, false,
                "This key may only read. Use a secret key (sk_…) to make changes.",
                "এই কী দিয়ে শুধু দেখা যায়। পরিবর্তন করতে সিক্রেট কী (sk_…) ব্যবহার করুন।"),
            C::NotFound => spec("not_found", 404, false,
                "Nothing was found here.",
                "এখানে কিছু পাওয়া যায়নি।"),
            C::MethodNotAllowed => spec("method_not_allowed", 405, false,
                "This method is not allowed here.",
                "এখানে এই পদ্ধতি অনুমোদিত নয়।"),
            C::UnsupportedMediaType => spec("unsupported_media_type", 415, false,
                "Send the body as JSON (Content-Type: application/json).",
                "অনুরোধের বডি JSON হিসেবে পাঠান (Content-Type: application/json)।"),
            C::PayloadTooLarge => spec("payload_too_large", 413, false,
                "The request body is too large.",
                "অনুরোধের বডি অনেক বড়।"),
            C::IdempotencyConflict => spec("idempotency_conflict", 409, false,
                "This Idempotency-Key was already used for a different request.",
                "এই Idempotency-Key আগে অন্য একটি অনুরোধে ব্যবহার করা হয়েছে।"),
            C::AlreadyExists => spec("already_exists", 409, false,
                "Something with this id already exists.",
                "এই আইডি দিয়ে আগে থেকেই একটি রেকর্ড আছে।"),
            C::RateLimited => spec("rate_limited", 429, true,
                "Too many requests. Please wait a moment and try again.",
                "অনেক বেশি অনুরোধ এসেছে। একটু অপেক্ষা করে আবার চেষ্টা করুন।"),
            C::OtpIncorrect => spec("otp_incorrect", 400, false,
                "That code is not the one we sent. Please check the SMS and try again.",
                "কোডটি মেলেনি। এসএমএস দেখে আবার চেষ্টা করুন।"),
            C::OtpExpired => spec("otp_expired", 400, false,
                "That code has expired. Ask for a new code.",
                "কোডটির মেয়াদ শেষ। নতুন কোড চেয়ে নিন।"),
            C::InvalidState => spec("invalid_state", 409, false,
                "The payment cannot do this in its current state.",
                "পেমেন্টের বর্তমান অবস্থায় এটি করা যাবে না।"),
            C::AmountExceedsRefundable => spec("amount_exceeds_refundable", 400, false,
                "The refund is larger than the amount left to refund.",
                "ফেরতের পরিমাণ ফেরতযোগ্য বাকি টাকার চেয়ে বেশি।"),
            C::RefundNotAllowed => spec("refund_not_allowed", 400, false,
                "This payment can no longer be refunded through the provider.",
                "এই পেমেন্টের টাকা আর ফেরত দেওয়া যাচ্ছে না।"),
            C::RefundInProgress => spec("refund_in_progress", 409, true,
                "An earlier refund of this payment is still being confirmed with the provider. Try again once it has settled.",
                "এই পেমেন্টের আগের একটি ফেরত এখনো সেবাদাতার কাছে নিশ্চিত হচ্ছে। সেটি শেষ হলে আবার চেষ্টা করুন।"),
            C::PaymentExpired => spec("payment_expired", 409, false,
                "The time for this payment ran out. Please start again.",
                "এই পেমেন্টের সময় শেষ হয়ে গেছে। অনুগ্রহ করে আবার শুরু করুন।"),
            C::OrderAlreadyPaid => spec("order_already_paid", 409, false,
                "This order has already been paid.",
                "এই অর্ডারের পেমেন্ট আগেই সম্পন্ন হয়েছে।"),
            C::AttemptInProgress => spec("attempt_in_progress", 409, true,
                "Your earlier payment attempt is still being confirmed with the wallet. Please wait a moment, then try again.",
                "আপনার আগের পেমেন্ট চেষ্টাটি এখনো ওয়ালেটের কাছে নিশ্চিত করা হচ্ছে। একটু অপেক্ষা করে আবার চেষ্টা করুন।"),
            C::TrxIdAlreadyUsed => spec("trx_id_already_used", 409, false,
                "This transaction ID (TrxID) was already used for another payment. Check the ID in your confirmation SMS.",
                "এই ট্রানজ্যাকশন আইডি (TrxID) আগেই অন্য একটি পেমেন্টে ব্যবহার করা হয়েছে। কনফার্মেশন এসএমএসে আইডিটি মিলিয়ে দেখুন।"),
            C::PaymentCancelled => spec("payment_cancelled", 409, false,
                "The payment was cancelled.",
                "পেমেন্টটি বাতিল করা হয়েছে।"),
            C::InsufficientBalance => spec("insufficient_balance", 402, false,
                "Your account does not have enough balance.",
                "আপনার অ্যাকাউন্টে যথেষ্ট ব্যালেন্স নেই।"),
            C::WalletBlocked => spec("wallet_blocked", 402, false,
                "This account cannot make payments right now. Please call your provider's helpline.",
                "এই অ্যাকাউন্ট থেকে এখন পেমেন্ট করা যাচ্ছে না। আপনার সেবাদাতার হেল্পলাইনে যোগাযোগ করুন।"),
            C::InvalidWallet => spec("invalid_wallet", 402, false,
                "This number has no account with this provider.",
                "এই নম্বরে এই সেবার কোনো অ্যাকাউন্ট নেই।"),
            C::OtpFailed => spec("otp_failed", 402, false,
                "The verification code (OTP) was wrong or has expired.",
                "যাচাই কোড (OTP) ভুল ছিল অথবা এর মেয়াদ শেষ হয়ে গেছে।"),
            C::PinFailed => spec("pin_failed", 402, false,
                "The PIN was wrong or was not entered in time.",
                "পিন ভুল ছিল অথবা সময়মতো দেওয়া হয়নি।"),
            C::AmountOverLimit => spec("amount_over_limit", 402, false,
                "The amount is over your account's transaction limit.",
                "টাকার পরিমাণ আপনার অ্যাকাউন্টের লেনদেনের সীমার চেয়ে বেশি।"),
            C::DuplicateTransaction => spec("duplicate_transaction", 402, true,
                "A payment of the same amount was just made from this account. Please wait a few minutes and try again.",
                "এই অ্যাকাউন্ট থেকে একই পরিমাণের একটি পেমেন্ট এইমাত্র হয়েছে। কয়েক মিনিট অপেক্ষা করে আবার চেষ্টা করুন।"),
            C::ProviderDeclined => spec("provider_declined", 402, false,
                "The provider declined the payment.",
                "সেবাদাতা পেমেন্টটি গ্রহণ করেনি।"),
            C::ManualTransferRejected => spec("manual_transfer_rejected", 402, false,
                "The shop could not confirm the money you sent by hand. Please contact the shop.",
                "আপনার নিজে পাঠানো টাকা দোকান নিশ্চিত করতে পারেনি। অনুগ্রহ করে দোকানের সাথে যোগাযোগ করুন।"),
            C::RiskBlocked => spec("risk_blocked", 403, false,
                "This payment cannot be made. Please contact the shop.",
                "এই পেমেন্টটি করা যাচ্ছে না। অনুগ্রহ করে দোকানের সাথে যোগাযোগ করুন।"),
            C::ProviderUnavailable => spec("provider_unavailable", 503, true,
                "The payment service is not available right now. Please try again shortly.",
                "পেমেন্ট সেবাটি এই মুহূর্তে পাওয়া যাচ্ছে না। একটু পরে আবার চেষ্টা করুন।"),
            C::ProviderTimeout => spec("provider_timeout", 504, true,
                "The payment service did not answer in time. Please check the payment before trying again.",
                "পেমেন্ট সেবা থেকে সময়মতো উত্তর আসেনি। আবার চেষ্টার আগে পেমেন্টের অবস্থা দেখে নিন।"),
            C::ProviderConfigError => spec("provider_config_error", 502, false,
                "Payments are not set up correctly for this shop. Please contact the shop.",
                "এই দোকানের পেমেন্ট ব্যবস্থা ঠিকমতো চালু করা নেই। অনুগ্রহ করে দোকানের সাথে যোগাযোগ করুন।"),
            C::InternalError => spec("internal_error", 500, true,
                "Something went wrong on our side. Please try again.",
                "আমাদের দিকে একটি সমস্যা হয়েছে। অনুগ্রহ করে আবার চেষ্টা করুন।"),
        }
    }

    /// The wire name, e.g. `"insufficient_balance"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        self.spec().name
    }

    #[must_use]
    pub const fn http_status(self) -> u16 {
        self.spec().status
    }

    /// The same request may succeed later.
    #[must_use]
    pub const fn retryable(self) -> bool {
        self.spec().retryable
    }

    /// What to tell a person, in `lang`: one sentence or two, no codes, no data.
    #[must_use]
    pub const fn message(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.spec().en,
            Lang::Bn => self.spec().bn,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorCode {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<ErrorCode, UnknownName> {
        ErrorCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(UnknownName("error code"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_are_the_table_names_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
            assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(code));
            assert!(seen.insert(code.as_str()), "duplicate {code}");
        }
    }

    #[test]
    fn every_code_speaks_both_languages() {
        for code in ErrorCode::ALL {
            let (en, bn) = (code.message(Lang::En), code.message(Lang::Bn));
            assert!(en.ends_with('.'), "{code}: {en}");
            assert!(bn.ends_with('।'), "{code}: {bn}");
            assert!(bn.chars().any(|c| ('\u{0980}'..='\u{09FF}').contains(&c)), "{code}");
            assert!(!bn.chars().any(|c| c.is_ascii_digit()), "{code}: digits in Bangla text");
        }
    }

    /// docs/api.openapi.yaml names every code, and only these (its `ErrorCode` enum).
    #[test]
    fn the_openapi_file_lists_exactly_these_codes() {
        let spec = include_str!("../../../docs/api.openapi.yaml");
        let start = spec.find("\n    ErrorCode:\n").expect("an ErrorCode schema");
        let listed: Vec<&str> = spec[start..]
            .lines()
            .skip_while(|l| l.trim() != "enum:")
            .skip(1)
            .take_while(|l| l.trim_start().starts_with("- "))
            .map(|l| {
                l.trim_start()
                    .trim_start_matches("- ")
                    .split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
            })
            .collect();
        let ours: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            listed, ours,
            "docs/api.openapi.yaml's ErrorCode enum, in ErrorCode::ALL's order"
        );
    }

    #[test]
    fn statuses_are_4xx_for_callers_and_5xx_only_for_faults() {
        for code in ErrorCode::ALL {
            let status = code.http_status();
            assert!((400..600).contains(&status), "{code}");
            if status >= 500 {
                assert!(
                    code.as_str().starts_with("provider_") || code == ErrorCode::InternalError,
                    "{code}"
                );
            }
        }
        assert_eq!(ErrorCode::InsufficientBalance.http_status(), 402);
        assert!(ErrorCode::ProviderTimeout.retryable());
        assert!(!ErrorCode::InsufficientBalance.retryable());
    }
}
