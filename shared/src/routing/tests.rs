//! Routing's rules, one table row each, and the properties that tie them together.

use proptest::prelude::*;

use super::*;
use crate::ids::{PaymentId, ID_RANDOM_BYTES};
use HealthState::{Degraded, Down, Up};
use Provider::{Bkash, Nagad};

fn tk(s: &str) -> Money {
    s.parse().unwrap()
}

/// Inputs under construction: both configured, health unknown, nothing about the shopper.
#[derive(Clone, Copy)]
struct B(Inputs);

fn amount(s: &str) -> B {
    B(Inputs {
        amount: tk(s),
        chosen: None,
        operator: None,
        device: None,
        promoted: None,
        providers: Availability::ALL,
        pick: 0,
    })
}

impl B {
    fn chose(mut self, p: Provider) -> B {
        self.0.chosen = Some(p);
        self
    }
    fn op(mut self, op: Operator) -> B {
        self.0.operator = Some(op);
        self
    }
    fn device(mut self, d: Device) -> B {
        self.0.device = Some(d);
        self
    }
    fn promoted(mut self, p: Provider) -> B {
        self.0.promoted = Some(p);
        self
    }
    fn pick(mut self, pick: u32) -> B {
        self.0.pick = pick;
        self
    }
    fn unconfigured(mut self, p: Provider) -> B {
        match p {
            Bkash => self.0.providers.bkash.configured = false,
            Nagad => self.0.providers.nagad.configured = false,
        }
        self
    }
    fn health(mut self, p: Provider, state: HealthState, success_bp: Option<u16>, p50_ms: Option<u32>) -> B {
        let h = ProviderHealth {
            state,
            success_bp,
            p50_ms,
        };
        self.0.providers = self.0.providers.with_health(p, h);
        self
    }
    fn down(self, p: Provider) -> B {
        self.health(p, Down, None, None)
    }
}

/// What a row expects: a provider and reason, or why none.
type Want = Result<(Provider, Reason), NoProvider>;

fn ok(p: Provider, r: Reason) -> Want {
    Ok((p, r))
}

fn chosen(provider: Provider, why: Unusable) -> Want {
    Err(NoProvider::Chosen { provider, why })
}

