//! Bangladeshi mobile numbers: parsed once, kept whole, printed masked.
//!
//! A shopper's number is personal data. `Msisdn` prints as `01XX4567` in
//! `Display` and `Debug`, has no `Serialize`, and gives its digits only through
//! [`Msisdn::expose_digits`], which is called where a provider request is
//! built: grep for it and review every caller.

use core::fmt;
use core::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use crate::locale::digit_value;

/// A mobile number in its national form `01` + operator digit + 8 digits, as ASCII digits.
///
/// `parse` also takes `+880…` and `880…`, spaces and dashes, and Bangla digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Msisdn([u8; 11]);

/// The mobile operator a number's prefix belongs to (portability aside).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// 017, 013
    Grameenphone,
    /// 019, 014
    Banglalink,
    /// 018
    Robi,
    /// 016 (Airtel, now run by Robi, keeps its prefix)
    Airtel,
    /// 015
    Teletalk,
}

impl Operator {
    /// The operator for the third digit of `01X…`.
    #[must_use]
    pub const fn from_digit(d: u8) -> Option<Operator> {
        match d {
            b'7' | b'3' => Some(Operator::Grameenphone),
            b'9' | b'4' => Some(Operator::Banglalink),
            b'8' => Some(Operator::Robi),
            b'6' => Some(Operator::Airtel),
            b'5' => Some(Operator::Teletalk),
            _ => None,
        }
    }

    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Operator::Grameenphone => "Grameenphone",
            Operator::Banglalink => "Banglalink",
            Operator::Robi => "Robi",
            Operator::Airtel => "Airtel",
            Operator::Teletalk => "Teletalk",
        }
    }
}

/// Why a text is not a Bangladeshi mobile number. The messages never repeat the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhoneError {
    /// No digits at all.
    Empty,
    /// Something other than digits (ASCII or Bangla), spaces, dashes and one leading `+`.
    BadCharacter,
    /// Not 11 digits (`01…`) or 13 (`8801…`).
    WrongLength,
    /// Right length, but not `01…`, `8801…` or `+8801…`.
    BadPrefix,
    /// `01` followed by 0, 1 or 2: no operator has that prefix.
    UnknownOperator,
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PhoneError::Empty => "phone number is empty",
            PhoneError::BadCharacter => "phone number may contain only digits, spaces, dashes and a leading +",
            PhoneError::WrongLength => "phone number must have 11 digits (01XXXXXXXXX)",
            PhoneError::BadPrefix => "phone number must start with 01, 8801 or +8801",
            PhoneError::UnknownOperator => "phone number prefix belongs to no Bangladeshi mobile operator",
        })
    }
}

impl std::error::Error for PhoneError {}

/// The most digits a valid input has (`8801XXXXXXXXX`); one more is already wrong.
const MAX_DIGITS: usize = 13;

impl Msisdn {
    /// Reads `01712345678`, `+880 1712-345678`, `8801712345678`, `০১৭১২৩৪৫৬৭৮`.
    pub fn parse(s: &str) -> Result<Msisdn, PhoneError> {
        let mut digits = [0u8; MAX_DIGITS];
        let mut count = 0usize;
        let mut plus = false;
        for c in s.chars() {
            match (c, digit_value(c)) {
                (' ' | '-', _) => {}
                ('+', _) if count == 0 && !plus => plus = true,
                (_, Some(d)) => {
                    // Keep counting past 13 so the error says "length", not "character".
                    if let Some(slot) = digits.get_mut(count) {
                        *slot = b'0' + d;
                    }
                    count = count.saturating_add(1);
                }
                _ => return Err(PhoneError::BadCharacter),
            }
        }
        match digits.get(..count) {
            Some([]) => Err(PhoneError::Empty),
            Some([b'0', rest @ ..]) if count == 11 && !plus => Msisdn::from_national(rest),
            Some([b'8', b'8', b'0', rest @ ..]) if count == MAX_DIGITS => Msisdn::from_national(rest),
            Some(_) if count == 11 || count == MAX_DIGITS => Err(PhoneError::BadPrefix),
            _ => Err(PhoneError::WrongLength),
        }
    }

    /// Builds from the 10 digits after the national `0`, checking the `1` and the operator.
    fn from_national(rest: &[u8]) -> Result<Msisdn, PhoneError> {
        match rest {
            [b'1', op, ..] if rest.len() == 10 => {
                Operator::from_digit(*op).ok_or(PhoneError::UnknownOperator)?;
                let mut out = [b'0'; 11];
                for (slot, d) in out.iter_mut().skip(1).zip(rest) {
                    *slot = *d;
                }
                Ok(Msisdn(out))
            }
            _ => Err(PhoneError::BadPrefix),
        }
    }

    /// The operator of the number's prefix.
    #[must_use]
    pub fn operator(&self) -> Operator {
        let [_, _, op, ..] = self.0;
        // `parse` admitted only known operator digits.
        Operator::from_digit(op).unwrap_or(Operator::Grameenphone)
    }

