//! bKash Tokenized Checkout (API v1.2.0-beta, mode `0011`) on the wire, field for field as
//! docs/providers.md Part A gives it: paths, request and response bodies, the four error envelopes,
//! the webhook's payment message and the table of bKash's own status messages.
//!
//! Money and times stay strings here (amounts echo the request's formatting, A.16); times are
//! parsed with [`super::time::DhakaTime`]. Structs that carry credentials print redacted.

use core::fmt;

use serde::{Deserialize, Serialize};

/// Under the API origin: token, create, execute, query, search, legacy refund.
pub const API_BASE: &str = "/v1.2.0-beta/tokenized/checkout";
/// Under the API origin root (no `/v1.2.0-beta`): refund v2 (A.10).
pub const REFUND_V2_BASE: &str = "/v2/tokenized-checkout/refund";

/// Paths under [`API_BASE`] and [`REFUND_V2_BASE`].
pub mod path {
    pub const GRANT: &str = "/token/grant";
    pub const REFRESH: &str = "/token/refresh";
    pub const CREATE: &str = "/create";
    pub const EXECUTE: &str = "/execute";
    pub const QUERY: &str = "/payment/status";
    pub const SEARCH: &str = "/general/searchTransaction";
    pub const LEGACY_REFUND: &str = "/payment/refund";
    pub const REFUND: &str = "/payment/transaction";
    pub const REFUND_STATUS: &str = "/payment/status";
}

/// `statusCode` of every success.
pub const SUCCESS: &str = "0000";
/// Checkout URL without agreement: the only mode we use.
pub const MODE_CHECKOUT: &str = "0011";
/// `transactionType` of a payment made through the API (webhook message, A.13).
pub const WEBHOOK_TYPE_API_PAYMENT: &str = "10002294";

/// `POST /token/grant`; headers `username`, `password`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRequest {
    pub app_key: String,
    pub app_secret: String,
}

/// `POST /token/refresh`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub app_key: String,
    pub app_secret: String,
    pub refresh_token: String,
}

/// Grant and refresh answer alike. `expires_in` is a number (seconds).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    #[serde(rename = "statusCode")]
    pub status_code: String,
    #[serde(rename = "statusMessage")]
    pub status_message: String,
    pub id_token: String,
    pub token_type: String,
    pub expires_in: u64,
    pub refresh_token: String,
}

macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($t), "(..)"))
            }
        }
    )*};
}
redacted_debug!(GrantRequest, RefreshRequest, TokenResponse);

/// `POST /create` (A.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRequest {
    pub mode: String,
    pub payer_reference: String,
    #[serde(rename = "callbackURL")]
    pub callback_url: String,
    pub amount: String,
    pub currency: String,
    pub intent: String,
    pub merchant_invoice_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_association_info: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateResponse {
    pub status_code: String,
    pub status_message: String,
    #[serde(rename = "paymentID")]
    pub payment_id: String,
    #[serde(rename = "bkashURL")]
    pub bkash_url: String,
    #[serde(rename = "callbackURL")]
    pub callback_url: String,
    #[serde(rename = "successCallbackURL")]
    pub success_callback_url: String,
    #[serde(rename = "failureCallbackURL")]
    pub failure_callback_url: String,
    #[serde(rename = "cancelledCallbackURL")]
    pub cancelled_callback_url: String,
    pub amount: String,
    pub intent: String,
    pub currency: String,
    pub payment_create_time: String,
    pub transaction_status: TransactionStatus,
    pub merchant_invoice_number: String,
}

/// Execute and query bodies: `{"paymentID":"…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRef {
    #[serde(rename = "paymentID")]
    pub payment_id: String,
}

/// `POST /execute` (A.7). Success = `0000` and `Completed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteResponse {
    pub status_code: String,
    pub status_message: String,
    #[serde(rename = "paymentID")]
    pub payment_id: String,
    pub payer_reference: String,
    pub customer_msisdn: String,
    #[serde(rename = "trxID")]
    pub trx_id: String,
    pub amount: String,
    pub transaction_status: TransactionStatus,
    pub payment_execute_time: String,
    pub currency: String,
    pub intent: String,
    pub merchant_invoice_number: String,
}