#[test]
fn each_rule_in_order() {
    use Reason::*;
    let large = || amount("10000.01");
    let reliable = |b: B| b.health(Nagad, Up, Some(9_201), None);
    let rows: Vec<(&str, B, Want)> = vec![
        // a: never a provider that is not configured, down, or outside its limits.
        (
            "a: amount below Tk 1",
            amount("0.99"),
            Err(NoProvider::AmountOutOfRange),
        ),
        (
            "a: amount above Tk 5,00,000",
            amount("500000.01"),
            Err(NoProvider::AmountOutOfRange),
        ),
        (
            "a: exactly Tk 5,00,000 is within",
            amount("500000.00"),
            ok(Bkash, MostUsed),
        ),
        ("a: exactly Tk 1 is within", amount("1.00"), ok(Bkash, MostUsed)),
        (
            "a: out of range with a choice",
            amount("0.50").chose(Nagad),
            Err(NoProvider::AmountOutOfRange),
        ),
        (
            "a: chosen but not configured",
            amount("100").unconfigured(Nagad).chose(Nagad),
            chosen(Nagad, Unusable::NotConfigured),
        ),
        (
            "a: chosen but down",
            amount("100").down(Bkash).chose(Bkash),
            chosen(Bkash, Unusable::Down),
        ),
        (
            "a: chosen and down, the other down too: the choice is named",
            amount("100").down(Bkash).down(Nagad).chose(Bkash),
            chosen(Bkash, Unusable::Down),
        ),
        (
            "a: neither usable",
            amount("100").down(Bkash).unconfigured(Nagad),
            Err(NoProvider::Unavailable),
        ),
        (
            "a: a down provider wins no later rule",
            amount("100")
                .down(Bkash)
                .device(Device::FeaturePhone)
                .op(Operator::Banglalink),
            ok(Nagad, OtherUnavailable),
        ),
        // b: the shopper's choice, when usable, over every later rule.
        (
            "b: shopper chose Nagad",
            amount("100").chose(Nagad),
            ok(Nagad, ShopperChoice),
        ),
        (
            "b: a degraded choice still stands",
            amount("100").health(Bkash, Degraded, Some(100), None).chose(Bkash),
            ok(Bkash, ShopperChoice),
        ),
        (
            "b: over rule d",
            reliable(large()).chose(Bkash),
            ok(Bkash, ShopperChoice),
        ),
        // c: only one usable.
        (
            "c: only Nagad configured",
            amount("100").unconfigured(Bkash),
            ok(Nagad, OtherUnavailable),
        ),
        ("c: bKash down", amount("100").down(Bkash), ok(Nagad, OtherUnavailable)),
        (
            "c: Nagad down, over rule f",
            amount("100").down(Nagad).op(Operator::Grameenphone),
            ok(Bkash, OtherUnavailable),
        ),
        // d: a large amount goes to a reliable Nagad.
        (
            "d: above Tk 10,000 and Nagad above 92 %, over e and f",
            reliable(large()).device(Device::FeaturePhone).op(Operator::Banglalink),
            ok(Nagad, LargeAmountReliable),
        ),
        (
            "d: exactly Tk 10,000.00 is not above",
            reliable(amount("10000.00")).device(Device::FeaturePhone),
            ok(Bkash, FeaturePhone),
        ),
        (
            "d: Nagad at exactly 92.00 % is not above",
            large()
                .health(Nagad, Up, Some(9_200), None)
                .device(Device::FeaturePhone),
            ok(Bkash, FeaturePhone),
        ),
        (
            "d: Nagad without data is not reliable",
            large().device(Device::FeaturePhone),
            ok(Bkash, FeaturePhone),
        ),
        (
            "d: a degraded Nagad is not reliable",
            large()
                .health(Nagad, Degraded, Some(9_900), None)
                .device(Device::FeaturePhone),
            ok(Bkash, FeaturePhone),
        ),
        // e: feature phones get bKash.
        (
            "e: feature phone, over f",
            amount("100").device(Device::FeaturePhone).op(Operator::Grameenphone),
            ok(Bkash, FeaturePhone),
        ),
        // f: the operator hint.
        (
            "f: Banglalink",
            amount("100").op(Operator::Banglalink),
            ok(Bkash, PhoneOperator),
        ),
        (
            "f: Grameenphone, over g",
            amount("100")
                .op(Operator::Grameenphone)
                .health(Bkash, Up, None, Some(100)),
            ok(Nagad, PhoneOperator),
        ),
        (
            "f: Teletalk says nothing",
            amount("100").op(Operator::Teletalk),
            ok(Bkash, MostUsed),
        ),
        (
            "f: Robi says nothing, g decides",
            amount("100").op(Operator::Robi).health(Bkash, Up, None, Some(799)),
            ok(Bkash, RespondingFast),
        ),
        // f′: the one wallet with a promotion.
        (
            "f′: only Nagad has an offer, over g and h",
            amount("9000")
                .promoted(Nagad)
                .health(Bkash, Up, Some(9_900), Some(100))
                .pick(0),
            ok(Nagad, Promotion),
        ),
        (
            "f′: the operator comes first",
            amount("100").promoted(Nagad).op(Operator::Banglalink),
            ok(Bkash, PhoneOperator),
        ),
        (
            "f′: a large amount at a reliable Nagad comes first",
            reliable(large()).promoted(Bkash),
            ok(Nagad, LargeAmountReliable),
        ),
        (
            "f′: a promoted wallet that is down wins nothing",
            amount("100").promoted(Nagad).down(Nagad),
            ok(Bkash, OtherUnavailable),
        ),
        (
            "f′: the shopper's choice comes first",
            amount("100").promoted(Nagad).chose(Bkash),
            ok(Bkash, ShopperChoice),
        ),
        // g: a fast bKash.
        (
            "g: bKash p50 799 ms",
            amount("100").health(Bkash, Up, Some(5_000), Some(799)).pick(u32::MAX),
            ok(Bkash, RespondingFast),
        ),
        (
            "g: exactly 800 ms is not under",
            amount("100").health(Bkash, Up, Some(5_000), Some(800)).pick(u32::MAX),
            ok(Nagad, SuccessRate),
        ),
        (
            "g: a degraded bKash is not fast",
            amount("100")
                .health(Bkash, Degraded, Some(5_000), Some(100))
                .pick(u32::MAX),
            ok(Nagad, SuccessRate),
        ),
        // h: weighted by success rate.
        (
            "h: the lowest pick takes bKash",
            amount("100")
                .health(Bkash, Up, Some(9_000), None)
                .health(Nagad, Up, Some(1_000), None),
            ok(Bkash, SuccessRate),
        ),
        (
            "h: 90 % vs 10 %: a pick just under 0.9 takes bKash",
            amount("100")
                .health(Bkash, Up, Some(9_000), None)
                .health(Nagad, Up, Some(1_000), None)
                .pick(3_865_470_566), // floor(0.9 * 2^32)
            ok(Bkash, SuccessRate),
        ),
        (
            "h: 90 % vs 10 %: a pick from 0.9 on takes Nagad",
            amount("100")
                .health(Bkash, Up, Some(9_000), None)
                .health(Nagad, Up, Some(1_000), None)
                .pick(3_865_470_567),
            ok(Nagad, SuccessRate),
        ),
        (
            "h: no data counts as 50 %, against 0 %",
            amount("100").health(Nagad, Up, Some(0), None).pick(u32::MAX),
            ok(Bkash, SuccessRate),
        ),
        (
            "h: degraded halves bKash to 2,500 of 7,500: a pick at 3/4 takes Nagad",
            amount("100").health(Bkash, Degraded, None, None).pick(3 << 30),
            ok(Nagad, SuccessRate),
        ),
        (
            "h: degraded halves bKash to 2,500 of 7,500: a pick at 1/4 takes bKash",
            amount("100").health(Bkash, Degraded, None, None).pick(1 << 30),
            ok(Bkash, SuccessRate),
        ),
        (
            "h′: no data for either, equal weights: the most-used wallet",
            amount("100").pick(u32::MAX),
            ok(Bkash, MostUsed),
        ),
        (
            "h′: both at 0 %",
            amount("100")
                .health(Bkash, Up, Some(0), None)
                .health(Nagad, Up, Some(0), None)
                .pick(u32::MAX),
            ok(Bkash, MostUsed),
        ),
    ];
    for (rule, b, want) in rows {
        let got = route(&b.0).map(|c| (c.provider, c.reason));
        assert_eq!(got, want, "{rule}");
    }
}

