//! Money in taka (BDT): exact, always two places, never a float.
//!
//! `Money` holds a `rust_decimal::Decimal` with scale 2 whose mantissa is the
//! amount in poisha (1/100 taka), between 0 and [`Money::MAX`]. The wire form is
//! a JSON string, `"1250.00"`; D1 stores [`Money::poisha`] as an INTEGER so
//! `SUM()` stays exact and far below JavaScript's 2^53. People read
//! [`Money::format_bn`] / [`Money::format_en`] (see `locale.rs`).

mod grammar;
mod serde_impls;

use core::fmt;
use core::str::FromStr;

use rust_decimal::Decimal;

use crate::locale::{self, Digits, Lang};

pub use grammar::parse_poisha;
pub use serde_impls::allowing_zero;

/// The ceiling, in poisha: 999,999,999.99 taka.
///
/// A bound of the type, not a payment limit: it keeps every amount, and the
/// sum of many, far inside `i64` and JavaScript's exact integers, and a wire
/// amount at most 12 characters. The providers' own caps (500,000.00 for a
/// wallet today) are provider rules and live with the providers.
pub const MAX_POISHA: i64 = 99_999_999_999;

/// An amount of taka, 0 to 999,999,999.99, always with two decimals.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Why a string, a number or a sum is not a [`Money`]. None of these messages
/// repeats the input, so they are safe in a log line and in a 400 body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MoneyError {
    /// `""`.
    Empty,
    /// A JSON number (`1250.5`) where the contract wants a string (`"1250.50"`).
    NotAString,
    /// `"1e3"`.
    Exponent,
    /// `"NaN"`, `"Infinity"`.
    NotANumber,
    /// `"+1"`, `"-1250"`.
    Sign,
    /// `"1,250"`, `"1_000"`.
    ThousandsSeparator,
    /// `"১২৫০"`: people may type them, the API takes ASCII digits.
    BanglaDigits,
    /// `"৳1250"`, `"Tk 1250"`, `"1250 BDT"`: the currency is always BDT.
    CurrencySymbol,
    /// `" 1250"`, `"1 250"`.
    Whitespace,
    /// `".5"`, `"1250."`, `"1.2.3"`: a dot needs digits on both sides, once.
    MisplacedDot,
    /// `"1250.001"`.
    TooManyDecimals,
    /// Anything else that is not a digit or a dot: `"12a"`, `"0x10"`.
    InvalidCharacter,
    /// `"0"`, `"0.00"` as a payment or refund amount.
    Zero,
    /// More than 999,999,999.99 (also a sum that would pass it).
    OverCeiling,
    /// Below zero: a negative poisha count, or a subtraction past zero.
    Negative,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyError::Empty => "amount is empty",
            MoneyError::NotAString => "amount must be a JSON string such as \"1250.00\", not a number",
            MoneyError::Exponent => "amount must not use an exponent: write \"1000.00\", not \"1e3\"",
            MoneyError::NotANumber => "amount must be a number of taka, not NaN or Infinity",
            MoneyError::Sign => "amount must not carry a sign (+ or -)",
            MoneyError::ThousandsSeparator => "amount must not contain separators such as ','",
            MoneyError::BanglaDigits => "amount must use the digits 0-9, not Bangla digits",
            MoneyError::CurrencySymbol => "amount must not contain a currency symbol or name; it is always BDT",
            MoneyError::Whitespace => "amount must not contain spaces",
            MoneyError::MisplacedDot => "amount needs digits on both sides of a single '.'",
            MoneyError::TooManyDecimals => "amount has more than 2 decimal places",
            MoneyError::InvalidCharacter => "amount may contain only the digits 0-9 and one '.'",
            MoneyError::Zero => "amount must be greater than zero",
            MoneyError::OverCeiling => "amount is over the ceiling of 999999999.99",
            MoneyError::Negative => "amount would be below zero",
        })
    }
}

impl std::error::Error for MoneyError {}

/// Builds the decimal for a poisha count the caller has checked (0 ..= MAX_POISHA).
const fn decimal_of(poisha: i64) -> Decimal {
    let p = poisha.unsigned_abs();
    Decimal::from_parts(p as u32, (p >> 32) as u32, 0, false, 2)
}

impl Money {
    /// Nothing: the start of a sum, a refunded total before any refund.
    pub const ZERO: Money = Money(decimal_of(0));
    /// 999,999,999.99, the ceiling of the type (see [`MAX_POISHA`]).
    pub const MAX: Money = Money(decimal_of(MAX_POISHA));

