//! bKash's SNS webhook body up to the signature check (edge `providers/bkash/sns.rs` through
//! `bdpay_edge::fuzzing::sns_delivery`, shared `wire/sns.rs`): never panics; the string to
//! sign carries the raw `Message`; a certificate URL that passes the live check names an
//! Amazon SNS host to a real URL parser too.
#![no_main]

use bdpay_edge::fuzzing::sns_delivery;
use bdpay_shared::wire::sns::{is_amazon_cert_url, MessageType};
use libfuzzer_sys::fuzz_target;

const TOPIC: &str = "arn:aws:sns:ap-southeast-1:000000000000:bpt_50022";

fuzz_target!(|data: &[u8]| {
    let read = sns_delivery(data, None);
    let with_topic = sns_delivery(data, Some(TOPIC));
    if with_topic.word == "ok" {
        assert_eq!(read, with_topic);
    }
    if read.word == "ok" {
        let (Some(kind), Some(message), Some(text)) = (read.kind, &read.message, &read.string_to_sign) else {
            panic!("an accepted delivery lacks its parts: {read:?}");
        };
        assert!(kind != MessageType::Unknown);
        let head = format!("Message\n{message}\nMessageId\n");
        assert!(
            text.starts_with(&head),
            "string to sign does not start with the raw message"
        );
        let tail = format!("Type\n{}\n", kind.as_str());
        assert!(text.ends_with(&tail), "string to sign does not end with the type");
        if read.payment.is_some() {
            assert_eq!(kind, MessageType::Notification, "only a Notification carries a payment");
        }
    }
    if let Some(url) = &read.signing_cert_url {
        cert_url_rule(url, read.amazon_cert_url);
    }
    // The bare rule on the raw bytes too, so URLs need not sit inside a valid envelope.
    if let Ok(text) = std::str::from_utf8(data) {
        cert_url_rule(text, is_amazon_cert_url(text));
    }
});

/// What `is_amazon_cert_url` lets through must be, to a WHATWG URL parser, https on
/// `sns.<region>.amazonaws.com[.cn]`, no port, no user, a `.pem` path.
fn cert_url_rule(text: &str, passed: bool) {
    if !passed {
        return;
    }
    // A text the parser refuses is never fetched: no host to be fooled about.
    let Ok(u) = url::Url::parse(text) else {
        return;
    };
    assert_eq!(u.scheme(), "https", "{text:?}");
    assert!(
        u.port().is_none() && u.username().is_empty() && u.password().is_none(),
        "{text:?}"
    );
    let host = u.host_str().unwrap_or_default();
    let region = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))
        .and_then(|h| h.strip_prefix("sns."));
    assert!(
        region.is_some_and(|r| !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')),
        "{text:?} passed the check but its host is {host:?}"
    );
    assert!(
        u.path().ends_with(".pem"),
        "{text:?} passed the check but its path is {:?}",
        u.path()
    );
}
