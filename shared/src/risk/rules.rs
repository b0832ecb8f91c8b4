//! The risk rules, one named pure function each: a [`Finding`] when the rule fires, `None`
//! when it has nothing to say. [`super::assess`] runs them all, in [`Rule::ALL`]'s order.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::provider::Provider;

use super::config::RiskConfig;
use super::input::{secs_to_dhaka_midnight, RiskInput};

/// The velocity window: counts are per 10 minutes, and a shopper over one waits that long.
pub const WINDOW_SECS: u32 = 600;

/// A rule, by its stable code (the `rule` of a reason; add rules, never rename one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Blocklist,
    NewCustomerCap,
    BkashLimit,
    PhoneCount,
    PhoneAmount,
    DeviceCount,
    DeviceAmount,
    Geography,
    DevicePhones,
    NewCustomer,
    Abroad,
}

/// What a rule that fires does to the payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The payment is refused.
    Block,
    /// The payment is refused for this wallet only; the other may take it.
    RefuseProvider(Provider),
    /// Too many or too much: `rate_limited` (429), the shopper may retry after this long.
    RateLimited { retry_after_secs: u32 },
    /// The shopper confirms with a one-time code first (`risk::otp`).
    StepUp,
    /// Nothing by itself: the rule's weight counts towards the score only.
    Score,
}

/// A rule that fired: what it does and its points in the score (its weight in the setting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub effect: Effect,
    pub signal_weight: u8,
}

impl Rule {
    /// Every rule, in the order they run and their reasons are listed.
    pub const ALL: [Rule; 11] = [
        Rule::Blocklist,
        Rule::NewCustomerCap,
        Rule::BkashLimit,
        Rule::PhoneCount,
        Rule::PhoneAmount,
        Rule::DeviceCount,
        Rule::DeviceAmount,
        Rule::Geography,
        Rule::DevicePhones,
        Rule::NewCustomer,
        Rule::Abroad,
    ];

    /// The stable code: `"blocklist"`, `"new_customer_cap"`…
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Rule::Blocklist => "blocklist",
            Rule::NewCustomerCap => "new_customer_cap",
            Rule::BkashLimit => "bkash_limit",
            Rule::PhoneCount => "phone_count",
            Rule::PhoneAmount => "phone_amount",
            Rule::DeviceCount => "device_count",
            Rule::DeviceAmount => "device_amount",
            Rule::Geography => "geography",
            Rule::DevicePhones => "device_phones",
            Rule::NewCustomer => "new_customer",
            Rule::Abroad => "abroad",
        }
    }

    /// This rule's function.
    #[must_use]
    pub fn check(self, c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
        match self {
            Rule::Blocklist => blocklist(c, i),
            Rule::NewCustomerCap => new_customer_cap(c, i),
            Rule::BkashLimit => bkash_limit(c, i),
            Rule::PhoneCount => phone_count(c, i),
            Rule::PhoneAmount => phone_amount(c, i),
            Rule::DeviceCount => device_count(c, i),
            Rule::DeviceAmount => device_amount(c, i),
            Rule::Geography => geography(c, i),
            Rule::DevicePhones => device_phones(c, i),
            Rule::NewCustomer => new_customer(c, i),
            Rule::Abroad => abroad(c, i),
        }
    }

    /// This rule's weight in `c`.
    #[must_use]
    pub const fn weight(self, c: &RiskConfig) -> u8 {
        let w = &c.weights;
        match self {
            Rule::Blocklist => w.blocklist,
            Rule::NewCustomerCap => w.new_customer_cap,
            Rule::BkashLimit => w.bkash_limit,
            Rule::PhoneCount => w.phone_count,
            Rule::PhoneAmount => w.phone_amount,
            Rule::DeviceCount => w.device_count,
            Rule::DeviceAmount => w.device_amount,
            Rule::Geography => w.geography,
            Rule::DevicePhones => w.device_phones,
            Rule::NewCustomer => w.new_customer,
            Rule::Abroad => w.abroad,
        }
    }
}

fn fired(c: &RiskConfig, rule: Rule, effect: Effect, when: bool) -> Option<Finding> {
    when.then(|| Finding {
        rule,
        effect,
        signal_weight: rule.weight(c),
    })
}

