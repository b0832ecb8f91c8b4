//! A merchant's wallet promotions, and the offer each makes to one payment.
//!
//! | kind | applies when | the offer's `amount` |
//! | --- | --- | --- |
//! | `commission_free` `{up_to}` | amount ≤ `up_to` (3,000.00 yes, 3,000.01 no) | the payment's amount: what goes through without commission |
//! | `cashback` `{basis_points, from}` | amount ≥ `from` (8,000.00 yes, 7,999.99 no) | amount × basis points / 10,000, rounded half-up to the poisha |
//!
//! The seed's two are the defaults ([`defaults`]): bKash commission-free up to Tk 3,000 and
//! Nagad 0.5 % cashback from Tk 8,000. For a wallet the first of the merchant's promotions
//! that applies makes the offer. A cashback that rounds to nothing, or a misconfigured one
//! (0 or more than 10,000 basis points), offers nothing: a mistake never pays out.
//!
//! On the wire, a promotion is `{"provider": "nagad", "kind": "cashback", "basis_points": 50,
//! "from": "8000.00"}`; the status answer's offers are
//! `{"nagad": {"kind": "cashback", "amount": "45.00"}}` ([`Offers`]).

mod text;

pub use text::{format_offer, push_offer, push_offer_poisha, push_offer_text};

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::provider::Provider;

/// One promotion of a merchant's, on one wallet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    pub provider: Provider,
    #[serde(flatten)]
    pub kind: PromotionKind,
}

/// What a promotion gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PromotionKind {
    /// No commission on payments up to `up_to`, inclusive.
    CommissionFree { up_to: Money },
    /// `basis_points` / 10,000 of the amount back, from `from` on, inclusive (50 = 0.5 %).
    Cashback { basis_points: u16, from: Money },
}

/// The kind of an offer, by its wire name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    CommissionFree,
    Cashback,
}

impl OfferKind {
    /// `"commission_free"` or `"cashback"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            OfferKind::CommissionFree => "commission_free",
            OfferKind::Cashback => "cashback",
        }
    }

    /// The wire name back (the widget reads it from the status answer); anything else is `None`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<OfferKind> {
        match s {
            "commission_free" => Some(OfferKind::CommissionFree),
            "cashback" => Some(OfferKind::Cashback),
            _ => None,
        }
    }
}

/// What a promotion offers one payment: `{"kind": "cashback", "amount": "45.00"}`. The
/// payment records the offer applied; for cashback, `amount` is the cashback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub kind: OfferKind,
    pub amount: Money,
}

/// Each wallet's offer for one amount, as the status answer carries them (none: left out).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bkash: Option<Offer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nagad: Option<Offer>,
}

/// A compile-time amount in poisha (the constants below are in range).
const fn tk(poisha: i64) -> Money {
    match Money::from_poisha(poisha) {
        Ok(m) => m,
        Err(_) => Money::ZERO,
    }
}

/// The seed's promotions: bKash commission-free up to Tk 3,000.00, Nagad 0.5 % cashback from
/// Tk 8,000.00.
pub const DEFAULTS: [Promotion; 2] = [
    Promotion {
        provider: Provider::Bkash,
        kind: PromotionKind::CommissionFree { up_to: tk(300_000) },
    },
    Promotion {
        provider: Provider::Nagad,
        kind: PromotionKind::Cashback {
            basis_points: 50,
            from: tk(800_000),
        },
    },
];

/// [`DEFAULTS`] as a list: `#[serde(default = "bdpay_shared::promotions::defaults")]`.
#[must_use]
pub fn defaults() -> Vec<Promotion> {
    DEFAULTS.to_vec()
}

/// The offer `provider` makes to a payment of `amount`: the first of `promotions` that applies.
#[must_use]
pub fn offer(promotions: &[Promotion], provider: Provider, amount: Money) -> Option<Offer> {
    promotions
        .iter()
        .filter(|p| p.provider == provider)
        .find_map(|p| p.kind.offer(amount))
}

/// Both wallets' offers for `amount`.
#[must_use]
pub fn offers(promotions: &[Promotion], amount: Money) -> Offers {
    Offers {
        bkash: offer(promotions, Provider::Bkash, amount),
        nagad: offer(promotions, Provider::Nagad, amount),
    }
}

impl Offers {
    /// The one wallet with an offer, for routing (`routing::Inputs::promoted`): `None` when
    /// neither or both have one (then the offer decides nothing).
    #[must_use]
    pub const fn only_one(&self) -> Option<Provider> {
        match (self.bkash, self.nagad) {
            (Some(_), None) => Some(Provider::Bkash),
            (None, Some(_)) => Some(Provider::Nagad),
            _ => None,
        }
    }

    #[must_use]
    pub const fn of(&self, p: Provider) -> Option<Offer> {
        match p {
            Provider::Bkash => self.bkash,
            Provider::Nagad => self.nagad,
        }
    }
}

impl PromotionKind {
    /// This promotion's offer to a payment of `amount`, if it applies.
    #[must_use]
    pub fn offer(self, amount: Money) -> Option<Offer> {
        match self {
            PromotionKind::CommissionFree { up_to } => (amount <= up_to).then_some(Offer {
                kind: OfferKind::CommissionFree,
                amount,
            }),
            PromotionKind::Cashback { basis_points, from } if amount >= from => {
                let back = cashback(amount, basis_points)?;
                Some(Offer {
                    kind: OfferKind::Cashback,
                    amount: back,
                })
            }
            PromotionKind::Cashback { .. } => None,
        }
    }
}

/// `amount × basis_points / 10,000`, rounded half-up to the poisha; `None` when it is nothing
/// or the rate is outside 1 to 10,000 basis points.
#[must_use]
pub fn cashback(amount: Money, basis_points: u16) -> Option<Money> {
    if !(1..=10_000).contains(&basis_points) {
        return None;
    }
    // At most 99,999,999,999 × 10,000: far inside i64.
    let scaled = amount.poisha().checked_mul(i64::from(basis_points))?;
    let poisha = scaled.checked_add(5_000)? / 10_000;
    Money::from_poisha(poisha).ok().filter(|m| !m.is_zero())
}

#[cfg(test)]
mod tests;
