//! Our identifiers and the merchant's: each a type with its own grammar and limits.
//!
//! `parse` refuses anything outside the grammar, so `../x` never becomes a
//! Durable Object name, a D1 key or a log field. Random ids take their random
//! bytes as an argument (the edge draws them from `crypto.getRandomValues`) and
//! encode them without modulo bias: the bytes are read as one big number and
//! written in base 36 (or 62), which is one-to-one (see `encode`).

use core::fmt;
use core::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Characters after the prefix of a random id: 24 of `[a-z0-9]`.
pub const ID_BODY_LEN: usize = 24;
/// Random bytes behind a random id: 120 bits. 36^24 ≈ 2^124.1 > 2^120, so every
/// draw has its own id. Ids are names, not credentials: among a billion ids the
/// chance of any two colliding is about 10^18 / 2^121 ≈ 4·10^-19.
pub const ID_RANDOM_BYTES: usize = 15;
const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Why a text is not one of our ids (or a merchant's order id or idempotency key).
/// The messages never repeat the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdError {
    Empty,
    /// Longer than the type allows (order id 64, idempotency key 255).
    TooLong,
    /// Not the type's prefix (`pay_`, `re_`, `evt_`, `rb_`, `…_secret_`).
    WrongPrefix,
    /// The right prefix, but not the fixed length after it.
    WrongLength,
    /// A character outside the type's alphabet.
    BadCharacter,
    /// An order id with a `.` or `..` path segment.
    DotSegment,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdError::Empty => "id is empty",
            IdError::TooLong => "id is too long",
            IdError::WrongPrefix => "id does not have the expected prefix",
            IdError::WrongLength => "id does not have the expected length",
            IdError::BadCharacter => "id contains a character outside its alphabet",
            IdError::DotSegment => "id must not contain a '.' or '..' path segment",
        })
    }
}

impl std::error::Error for IdError {}

/// Writes the big-endian number in `number` into `out` in base `alphabet.len()`,
/// least significant digit first (so an id's first characters are its most
/// uniform ones, and only its last is narrowed). One-to-one while `radix^out.len() ≥ 256^number.len()`
/// (a unit test checks each use), so no value is favoured: no modulo bias.
fn encode(number: &mut [u8], alphabet: &[u8], out: &mut [u8]) {
    let radix = u32::try_from(alphabet.len()).unwrap_or(36).max(2);
    for slot in out.iter_mut() {
        let mut rem = 0u32;
        for byte in number.iter_mut() {
            let acc = (rem << 8) | u32::from(*byte);
            *byte = u8::try_from(acc / radix).unwrap_or(0); // < 256 because rem < radix
            rem = acc % radix;
        }
        *slot = alphabet.get(rem as usize).copied().unwrap_or(b'0');
    }
}

/// Copies `prefix` then `body` into a fixed array (both already validated).
fn join<const N: usize>(prefix: &[u8], body: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (slot, b) in out.iter_mut().zip(prefix.iter().chain(body)) {
        *slot = *b;
    }
    out
}

fn is_base36(b: u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_lowercase()
}

/// Checks `prefix` + exactly `N - prefix.len()` characters of `[a-z0-9]`.
fn parse_prefixed<const N: usize>(s: &str, prefix: &str) -> Result<[u8; N], IdError> {
    let body = match s.strip_prefix(prefix) {
        _ if s.is_empty() => return Err(IdError::Empty),
        None => return Err(IdError::WrongPrefix),
        Some(body) => body,
    };
    if !body.bytes().all(is_base36) {
        return Err(IdError::BadCharacter);
    }
    if s.len() != N {
        return Err(IdError::WrongLength);
    }
    Ok(join(s.as_bytes(), &[]))
}

fn ascii_str(bytes: &[u8]) -> &str {
    // Every id array holds ASCII by construction.
    core::str::from_utf8(bytes).unwrap_or("")
}

/// Serde: deserializes any of our string types through its `parse`.
struct ParseVisitor<T> {
    expecting: &'static str,
    parse: fn(&str) -> Result<T, IdError>,
}

impl<T> Visitor<'_> for ParseVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
}

