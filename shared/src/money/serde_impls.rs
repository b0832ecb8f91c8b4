//! Money on the wire: serialized as the string `"1250.00"`, read from a JSON string only.

use core::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Money, MoneyError};

/// Serialized as the wire string, `"1250.00"`.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Deserialized from a JSON string only, with [`Money::parse`] (zero refused). A
/// JSON number is [`MoneyError::NotAString`]. For totals that may be zero, use
/// `#[serde(with = "bdpay_shared::money::allowing_zero")]`.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        deserializer.deserialize_any(MoneyVisitor { allow_zero: false })
    }
}

struct MoneyVisitor {
    allow_zero: bool,
}

impl MoneyVisitor {
    fn number<E: de::Error>(self) -> Result<Money, E> {
        Err(E::custom(MoneyError::NotAString))
    }
}

impl Visitor<'_> for MoneyVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount as a JSON string such as \"1250.00\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
        let parsed = if self.allow_zero {
            Money::parse_allowing_zero(v)
        } else {
            Money::parse(v)
        };
        parsed.map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Money, E> {
        self.number()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Money, E> {
        self.number()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Money, E> {
        self.number()
    }
}

/// Serde for totals and balances that may be zero (`"amount_refunded": "0.00"`):
/// `#[serde(with = "bdpay_shared::money::allowing_zero")]`.
pub mod allowing_zero {
    use super::{Money, MoneyVisitor};
    use serde::{Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(m: &Money, serializer: S) -> Result<S::Ok, S::Error> {
        m.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        deserializer.deserialize_any(MoneyVisitor { allow_zero: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::allowing_zero;

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn serializes_as_the_wire_string() {
        assert_eq!(serde_json::to_string(&money("1250.5")).unwrap(), "\"1250.50\"");
    }

    #[test]
    fn deserializes_only_from_a_json_string() {
        assert_eq!(serde_json::from_str::<Money>("\"1250.5\"").unwrap(), money("1250.50"));
        for number in ["1250", "1250.5", "-3", "1e3"] {
            let err = serde_json::from_str::<Money>(number).unwrap_err().to_string();
            assert!(err.contains("must be a JSON string"), "{number}: {err}");
        }
        let err = serde_json::from_str::<Money>("\"+1\"").unwrap_err().to_string();
        assert!(err.contains("sign"), "{err}");
        assert!(serde_json::from_str::<Money>("\"0.00\"").is_err());
        assert!(serde_json::from_str::<Money>("null").is_err());
    }

    #[test]
    fn allowing_zero_fields_take_zero() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Totals {
            #[serde(with = "allowing_zero")]
            refunded: Money,
        }
        let t: Totals = serde_json::from_str(r#"{"refunded":"0.00"}"#).unwrap();
        assert_eq!(t, Totals { refunded: Money::ZERO });
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"refunded":"0.00"}"#);
        assert!(serde_json::from_str::<Totals>(r#"{"refunded":0}"#).is_err());
    }
}
