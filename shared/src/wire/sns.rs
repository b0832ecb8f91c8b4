//! Amazon SNS as bKash's webhook uses it (docs/providers.md A.13): the HTTP headers, the JSON
//! envelope, the signing-certificate URL check (step 1) and the string to sign (step 2).
//!
//! Signature verification itself (SHA1withRSA / SHA256withRSA over [`Envelope::string_to_sign`])
//! needs crypto and an X.509 parser, so it lives with whoever holds those.

use serde::{Deserialize, Serialize};

/// Request headers on every delivery (`Content-Type: text/plain; charset=UTF-8`).
pub mod header {
    pub const MESSAGE_TYPE: &str = "x-amz-sns-message-type";
    pub const MESSAGE_ID: &str = "x-amz-sns-message-id";
    pub const TOPIC_ARN: &str = "x-amz-sns-topic-arn";
    pub const SUBSCRIPTION_ARN: &str = "x-amz-sns-subscription-arn";
}

/// The body's content type: parse the raw body as JSON yourself.
pub const CONTENT_TYPE: &str = "text/plain; charset=UTF-8";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageType {
    SubscriptionConfirmation,
    Notification,
    UnsubscribeConfirmation,
    #[serde(other)]
    Unknown,
}

impl MessageType {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::SubscriptionConfirmation => "SubscriptionConfirmation",
            MessageType::Notification => "Notification",
            MessageType::UnsubscribeConfirmation => "UnsubscribeConfirmation",
            MessageType::Unknown => "Unknown",
        }
    }
}

/// One SNS delivery. A Notification has `UnsubscribeURL`; the confirmations carry
/// `Token` and `SubscribeURL` instead. `Message` is a string (bKash's is JSON inside).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    #[serde(rename = "Type")]
    pub kind: MessageType,
    #[serde(rename = "MessageId")]
    pub message_id: String,
    #[serde(rename = "Token", default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(rename = "TopicArn")]
    pub topic_arn: String,
    #[serde(rename = "Subject", default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(rename = "Message")]
    pub message: String,
    #[serde(rename = "SubscribeURL", default, skip_serializing_if = "Option::is_none")]
    pub subscribe_url: Option<String>,
    #[serde(rename = "Timestamp")]
    pub timestamp: String,
    #[serde(rename = "SignatureVersion")]
    pub signature_version: String,
    #[serde(rename = "Signature")]
    pub signature: String,
    #[serde(rename = "SigningCertURL")]
    pub signing_cert_url: String,
    #[serde(rename = "UnsubscribeURL", default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_url: Option<String>,
}

/// The hash a `SignatureVersion` names (RSA PKCS#1 v1.5 either way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureHash {
    /// `"1"`: SHA1withRSA.
    Sha1,
    /// `"2"`: SHA256withRSA.
    Sha256,
}

impl Envelope {
    pub fn signature_hash(&self) -> Option<SignatureHash> {
        match self.signature_version.as_str() {
            "1" => Some(SignatureHash::Sha1),
            "2" => Some(SignatureHash::Sha256),
            _ => None,
        }
    }

    /// A.13 step 2: `key\nvalue\n` for each present key, in the order SNS fixes per type,
    /// values exactly as received. `None` for an unknown type or a confirmation that lacks
    /// `SubscribeURL` or `Token` (nothing to verify: refuse it).
    pub fn string_to_sign(&self) -> Option<String> {
        let mut s = String::with_capacity(self.message.len() + 512);
        let mut put = |k: &str, v: &str| {
            s.push_str(k);
            s.push('\n');
            s.push_str(v);
            s.push('\n');
        };
        match self.kind {
            MessageType::Notification => {
                put("Message", &self.message);
                put("MessageId", &self.message_id);
                if let Some(subject) = &self.subject {
                    put("Subject", subject);
                }
                put("Timestamp", &self.timestamp);
                put("TopicArn", &self.topic_arn);
                put("Type", self.kind.as_str());
            }
            MessageType::SubscriptionConfirmation | MessageType::UnsubscribeConfirmation => {
                put("Message", &self.message);
                put("MessageId", &self.message_id);
                put("SubscribeURL", self.subscribe_url.as_deref()?);
                put("Timestamp", &self.timestamp);
                put("Token", self.token.as_deref()?);
                put("TopicArn", &self.topic_arn);
                put("Type", self.kind.as_str());
            }
            MessageType::Unknown => return None,
        }
        Some(s)
    }
}

