//! Nagad's codes (B.10): the API's `reason` codes with their English messages, the page's
//! `status_code`s, and the `{"reason","message"}` error body.

use serde::{Deserialize, Serialize};

/// Every error: HTTP 4xx/5xx with `{"reason":"16_0006_004","message":"…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub reason: String,
    pub message: String,
}

impl ErrorBody {
    /// The body for a known `reason`, with its message from [`reason::message`].
    pub fn of(code: &str) -> ErrorBody {
        ErrorBody {
            reason: code.to_owned(),
            message: reason::message(code).unwrap_or("Request failed").to_owned(),
        }
    }
}

/// API error reasons. Names for the ones our sandbox answers; [`reason::TABLE`] has them all.
pub mod reason {
    pub const MERCHANT_ID_INVALID: &str = "16_0006_004";
    pub const MERCHANT_INACTIVE: &str = "16_0006_053";
    pub const ENCRYPTION_FAILED: &str = "16_0006_056";
    pub const DECRYPTION_FAILED: &str = "16_0006_057";
    pub const SIGNATURE_FAILED: &str = "16_0006_058";
    /// [our choice] also: wrong or missing echoed challenge, bad amount.
    pub const INVALID_SENSITIVE_DATA: &str = "16_0006_059";
    pub const NOT_ENCODED: &str = "16_0006_060";
    pub const INVALID_MERCHANT_KEY: &str = "16_0006_061";
    pub const HEADER_MISSING: &str = "16_0006_064";
    pub const INVALID_ORDER_ID: &str = "16_0006_068";
    pub const UNPROCESSABLE_SENSITIVE_DATA: &str = "16_0006_069";
    pub const COULD_NOT_PERSIST: &str = "16_0006_075";
    pub const DATETIME_OUT_OF_WINDOW: &str = "16_0006_076";
    pub const INVALID_CURRENCY: &str = "16_0006_080";
    pub const DATETIME_FORMAT: &str = "16_0006_081";
    pub const DUPLICATE_ORDER_ID: &str = "16_0006_083";
    /// [our choice] also: complete twice, refund of an unpaid payment, refunds past the original.
    pub const STATE_INVALID: &str = "16_0006_017";
    pub const INVALID_REFERENCE: &str = "16_0006_055";
    pub const INVALID_REQUEST: &str = "16_0006_999";
    pub const INVALID_PIN: &str = "16_0006_001";

    /// (reason, message) for every code of B.10.
    pub const TABLE: &[(&str, &str)] = &[
        ("16_0006_001", "Invalid PIN provided"),
        ("16_0006_004", "Provided merchant ID is invalid"),
        ("16_0006_017", "Purchase information state invalid"),
        ("16_0006_040", "Invalid encrypted request type"),
        ("16_0006_050", "Provided merchant ID is invalid"),
        ("16_0006_052", "Invalid merchant"),
        ("16_0006_053", "Merchant is inactive"),
        ("16_0006_055", "Invalid payment reference ID"),
        ("16_0006_056", "Encryption failed"),
        ("16_0006_057", "Decryption failed"),
        ("16_0006_058", "Signature verification failed"),
        ("16_0006_059", "Invalid sensitive data"),
        ("16_0006_060", "Sensitive data is not encoded"),
        ("16_0006_061", "Invalid merchant key"),
        ("16_0006_064", "Mandatory header missing"),
        ("16_0006_068", "Invalid order ID"),
        ("16_0006_069", "Unprocessable sensitive data"),
        ("16_0006_075", "Could not persist data"),
        ("16_0006_076", "Request date-time is outside the allowed window"),
        ("16_0006_080", "Invalid currency code"),
        ("16_0006_081", "Invalid date-time format"),
        ("16_0006_083", "Duplicate order ID in the same day"),
        ("16_0006_999", "Invalid request"),
    ];

    /// The English message of a reason code, if it is one of B.10's.
    pub fn message(code: &str) -> Option<&'static str> {
        TABLE.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
    }
}

/// The hosted page's `status_code` (redirect, B.6) with `message`. Shopper-side codes other
/// than over-limit are not published: 801–803 are the sandbox's placeholders ([our choice]).
pub mod status_code {
    pub const SUCCESS: &str = "00_0000_000";
    /// Shopper cancelled or the page timed out (`status=Aborted`).
    pub const ABORTED: &str = "00_0000_001";
    pub const INSUFFICIENT_BALANCE: &str = "50_0026_801";
    pub const PIN_LIMIT: &str = "50_0026_802";
    pub const OTP_LIMIT: &str = "50_0026_803";
    pub const OVER_LIMIT: &str = "50_0026_851";

    pub const TABLE: &[(&str, &str)] = &[
        (SUCCESS, "Successful Transaction"),
        (ABORTED, "Transaction aborted by the customer"),
        (INSUFFICIENT_BALANCE, "E Com Trx Failed. Insufficient balance."),
        (PIN_LIMIT, "E Com Trx Failed. Wrong PIN limit exceeded."),
        (OTP_LIMIT, "E Com Trx Failed. OTP expired or attempt limit exceeded."),
        (OVER_LIMIT, "E Com Trx Failed. Transaction over limit."),
    ];

    /// The redirect `message` for a page status code.
    pub fn message(code: &str) -> Option<&'static str> {
        TABLE.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_matches_b10() {
        let body = ErrorBody::of(reason::MERCHANT_ID_INVALID);
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"reason":"16_0006_004","message":"Provided merchant ID is invalid"}"#
        );
        assert_eq!(ErrorBody::of("16_0006_777").message, "Request failed");
    }

    #[test]
    fn every_named_code_has_a_message() {
        use reason::*;
        for code in [
            MERCHANT_ID_INVALID,
            MERCHANT_INACTIVE,
            ENCRYPTION_FAILED,
            DECRYPTION_FAILED,
            SIGNATURE_FAILED,
            INVALID_SENSITIVE_DATA,
            NOT_ENCODED,
            INVALID_MERCHANT_KEY,
            HEADER_MISSING,
            INVALID_ORDER_ID,
            UNPROCESSABLE_SENSITIVE_DATA,
            COULD_NOT_PERSIST,
            DATETIME_OUT_OF_WINDOW,
            INVALID_CURRENCY,
            DATETIME_FORMAT,
            DUPLICATE_ORDER_ID,
            STATE_INVALID,
            INVALID_REFERENCE,
            INVALID_REQUEST,
            INVALID_PIN,
        ] {
            assert!(reason::message(code).is_some(), "{code}");
        }
        assert_eq!(
            status_code::message(status_code::OVER_LIMIT),
            Some("E Com Trx Failed. Transaction over limit.")
        );
        assert_eq!(
            status_code::message(status_code::SUCCESS),
            Some("Successful Transaction")
        );
    }
}
