//! Property tests for `Msisdn`: no input panics, and the masked form never shows the number.

use bdpay_shared::locale::{self, Lang};
use bdpay_shared::phone::Msisdn;
use proptest::prelude::*;

/// A valid national number: 01, an operator digit, 8 digits.
fn national() -> impl Strategy<Value = String> {
    ("[3-9]", "[0-9]{8}").prop_map(|(op, rest)| format!("01{op}{rest}"))
}

fn bangla(s: &str) -> String {
    let mut out = String::new();
    locale::push_digits(&mut out, s, Lang::Bn);
    out
}

/// The longest run of ASCII digits in `s`.
fn longest_digit_run(s: &str) -> usize {
    s.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0)
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(s in "\\PC*") {
        let _ = Msisdn::parse(&s);
    }

    #[test]
    fn near_miss_text_never_panics(s in "[+0-9০-৯ \\-]{0,20}") {
        if let Ok(p) = Msisdn::parse(&s) {
            prop_assert_eq!(p.expose_digits().len(), 11);
        }
    }

    #[test]
    fn masked_forms_never_show_five_digits_of_the_number(n in national()) {
        let p = Msisdn::parse(&n).unwrap();
        for shown in [p.to_string(), format!("{p:?}"), p.masked(), format!("{:?}", (1, p))] {
            prop_assert!(longest_digit_run(&shown) <= 4, "{}", shown);
            for window in n.as_bytes().windows(5) {
                let window = std::str::from_utf8(window).unwrap();
                prop_assert!(!shown.contains(window), "{} shows {}", shown, window);
            }
            prop_assert!(shown.contains(&n[7..]));
        }
    }

    #[test]
    fn every_written_form_is_the_same_number(n in national(), sep in "[ \\-]{0,2}") {
        let want = Msisdn::parse(&n).unwrap();
        let rest = &n[1..];
        let spaced = format!("{}{sep}{}{sep}{}", &n[..5], &n[5..8], &n[8..]);
        for form in [
            format!("+880{rest}"),
            format!("880{rest}"),
            format!("+880{sep}{rest}"),
            bangla(&n),
            bangla(&format!("+880{rest}")),
            spaced,
        ] {
            prop_assert_eq!(Msisdn::parse(&form), Ok(want), "{}", form);
        }
        prop_assert_eq!(want.expose_digits(), n.as_str());
    }

    #[test]
    fn numbers_with_an_unknown_operator_are_refused(op in "[012]", rest in "[0-9]{8}") {
        let number = format!("01{op}{rest}");
        prop_assert!(Msisdn::parse(&number).is_err());
    }
}
