//! Money from untrusted text: `Money::parse` (and its grammar, serde and `Decimal` doors)
//! never panics, and whatever parses prints back to itself: `parse(display(m)) == m`.
#![no_main]

use bdpay_shared::locale;
use bdpay_shared::money::{parse_poisha, Money, MoneyError, MAX_POISHA};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        text_doors(text);
    }
    json_door(data);
    decimal_door(data);
    arithmetic(data);
});

/// Everything a parsed amount must satisfy.
fn check(m: Money) {
    let shown = m.to_string();
    assert_eq!(
        Money::parse_allowing_zero(&shown),
        Ok(m),
        "{shown:?} does not read back"
    );
    if !m.is_zero() {
        assert_eq!(Money::parse(&shown), Ok(m), "{shown:?} does not read back");
    }
    assert!((4..=12).contains(&shown.len()), "{shown:?}");
    assert_eq!(Money::from_poisha(m.poisha()), Ok(m));
    assert!((0..=MAX_POISHA).contains(&m.poisha()));
    assert_eq!(Money::try_from(m.as_decimal()), Ok(m));
    let json = serde_json::to_string(&m).unwrap_or_default();
    assert_eq!(json, format!("\"{shown}\""));
    // The people's form is the wire form with lakh commas and a taka sign.
    let en = m.format_en();
    assert_eq!(en.trim_start_matches('৳').replace(',', ""), shown, "{en:?}");
    let _ = m.format_bn();
}

fn text_doors(text: &str) {
    let grammar = parse_poisha(text);
    match Money::parse(text) {
        Ok(m) => {
            assert!(!m.is_zero());
            assert_eq!(grammar, Ok(m.poisha()));
            check(m);
        }
        Err(MoneyError::Zero) => assert_eq!(grammar, Ok(0)),
        Err(e) => assert_eq!(grammar, Err(e), "{text:?}"),
    }
    match Money::parse_allowing_zero(text) {
        Ok(m) => {
            assert_eq!(grammar, Ok(m.poisha()));
            check(m);
        }
        Err(e) => assert_eq!(grammar, Err(e), "{text:?}"),
    }
    // The same text as a JSON string field: serde must agree with `Money::parse`.
    if let Ok(quoted) = serde_json::to_string(text) {
        let via_serde = serde_json::from_str::<Money>(&quoted).ok();
        assert_eq!(via_serde, Money::parse(text).ok(), "{text:?}");
    }
    // What the widget shows for a parsed amount reads back as the same amount.
    if let Some(poisha) = grammar.ok().and_then(|p| u64::try_from(p).ok()) {
        let mut out = String::new();
        locale::push_poisha(&mut out, poisha, locale::Lang::En);
        let shown: String = out.chars().filter(|c| *c != '৳' && *c != ',').collect();
        assert_eq!(parse_poisha(&shown).ok(), i64::try_from(poisha).ok(), "{text:?} shown as {out:?}");
    }
}

/// Raw bytes as a JSON body field: a number is refused, a string goes through `parse`.
fn json_door(data: &[u8]) {
    if let Ok(m) = serde_json::from_slice::<Money>(data) {
        let value: serde_json::Value = serde_json::from_slice(data).unwrap_or_default();
        let text = value.as_str().unwrap_or_default();
        assert_eq!(Money::parse(text), Ok(m), "serde took {text:?}");
        check(m);
    }
}

/// Exact conversion from a decimal: never rounds, never panics.
fn decimal_door(data: &[u8]) {
    let Some((head, rest)) = data.split_first_chunk::<16>() else {
        return;
    };
    let mantissa = i128::from_le_bytes(*head) >> 32; // rust_decimal holds 96 bits
    let scale = u32::from(rest.first().copied().unwrap_or(0) % 32);
    if let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, scale) {
        if let Ok(m) = Money::try_from(d) {
            assert_eq!(m.as_decimal(), d, "{d} changed value");
            check(m);
        }
    }
}

/// Sums stay in range and exact.
fn arithmetic(data: &[u8]) {
    let Some((a, rest)) = data.split_first_chunk::<8>() else {
        return;
    };
    let Some((b, _)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let (a, b) = (i64::from_le_bytes(*a), i64::from_le_bytes(*b));
    let (Ok(x), Ok(y)) = (
        Money::from_poisha(a.rem_euclid(MAX_POISHA + 1)),
        Money::from_poisha(b.rem_euclid(MAX_POISHA + 1)),
    ) else {
        return;
    };
    match x.checked_add(y) {
        Ok(s) => assert_eq!(s.poisha(), x.poisha() + y.poisha()),
        Err(e) => assert_eq!(e, MoneyError::OverCeiling),
    }
    match x.checked_sub(y) {
        Ok(d) => assert_eq!(d.poisha(), x.poisha() - y.poisha()),
        Err(e) => assert!(e == MoneyError::Negative && y > x),
    }
}
