//! The hosted page's GET redirect to `merchantCallbackURL` (B.6). Nothing in it is signed:
//! treat it as a hint and verify (B.7).

use serde::{Deserialize, Serialize};

use super::verify::PaymentStatus;

/// The query parameters, in B.6's order. `payment_dt` and `issuer_payment_ref` come with
/// a success only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    pub merchant: String,
    pub order_id: String,
    pub payment_ref_id: String,
    /// Case varies (`success` / `Success`): [`PaymentStatus`] reads both.
    pub status: PaymentStatus,
    #[serde(default)]
    pub status_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_dt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_payment_ref: Option<String>,
}

impl Redirect {
    /// `(name, value)` pairs in order, for building the query string.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![
            ("merchant", self.merchant.as_str()),
            ("order_id", self.order_id.as_str()),
            ("payment_ref_id", self.payment_ref_id.as_str()),
            ("status", self.status.as_str()),
        ];
        let optional = [
            ("status_code", &self.status_code),
            ("message", &self.message),
            ("payment_dt", &self.payment_dt),
            ("issuer_payment_ref", &self.issuer_payment_ref),
        ];
        out.extend(optional.into_iter().filter_map(|(k, v)| v.as_deref().map(|v| (k, v))));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b6_success_example() {
        let json = r#"{"merchant":"683002007104225","order_id":"BDP20241125A0042","payment_ref_id":"MTEy","status":"Success","status_code":"00_0000_000","message":"Successful Transaction","payment_dt":"20241125140702","issuer_payment_ref":"000177YT"}"#;
        let r: Redirect = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), json);
        let names: Vec<_> = r.pairs().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            [
                "merchant",
                "order_id",
                "payment_ref_id",
                "status",
                "status_code",
                "message",
                "payment_dt",
                "issuer_payment_ref"
            ]
        );
    }

    #[test]
    fn failure_without_success_fields_and_lowercase_status() {
        let r: Redirect = serde_json::from_str(r#"{"merchant":"1","order_id":"o","payment_ref_id":"p","status":"failed","status_code":"50_0026_851","message":"E Com Trx Failed. Transaction over limit."}"#).unwrap();
        assert_eq!(r.status, PaymentStatus::Failed);
        assert_eq!(r.payment_dt, None);
        assert_eq!(r.pairs().len(), 6);
    }
}
