//! Which wallet to offer first, and why, in words a shopper reads (bn/en).
//!
//! For now: availability first, then the amount against each provider's limit, then the
//! shopper's phone operator as a hint, then the market default. Smart routing (success
//! rates, latency) will add inputs here, not a second place.

use crate::money::Money;
use crate::phone::Operator;
use crate::provider::Provider;
use serde::{Deserialize, Serialize};

/// The most a single payment may be at each provider (docs/providers.md A.14, B.11: Tk 5,00,000).
pub const PROVIDER_MAX_POISHA: i64 = 50_000_000; // Tk 5,00,000.00
/// The least (Tk 1).
pub const PROVIDER_MIN_POISHA: i64 = 100; // Tk 1.00

/// What routing knows about a provider right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Availability {
    pub bkash: bool,
    pub nagad: bool,
}

impl Availability {
    pub const ALL: Availability = Availability {
        bkash: true,
        nagad: true,
    };

    pub fn of(self, p: Provider) -> bool {
        match p {
            Provider::Bkash => self.bkash,
            Provider::Nagad => self.nagad,
        }
    }
}

/// Why a provider was chosen: a stable code for machines, words for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The shopper pressed that provider's button.
    ShopperChoice,
    /// The other provider is down or degraded.
    OtherUnavailable,
    /// The shopper's number is on an operator whose customers mostly use this wallet.
    PhoneOperator,
    /// Nothing else decided: the wallet most shoppers use.
    MostUsed,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ShopperChoice => "shopper_choice",
            Reason::OtherUnavailable => "other_unavailable",
            Reason::PhoneOperator => "phone_operator",
            Reason::MostUsed => "most_used",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            Reason::ShopperChoice => "You chose this wallet",
            Reason::OtherUnavailable => "The other wallet is not responding right now",
            Reason::PhoneOperator => "Suggested for your mobile number",
            Reason::MostUsed => "Most shoppers pay with this wallet",
        }
    }

    pub fn message_bn(self) -> &'static str {
        match self {
            Reason::ShopperChoice => "আপনি এই ওয়ালেটটি বেছে নিয়েছেন",
            Reason::OtherUnavailable => "অন্য ওয়ালেটটি এই মুহূর্তে সাড়া দিচ্ছে না",
            Reason::PhoneOperator => "আপনার মোবাইল নম্বরের জন্য প্রস্তাবিত",
            Reason::MostUsed => "বেশিরভাগ ক্রেতা এই ওয়ালেটে পেমেন্ট করেন",
        }
    }
}

/// A provider and the reason for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    pub provider: Provider,
    pub reason: Reason,
}

/// Why no provider can take the payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoProvider {
    /// Outside every provider's limits.
    AmountOutOfRange,
    /// Every provider is down (or the chosen one is).
    Unavailable,
}

/// Whether `p` can take `amount` at all (limits only).
pub fn accepts(p: Provider, amount: Money) -> bool {
    let _ = p; // both wallets publish the same limits today; kept per provider for when they differ
    (PROVIDER_MIN_POISHA..=PROVIDER_MAX_POISHA).contains(&amount.poisha())
}

/// The operator's usual wallet, if the hint means anything. Teletalk is state-owned like
/// Nagad (Bangladesh Post); every other operator's customers mostly hold bKash.
fn operator_hint(op: Operator) -> Provider {
    match op {
        Operator::Teletalk => Provider::Nagad,
        Operator::Grameenphone | Operator::Banglalink | Operator::Robi | Operator::Airtel => Provider::Bkash,
    }
}

