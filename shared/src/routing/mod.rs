//! Which wallet a payment goes to, and why, in words a shopper reads (bn/en).
//!
//! One pure function, [`route`], takes what is known about each provider (set up, health,
//! success rate, latency) and about the shopper (amount, operator, device, choice) and
//! applies these rules in order; the first that decides gives the [`Reason`]:
//!
//! | rule | when | provider | reason |
//! | --- | --- | --- | --- |
//! | a | a provider not configured, `down`, or outside its limits | never that one | an error if the shopper chose it |
//! | b | the shopper chose a usable provider | that one | `shopper_choice` |
//! | c | only one provider is usable | that one | `other_unavailable` |
//! | d | amount above Tk 10,000, Nagad `up` with a success rate above 92 % | Nagad | `large_amount_reliable` |
//! | e | a feature phone | bKash | `feature_phone` |
//! | f | a Banglalink number / a Grameenphone number | bKash / Nagad | `phone_operator` |
//! | f′ | exactly one wallet has a promotion for this amount (`shared::promotions`) | that one | `promotion` |
//! | g | bKash `up` with a p50 latency under 800 ms | bKash | `responding_fast` |
//! | h | otherwise, by weight: success rate (no data: 50 %), halved when `degraded` | `pick` decides | `success_rate` |
//! | h′ | the weights say nothing (no rate for either and equal weights, or both zero) | bKash | `most_used` |
//!
//! docs/design.md "Routing" says the same for people.

mod inputs;
mod reason;

pub use inputs::{Availability, HealthState, Inputs, ProviderHealth, Standing};
pub use reason::{Choice, NoProvider, Reason, Unusable};

use crate::device::Device;
use crate::ids::PaymentId;
use crate::money::Money;
use crate::phone::Operator;
use crate::provider::Provider;

/// The most a single payment may be at each provider (docs/providers.md A.14, B.11: Tk 5,00,000).
pub const PROVIDER_MAX_POISHA: i64 = 50_000_000; // Tk 5,00,000.00
/// The least (Tk 1).
pub const PROVIDER_MIN_POISHA: i64 = 100; // Tk 1.00
/// Rule d applies to amounts above this (Tk 10,000.00; exactly 10,000.00 is not above).
pub const LARGE_AMOUNT_POISHA: i64 = 1_000_000;
/// Rule d needs Nagad's success rate above this (92.00 %; exactly 92.00 % is not above).
pub const RELIABLE_BP: u16 = 9_200;
/// Rule g needs bKash's p50 latency under this (800 ms is not under).
pub const FAST_P50_MS: u32 = 800;
/// Rule h's success rate for a provider with no data (50.00 %).
pub const NO_DATA_BP: u16 = 5_000;

/// Whether `p` can take `amount` at all (limits only).
pub fn accepts(p: Provider, amount: Money) -> bool {
    let _ = p; // both wallets publish the same limits today; kept per provider for when they differ
    (PROVIDER_MIN_POISHA..=PROVIDER_MAX_POISHA).contains(&amount.poisha())
}

/// Rule f: the wallet most customers of `op` hold, if the operator says anything.
#[must_use]
pub const fn operator_hint(op: Operator) -> Option<Provider> {
    match op {
        Operator::Banglalink => Some(Provider::Bkash),
        Operator::Grameenphone => Some(Provider::Nagad),
        Operator::Robi | Operator::Airtel | Operator::Teletalk => None,
    }
}

/// The provider for a payment, and why (the rules are in this module's documentation).
pub fn route(i: &Inputs) -> Result<Choice, NoProvider> {
    let usable = |p: Provider| i.providers.usable(p, i.amount);
    if !Provider::ALL.into_iter().any(|p| accepts(p, i.amount)) {
        return Err(NoProvider::AmountOutOfRange);
    }
    if let Some(p) = i.chosen {
        return match usable(p) {
            Ok(()) => Ok(choice(p, Reason::ShopperChoice)),
            Err(why) => Err(NoProvider::Chosen { provider: p, why }),
        };
    }
    match (usable(Provider::Bkash).is_ok(), usable(Provider::Nagad).is_ok()) {
        (false, false) => Err(NoProvider::Unavailable),
        (true, false) => Ok(choice(Provider::Bkash, Reason::OtherUnavailable)),
        (false, true) => Ok(choice(Provider::Nagad, Reason::OtherUnavailable)),
        (true, true) => Ok(both_usable(i)),
    }
}

