//! Reply variants on demand: the shapes real providers are known to answer besides the
//! sandbox's default ones, switched on per payment (or per credential) so the edge's tests
//! can exercise each. Not faults (nothing fails): the same facts, worded another way.
//!
//! Set with `POST /__control/variants` (one [`VariantRule`] as JSON), listed with `GET`,
//! cleared with `DELETE` (and by reset). A rule with a `reference` touches only that
//! payment, so tests running side by side cannot take each other's variant.

use std::sync::Mutex;

use bdpay_shared::provider::Provider;
use serde::{Deserialize, Serialize};

/// One variant for one provider, narrowed to a payment (`reference`: bKash `paymentID`,
/// Nagad `paymentReferenceId`) or, for `refund_v2_missing`, to a credential.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VariantRule {
    pub provider: Provider,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// `refund_v2_missing` only: the `X-APP-Key` it hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_key: Option<String>,
    /// `refund_v2_missing` only: the username whose tokens it hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub variant: Variant,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Variant {
    /// bKash `trxID` / Nagad `issuerPaymentRefNo` of the payment: `len` (17..=64) upper-case
    /// letters and digits instead of the documented 10 / 8.
    LongTrxId { len: usize },
    /// bKash: the payment's SNS Notification `Message` leaves out `dateTime`,
    /// `creditOrganizationName` and `transactionReference`.
    SnsMinimal,
    /// Nagad: after a cancel the payment shows `Refunded` / `PartialRefunded` (verify and
    /// the cancel reply) instead of `Cancelled` / `PartialCancelled`.
    RefundWords,
    /// bKash: refund status (v2) of the payment with no refunds answers the error envelope
    /// (HTTP 400, `externalCode` `2033`) instead of `"refundTransactions":[]`. (Legacy
    /// status answers 2033 for no refunds anyway.)
    NoRefundsEnvelope,
    /// bKash: refund v2 and its status answer API Gateway's 403
    /// `{"message":"Missing Authentication Token"}` for the credential (`app_key` or
    /// `username`); the legacy refund keeps working.
    RefundV2Missing,
}

#[derive(Default)]
pub struct Variants {
    rules: Mutex<Vec<VariantRule>>,
}

impl VariantRule {
    pub fn validate(&self) -> Result<(), String> {
        let bkash_only = matches!(
            self.variant,
            Variant::SnsMinimal | Variant::NoRefundsEnvelope | Variant::RefundV2Missing
        );
        if bkash_only && self.provider != Provider::Bkash {
            return Err("this variant is bKash's".into());
        }
        if self.variant == Variant::RefundWords && self.provider != Provider::Nagad {
            return Err("refund_words is Nagad's".into());
        }
        if let Variant::LongTrxId { len } = self.variant {
            if !(17..=64).contains(&len) {
                return Err("len must be 17..=64".into());
            }
        }
        match self.variant {
            Variant::RefundV2Missing if self.app_key.is_none() && self.username.is_none() => {
                Err("refund_v2_missing needs app_key or username".into())
            }
            Variant::RefundV2Missing if self.reference.is_some() => {
                Err("refund_v2_missing is per credential: no reference".into())
            }
            Variant::RefundV2Missing => Ok(()),
            _ if self.app_key.is_some() || self.username.is_some() => {
                Err("app_key/username only with refund_v2_missing".into())
            }
            _ if self.reference.as_deref().is_none_or(|r| r.trim().is_empty()) => {
                Err("reference (the payment) is required".into())
            }
            _ => Ok(()),
        }
    }
}

impl Variants {
    pub fn add(&self, rule: VariantRule) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.retain(|r| r != &rule);
            rules.push(rule);
        }
    }

    pub fn list(&self) -> Vec<VariantRule> {
        self.rules.lock().map(|r| r.clone()).unwrap_or_default()
    }

    pub fn clear(&self) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.clear();
        }
    }

    fn find(&self, f: impl Fn(&VariantRule) -> bool) -> Option<VariantRule> {
        self.rules.lock().ok()?.iter().find(|r| f(r)).cloned()
    }

    /// Whether the payment `reference` has `variant` (for the unit variants).
    pub fn has(&self, provider: Provider, reference: &str, variant: Variant) -> bool {
        self.find(|r| r.provider == provider && r.reference.as_deref() == Some(reference) && r.variant == variant)
            .is_some()
    }

    /// The length asked for the payment's transaction id, if any.
    pub fn trx_id_len(&self, provider: Provider, reference: &str) -> Option<usize> {
        self.find(|r| {
            r.provider == provider
                && r.reference.as_deref() == Some(reference)
                && matches!(r.variant, Variant::LongTrxId { .. })
        })
        .and_then(|r| match r.variant {
            Variant::LongTrxId { len } => Some(len),
            _ => None,
        })
    }

    /// Whether refund v2 is "missing" for this credential.
    pub fn refund_v2_missing(&self, app_key: &str, username: &str) -> bool {
        self.find(|r| {
            r.variant == Variant::RefundV2Missing
                && (r.app_key.as_deref() == Some(app_key) || r.username.as_deref() == Some(username))
        })
        .is_some()
    }
}

/// `len` upper-case letters and digits, for a long transaction id.
pub fn long_id(len: usize) -> String {
    use rand::Rng;
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(UPPER[rng.gen_range(0..UPPER.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> VariantRule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn variants_hit_only_their_payment_or_credential() {
        let v = Variants::default();
        v.add(rule(
            r#"{"provider":"bkash","reference":"TR1","variant":{"kind":"long_trx_id","len":40}}"#,
        ));
        v.add(rule(
            r#"{"provider":"nagad","reference":"MTEy","variant":{"kind":"refund_words"}}"#,
        ));
        v.add(rule(
            r#"{"provider":"bkash","app_key":"k1","variant":{"kind":"refund_v2_missing"}}"#,
        ));
        assert_eq!(v.trx_id_len(Provider::Bkash, "TR1"), Some(40));
        assert_eq!(v.trx_id_len(Provider::Bkash, "TR2"), None);
        assert_eq!(v.trx_id_len(Provider::Nagad, "TR1"), None);
        assert!(v.has(Provider::Nagad, "MTEy", Variant::RefundWords));
        assert!(!v.has(Provider::Nagad, "other", Variant::RefundWords));
        assert!(v.refund_v2_missing("k1", "u") && !v.refund_v2_missing("k2", "u"));
        assert_eq!(long_id(64).len(), 64);
        v.clear();
        assert!(v.list().is_empty());
    }

    #[test]
    fn bad_rules_are_refused() {
        for bad in [
            r#"{"provider":"bkash","reference":"TR1","variant":{"kind":"long_trx_id","len":16}}"#,
            r#"{"provider":"bkash","reference":"TR1","variant":{"kind":"long_trx_id","len":65}}"#,
            r#"{"provider":"bkash","variant":{"kind":"sns_minimal"}}"#,
            r#"{"provider":"nagad","reference":"x","variant":{"kind":"sns_minimal"}}"#,
            r#"{"provider":"bkash","reference":"x","variant":{"kind":"refund_words"}}"#,
            r#"{"provider":"bkash","variant":{"kind":"refund_v2_missing"}}"#,
            r#"{"provider":"bkash","reference":"x","app_key":"k","variant":{"kind":"refund_v2_missing"}}"#,
        ] {
            assert!(rule(bad).validate().is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<VariantRule>(r#"{"provider":"bkash","variant":{"kind":"nope"}}"#).is_err());
    }
}
