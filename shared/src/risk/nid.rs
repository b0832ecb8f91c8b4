//! Bangladesh's national ID number (NID), for the compliance fields: parsed once, printed masked.
//!
//! Three forms are in use, all digits: the 10-digit number of the smart card; the older
//! 13-digit number; and that 13-digit number prefixed with the holder's four-digit birth
//! year, 17 digits. No check digit is published, so what we check is the shape:
//!
//! - 10, 13 or 17 digits, ASCII or Bangla, spaces and dashes between them ignored;
//! - a 17-digit number starts with a plausible birth year, 1900 to 2099 (`19xx`, `20xx`);
//! - not one digit repeated throughout (`0000000000`): a placeholder, not a number.
//!
//! A number that passes may still not exist: only the Election Commission's service can say.
//! `Nid` prints as `NID ••••1234` (Display and Debug) and has no Serialize; its digits leave
//! through [`Nid::expose_digits`] only.

use core::fmt;

use crate::locale::digit_value;

/// A national ID number of 10, 13 or 17 digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nid {
    digits: [u8; 17],
    len: u8,
}

/// Why a string is not an NID. None of these repeats the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NidError {
    Empty,
    /// Something other than a digit, a space or a dash.
    BadCharacter,
    /// Not 10, 13 or 17 digits.
    WrongLength,
    /// 17 digits not starting with 19 or 20.
    BirthYear,
    /// One digit repeated throughout.
    Placeholder,
}

impl fmt::Display for NidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NidError::Empty => "NID is empty",
            NidError::BadCharacter => "NID may contain only digits",
            NidError::WrongLength => "NID must have 10, 13 or 17 digits",
            NidError::BirthYear => "a 17-digit NID starts with the birth year (19xx or 20xx)",
            NidError::Placeholder => "NID is a placeholder, not a number",
        })
    }
}

impl std::error::Error for NidError {}

/// Reads an NID; see the module's documentation for what is checked.
pub fn parse(s: &str) -> Result<Nid, NidError> {
    let mut digits = [b'0'; 17];
    let mut len = 0usize;
    let mut too_long = false;
    for c in s.chars().filter(|c| !matches!(c, ' ' | '-')) {
        let d = digit_value(c).ok_or(NidError::BadCharacter)?;
        match digits.get_mut(len) {
            Some(slot) => *slot = b'0' + d,
            None => too_long = true,
        }
        len = len.saturating_add(1);
    }
    let nid = Nid {
        digits,
        len: u8::try_from(len).unwrap_or(u8::MAX),
    };
    let d = nid.digit_bytes();
    match len {
        0 => Err(NidError::Empty),
        _ if too_long => Err(NidError::WrongLength),
        10 | 13 | 17 if d.iter().all(|&b| Some(&b) == d.first()) => Err(NidError::Placeholder),
        17 if !matches!(d, [b'1', b'9', ..] | [b'2', b'0', ..]) => Err(NidError::BirthYear),
        10 | 13 | 17 => Ok(nid),
        _ => Err(NidError::WrongLength),
    }
}

impl Nid {
    fn digit_bytes(&self) -> &[u8] {
        self.digits.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The number of digits: 10, 13 or 17.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Never true for a parsed number (kept for clippy's `len_without_is_empty`).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The birth year a 17-digit number starts with.
    #[must_use]
    pub fn birth_year(&self) -> Option<u16> {
        match self.digit_bytes() {
            [a, b, c, d, ..] if self.len == 17 => {
                Some([a, b, c, d].iter().fold(0u16, |y, &&x| y * 10 + u16::from(x - b'0')))
            }
            _ => None,
        }
    }

    /// The digits, ASCII: for the encrypted compliance record only. Grep for it.
    #[must_use]
    pub fn expose_digits(&self) -> &str {
        core::str::from_utf8(self.digit_bytes()).unwrap_or("")
    }

    /// `NID ••••1234`: the only form a log, a screen or a webhook shows.
    #[must_use]
    pub fn masked(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Nid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NID ••••")?;
        let d = self.digit_bytes();
        let last4 = d.get(d.len().saturating_sub(4)..).unwrap_or(&[]);
        f.write_str(core::str::from_utf8(last4).unwrap_or(""))
    }
}

impl fmt::Debug for Nid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_parse_and_others_say_why_not() {
        use NidError as E;
        let rows: [(&str, Result<&str, NidError>); 17] = [
            ("1234567890", Ok("1234567890")),
            ("269 341 234 5678", Ok("2693412345678")),
            ("2693412345678", Ok("2693412345678")),
            ("19852693412345678", Ok("19852693412345678")),
            ("2001-2693412345678", Ok("20012693412345678")),
            ("১২৩৪৫৬৭৮৯০", Ok("1234567890")),
            ("", Err(E::Empty)),
            (" - ", Err(E::Empty)),
            ("12345678901", Err(E::WrongLength)),
            ("123456789", Err(E::WrongLength)),
            ("123456789012345678", Err(E::WrongLength)),
            ("1234567890123456789012345", Err(E::WrongLength)),
            ("18852693412345678", Err(E::BirthYear)),
            ("21002693412345678", Err(E::BirthYear)),
            ("0000000000", Err(E::Placeholder)),
            ("12345 6789O", Err(E::BadCharacter)),
            ("1234567890\n", Err(E::BadCharacter)),
        ];
        for (s, want) in rows {
            let got = parse(s).map(|n| n.expose_digits().to_owned());
            assert_eq!(got.as_deref().map_err(|e| *e), want, "{s:?}");
        }
    }

    #[test]
    fn prints_masked_everywhere() {
        let n = parse("19852693412345678").unwrap();
        assert_eq!(n.to_string(), "NID ••••5678");
        assert_eq!(format!("{n:?}"), "NID ••••5678");
        assert_eq!(format!("{:?}", Some(n)), "Some(NID ••••5678)");
        assert_eq!(n.masked(), "NID ••••5678");
        assert_eq!((n.len(), n.birth_year()), (17, Some(1985)));
        assert_eq!(parse("1234567890").unwrap().birth_year(), None);
        assert!(!parse("1234567890").unwrap().is_empty());
    }

    #[test]
    fn errors_never_repeat_the_number() {
        let err = parse("18852693412345678").unwrap_err().to_string();
        assert!(!err.contains("5678"), "{err}");
    }
}
