//! Table tests of provider health: classification, the windows, every breaker transition,
//! the half-open probe, one-off faults that must not trip it, and window expiry.

use proptest::prelude::*;

use super::window::{basis_points, percentile, RATE_MINUTES, SAMPLE_CAP};
use super::*;
use crate::provider::Provider::{Bkash, Nagad};

const COOL: i64 = 30_000;
const T0: i64 = 1_800_000_000_000;

fn ok(at_ms: i64) -> Call {
    Call {
        provider: Bkash,
        failed: false,
        latency_ms: 200,
        at_ms,
    }
}

fn hard(at_ms: i64) -> Call {
    Call {
        failed: true,
        ..ok(at_ms)
    }
}

fn slow(at_ms: i64, latency_ms: u32) -> Call {
    Call {
        latency_ms,
        ..ok(at_ms)
    }
}

/// Records each call at its own time; returns every transition.
fn feed(h: &mut Health, calls: &[Call]) -> Vec<Transition> {
    calls.iter().flat_map(|c| h.record(&[*c], c.at_ms, COOL)).collect()
}

/// A health that has just gone down at `T0 + 8 s` (eight hard failures, one a second).
fn tripped() -> Health {
    let mut h = Health::new(T0);
    let moves = feed(&mut h, &(1..=8).map(|i| hard(T0 + i * 1_000)).collect::<Vec<_>>());
    assert_eq!(moves.len(), 1);
    assert_eq!(h.state(), HealthState::Down);
    h
}

fn states(moves: &[Transition]) -> Vec<(HealthState, HealthState)> {
    moves.iter().map(|t| (t.from, t.to)).collect()
}

#[test]
fn calls_are_classified_hard_only_when_the_provider_did_not_work() {
    /// provider, HTTP status, provider code, outcome word → a hard failure?
    type Row = (Provider, Option<u16>, Option<&'static str>, &'static str, bool);
    #[rustfmt::skip]
    let table: [Row; 17] = [
        (Bkash, Some(200), None, "ok", false),
        (Bkash, Some(200), Some("2023"), "declined", false), // insufficient balance
        (Bkash, Some(200), Some("2014"), "declined", false), // wrong PIN
        (Nagad, Some(400), Some("16_0006_058"), "declined", false),
        (Bkash, Some(200), Some("2062"), "unknown", false), // query again: the provider answered
        (Bkash, Some(401), None, "error", false),           // our token: not the provider
        (Nagad, Some(403), Some("relay_refused"), "error", false),
        (Bkash, Some(200), Some("9999"), "error", false), // wrong credentials at the grant
        (Bkash, Some(429), None, "unknown", false),
        (Bkash, None, Some("timeout"), "unknown", true),
        (Nagad, None, Some("network"), "unknown", true),
        (Bkash, Some(503), Some("http_503"), "unknown", true), // down
        (Bkash, Some(502), None, "unknown", true),
        (Nagad, Some(502), Some("relay"), "unknown", true),
        (Bkash, Some(200), Some("503"), "unknown", true), // "system under maintenance"
        (Bkash, Some(200), Some(" 9999 "), "unknown", true),
        (Nagad, Some(200), Some("16_0006_075"), "unknown", true),
    ];
    for (provider, status, code, outcome, expected) in table {
        assert_eq!(
            is_hard_failure(provider, status, code, outcome),
            expected,
            "{provider} {status:?} {code:?} {outcome}"
        );
        assert_eq!(Call::observed(provider, status, code, outcome, 5, 7).failed, expected);
    }
}

#[test]
fn states_have_snake_case_wire_names_and_event_types() {
    for (s, name, event) in [
        (HealthState::Up, "up", "provider.up"),
        (HealthState::Degraded, "degraded", "provider.degraded"),
        (HealthState::Down, "down", "provider.down"),
    ] {
        assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{name}\""));
        assert_eq!((s.as_str(), s.event_type()), (name, event));
    }
}

#[test]
fn cooldown_setting_is_whole_seconds_within_bounds() {
    for (setting, ms) in [
        (None, 30_000),
        (Some("2"), 2_000),
        (Some(" 3 "), 3_000),
        (Some("3600"), 3_600_000),
        (Some("0"), 30_000),
        (Some("3601"), 30_000),
        (Some("-5"), 30_000),
        (Some("1.5"), 30_000),
        (Some(""), 30_000),
    ] {
        assert_eq!(cooldown_ms(setting), ms, "{setting:?}");
    }
}

