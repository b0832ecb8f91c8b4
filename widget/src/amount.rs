//! The edge's wire amount (`"1250.00"`) → poisha, strictly, for `locale::push_poisha`.
//!
//! `shared::money::push_amount` takes the same strings, but on a bad one it names the
//! broken rule (currency symbols, Bangla digits, exponents…), and that classification alone
//! is 14.5 KB of wasm (7.7 KB gzip), half the widget's budget. The edge only ever sends
//! `Money`'s own output, so the widget accepts exactly that and shows nothing otherwise.

/// `"1250"`, `"1250.5"`, `"1250.50"` → poisha; anything else (signs, separators, more than
/// nine whole digits or two decimals) → `None`.
#[must_use]
pub fn wire_poisha(s: &str) -> Option<u64> {
    // Byte by byte, one pass: `split_once` would bring a string searcher along.
    let (mut poisha, mut whole, mut frac, mut dot) = (0u64, 0usize, 0usize, false);
    for b in s.bytes() {
        match b {
            b'.' if !dot => dot = true,
            b'0'..=b'9' => {
                // Wrapping: a string too long to fit is refused below anyway.
                poisha = poisha.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                if dot {
                    frac += 1;
                } else {
                    whole += 1;
                }
            }
            _ => return None,
        }
    }
    let scale = match (dot, frac) {
        (false, 0) => 100,
        (true, 1) => 10,
        (true, 2) => 1,
        _ => return None,
    };
    (1..=9).contains(&whole).then_some(poisha * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_money_strings_and_nothing_else() {
        assert_eq!(wire_poisha("1250.00"), Some(125_000));
        assert_eq!(wire_poisha("1250.5"), Some(125_050));
        assert_eq!(wire_poisha("0"), Some(0));
        assert_eq!(wire_poisha("999999999.99"), Some(99_999_999_999));
        for bad in [
            "",
            ".5",
            "5.",
            "1,250",
            "-5",
            "1e3",
            "৳1250",
            "1250.001",
            "1.2.3",
            "1234567890",
            "99999999999999999999999999999999.99",
            "..",
            "12.",
            "1. 5",
        ] {
            assert_eq!(wire_poisha(bad), None, "{bad:?}");
        }
    }
}