/// `POST /payment/status` (A.8): note `merchantInvoice`; the variants the edge tolerates are aliases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResponse {
    pub status_code: String,
    pub status_message: String,
    #[serde(rename = "paymentID")]
    pub payment_id: String,
    pub mode: String,
    pub payment_create_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_execute_time: Option<String>,
    pub amount: String,
    pub currency: String,
    pub intent: String,
    #[serde(alias = "merchantInvoiceNumber")]
    pub merchant_invoice: String,
    #[serde(rename = "trxID", default, skip_serializing_if = "Option::is_none")]
    pub trx_id: Option<String>,
    pub transaction_status: TransactionStatus,
    #[serde(default, alias = "userVerificationStatus", skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<VerificationStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_refundable_amount: Option<String>,
}

/// `POST /general/searchTransaction` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    #[serde(rename = "trxID")]
    pub trx_id: String,
}

/// A.9; coupon fields only on coupon-funded payments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResponse {
    pub status_code: String,
    pub status_message: String,
    #[serde(rename = "trxID")]
    pub trx_id: String,
    pub initiation_time: String,
    pub completed_time: String,
    pub transaction_type: String,
    pub customer_msisdn: String,
    pub transaction_status: TransactionStatus,
    pub amount: String,
    pub currency: String,
    pub organization_short_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_share_amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_amount: Option<String>,
}

/// Refund v2 (A.10): note the lower-case `Id` in `paymentId` and `trxId`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    pub payment_id: String,
    pub trx_id: String,
    pub refund_amount: String,
    pub sku: String,
    pub reason: String,
}

/// Refund v2 success: no `statusCode`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundResponse {
    pub original_trx_id: String,
    pub refund_trx_id: String,
    pub refund_transaction_status: TransactionStatus,
    pub original_trx_amount: String,
    pub refund_amount: String,
    pub currency: String,
    pub completed_time: String,
    pub sku: String,
    pub reason: String,
}

/// Refund v2 status body: `{"paymentId","trxId"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundStatusRequest {
    pub payment_id: String,
    pub trx_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundStatusResponse {
    pub original_trx_id: String,
    pub original_trx_amount: String,
    pub original_trx_completed_time: String,
    /// Empty when nothing was refunded yet.
    pub refund_transactions: Vec<RefundTransaction>,
}

/// `completedTime` here has no zone (`2024-11-26T10:12:44:000`, Dhaka).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundTransaction {
    pub refund_trx_id: String,
    pub refund_transaction_status: TransactionStatus,
    pub refund_amount: String,
    pub completed_time: String,
}

/// Legacy v1 `POST /payment/refund` (sandbox only; the edge uses v2). Without `amount` it asks status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyRefundRequest {
    #[serde(rename = "paymentID")]
    pub payment_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(rename = "trxID")]
    pub trx_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyRefundResponse {
    pub completed_time: String,
    pub transaction_status: TransactionStatus,
    #[serde(rename = "originalTrxID")]
    pub original_trx_id: String,
    #[serde(rename = "refundTrxID")]
    pub refund_trx_id: String,
    pub amount: String,
    pub currency: String,
    pub charge: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransactionStatus {
    Initiated,
    Completed,
    Authorized,
    #[serde(other)]
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerificationStatus {
    Complete,
    Incomplete,
    #[serde(other)]
    Unknown,
}

/// The `status` query parameter of the redirect to `callbackURL` (A.6). It proves nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallbackStatus {
    Success,
    Failure,
    Cancel,
}

/// Envelope 1 (HTTP 200 with a code; also the head of every tokenized success).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusEnvelope {
    pub status_code: String,
    pub status_message: String,
}

/// Envelope 2 (older products).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCodeEnvelope {
    pub error_code: String,
    pub error_message: String,
}

/// Envelope 3 (refund v2 only, HTTP 400).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundErrorEnvelope {
    pub internal_code: String,
    pub external_code: String,
    pub error_message_en: String,
    pub error_message_bn: String,
}