#[test]
fn percent_has_two_places() {
    for (bp, text) in [
        (10_000, "100.00"),
        (9_950, "99.50"),
        (9_905, "99.05"),
        (1, "0.01"),
        (0, "0.00"),
        (60_000, "100.00"),
    ] {
        assert_eq!(percent(bp), text);
    }
    assert_eq!(basis_points(199, 200), Some(9_950));
    assert_eq!(basis_points(2, 3), Some(6_666), "rounded down");
    assert_eq!(basis_points(5, 0), None);
}

#[test]
fn percentiles_take_the_nearest_rank() {
    let v: Vec<u32> = (1..=100).collect();
    assert_eq!((percentile(&v, 50), percentile(&v, 95)), (Some(50), Some(95)));
    assert_eq!((percentile(&[7], 50), percentile(&[7], 95)), (Some(7), Some(7)));
    assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
    assert_eq!(percentile(&[], 50), None);
}

#[test]
fn routing_reads_the_state_rate_and_median() {
    let mut h = Health::new(T0);
    feed(&mut h, &[ok(T0), hard(T0 + 1), slow(T0 + 2, 900)]);
    let r = h.summary(T0 + 3).routing();
    assert_eq!(
        (r.state, r.success_bp, r.p50_ms),
        (HealthState::Up, Some(6_666), Some(200))
    );
    assert_eq!(
        Health::new(T0).summary(T0).routing(),
        crate::routing::ProviderHealth::UNKNOWN
    );
}

#[test]
fn a_new_provider_is_up_with_no_figures() {
    let h = Health::new(T0);
    let s = h.summary(T0 + 5);
    assert_eq!(
        (s.state, s.success_bp, s.p50_ms, s.p95_ms, s.calls, s.since_ms),
        (HealthState::Up, None, None, None, 0, T0)
    );
}

#[test]
fn calls_are_counted_with_rate_and_percentiles() {
    let mut h = Health::new(T0);
    // 59 answers of 100 ..= 158 ms and one hard failure: 60 calls.
    let mut calls: Vec<Call> = (0..59).map(|i| slow(T0 + i * 100, 100 + i as u32)).collect();
    calls.push(hard(T0 + 20_000));
    assert!(feed(&mut h, &calls).is_empty());
    let s = h.summary(T0 + 20_000);
    assert_eq!((s.state, s.calls, s.success_bp), (HealthState::Up, 60, Some(9_833)));
    // Nearest rank of the 59 answers: the 30th and the 57th.
    assert_eq!((s.p50_ms, s.p95_ms), (Some(129), Some(156)));
    // The sample keeps the last 64 calls only.
    let more: Vec<Call> = (0..100)
        .map(|i| slow(T0 + 30_000 + i * 100, 1_000 + i as u32))
        .collect();
    feed(&mut h, &more);
    let s = h.summary(T0 + 40_000);
    assert_eq!((s.calls, s.p50_ms), (160, Some(1_000 + 36 + 31)));
}

#[test]
fn shopper_declines_are_the_provider_working() {
    let mut h = Health::new(T0);
    let calls: Vec<Call> = (0..100)
        .map(|i| Call::observed(Bkash, Some(200), Some("2023"), "declined", 150, T0 + i * 500))
        .collect();
    assert!(feed(&mut h, &calls).is_empty());
    assert_eq!(h.summary(T0 + 50_000).success_bp, Some(10_000));
}

#[test]
fn one_off_faults_among_successes_never_trip_or_degrade() {
    // A busy test suite: four tests at a time, six scattered one-off faults (a 502, hangs).
    let mut h = Health::new(T0);
    let mut calls = Vec::new();
    for i in 0..300i64 {
        let at = T0 + i * 1_000;
        calls.push(if i % 50 == 7 { hard(at) } else { ok(at) });
    }
    assert!(feed(&mut h, &calls).is_empty(), "no transition");
    assert_eq!(h.state(), HealthState::Up);
}

#[test]
fn six_timeouts_in_a_row_do_not_trip() {
    // Worst case of the suite: every running test waits on a hang, then all time out together.
    let mut h = Health::new(T0);
    let mut calls: Vec<Call> = (0..4).map(|i| ok(T0 + i * 100)).collect();
    calls.extend((0..6).map(|i| Call {
        latency_ms: 30_000,
        ..hard(T0 + 31_000 + i * 10)
    }));
    assert!(feed(&mut h, &calls).is_empty());
    assert_eq!(h.state(), HealthState::Up);
}

