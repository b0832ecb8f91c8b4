//! The one grammar of an amount string, at string level: no `rust_decimal`, no allocation.
//!
//! An amount is ASCII digits with at most one `.` followed by one or two
//! digits: `"1250"`, `"1250.5"`, `"1250.50"`. Everything else is refused, and
//! the refusal says which rule broke, so a merchant reading our 400 knows what
//! to change. rust_decimal's own `FromStr` takes `"+1"`, `"1_000"` and `"1."`:
//! raw input never reaches it.

use super::{MoneyError, MAX_POISHA};

/// Reads an amount string into poisha (1/100 taka). Zero is allowed here;
/// [`Money::parse`](super::Money::parse) refuses it for payment amounts.
pub fn parse_poisha(s: &str) -> Result<i64, MoneyError> {
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(classify_foreign(s));
    }
    let (whole, frac) = match s.split_once('.') {
        None => (s, ""),
        Some((_, f)) if f.contains('.') => return Err(MoneyError::MisplacedDot),
        Some((w, f)) if w.is_empty() || f.is_empty() => return Err(MoneyError::MisplacedDot),
        Some((_, f)) if f.len() > 2 => return Err(MoneyError::TooManyDecimals),
        Some(parts) => parts,
    };
    let taka = digits_value(whole).ok_or(MoneyError::OverCeiling)?;
    let frac_poisha = match frac.len() {
        0 => 0,
        1 => digits_value(frac).map_or(0, |d| d * 10),
        _ => digits_value(frac).unwrap_or(0),
    };
    taka.checked_mul(100)
        .and_then(|p| p.checked_add(frac_poisha))
        .filter(|p| *p <= MAX_POISHA)
        .ok_or(MoneyError::OverCeiling)
}

/// The value of a run of ASCII digits; `None` if it does not fit an `i64`.
fn digits_value(digits: &str) -> Option<i64> {
    digits.bytes().try_fold(0i64, |n, b| {
        n.checked_mul(10)?.checked_add(i64::from(b.wrapping_sub(b'0')))
    })
}

/// Names the first rule a string with characters other than digits and `.` breaks.
/// The order matters: `"৳ 1,250"` is a currency problem before it is a space or a comma.
fn classify_foreign(s: &str) -> MoneyError {
    if has_currency(s) {
        MoneyError::CurrencySymbol
    } else if is_nan_or_infinity(s) {
        MoneyError::NotANumber
    } else if s.chars().any(|c| ('০'..='৯').contains(&c)) {
        MoneyError::BanglaDigits
    } else if s.chars().any(char::is_whitespace) {
        MoneyError::Whitespace
    } else if s.starts_with(['+', '-']) {
        MoneyError::Sign
    } else if s.contains([',', '_', '\'', '٬']) {
        MoneyError::ThousandsSeparator
    } else if is_exponent(s) {
        MoneyError::Exponent
    } else {
        MoneyError::InvalidCharacter
    }
}

fn has_currency(s: &str) -> bool {
    const SYMBOLS: [char; 6] = ['৳', '$', '€', '£', '₹', '¥'];
    const NAMES: [&str; 3] = ["tk", "bdt", "taka"];
    s.contains(SYMBOLS) || {
        let lower = s.to_ascii_lowercase();
        NAMES.iter().any(|name| lower.contains(name)) || s.contains("টাকা")
    }
}

fn is_nan_or_infinity(s: &str) -> bool {
    let body = s.trim().trim_start_matches(['+', '-']);
    ["nan", "inf", "infinity"].iter().any(|w| body.eq_ignore_ascii_case(w))
}

/// `1e3`, `1.5E-2`: digits (and dots), an `e`, an optional sign, digits.
fn is_exponent(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    mantissa.bytes().any(|b| b.is_ascii_digit())
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_whole_one_and_two_decimal_forms() {
        assert_eq!(parse_poisha("1250"), Ok(125_000));
        assert_eq!(parse_poisha("1250.5"), Ok(125_050));
        assert_eq!(parse_poisha("1250.05"), Ok(125_005));
        assert_eq!(parse_poisha("0.01"), Ok(1));
        assert_eq!(parse_poisha("0"), Ok(0));
        assert_eq!(parse_poisha("007.50"), Ok(750));
        assert_eq!(parse_poisha("999999999.99"), Ok(MAX_POISHA));
    }

    #[test]
    fn each_refusal_names_its_own_rule() {
        use MoneyError as E;
        let cases = [
            ("", E::Empty),
            ("1e3", E::Exponent),
            ("1.5E-2", E::Exponent),
            ("NaN", E::NotANumber),
            ("-Infinity", E::NotANumber),
            ("inf", E::NotANumber),
            ("+1", E::Sign),
            ("-1250.00", E::Sign),
            ("-1e3", E::Sign),
            ("1,250", E::ThousandsSeparator),
            ("1_000", E::ThousandsSeparator),
            ("১২৫০", E::BanglaDigits),
            ("১২৫০.০০", E::BanglaDigits),
            ("৳1250", E::CurrencySymbol),
            ("Tk 1250", E::CurrencySymbol),
            ("1250 BDT", E::CurrencySymbol),
            ("1250$", E::CurrencySymbol),
            ("১২৫০ টাকা", E::CurrencySymbol),
            (" 1250", E::Whitespace),
            ("1250\n", E::Whitespace),
            ("1 250", E::Whitespace),
            ("1250.001", E::TooManyDecimals),
            ("1250.", E::MisplacedDot),
            (".5", E::MisplacedDot),
            (".", E::MisplacedDot),
            ("1.2.3", E::MisplacedDot),
            ("1000000000", E::OverCeiling),
            ("999999999999999999999999999", E::OverCeiling),
            ("0x10", E::InvalidCharacter),
            ("12a", E::InvalidCharacter),
            ("e", E::InvalidCharacter),
            ("1e", E::InvalidCharacter),
        ];
        for (input, want) in cases {
            assert_eq!(parse_poisha(input), Err(want), "{input:?}");
        }
    }
}
