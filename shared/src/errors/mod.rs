//! Our error codes, the `{"error": {...}}` body every error response carries, and
//! the table that turns a provider's code into ours (`catalog`).
//!
//! The edge fills [`ApiError`] from here and the widget reads it back, so both
//! say the same words in Bangla and English.

pub mod catalog;
mod code;
pub mod unknown_name;

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use code::ErrorCode;
pub use unknown_name::UnknownName;

use crate::ids::IdError;
use crate::locale::Lang;
use crate::money::MoneyError;
use crate::phone::PhoneError;
use crate::provider::Provider;
use crate::status::Refused;
use catalog::Verdict;

/// The JSON body of every error response (docs/design.md, "Public HTTP contract"):
///
/// ```json
/// {"error": {"code": "insufficient_balance", "message": "…", "message_bn": "…",
///            "provider": "bkash", "provider_code": "2023", "retryable": false}}
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ErrorBody,
}

/// The object inside `"error"`. `provider` and `provider_code` are left out when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// English, for the merchant's developer and English-speaking shoppers.
    pub message: Cow<'static, str>,
    /// Bangla, for shoppers.
    pub message_bn: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_code: Option<String>,
    pub retryable: bool,
    /// `rate_limited`: seconds to wait (the `Retry-After` header says the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
    /// `otp_incorrect`: tries left for this code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u8>,
}

/// The longest provider code we echo (`16_0006_004` is 11); anything longer or
/// stranger is dropped rather than passed from a provider body into ours.
const MAX_PROVIDER_CODE_LEN: usize = 16;

impl ApiError {
    /// The error for one of our codes, with its standard messages.
    #[must_use]
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError {
            error: ErrorBody {
                code,
                message: Cow::Borrowed(code.message(Lang::En)),
                message_bn: Cow::Borrowed(code.message(Lang::Bn)),
                provider: None,
                provider_code: None,
                retryable: code.retryable(),
                retry_after: None,
                tries_left: None,
            },
        }
    }

    /// The error for a provider's failure code, translated through [`catalog`].
    /// An unknown code becomes `provider_declined`, not retryable. A success code
    /// has no error of its own: it is described like an unknown one, so a caller
    /// that gets here by mistake fails closed.
    #[must_use]
    pub fn from_provider(provider: Provider, provider_code: &str) -> ApiError {
        let info = match catalog::classify(provider, provider_code) {
            Verdict::Failure(info) => info,
            Verdict::Success => catalog::ProviderCodeInfo::UNKNOWN,
        };
        let mut err = ApiError::new(info.code).with_provider(provider, provider_code);
        err.error.retryable = info.retryable;
        err
    }

    /// Names the provider and its code. The code is kept only if it looks like one
    /// (1 to 16 of `[A-Za-z0-9_.-]`), so no provider text reaches our body.
    #[must_use]
    pub fn with_provider(mut self, provider: Provider, provider_code: &str) -> ApiError {
        let looks_like_a_code = (1..=MAX_PROVIDER_CODE_LEN).contains(&provider_code.len())
            && provider_code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        self.error.provider = Some(provider);
        self.error.provider_code = looks_like_a_code.then(|| provider_code.to_owned());
        self
    }

    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.error.code
    }

    #[must_use]
    pub fn http_status(&self) -> u16 {
        self.error.code.http_status()
    }

    /// The message in `lang`.
    #[must_use]
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.error.message,
            Lang::Bn => &self.error.message_bn,
        }
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> ApiError {
        ApiError::new(code)
    }
}

/// `code: message`, for a log line; the body is the serde form.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.error.code.as_str())?;
        f.write_str(": ")?;
        f.write_str(&self.error.message)
    }
}

impl std::error::Error for ApiError {}

impl From<MoneyError> for ErrorCode {
    fn from(_: MoneyError) -> ErrorCode {
        ErrorCode::InvalidAmount
    }
}

impl From<PhoneError> for ErrorCode {
    fn from(_: PhoneError) -> ErrorCode {
        ErrorCode::InvalidPhone
    }
}