#[test]
fn eight_hard_failures_in_two_minutes_trip_it_down_once() {
    let mut h = Health::new(T0);
    let mut moves = feed(&mut h, &(1..=7).map(|i| hard(T0 + i * 1_000)).collect::<Vec<_>>());
    assert!(moves.is_empty(), "seven are not enough");
    moves = feed(&mut h, &[hard(T0 + 8_000)]);
    assert_eq!(states(&moves), [(HealthState::Up, HealthState::Down)]);
    let t = moves[0];
    assert_eq!((t.seq, t.at_ms, t.success_bp), (1, T0 + 8_000, Some(0)));
    assert_eq!(h.summary(T0 + 8_000).since_ms, T0 + 8_000);
    // More failures: still down, no second announcement.
    assert!(feed(&mut h, &[hard(T0 + 9_000), hard(T0 + 9_500)]).is_empty());
}

#[test]
fn failures_must_be_half_of_the_window() {
    let mut h = Health::new(T0);
    let mut calls: Vec<Call> = (0..9).map(|i| ok(T0 + i * 1_000)).collect();
    calls.extend((0..8).map(|i| hard(T0 + 10_000 + i * 1_000)));
    assert!(feed(&mut h, &calls).is_empty(), "8 of 17 is under half");
    assert_eq!(
        states(&feed(&mut h, &[hard(T0 + 19_000)])),
        [(HealthState::Up, HealthState::Down)],
        "9 of 18 is half"
    );
}

#[test]
fn failures_spread_past_the_trip_window_expire() {
    // One hard failure every 20 s: never more than six in two minutes.
    let mut h = Health::new(T0);
    let calls: Vec<Call> = (0..30).map(|i| hard(T0 + i * 20_000)).collect();
    let moves = feed(&mut h, &calls);
    assert!(!moves.iter().any(|t| t.to == HealthState::Down), "{moves:?}");
}

#[test]
fn down_refuses_during_the_cooldown_then_lets_one_probe_through() {
    let mut h = tripped();
    let opened = T0 + 8_000;
    assert_eq!(h.permit(opened + 1, COOL), Permit::Refused);
    assert_eq!(h.permit(opened + COOL - 1, COOL), Permit::Refused);
    assert_eq!(h.permit(opened + COOL, COOL), Permit::Probe);
    assert_eq!(h.permit(opened + COOL + 1, COOL), Permit::Refused, "the probe is out");
    assert_eq!(h.permit(opened + COOL + PROBE_TIMEOUT_MS - 1, COOL), Permit::Refused);
    assert_eq!(
        h.permit(opened + COOL + PROBE_TIMEOUT_MS, COOL),
        Permit::Probe,
        "a probe that never reported frees its slot"
    );
    assert!(Permit::Probe.allowed() && Permit::Allowed.allowed() && !Permit::Refused.allowed());
    assert_eq!(Health::new(T0).permit(T0, COOL), Permit::Allowed);
}

#[test]
fn a_successful_probe_brings_it_up_and_starts_the_evidence_afresh() {
    let mut h = tripped();
    let opened = T0 + 8_000;
    assert_eq!(h.permit(opened + COOL, COOL), Permit::Probe);
    let probe = ok(opened + COOL + 300);
    let moves = h.record(&[probe], probe.at_ms, COOL);
    assert_eq!(states(&moves), [(HealthState::Down, HealthState::Up)]);
    assert_eq!(moves[0].seq, 2);
    assert_eq!(h.permit(probe.at_ms + 1, COOL), Permit::Allowed);
    // The outage's eight failures are in the figures but not held against it: one more
    // failure neither trips nor degrades it.
    assert!(h
        .record(&[hard(probe.at_ms + 1_000)], probe.at_ms + 1_000, COOL)
        .is_empty());
    let s = h.summary(probe.at_ms + 1_000);
    assert_eq!((s.state, s.calls, s.since_ms), (HealthState::Up, 10, probe.at_ms));
}