/// Envelope 4 (AWS API Gateway: 401, 400, 403 wrong path, 429, 5xx).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayEnvelope {
    pub message: String,
}

/// Any of the four, for a reader that does not know which one comes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Envelope {
    Refund(RefundErrorEnvelope),
    Status(StatusEnvelope),
    ErrorCode(ErrorCodeEnvelope),
    Gateway(GatewayEnvelope),
}

impl Envelope {
    /// bKash's code, if the envelope carries one (the gateway's does not).
    pub fn code(&self) -> Option<&str> {
        match self {
            Envelope::Refund(e) => Some(&e.external_code),
            Envelope::Status(e) => Some(&e.status_code),
            Envelope::ErrorCode(e) => Some(&e.error_code),
            Envelope::Gateway(_) => None,
        }
    }
}

/// The payment inside an SNS Notification's `Message` string (A.13). `debitMSISDN` is `880…`.
///
/// Only `trxID` and `transactionStatus` are required (the join key and whether the money
/// moved); every other field may be missing without the message being refused (read as
/// `""` or `None`), and unknown fields are ignored. Missing fields stay missing when written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayment {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date_time: String,
    #[serde(rename = "debitMSISDN", default, skip_serializing_if = "String::is_empty")]
    pub debit_msisdn: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub credit_organization_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub credit_short_code: String,
    #[serde(rename = "trxID")]
    pub trx_id: String,
    pub transaction_status: TransactionStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub transaction_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub amount: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub currency: String,
    /// Written even when empty (bKash sends `""` for API payments).
    #[serde(default)]
    pub transaction_reference: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub merchant_invoice_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_share_amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_amount: Option<String>,
}

