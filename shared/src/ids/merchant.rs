//! The merchant's own identifiers: its order ids and its idempotency keys.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{IdError, ParseVisitor};

/// The merchant's `Idempotency-Key`: 1 to 255 printable ASCII characters
/// (space to `~`), not starting or ending with a space (HTTP trims those, and two
/// keys must not differ only by what a proxy removes). A UUID fits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LEN: usize = 255;

    pub fn parse(s: &str) -> Result<IdempotencyKey, IdError> {
        match s.len() {
            0 => Err(IdError::Empty),
            n if n > Self::MAX_LEN => Err(IdError::TooLong),
            _ if !s.bytes().all(|b| (b' '..=b'~').contains(&b)) => Err(IdError::BadCharacter),
            _ if s.starts_with(' ') || s.ends_with(' ') => Err(IdError::BadCharacter),
            _ => Ok(IdempotencyKey(s.to_owned())),
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_id!(
    IdempotencyKey,
    "an idempotency key of 1 to 255 printable ASCII characters"
);

/// The merchant's own order id: 1 to 64 of `[A-Za-z0-9_-.:/]`, so `2024/11/A-42`
/// and `shop:7.1` fit. It is stored and echoed, never used as a path or an object
/// name; still, `.` and `..` path segments are refused so it cannot pass for one.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OrderId(String);

impl OrderId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<OrderId, IdError> {
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"_-.:/".contains(&b);
        match s.len() {
            0 => Err(IdError::Empty),
            n if n > Self::MAX_LEN => Err(IdError::TooLong),
            _ if !s.bytes().all(allowed) => Err(IdError::BadCharacter),
            _ if s.split('/').any(|seg| seg == "." || seg == "..") => Err(IdError::DotSegment),
            _ => Ok(OrderId(s.to_owned())),
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_id!(OrderId, "an order id of 1 to 64 characters of [A-Za-z0-9_-.:/]");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_key_takes_printable_ascii_up_to_255() {
        assert!(IdempotencyKey::parse("6f1c2a1e-6b7a-4f0e-9a51-2d7e8c4b9f13").is_ok());
        assert!(IdempotencyKey::parse("order 42 / attempt 1").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
        assert_eq!(IdempotencyKey::parse(""), Err(IdError::Empty));
        assert_eq!(IdempotencyKey::parse(&"k".repeat(256)), Err(IdError::TooLong));
        assert_eq!(IdempotencyKey::parse("key\n"), Err(IdError::BadCharacter));
        assert_eq!(IdempotencyKey::parse(" key"), Err(IdError::BadCharacter));
        assert_eq!(IdempotencyKey::parse("ключ"), Err(IdError::BadCharacter));
    }

    #[test]
    fn order_id_takes_the_merchant_alphabet_but_no_dot_segments() {
        for ok in ["A0042", "2024/11/A-42", "shop:7.1", "a_b-c.d:e/f", &"x".repeat(64)] {
            assert_eq!(OrderId::parse(ok).map(|o| o.as_str().to_owned()), Ok(ok.to_owned()));
        }
        use IdError as E;
        let cases: [(&str, E); 7] = [
            ("", E::Empty),
            (&"x".repeat(65), E::TooLong),
            ("A 42", E::BadCharacter),
            ("A#42", E::BadCharacter),
            ("../x", E::DotSegment),
            ("a/./b", E::DotSegment),
            ("..", E::DotSegment),
        ];
        for (s, want) in cases {
            assert_eq!(OrderId::parse(s), Err(want), "{s:?}");
        }
        let o: OrderId = serde_json::from_str("\"A0042\"").unwrap();
        assert_eq!(serde_json::to_string(&o).unwrap(), "\"A0042\"");
    }
}