#[test]
fn a_failed_probe_keeps_it_down_and_cools_down_again_without_an_announcement() {
    let mut h = tripped();
    let opened = T0 + 8_000;
    assert_eq!(h.permit(opened + COOL, COOL), Permit::Probe);
    let at = opened + COOL + 500;
    assert!(
        h.record(&[hard(at)], at, COOL).is_empty(),
        "still down: nothing to announce"
    );
    assert_eq!(h.state(), HealthState::Down);
    assert_eq!(h.summary(at).since_ms, opened, "down since the first trip");
    assert_eq!(h.permit(at + 1, COOL), Permit::Refused, "a new cooldown");
    assert_eq!(h.permit(at + COOL, COOL), Permit::Probe);
    let back = ok(at + COOL + 100);
    assert_eq!(
        states(&h.record(&[back], back.at_ms, COOL)),
        [(HealthState::Down, HealthState::Up)]
    );
}

#[test]
fn while_down_only_fresh_calls_after_the_cooldown_decide() {
    let mut h = tripped();
    let opened = T0 + 8_000;
    // A success inside the cooldown changes nothing.
    assert!(h.record(&[ok(opened + 1_000)], opened + 1_000, COOL).is_empty());
    // A hang sent before the trip that times out after the cooldown is old news.
    let late = Call {
        latency_ms: 30_500,
        ..hard(opened + COOL + 10)
    };
    assert!(late.at_ms - i64::from(late.latency_ms) < opened);
    assert!(h.record(&[late], late.at_ms, COOL).is_empty());
    assert_eq!(
        h.permit(late.at_ms, COOL),
        Permit::Probe,
        "the cooldown did not restart"
    );
    // A call that started during the cooldown and succeeded after it brings it up.
    let sent_in_cooldown = Call {
        latency_ms: 20_000,
        ..ok(opened + COOL + 15_000)
    };
    assert_eq!(
        states(&h.record(&[sent_in_cooldown], sent_in_cooldown.at_ms, COOL)),
        [(HealthState::Down, HealthState::Up)]
    );
}

#[test]
fn a_poor_success_rate_degrades_and_a_good_one_recovers() {
    let mut h = Health::new(T0);
    // 15 good, then 5 hard failures: 20 calls, 75 %: degraded (but far from down).
    let mut calls: Vec<Call> = (0..15).map(|i| ok(T0 + i * 1_000)).collect();
    calls.extend((0..5).map(|i| hard(T0 + 15_000 + i * 1_000)));
    let moves = feed(&mut h, &calls);
    assert_eq!(states(&moves), [(HealthState::Up, HealthState::Degraded)]);
    assert_eq!(moves[0].success_bp, Some(7_500));
    // 85 % is not yet good enough to be up again (hysteresis) …
    let more: Vec<Call> = (0..14).map(|i| ok(T0 + 30_000 + i * 1_000)).collect();
    assert!(feed(&mut h, &more).is_empty());
    assert_eq!(h.state(), HealthState::Degraded);
    // … 90 % is.
    let moves = feed(
        &mut h,
        &(0..16).map(|i| ok(T0 + 50_000 + i * 1_000)).collect::<Vec<_>>(),
    );
    assert_eq!(states(&moves), [(HealthState::Degraded, HealthState::Up)]);
}

#[test]
fn a_slow_median_degrades_and_a_quick_one_recovers() {
    let mut h = Health::new(T0);
    let calls: Vec<Call> = (0..10).map(|i| slow(T0 + i * 1_000, 6_000)).collect();
    assert_eq!(
        states(&feed(&mut h, &calls)),
        [(HealthState::Up, HealthState::Degraded)]
    );
    // A median of 3 s: better, not good.
    let calls: Vec<Call> = (0..12).map(|i| slow(T0 + 10_000 + i * 1_000, 3_000)).collect();
    assert!(feed(&mut h, &calls).is_empty());
    let calls: Vec<Call> = (0..30).map(|i| slow(T0 + 30_000 + i * 1_000, 300)).collect();
    assert_eq!(
        states(&feed(&mut h, &calls)),
        [(HealthState::Degraded, HealthState::Up)]
    );
}

#[test]
fn a_hang_counts_as_a_failure_not_as_latency() {
    let mut h = Health::new(T0);
    let mut calls: Vec<Call> = (0..12).map(|i| slow(T0 + i * 1_000, 250)).collect();
    calls.push(Call {
        latency_ms: 30_000,
        ..hard(T0 + 40_000)
    });
    assert!(feed(&mut h, &calls).is_empty());
    let s = h.summary(T0 + 40_000);
    assert_eq!(
        (s.p50_ms, s.p95_ms, s.calls, s.success_bp),
        (Some(250), Some(250), 13, Some(9_230))
    );
}