/// bKash's English `statusMessage` for a code (A.12; texts as bKash's error and refund pages
/// give them). `None` for a code bKash does not publish.
pub fn status_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "0000" => "Successful",
        "2001" => "Invalid App Key",
        "2002" => "Invalid Payment ID",
        "2003" => "Process failed",
        "2006" => "Invalid amount",
        "2007" => "Invalid currency",
        "2008" => "Invalid intent",
        "2009" => "Invalid Wallet",
        "2010" => "Invalid OTP",
        "2011" => "Invalid PIN",
        "2013" => "Resend Limit Exceeded",
        "2014" => "Wrong PIN",
        "2015" => "Wrong PIN count exceeded",
        "2016" => "Wrong verification code",
        "2017" => "Wrong verification limit exceeded",
        "2018" => "OTP verification time expired",
        "2019" => "PIN verification time expired",
        "2020" | "2024" => "Exception Occurred",
        "2023" => "Insufficient Balance",
        "2025" => "Invalid request body",
        "2026" => "The reversal amount cannot be greater than the original transaction amount",
        "2029" => "Duplicate for all transactions",
        "2031" => "Invalid merchant invoice number",
        "2033" => "Transaction not found",
        "2034" => "The transaction cannot be reversed because the original transaction has been reversed",
        "2037" => "The account of the debit party is in a state which prohibits execution of this transaction",
        "2038" => "Debit party identity tag prohibits execution of this transaction",
        "2039" => "The account of the credit party is in a state which prohibits execution of this transaction",
        "2040" => "Credit party identity tag prohibits execution of this transaction",
        "2041" => "Credit party identity is in a state which does not support the current service",
        "2044" => "Identity has not subscribed to a product that contains the expected service or the identity is not in Active status",
        "2045" => "The MSISDN of the customer does not exist",
        "2046" => "Identity has not subscribed to a product that contains requested service",
        "2048" => "Invalid Payer Reference",
        "2049" => "Invalid Merchant Callback URL",
        "2056" => "Invalid Payment State",
        "2057" => "Not a bKash Account",
        "2058" => "Not a Customer Wallet",
        "2059" => "Multiple OTP request for a single session denied",
        "2060" => "Payment execution pre-requisite hasn't been met",
        "2061" => "This action can only be performed by the agreement or payment initiator party",
        "2062" => "The payment has already been completed",
        "2063" => "Mode is not valid as per request data",
        "2064" => "This product mode currently unavailable",
        "2065" => "Mandatory field missing",
        "2068" => "Transaction has already been completed",
        "2071" => "Refund after specified days not allowed",
        "2072" => "Refund amount not valid",
        "2073" => "Invalid SKU",
        "2074" => "The transaction cannot be reversed",
        "2075" => "SKU Character Limit Exceeded",
        "2076" => "Reason Character Limit Exceeded",
        "2077" => "Invalid TrxID",
        "2078" => "Invalid Reason",
        "2079" => "Invalid app Token",
        "2080" => "The identity is not permitted to initiate this transaction",
        "2081" => "The identity of the debit or credit party is in a state which prohibits the execution of this transaction",
        "2082" => "The merchant is not permitted to initiate this transaction",
        "2116" => "Agreement has already been completed",
        "2117" => "Payment execution has already been completed",
        "2119" => "Authorization has already been completed",
        "2127" => "Transaction not yet completed",
        "503" => "System is undergoing maintenance. Please try again later",
        "9999" => "System Error",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    /// Parses docs/providers.md's example into `T`, writes it back, and wants the same JSON.
    fn golden<T: DeserializeOwned + Serialize>(json: &str) -> T {
        let parsed: T = serde_json::from_str(json).unwrap();
        let back = serde_json::to_value(&parsed).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
        parsed
    }

    #[test]
    fn token_reply_round_trips_and_prints_no_token() {
        let t: TokenResponse = golden(
            r#"{"statusCode":"0000","statusMessage":"Successful",
 "id_token":"eyJraWQiOiJzYW5kYm94LWtleS0xIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJtZXJjaGFudCJ9.c2ln",
 "token_type":"Bearer","expires_in":3600,
 "refresh_token":"eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.cmVmcmVzaA.dGFn"}"#,
        );
        assert_eq!(t.expires_in, 3600);
        assert_eq!(format!("{t:?}"), "TokenResponse(..)");
        let g: GrantRequest = golden(r#"{"app_key":"k","app_secret":"s"}"#);
        assert_eq!(format!("{g:?}"), "GrantRequest(..)");
        golden::<RefreshRequest>(r#"{"app_key":"k","app_secret":"s","refresh_token":"r"}"#);
    }

    #[test]
    fn create_request_and_reply_round_trip() {
        golden::<CreateRequest>(
            r#"{"mode":"0011","payerReference":"01770618575","callbackURL":"https://edge.example/v1/return/bkash",
 "amount":"1250.00","currency":"BDT","intent":"sale","merchantInvoiceNumber":"BDP20241125A0042"}"#,
        );
        let r: CreateResponse = golden(
            r#"{"statusCode":"0000","statusMessage":"Successful",
 "paymentID":"TR0011aB3xQ9k1732522331412",
 "bkashURL":"https://sandbox.payment.bkash.com/?paymentId=TR0011aB3xQ9k1732522331412&hash=q7Yk...&mode=0011&apiVersion=v1.2.0-beta/",
 "callbackURL":"https://edge.example/v1/return/bkash",
 "successCallbackURL":"https://edge.example/v1/return/bkash?paymentID=TR0011aB3xQ9k1732522331412&status=success&signature=Xq4LmP0sTz",
 "failureCallbackURL":"https://edge.example/v1/return/bkash?paymentID=TR0011aB3xQ9k1732522331412&status=failure&signature=Xq4LmP0sTz",
 "cancelledCallbackURL":"https://edge.example/v1/return/bkash?paymentID=TR0011aB3xQ9k1732522331412&status=cancel&signature=Xq4LmP0sTz",
 "amount":"1250.00","intent":"sale","currency":"BDT",
 "paymentCreateTime":"2024-11-25T14:05:31:412 GMT+0600",
 "transactionStatus":"Initiated","merchantInvoiceNumber":"BDP20241125A0042"}"#,
        );
        assert_eq!(r.transaction_status, TransactionStatus::Initiated);
    }

    #[test]
    fn execute_query_and_search_round_trip() {
        golden::<PaymentRef>(r#"{"paymentID":"TR0011aB3xQ9k1732522331412"}"#);
        let e: ExecuteResponse = golden(
            r#"{"statusCode":"0000","statusMessage":"Successful",
 "paymentID":"TR0011aB3xQ9k1732522331412","payerReference":"01770618575",
 "customerMsisdn":"01770618575","trxID":"CKP40QZ7TM","amount":"1250.00",
 "transactionStatus":"Completed","paymentExecuteTime":"2024-11-25T14:07:02:118 GMT+0600",
 "currency":"BDT","intent":"sale","merchantInvoiceNumber":"BDP20241125A0042"}"#,
        );
        assert_eq!(e.trx_id, "CKP40QZ7TM");
        let q: QueryResponse = golden(
            r#"{"statusCode":"0000","statusMessage":"Successful",
 "paymentID":"TR0011aB3xQ9k1732522331412","mode":"0011",
 "paymentCreateTime":"2024-11-25T14:05:31:412 GMT+0600",
 "paymentExecuteTime":"2024-11-25T14:07:02:118 GMT+0600",
 "amount":"1250.00","currency":"BDT","intent":"sale",
 "merchantInvoice":"BDP20241125A0042","trxID":"CKP40QZ7TM",
 "transactionStatus":"Completed","verificationStatus":"Complete",
 "payerReference":"01770618575"}"#,
        );
        assert_eq!(q.verification_status, Some(VerificationStatus::Complete));
        golden::<SearchRequest>(r#"{"trxID":"CKP40QZ7TM"}"#);
        golden::<SearchResponse>(
            r#"{"statusCode":"0000","statusMessage":"Successful","trxID":"CKP40QZ7TM",
 "initiationTime":"2024-11-25T14:07:01:000 GMT+0600","completedTime":"2024-11-25T14:07:01:000 GMT+0600",
 "transactionType":"bKash Tokenized Checkout via API","customerMsisdn":"01770618575",
 "transactionStatus":"Completed","amount":"1250.00","currency":"BDT","organizationShortCode":"50022"}"#,
        );
    }

    #[test]
    fn query_reads_the_documented_variants() {
        let q: QueryResponse = serde_json::from_str(
            r#"{"statusCode":"0000","statusMessage":"Successful",
 "paymentID":"P","mode":"0011","paymentCreateTime":"t","amount":"15","currency":"BDT","intent":"sale",
 "merchantInvoiceNumber":"INV","transactionStatus":"Initiated","userVerificationStatus":"Incomplete",
 "maxRefundableAmount":"15"}"#,
        )
        .unwrap();
        assert_eq!(q.merchant_invoice, "INV");
        assert_eq!(q.verification_status, Some(VerificationStatus::Incomplete));
        assert_eq!((q.trx_id, q.payment_execute_time), (None, None));
    }

    #[test]
    fn refunds_round_trip() {
        golden::<RefundRequest>(
            r#"{"paymentId":"TR0011aB3xQ9k1732522331412","trxId":"CKP40QZ7TM",
 "refundAmount":"250.00","sku":"SKU-TSHIRT-M","reason":"Customer returned one item"}"#,
        );
        golden::<RefundResponse>(
            r#"{"originalTrxId":"CKP40QZ7TM","refundTrxId":"CKQ51RA8UN","refundTransactionStatus":"Completed",
 "originalTrxAmount":"1250.00","refundAmount":"250.00","currency":"BDT",
 "completedTime":"2024-11-26T10:12:44:907 GMT+0600","sku":"SKU-TSHIRT-M","reason":"Customer returned one item"}"#,
        );
        golden::<RefundStatusRequest>(r#"{"paymentId":"P","trxId":"T"}"#);
        let s: RefundStatusResponse = golden(
            r#"{"originalTrxId":"CKP40QZ7TM","originalTrxAmount":"1250.00",
 "originalTrxCompletedTime":"2024-11-25T14:07:01:000 GMT+0600",
 "refundTransactions":[{"refundTrxId":"CKQ51RA8UN","refundTransactionStatus":"Completed",
   "refundAmount":"250.00","completedTime":"2024-11-26T10:12:44:000"}]}"#,
        );
        assert_eq!(s.refund_transactions.len(), 1);
        golden::<LegacyRefundRequest>(r#"{"paymentID":"P","amount":"10","trxID":"T","sku":"S","reason":"R"}"#);
        golden::<LegacyRefundRequest>(r#"{"paymentID":"P","trxID":"T"}"#);
        golden::<LegacyRefundResponse>(
            r#"{"completedTime":"2024-11-26T10:12:44:907 GMT+0600","transactionStatus":"Completed",
 "originalTrxID":"CKP40QZ7TM","refundTrxID":"CKQ51RA8UN","amount":"10","currency":"BDT","charge":"0.00"}"#,
        );
    }

    #[test]
    fn every_envelope_is_read_and_names_its_code() {
        let read = |s: &str| serde_json::from_str::<Envelope>(s).unwrap();
        assert_eq!(
            read(r#"{"statusCode":"2023","statusMessage":"Insufficient Balance"}"#).code(),
            Some("2023")
        );
        assert_eq!(read(r#"{"errorCode":"2051","errorMessage":"x"}"#).code(), Some("2051"));
        let refund = read(
            r#"{"internalCode":"invalid_payment_id","externalCode":"2002","errorMessageEn":"Invalid Payment ID","errorMessageBn":"…"}"#,
        );
        assert_eq!(refund.code(), Some("2002"));
        assert_eq!(
            read(r#"{"message":"Unauthorized"}"#),
            Envelope::Gateway(GatewayEnvelope {
                message: "Unauthorized".into()
            })
        );
        assert_eq!(read(r#"{"message":"Unauthorized"}"#).code(), None);
    }

    #[test]
    fn webhook_message_round_trips() {
        let m: WebhookPayment = golden(
            r#"{"dateTime":"20241125140702","debitMSISDN":"8801770618575","creditOrganizationName":"Demo Shop","creditShortCode":"50022","trxID":"CKP40QZ7TM","transactionStatus":"Completed","transactionType":"10002294","amount":"1250.00","currency":"BDT","transactionReference":"","merchantInvoiceNumber":"BDP20241125A0042"}"#,
        );
        assert_eq!(m.transaction_type, WEBHOOK_TYPE_API_PAYMENT);
    }

    #[test]
    fn webhook_message_needs_only_trx_id_and_status() {
        let m: WebhookPayment =
            serde_json::from_str(r#"{"trxID":"CKP40QZ7TM","transactionStatus":"Completed","somethingNew":1}"#).unwrap();
        assert_eq!((m.trx_id.as_str(), m.date_time.as_str()), ("CKP40QZ7TM", ""));
        assert_eq!(
            (m.credit_organization_name.as_str(), m.merchant_invoice_number.as_str()),
            ("", "")
        );
        let sparse: WebhookPayment = serde_json::from_str(
            r#"{"debitMSISDN":"8801770618575","creditShortCode":"50022","trxID":"T1","transactionStatus":"Completed","transactionType":"10002294","amount":"15","currency":"BDT","merchantInvoiceNumber":"INV"}"#,
        )
        .unwrap();
        assert_eq!(sparse.merchant_invoice_number, "INV");
        assert!(serde_json::from_str::<WebhookPayment>(r#"{"transactionStatus":"Completed"}"#).is_err());
        assert!(serde_json::from_str::<WebhookPayment>(r#"{"trxID":"T1"}"#).is_err());
    }

    #[test]
    fn unknown_status_does_not_fail_the_reply() {
        let s: TransactionStatus = serde_json::from_str(r#""Expired""#).unwrap();
        assert_eq!(s, TransactionStatus::Unknown);
        let c: CallbackStatus = serde_json::from_str(r#""cancel""#).unwrap();
        assert_eq!(c, CallbackStatus::Cancel);
    }

    #[test]
    fn codes_the_sandbox_answers_have_messages() {
        for c in [
            "0000", "2001", "2002", "2006", "2014", "2016", "2018", "2023", "2029", "2037", "2056", "2060", "2062",
            "2065", "2071", "2072", "2074", "2079", "9999", "503",
        ] {
            assert!(status_message(c).is_some(), "{c}");
        }
        assert_eq!(status_message("1234"), None);
    }
}