/// The shared surface of a string id: `as_str`, `Display`, `FromStr`, `Serialize`, `Deserialize`.
macro_rules! string_id {
    ($name:ident, $expecting:literal) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.as_str()).finish()
            }
        }
        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<$name, IdError> {
                $name::parse(s)
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                deserializer.deserialize_str(ParseVisitor {
                    expecting: $expecting,
                    parse: $name::parse,
                })
            }
        }
    };
}

/// A random id: a prefix and 24 characters of `[a-z0-9]` from 120 random bits.
macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $expecting:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name([u8; $prefix.len() + ID_BODY_LEN]);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// Encodes [`ID_RANDOM_BYTES`] random bytes the caller drew from a CSPRNG.
            #[must_use]
            pub fn from_random(mut bytes: [u8; ID_RANDOM_BYTES]) -> $name {
                let mut body = [0u8; ID_BODY_LEN];
                encode(&mut bytes, BASE36, &mut body);
                $name(join($prefix.as_bytes(), &body))
            }

            /// Exactly the prefix and 24 characters of `[a-z0-9]`; nothing else.
            pub fn parse(s: &str) -> Result<$name, IdError> {
                parse_prefixed(s, $prefix).map($name)
            }

            #[must_use]
            pub fn as_str(&self) -> &str {
                ascii_str(&self.0)
            }

            /// The 24 characters after the prefix.
            #[must_use]
            pub fn body(&self) -> &str {
                self.as_str().get($prefix.len()..).unwrap_or("")
            }
        }

        string_id!($name, $expecting);
    };
}

random_id!(
    /// A payment: `pay_` + 24 of `[a-z0-9]`. Names its Durable Object.
    PaymentId, "pay_", "a payment id such as \"pay_0123456789abcdefghijklmn\""
);
random_id!(
    /// A refund: `re_` + 24 of `[a-z0-9]`.
    RefundId, "re_", "a refund id such as \"re_0123456789abcdefghijklmn\""
);
random_id!(
    /// A webhook event: `evt_` + 24 of `[a-z0-9]`.
    EventId, "evt_", "an event id such as \"evt_0123456789abcdefghijklmn\""
);
random_id!(
    /// A refund batch: `rb_` + 24 of `[a-z0-9]`.
    BatchId, "rb_", "a refund batch id such as \"rb_0123456789abcdefghijklmn\""
);
random_id!(
    /// A manual transfer (money the shopper sent by hand, quoting its TrxID): `mt_` + 24 of `[a-z0-9]`.
    ManualTransferId, "mt_", "a manual transfer id such as \"mt_0123456789abcdefghijklmn\""
);
random_id!(
    /// Where a merchant's settled money goes (a bank account, `POST /v1/payees`): `pye_` + 24 of `[a-z0-9]`.
    PayeeId, "pye_", "a payee id such as \"pye_0123456789abcdefghijklmn\""
);
random_id!(
    /// An entry of the blocklist (a phone's keyed hash, `POST /v1/blocklist`): `blk_` + 24 of `[a-z0-9]`.
    BlocklistId, "blk_", "a blocklist entry id such as \"blk_0123456789abcdefghijklmn\""
);

/// The order id we send Nagad for a payment: `BDP` + the first 17 characters of
/// the payment id's body, upper-cased (20 alphanumerics, Nagad's maximum; docs/providers.md B.4).
///
/// Deterministic, so a retry after a timeout finds the same order. The first 17
/// characters are the 17 lowest base-36 digits of a 120-bit random number,
/// uniform to within 2^-32, so two payments share a Nagad order id with
/// probability about 36^-17 ≈ 2^-87.9; among a million payments in one day
/// (Nagad wants uniqueness per merchant per day) the chance of any collision is
/// about n²/(2·36^17) ≈ 2·10^-15. The flip side: a second Nagad initialize for
/// the same payment on the same day is refused (`16_0006_083`).
#[must_use]
pub fn nagad_order_id(payment: &PaymentId) -> String {
    let body = payment.body();
    let head = body.get(..17).unwrap_or(body);
    let mut out = String::with_capacity(20);
    out.push_str("BDP");
    out.extend(head.chars().map(|c| c.to_ascii_uppercase()));
    out
}

