//! Faults on demand: latency, hangs, 5xx answers, provider error codes, a provider down,
//! webhooks dropped or sent twice — for the next N calls or a percentage of calls.
//!
//! Set with `POST /__control/faults` (one [`FaultRule`] as JSON), listed with `GET`,
//! cleared with `DELETE`. Every provider handler calls [`Faults::enter`] first.

use std::sync::Mutex;
use std::time::Duration;

use bdpay_shared::provider::Provider;
use serde::{Deserialize, Serialize};

/// One fault. `provider` and `op` narrow which calls it hits (omitted: all).
/// Ops: bKash `grant` `refresh` `create` `execute` `query` `search` `refund` `refund_status`
/// `page` `webhook`; Nagad `initialize` `complete` `verify` `cancel` `page` `ipn`; and,
/// with no `provider`, `sms` (the SMS gateway stand-in, hit only by rules naming that op).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// Only calls about this payment (bKash `paymentID`, Nagad `paymentRefId`; for bKash `create`,
    /// the `merchantInvoiceNumber`), where the op knows it: `webhook` and `create` do. A rule with a reference never hits a call without one, so tests
    /// running side by side cannot take each other's faults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub fault: FaultKind,
    /// Hits left; omitted = until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Share of matching calls hit, 1..=100; omitted = all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u8>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultKind {
    /// Answer normally, `ms` later.
    Latency { ms: u64 },
    /// No answer for `Config::hang` (past the 30 s client timeout), then a 504.
    Hang,
    /// An HTTP error status (e.g. 500, 502, 503) with the provider's own error body.
    Status { status: u16 },
    /// The provider's own error code in its own envelope (bKash `2023`, Nagad `16_0006_075`).
    Code { code: String },
    /// As `code`, but with HTTP 200 whatever the envelope's usual status (Nagad's
    /// `{"reason","message"}` and bKash refund v2's envelope 3 normally come with 400).
    #[serde(rename = "code_200")]
    Code200 { code: String },
    /// The provider is down: 503 on every call.
    Down,
    /// The outgoing notification is not sent.
    WebhookDrop,
    /// The outgoing notification is sent twice.
    WebhookDuplicate,
    /// The call is carried out, then its answer is held for `Config::hang` (past the 30 s
    /// client timeout): the caller cannot know the money moved. Honoured by bKash `refund`
    /// and Nagad `cancel`, where a blind retry would refund twice; other ops answer normally.
    AnswerLost,
}

/// What a handler must do instead of its normal answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Injected {
    Hung,
    Status(u16),
    Code(String),
    /// A code answered with HTTP 200.
    Code200(String),
    Down,
    WebhookDrop,
    WebhookDuplicate,
    AnswerLost,
}

/// The SMS gateway stand-in's one op (`crate::sms`).
pub const SMS_OP: &str = "sms";

#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
}

impl FaultRule {
    pub fn validate(&self) -> Result<(), String> {
        match self.percent {
            Some(0) | Some(101..) => return Err("percent must be 1..=100".into()),
            _ => {}
        }
        if let FaultKind::Status { status } = self.fault {
            if !(400..=599).contains(&status) {
                return Err("status must be 400..=599".into());
            }
        }
        if let FaultKind::Latency { ms } = self.fault {
            if ms > 120_000 {
                return Err("latency ms must be <= 120000".into());
            }
        }
        if self.op.as_deref() == Some(SMS_OP) {
            if self.provider.is_some() || self.reference.is_some() {
                return Err("op sms takes no provider and no reference".into());
            }
            if let FaultKind::Code { code } | FaultKind::Code200 { code } = &self.fault {
                if code.parse::<u32>().is_err() {
                    return Err("an sms code is a number, e.g. \"1007\"".into());
                }
            }
        }
        Ok(())
    }

