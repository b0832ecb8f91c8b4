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
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 9 || frac.len() > 2 || !digits(whole) || !digits(frac) {
        return None;
    }
    if s.ends_with('.') {
        return None;
    }
    let value = |p: &str| p.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    let scale = match frac.len() {
        0 => 100,
        1 => 10,
        _ => 1,
    };
    Some(value(whole) * 100 + value(frac) * scale)
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
        ] {
            assert_eq!(wire_poisha(bad), None, "{bad:?}");
        }
    }
}