#[test]
fn the_weighted_share_follows_the_success_rates() {
    let b = amount("100")
        .health(Bkash, Up, Some(6_000), None)
        .health(Nagad, Degraded, Some(8_000), None); // 6,000 vs 4,000
    let n = 10_000u32;
    let step = u32::MAX / n;
    let bkash = (0..n)
        .filter(|k| route(&b.pick(k * step).0).map(|c| c.provider) == Ok(Bkash))
        .count();
    assert!((5_990..=6_010).contains(&bkash), "{bkash}");
}

#[test]
fn the_operator_table() {
    assert_eq!(operator_hint(Operator::Banglalink), Some(Bkash));
    assert_eq!(operator_hint(Operator::Grameenphone), Some(Nagad));
    for op in [Operator::Robi, Operator::Airtel, Operator::Teletalk] {
        assert_eq!(operator_hint(op), None);
    }
}

#[test]
fn a_typed_number_changes_only_what_rule_f_would() {
    let weighted = Choice {
        provider: Bkash,
        reason: Reason::SuccessRate,
    };
    assert_eq!(
        operator_override(Some(Reason::SuccessRate), Operator::Grameenphone),
        Some(Nagad)
    );
    assert_eq!(operator_override(None, Operator::Banglalink), Some(Bkash));
    assert_eq!(
        operator_override(Some(Reason::FeaturePhone), Operator::Grameenphone),
        None
    );
    assert_eq!(
        operator_override(Some(Reason::OtherUnavailable), Operator::Banglalink),
        None
    );
    assert_eq!(with_operator(weighted, Operator::Teletalk), weighted);
}

#[test]
fn the_pick_comes_from_the_payment_id() {
    let a = PaymentId::from_random([0; ID_RANDOM_BYTES]);
    let b = PaymentId::from_random([1; ID_RANDOM_BYTES]);
    assert_ne!(pick_for(&a), pick_for(&b));
    // FNV-1a 32 of "pay_" alone, the reference value: the hash is the published one.
    let fnv = |s: &str| {
        s.bytes()
            .fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
    };
    assert_eq!(fnv(""), 0x811c_9dc5);
    assert_eq!(fnv("a"), 0xe40c_292c);
    assert_eq!(pick_for(&a), fnv(a.as_str()));
}

