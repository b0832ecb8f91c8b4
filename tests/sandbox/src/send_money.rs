//! The body of the control-only send money routes (`/__control/{bkash,nagad}/send_money`,
//! docs/providers.md A.17 and B.13): two wallets and an amount, checked before any money
//! moves. Not a provider API: bKash and Nagad wallets send money from their apps.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::money::Money;
use serde::Deserialize;
use serde_json::json;

use crate::bkash::choices::is_wallet;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    from: String,
    to: String,
    amount: String,
}

/// A checked send money: two different well-formed wallets and a positive amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendMoney {
    pub from: String,
    pub to: String,
    pub amount: Money,
}

impl SendMoney {
    /// `{"from": "01770618575", "to": "01XXXXXXXXX", "amount": "1250.00"}`: wallets are
    /// `01`, operator 3–9 and 8 digits; the amount a JSON string above zero with at most two
    /// decimals. The error says which field is wrong.
    pub fn parse(body: &[u8]) -> Result<SendMoney, String> {
        let b: Body = serde_json::from_slice(body).map_err(|_| {
            "body must be {\"from\": \"01XXXXXXXXX\", \"to\": \"01XXXXXXXXX\", \"amount\": \"1250.00\"}".to_owned()
        })?;
        for (name, wallet) in [("from", &b.from), ("to", &b.to)] {
            if !is_wallet(wallet) {
                return Err(format!("{name} must be 11 digits, 01[3-9]XXXXXXXX"));
            }
        }
        if b.from == b.to {
            return Err("from and to must be different wallets".to_owned());
        }
        let amount = Money::parse(&b.amount).map_err(|_| {
            "amount must be a decimal string above 0 with at most 2 places, e.g. \"1250.00\"".to_owned()
        })?;
        Ok(SendMoney {
            from: b.from,
            to: b.to,
            amount,
        })
    }
}

/// 400 `{"error": …}`, as every control route refuses.
pub fn refused(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<SendMoney, String> {
        SendMoney::parse(json.as_bytes())
    }

    #[test]
    fn a_good_send_money_is_read() {
        let ok = parse(r#"{"from":"01770618575","to":"01929918378","amount":"1250.5"}"#).unwrap();
        assert_eq!(
            (ok.from.as_str(), ok.amount.to_string()),
            ("01770618575", "1250.50".to_owned())
        );
    }

    #[test]
    fn bad_wallets_and_amounts_are_refused_by_name() {
        let cases = [
            (r#"{"from":"0177061857","to":"01929918378","amount":"1"}"#, "from"),
            (r#"{"from":"01770618575","to":"01229918378","amount":"1"}"#, "to"),
            (r#"{"from":"01770618575","to":"01770618575","amount":"1"}"#, "different"),
            (r#"{"from":"01770618575","to":"01929918378","amount":"0"}"#, "amount"),
            (r#"{"from":"01770618575","to":"01929918378","amount":"-1"}"#, "amount"),
            (
                r#"{"from":"01770618575","to":"01929918378","amount":"1.234"}"#,
                "amount",
            ),
            (r#"{"from":"01770618575","to":"01929918378","amount":"1e3"}"#, "amount"),
            (r#"{"from":"01770618575","to":"01929918378","amount":12}"#, "body"),
            (r#"{"from":"01770618575","to":"01929918378"}"#, "body"),
            (
                r#"{"from":"01770618575","to":"01929918378","amount":"1","x":1}"#,
                "body",
            ),
            ("not json", "body"),
        ];
        for (json, word) in cases {
            let e = parse(json).unwrap_err();
            assert!(e.contains(word), "{json}: {e}");
        }
    }
}
