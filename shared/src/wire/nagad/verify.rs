//! Verify payment (B.7): `GET {base}/verify/payment/{paymentReferenceId}`, plain JSON, and the
//! payment status both verify and the redirect carry. Read tolerantly: the guide and real
//! replies disagree on case, date formats, `statusCode` and `additionalMerchantInfo`'s type.

use core::fmt;

use serde::de::{Deserializer, IgnoredAny};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::bodies::AdditionalMerchantInfo;
use crate::wire::time::DhakaTime;

/// A payment's status (B.6, B.7, B.12), read case-insensitively; unknown words are kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    OrderInitiated,
    Ready,
    InProgress,
    OtpSent,
    OtpVerified,
    PinGiven,
    Success,
    Failed,
    Aborted,
    Cancelled,
    PartialCancelled,
    /// Some replies say `Refunded` / `PartialRefunded` where others say `Cancelled` /
    /// `PartialCancelled` after a refund: the same meaning.
    Refunded,
    PartialRefunded,
    InvalidRequest,
    Fraud,
    UnknownFailed,
    /// Any other word, as sent.
    Other(String),
}

const NAMES: [(PaymentStatus, &str); 16] = [
    (PaymentStatus::OrderInitiated, "OrderInitiated"),
    (PaymentStatus::Ready, "Ready"),
    (PaymentStatus::InProgress, "InProgress"),
    (PaymentStatus::OtpSent, "OtpSent"),
    (PaymentStatus::OtpVerified, "OtpVerified"),
    (PaymentStatus::PinGiven, "PinGiven"),
    (PaymentStatus::Success, "Success"),
    (PaymentStatus::Failed, "Failed"),
    (PaymentStatus::Aborted, "Aborted"),
    (PaymentStatus::Cancelled, "Cancelled"),
    (PaymentStatus::PartialCancelled, "PartialCancelled"),
    (PaymentStatus::Refunded, "Refunded"),
    (PaymentStatus::PartialRefunded, "PartialRefunded"),
    (PaymentStatus::InvalidRequest, "InvalidRequest"),
    (PaymentStatus::Fraud, "Fraud"),
    (PaymentStatus::UnknownFailed, "UnknownFailed"),
];

impl PaymentStatus {
    /// `success`, `Success`, `SUCCESS` → `Success` (the guide and real redirects differ in case).
    pub fn parse(s: &str) -> PaymentStatus {
        NAMES
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(s.trim()))
            .map_or_else(|| PaymentStatus::Other(s.to_owned()), |(status, _)| status.clone())
    }

    pub fn as_str(&self) -> &str {
        match self {
            PaymentStatus::Other(s) => s,
            known => NAMES.iter().find(|(s, _)| s == known).map_or("", |(_, name)| name),
        }
    }

    /// Paid now: `Success` only (B.7). A refunded payment was paid: see [`Self::was_paid`].
    pub fn is_paid(&self) -> bool {
        *self == PaymentStatus::Success
    }

    /// Paid at some point: `Success`, or one of the refund words ([`Self::is_refund_word`]).
    pub fn was_paid(&self) -> bool {
        *self == PaymentStatus::Success || self.is_refund_word()
    }

    /// A word a payment shows after a refund: `Cancelled`, `PartialCancelled`, `Refunded`,
    /// `PartialRefunded` (B.7, B.8). `Cancelled` alone may also mean an unpaid cancel.
    pub fn is_refund_word(&self) -> bool {
        matches!(
            self,
            PaymentStatus::Cancelled
                | PaymentStatus::PartialCancelled
                | PaymentStatus::Refunded
                | PaymentStatus::PartialRefunded
        )
    }

    /// Only part of the payment refunded: `PartialCancelled` or `PartialRefunded`.
    pub fn is_partial_refund(&self) -> bool {
        matches!(self, PaymentStatus::PartialCancelled | PaymentStatus::PartialRefunded)
    }

    /// Still on its way (initiated, on the page); everything else is an outcome.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            PaymentStatus::OrderInitiated
                | PaymentStatus::Ready
                | PaymentStatus::InProgress
                | PaymentStatus::OtpSent
                | PaymentStatus::OtpVerified
                | PaymentStatus::PinGiven
        )
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PaymentStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PaymentStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| PaymentStatus::parse(&s))
    }
}

/// `additionalMerchantInfo` as verify returns it: an object, a JSON **string** holding one
/// (parse it yourself), or something unreadable (ignored rather than failing the verify).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdditionalInfo {
    Map(AdditionalMerchantInfo),
    Text(String),
    Unreadable,
}

impl Serialize for AdditionalInfo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AdditionalInfo::Map(m) => m.serialize(s),
            AdditionalInfo::Text(t) => s.serialize_str(t),
            AdditionalInfo::Unreadable => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for AdditionalInfo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            Map(AdditionalMerchantInfo),
            Text(String),
            Other(IgnoredAny),
        }
        Ok(match Any::deserialize(d)? {
            Any::Map(m) => AdditionalInfo::Map(m),
            Any::Text(t) => AdditionalInfo::Text(t),
            Any::Other(_) => AdditionalInfo::Unreadable,
        })
    }
}

