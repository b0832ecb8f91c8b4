//! Bangladeshi bank routing numbers (BEFTN and cheque clearing): nine digits, bank (3), district
//! (2), branch (3) and a check digit. docs/beftn.md says what of this is published and what we
//! inferred (the check-digit weights).

use core::fmt;
use core::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Weights of the nine digits; a routing number's weighted sum is a multiple of 10. Inferred from
/// published routing numbers (docs/beftn.md), not from a published specification.
const WEIGHTS: [u32; 9] = [5, 7, 1, 5, 7, 1, 5, 7, 1];

/// District codes seen in routing numbers run from 01 to 94 (docs/beftn.md).
const DISTRICTS: core::ops::RangeInclusive<u8> = 1..=94;

/// A routing number that has nine digits, a known district range and a matching check digit.
/// Holding one does not mean the branch exists: only the bank's list says that.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoutingNumber([u8; 9]);

/// Why a string is not a [`RoutingNumber`]. Messages go back to merchants in 400s and do not
/// repeat the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoutingError {
    Empty,
    /// Spaces, dashes or dots between the digits.
    Separators,
    /// `০৯০২৬০৪৩৪`: the API takes ASCII digits.
    BanglaDigits,
    /// Letters or other symbols.
    NotDigits,
    /// Not nine digits.
    Length,
    /// Digits 4–5 outside 01–94.
    District,
    /// The ninth digit does not match the first eight: usually a digit mistyped or two swapped.
    CheckDigit,
}

impl RoutingError {
    /// The message for people, as a static string (it ends up in error bodies and file errors).
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            RoutingError::Empty => "routing number is empty",
            RoutingError::Separators => "routing number must be 9 digits without spaces, dashes or dots",
            RoutingError::BanglaDigits => "routing number must use the digits 0-9, not Bangla digits",
            RoutingError::NotDigits => "routing number may contain only the digits 0-9",
            RoutingError::Length => "routing number must be exactly 9 digits",
            RoutingError::District => "routing number's district code (digits 4 and 5) must be 01 to 94",
            RoutingError::CheckDigit => {
                "routing number's last digit does not match the others; copy it again from the cheque book or the bank"
            }
        }
    }
}

impl fmt::Display for RoutingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for RoutingError {}

impl RoutingNumber {
    /// Reads exactly nine ASCII digits and checks the district and the check digit.
    pub fn parse(s: &str) -> Result<RoutingNumber, RoutingError> {
        if s.is_empty() {
            return Err(RoutingError::Empty);
        }
        if let Some(bad) = s.chars().find(|c| !c.is_ascii_digit()) {
            return Err(match bad {
                ' ' | '-' | '.' | '\t' | '\u{a0}' => RoutingError::Separators,
                '০'..='৯' => RoutingError::BanglaDigits,
                _ => RoutingError::NotDigits,
            });
        }
        let digits: [u8; 9] = s.as_bytes().try_into().map_err(|_| RoutingError::Length)?;
        let n = RoutingNumber(digits);
        if !DISTRICTS.contains(&n.district_number()) {
            return Err(RoutingError::District);
        }
        if !weighted_sum(&digits).is_multiple_of(10) {
            return Err(RoutingError::CheckDigit);
        }
        Ok(n)
    }

    /// The check digit that completes eight leading digits, or `None` if they are not 8 digits.
    #[must_use]
    pub fn check_digit_for(first_eight: &str) -> Option<u8> {
        let b = first_eight.as_bytes();
        if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut padded = [b'0'; 9];
        padded[..8].copy_from_slice(b);
        Some(((10 - weighted_sum(&padded) % 10) % 10) as u8)
    }

    /// The nine digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Digits 1–3: the bank.
    #[must_use]
    pub fn bank_code(&self) -> &str {
        self.as_str().get(0..3).unwrap_or_default()
    }

    /// Digits 4–5: the district.
    #[must_use]
    pub fn district_code(&self) -> &str {
        self.as_str().get(3..5).unwrap_or_default()
    }