    /// The full number, `01712345678`. **Every caller must be reviewed**: this is
    /// personal data, for a provider request (`payerReference`) or a comparison,
    /// never for a log, an error or a response.
    #[must_use]
    pub fn expose_digits(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or("")
    }

    /// `01XX4567`, the form for API responses and support screens.
    #[must_use]
    pub fn masked(&self) -> String {
        let mut out = String::with_capacity(8);
        self.push_masked(&mut out);
        out
    }

    /// Appends `01XX4567` without the formatting machinery (for the widget).
    pub fn push_masked(&self, out: &mut String) {
        let [.., a, b, c, d] = self.0;
        out.push_str("01XX");
        out.extend([a, b, c, d].map(char::from));
    }
}

impl FromStr for Msisdn {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Msisdn, PhoneError> {
        Msisdn::parse(s)
    }
}

/// `01XX4567`: the only form a log line, an error or a support screen shows.
impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [.., a, b, c, d] = self.0;
        let tail = [a, b, c, d];
        f.write_str("01XX")?;
        f.write_str(core::str::from_utf8(&tail).map_err(|_| fmt::Error)?)
    }
}

/// The same masked form as `Display`, so `{:?}` on a struct never leaks the number.
impl fmt::Debug for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// From a string, through [`Msisdn::parse`]. There is deliberately no `Serialize`:
/// a response carries [`Msisdn::masked`], a provider request [`Msisdn::expose_digits`].
impl<'de> Deserialize<'de> for Msisdn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Msisdn, D::Error> {
        struct MsisdnVisitor;
        impl Visitor<'_> for MsisdnVisitor {
            type Value = Msisdn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Bangladeshi mobile number as a string, such as \"01712345678\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Msisdn, E> {
                Msisdn::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(MsisdnVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(s: &str) -> Msisdn {
        Msisdn::parse(s).unwrap()
    }

    #[test]
    fn national_international_spaced_and_bangla_forms_are_the_same_number() {
        let want = phone("01712345678");
        for s in [
            "+8801712345678",
            "8801712345678",
            "+880 1712-345678",
            "017-1234-5678",
            " 01712 345 678 ",
            "০১৭১২৩৪৫৬৭৮",
            "+৮৮০১৭১২৩৪৫৬৭৮",
            "০১৭১২-345678",
        ] {
            assert_eq!(Msisdn::parse(s), Ok(want), "{s:?}");
        }
        assert_eq!(want.expose_digits(), "01712345678");
    }

    #[test]
    fn display_debug_and_masked_show_only_the_last_four() {
        let p = phone("01712345678");
        assert_eq!(p.to_string(), "01XX5678");
        assert_eq!(format!("{p:?}"), "01XX5678");
        assert_eq!(p.masked(), "01XX5678");
        assert_eq!(format!("{:?}", Some(p)), "Some(01XX5678)");
    }

    #[test]
    fn operators_follow_the_prefix() {
        let cases = [
            ("01712345678", Operator::Grameenphone),
            ("01312345678", Operator::Grameenphone),
            ("01912345678", Operator::Banglalink),
            ("01412345678", Operator::Banglalink),
            ("01812345678", Operator::Robi),
            ("01612345678", Operator::Airtel),
            ("01512345678", Operator::Teletalk),
        ];
        for (s, op) in cases {
            assert_eq!(phone(s).operator(), op, "{s}");
        }
    }

    #[test]
    fn each_refusal_names_its_reason() {
        use PhoneError as E;
        let cases = [
            ("", E::Empty),
            ("  - ", E::Empty),
            ("+", E::Empty),
            ("0171234567a", E::BadCharacter),
            ("(017)12345678", E::BadCharacter),
            ("01712345678\n", E::BadCharacter),
            ("0171234567", E::WrongLength),
            ("017123456789", E::WrongLength),
            ("88017123456789", E::WrongLength),
            ("1712345678", E::WrongLength),
            ("+01712345678", E::BadPrefix),
            ("+8811712345678", E::BadPrefix),
            ("8800712345678", E::BadPrefix),
            ("02712345678", E::BadPrefix),
            ("12345678901", E::BadPrefix),
            ("8801212345678", E::UnknownOperator),
            ("01012345678", E::UnknownOperator),
            ("01112345678", E::UnknownOperator),
            ("01212345678", E::UnknownOperator),
            ("+88+01712345678", E::BadCharacter),
            ("0171234+5678", E::BadCharacter),
        ];
        for (s, want) in cases {
            assert_eq!(Msisdn::parse(s), Err(want), "{s:?}");
        }
    }

    #[test]
    fn errors_never_repeat_the_number() {
        let err = Msisdn::parse("0101234567899").unwrap_err();
        assert!(!err.to_string().contains("4567"));
    }

    #[test]
    fn deserializes_from_a_string_only() {
        let p: Msisdn = serde_json::from_str("\"+8801712345678\"").unwrap();
        assert_eq!(p, phone("01712345678"));
        assert!(serde_json::from_str::<Msisdn>("1712345678").is_err());
        let err = serde_json::from_str::<Msisdn>("\"0121\"").unwrap_err().to_string();
        assert!(err.contains("11 digits"), "{err}");
    }
}