    /// `provider` None is a call no provider makes (the SMS gateway): only rules without a
    /// provider that name its op hit it, so `{"fault":{"kind":"down"}}` leaves SMS alone.
    fn matches(&self, provider: Option<Provider>, op: &str, reference: Option<&str>) -> bool {
        let whose = match provider {
            Some(provider) => self.provider.is_none_or(|p| p == provider),
            None => self.provider.is_none() && self.op.as_deref() == Some(op),
        };
        whose
            && self.op.as_deref().is_none_or(|o| o == op)
            && self.reference.as_deref().is_none_or(|r| Some(r) == reference)
    }
}

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.push(rule);
        }
    }

    pub fn list(&self) -> Vec<FaultRule> {
        self.rules.lock().map(|r| r.clone()).unwrap_or_default()
    }

    pub fn clear(&self) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.clear();
        }
    }

    /// Decides this call's faults, consuming counted rules: (added latency, what to inject).
    pub fn decide(&self, provider: Provider, op: &str) -> (Duration, Option<Injected>) {
        self.decide_for(provider, op, None)
    }

    /// [`Faults::decide`] for a call about the payment `reference`.
    pub fn decide_for(&self, provider: Provider, op: &str, reference: Option<&str>) -> (Duration, Option<Injected>) {
        self.decide_any(Some(provider), op, reference)
    }

    fn decide_any(
        &self,
        provider: Option<Provider>,
        op: &str,
        reference: Option<&str>,
    ) -> (Duration, Option<Injected>) {
        let Ok(mut rules) = self.rules.lock() else {
            return (Duration::ZERO, None);
        };
        let mut delay = Duration::ZERO;
        let mut injected = None;
        for rule in rules.iter_mut() {
            if !rule.matches(provider, op, reference) || rule.count == Some(0) {
                continue;
            }
            if let Some(p) = rule.percent {
                if rand::random::<u8>() % 100 >= p {
                    continue;
                }
            }
            let hit = match &rule.fault {
                FaultKind::Latency { ms } => {
                    delay += Duration::from_millis(*ms);
                    true
                }
                _ if injected.is_some() => false,
                FaultKind::Hang => set(&mut injected, Injected::Hung),
                FaultKind::Status { status } => set(&mut injected, Injected::Status(*status)),
                FaultKind::Code { code } => set(&mut injected, Injected::Code(code.clone())),
                FaultKind::Code200 { code } => set(&mut injected, Injected::Code200(code.clone())),
                FaultKind::Down => set(&mut injected, Injected::Down),
                FaultKind::WebhookDrop => set(&mut injected, Injected::WebhookDrop),
                FaultKind::WebhookDuplicate => set(&mut injected, Injected::WebhookDuplicate),
                FaultKind::AnswerLost => set(&mut injected, Injected::AnswerLost),
            };
            if hit {
                if let Some(n) = rule.count.as_mut() {
                    *n = n.saturating_sub(1);
                }
            }
        }
        rules.retain(|r| r.count != Some(0));
        (delay, injected)
    }

    /// Call first in every provider handler: sleeps the added latency, hangs on `Hang`
    /// (then reports `Hung`), and returns what to inject, if anything.
    pub async fn enter(&self, provider: Provider, op: &str, hang: Duration) -> Option<Injected> {
        self.enter_for(provider, op, None, hang).await
    }

    /// [`Faults::enter`] for a call about the payment `reference`.
    pub async fn enter_for(
        &self,
        provider: Provider,
        op: &str,
        reference: Option<&str>,
        hang: Duration,
    ) -> Option<Injected> {
        self.enter_any(Some(provider), op, reference, hang).await
    }

    /// [`Faults::enter`] for the SMS gateway stand-in (op [`SMS_OP`], no provider).
    pub async fn enter_sms(&self, hang: Duration) -> Option<Injected> {
        self.enter_any(None, SMS_OP, None, hang).await
    }

    async fn enter_any(
        &self,
        provider: Option<Provider>,
        op: &str,
        reference: Option<&str>,
        hang: Duration,
    ) -> Option<Injected> {
        let (delay, injected) = self.decide_any(provider, op, reference);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if injected == Some(Injected::Hung) {
            tokio::time::sleep(hang).await;
        }
        injected
    }
}