/// The provider to recommend (no shopper choice yet).
pub fn recommend(amount: Money, operator: Option<Operator>, up: Availability) -> Result<Choice, NoProvider> {
    let usable = |p: Provider| up.of(p) && accepts(p, amount);
    let any_accepts = accepts(Provider::Bkash, amount) || accepts(Provider::Nagad, amount);
    if !any_accepts {
        return Err(NoProvider::AmountOutOfRange);
    }
    match (usable(Provider::Bkash), usable(Provider::Nagad)) {
        (false, false) => Err(NoProvider::Unavailable),
        (true, false) => Ok(Choice {
            provider: Provider::Bkash,
            reason: Reason::OtherUnavailable,
        }),
        (false, true) => Ok(Choice {
            provider: Provider::Nagad,
            reason: Reason::OtherUnavailable,
        }),
        (true, true) => Ok(match operator {
            Some(op) => Choice {
                provider: operator_hint(op),
                reason: Reason::PhoneOperator,
            },
            None => Choice {
                provider: Provider::Bkash,
                reason: Reason::MostUsed,
            },
        }),
    }
}

/// The provider to use when the shopper may have chosen one.
pub fn choose(
    chosen: Option<Provider>,
    amount: Money,
    operator: Option<Operator>,
    up: Availability,
) -> Result<Choice, NoProvider> {
    match chosen {
        Some(p) if !accepts(p, amount) => Err(NoProvider::AmountOutOfRange),
        Some(p) if !up.of(p) => Err(NoProvider::Unavailable),
        Some(p) => Ok(Choice {
            provider: p,
            reason: Reason::ShopperChoice,
        }),
        None => recommend(amount, operator, up),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tk(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn most_used_wallet_when_nothing_else_decides() {
        let c = recommend(tk("1250.00"), None, Availability::ALL).unwrap();
        assert_eq!((c.provider, c.reason), (Provider::Bkash, Reason::MostUsed));
    }

    #[test]
    fn an_unavailable_provider_is_never_recommended() {
        let only_nagad = Availability {
            bkash: false,
            nagad: true,
        };
        let c = recommend(tk("1250.00"), Some(Operator::Banglalink), only_nagad).unwrap();
        assert_eq!((c.provider, c.reason), (Provider::Nagad, Reason::OtherUnavailable));
        let none = Availability {
            bkash: false,
            nagad: false,
        };
        assert_eq!(recommend(tk("10"), None, none), Err(NoProvider::Unavailable));
    }

    #[test]
    fn the_operator_hints_when_both_are_up() {
        let c = recommend(tk("10"), Some(Operator::Banglalink), Availability::ALL).unwrap();
        assert_eq!(c.provider, Provider::Bkash);
        let c = recommend(tk("10"), Some(Operator::Teletalk), Availability::ALL).unwrap();
        assert_eq!((c.provider, c.reason), (Provider::Nagad, Reason::PhoneOperator));
    }

    #[test]
    fn amounts_outside_the_limits_have_no_provider() {
        assert_eq!(
            recommend(tk("0.50"), None, Availability::ALL),
            Err(NoProvider::AmountOutOfRange)
        );
        assert_eq!(
            recommend(tk("500000.01"), None, Availability::ALL),
            Err(NoProvider::AmountOutOfRange)
        );
        assert!(recommend(tk("500000.00"), None, Availability::ALL).is_ok());
    }

    #[test]
    fn the_shoppers_choice_wins_unless_it_cannot_work() {
        let c = choose(
            Some(Provider::Nagad),
            tk("10"),
            Some(Operator::Grameenphone),
            Availability::ALL,
        )
        .unwrap();
        assert_eq!((c.provider, c.reason), (Provider::Nagad, Reason::ShopperChoice));
        let no_nagad = Availability {
            bkash: true,
            nagad: false,
        };
        assert_eq!(
            choose(Some(Provider::Nagad), tk("10"), None, no_nagad),
            Err(NoProvider::Unavailable)
        );
    }

    #[test]
    fn every_reason_has_words_in_both_languages() {
        for r in [
            Reason::ShopperChoice,
            Reason::OtherUnavailable,
            Reason::PhoneOperator,
            Reason::MostUsed,
        ] {
            assert!(!r.message_en().is_empty());
            assert!(r.message_bn().chars().any(|c| ('\u{0980}'..='\u{09FF}').contains(&c)));
        }
    }
}
