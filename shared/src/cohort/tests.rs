//! The cohort split: its share over 100,000 order ids, its stability, its edges.

use super::*;

fn rollout(share_bp: u16) -> Rollout {
    Rollout::new("new_widget", share_bp).unwrap()
}

/// 100,000 order ids in three shapes merchants use: sequential, dated, and random-looking.
fn order_ids() -> impl Iterator<Item = String> {
    (0..100_000u64).map(|n| match n % 3 {
        0 => format!("order_{n}"),
        1 => format!("ORD-2026-{n:07}"),
        _ => format!("{:016x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
    })
}

/// The share in the variant, in basis points.
fn share_bp(salt: &str, r: &Rollout) -> i64 {
    let hits = order_ids().filter(|id| cohort(id, salt, r) != Cohort::Control).count();
    i64::try_from(hits).unwrap() * 10_000 / 100_000
}

#[test]
fn the_share_stays_within_two_percent_of_the_setting() {
    // The issue asks ±2 % (200 bp); we hold the split to ±0.5 percentage points (50 bp).
    for setting in [2_000u16, 5_000, 100, 9_900] {
        for salt in ["m_seed", "m_other"] {
            let got = share_bp(salt, &rollout(setting));
            let off = (got - i64::from(setting)).abs();
            assert!(off <= 50, "{setting} bp at {salt}: got {got} bp");
        }
    }
}

#[test]
fn an_order_always_lands_in_the_same_cohort() {
    let r = rollout(2_000);
    for id in order_ids().take(1_000) {
        assert_eq!(cohort(&id, "m_seed", &r), cohort(&id, "m_seed", &r.clone()), "{id}");
    }
}

/// Pinned: the same buckets on every platform and in every version. If this fails, every
/// running experiment reshuffles: do not change the hash.
#[test]
fn buckets_are_pinned() {
    // Computed independently (a few lines of Python over the same definition).
    let rows = [
        ("order_1", "m_seed", 2_144),
        ("order_2", "m_seed", 5_313),
        ("ORD-2026-0000001", "m_seed", 9_526),
        ("অর্ডার-১", "m_seed", 4_968),
        ("", "", 1_083),
    ];
    for (id, salt, want) in rows {
        assert_eq!(bucket(id, salt), want, "{id:?} {salt:?}");
    }
    assert_eq!(fnv1a64("".bytes()), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64("a".bytes()), 0xaf63_dc4c_8601_ec8c); // FNV-1a's published vector
    assert_eq!(fmix64(0), 0);
}

#[test]
fn share_zero_and_all_are_exact() {
    let (none, all) = (rollout(0), rollout(ALL_BP));
    for id in order_ids().take(10_000) {
        assert_eq!(cohort(&id, "m", &none), Cohort::Control);
        assert_eq!(cohort(&id, "m", &all), Cohort::Variant("new_widget".into()));
    }
    assert!(order_ids().all(|id| bucket(&id, "m") < ALL_BP));
}

#[test]
fn raising_the_share_only_moves_orders_into_the_variant() {
    let (small, large) = (rollout(1_000), rollout(2_000));
    for id in order_ids().take(20_000) {
        if cohort(&id, "m", &small) != Cohort::Control {
            assert_ne!(cohort(&id, "m", &large), Cohort::Control, "{id}");
        }
    }
}

#[test]
fn merchants_split_independently() {
    let r = rollout(2_000);
    let both = order_ids()
        .filter(|id| cohort(id, "m_a", &r) != Cohort::Control && cohort(id, "m_b", &r) != Cohort::Control)
        .count();
    // Independent 20 % splits overlap on about 4 % (4,000 of 100,000).
    assert!((3_500..=4_500).contains(&both), "{both}");
}

#[test]
fn settings_are_checked() {
    use RolloutError as E;
    let rows: [(&str, u16, Result<(), RolloutError>); 8] = [
        ("new_widget", 2_000, Ok(())),
        ("v2-b", 10_000, Ok(())),
        ("new_widget", 10_001, Err(E::Share)),
        ("", 10, Err(E::VariantName)),
        ("control", 10, Err(E::VariantName)),
        ("New", 10, Err(E::VariantName)),
        ("a b", 10, Err(E::VariantName)),
        ("abcdefghijabcdefghijabcdefghijabc", 10, Err(E::VariantName)),
    ];
    for (name, bp, want) in rows {
        assert_eq!(Rollout::new(name, bp).map(|_| ()), want, "{name:?} {bp}");
    }
    let r: Rollout = serde_json::from_str(r#"{"variant": "new_widget", "share_bp": 2000}"#).unwrap();
    assert_eq!((r.variant(), r.share_bp()), ("new_widget", 2_000));
    assert!(serde_json::from_str::<Rollout>(r#"{"variant": "control", "share_bp": 2000}"#).is_err());
    assert!(serde_json::from_str::<Rollout>(r#"{"variant": "x", "share_bp": 20000}"#).is_err());
}

#[test]
fn cohorts_are_their_names_on_the_wire() {
    let v = Cohort::Variant("new_widget".into());
    assert_eq!(serde_json::to_string(&v).unwrap(), "\"new_widget\"");
    assert_eq!(serde_json::to_string(&Cohort::Control).unwrap(), "\"control\"");
    assert_eq!(serde_json::from_str::<Cohort>("\"control\"").unwrap(), Cohort::Control);
    assert_eq!(serde_json::from_str::<Cohort>("\"new_widget\"").unwrap(), v);
    assert_eq!(v.as_str(), "new_widget");
}