    /// Digits 6–8: the branch within the bank and district.
    #[must_use]
    pub fn branch_code(&self) -> &str {
        self.as_str().get(5..8).unwrap_or_default()
    }

    /// The number as an integer (for the file trailer's hash).
    #[must_use]
    pub fn value(&self) -> u64 {
        self.0.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0'))
    }

    fn district_number(&self) -> u8 {
        (self.0[3] - b'0') * 10 + (self.0[4] - b'0')
    }
}

fn weighted_sum(digits: &[u8; 9]) -> u32 {
    digits.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum()
}

impl fmt::Display for RoutingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RoutingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RoutingNumber({})", self.as_str())
    }
}

impl FromStr for RoutingNumber {
    type Err = RoutingError;

    fn from_str(s: &str) -> Result<RoutingNumber, RoutingError> {
        RoutingNumber::parse(s)
    }
}

/// On the wire, the nine-digit string.
impl Serialize for RoutingNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RoutingNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RoutingNumber, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = RoutingNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 9-digit routing number as a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RoutingNumber, E> {
                RoutingNumber::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_routing_numbers() {
        // Branch routing numbers as banks publish them (bank, district, branch, check digit),
        // from several banks and districts, Bangladesh Bank's own offices among them.
        for s in [
            "225150135", // 225 Chattogram
            "025060009", // 025 Barishal
            "025910009",
            "047271571",
            "090260434",
            "140581184",
            "200480554",
            "235151937",
            "320671180",
            "105913555",
            "010940055",
            "190220253",
            "245761333",
        ] {
            let n = RoutingNumber::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(n.as_str(), s);
        }
        let n = RoutingNumber::parse("225150135").unwrap();
        assert_eq!(
            (n.bank_code(), n.district_code(), n.branch_code()),
            ("225", "15", "013")
        );
        assert_eq!(n.value(), 225_150_135);
        assert_eq!(format!("{n:?}"), "RoutingNumber(225150135)");
    }

    #[test]
    fn refuses_with_a_reason() {
        use RoutingError::*;
        for (s, want) in [
            ("", Empty),
            ("22515013", Length),
            ("2251501350", Length),
            ("225 150 135", Separators),
            ("225-150-135", Separators),
            ("২২৫১৫০১৩৫", BanglaDigits),
            ("22515O135", NotDigits),
            ("+22515013", NotDigits),
            ("225000135", District),
            ("225950130", District),
            ("225150136", CheckDigit), // last digit changed
            ("225510135", CheckDigit), // two digits swapped
            ("215761333", CheckDigit), // a real branch printed with another bank's prefix
        ] {
            assert_eq!(RoutingNumber::parse(s), Err(want), "{s:?}");
        }
    }

    #[test]
    fn computes_the_check_digit() {
        assert_eq!(RoutingNumber::check_digit_for("22515013"), Some(5));
        assert_eq!(RoutingNumber::check_digit_for("02506000"), Some(9));
        assert_eq!(RoutingNumber::check_digit_for("2251501"), None);
        assert_eq!(RoutingNumber::check_digit_for("2251501x"), None);
        // A single mistyped digit is caught where the weight is 7 or 1; where it is 5 (digits 1, 4
        // and 7) only a change by an odd amount is.
        let good = *b"225150135";
        for i in 0..9 {
            for d in b'0'..=b'9' {
                let mut s = good;
                s[i] = d;
                let text = core::str::from_utf8(&s).unwrap();
                if d != good[i] && RoutingNumber::parse(text).is_ok() {
                    assert!(WEIGHTS[i] == 5 && d.abs_diff(good[i]) % 2 == 0, "{text}");
                }
            }
        }
    }

    #[test]
    fn serde_uses_the_string_and_validates() {
        let n: RoutingNumber = serde_json::from_str("\"225150135\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"225150135\"");
        let err = serde_json::from_str::<RoutingNumber>("\"225150136\"").unwrap_err();
        assert!(err.to_string().contains("last digit"), "{err}");
        assert!(serde_json::from_str::<RoutingNumber>("225150135").is_err());
    }
}
