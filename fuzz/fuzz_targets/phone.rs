//! Phone numbers from untrusted text: `Msisdn::parse` never panics, a parsed number reads
//! back from its own digits, and every masked form shows at most six digits.
#![no_main]

use bdpay_shared::phone::Msisdn;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(m) = Msisdn::parse(text) {
            check(m);
        }
        if let Ok(quoted) = serde_json::to_string(text) {
            let via_serde = serde_json::from_str::<Msisdn>(&quoted).ok();
            assert_eq!(via_serde, Msisdn::parse(text).ok(), "{text:?}");
        }
    }
    if let Ok(m) = serde_json::from_slice::<Msisdn>(data) {
        check(m);
    }
});

/// Digits a reader would see: ASCII and Bangla.
fn digits(s: &str) -> usize {
    s.chars()
        .filter(|c| c.is_ascii_digit() || ('০'..='৯').contains(c))
        .count()
}

fn check(m: Msisdn) {
    let full = m.expose_digits();
    assert_eq!(full.len(), 11, "{full:?}");
    assert!(
        full.starts_with("01") && full.bytes().all(|b| b.is_ascii_digit()),
        "{full:?}"
    );
    assert_eq!(Msisdn::parse(full), Ok(m));
    let _ = m.operator();
    let shown = [m.masked(), m.to_string(), format!("{m:?}"), format!("{:?}", Some(m))];
    for s in &shown {
        assert!(digits(s) <= 6, "{s:?} shows more than six digits");
        assert!(s.contains("01XX"), "{s:?}");
        assert!(!s.contains(&full[4..]), "{s:?} shows the middle digits");
    }
    let mut pushed = String::new();
    m.push_masked(&mut pushed);
    assert_eq!(pushed, shown[0]);
    assert!(pushed.ends_with(&full[7..]));
}