    /// Reads a payment or refund amount: `"1250"`, `"1250.5"`, `"1250.50"`,
    /// above zero and at most [`Money::MAX`]. See [`MoneyError`] for what is refused.
    pub fn parse(s: &str) -> Result<Money, MoneyError> {
        match parse_poisha(s)? {
            0 => Err(MoneyError::Zero),
            p => Money::from_poisha(p),
        }
    }

    /// Like [`Money::parse`], but `"0.00"` is accepted: for totals and balances.
    pub fn parse_allowing_zero(s: &str) -> Result<Money, MoneyError> {
        Money::from_poisha(parse_poisha(s)?)
    }

    /// The amount for a count of poisha; zero is fine, below zero or above the ceiling is not.
    pub const fn from_poisha(poisha: i64) -> Result<Money, MoneyError> {
        if poisha < 0 {
            Err(MoneyError::Negative)
        } else if poisha > MAX_POISHA {
            Err(MoneyError::OverCeiling)
        } else {
            Ok(Money(decimal_of(poisha)))
        }
    }

    /// The amount in poisha: what D1 stores and what sums are made of.
    #[must_use]
    pub fn poisha(self) -> i64 {
        // The mantissa at scale 2 is the poisha count, 0 ..= MAX_POISHA by construction.
        i64::try_from(self.0.mantissa()).unwrap_or(0)
    }

    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The sum, or [`MoneyError::OverCeiling`].
    pub fn checked_add(self, rhs: Money) -> Result<Money, MoneyError> {
        self.poisha()
            .checked_add(rhs.poisha())
            .map_or(Err(MoneyError::OverCeiling), Money::from_poisha)
    }

    /// The difference, or [`MoneyError::Negative`] when `rhs` is larger.
    pub fn checked_sub(self, rhs: Money) -> Result<Money, MoneyError> {
        self.poisha()
            .checked_sub(rhs.poisha())
            .map_or(Err(MoneyError::Negative), Money::from_poisha)
    }

    /// The exact decimal (scale 2), for arithmetic that needs it (a percentage fee).
    #[must_use]
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// `"৳1,250.00"`: English digits, lakh grouping.
    #[must_use]
    pub fn format_en(self) -> String {
        self.format(Lang::En)
    }

    /// `"৳১,২৫০.০০"`: Bangla digits, lakh grouping.
    #[must_use]
    pub fn format_bn(self) -> String {
        self.format(Lang::Bn)
    }

    /// The amount for people in `lang`; see [`locale::push_poisha`].
    #[must_use]
    pub fn format(self, lang: Lang) -> String {
        let mut out = String::with_capacity(40);
        push_money(&mut out, self, lang);
        out
    }
}

/// Exact conversion: refuses negatives, more than two decimals and the ceiling; never rounds.
impl TryFrom<Decimal> for Money {
    type Error = MoneyError;

    fn try_from(d: Decimal) -> Result<Money, MoneyError> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(MoneyError::Negative);
        }
        let mut d = d.normalize();
        if d.scale() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        d.rescale(2);
        i64::try_from(d.mantissa()).map_or(Err(MoneyError::OverCeiling), Money::from_poisha)
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Decimal {
        m.0
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// [`Money::parse`]: a payment amount, above zero.
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        Money::parse(s)
    }
}

/// The wire form: `"1250.00"`, always two decimals, no grouping, no symbol.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let poisha = self.poisha().unsigned_abs();
        let whole = Digits::of(poisha / 100);
        let n = whole.len();
        let mut buf = [b'0'; 24];
        for (slot, d) in buf.iter_mut().zip(whole) {
            *slot = b'0' + d;
        }
        let frac = poisha % 100;
        if let Some([dot, tens, ones]) = buf.get_mut(n..n + 3) {
            *dot = b'.';
            *tens = b'0' + (frac / 10) as u8;
            *ones = b'0' + (frac % 10) as u8;
        }
        let text = buf
            .get(..n + 3)
            .and_then(|b| core::str::from_utf8(b).ok())
            .ok_or(fmt::Error)?;
        f.pad(text)
    }
}

/// Shows the wire form: `Money(1250.00)`.
impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Money(")?;
        fmt::Display::fmt(self, f)?;
        f.write_str(")")
    }
}

/// Appends a wire amount (`"1250.00"`, `"1250.5"`, `"1250"`, the grammar of
/// [`Money`]) for people: `"৳1,250.00"` or `"৳১,২৫০.০০"`, in Bangladeshi
/// (lakh, crore) grouping. On an invalid amount nothing is appended and the
/// reason is returned, so the caller can show its own fallback. Zero is allowed
/// (`"৳0.00"`): a balance or a refunded total can be zero.
pub fn push_amount(out: &mut String, amount: &str, lang: Lang) -> Result<(), MoneyError> {
    let poisha = parse_poisha(amount)?;
    locale::push_poisha(out, poisha.unsigned_abs(), lang);
    Ok(())
}

