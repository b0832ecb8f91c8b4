//! A merchant's risk setting: the rules' thresholds and the score's weights, each with its default.
//!
//! A merchant's JSON names only what it changes; every other field keeps its default:
//!
//! ```json
//! {"phone_payments_per_10_min": 5, "geography_above": "20000.00", "weights": {"abroad": 10}}
//! ```
//!
//! Amounts are strings (as everywhere in our API); `null` switches a threshold's rule off.
//! An unknown field is refused, so a misspelt setting fails loudly instead of doing nothing.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// A compile-time amount in poisha (the constants below are all in range).
const fn tk(poisha: i64) -> Money {
    match Money::from_poisha(poisha) {
        Ok(m) => m,
        Err(_) => Money::ZERO,
    }
}

/// The thresholds and weights of `shared::risk` for one merchant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskConfig {
    /// `bkash_limit`: a bKash payment above this is refused for bKash (Nagad keeps its own limits).
    pub bkash_max: Option<Money>,
    /// `phone_count`: payments one phone may make in 10 minutes (this one included).
    pub phone_payments_per_10_min: Option<u32>,
    /// `phone_amount`: what one phone may pay in a day (Asia/Dhaka), this payment included.
    pub phone_amount_per_day: Option<Money>,
    /// `device_count`: payments one device may make in 10 minutes (this one included).
    pub device_payments_per_10_min: Option<u32>,
    /// `device_amount`: what one device may pay in a day, this payment included.
    pub device_amount_per_day: Option<Money>,
    /// `new_customer` / `new_customer_cap`: a phone with fewer earlier successful payments
    /// than this is a new customer.
    pub new_customer_below: u32,
    /// `new_customer_cap`: the most a new customer may pay at once.
    pub new_customer_max: Option<Money>,
    /// `geography`: a bKash payment above this from outside Dhaka division is stepped up.
    pub geography_above: Option<Money>,
    /// `device_phones`: phone numbers one device may pay with in a day before a step-up.
    pub device_max_phones_per_day: Option<u32>,
    /// A score at or above this steps the payment up (when no rule decided; see `assess`).
    pub step_up_score: u8,
    /// A score at or above this blocks the payment (when no rule decided). Above 100: never.
    pub block_score: u8,
    pub weights: Weights,
}

impl RiskConfig {
    /// bKash's cap per payment here: Tk 50,000.00.
    pub const BKASH_MAX: Money = tk(5_000_000);
    /// Tk 1,00,000.00 a day per phone.
    pub const PHONE_AMOUNT_PER_DAY: Money = tk(10_000_000);
    /// Tk 2,00,000.00 a day per device (a household may share one).
    pub const DEVICE_AMOUNT_PER_DAY: Money = tk(20_000_000);
    /// Tk 2,000.00 for a new customer.
    pub const NEW_CUSTOMER_MAX: Money = tk(200_000);
    /// Tk 10,000.00: routing's "large amount" too.
    pub const GEOGRAPHY_ABOVE: Money = tk(1_000_000);
}

impl Default for RiskConfig {
    fn default() -> RiskConfig {
        RiskConfig {
            bkash_max: Some(RiskConfig::BKASH_MAX),
            phone_payments_per_10_min: Some(10),
            phone_amount_per_day: Some(RiskConfig::PHONE_AMOUNT_PER_DAY),
            device_payments_per_10_min: Some(10),
            device_amount_per_day: Some(RiskConfig::DEVICE_AMOUNT_PER_DAY),
            new_customer_below: 3,
            new_customer_max: Some(RiskConfig::NEW_CUSTOMER_MAX),
            geography_above: Some(RiskConfig::GEOGRAPHY_ABOVE),
            device_max_phones_per_day: Some(3),
            step_up_score: 50,
            block_score: 90,
            weights: Weights::default(),
        }
    }
}

/// Each rule's points in the score (0 to 100 each; the sum is capped at 100). A weight of 0
/// keeps a rule's effect but takes it out of the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub blocklist: u8,
    pub new_customer_cap: u8,
    pub bkash_limit: u8,
    pub phone_count: u8,
    pub phone_amount: u8,
    pub device_count: u8,
    pub device_amount: u8,
    pub geography: u8,
    pub device_phones: u8,
    pub new_customer: u8,
    pub abroad: u8,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            blocklist: 100,
            new_customer_cap: 60,
            // A wallet's cap, not a sign of fraud: it refuses bKash and says nothing of the shopper.
            bkash_limit: 0,
            phone_count: 40,
            phone_amount: 40,
            device_count: 40,
            device_amount: 40,
            geography: 30,
            device_phones: 30,
            new_customer: 20,
            abroad: 30,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_issue_s_numbers() {
        let c = RiskConfig::default();
        assert_eq!(c.bkash_max.map(Money::poisha), Some(5_000_000));
        assert_eq!(c.phone_payments_per_10_min, Some(10));
        assert_eq!(c.new_customer_below, 3);
        assert_eq!(c.new_customer_max.map(|m| m.to_string()), Some("2000.00".into()));
        assert_eq!(c.device_max_phones_per_day, Some(3));
        assert_eq!(RiskConfig::PHONE_AMOUNT_PER_DAY.to_string(), "100000.00");
        assert_eq!(RiskConfig::DEVICE_AMOUNT_PER_DAY.to_string(), "200000.00");
        assert_eq!(RiskConfig::GEOGRAPHY_ABOVE.to_string(), "10000.00");
    }

    #[test]
    fn a_merchant_setting_overrides_single_fields() {
        let json = r#"{"phone_payments_per_10_min": 5, "geography_above": "20000.00",
                       "new_customer_max": null, "weights": {"abroad": 10}}"#;
        let c: RiskConfig = serde_json::from_str(json).unwrap();
        let d = RiskConfig::default();
        assert_eq!(c.phone_payments_per_10_min, Some(5));
        assert_eq!(c.geography_above, Some(Money::parse("20000").unwrap()));
        assert_eq!(c.new_customer_max, None, "null switches the rule off");
        assert_eq!(c.weights.abroad, 10);
        assert_eq!(c.weights.blocklist, d.weights.blocklist);
        assert_eq!(c.bkash_max, d.bkash_max);
        assert_eq!(serde_json::from_str::<RiskConfig>("{}").unwrap(), d);
    }

    #[test]
    fn misspelt_fields_and_number_amounts_are_refused() {
        for json in [
            r#"{"phone_payment_per_10_min": 5}"#,
            r#"{"weights": {"abroadd": 1}}"#,
            r#"{"bkash_max": 50000}"#,
            r#"{"step_up_score": 300}"#,
        ] {
            assert!(serde_json::from_str::<RiskConfig>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn round_trips_through_json() {
        let d = RiskConfig::default();
        let back: RiskConfig = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }
}
