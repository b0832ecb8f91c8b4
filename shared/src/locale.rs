//! The languages we speak to shoppers in, Bangla digits, and amounts as text for people.
//!
//! Everything here works on strings and integers, never on `rust_decimal` and
//! never through `format!`: the widget formats the amount string the edge sent
//! (`"1250.00"` → `"৳১,২৫০.০০"`) and the shopper's phone pays for every byte
//! of formatting machinery (the widget's size budget).

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::errors::unknown_name::UnknownName;

/// A language of the widget and of our error messages. Bangla is the default in Bangladesh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Bn,
    En,
}

impl Lang {
    /// `"bn"` or `"en"`: the `data-lang` attribute, the `?locale=` of our pages.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::Bn => "bn",
            Lang::En => "en",
        }
    }

    /// Reads a language tag leniently, for browser and page input: `"bn"`, `"BN"`,
    /// `"bn-BD"`, `"en_US"`… Anything that is not Bangla or English gives `None`,
    /// and the caller picks its default.
    #[must_use]
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("bn") {
            Some(Lang::Bn)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = UnknownName;

    /// Exactly the wire names, as serde reads them; [`Lang::from_tag`] is the lenient one.
    fn from_str(s: &str) -> Result<Lang, UnknownName> {
        match s {
            "bn" => Ok(Lang::Bn),
            "en" => Ok(Lang::En),
            _ => Err(UnknownName("language")),
        }
    }
}

/// Bangla digits ০ to ৯ (U+09E6 to U+09EF), indexed by value.
const BANGLA_DIGITS: [char; 10] = ['০', '১', '২', '৩', '৪', '৫', '৬', '৭', '৮', '৯'];

/// The digit `d` (0 to 9) as that language writes it; `None` above 9.
#[must_use]
pub fn digit_char(d: u8, lang: Lang) -> Option<char> {
    match lang {
        Lang::Bn => BANGLA_DIGITS.get(usize::from(d)).copied(),
        Lang::En => (d < 10).then(|| char::from(b'0' + d)),
    }
}

/// The value of an ASCII digit or a Bangla digit, the two a Bangladeshi keyboard types.
#[must_use]
pub fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => u8::try_from(u32::from(c) - u32::from('0')).ok(),
        '০'..='৯' => u8::try_from(u32::from(c) - u32::from('০')).ok(),
        _ => None,
    }
}

/// Copies `text`, writing its ASCII digits in `lang`'s digits; other characters stay.
/// For counters and times in the widget: `"10 মিনিট"` → `"১০ মিনিট"`.
pub fn push_digits(out: &mut String, text: &str, lang: Lang) {
    for c in text.chars() {
        match (lang, digit_value(c)) {
            (Lang::Bn, Some(d)) if c.is_ascii_digit() => out.push(digit_char(d, lang).unwrap_or(c)),
            _ => out.push(c),
        }
    }
}

/// Appends `poisha` (1/100 taka) for people: `"৳12,34,567.00"` / `"৳১২,৩৪,৫৬৭.০০"`.
///
/// Grouping is Bangladeshi: the last three whole digits, then pairs
/// (`1,00,00,000` is one crore). The decimal point stays `.` in both languages,
/// as Bangla prices are printed.
pub fn push_poisha(out: &mut String, poisha: u64, lang: Lang) {
    out.push('৳');
    let whole = Digits::of(poisha / 100);
    let mut left = whole.len();
    for d in whole {
        push_digit(out, d, lang);
        left = left.saturating_sub(1);
        // A comma before the last three digits, then before every pair: 3, 5, 7… left.
        if left >= 3 && left % 2 == 1 {
            out.push(',');
        }
    }
    out.push('.');
    let frac = poisha % 100;
    push_digit(out, ((frac / 10) % 10) as u8, lang);
    push_digit(out, (frac % 10) as u8, lang);
}

fn push_digit(out: &mut String, d: u8, lang: Lang) {
    out.push(digit_char(d, lang).unwrap_or('?'));
}

/// The decimal digits (values 0 to 9) of a number, most significant first, on the stack.
#[derive(Clone, Debug)]
pub(crate) struct Digits {
    buf: [u8; 20], // u64::MAX has 20 digits
    start: usize,
}

