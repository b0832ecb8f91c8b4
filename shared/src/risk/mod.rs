//! Whether a payment may go ahead, evaluated at confirm: named rules, an explainable score, a
//! decision, and the reasons in words the merchant reads (bn/en).
//!
//! [`assess`] runs every rule of [`Rule::ALL`] (each a pure function in `rules`):
//!
//! | rule | fires when (defaults in [`RiskConfig`]) | effect | weight |
//! | --- | --- | --- | --- |
//! | `blocklist` | the phone's keyed hash is on the shared blocklist | block | 100 |
//! | `new_customer_cap` | fewer than 3 earlier successes (or no phone) and above Tk 2,000 | block | 60 |
//! | `bkash_limit` | a bKash payment above Tk 50,000 | refuse bKash | 0 |
//! | `phone_count` | this phone's 11th payment in 10 minutes | rate limited, 600 s | 40 |
//! | `phone_amount` | this phone past Tk 1,00,000 today | rate limited, to Dhaka midnight | 40 |
//! | `device_count` | this device's 11th payment in 10 minutes | rate limited, 600 s | 40 |
//! | `device_amount` | this device past Tk 2,00,000 today | rate limited, to Dhaka midnight | 40 |
//! | `geography` | bKash above Tk 10,000 from outside Dhaka division | step up | 30 |
//! | `device_phones` | this device paid with more than 3 numbers today | step up | 30 |
//! | `new_customer` | fewer than 3 earlier successes (or no phone) | score only | 20 |
//! | `abroad` | the request came from outside Bangladesh (or Tor) | score only | 30 |
//!
//! **Score**: `min(100, Σ weight of each rule that fired)`, the weights from the merchant's
//! setting: every point is traceable to a reason. A model can later replace the sum with
//! `round(100 × P(fraud))` without changing the shape.
//!
//! **Decision** (`allow`, `step_up`, `block`), by precedence: a block rule; else a step-up
//! rule; else `score ≥ block_score` (90) blocks and `score ≥ step_up_score` (50) steps up;
//! else allow. **What to do now** ([`Assessment::action`]): a block rule; else a rate limit
//! (429 `rate_limited`, retryable); else the decision. A refused provider
//! ([`Assessment::refused_providers`]) is for routing: the other wallet may take the payment.
//!
//! docs/risk.md says the same for people.

mod config;
pub mod geo;
mod input;
mod messages;
pub mod nid;
pub mod otp;
mod rules;

pub use config::{RiskConfig, Weights};
pub use geo::Location;
pub use input::{secs_to_dhaka_midnight, DeviceHistory, PhoneHistory, RiskInput};
pub use messages::Reason;
pub use rules::{
    abroad, bkash_limit, blocklist, device_amount, device_count, device_phones, geography, is_new, new_customer,
    new_customer_cap, phone_amount, phone_count, Effect, Finding, Rule, WINDOW_SECS,
};

use serde::{Deserialize, Serialize};

use crate::errors::ErrorCode;
use crate::locale::Lang;
use crate::provider::Provider;

/// The verdict on the payment, as recorded with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow,
    StepUp,
    Block,
}

/// What the caller does with the confirm now, in precedence order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Refuse the payment.
    Block,
    /// Answer 429 `rate_limited` with `Retry-After`.
    RateLimited { retry_after_secs: u32 },
    /// Send a one-time code (`risk::otp`) and wait for it.
    StepUp,
    /// Go on.
    Allow,
}

/// The result of [`assess`]. Serialized, it is the payment's `risk` object:
/// `{"score": 0-100, "decision": "allow" | "step_up" | "block", "reasons": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub score: u8,
    pub decision: Decision,
    /// The longest wait any velocity rule asks for; `None` when no rule limited the rate.
    #[serde(skip)]
    pub rate_limited: Option<u32>,
    /// Wallets that may not take this payment (bKash above its cap).
    #[serde(skip)]
    pub refused_providers: Vec<Provider>,
    pub reasons: Vec<Reason>,
    /// The rules that fired, in [`Rule::ALL`]'s order (the reasons follow the same order).
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

/// Runs every rule on `i` with the merchant's setting `c`; see the module's documentation.
#[must_use]
pub fn assess(c: &RiskConfig, i: &RiskInput) -> Assessment {
    let findings: Vec<Finding> = Rule::ALL.into_iter().filter_map(|r| r.check(c, i)).collect();
    let score = score(&findings);
    let has = |e: Effect| findings.iter().any(|f| f.effect == e);
    let decision = if has(Effect::Block) {
        Decision::Block
    } else if has(Effect::StepUp) {
        Decision::StepUp
    } else if score >= c.block_score {
        Decision::Block
    } else if score >= c.step_up_score {
        Decision::StepUp
    } else {
        Decision::Allow
    };
    let rate_limited = findings
        .iter()
        .filter_map(|f| match f.effect {
            Effect::RateLimited { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        })
        .max();
    let mut refused_providers: Vec<Provider> = Vec::new();
    for f in &findings {
        if let Effect::RefuseProvider(p) = f.effect {
            if !refused_providers.contains(&p) {
                refused_providers.push(p);
            }
        }
    }
    Assessment {
        score,
        decision,
        rate_limited,
        refused_providers,
        reasons: findings.iter().map(|f| messages::reason(f, c, i)).collect(),
        findings,
    }
}

/// `min(100, Σ signal_weight)`.
#[must_use]
pub fn score(findings: &[Finding]) -> u8 {
    let sum: u32 = findings.iter().map(|f| u32::from(f.signal_weight)).sum();
    u8::try_from(sum.min(100)).unwrap_or(100)
}

impl Assessment {
    /// What to do with the confirm now: a block rule, then a rate limit, then the decision.
    #[must_use]
    pub fn action(&self) -> Action {
        if self.findings.iter().any(|f| f.effect == Effect::Block) {
            return Action::Block;
        }
        if let Some(retry_after_secs) = self.rate_limited {
            return Action::RateLimited { retry_after_secs };
        }
        match self.decision {
            Decision::Block => Action::Block,
            Decision::StepUp => Action::StepUp,
            Decision::Allow => Action::Allow,
        }
    }

    /// Whether `p` may not take this payment.
    #[must_use]
    pub fn refuses(&self, p: Provider) -> bool {
        self.refused_providers.contains(&p)
    }
}

impl Action {
    /// The one plain sentence a shopper reads; nothing for [`Action::Allow`]. Never a rule,
    /// a score or a number.
    #[must_use]
    pub const fn shopper_message(self, lang: Lang) -> Option<&'static str> {
        Some(match (self, lang) {
            (Action::Allow, _) => return None,
            (Action::Block, Lang::En) => "This payment cannot be made. Please contact the shop.",
            (Action::Block, Lang::Bn) => "এই পেমেন্টটি করা যাচ্ছে না। অনুগ্রহ করে দোকানের সাথে যোগাযোগ করুন।",
            (Action::RateLimited { .. }, lang) => ErrorCode::RateLimited.message(lang),
            (Action::StepUp, Lang::En) => "To finish this payment, enter the code we sent to your phone.",
            (Action::StepUp, Lang::Bn) => "পেমেন্টটি শেষ করতে আপনার ফোনে পাঠানো কোডটি দিন।",
        })
    }
}

#[cfg(test)]
mod tests;
