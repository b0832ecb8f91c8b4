//! Property tests for `Money` and the amount text for people: the input space is the point.

use bdpay_shared::locale::{self, Lang};
use bdpay_shared::money::{self, parse_poisha, Money, MoneyError, MAX_POISHA};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Bangla digits back to ASCII, everything else unchanged.
fn to_ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match locale::digit_value(c) {
            Some(d) => char::from(b'0' + d),
            None => c,
        })
        .collect()
}

proptest! {
    #[test]
    fn display_parses_back_to_the_same_money(p in 1i64..=MAX_POISHA) {
        let m = Money::from_poisha(p).unwrap();
        prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
        prop_assert_eq!(m.poisha(), p);
    }

    #[test]
    fn serde_round_trips_every_amount(p in 1i64..=MAX_POISHA) {
        let m = Money::from_poisha(p).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }

    #[test]
    fn wire_form_always_has_two_decimals_and_no_grouping(p in 0i64..=MAX_POISHA) {
        let text = Money::from_poisha(p).unwrap().to_string();
        let (whole, frac) = text.split_once('.').unwrap();
        prop_assert_eq!(frac.len(), 2);
        prop_assert!(!whole.is_empty() && whole.len() <= 9);
        prop_assert!(whole.bytes().all(|b| b.is_ascii_digit()));
        prop_assert!(whole == "0" || !whole.starts_with('0'));
    }

    #[test]
    fn valid_shapes_parse_to_what_an_exact_decimal_says(s in "[0-9]{1,9}(\\.[0-9]{1,2})?") {
        // rust_decimal is a fine oracle for text already inside our grammar.
        let want = s.parse::<Decimal>().unwrap();
        match Money::parse(&s) {
            Ok(m) => prop_assert_eq!(m.as_decimal(), want),
            Err(e) => {
                prop_assert_eq!(e, MoneyError::Zero);
                prop_assert!(want.is_zero());
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC*") {
        let _ = Money::parse(&s);
        let _ = Money::parse_allowing_zero(&s);
        let mut out = String::new();
        let _ = money::push_amount(&mut out, &s, Lang::Bn);
    }

    #[test]
    fn near_miss_text_never_panics_and_errors_never_echo_it(s in "[0-9.,+\\-eE_ ৳০-৯TkBD]{0,24}") {
        if let Err(e) = Money::parse(&s) {
            let msg = e.to_string();
            prop_assert!(s.len() < 4 || !msg.contains(s.as_str()));
        }
    }

    #[test]
    fn accepted_text_has_only_digits_and_one_dot(s in "\\PC{0,16}") {
        if parse_poisha(&s).is_ok() {
            prop_assert!(s.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
            prop_assert!(s.matches('.').count() <= 1);
        }
    }

    #[test]
    fn arithmetic_matches_integer_poisha(a in 0i64..=MAX_POISHA, b in 0i64..=MAX_POISHA) {
        let (ma, mb) = (Money::from_poisha(a).unwrap(), Money::from_poisha(b).unwrap());
        match ma.checked_add(mb) {
            Ok(sum) => prop_assert_eq!(sum.poisha(), a + b),
            Err(e) => prop_assert!(e == MoneyError::OverCeiling && a + b > MAX_POISHA),
        }
        match ma.checked_sub(mb) {
            Ok(diff) => prop_assert_eq!(diff.poisha(), a - b),
            Err(e) => prop_assert!(e == MoneyError::Negative && a < b),
        }
    }

    #[test]
    fn bangla_format_is_the_english_format_in_bangla_digits(p in 0i64..=MAX_POISHA) {
        let m = Money::from_poisha(p).unwrap();
        let (en, bn) = (m.format_en(), m.format_bn());
        prop_assert!(!bn.chars().any(|c| c.is_ascii_digit()));
        prop_assert_eq!(to_ascii_digits(&bn), en.clone());
        // Removing the symbol and the commas gives the wire form back.
        let plain: String = en.trim_start_matches('৳').chars().filter(|c| *c != ',').collect();
        prop_assert_eq!(plain, m.to_string());
    }

    #[test]
    fn grouping_is_three_then_pairs(p in 0i64..=MAX_POISHA) {
        let en = Money::from_poisha(p).unwrap().format_en();
        let whole = en.trim_start_matches('৳').split('.').next().unwrap().to_owned();
        let groups: Vec<&str> = whole.split(',').collect();
        let (last, rest) = groups.split_last().unwrap();
        if rest.is_empty() {
            prop_assert!(last.len() <= 3);
        } else {
            prop_assert_eq!(last.len(), 3);
            let (first, middle) = rest.split_first().unwrap();
            prop_assert!((1..=2).contains(&first.len()));
            prop_assert!(middle.iter().all(|g| g.len() == 2));
        }
    }

    #[test]
    fn string_level_formatting_equals_money_formatting(p in 0i64..=MAX_POISHA) {
        let m = Money::from_poisha(p).unwrap();
        for lang in [Lang::En, Lang::Bn] {
            let mut from_text = String::new();
            money::push_amount(&mut from_text, &m.to_string(), lang).unwrap();
            prop_assert_eq!(from_text, m.format(lang));
        }
    }
}

#[test]
fn the_range_edges_round_trip() {
    for p in [1, 9, 10, 99, 100, 101, 99_999, 100_000, MAX_POISHA - 1, MAX_POISHA] {
        let m = Money::from_poisha(p).unwrap();
        assert_eq!(Money::parse(&m.to_string()), Ok(m), "{p}");
    }
    assert_eq!(Money::parse_allowing_zero(&Money::ZERO.to_string()), Ok(Money::ZERO));
}