#[test]
fn degraded_returns_to_up_when_its_evidence_ages_out() {
    let mut h = Health::new(T0);
    let calls: Vec<Call> = (0..10).map(|i| slow(T0 + i * 1_000, 8_000)).collect();
    feed(&mut h, &calls);
    assert_eq!(h.state(), HealthState::Degraded);
    assert_eq!(h.refresh(T0 + 4 * 60_000), None, "still within five minutes");
    let t = h.refresh(T0 + 9_000 + LATENCY_WINDOW_MS + 1);
    assert_eq!(
        t.map(|t| (t.from, t.to)),
        Some((HealthState::Degraded, HealthState::Up))
    );
    assert_eq!(h.refresh(T0 + 20 * 60_000), None);
}

#[test]
fn down_waits_for_a_call_not_for_the_clock() {
    let mut h = tripped();
    assert_eq!(h.refresh(T0 + 3 * 3_600_000), None);
    assert_eq!(h.state(), HealthState::Down);
}

#[test]
fn the_success_rate_covers_two_hours_of_minutes() {
    let mut h = Health::new(T0);
    feed(&mut h, &[hard(T0), ok(T0 + 60_000)]);
    assert_eq!(h.summary(T0 + 60_000).success_bp, Some(5_000));
    let two_hours = (RATE_MINUTES - 1) * 60_000;
    let s = h.summary(T0 - T0.rem_euclid(60_000) + two_hours + 60_000);
    assert_eq!((s.calls, s.success_bp), (1, Some(10_000)), "the first minute left");
    assert_eq!((s.p50_ms, s.p95_ms), (None, None), "no latency older than five minutes");
    // A call recorded late, from before the window, is not counted.
    let mut late = Health::new(T0);
    late.record(&[ok(T0 - 3 * 3_600_000)], T0, COOL);
    assert_eq!(late.summary(T0).calls, 0);
}

#[test]
fn transitions_number_each_move_once() {
    let mut h = tripped();
    assert_eq!(h.permit(T0 + 8_000 + COOL, COOL), Permit::Probe);
    let up = h.record(&[ok(T0 + 8_000 + COOL + 1)], T0 + 8_000 + COOL + 1, COOL);
    let at = T0 + 8_000 + COOL + 2_000;
    let again = feed(&mut h, &(0..8).map(|i| hard(at + i * 100)).collect::<Vec<_>>());
    let seqs: Vec<u64> = up.iter().chain(&again).map(|t| t.seq).collect();
    assert_eq!(seqs, [2, 3]);
    assert_eq!(states(&again), [(HealthState::Up, HealthState::Down)]);
}

#[test]
fn the_state_round_trips_through_json_and_stays_small() {
    let mut h = Health::new(T0);
    let calls: Vec<Call> = (0..10_000).map(|i| ok(T0 + i * 1_000)).collect();
    h.record(&calls, T0 + 10_000 * 1_000, COOL);
    let (minutes, samples) = h.sizes();
    assert!(
        minutes <= RATE_MINUTES as usize && samples <= SAMPLE_CAP,
        "{minutes} {samples}"
    );
    let json = serde_json::to_string(&h).unwrap();
    assert!(json.len() < 8_000, "{} bytes", json.len());
    assert_eq!(serde_json::from_str::<Health>(&json).unwrap(), h);
}

proptest! {
    #[test]
    fn any_call_sequence_keeps_the_state_bounded_and_consistent(
        steps in proptest::collection::vec((any::<bool>(), 0u32..40_000, -5_000i64..20_000, any::<bool>()), 0..300)
    ) {
        let mut h = Health::new(T0);
        let mut now = T0;
        let mut ups_and_downs = 0u64;
        for (failed, latency_ms, advance, ask) in steps {
            now += advance.max(0);
            let call = Call { provider: Bkash, failed, latency_ms, at_ms: now + advance.min(0) };
            ups_and_downs += h.record(&[call], now, COOL).len() as u64;
            if ask {
                let permit = h.permit(now, COOL);
                prop_assert_eq!(permit == Permit::Allowed, h.state() != HealthState::Down);
            }
            ups_and_downs += u64::from(h.refresh(now).is_some());
            let s = h.summary(now);
            prop_assert!(s.success_bp.is_none_or(|bp| bp <= 10_000));
            prop_assert!(s.p50_ms <= s.p95_ms);
            let (minutes, samples) = h.sizes();
            prop_assert!(minutes <= RATE_MINUTES as usize && samples <= SAMPLE_CAP);
        }
        prop_assert_eq!(h.transitions(), ups_and_downs);
    }
}
