//! Merchant API keys: issued once, stored only as their SHA-256. `sk_test_` / `sk_live_`
//! read and write; `rk_test_` / `rk_live_` only read (finance views). The random part is
//! 33 of `[A-Za-z0-9]` carrying 192 random bits (62^33 ≈ 2^196.5 > 2^192).

use super::encode;

/// Random bytes behind a key.
pub const KEY_RANDOM_BYTES: usize = 24;
/// Characters of a key's random part.
pub const KEY_BODY_LEN: usize = 33;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// What a key may do and in which mode, from its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyShape {
    pub live: bool,
    pub read_only: bool,
}

impl KeyShape {
    /// `sk_test_`, `sk_live_`, `rk_test_` or `rk_live_`.
    #[must_use]
    pub const fn prefix(self) -> &'static str {
        match (self.read_only, self.live) {
            (false, false) => "sk_test_",
            (false, true) => "sk_live_",
            (true, false) => "rk_test_",
            (true, true) => "rk_live_",
        }
    }

    /// The shape of a key offered in a request; `None` when it is not shaped like one of ours
    /// (older keys may have shorter bodies: 1 to 120 of `[A-Za-z0-9_]`).
    #[must_use]
    pub fn of(key: &str) -> Option<KeyShape> {
        let shapes = [(false, false), (false, true), (true, false), (true, true)];
        shapes.into_iter().find_map(|(read_only, live)| {
            let shape = KeyShape { live, read_only };
            let rest = key.strip_prefix(shape.prefix())?;
            let ok =
                !rest.is_empty() && rest.len() <= 120 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            ok.then_some(shape)
        })
    }
}

/// A new key of `shape` from [`KEY_RANDOM_BYTES`] random bytes (the caller brings them).
#[must_use]
pub fn issue(shape: KeyShape, mut bytes: [u8; KEY_RANDOM_BYTES]) -> String {
    let mut body = [0u8; KEY_BODY_LEN];
    encode(&mut bytes, BASE62, &mut body);
    let mut key = String::with_capacity(8 + KEY_BODY_LEN);
    key.push_str(shape.prefix());
    key.extend(body.iter().map(|b| char::from(*b)));
    key
}

/// What may be shown of a key after it was issued: its prefix and the first 8 characters of
/// its random part (`sk_live_Ab3xQ9k1…`), enough to tell keys apart, far too little to guess one.
#[must_use]
pub fn display_prefix(key: &str) -> String {
    key.get(..16).unwrap_or(key).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_one_to_one() {
        assert!((KEY_BODY_LEN as f64) * 62f64.log2() >= (8 * KEY_RANDOM_BYTES) as f64);
    }

    #[test]
    fn issued_keys_have_their_shape_and_differ_by_their_bytes() {
        let live = KeyShape {
            live: true,
            read_only: false,
        };
        let a = issue(live, [1; KEY_RANDOM_BYTES]);
        assert!(a.starts_with("sk_live_") && a.len() == 8 + KEY_BODY_LEN, "{a}");
        assert_eq!(KeyShape::of(&a), Some(live));
        let mut bytes = [1; KEY_RANDOM_BYTES];
        bytes[23] = 2;
        assert_ne!(a, issue(live, bytes));
        let read = KeyShape {
            live: false,
            read_only: true,
        };
        assert_eq!(KeyShape::of(&issue(read, [0xFF; KEY_RANDOM_BYTES])), Some(read));
        assert_eq!(display_prefix(&a).len(), 16);
    }

    #[test]
    fn only_our_key_shapes_pass() {
        assert_eq!(
            KeyShape::of("sk_test_demo").map(|s| (s.live, s.read_only)),
            Some((false, false))
        );
        for bad in [
            "",
            "sk_test_",
            "pk_test_x",
            "sk_test_a b",
            "sk_test_é",
            "Bearer sk_test_x",
            "rk_prod_x",
        ] {
            assert_eq!(KeyShape::of(bad), None, "{bad}");
        }
    }
}
