//! Request and reply bodies of initialize (B.4), complete (B.5) and purchase cancel (B.8),
//! with their plain sensitive-data objects. Field order is the examples' order, so a
//! serialized object matches docs/providers.md byte for byte.

use serde::{Deserialize, Serialize};

/// B.4 plain sensitive data (serialize once; sign and encrypt the same bytes).
/// Written `datetime` as samples and clients do; `dateTime` (the guide's table) is read too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitializeSensitive {
    #[serde(rename = "merchantId")]
    pub merchant_id: String,
    #[serde(rename = "datetime", alias = "dateTime")]
    pub datetime: String,
    #[serde(rename = "orderId")]
    pub order_id: String,
    /// The merchant's random challenge (guide: 40 hex).
    pub challenge: String,
}

/// B.4 body: `POST {base}/check-out/initialize/{merchantId}/{orderId}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitializeRequest {
    /// The merchant's own 11-digit wallet; optional.
    #[serde(rename = "accountNumber", default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    #[serde(rename = "dateTime", alias = "datetime")]
    pub date_time: String,
    #[serde(rename = "sensitiveData")]
    pub sensitive_data: String,
    pub signature: String,
}

/// Initialize's reply and cancel's reply: both sealed to the merchant (B.4, B.8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedReply {
    #[serde(rename = "sensitiveData")]
    pub sensitive_data: String,
    pub signature: String,
}

/// B.4 reply, decrypted. The 2019 guide names the server challenge `random`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitializeReplySensitive {
    #[serde(rename = "paymentReferenceId")]
    pub payment_reference_id: String,
    /// Nagad's own challenge (20 hex): echo it in complete.
    #[serde(alias = "random")]
    pub challenge: String,
    #[serde(rename = "acceptDateTime")]
    pub accept_date_time: String,
}

/// B.5 plain sensitive data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteSensitive {
    #[serde(rename = "merchantId")]
    pub merchant_id: String,
    #[serde(rename = "orderId")]
    pub order_id: String,
    /// [`super::CURRENCY_BDT`].
    #[serde(rename = "currencyCode")]
    pub currency_code: String,
    /// String, ≤ 2 decimals: `"1250.00"`.
    pub amount: String,
    /// The **server's** challenge from initialize's reply.
    pub challenge: String,
}

/// The five keys Nagad's page shows (B.5); the map may hold others (≤ 2048 bytes in all).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdditionalMerchantInfo {
    #[serde(rename = "serviceName", default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// 200×200.
    #[serde(rename = "serviceLogoURL", default, skip_serializing_if = "Option::is_none")]
    pub service_logo_url: Option<String>,
    #[serde(rename = "additionalFieldNameEN", default, skip_serializing_if = "Option::is_none")]
    pub additional_field_name_en: Option<String>,
    #[serde(rename = "additionalFieldNameBN", default, skip_serializing_if = "Option::is_none")]
    pub additional_field_name_bn: Option<String>,
    #[serde(rename = "additionalFieldValue", default, skip_serializing_if = "Option::is_none")]
    pub additional_field_value: Option<String>,
}

/// B.5 body: `POST {base}/check-out/complete/{paymentReferenceId}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteRequest {
    #[serde(rename = "sensitiveData")]
    pub sensitive_data: String,
    pub signature: String,
    /// 10–255 characters; where the shopper's browser returns (B.6).
    #[serde(rename = "merchantCallbackURL")]
    pub merchant_callback_url: String,
    #[serde(rename = "additionalMerchantInfo", default, skip_serializing_if = "Option::is_none")]
    pub additional_merchant_info: Option<AdditionalMerchantInfo>,
}

/// B.5 reply, plain JSON. `callBackUrl` is where the **shopper** is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteReply {
    #[serde(rename = "callBackUrl")]
    pub call_back_url: String,
    pub status: String,
}

/// B.8 plain sensitive data. Nagad's sample also puts `orderId` inside; `originalRequestDate`
/// is the payment's Dhaka date `yyyyMMdd` ([our choice]). Keep it ≤ 245 bytes in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelSensitive {
    #[serde(rename = "merchantId")]
    pub merchant_id: String,
    #[serde(rename = "orderId", default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(rename = "originalRequestDate")]
    pub original_request_date: String,
    #[serde(rename = "originalAmount")]
    pub original_amount: String,
    #[serde(rename = "cancelAmount")]
    pub cancel_amount: String,
    #[serde(rename = "referenceNo")]
    pub reference_no: String,
    #[serde(rename = "referenceMessage")]
    pub reference_message: String,
}

/// B.8 body: `POST {base}/purchase/cancel?paymentRefId=…&orderId=…` (note the different key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelRequest {
    #[serde(rename = "sensitiveDataCancelRequest")]
    pub sensitive_data_cancel_request: String,
    pub signature: String,
}

/// B.8 query parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelQuery {
    #[serde(rename = "paymentRefId")]
    pub payment_ref_id: String,
    #[serde(rename = "orderId")]
    pub order_id: String,
}

