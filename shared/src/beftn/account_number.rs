//! Bank account numbers for BEFTN credits: 1 to 17 ASCII digits, leading zeros kept. Banks
//! choose their own formats (13 to 17 digits are common); 17 is the width of the file's field.

use core::fmt;
use core::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// The longest account number the file's field holds.
pub const MAX_ACCOUNT_DIGITS: usize = 17;

/// An account number of 1 to [`MAX_ACCOUNT_DIGITS`] digits. Whether the account exists only the
/// bank can say (a wrong one comes back as a BEFTN return).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountNumber(String);

/// Why a string is not an [`AccountNumber`]; the messages do not repeat the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountError {
    Empty,
    /// Spaces, dashes, dots or slashes between the digits.
    Separators,
    BanglaDigits,
    /// Letters or other symbols.
    NotDigits,
    /// More than 17 digits.
    TooLong,
}

impl AccountError {
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            AccountError::Empty => "account number is empty",
            AccountError::Separators => "account number must be digits only, without spaces, dashes, dots or slashes",
            AccountError::BanglaDigits => "account number must use the digits 0-9, not Bangla digits",
            AccountError::NotDigits => "account number may contain only the digits 0-9",
            AccountError::TooLong => "account number must be at most 17 digits",
        }
    }
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for AccountError {}

impl AccountNumber {
    pub fn parse(s: &str) -> Result<AccountNumber, AccountError> {
        if s.is_empty() {
            return Err(AccountError::Empty);
        }
        if let Some(bad) = s.chars().find(|c| !c.is_ascii_digit()) {
            return Err(match bad {
                ' ' | '-' | '.' | '/' | '\t' | '\u{a0}' => AccountError::Separators,
                '০'..='৯' => AccountError::BanglaDigits,
                _ => AccountError::NotDigits,
            });
        }
        if s.len() > MAX_ACCOUNT_DIGITS {
            return Err(AccountError::TooLong);
        }
        Ok(AccountNumber(s.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountNumber({})", self.0)
    }
}

impl FromStr for AccountNumber {
    type Err = AccountError;

    fn from_str(s: &str) -> Result<AccountNumber, AccountError> {
        AccountNumber::parse(s)
    }
}

impl Serialize for AccountNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AccountNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AccountNumber, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = AccountNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an account number of 1 to 17 digits, as a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<AccountNumber, E> {
                AccountNumber::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_digits_up_to_17_and_keeps_leading_zeros() {
        for s in ["1", "0012345678901", "20501234567890123"] {
            assert_eq!(AccountNumber::parse(s).unwrap().as_str(), s);
        }
    }

    #[test]
    fn refuses_with_a_reason() {
        use AccountError::*;
        for (s, want) in [
            ("", Empty),
            ("123 456", Separators),
            ("123-456", Separators),
            ("১২৩৪৫৬", BanglaDigits),
            ("12A456", NotDigits),
            ("+123456", NotDigits),
            ("205012345678901234", TooLong),
        ] {
            assert_eq!(AccountNumber::parse(s), Err(want), "{s:?}");
        }
    }

    #[test]
    fn serde_uses_the_string() {
        let a: AccountNumber = serde_json::from_str("\"0012345\"").unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"0012345\"");
        assert!(serde_json::from_str::<AccountNumber>("12345").is_err());
    }
}
