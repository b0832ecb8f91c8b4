//! The tax line of a payment: VAT included in the price, and withholding on the rest.
//!
//! Rates are a merchant's setting, in basis points (1,500 = 15 %). Prices in Bangladesh are
//! shown VAT-inclusive, so the VAT is the part of the amount that is tax:
//!
//! ```text
//! vat         = amount × v / (10,000 + v)              rounded half-up to the poisha
//! withholding = (amount − vat) × w / 10,000             rounded half-up to the poisha
//! ```
//!
//! Withholding (AIT/TDS, deducted at source when the merchant's buyer or the platform must)
//! is taken on the value without VAT. Tk 1,150.00 at 15 % VAT and 5 % withholding gives VAT
//! Tk 150.00 and withholding Tk 50.00. A withholding rate above 10,000 counts as 10,000.
//! Integers only (i128 inside), no float, no panic.

use serde::{Deserialize, Serialize};

use crate::money::{allowing_zero, Money};

/// One hundred per cent, in basis points.
const WHOLE_BP: i128 = 10_000;

/// A merchant's rates. Both default to 0: no tax line until the merchant sets them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaxRates {
    pub vat_bp: u16,
    pub withholding_bp: u16,
}

impl TaxRates {
    /// Bangladesh's standard VAT rate, 15 %, for a merchant who asks for "the standard rate".
    pub const STANDARD_VAT_BP: u16 = 1_500;
}

/// The tax in one payment: `{"vat": "150.00", "withholding": "50.00"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    #[serde(with = "allowing_zero")]
    pub vat: Money,
    #[serde(with = "allowing_zero")]
    pub withholding: Money,
}

/// The tax line of a payment of `amount` (VAT-inclusive) under `rates`.
#[must_use]
pub fn tax_line(amount: Money, rates: &TaxRates) -> TaxLine {
    let p = i128::from(amount.poisha());
    let v = i128::from(rates.vat_bp);
    let vat = div_half_up(p * v, WHOLE_BP + v);
    let w = i128::from(rates.withholding_bp).min(WHOLE_BP);
    let withholding = div_half_up((p - vat) * w, WHOLE_BP);
    TaxLine {
        vat: money(vat),
        withholding: money(withholding),
    }
}

/// `n / d` rounded half-up, for `n ≥ 0`, `d > 0`.
fn div_half_up(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

/// Both parts are between 0 and the amount by construction.
fn money(poisha: i128) -> Money {
    i64::try_from(poisha)
        .ok()
        .and_then(|p| Money::from_poisha(p).ok())
        .unwrap_or(Money::ZERO)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn tk(s: &str) -> Money {
        Money::parse_allowing_zero(s).unwrap()
    }

    #[test]
    fn vat_is_inside_the_price_and_withholding_on_the_rest() {
        // (amount, vat bp, withholding bp, vat, withholding)
        let rows = [
            ("1150.00", 1_500, 500, "150.00", "50.00"),
            ("100.00", 1_500, 0, "13.04", "0.00"),   // 13.0434…
            ("1075.00", 750, 0, "75.00", "0.00"),    // 7.5 %
            ("0.01", 10_000, 0, "0.01", "0.00"),     // 0.005: half rounds up
            ("0.03", 10_000, 0, "0.02", "0.00"),     // 0.015
            ("0.02", 10_000, 5_000, "0.01", "0.01"), // 0.01 left, half of it: 0.005 → 0.01
            ("1000.01", 0, 500, "0.00", "50.00"),    // 50.0005
            ("1000.10", 0, 500, "0.00", "50.01"),    // 50.005
            ("1250.00", 0, 0, "0.00", "0.00"),
            ("1250.00", 0, 20_000, "0.00", "1250.00"), // capped at all of it
            ("999999999.99", 1_500, 1_000, "130434782.61", "86956521.74"),
        ];
        for (amount, v, w, vat, wh) in rows {
            let rates = TaxRates {
                vat_bp: v,
                withholding_bp: w,
            };
            let line = tax_line(tk(amount), &rates);
            assert_eq!(
                (line.vat, line.withholding),
                (tk(vat), tk(wh)),
                "{amount} at {v}/{w} bp"
            );
        }
    }

    #[test]
    fn rates_default_to_none_and_read_from_json() {
        assert_eq!(
            TaxRates::default(),
            TaxRates {
                vat_bp: 0,
                withholding_bp: 0
            }
        );
        let r: TaxRates = serde_json::from_str(r#"{"vat_bp": 1500}"#).unwrap();
        assert_eq!(
            r,
            TaxRates {
                vat_bp: TaxRates::STANDARD_VAT_BP,
                withholding_bp: 0
            }
        );
        assert!(serde_json::from_str::<TaxRates>(r#"{"vat": 15}"#).is_err());
        let line = tax_line(tk("100"), &TaxRates::default());
        assert_eq!(
            serde_json::to_string(&line).unwrap(),
            r#"{"vat":"0.00","withholding":"0.00"}"#
        );
        let back: TaxLine = serde_json::from_str(r#"{"vat":"0.00","withholding":"0.00"}"#).unwrap();
        assert_eq!(back, line);
    }

    proptest! {
        #[test]
        fn the_parts_never_exceed_the_amount_and_vat_is_the_nearest_poisha(
            p in 0i64..=99_999_999_999, v in 0u16..=u16::MAX, w in 0u16..=u16::MAX,
        ) {
            let amount = Money::from_poisha(p).unwrap();
            let line = tax_line(amount, &TaxRates { vat_bp: v, withholding_bp: w });
            let (vat, wh) = (i128::from(line.vat.poisha()), i128::from(line.withholding.poisha()));
            prop_assert!(vat + wh <= i128::from(p));
            // |vat − p·v/(10,000 + v)| ≤ ½ poisha
            let (n, d) = (i128::from(p) * i128::from(v), 10_000 + i128::from(v));
            prop_assert!((2 * (vat * d - n)).abs() <= d);
        }
    }
}