/// `earlier + amount` is above `limit` (a sum past the type's ceiling is above any limit).
fn passes(earlier: Money, amount: Money, limit: Money) -> bool {
    earlier.checked_add(amount).map_or(true, |total| total > limit)
}

/// The phone is on the shared blocklist: the payment is refused.
#[must_use]
pub fn blocklist(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let listed = i.phone.is_some_and(|p| p.blocklisted);
    fired(c, Rule::Blocklist, Effect::Block, listed)
}

/// A new customer (fewer than `new_customer_below` earlier successful payments, or no phone
/// given) paying above `new_customer_max`: refused.
#[must_use]
pub fn new_customer_cap(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let max = c.new_customer_max?;
    fired(c, Rule::NewCustomerCap, Effect::Block, is_new(c, i) && i.amount > max)
}

/// A bKash payment above `bkash_max`: refused for bKash (Nagad's own limits are routing's).
#[must_use]
pub fn bkash_limit(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let max = c.bkash_max?;
    let over = i.provider == Provider::Bkash && i.amount > max;
    fired(c, Rule::BkashLimit, Effect::RefuseProvider(Provider::Bkash), over)
}

/// This would be more than `phone_payments_per_10_min` payments from the phone in 10 minutes.
#[must_use]
pub fn phone_count(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let (limit, phone) = (c.phone_payments_per_10_min?, i.phone?);
    let effect = Effect::RateLimited {
        retry_after_secs: WINDOW_SECS,
    };
    fired(c, Rule::PhoneCount, effect, phone.payments_last_10_min >= limit)
}

/// The phone's payments today would pass `phone_amount_per_day` with this one.
#[must_use]
pub fn phone_amount(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let (limit, phone) = (c.phone_amount_per_day?, i.phone?);
    let effect = Effect::RateLimited {
        retry_after_secs: secs_to_dhaka_midnight(i.now_ms),
    };
    fired(
        c,
        Rule::PhoneAmount,
        effect,
        passes(phone.amount_today, i.amount, limit),
    )
}

/// This would be more than `device_payments_per_10_min` payments from the device in 10 minutes.
#[must_use]
pub fn device_count(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let (limit, device) = (c.device_payments_per_10_min?, i.device?);
    let effect = Effect::RateLimited {
        retry_after_secs: WINDOW_SECS,
    };
    fired(c, Rule::DeviceCount, effect, device.payments_last_10_min >= limit)
}

/// The device's payments today would pass `device_amount_per_day` with this one.
#[must_use]
pub fn device_amount(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let (limit, device) = (c.device_amount_per_day?, i.device?);
    let effect = Effect::RateLimited {
        retry_after_secs: secs_to_dhaka_midnight(i.now_ms),
    };
    fired(
        c,
        Rule::DeviceAmount,
        effect,
        passes(device.amount_today, i.amount, limit),
    )
}

/// A bKash payment above `geography_above` from a request known to come from outside Dhaka
/// division (elsewhere in Bangladesh, or abroad): stepped up, not declined. An unknown
/// location does not fire it.
#[must_use]
pub fn geography(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let above = c.geography_above?;
    let large_bkash = i.provider == Provider::Bkash && i.amount > above;
    fired(
        c,
        Rule::Geography,
        Effect::StepUp,
        large_bkash && i.location.is_outside_dhaka(),
    )
}

/// The device paid with more than `device_max_phones_per_day` phone numbers today: stepped up.
#[must_use]
pub fn device_phones(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let (max, device) = (c.device_max_phones_per_day?, i.device?);
    fired(c, Rule::DevicePhones, Effect::StepUp, device.phones_today > max)
}

/// A new customer (as in [`new_customer_cap`]), at any amount: a signal for the score only.
#[must_use]
pub fn new_customer(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    fired(c, Rule::NewCustomer, Effect::Score, is_new(c, i))
}

/// The request came from outside Bangladesh (or over Tor): a signal for the score only.
#[must_use]
pub fn abroad(c: &RiskConfig, i: &RiskInput) -> Option<Finding> {
    let abroad = matches!(i.location, super::geo::Location::Abroad(_));
    fired(c, Rule::Abroad, Effect::Score, abroad)
}

/// Fewer than `new_customer_below` earlier successful payments, or no phone to count them by.
#[must_use]
pub fn is_new(c: &RiskConfig, i: &RiskInput) -> bool {
    i.phone.is_none_or(|p| p.earlier_successes < c.new_customer_below)
}
