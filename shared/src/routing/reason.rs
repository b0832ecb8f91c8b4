//! What routing answers: the provider with its reason (a code and bn/en words), or why none.

use serde::{Deserialize, Serialize};

use crate::provider::Provider;

/// Why a provider was chosen: a stable code for machines, words for people. The variants
/// follow the rules' order in [`super::route`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// b. The shopper pressed that provider's button.
    ShopperChoice,
    /// c. The other provider cannot take the payment (not set up, down, or outside its limits).
    OtherUnavailable,
    /// d. A large amount, and this wallet completes nearly every payment right now.
    LargeAmountReliable,
    /// e. The shopper is on a feature phone.
    FeaturePhone,
    /// f. The shopper's number is on an operator whose customers mostly use this wallet.
    PhoneOperator,
    /// f′. Only this wallet has a promotion (an offer) for this payment.
    Promotion,
    /// g. This wallet answers quickly right now.
    RespondingFast,
    /// h. Chosen by the providers' recent success rates.
    SuccessRate,
    /// h, when the rates say nothing: the wallet most shoppers use. Attempts stored before
    /// smart routing carry this code too.
    MostUsed,
    /// Not a routing rule: the wallet first chosen failed to start the payment (timeout, 5xx,
    /// down) or was down when the shopper chose it, so the same confirm went to this one.
    Failover,
}

impl Reason {
    /// Every reason, in rule order.
    pub const ALL: [Reason; 10] = [
        Reason::ShopperChoice,
        Reason::OtherUnavailable,
        Reason::LargeAmountReliable,
        Reason::FeaturePhone,
        Reason::PhoneOperator,
        Reason::Promotion,
        Reason::RespondingFast,
        Reason::SuccessRate,
        Reason::MostUsed,
        Reason::Failover,
    ];

    /// The stable code (the serde name).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::ShopperChoice => "shopper_choice",
            Reason::OtherUnavailable => "other_unavailable",
            Reason::LargeAmountReliable => "large_amount_reliable",
            Reason::FeaturePhone => "feature_phone",
            Reason::PhoneOperator => "phone_operator",
            Reason::Promotion => "promotion",
            Reason::RespondingFast => "responding_fast",
            Reason::SuccessRate => "success_rate",
            Reason::MostUsed => "most_used",
            Reason::Failover => "failover",
        }
    }

    /// The code back (the widget reads it from the status answer); anything else is `None`.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// Whether a rule before the phone-operator hint decided: then a phone number cannot
    /// change the choice.
    #[must_use]
    pub const fn outranks_operator(self) -> bool {
        match self {
            Reason::ShopperChoice
            | Reason::OtherUnavailable
            | Reason::LargeAmountReliable
            | Reason::FeaturePhone
            | Reason::Failover => true,
            Reason::PhoneOperator
            | Reason::Promotion
            | Reason::RespondingFast
            | Reason::SuccessRate
            | Reason::MostUsed => false,
        }
    }

    #[must_use]
    pub const fn message_en(self) -> &'static str {
        match self {
            Reason::ShopperChoice => "You chose this wallet",
            Reason::OtherUnavailable => "The other wallet cannot take this payment right now",
            Reason::LargeAmountReliable => "Large payments are going through reliably with this wallet right now",
            Reason::FeaturePhone => "Suited to your phone",
            Reason::PhoneOperator => "Suggested for your mobile number",
            Reason::Promotion => "This wallet has an offer for this payment",
            Reason::RespondingFast => "This wallet is responding quickly right now",
            Reason::SuccessRate => "Payments are going through well with this wallet right now",
            Reason::MostUsed => "Most shoppers pay with this wallet",
            Reason::Failover => "The other wallet is not responding right now, so pay with this one",
        }
    }

    #[must_use]
    pub const fn message_bn(self) -> &'static str {
        match self {
            Reason::ShopperChoice => "আপনি এই ওয়ালেটটি বেছে নিয়েছেন",
            Reason::OtherUnavailable => "অন্য ওয়ালেটটি এই মুহূর্তে এই পেমেন্ট নিতে পারছে না",
            Reason::LargeAmountReliable => "বড় অঙ্কের পেমেন্ট এখন এই ওয়ালেটে নির্ভরযোগ্যভাবে সম্পন্ন হচ্ছে",
            Reason::FeaturePhone => "আপনার ফোনের জন্য উপযোগী",
            Reason::PhoneOperator => "আপনার মোবাইল নম্বরের জন্য প্রস্তাবিত",
            Reason::Promotion => "এই পেমেন্টে এই ওয়ালেটে অফার আছে",
            Reason::RespondingFast => "এই ওয়ালেটটি এখন দ্রুত সাড়া দিচ্ছে",
            Reason::SuccessRate => "এই ওয়ালেটে এখন পেমেন্ট ভালোভাবে সম্পন্ন হচ্ছে",
            Reason::MostUsed => "বেশিরভাগ ক্রেতা এই ওয়ালেটে পেমেন্ট করেন",
            Reason::Failover => "অন্য ওয়ালেটটি এখন সাড়া দিচ্ছে না, তাই এটি দিয়ে পেমেন্ট করুন",
        }
    }
}

/// A provider and the reason for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    pub provider: Provider,
    pub reason: Reason,
}

/// Why one provider cannot take a payment now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unusable {
    /// This mode has no credentials for it.
    NotConfigured,
    /// Its health is `down`.
    Down,
    /// The amount is outside its limits.
    AmountOutOfRange,
}

impl Unusable {
    /// A code for logs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Unusable::NotConfigured => "not_configured",
            Unusable::Down => "down",
            Unusable::AmountOutOfRange => "amount_out_of_range",
        }
    }
}

/// Why no provider can take the payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoProvider {
    /// The amount is outside every provider's limits.
    AmountOutOfRange,
    /// No provider is usable (and the shopper chose none).
    Unavailable,
    /// The shopper chose `provider` and it cannot take the payment: the caller may offer
    /// the other (failover) or refuse.
    Chosen { provider: Provider, why: Unusable },
}