impl Digits {
    pub(crate) fn of(mut n: u64) -> Digits {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        for slot in buf.iter_mut().rev() {
            *slot = (n % 10) as u8;
            start = start.saturating_sub(1);
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Digits { buf, start }
    }
}

impl Iterator for Digits {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let d = self.buf.get(self.start).copied()?;
        self.start = self.start.saturating_add(1);
        Some(d)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.buf.len().saturating_sub(self.start);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Digits {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::push_amount;

    fn amount(s: &str, lang: Lang) -> String {
        let mut out = String::new();
        push_amount(&mut out, s, lang).unwrap();
        out
    }

    #[test]
    fn amounts_use_lakh_and_crore_grouping_in_both_languages() {
        let cases = [
            ("0.5", "৳0.50", "৳০.৫০"),
            ("1", "৳1.00", "৳১.০০"),
            ("999.99", "৳999.99", "৳৯৯৯.৯৯"),
            ("1250", "৳1,250.00", "৳১,২৫০.০০"),
            ("12500.5", "৳12,500.50", "৳১২,৫০০.৫০"),
            ("100000", "৳1,00,000.00", "৳১,০০,০০০.০০"),
            ("1234567", "৳12,34,567.00", "৳১২,৩৪,৫৬৭.০০"),
            ("10000000", "৳1,00,00,000.00", "৳১,০০,০০,০০০.০০"),
            ("999999999.99", "৳99,99,99,999.99", "৳৯৯,৯৯,৯৯,৯৯৯.৯৯"),
        ];
        for (wire, en, bn) in cases {
            assert_eq!(amount(wire, Lang::En), en, "{wire}");
            assert_eq!(amount(wire, Lang::Bn), bn, "{wire}");
        }
    }

    #[test]
    fn zero_formats_for_totals() {
        assert_eq!(amount("0.00", Lang::En), "৳0.00");
        assert_eq!(amount("0", Lang::Bn), "৳০.০০");
    }

    #[test]
    fn an_invalid_amount_appends_nothing() {
        let mut out = String::from("মোট: ");
        for bad in ["", "1,250", "-5", "1e3", "৳1250", "1250.001", "abc"] {
            assert!(push_amount(&mut out, bad, Lang::Bn).is_err(), "{bad:?}");
        }
        assert_eq!(out, "মোট: ");
    }

    #[test]
    fn poisha_beyond_money_still_format_without_panicking() {
        let mut out = String::new();
        push_poisha(&mut out, u64::MAX, Lang::En);
        assert_eq!(out, "৳1,84,46,74,40,73,70,95,516.15");
    }

    #[test]
    fn digits_convert_both_ways() {
        for d in 0..10u8 {
            let bn = digit_char(d, Lang::Bn).unwrap();
            let en = digit_char(d, Lang::En).unwrap();
            assert_eq!(digit_value(bn), Some(d));
            assert_eq!(digit_value(en), Some(d));
        }
        assert_eq!(digit_char(10, Lang::Bn), None);
        assert_eq!(digit_char(10, Lang::En), None);
        assert_eq!(digit_value('a'), None);
        assert_eq!(digit_value('٣'), None); // Arabic-Indic three is not ours
    }

    #[test]
    fn push_digits_rewrites_only_ascii_digits() {
        let mut out = String::new();
        push_digits(&mut out, "10 মিনিট, ৫ sec", Lang::Bn);
        assert_eq!(out, "১০ মিনিট, ৫ sec");
        out.clear();
        push_digits(&mut out, "10 min", Lang::En);
        assert_eq!(out, "10 min");
    }

    #[test]
    fn lang_reads_wire_names_strictly_and_tags_leniently() {
        assert_eq!("bn".parse::<Lang>(), Ok(Lang::Bn));
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("BN".parse::<Lang>(), Err(UnknownName("language")));
        assert_eq!(Lang::from_tag("bn-BD"), Some(Lang::Bn));
        assert_eq!(Lang::from_tag(" EN_us "), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
        assert_eq!(Lang::default(), Lang::Bn);
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
        assert_eq!(serde_json::from_str::<Lang>("\"bn\"").unwrap(), Lang::Bn);
    }
}