/// A.13 step 1, before any fetch: `https`, host `sns.<region>.amazonaws.com` (or `.com.cn`),
/// no port or user info, path ending `.pem`. A dev setup that trusts the sandbox's own
/// certificate URL does so by explicit configuration, never through this check.
pub fn is_amazon_cert_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => return false,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    if !path.ends_with(".pem") {
        return false;
    }
    let region = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))
        .and_then(|h| h.strip_prefix("sns."));
    match region {
        Some(r) => {
            !r.is_empty()
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const NOTIFICATION: &str = r#"{"Type":"Notification","MessageId":"5c1f0e8a-3b6d-4f0e-9a51-2d7e8c4b9f13",
 "TopicArn":"arn:aws:sns:ap-southeast-1:000000000000:bpt_50022",
 "Message":"{\"dateTime\":\"20241125140702\",\"debitMSISDN\":\"8801770618575\",\"creditOrganizationName\":\"Demo Shop\",\"creditShortCode\":\"50022\",\"trxID\":\"CKP40QZ7TM\",\"transactionStatus\":\"Completed\",\"transactionType\":\"10002294\",\"amount\":\"1250.00\",\"currency\":\"BDT\",\"transactionReference\":\"\",\"merchantInvoiceNumber\":\"BDP20241125A0042\"}",
 "Timestamp":"2024-11-25T08:07:03.120Z","SignatureVersion":"1",
 "Signature":"<base64>","SigningCertURL":"https://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-<hash>.pem",
 "UnsubscribeURL":"https://sns.ap-southeast-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=…"}"#;

    #[test]
    fn notification_round_trips() {
        let e: Envelope = serde_json::from_str(NOTIFICATION).unwrap();
        assert_eq!(e.kind, MessageType::Notification);
        assert_eq!(e.signature_hash(), Some(SignatureHash::Sha1));
        let back = serde_json::to_value(&e).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(NOTIFICATION).unwrap());
        let inner: super::super::bkash::WebhookPayment = serde_json::from_str(&e.message).unwrap();
        assert_eq!(inner.debit_msisdn, "8801770618575");
    }

    #[test]
    fn notification_string_to_sign_uses_the_raw_message() {
        let e: Envelope = serde_json::from_str(NOTIFICATION).unwrap();
        let want = format!(
            "Message\n{}\nMessageId\n5c1f0e8a-3b6d-4f0e-9a51-2d7e8c4b9f13\nTimestamp\n2024-11-25T08:07:03.120Z\nTopicArn\narn:aws:sns:ap-southeast-1:000000000000:bpt_50022\nType\nNotification\n",
            e.message
        );
        assert_eq!(e.string_to_sign().unwrap(), want);
        let with_subject = Envelope {
            subject: Some("S".into()),
            ..e
        };
        assert!(with_subject
            .string_to_sign()
            .unwrap()
            .contains("MessageId\n5c1f0e8a-3b6d-4f0e-9a51-2d7e8c4b9f13\nSubject\nS\nTimestamp\n"));
    }

    #[test]
    fn confirmation_string_to_sign_needs_token_and_url() {
        let json = r#"{"Type":"SubscriptionConfirmation","MessageId":"m","Token":"tok","TopicArn":"arn",
 "Message":"You have chosen to subscribe.","SubscribeURL":"https://x/?Action=ConfirmSubscription",
 "Timestamp":"2024-11-25T08:07:03.120Z","SignatureVersion":"2","Signature":"c2ln","SigningCertURL":"https://sns.us-east-1.amazonaws.com/a.pem"}"#;
        let e: Envelope = serde_json::from_str(json).unwrap();
        assert_eq!(e.signature_hash(), Some(SignatureHash::Sha256));
        assert_eq!(
            e.string_to_sign().unwrap(),
            "Message\nYou have chosen to subscribe.\nMessageId\nm\nSubscribeURL\nhttps://x/?Action=ConfirmSubscription\nTimestamp\n2024-11-25T08:07:03.120Z\nToken\ntok\nTopicArn\narn\nType\nSubscriptionConfirmation\n"
        );
        assert_eq!(Envelope { token: None, ..e }.string_to_sign(), None);
    }

    #[test]
    fn only_amazon_sns_cert_urls_pass() {
        assert!(is_amazon_cert_url(
            "https://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-abc.pem"
        ));
        assert!(is_amazon_cert_url("https://sns.cn-north-1.amazonaws.com.cn/x.pem"));
        for bad in [
            "http://sns.ap-southeast-1.amazonaws.com/x.pem",
            "https://sns.ap-southeast-1.amazonaws.com.evil.example/x.pem",
            "https://evil.example/sns.ap-southeast-1.amazonaws.com/x.pem",
            "https://sns.ap-southeast-1.amazonaws.com/x.pem.txt",
            "https://sns..amazonaws.com/x.pem",
            "https://SNS.ap-southeast-1.amazonaws.com/x.pem",
            "https://sns.ap-southeast-1.amazonaws.com:8443/x.pem",
            "https://user@sns.ap-southeast-1.amazonaws.com/x.pem",
            "https://sns.ap-southeast-1.amazonaws.com",
        ] {
            assert!(!is_amazon_cert_url(bad), "{bad}");
        }
    }
}
