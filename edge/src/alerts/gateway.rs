//! The bulk-SMS gateway, in the shape Bangladeshi gateways share (docs/providers.md Part D):
//! `POST {SMS_GATEWAY_URL}` with a form `api_key`, `type=text`, `number=8801…`, `senderid`,
//! `message`; a JSON answer whose `response_code` 202 means taken.

use std::time::Duration;

use bdpay_shared::alerts::gateway_number;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::secret::Secret;
use worker::{Env, Method};

use crate::providers::transport::{self, Call};

const TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Gateway {
    url: String,
    sender_id: String,
    api_key: Secret<String>,
}

impl Gateway {
    /// The gateway from the settings; `None` when either the URL or the key is missing.
    pub(crate) fn from_env(env: &Env) -> Option<Gateway> {
        let var = |n: &str| env.var(n).ok().map(|v| v.to_string()).filter(|v| !v.trim().is_empty());
        let url = var("SMS_GATEWAY_URL").filter(|u| u.starts_with("https://") || u.starts_with("http://"))?;
        let api_key = env
            .secret("SMS_API_KEY")
            .ok()
            .map(|v| v.to_string())
            .filter(|v| !v.is_empty())?;
        Some(Gateway {
            url,
            sender_id: var("SMS_SENDER_ID").unwrap_or_else(|| "bdpay".to_owned()),
            api_key: Secret::new(api_key),
        })
    }

    /// Sends one SMS: `sent`, or a word for what went wrong (for the log).
    pub(crate) async fn send(&self, to: &Msisdn, text: &str) -> &'static str {
        let form = form(&[
            ("api_key", self.api_key.expose()),
            ("type", "text"),
            ("number", &gateway_number(to)),
            ("senderid", &self.sender_id),
            ("message", text),
        ]);
        let call = Call {
            method: Method::Post,
            url: &self.url,
            headers: &[("content-type", "application/x-www-form-urlencoded")],
            body: Some(&form),
            timeout: TIMEOUT,
        };
        match transport::send(&call).await.0 {
            Ok(reply) if accepted(&reply.body) => "sent",
            Ok(_) => "refused",
            Err(e) => e.code(),
        }
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Whether the gateway's JSON answer says the message was taken (`response_code` 202, as a
/// number or a string).
fn accepted(body: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    match v.get("response_code") {
        Some(serde_json::Value::Number(n)) => n.as_u64() == Some(202),
        Some(serde_json::Value::String(s)) => s.trim() == "202",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_counts_only_when_it_says_202_and_the_form_is_encoded() {
        assert!(accepted(
            br#"{"response_code":202,"message_id":1,"success_message":"SMS Submitted Successfully"}"#
        ));
        assert!(accepted(br#"{"response_code":"202"}"#));
        assert!(!accepted(
            br#"{"response_code":1002,"error_message":"api_key not found"}"#
        ));
        assert!(!accepted(b"<html>502</html>"));
        assert_eq!(form(&[("message", "a b&c")]), "message=a+b%26c");
    }
}
