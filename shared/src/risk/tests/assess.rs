//! How `assess` adds the rules up: the score, the decision's precedence, the action, the words.

use super::*;

fn codes(a: &Assessment) -> Vec<&'static str> {
    a.reasons.iter().map(|r| r.rule).collect()
}

#[test]
fn a_known_customer_in_dhaka_is_allowed_with_no_reasons() {
    let a = assess(&RiskConfig::default(), &pay(Bkash, "1250").0);
    assert_eq!((a.score, a.decision, a.action()), (0, Decision::Allow, Action::Allow));
    assert!(a.reasons.is_empty() && a.refused_providers.is_empty() && a.rate_limited.is_none());
}

#[test]
fn decisions_follow_the_precedence_table() {
    let c = RiskConfig::default();
    let rows: Vec<(&str, B, u8, Decision, Action)> = vec![
        (
            "blocklist",
            pay(Nagad, "10").blocklisted(),
            100,
            Decision::Block,
            Action::Block,
        ),
        (
            "a block rule beats a rate limit",
            pay(Nagad, "10").blocklisted().phone(|p| p.payments_last_10_min = 50),
            100,
            Decision::Block,
            Action::Block,
        ),
        (
            "a rate limit beats a step-up rule",
            pay(Bkash, "20000")
                .from(CHATTOGRAM)
                .device(|d| d.payments_last_10_min = 10),
            70,
            Decision::StepUp,
            Action::RateLimited { retry_after_secs: 600 },
        ),
        (
            "a step-up rule below the step-up score",
            pay(Bkash, "20000").from(CHATTOGRAM),
            30,
            Decision::StepUp,
            Action::StepUp,
        ),
        (
            "signals alone reach the step-up score: new (20) + abroad (30)",
            pay(Nagad, "100").earlier(0).from(JAPAN),
            50,
            Decision::StepUp,
            Action::StepUp,
        ),
        (
            "signals below it: new (20)",
            pay(Nagad, "100").earlier(1),
            20,
            Decision::Allow,
            Action::Allow,
        ),
        (
            "a refused bKash blocks nothing by itself",
            pay(Bkash, "60000"),
            0,
            Decision::Allow,
            Action::Allow,
        ),
        (
            "the score is capped at 100",
            pay(Bkash, "20000").earlier(0).blocklisted().from(JAPAN),
            100,
            Decision::Block,
            Action::Block,
        ),
    ];
    for (label, b, score, decision, action) in rows {
        let a = assess(&c, &b.0);
        assert_eq!((a.score, a.decision, a.action()), (score, decision, action), "{label}");
    }
}

#[test]
fn the_score_thresholds_decide_when_no_rule_does() {
    let c = RiskConfig {
        weights: Weights {
            abroad: 95,
            ..Weights::default()
        },
        ..RiskConfig::default()
    };
    let a = assess(&c, &pay(Nagad, "100").from(JAPAN).0);
    assert_eq!((a.score, a.decision, a.action()), (95, Decision::Block, Action::Block));
    // A step-up rule outranks a score that would block (the precedence as written).
    let a = assess(&c, &pay(Bkash, "20000").from(JAPAN).0);
    assert_eq!(
        (a.score, a.decision, a.action()),
        (100, Decision::StepUp, Action::StepUp)
    );
    // A rate limit outranks a score that would block.
    let a = assess(
        &c,
        &pay(Nagad, "100").from(JAPAN).phone(|p| p.payments_last_10_min = 10).0,
    );
    assert_eq!(a.decision, Decision::Block);
    assert_eq!(a.action(), Action::RateLimited { retry_after_secs: 600 });
}

#[test]
fn the_longest_wait_wins_and_refused_wallets_are_listed_once() {
    let b = pay(Bkash, "60000")
        .phone(|p| p.payments_last_10_min = 10)
        .device(|d| d.amount_today = tk("150000"));
    let a = assess(&RiskConfig::default(), &b.0);
    assert_eq!(a.rate_limited, Some(12 * 3_600));
    assert_eq!(a.refused_providers, vec![Bkash]);
    assert!(a.refuses(Bkash) && !a.refuses(Nagad));
    assert_eq!(codes(&a), ["bkash_limit", "phone_count", "device_amount"]);
}