/// B.7 reply. Paid ⇔ `status == Success`, and `amount`/`orderId` match ours.
/// Every field but `status` may be missing or null; `null`s are written, as Nagad does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReply {
    #[serde(rename = "merchantId", default)]
    pub merchant_id: Option<String>,
    #[serde(rename = "orderId", default)]
    pub order_id: Option<String>,
    #[serde(rename = "paymentRefId", default)]
    pub payment_ref_id: Option<String>,
    #[serde(default)]
    pub amount: Option<String>,
    /// Masked (`017****8575`) or null.
    #[serde(rename = "clientMobileNo", default)]
    pub client_mobile_no: Option<String>,
    #[serde(rename = "merchantMobileNo", default)]
    pub merchant_mobile_no: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss.S` (real) or `yyyyMMddHHmmss` (guide): [`Self::order_time`].
    #[serde(rename = "orderDateTime", default)]
    pub order_date_time: Option<String>,
    #[serde(rename = "issuerPaymentDateTime", default)]
    pub issuer_payment_date_time: Option<String>,
    #[serde(rename = "issuerPaymentRefNo", default)]
    pub issuer_payment_ref_no: Option<String>,
    #[serde(rename = "additionalMerchantInfo", default)]
    pub additional_merchant_info: Option<AdditionalInfo>,
    pub status: PaymentStatus,
    /// `"000"` (real) or `"00_000_00"` (guide): never branch on it.
    #[serde(rename = "statusCode", default)]
    pub status_code: Option<String>,
    #[serde(rename = "cancelIssuerDateTime", default)]
    pub cancel_issuer_date_time: Option<String>,
    #[serde(rename = "cancelIssuerRefNo", default)]
    pub cancel_issuer_ref_no: Option<String>,
}

impl VerifyReply {
    pub fn order_time(&self) -> Option<DhakaTime> {
        self.order_date_time.as_deref().and_then(DhakaTime::parse)
    }

    pub fn issuer_payment_time(&self) -> Option<DhakaTime> {
        self.issuer_payment_date_time.as_deref().and_then(DhakaTime::parse)
    }

    pub fn cancel_time(&self) -> Option<DhakaTime> {
        self.cancel_issuer_date_time.as_deref().and_then(DhakaTime::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{"merchantId":"683002007104225","orderId":"BDP20241125A0042","paymentRefId":"MTEyNTE0…MDE=","amount":"1250.00","clientMobileNo":"017****8575","merchantMobileNo":"01711428036","orderDateTime":"2024-11-25 14:05:33.0","issuerPaymentDateTime":"2024-11-25 14:07:02.0","issuerPaymentRefNo":"000177YT","additionalMerchantInfo":null,"status":"Success","statusCode":"000","cancelIssuerDateTime":null,"cancelIssuerRefNo":null}"#;

    #[test]
    fn golden_example_round_trips() {
        let r: VerifyReply = serde_json::from_str(EXAMPLE).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), EXAMPLE);
        assert!(r.status.is_paid());
        assert_eq!(
            r.order_time().map(DhakaTime::compact).as_deref(),
            Some("20241125140533")
        );
        assert_eq!(
            r.issuer_payment_time().map(DhakaTime::compact).as_deref(),
            Some("20241125140702")
        );
    }

    #[test]
    fn tolerates_the_guides_variants() {
        let r: VerifyReply = serde_json::from_str(r#"{"status":"success","statusCode":"00_000_00","orderDateTime":"20241125140533","additionalMerchantInfo":"{\"serviceName\":\"Demo Shop\"}","surprise":1}"#).unwrap();
        assert_eq!(r.status, PaymentStatus::Success);
        assert_eq!(
            r.order_time().map(DhakaTime::compact).as_deref(),
            Some("20241125140533")
        );
        assert_eq!(
            r.additional_merchant_info,
            Some(AdditionalInfo::Text(r#"{"serviceName":"Demo Shop"}"#.into()))
        );
        assert_eq!(r.amount, None);
        let odd: VerifyReply = serde_json::from_str(r#"{"status":"Failed","additionalMerchantInfo":[1,2]}"#).unwrap();
        assert_eq!(odd.additional_merchant_info, Some(AdditionalInfo::Unreadable));
        let map: VerifyReply =
            serde_json::from_str(r#"{"status":"Ready","additionalMerchantInfo":{"serviceName":"S","x":3}}"#).unwrap();
        assert!(
            matches!(map.additional_merchant_info, Some(AdditionalInfo::Map(m)) if m.service_name.as_deref() == Some("S"))
        );
    }

    #[test]
    fn statuses_parse_case_insensitively_and_keep_unknown_words() {
        assert_eq!(PaymentStatus::parse("ABORTED"), PaymentStatus::Aborted);
        assert_eq!(
            PaymentStatus::parse("partialcancelled"),
            PaymentStatus::PartialCancelled
        );
        assert_eq!(PaymentStatus::parse("Pending"), PaymentStatus::Other("Pending".into()));
        assert_eq!(PaymentStatus::parse("Pending").as_str(), "Pending");
        for (status, name) in NAMES {
            assert_eq!(status.as_str(), name);
            assert_eq!(PaymentStatus::parse(name), status);
        }
        assert!(PaymentStatus::Cancelled.was_paid() && !PaymentStatus::Cancelled.is_paid());
        for word in [
            "Refunded",
            "PARTIALREFUNDED",
            "partialrefunded",
            "refunded",
            "Cancelled",
            "partialCancelled",
        ] {
            assert!(PaymentStatus::parse(word).is_refund_word(), "{word}");
            assert!(PaymentStatus::parse(word).was_paid(), "{word}");
        }
        assert!(PaymentStatus::parse("partialrefunded").is_partial_refund());
        assert!(!PaymentStatus::Refunded.is_partial_refund() && !PaymentStatus::Success.is_refund_word());
        assert!(PaymentStatus::OtpSent.is_pending() && !PaymentStatus::Aborted.is_pending());
    }
}