/// Appends a [`Money`] for people, as [`push_amount`] does for a string.
pub fn push_money(out: &mut String, money: Money, lang: Lang) {
    locale::push_poisha(out, money.poisha().unsigned_abs(), lang);
}

/// A signed count of poisha as the contract writes money, `"1250.00"` or `"-250.00"`: for
/// differences and net totals, which (unlike a [`Money`]) may be below zero.
#[must_use]
pub fn signed_text(poisha: i64) -> String {
    let sign = if poisha < 0 { "-" } else { "" };
    let abs = poisha.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_text_writes_differences() {
        assert_eq!(signed_text(-25_000), "-250.00");
        assert_eq!(signed_text(125_005), "1250.05");
        assert_eq!(signed_text(0), "0.00");
        assert_eq!(signed_text(i64::MIN), "-92233720368547758.08");
    }

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn display_is_the_wire_form_with_two_decimals() {
        assert_eq!(money("1250").to_string(), "1250.00");
        assert_eq!(money("1250.5").to_string(), "1250.50");
        assert_eq!(money("0.01").to_string(), "0.01");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::MAX.to_string(), "999999999.99");
        assert_eq!(format!("{:?}", money("15")), "Money(15.00)");
        assert_eq!(format!("[{:>8}]", money("15")), "[   15.00]");
    }

    #[test]
    fn payment_amounts_refuse_zero_but_totals_allow_it() {
        assert_eq!(Money::parse("0"), Err(MoneyError::Zero));
        assert_eq!(Money::parse("0.00"), Err(MoneyError::Zero));
        assert_eq!(Money::parse_allowing_zero("0.00"), Ok(Money::ZERO));
        assert_eq!("0.0".parse::<Money>(), Err(MoneyError::Zero));
    }

    #[test]
    fn poisha_round_trip_and_bounds() {
        assert_eq!(money("1250.50").poisha(), 125_050);
        assert_eq!(Money::from_poisha(125_050), Ok(money("1250.50")));
        assert_eq!(Money::from_poisha(0), Ok(Money::ZERO));
        assert_eq!(Money::from_poisha(MAX_POISHA), Ok(Money::MAX));
        assert_eq!(Money::from_poisha(MAX_POISHA + 1), Err(MoneyError::OverCeiling));
        assert_eq!(Money::from_poisha(-1), Err(MoneyError::Negative));
        assert_eq!(Money::from_poisha(i64::MIN), Err(MoneyError::Negative));
        assert_eq!(Money::parse("1000000000.00"), Err(MoneyError::OverCeiling));
    }

    #[test]
    fn checked_arithmetic_refuses_leaving_the_range() {
        assert_eq!(money("1000").checked_add(money("250.50")), Ok(money("1250.50")));
        assert_eq!(money("1250.50").checked_sub(money("250.50")), Ok(money("1000")));
        assert_eq!(money("10").checked_sub(money("10")), Ok(Money::ZERO));
        assert_eq!(money("10").checked_sub(money("10.01")), Err(MoneyError::Negative));
        assert_eq!(Money::MAX.checked_add(money("0.01")), Err(MoneyError::OverCeiling));
    }

    #[test]
    fn decimal_conversion_is_exact_and_never_rounds() {
        let d = Decimal::new(125_050, 2);
        assert_eq!(Money::try_from(d), Ok(money("1250.50")));
        assert_eq!(Money::try_from(Decimal::new(12_505, 1)), Ok(money("1250.50")));
        assert_eq!(Money::try_from(Decimal::new(1_250_500, 4)), Ok(money("125.05")));
        assert_eq!(
            Money::try_from(Decimal::new(1_250_001, 3)),
            Err(MoneyError::TooManyDecimals)
        );
        assert_eq!(Money::try_from(Decimal::new(-1, 0)), Err(MoneyError::Negative));
        assert_eq!(Money::try_from(Decimal::MAX), Err(MoneyError::OverCeiling));
        let back: Decimal = money("1250.5").into();
        assert_eq!(back.to_string(), "1250.50");
        assert_eq!(money("1250.5").as_decimal().scale(), 2);
    }

    #[test]
    fn formats_for_people_in_both_languages() {
        assert_eq!(money("1250").format_en(), "৳1,250.00");
        assert_eq!(money("1250").format_bn(), "৳১,২৫০.০০");
        assert_eq!(money("1234567").format_en(), "৳12,34,567.00");
        assert_eq!(money("1234567").format_bn(), "৳১২,৩৪,৫৬৭.০০");
    }
}