#[test]
fn serializes_as_the_payment_s_risk_object() {
    let a = assess(&RiskConfig::default(), &pay(Bkash, "20000").from(CHATTOGRAM).0);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "score": 30,
            "decision": "step_up",
            "reasons": [{
                "rule": "geography",
                "message": "A bKash payment of ৳20,000.00, above ৳10,000.00, from outside Dhaka division.",
                "message_bn": "ঢাকা বিভাগের বাইরে থেকে ৳২০,০০০.০০-এর বিকাশ পেমেন্ট, যা ৳১০,০০০.০০-এর বেশি।",
            }],
        })
    );
}

/// Fires every rule at once, so every reason can be read.
fn everything() -> B {
    pay(Bkash, "60000")
        .earlier(2)
        .blocklisted()
        .from(JAPAN)
        .phone(|p| {
            p.payments_last_10_min = 12;
            p.amount_today = tk("50000");
        })
        .device(|d| {
            d.payments_last_10_min = 11;
            d.amount_today = tk("150000");
            d.phones_today = 4;
        })
}

#[test]
fn every_rule_explains_itself_in_both_languages() {
    let c = RiskConfig::default();
    let with_phone = assess(&c, &everything().0);
    let without_phone = assess(&c, &everything().no_phone().0);
    assert_eq!(with_phone.reasons.len(), Rule::ALL.len());
    for r in with_phone.reasons.iter().chain(&without_phone.reasons) {
        assert!(r.message.ends_with('.'), "{}: {}", r.rule, r.message);
        assert!(r.message_bn.ends_with('।'), "{}: {}", r.rule, r.message_bn);
        assert!(
            !r.message_bn.chars().any(|c| c.is_ascii_digit()),
            "{}: {}",
            r.rule,
            r.message_bn
        );
        assert!(!r.message.contains("{}") && !r.message_bn.contains("{}"));
    }
    let bn = |code: &str| {
        let r = with_phone.reasons.iter().find(|r| r.rule == code).unwrap();
        r.message_bn.clone()
    };
    assert_eq!(
        bn("phone_count"),
        "এই ফোন থেকে গত ১০ মিনিটে ১২টি পেমেন্ট হয়েছে; সীমা ১০টি।"
    );
    assert_eq!(
        bn("new_customer_cap"),
        "নতুন গ্রাহক (আগের সফল পেমেন্ট ২টি, ৩টির কম) একবারে সর্বোচ্চ ৳২,০০০.০০ পেমেন্ট করতে পারেন; এই পেমেন্ট ৳৬০,০০০.০০।"
    );
    assert_eq!(
        bn("device_phones"),
        "এই ডিভাইস থেকে আজ ৪টি ফোন নম্বরে পেমেন্ট হয়েছে, যা ৩টির বেশি।"
    );
    assert_eq!(bn("abroad"), "অনুরোধটি বাংলাদেশের বাইরে থেকে এসেছে (JP)।");
    let en = |code: &str| {
        let r = with_phone.reasons.iter().find(|r| r.rule == code).unwrap();
        r.message.clone()
    };
    assert_eq!(
        en("phone_amount"),
        "This phone paid ৳50,000.00 today; this payment of ৳60,000.00 would pass the daily limit of ৳1,00,000.00."
    );
    assert_eq!(
        en("bkash_limit"),
        "bKash payments above ৳50,000.00 are not taken; this payment is ৳60,000.00."
    );
}

#[test]
fn the_shopper_reads_one_plain_sentence() {
    for action in [
        Action::Block,
        Action::RateLimited { retry_after_secs: 600 },
        Action::StepUp,
    ] {
        for lang in [Lang::En, Lang::Bn] {
            let s = action.shopper_message(lang).unwrap();
            assert!(!s.chars().any(|c| c.is_ascii_digit()), "{s}");
            assert!(!s.contains("score") && !s.contains("blocklist"), "{s}");
        }
    }
    assert_eq!(Action::Allow.shopper_message(Lang::Bn), None);
    assert_eq!(
        Action::RateLimited { retry_after_secs: 1 }.shopper_message(Lang::Bn),
        Some(ErrorCode::RateLimited.message(Lang::Bn))
    );
}

#[test]
fn a_weight_of_zero_keeps_the_effect_but_not_the_points() {
    let c = RiskConfig {
        weights: Weights {
            blocklist: 0,
            ..Weights::default()
        },
        ..RiskConfig::default()
    };
    let a = assess(&c, &pay(Nagad, "10").blocklisted().0);
    assert_eq!((a.score, a.decision), (0, Decision::Block));
}
