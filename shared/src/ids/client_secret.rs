//! The client secret: the widget's bearer credential for one payment.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer};

use super::{ascii_str, encode, join, IdError, ParseVisitor, PaymentId, ID_BODY_LEN};

/// Random bytes behind a client secret: 184 bits, written as 32 of `[A-Za-z0-9]`
/// (62^32 ≈ 2^190.5 > 2^184). The secret is a bearer credential, so it gets
/// well over the 128 bits that make guessing hopeless.
pub const SECRET_RANDOM_BYTES: usize = 23;
/// Characters of a client secret's random part.
pub const SECRET_BODY_LEN: usize = 32;
const _: () = assert!(
    8 * SECRET_RANDOM_BYTES >= 128,
    "a client secret needs at least 128 random bits"
);

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The widget's proof that it may act on one payment: `<payment id>_secret_` +
/// 32 of `[A-Za-z0-9]` carrying [`SECRET_RANDOM_BYTES`] random bytes (184 bits).
///
/// A bearer credential: no `Display` and no `Serialize` (the edge writes it into
/// the create response with [`ClientSecret::expose`]); `Debug` hides the random
/// part; `==` compares in constant time.
#[derive(Clone)]
pub struct ClientSecret([u8; CLIENT_SECRET_LEN]);

const SECRET_INFIX: &str = "_secret_";
const PAYMENT_ID_LEN: usize = "pay_".len() + ID_BODY_LEN;
const CLIENT_SECRET_LEN: usize = PAYMENT_ID_LEN + SECRET_INFIX.len() + SECRET_BODY_LEN;

impl ClientSecret {
    #[must_use]
    pub fn from_random(payment: &PaymentId, mut bytes: [u8; SECRET_RANDOM_BYTES]) -> ClientSecret {
        let mut body = [0u8; SECRET_BODY_LEN];
        encode(&mut bytes, BASE62, &mut body);
        let head: [u8; PAYMENT_ID_LEN + SECRET_INFIX.len()] =
            join(payment.as_str().as_bytes(), SECRET_INFIX.as_bytes());
        ClientSecret(join(&head, &body))
    }

    /// A valid payment id, `_secret_`, then exactly 32 of `[A-Za-z0-9]`.
    pub fn parse(s: &str) -> Result<ClientSecret, IdError> {
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        let Some((payment, rest)) = s.get(..PAYMENT_ID_LEN).zip(s.get(PAYMENT_ID_LEN..)) else {
            // Shorter than a payment id: say what is wrong with it as one.
            return Err(PaymentId::parse(s).err().unwrap_or(IdError::WrongLength));
        };
        PaymentId::parse(payment)?;
        let body = rest.strip_prefix(SECRET_INFIX).ok_or(IdError::WrongPrefix)?;
        if !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IdError::BadCharacter);
        }
        if body.len() != SECRET_BODY_LEN {
            return Err(IdError::WrongLength);
        }
        Ok(ClientSecret(join(s.as_bytes(), &[])))
    }

    /// The payment this secret belongs to: the edge checks it equals the one in the path.
    #[must_use]
    pub fn payment_id(&self) -> PaymentId {
        PaymentId(join(self.0.get(..PAYMENT_ID_LEN).unwrap_or(&[]), &[]))
    }

    /// The whole secret: only for the response that hands it to the merchant. Review every caller.
    #[must_use]
    pub fn expose(&self) -> &str {
        ascii_str(&self.0)
    }
}

/// Constant time over the 68 bytes, whatever the first difference.
impl PartialEq for ClientSecret {
    fn eq(&self, other: &ClientSecret) -> bool {
        let diff = self.0.iter().zip(other.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        core::hint::black_box(diff) == 0
    }
}

impl Eq for ClientSecret {}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(")?;
        f.write_str(self.payment_id().as_str())?;
        f.write_str("_secret_..)")
    }
}

impl FromStr for ClientSecret {
    type Err = IdError;
    fn from_str(s: &str) -> Result<ClientSecret, IdError> {
        ClientSecret::parse(s)
    }
}

impl<'de> Deserialize<'de> for ClientSecret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ClientSecret, D::Error> {
        let expecting = "a client secret such as \"pay_…_secret_…\"";
        deserializer.deserialize_str(ParseVisitor {
            expecting,
            parse: ClientSecret::parse,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAY: &str = "pay_0123456789abcdefghijklmn";

    #[test]
    fn client_secret_carries_its_payment_and_hides_in_debug() {
        let id = PaymentId::parse(PAY).unwrap();
        let secret = ClientSecret::from_random(&id, [0xA5; SECRET_RANDOM_BYTES]);
        let text = secret.expose();
        assert_eq!(text.len(), 68);
        assert!(text.starts_with("pay_0123456789abcdefghijklmn_secret_"));
        assert_eq!(secret.payment_id(), id);
        assert_eq!(ClientSecret::parse(text).as_ref(), Ok(&secret));
        let debug = format!("{secret:?}");
        assert_eq!(debug, format!("ClientSecret({PAY}_secret_..)"));
        assert_ne!(secret, ClientSecret::from_random(&id, [0xA6; SECRET_RANDOM_BYTES]));
    }

    #[test]
    fn client_secret_parse_refuses_near_misses() {
        use IdError as E;
        let good = format!("{PAY}_secret_{}", "Ab3".repeat(10) + "Zz");
        assert!(ClientSecret::parse(&good).is_ok());
        let cases = [
            (String::new(), E::Empty),
            (PAY.to_owned(), E::WrongPrefix),
            ("pay_".to_owned(), E::WrongLength),
            (format!("{PAY}_token_{}", "a".repeat(32)), E::WrongPrefix),
            (format!("{PAY}_secret_{}", "a".repeat(31)), E::WrongLength),
            (format!("{PAY}_secret_{}", "a".repeat(33)), E::WrongLength),
            (format!("{PAY}_secret_{}-", "a".repeat(31)), E::BadCharacter),
            (
                format!("re_0123456789abcdefghijklmn0_secret_{}", "a".repeat(32)),
                E::WrongPrefix,
            ),
        ];
        for (s, want) in cases {
            assert_eq!(ClientSecret::parse(&s), Err(want), "{s:?}");
        }
    }
}
