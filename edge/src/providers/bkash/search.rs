//! bKash's search by TrxID (docs/providers.md A.9) in our terms, without I/O: the request
//! body, and the reply read into what a manual transfer's check needs (A.17: a Send Money
//! shows its receiver beside `customerMsisdn`, the sender). Read leniently, field by field:
//! only the fields that decide are taken, and the match itself is
//! `bdpay_shared::manual_transfer::verify`.

use bdpay_shared::manual_transfer::verify::Found;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::SearchRequest;
use bdpay_shared::wire::time::DhakaTime;
use serde_json::Value;

use super::interpret::{head, Head};
use crate::providers::failure::coded;
use crate::providers::ProviderFailure;

const P: Provider = Provider::Bkash;

/// Where A.17 puts a Send Money's receiver ([our choice], bKash's B2C spelling).
pub const RECEIVER_FIELD: &str = "receiverMSISDN";

/// The search body.
pub(crate) fn request(trx_id: &str) -> Result<String, ProviderFailure> {
    serde_json::to_string(&SearchRequest {
        trx_id: trx_id.to_owned(),
    })
    .map_err(|_| ProviderFailure::internal(P, "request"))
}

/// What search showed of one transaction (owned: it outlives the reply).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    pub completed: bool,
    pub transaction_type: String,
    pub amount: String,
    pub currency: String,
    pub receiver: Option<String>,
    pub sender: String,
    pub at_ms: Option<i64>,
}

impl Transaction {
    /// The fields as the match rules read them.
    pub fn as_found(&self) -> Found<'_> {
        Found {
            completed: self.completed,
            transaction_type: &self.transaction_type,
            amount: &self.amount,
            currency: &self.currency,
            receiver: self.receiver.as_deref(),
            sender: &self.sender,
            at_ms: self.at_ms,
        }
    }
}

/// A search reply for `trx_id`. A bKash code is read through the catalog: `2033`
/// "transaction not found" is `Declined` (a definite answer); 5xx, timeouts and `9999` are
/// `Unknown` (ask again); our credentials `Config`. A reply about another TrxID is a
/// `Mismatch` (a person looks).
pub(crate) fn read(status: u16, body: &[u8], trx_id: &str) -> Result<Transaction, ProviderFailure> {
    match head(status, body) {
        Head::Success => {}
        Head::Coded(code) => {
            return Err(coded(P, &code).map_or_else(|| ProviderFailure::unavailable(P, "unreadable"), |c| c.failure))
        }
        Head::Unauthorized => return Err(ProviderFailure::config(P, "unauthorized")),
        Head::Failed(f) => return Err(f),
    }
    let v: Value = serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::trim);
    if text("trxID").is_some_and(|t| !t.eq_ignore_ascii_case(trx_id)) {
        return Err(ProviderFailure::mismatch(P, "trx_mismatch"));
    }
    let owned = |k: &str| text(k).unwrap_or_default().to_owned();
    Ok(Transaction {
        completed: text("transactionStatus") == Some("Completed"),
        transaction_type: owned("transactionType"),
        amount: owned("amount"),
        currency: owned("currency"),
        receiver: text(RECEIVER_FIELD).filter(|r| !r.is_empty()).map(str::to_owned),
        sender: owned("customerMsisdn"),
        at_ms: text("completedTime")
            .or_else(|| text("initiationTime"))
            .and_then(DhakaTime::parse)
            .map(DhakaTime::to_unix_millis),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::FailureKind;

    const SEND_MONEY: &str = r#"{"statusCode":"0000","statusMessage":"Successful","trxID":"CKP40QZ7TM",
 "initiationTime":"2024-11-25T14:07:01:000 GMT+0600","completedTime":"2024-11-25T14:07:01:000 GMT+0600",
 "transactionType":"Send Money","customerMsisdn":"01770618575","receiverMSISDN":"01929918378",
 "transactionStatus":"Completed","amount":"1250.00","currency":"BDT","organizationShortCode":""}"#;

    #[test]
    fn a_send_money_reads_with_its_receiver_and_dhaka_time() {
        let t = read(200, SEND_MONEY.as_bytes(), "CKP40QZ7TM").unwrap();
        assert!(t.completed);
        assert_eq!(
            (t.transaction_type.as_str(), t.amount.as_str(), t.sender.as_str()),
            ("Send Money", "1250.00", "01770618575")
        );
        assert_eq!(t.receiver.as_deref(), Some("01929918378"));
        // 14:07:01 in Dhaka is 08:07:01 UTC.
        assert_eq!(t.at_ms, Some(1_732_522_021_000));
        assert_eq!(request("CKP40QZ7TM").unwrap(), r#"{"trxID":"CKP40QZ7TM"}"#);
    }

    #[test]
    fn a_checkout_payment_has_no_receiver() {
        let body = br#"{"statusCode":"0000","statusMessage":"Successful","trxID":"CKP40QZ7TM",
 "transactionType":"bKash Tokenized Checkout via API","customerMsisdn":"01770618575",
 "transactionStatus":"Completed","amount":"1250.00","currency":"BDT","organizationShortCode":"50022"}"#;
        let t = read(200, body, "CKP40QZ7TM").unwrap();
        assert_eq!((t.receiver, t.at_ms), (None, None));
    }

    #[test]
    fn not_found_is_definite_and_an_outage_is_not() {
        let f = read(
            200,
            br#"{"statusCode":"2033","statusMessage":"Transaction not found"}"#,
            "X",
        )
        .unwrap_err();
        assert_eq!(
            (f.kind, f.provider_code.as_deref()),
            (FailureKind::Declined, Some("2033"))
        );
        let f = read(503, br#"{"message":"Service Unavailable"}"#, "X").unwrap_err();
        assert_eq!(f.kind, FailureKind::Unknown);
        let f = read(200, b"<html>", "X").unwrap_err();
        assert_eq!(f.kind, FailureKind::Unknown);
        let f = read(200, SEND_MONEY.as_bytes(), "CKQ51RA8UN").unwrap_err();
        assert_eq!(f.kind, FailureKind::Mismatch, "an answer about another transaction");
    }
}