/// A malformed id in a body or a query; an id in a path that does not parse is
/// better answered `not_found` by the route (nothing can exist under it).
impl From<IdError> for ErrorCode {
    fn from(_: IdError) -> ErrorCode {
        ErrorCode::InvalidRequest
    }
}

impl<S, E> From<Refused<S, E>> for ErrorCode {
    fn from(_: Refused<S, E>) -> ErrorCode {
        ErrorCode::InvalidState
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn our_error_serializes_to_the_contract_shape_without_provider_fields() {
        let body = serde_json::to_value(ApiError::new(ErrorCode::InvalidAmount)).unwrap();
        assert_eq!(
            body,
            json!({"error": {
                "code": "invalid_amount",
                "message": ErrorCode::InvalidAmount.message(Lang::En),
                "message_bn": "টাকার পরিমাণ সঠিক নয়।",
                "retryable": false,
            }})
        );
    }

    #[test]
    fn a_provider_error_carries_provider_and_code() {
        let err = ApiError::from_provider(Provider::Bkash, "2023");
        assert_eq!(err.code(), ErrorCode::InsufficientBalance);
        assert_eq!(err.http_status(), 402);
        assert_eq!(err.message(Lang::Bn), "আপনার অ্যাকাউন্টে যথেষ্ট ব্যালেন্স নেই।");
        let body = serde_json::to_value(&err).unwrap();
        assert_eq!(body["error"]["provider"], "bkash");
        assert_eq!(body["error"]["provider_code"], "2023");
        assert_eq!(body["error"]["retryable"], false);
        let back: ApiError = serde_json::from_value(body).unwrap();
        assert_eq!(back, err);
    }

    #[test]
    fn unknown_and_odd_provider_codes_fail_closed() {
        let err = ApiError::from_provider(Provider::Nagad, "99_9999_999");
        assert_eq!(err.code(), ErrorCode::ProviderDeclined);
        assert!(!err.error.retryable);
        assert_eq!(err.error.provider_code.as_deref(), Some("99_9999_999"));
        let err = ApiError::from_provider(Provider::Bkash, "<script>alert(1)</script>");
        assert_eq!(err.error.provider_code, None);
        assert_eq!(
            ApiError::from_provider(Provider::Bkash, "0000").code(),
            ErrorCode::ProviderDeclined
        );
    }

    #[test]
    fn retryable_follows_the_catalog_row() {
        assert!(ApiError::from_provider(Provider::Bkash, "2029").error.retryable);
        assert!(ApiError::from_provider(Provider::Bkash, "503").error.retryable);
        assert!(!ApiError::from_provider(Provider::Nagad, "16_0006_058").error.retryable);
    }

    #[test]
    fn the_body_reads_back_from_json_with_optional_fields_absent() {
        let text = r#"{"error":{"code":"not_found","message":"m","message_bn":"ব","retryable":false}}"#;
        let err: ApiError = serde_json::from_str(text).unwrap();
        assert_eq!(err.code(), ErrorCode::NotFound);
        assert_eq!(err.error.provider, None);
        assert_eq!(serde_json::to_string(&err).unwrap(), text);
    }

    #[test]
    fn domain_errors_map_to_their_codes() {
        assert_eq!(ErrorCode::from(MoneyError::Sign), ErrorCode::InvalidAmount);
        assert_eq!(ErrorCode::from(PhoneError::BadPrefix), ErrorCode::InvalidPhone);
        assert_eq!(ErrorCode::from(IdError::BadCharacter), ErrorCode::InvalidRequest);
        let refused = crate::status::next(crate::status::PaymentStatus::Refunded, crate::status::Event::TimedOut);
        assert_eq!(refused.map_err(ErrorCode::from), Err(ErrorCode::InvalidState));
        assert_eq!(
            ApiError::new(ErrorCode::InternalError).to_string(),
            "internal_error: Something went wrong on our side. Please try again."
        );
    }
}
