//! One table per rule: what fires it, what does not, and the boundaries.

use super::*;

type Row = (&'static str, B, Option<Effect>);

fn check(rule: Rule, rows: Vec<Row>) {
    check_with(rule, &RiskConfig::default(), rows);
}

fn check_with(rule: Rule, c: &RiskConfig, rows: Vec<Row>) {
    for (label, b, want) in rows {
        let got = rule.check(c, &b.0);
        assert_eq!(got.map(|f| f.effect), want, "{}: {label}", rule.as_str());
        if let Some(f) = got {
            assert_eq!((f.rule, f.signal_weight), (rule, rule.weight(c)), "{label}");
        }
    }
}

const BLOCK: Option<Effect> = Some(Effect::Block);
const STEP_UP: Option<Effect> = Some(Effect::StepUp);
const SCORE: Option<Effect> = Some(Effect::Score);
const TEN_MIN: Option<Effect> = Some(Effect::RateLimited { retry_after_secs: 600 });
/// From noon in Dhaka to midnight.
const TO_MIDNIGHT: Option<Effect> = Some(Effect::RateLimited {
    retry_after_secs: 12 * 3_600,
});

#[test]
fn blocklist_refuses_a_listed_phone() {
    check(
        Rule::Blocklist,
        vec![
            ("listed", pay(Nagad, "10").blocklisted(), BLOCK),
            (
                "listed, a loyal customer",
                pay(Bkash, "10").earlier(500).blocklisted(),
                BLOCK,
            ),
            ("not listed", pay(Nagad, "10"), None),
            ("no phone to look up", pay(Nagad, "10").no_phone(), None),
        ],
    );
}

#[test]
fn new_customer_cap_refuses_a_new_customer_above_2000() {
    check(
        Rule::NewCustomerCap,
        vec![
            ("no earlier payment, 2,000.01", pay(Nagad, "2000.01").earlier(0), BLOCK),
            ("two earlier, 2,000.01", pay(Bkash, "2000.01").earlier(2), BLOCK),
            ("two earlier, exactly 2,000.00", pay(Bkash, "2000.00").earlier(2), None),
            ("three earlier: no longer new", pay(Bkash, "2000.01").earlier(3), None),
            ("no phone counts as new", pay(Nagad, "2500").no_phone(), BLOCK),
            ("no phone, within the cap", pay(Nagad, "1999.99").no_phone(), None),
        ],
    );
    let off = RiskConfig {
        new_customer_max: None,
        ..RiskConfig::default()
    };
    check_with(
        Rule::NewCustomerCap,
        &off,
        vec![("switched off", pay(Nagad, "9000").earlier(0), None)],
    );
}

#[test]
fn bkash_limit_refuses_bkash_above_50000_and_leaves_nagad_alone() {
    let refuse = Some(Effect::RefuseProvider(Bkash));
    check(
        Rule::BkashLimit,
        vec![
            ("bKash 50,000.01", pay(Bkash, "50000.01"), refuse),
            ("bKash exactly 50,000.00", pay(Bkash, "50000.00"), None),
            ("Nagad 2,00,000: its own limits", pay(Nagad, "200000"), None),
        ],
    );
}

#[test]
fn phone_count_limits_the_eleventh_payment_in_ten_minutes() {
    check(
        Rule::PhoneCount,
        vec![
            (
                "10 earlier: this is the 11th",
                pay(Nagad, "10").phone(|p| p.payments_last_10_min = 10),
                TEN_MIN,
            ),
            (
                "9 earlier: this is the 10th",
                pay(Nagad, "10").phone(|p| p.payments_last_10_min = 9),
                None,
            ),
            ("no phone", pay(Nagad, "10").no_phone(), None),
        ],
    );
}

#[test]
fn phone_amount_limits_a_day_past_100000_until_midnight() {
    let today = |s: &'static str| move |p: &mut PhoneHistory| p.amount_today = tk(s);
    check(
        Rule::PhoneAmount,
        vec![
            (
                "90,000 + 10,000.01",
                pay(Nagad, "10000.01").phone(today("90000")),
                TO_MIDNIGHT,
            ),
            (
                "90,000 + 10,000.00 is the limit",
                pay(Nagad, "10000").phone(today("90000")),
                None,
            ),
            ("a single payment above the limit", pay(Nagad, "100000.01"), TO_MIDNIGHT),
            ("no phone", pay(Nagad, "100000.01").no_phone(), None),
        ],
    );
}

#[test]
fn device_count_limits_the_eleventh_payment_in_ten_minutes() {
    check(
        Rule::DeviceCount,
        vec![
            (
                "10 earlier",
                pay(Bkash, "10").device(|d| d.payments_last_10_min = 10),
                TEN_MIN,
            ),
            (
                "9 earlier",
                pay(Bkash, "10").device(|d| d.payments_last_10_min = 9),
                None,
            ),
            ("no device id", pay(Bkash, "10").no_device(), None),
        ],
    );
}

#[test]
fn device_amount_limits_a_day_past_200000_until_midnight() {
    let today = |s: &'static str| move |d: &mut DeviceHistory| d.amount_today = tk(s);
    check(
        Rule::DeviceAmount,
        vec![
            (
                "1,99,999.99 + 0.02",
                pay(Nagad, "0.02").device(today("199999.99")),
                TO_MIDNIGHT,
            ),
            (
                "1,99,999.99 + 0.01",
                pay(Nagad, "0.01").device(today("199999.99")),
                None,
            ),
            (
                "past the type's ceiling",
                pay(Nagad, "1").device(today("999999999.99")),
                TO_MIDNIGHT,
            ),
            ("no device id", pay(Nagad, "300000").no_device(), None),
        ],
    );
}

#[test]
fn geography_steps_up_large_bkash_from_outside_dhaka() {
    check(
        Rule::Geography,
        vec![
            (
                "bKash 10,000.01 from Chattogram",
                pay(Bkash, "10000.01").from(CHATTOGRAM),
                STEP_UP,
            ),
            (
                "bKash 10,000.01 from abroad",
                pay(Bkash, "10000.01").from(JAPAN),
                STEP_UP,
            ),
            ("exactly 10,000.00", pay(Bkash, "10000.00").from(CHATTOGRAM), None),
            (
                "from Dhaka division",
                pay(Bkash, "40000").from(Location::DhakaDivision),
                None,
            ),
            ("location unknown", pay(Bkash, "40000").from(Location::Unknown), None),
            ("Nagad", pay(Nagad, "40000").from(CHATTOGRAM), None),
        ],
    );
}

#[test]
fn device_phones_steps_up_a_fourth_number_in_a_day() {
    check(
        Rule::DevicePhones,
        vec![
            ("4 numbers", pay(Nagad, "10").device(|d| d.phones_today = 4), STEP_UP),
            ("3 numbers", pay(Nagad, "10").device(|d| d.phones_today = 3), None),
            ("no device id", pay(Nagad, "10").no_device(), None),
        ],
    );
}

#[test]
fn new_customer_is_a_score_signal_below_three_successes() {
    check(
        Rule::NewCustomer,
        vec![
            ("none earlier", pay(Nagad, "10").earlier(0), SCORE),
            ("two earlier", pay(Nagad, "10").earlier(2), SCORE),
            ("three earlier", pay(Nagad, "10").earlier(3), None),
            ("no phone", pay(Nagad, "10").no_phone(), SCORE),
        ],
    );
}

#[test]
fn abroad_is_a_score_signal_outside_bangladesh() {
    check(
        Rule::Abroad,
        vec![
            ("Japan", pay(Nagad, "10").from(JAPAN), SCORE),
            ("Tor", pay(Nagad, "10").from(Location::Abroad(*b"T1")), SCORE),
            ("Chattogram", pay(Nagad, "10").from(CHATTOGRAM), None),
            ("unknown", pay(Nagad, "10").from(Location::Unknown), None),
        ],
    );
}

#[test]
fn every_rule_has_a_unique_code_that_round_trips() {
    let mut seen = std::collections::HashSet::new();
    for r in Rule::ALL {
        assert!(seen.insert(r.as_str()), "{}", r.as_str());
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, format!("\"{}\"", r.as_str()));
        assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), r);
    }
}