#[test]
fn every_reason_has_a_code_and_words_in_both_languages() {
    for r in Reason::ALL {
        assert_eq!(Reason::from_code(r.as_str()), Some(r));
        assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        assert!(!r.message_en().is_empty());
        assert!(r.message_bn().chars().any(|c| ('\u{0980}'..='\u{09FF}').contains(&c)));
    }
    assert_eq!(Reason::from_code("MOST_USED"), None);
}

#[test]
fn health_reads_and_writes_snake_case() {
    let h = ProviderHealth {
        state: Degraded,
        success_bp: Some(9_250),
        p50_ms: None,
    };
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(json, r#"{"state":"degraded","success_bp":9250,"p50_ms":null}"#);
    assert_eq!(serde_json::from_str::<ProviderHealth>(&json).unwrap(), h);
    for state in [Up, Degraded, Down] {
        let json = format!("\"{}\"", state.as_str());
        assert_eq!(serde_json::from_str::<HealthState>(&json).unwrap(), state);
        assert_eq!(serde_json::to_string(&state).unwrap(), json);
    }
}

#[test]
fn rates_above_one_hundred_percent_count_as_one_hundred() {
    let over = |bp| ProviderHealth {
        state: Up,
        success_bp: Some(bp),
        p50_ms: None,
    };
    assert_eq!(weight(over(u16::MAX)), 10_000);
    assert_eq!(weight(over(10_000)), 10_000);
    assert_eq!(weight(ProviderHealth::UNKNOWN), u64::from(NO_DATA_BP));
}

fn any_health() -> impl Strategy<Value = ProviderHealth> {
    let state = prop_oneof![Just(Up), Just(Degraded), Just(Down)];
    (
        state,
        proptest::option::of(any::<u16>()),
        proptest::option::of(0u32..2_000),
    )
        .prop_map(|(state, success_bp, p50_ms)| ProviderHealth {
            state,
            success_bp,
            p50_ms,
        })
}

fn any_standing() -> impl Strategy<Value = Standing> {
    (any::<bool>(), any_health()).prop_map(|(configured, health)| Standing { configured, health })
}

fn any_inputs() -> impl Strategy<Value = Inputs> {
    let provider = prop_oneof![Just(Bkash), Just(Nagad)];
    let operator = prop_oneof![
        Just(Operator::Grameenphone),
        Just(Operator::Banglalink),
        Just(Operator::Robi),
        Just(Operator::Airtel),
        Just(Operator::Teletalk),
    ];
    (
        0i64..=60_000_000,
        proptest::option::of(provider),
        proptest::option::of(operator),
        proptest::option::of(proptest::sample::select(Device::ALL.to_vec())),
        any_standing(),
        any_standing(),
        any::<u32>(),
        proptest::option::of(prop_oneof![Just(Bkash), Just(Nagad)]),
    )
        .prop_map(|(p, chosen, operator, device, bkash, nagad, pick, promoted)| Inputs {
            amount: Money::from_poisha(p).unwrap(),
            chosen,
            operator,
            device,
            promoted,
            providers: Availability { bkash, nagad },
            pick,
        })
}

proptest! {
    #[test]
    fn only_usable_providers_are_chosen(i in any_inputs()) {
        if let Ok(c) = route(&i) {
            prop_assert_eq!(i.providers.usable(c.provider, i.amount), Ok(()));
            prop_assert!(i.chosen.is_none_or(|p| p == c.provider));
        }
    }

    #[test]
    fn a_typed_operator_gives_what_route_would(i in any_inputs(), op in prop_oneof![
        Just(Operator::Grameenphone), Just(Operator::Banglalink), Just(Operator::Robi),
        Just(Operator::Airtel), Just(Operator::Teletalk),
    ]) {
        let without = Inputs { operator: None, ..i };
        let with = Inputs { operator: Some(op), ..i };
        prop_assert_eq!(route(&without).map(|c| with_operator(c, op)), route(&with));
    }
}