pub mod api_key;
mod client_secret;
mod merchant;

pub use client_secret::{ClientSecret, SECRET_BODY_LEN, SECRET_RANDOM_BYTES};
pub use merchant::{IdempotencyKey, OrderId};

#[cfg(test)]
mod tests {
    use super::*;

    const PAY: &str = "pay_0123456789abcdefghijklmn";

    #[test]
    fn encodings_are_one_to_one() {
        // radix^len ≥ 256^bytes, compared as bit counts: 24·log2(36) ≥ 120, 32·log2(62) ≥ 184.
        assert!((ID_BODY_LEN as f64) * 36f64.log2() >= (8 * ID_RANDOM_BYTES) as f64);
        assert!((SECRET_BODY_LEN as f64) * 62f64.log2() >= (8 * SECRET_RANDOM_BYTES) as f64);
    }

    #[test]
    fn from_random_encodes_extremes_and_parses_back() {
        let zero = PaymentId::from_random([0; ID_RANDOM_BYTES]);
        assert_eq!(zero.as_str(), "pay_000000000000000000000000");
        let max = PaymentId::from_random([0xFF; ID_RANDOM_BYTES]);
        // 2^120 - 1 in base 36, least significant digit first.
        assert_eq!(max.body(), "r5nbuipn7k665oqddlyb5q42");
        assert_eq!(PaymentId::parse(max.as_str()), Ok(max));
        let one = RefundId::from_random([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 37]);
        assert_eq!(one.as_str(), "re_110000000000000000000000");
        assert_eq!(EventId::from_random([7; 15]).as_str().len(), 28);
        assert!(BatchId::from_random([7; 15]).as_str().starts_with("rb_"));
        let mt = ManualTransferId::from_random([7; 15]);
        assert_eq!(ManualTransferId::parse(mt.as_str()), Ok(mt));
        let pye = PayeeId::from_random([9; 15]);
        assert_eq!(PayeeId::parse(pye.as_str()), Ok(pye));
        assert!(PayeeId::parse(mt.as_str()).is_err());
        assert!(mt.as_str().starts_with("mt_") && mt.as_str().len() == 27);
    }

    #[test]
    fn different_bytes_give_different_ids() {
        let a = PaymentId::from_random([1; 15]);
        let mut bytes = [1; 15];
        bytes[14] = 2;
        assert_ne!(a, PaymentId::from_random(bytes));
    }

    #[test]
    fn parse_refuses_everything_outside_the_grammar() {
        use IdError as E;
        assert!(PaymentId::parse(PAY).is_ok());
        let cases = [
            ("", E::Empty),
            ("../x", E::WrongPrefix),
            ("re_0123456789abcdefghijklmn", E::WrongPrefix),
            ("PAY_0123456789abcdefghijklmn", E::WrongPrefix),
            ("pay_0123456789abcdefghijklm", E::WrongLength),
            ("pay_0123456789abcdefghijklmno", E::WrongLength),
            ("pay_0123456789ABCDEFGHIJKLMN", E::BadCharacter),
            ("pay_../../../../../../../../x", E::BadCharacter),
            ("pay_0123456789abcdefghijklm\u{e9}", E::BadCharacter),
        ];
        for (s, want) in cases {
            assert_eq!(PaymentId::parse(s), Err(want), "{s:?}");
        }
    }

    #[test]
    fn ids_serialize_as_strings_and_deserialize_through_parse() {
        let id = PaymentId::parse(PAY).unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{PAY}\""));
        assert_eq!(serde_json::from_str::<PaymentId>(&format!("\"{PAY}\"")).unwrap(), id);
        assert!(serde_json::from_str::<PaymentId>("\"pay_x\"").is_err());
        assert_eq!(format!("{id:?}"), format!("PaymentId(\"{PAY}\")"));
    }

    #[test]
    fn nagad_order_id_is_twenty_upper_alphanumerics_from_the_pay_id() {
        let id = PaymentId::parse(PAY).unwrap();
        let order = nagad_order_id(&id);
        assert_eq!(order, "BDP0123456789ABCDEFG");
        assert_eq!(order.len(), 20);
        assert!(order.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
        assert_eq!(nagad_order_id(&id), order);
    }
}