fn set(slot: &mut Option<Injected>, value: Injected) -> bool {
    *slot = Some(value);
    true
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_rule_with_a_reference_hits_only_that_payment() {
        let f = Faults::default();
        f.add(rule(
            r#"{"op":"webhook","reference":"TR1","fault":{"kind":"webhook_duplicate"},"count":1}"#,
        ));
        assert_eq!(f.decide(Provider::Bkash, "webhook").1, None);
        assert_eq!(f.decide_for(Provider::Bkash, "webhook", Some("TR2")).1, None);
        assert_eq!(
            f.decide_for(Provider::Bkash, "webhook", Some("TR1")).1,
            Some(Injected::WebhookDuplicate)
        );
        assert!(f.list().is_empty());
    }

    #[test]
    fn an_answer_lost_rule_is_injected_without_delay() {
        let f = Faults::default();
        f.add(rule(
            r#"{"provider":"nagad","op":"cancel","fault":{"kind":"answer_lost"},"count":1}"#,
        ));
        assert_eq!(f.decide(Provider::Bkash, "refund"), (Duration::ZERO, None));
        assert_eq!(
            f.decide(Provider::Nagad, "cancel"),
            (Duration::ZERO, Some(Injected::AnswerLost))
        );
        assert_eq!(f.decide(Provider::Nagad, "cancel"), (Duration::ZERO, None));
    }
    use super::*;

    fn rule(json: &str) -> FaultRule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn counted_rule_hits_exactly_n_calls() {
        let f = Faults::default();
        f.add(rule(
            r#"{"provider":"bkash","op":"execute","fault":{"kind":"code","code":"2023"},"count":2}"#,
        ));
        assert_eq!(f.decide(Provider::Nagad, "execute").1, None);
        assert_eq!(f.decide(Provider::Bkash, "create").1, None);
        assert_eq!(
            f.decide(Provider::Bkash, "execute").1,
            Some(Injected::Code("2023".into()))
        );
        assert_eq!(
            f.decide(Provider::Bkash, "execute").1,
            Some(Injected::Code("2023".into()))
        );
        assert_eq!(f.decide(Provider::Bkash, "execute").1, None);
        assert!(f.list().is_empty());
    }

    #[test]
    fn latency_adds_up_and_does_not_block_an_injection() {
        let f = Faults::default();
        f.add(rule(r#"{"fault":{"kind":"latency","ms":200}}"#));
        f.add(rule(r#"{"fault":{"kind":"down"}}"#));
        assert_eq!(
            f.decide(Provider::Nagad, "verify"),
            (Duration::from_millis(200), Some(Injected::Down))
        );
    }

    #[test]
    fn sms_is_hit_only_by_provider_less_rules_naming_it() {
        let f = Faults::default();
        f.add(rule(r#"{"fault":{"kind":"down"}}"#));
        f.add(rule(r#"{"provider":"bkash","fault":{"kind":"status","status":502}}"#));
        assert_eq!(f.decide_any(None, SMS_OP, None).1, None);
        f.add(rule(r#"{"op":"sms","fault":{"kind":"code","code":"1007"},"count":1}"#));
        assert_eq!(f.decide_any(None, SMS_OP, None).1, Some(Injected::Code("1007".into())));
        assert_eq!(f.decide_any(None, SMS_OP, None).1, None);
        assert_eq!(f.decide(Provider::Nagad, "verify").1, Some(Injected::Down));
    }

    #[test]
    fn bad_rules_are_refused() {
        assert!(rule(r#"{"provider":"bkash","op":"sms","fault":{"kind":"down"}}"#)
            .validate()
            .is_err());
        assert!(rule(r#"{"op":"sms","fault":{"kind":"code","code":"x"}}"#)
            .validate()
            .is_err());
        assert!(rule(r#"{"op":"sms","fault":{"kind":"code_200","code":"1007"}}"#)
            .validate()
            .is_ok());
        assert!(serde_json::from_str::<FaultRule>(r#"{"fault":{"kind":"nope"}}"#).is_err());
        assert!(rule(r#"{"fault":{"kind":"status","status":200}}"#).validate().is_err());
        assert!(rule(r#"{"fault":{"kind":"down"},"percent":0}"#).validate().is_err());
    }
}
