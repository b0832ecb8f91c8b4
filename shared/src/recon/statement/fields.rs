//! One statement field at a time: amounts, times, dates, masked wallets, ids.
//!
//! Each parser returns the English message for a bad value, naming the column and the value.

use crate::money::{self, MoneyError};
use crate::wire::time::DhakaTime;

/// A value as a message quotes it: at most 40 characters.
pub(super) fn shown(value: &str) -> String {
    match value.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", value.get(..cut).unwrap_or("")),
        None => value.to_owned(),
    }
}

/// A signed amount in poisha: the money grammar (`1250`, `1250.5`, `1250.50`) with an
/// optional leading `-`. Never a float.
pub(super) fn signed_poisha(column: &str, value: &str) -> Result<i64, String> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let bad = |e: MoneyError| format!("{column} \"{}\" is not an amount such as 1250.00 ({e})", shown(value));
    let poisha = money::parse_poisha(digits).map_err(bad)?;
    Ok(if negative { -poisha } else { poisha })
}

/// A Dhaka wall-clock time, in any provider format (`DhakaTime::parse`), as unix ms.
pub(super) fn time_ms(column: &str, value: &str, example: &str) -> Result<i64, String> {
    DhakaTime::parse(value)
        .map(DhakaTime::to_unix_millis)
        .ok_or_else(|| format!("{column} \"{}\" is not a Dhaka time such as {example}", shown(value)))
}

/// `YYYY-MM-DD`, a real date; blank is allowed (not settled yet).
pub(super) fn date(column: &str, value: &str) -> Result<(), String> {
    let b = value.as_bytes();
    let shaped = b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-');
    if value.is_empty() || (shaped && DhakaTime::parse(&format!("{value} 00:00:00")).is_some()) {
        Ok(())
    } else {
        Err(format!(
            "{column} \"{}\" is not a date such as 2024-11-26",
            shown(value)
        ))
    }
}

/// `01XX4567` → `4567`; blank → none.
pub(super) fn wallet_last4(column: &str, value: &str) -> Result<Option<String>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    match value.strip_prefix("01XX") {
        Some(last4) if last4.len() == 4 && last4.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(last4.to_owned())),
        _ => Err(format!(
            "{column} \"{}\" is not a masked wallet such as 01XX4567",
            shown(value)
        )),
    }
}

/// Signed poisha as the files write them: `-250.00`.
pub(super) fn taka(poisha: i64) -> String {
    let sign = if poisha < 0 { "-" } else { "" };
    let p = poisha.unsigned_abs();
    format!("{sign}{}.{:02}", p / 100, p % 100)
}

/// An id field: blank → none.
pub(super) fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_and_signed() {
        assert_eq!(signed_poisha("amount", "1250.50"), Ok(125_050));
        assert_eq!(signed_poisha("amount", "-250.00"), Ok(-25_000));
        assert_eq!(signed_poisha("amount", "0.1"), Ok(10));
        for bad in ["", "-", "1,250.00", "12.345", "1e3", "--1", "+1", "৳10"] {
            let e = signed_poisha("fee", bad).unwrap_err();
            assert!(e.starts_with(&format!("fee \"{bad}\" is not an amount")), "{e}");
        }
    }

    #[test]
    fn wallets_are_masked_numbers() {
        assert_eq!(wallet_last4("wallet", "01XX4567"), Ok(Some("4567".into())));
        assert_eq!(wallet_last4("wallet", ""), Ok(None));
        for bad in ["01712345678", "01XX456", "01xx4567", "01XX45a7", "01XX45678"] {
            assert!(wallet_last4("wallet", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_and_long_values() {
        assert_eq!(date("settlement_date", "2024-11-26"), Ok(()));
        assert_eq!(date("settlement_date", ""), Ok(()));
        assert!(date("settlement_date", "2024-02-30").is_err());
        assert!(date("settlement_date", "20241126").is_err());
        assert_eq!(shown(&"x".repeat(50)).chars().count(), 41);
        assert_eq!(shown("ব".repeat(3).as_str()), "ববব");
    }
}