/// Rules d to h, when either provider could take the payment.
fn both_usable(i: &Inputs) -> Choice {
    let (bkash, nagad) = (i.providers.bkash.health, i.providers.nagad.health);
    let nagad_reliable = nagad.state == HealthState::Up && nagad.success_bp.is_some_and(|bp| bp > RELIABLE_BP);
    if i.amount.poisha() > LARGE_AMOUNT_POISHA && nagad_reliable {
        return choice(Provider::Nagad, Reason::LargeAmountReliable);
    }
    if i.device == Some(Device::FeaturePhone) {
        return choice(Provider::Bkash, Reason::FeaturePhone);
    }
    if let Some(p) = i.operator.and_then(operator_hint) {
        return choice(p, Reason::PhoneOperator);
    }
    if let Some(p) = i.promoted {
        return choice(p, Reason::Promotion);
    }
    if bkash.state == HealthState::Up && bkash.p50_ms.is_some_and(|ms| ms < FAST_P50_MS) {
        return choice(Provider::Bkash, Reason::RespondingFast);
    }
    weighted(bkash, nagad, i.pick)
}

/// Rule h's weight: the success rate in basis points (no data: [`NO_DATA_BP`]), halved
/// when `degraded`, nothing when `down`.
#[must_use]
pub fn weight(h: ProviderHealth) -> u64 {
    let bp = u64::from(h.success_bp.map_or(NO_DATA_BP, |bp| bp.min(10_000)));
    match h.state {
        HealthState::Up => bp,
        HealthState::Degraded => bp / 2,
        HealthState::Down => 0,
    }
}

/// Rule h: bKash with probability `wb / (wb + wn)` over `pick`s. Without a rate for either
/// and with equal weights, the weights carry no news: the wallet most shoppers hold.
fn weighted(bkash: ProviderHealth, nagad: ProviderHealth, pick: u32) -> Choice {
    let (wb, wn) = (weight(bkash), weight(nagad));
    let total = wb + wn;
    let no_news = bkash.success_bp.is_none() && nagad.success_bp.is_none() && wb == wn;
    if total == 0 || no_news {
        return choice(Provider::Bkash, Reason::MostUsed);
    }
    // `pick` scaled onto 0..total: pick / 2^32 is a fraction below 1.
    let at = (u64::from(pick) * total) >> 32;
    let p = if at < wb { Provider::Bkash } else { Provider::Nagad };
    choice(p, Reason::SuccessRate)
}

/// What a phone number learnt after a recommendation changes about it: the operator's
/// wallet when rule f would have decided, given the recommendation's reason (`made_for`,
/// `None` when unknown); `None` keeps the recommendation. The widget uses it for a typed
/// number, so it agrees with [`route`] without knowing the providers' health.
#[must_use]
pub fn operator_override(made_for: Option<Reason>, op: Operator) -> Option<Provider> {
    if made_for.is_some_and(Reason::outranks_operator) {
        None
    } else {
        operator_hint(op)
    }
}

/// A recommendation made without the shopper's operator, as [`route`] would give it with
/// `op` known.
#[must_use]
pub fn with_operator(made: Choice, op: Operator) -> Choice {
    match operator_override(Some(made.reason), op) {
        Some(p) => choice(p, Reason::PhoneOperator),
        None => made,
    }
}

/// The `pick` for a payment (FNV-1a of its id): the widget's recommendation and the
/// confirm's choice of the same payment agree, and payments spread evenly.
#[must_use]
pub fn pick_for(id: &PaymentId) -> u32 {
    id.as_str()
        .bytes()
        .fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

const fn choice(provider: Provider, reason: Reason) -> Choice {
    Choice { provider, reason }
}

#[cfg(test)]
mod tests;