/// B.8 reply, decrypted [1]: `status` `PartialCancelled` or `Cancelled` (full, [our choice]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelReplySensitive {
    pub status: String,
    pub code: String,
    #[serde(rename = "originalAmount")]
    pub original_amount: String,
    /// This refund's amount.
    #[serde(rename = "cancelAmount")]
    pub cancel_amount: String,
    #[serde(rename = "cancelTrxId")]
    pub cancel_trx_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn golden<T: Serialize + for<'de> Deserialize<'de> + PartialEq + core::fmt::Debug>(json: &str) -> T {
        let value: T = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            json,
            "serializes back byte for byte"
        );
        value
    }

    #[test]
    fn initialize_examples() {
        let s: InitializeSensitive = golden(
            r#"{"merchantId":"683002007104225","datetime":"20241125140531","orderId":"BDP20241125A0042","challenge":"9b1e0c4d7a2f58e3c6b0a9d18e7f2c4b5a6d3e1f"}"#,
        );
        assert_eq!(s.datetime, "20241125140531");
        let body: InitializeRequest = golden(
            r#"{"accountNumber":"01711428036","dateTime":"20241125140531","sensitiveData":"<base64>","signature":"<base64>"}"#,
        );
        assert_eq!(body.account_number.as_deref(), Some("01711428036"));
        let reply: InitializeReplySensitive = golden(
            r#"{"paymentReferenceId":"MTEyNTE0MDUzMzEyMy42ODMwMDIwMDcxMDQyMjUuQkRQMjAyNDExMjVBMDA0Mi40ZjljMmU3YTFiM2Q1YzZlOGYwMQ==","challenge":"4f9c2e7a1b3d5c6e8f01","acceptDateTime":"20241125140533"}"#,
        );
        assert_eq!(reply.challenge, "4f9c2e7a1b3d5c6e8f01");
    }

    #[test]
    fn both_datetime_spellings_and_the_old_random_are_read() {
        let s: InitializeSensitive =
            serde_json::from_str(r#"{"merchantId":"1","dateTime":"20241125140531","orderId":"o","challenge":"c"}"#)
                .unwrap();
        assert_eq!(s.datetime, "20241125140531");
        assert!(
            serde_json::to_string(&s).unwrap().contains(r#""datetime":"#),
            "written as `datetime`"
        );
        let b: InitializeRequest =
            serde_json::from_str(r#"{"datetime":"20241125140531","sensitiveData":"a","signature":"b"}"#).unwrap();
        assert_eq!(b.account_number, None);
        let r: InitializeReplySensitive =
            serde_json::from_str(r#"{"paymentReferenceId":"p","random":"4f9c","acceptDateTime":"20241125140533"}"#)
                .unwrap();
        assert_eq!(r.challenge, "4f9c");
    }

    #[test]
    fn complete_examples() {
        golden::<CompleteSensitive>(
            r#"{"merchantId":"683002007104225","orderId":"BDP20241125A0042","currencyCode":"050","amount":"1250.00","challenge":"4f9c2e7a1b3d5c6e8f01"}"#,
        );
        let body: CompleteRequest = golden(
            r#"{"sensitiveData":"<base64>","signature":"<base64>","merchantCallbackURL":"https://edge.example/v1/return/nagad","additionalMerchantInfo":{"serviceName":"Demo Shop","serviceLogoURL":"https://edge.example/logo.png","additionalFieldNameEN":"Order","additionalFieldNameBN":"অর্ডার","additionalFieldValue":"A0042"}}"#,
        );
        assert_eq!(
            body.additional_merchant_info.and_then(|i| i.service_name).as_deref(),
            Some("Demo Shop")
        );
        golden::<CompleteReply>(
            r#"{"callBackUrl":"https://sandbox-ssl.mynagad.com:10061/check-out/MTEyNTE0MDUzMzEyMy42ODMw","status":"Success"}"#,
        );
    }

    #[test]
    fn cancel_examples() {
        let s: CancelSensitive = golden(
            r#"{"merchantId":"683002007104225","originalRequestDate":"20241125","originalAmount":"1250.00","cancelAmount":"250.00","referenceNo":"rf7Qm2Kx9Lp4","referenceMessage":"Customer returned one item"}"#,
        );
        assert_eq!(s.order_id, None);
        golden::<CancelRequest>(r#"{"sensitiveDataCancelRequest":"<base64>","signature":"<base64>"}"#);
        golden::<CancelReplySensitive>(
            r#"{"status":"PartialCancelled","code":"00_0000_000","originalAmount":"1250.00","cancelAmount":"250.00","cancelTrxId":"0001AB7Q"}"#,
        );
        golden::<SealedReply>(r#"{"sensitiveData":"a","signature":"b"}"#);
    }

    #[test]
    fn a_cancel_object_with_order_id_fits_one_rsa_block() {
        let s = CancelSensitive {
            merchant_id: "683002007104225".into(),
            order_id: Some("A1B2C3D4E5F6G7H8I9J0".into()),
            original_request_date: "20241125".into(),
            original_amount: "500000.00".into(),
            cancel_amount: "499999.99".into(),
            reference_no: "rf7Qm2Kx9Lp4rf7Qm2Kx".into(),
            reference_message: "Customer returned one item".into(),
        };
        assert!(serde_json::to_vec(&s).unwrap().len() <= 245);
    }

    #[test]
    fn amounts_as_numbers_are_refused() {
        let r = serde_json::from_str::<CompleteSensitive>(
            r#"{"merchantId":"1","orderId":"o","currencyCode":"050","amount":1250,"challenge":"c"}"#,
        );
        assert!(r.is_err());
    }
}
