//! A provider's transaction id as a shopper types it: whole ([`is_valid`]) or so far
//! ([`could_become_valid`]).
//!
//! - bKash `trxID`: 10 upper-case letters and digits, e.g. `CKP40QZ7TM` (docs/providers.md
//!   A.7; the refund's `refundTrxID` has the same shape).
//! - Nagad: the payment's `issuerPaymentRefNo` / `issuer_payment_ref`, e.g. `000177YT`
//!   (B.6, B.7), and the refund's `cancelTrxId`, e.g. `0001AB7Q` (B.8). providers.md states
//!   no format, only these examples; we take 8 upper-case letters and digits, and assume no
//!   letter or digit at any position (the sandbox writes 4 digits then 4 of either; real
//!   ids may not).
//!
//! Shoppers copy these from an SMS or type them, so the final form is read leniently: the
//! whitespace around it is dropped, ASCII letters are upper-cased and Bangla digits read
//! as ASCII ones (one character for one, so a prefix stays a prefix). Nothing else is
//! changed: `ß` does not become `SS`, and a space inside the id makes it invalid.

use crate::locale::digit_value;
use crate::provider::Provider;

/// How many characters `p`'s transaction ids have.
#[must_use]
pub const fn length(p: Provider) -> usize {
    match p {
        Provider::Bkash => 10,
        Provider::Nagad => 8,
    }
}

/// Whether `s`, trimmed and upper-cased, is a transaction id of `p`.
#[must_use]
pub fn is_valid(p: Provider, s: &str) -> bool {
    fits(p, s.trim(), true)
}

/// Whether what the shopper has typed so far can still become a valid id of `p` by typing
/// more: the widget shows an error only once it cannot.
#[must_use]
pub fn could_become_valid(p: Provider, typed: &str) -> bool {
    let started = typed.trim_start();
    let core = started.trim_end();
    if !core.is_empty() && core.len() < started.len() {
        // Whitespace after the id: only more whitespace may follow, so it must be whole now.
        fits(p, core, true)
    } else {
        fits(p, core, false)
    }
}

/// The id as `p` writes it (`" ckp40qz7tm "` → `"CKP40QZ7TM"`), or `None` when not valid.
#[must_use]
pub fn normalize(p: Provider, s: &str) -> Option<String> {
    let core = s.trim();
    if fits(p, core, true) {
        Some(core.chars().filter_map(canonical).collect())
    } else {
        None
    }
}

/// The character as it stands in an id, if it can.
fn canonical(c: char) -> Option<char> {
    match c {
        'A'..='Z' => Some(c),
        'a'..='z' => Some(c.to_ascii_uppercase()),
        _ => digit_value(c).map(|d| char::from(b'0' + d)),
    }
}

/// Whether `core` (no whitespace around it) is a whole id of `p` or, unless `whole`, the
/// start of one.
fn fits(p: Provider, core: &str, whole: bool) -> bool {
    let mut n = 0usize;
    for c in core.chars() {
        n += 1;
        if canonical(c).is_none() || n > length(p) {
            return false;
        }
    }
    !whole || n == length(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Provider::{Bkash, Nagad};

    #[test]
    fn the_documented_examples_are_valid() {
        for id in ["CKP40QZ7TM", "CKQ51RA8UN"] {
            assert!(is_valid(Bkash, id), "{id}");
            assert!(!is_valid(Nagad, id), "{id}");
        }
        for id in ["000177YT", "0001AB7Q"] {
            assert!(is_valid(Nagad, id), "{id}");
            assert!(!is_valid(Bkash, id), "{id}");
        }
    }

    #[test]
    fn shoppers_spacing_case_and_bangla_digits_are_forgiven() {
        assert!(is_valid(Bkash, "  ckp40qz7tm\n"));
        assert_eq!(normalize(Bkash, " ckP40qz7tm "), Some("CKP40QZ7TM".to_owned()));
        assert_eq!(normalize(Nagad, "০০০১৭৭yt"), Some("000177YT".to_owned()));
        assert_eq!(normalize(Nagad, "000177Y"), None);
    }

    #[test]
    fn wrong_shapes_are_not_valid() {
        for s in [
            "",
            "CKP40QZ7T",
            "CKP40QZ7TMX",
            "CKP40 QZ7TM",
            "CKP40-QZ7TM",
            "CKP40QZ7TΜ", // a Greek capital Mu at the end
            "ßKP40QZ7TM",
            "CKP40QZ7T😀",
            "CKP40QZ7T٣", // an Arabic-Indic digit
        ] {
            assert!(!is_valid(Bkash, s), "{s:?}");
        }
    }

    #[test]
    fn a_prefix_fails_only_once_it_cannot_become_valid() {
        for s in ["", "   ", "c", " CKP4", "CKP40QZ7T", "CKP40QZ7TM", "CKP40QZ7TM  ", "০১"] {
            assert!(could_become_valid(Bkash, s), "{s:?}");
        }
        for s in ["CKP40QZ7TMX", "CKP4 ", "CKP4 0", "CK-", "😀", "ß"] {
            assert!(!could_become_valid(Bkash, s), "{s:?}");
        }
        assert!(could_become_valid(Nagad, "000177YT "));
        assert!(!could_become_valid(Nagad, "000177YT0"));
    }

    fn any_provider() -> impl Strategy<Value = Provider> {
        prop_oneof![Just(Bkash), Just(Nagad)]
    }

    /// A valid id of `p` as a shopper might type it.
    fn typed_id(p: Provider) -> impl Strategy<Value = String> {
        let body = proptest::string::string_regex(&format!("[A-Za-z0-9০-৯]{{{}}}", length(p))).unwrap();
        (r"[ \t\n\u{3000}]{0,2}", body, r"[ \t\n]{0,2}").prop_map(|(a, b, c)| a + &b + &c)
    }

    proptest! {
        #[test]
        fn every_prefix_of_a_valid_id_could_become_valid(
            (p, s) in any_provider().prop_flat_map(|p| (Just(p), typed_id(p)))
        ) {
            prop_assert!(is_valid(p, &s));
            let ends = s.char_indices().map(|(i, _)| i).chain([s.len()]);
            for prefix in ends.map(|i| s.get(..i).unwrap_or_default()) {
                prop_assert!(could_become_valid(p, prefix), "{:?}", prefix);
            }
        }

        #[test]
        fn a_refused_prefix_never_completes(
            p in any_provider(),
            a in "[A-Za-z0-9০ ৯😀ß-]{0,12}",
            b in "[A-Z0-9 ৫😀]{0,12}",
        ) {
            if is_valid(p, &(a.clone() + &b)) {
                prop_assert!(could_become_valid(p, &a));
            }
        }

        #[test]
        fn nothing_panics(p in any_provider(), s in "\\PC*") {
            let _ = is_valid(p, &s);
            let _ = could_become_valid(p, &s);
            prop_assert_eq!(normalize(p, &s).is_some(), is_valid(p, &s));
        }

        #[test]
        fn nothing_panics_on_any_string(p in any_provider(), s in any::<String>()) {
            let _ = could_become_valid(p, &s);
            let _ = normalize(p, &s);
        }
    }
}
