//! Nagad's Online Payment API (v-0.2.0) on the wire, as docs/providers.md Part B gives it: paths,
//! headers, the plain sensitive-data objects and bodies of B.4–B.8, the hosted page's
//! redirect parameters (B.6), the `{"reason","message"}` error and the code tables (B.10).
//!
//! Amounts and times stay strings here; parse amounts with [`crate::money::Money`] and times
//! with [`super::time::DhakaTime`] (it reads both `yyyyMMddHHmmss` and `yyyy-MM-dd HH:mm:ss.S`).

mod bodies;
mod codes;
mod redirect;
#[cfg(feature = "crypto")]
mod reference;
mod verify;

pub use bodies::*;
pub use codes::{reason, status_code, ErrorBody};
pub use redirect::Redirect;
#[cfg(feature = "crypto")]
pub use reference::{decode_payment_reference, encode_payment_reference, PaymentReference};
pub use verify::{AdditionalInfo, PaymentStatus, VerifyReply};

use super::time::DhakaTime;

/// Under the API origin (`http://sandbox.mynagad.com:10080`, production `https://api.mynagad.com`
/// uses `/api/dfs` alone; B.1).
pub const API_BASE: &str = "/remote-payment-gateway-1.0/api/dfs";

/// Paths under [`API_BASE`]; `{…}` are path parameters.
pub mod path {
    pub const INITIALIZE: &str = "/check-out/initialize/{merchantId}/{orderId}";
    pub const COMPLETE: &str = "/check-out/complete/{paymentReferenceId}";
    pub const VERIFY: &str = "/verify/payment/{paymentReferenceId}";
    /// Query: `paymentRefId`, `orderId`.
    pub const CANCEL: &str = "/purchase/cancel";
}

/// `X-KM-Api-Version` value (B.2).
pub const API_VERSION: &str = "v-0.2.0";
/// `currencyCode` of taka (B.5).
pub const CURRENCY_BDT: &str = "050";

/// Header names of B.2. The first three are mandatory on initialize, complete and cancel.
pub mod header {
    pub const API_VERSION: &str = "X-KM-Api-Version";
    pub const IP_V4: &str = "X-KM-IP-V4";
    pub const CLIENT_TYPE: &str = "X-KM-Client-Type";
    /// Sent by some clients, not in the guide; optional.
    pub const MC_ID: &str = "X-KM-MC-Id";
    pub const MANDATORY: [&str; 3] = [API_VERSION, IP_V4, CLIENT_TYPE];
}

/// `X-KM-Client-Type` values (B.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClientType {
    PcWeb,
    MobileWeb,
    MobileApp,
    WalletWebView,
    BillKey,
}

impl ClientType {
    pub const fn as_str(self) -> &'static str {
        match self {
            ClientType::PcWeb => "PC_WEB",
            ClientType::MobileWeb => "MOBILE_WEB",
            ClientType::MobileApp => "MOBILE_APP",
            ClientType::WalletWebView => "WALLET_WEB_VIEW",
            ClientType::BillKey => "BILL_KEY",
        }
    }

    pub fn parse(s: &str) -> Option<ClientType> {
        [
            Self::PcWeb,
            Self::MobileWeb,
            Self::MobileApp,
            Self::WalletWebView,
            Self::BillKey,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// `orderId`: ASCII letters and digits only, 5–20 of them (B.4). Being alphanumeric also
/// keeps `+` and `/` out of the base64 `paymentReferenceId`, which travels in URL paths.
pub fn is_valid_order_id(s: &str) -> bool {
    (5..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `merchantId`: 15 digits (B.4).
pub fn is_valid_merchant_id(s: &str) -> bool {
    s.len() == 15 && s.bytes().all(|b| b.is_ascii_digit())
}

/// How far a request's `datetime` may be from Dhaka now (B.10 [our choice]: 10 minutes).
pub const DATETIME_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Why a request's `datetime` was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateTimeError {
    /// Not `yyyyMMddHHmmss` (`16_0006_081`).
    Format,
    /// More than [`DATETIME_WINDOW_MS`] from now (`16_0006_076`): usually a clock on UTC.
    OutsideWindow,
}

/// Checks a request `datetime` (`yyyyMMddHHmmss`, Asia/Dhaka) against `now_ms` (unix ms).
pub fn check_request_datetime(text: &str, now_ms: i64) -> Result<DhakaTime, DateTimeError> {
    if text.len() != 14 {
        return Err(DateTimeError::Format);
    }
    let t = DhakaTime::parse(text).ok_or(DateTimeError::Format)?;
    let skew = t.to_unix_millis().saturating_sub(now_ms).saturating_abs();
    if skew > DATETIME_WINDOW_MS {
        return Err(DateTimeError::OutsideWindow);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_ids_follow_b4() {
        for ok in ["BDP20241125A0042", "abcde", "A1B2C3D4E5F6G7H8I9J0"] {
            assert!(is_valid_order_id(ok), "{ok}");
        }
        for bad in [
            "abcd",
            "A1B2C3D4E5F6G7H8I9J0K",
            "BDP-2024",
            "BDP_20241",
            "অর্ডার১২৩৪৫",
            "abc de",
        ] {
            assert!(!is_valid_order_id(bad), "{bad}");
        }
        assert!(is_valid_merchant_id("683002007104225"));
        assert!(!is_valid_merchant_id("68300200710422"));
        assert!(!is_valid_merchant_id("68300200710422x"));
    }

    #[test]
    fn datetime_window_is_ten_minutes_in_dhaka() {
        // 2024-11-25 14:05:31 Dhaka = 08:05:31 UTC.
        let now = DhakaTime::parse("20241125140531")
            .map(DhakaTime::to_unix_millis)
            .unwrap();
        assert!(check_request_datetime("20241125140531", now).is_ok());
        assert!(
            check_request_datetime("20241125141531", now).is_ok(),
            "exactly 10 min ahead"
        );
        assert_eq!(
            check_request_datetime("20241125141532", now),
            Err(DateTimeError::OutsideWindow)
        );
        assert_eq!(
            check_request_datetime("20241125135530", now),
            Err(DateTimeError::OutsideWindow)
        );
        // A server on UTC sends 08:05:31: six hours off.
        assert_eq!(
            check_request_datetime("20241125080531", now),
            Err(DateTimeError::OutsideWindow)
        );
        for bad in ["2024112514053", "2024-11-25 14:05:31", "20241325140531", ""] {
            assert_eq!(check_request_datetime(bad, now), Err(DateTimeError::Format), "{bad}");
        }
    }

    #[test]
    fn client_types_round_trip() {
        for c in [
            ClientType::PcWeb,
            ClientType::MobileWeb,
            ClientType::MobileApp,
            ClientType::WalletWebView,
            ClientType::BillKey,
        ] {
            assert_eq!(ClientType::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.as_str()));
        }
        assert_eq!(ClientType::parse("pc_web"), None);
    }
}
