//! The circuit breaker of one provider in one mode, and its up / degraded / down judgement.
//!
//! - **Down** (breaker open): at least [`TRIP_MIN_FAILURES`] hard failures in the last
//!   [`TRIP_WINDOW_MS`], making up at least half of that window's calls. One-off faults (a
//!   single 502, a hang) never reach it; a provider that answers most calls never does either.
//! - While down, [`Health::permit`] refuses calls for the cooldown, then hands out one probe
//!   slot (again after [`PROBE_TIMEOUT_MS`] if the probe never reports). The first call that
//!   started after the breaker opened and answers after the cooldown decides: a success is
//!   **up**, a hard failure keeps it down and starts the cooldown again (no new transition).
//! - **Degraded** (from up): in the last [`DEGRADE_WINDOW_MS`], at least
//!   [`DEGRADE_MIN_CALLS`] calls with [`DEGRADE_MIN_FAILURES`] hard failures or more and a
//!   success rate below [`DEGRADED_BELOW_BP`]; or over [`LATENCY_WINDOW_MS`] a median latency
//!   of [`SLOW_P50_MS`] or more (at least [`LATENCY_MIN_SAMPLES`] answered calls: a timeout
//!   counts as a failure, not as latency). Back to up when
//!   neither holds even at the stricter [`RECOVERED_AT_BP`] / [`RECOVERED_P50_MS`].
//! - After a recovery from down, the trip and degrade windows start afresh (the outage's
//!   failures are not held against the recovered provider); the reported figures keep them.

use serde::{Deserialize, Serialize};

use super::window::{basis_points, percentile, Windows};
use super::{
    Call, HealthState, Summary, Transition, DEGRADED_BELOW_BP, DEGRADE_MIN_CALLS, DEGRADE_MIN_FAILURES,
    DEGRADE_WINDOW_MS, LATENCY_MIN_SAMPLES, LATENCY_WINDOW_MS, PROBE_TIMEOUT_MS, RECOVERED_AT_BP, RECOVERED_P50_MS,
    SLOW_P50_MS, TRIP_MIN_FAILURES, TRIP_WINDOW_MS,
};

/// What [`Health::permit`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permit {
    /// Up or degraded: call.
    Allowed,
    /// Down, cooldown over: this caller's call is the one probe.
    Probe,
    /// Down: cooling down, or the probe is out.
    Refused,
}

impl Permit {
    #[must_use]
    pub const fn allowed(self) -> bool {
        !matches!(self, Permit::Refused)
    }
}

/// The stored health of one provider in one mode (a few kilobytes of JSON at most).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    state: HealthState,
    since_ms: i64,
    /// Transitions so far.
    seq: u64,
    /// Down: when the breaker opened, or last reopened after a failed probe.
    #[serde(default)]
    opened_ms: Option<i64>,
    /// Down after the cooldown: when the probe slot was handed out.
    #[serde(default)]
    probe_ms: Option<i64>,
    /// The trip and degrade windows read calls answered from here on (the last recovery).
    #[serde(default)]
    evidence_from_ms: i64,
    #[serde(default)]
    windows: Windows,
}

impl Health {
    /// A provider we know nothing bad about: up since `now_ms`.
    #[must_use]
    pub fn new(now_ms: i64) -> Health {
        Health {
            state: HealthState::Up,
            since_ms: now_ms,
            seq: 0,
            opened_ms: None,
            probe_ms: None,
            evidence_from_ms: now_ms,
            windows: Windows::default(),
        }
    }

    #[must_use]
    pub fn state(&self) -> HealthState {
        self.state
    }

    /// Counts `calls` (in the order given) and judges after each; returns the transitions,
    /// each exactly once.
    pub fn record(&mut self, calls: &[Call], now_ms: i64, cooldown_ms: i64) -> Vec<Transition> {
        let mut moves = Vec::new();
        for call in calls {
            self.windows.add(call, now_ms);
            let moved = match self.state {
                HealthState::Down => self.after_open(call, now_ms, cooldown_ms),
                HealthState::Up | HealthState::Degraded => self.judge(now_ms),
            };
            moves.extend(moved);
        }
        moves
    }

    /// May a call go to the provider now? Hands out the half-open probe slot (which is
    /// why it takes `&mut self`: the caller stores the result).
    pub fn permit(&mut self, now_ms: i64, cooldown_ms: i64) -> Permit {
        if self.state != HealthState::Down {
            return Permit::Allowed;
        }
        let opened = self.opened_ms.unwrap_or(self.since_ms);
        if now_ms < opened.saturating_add(cooldown_ms) {
            return Permit::Refused;
        }
        match self.probe_ms {
            Some(p) if now_ms < p.saturating_add(PROBE_TIMEOUT_MS) => Permit::Refused,
            _ => {
                self.probe_ms = Some(now_ms);
                Permit::Probe
            }
        }
    }

    /// Judges again as time passed without calls (degraded becomes up once its evidence
    /// ages out of the window). Down changes only with a call.
    pub fn refresh(&mut self, now_ms: i64) -> Option<Transition> {
        self.windows.prune(now_ms);
        match self.state {
            HealthState::Down => None,
            HealthState::Up | HealthState::Degraded => self.judge(now_ms),
        }
    }

    /// The figures the API shows.
    #[must_use]
    pub fn summary(&self, now_ms: i64) -> Summary {
        let (calls, ok) = self.windows.rate(now_ms);
        let latencies = self.windows.latencies(now_ms.saturating_sub(LATENCY_WINDOW_MS));
        Summary {
            state: self.state,
            success_bp: basis_points(ok, calls),
            p50_ms: percentile(&latencies, 50),
            p95_ms: percentile(&latencies, 95),
            calls,
            since_ms: self.since_ms,
        }
    }

    /// Down: a call that started after the breaker opened and answered after the cooldown
    /// decides. Anything else (earlier calls, calls inside the cooldown) is only counted.
    fn after_open(&mut self, call: &Call, now_ms: i64, cooldown_ms: i64) -> Option<Transition> {
        let opened = self.opened_ms.unwrap_or(self.since_ms);
        let started = call.at_ms.saturating_sub(i64::from(call.latency_ms));
        if started < opened || now_ms < opened.saturating_add(cooldown_ms) {
            return None;
        }
        self.probe_ms = None;
        if call.failed {
            self.opened_ms = Some(now_ms);
            return None;
        }
        self.opened_ms = None;
        self.evidence_from_ms = now_ms;
        Some(self.move_to(HealthState::Up, now_ms))
    }

    /// Up or degraded: trip, degrade or recover on the windows' evidence.
    fn judge(&mut self, now_ms: i64) -> Option<Transition> {
        let (n, failed) = self.windows.count(self.from(now_ms, TRIP_WINDOW_MS));
        if failed >= TRIP_MIN_FAILURES && failed.saturating_mul(2) >= n {
            self.opened_ms = Some(now_ms);
            self.probe_ms = None;
            return Some(self.move_to(HealthState::Down, now_ms));
        }
        match self.state {
            HealthState::Up if self.poor(now_ms, DEGRADED_BELOW_BP, SLOW_P50_MS) => {
                Some(self.move_to(HealthState::Degraded, now_ms))
            }
            HealthState::Degraded if !self.poor(now_ms, RECOVERED_AT_BP, RECOVERED_P50_MS) => {
                Some(self.move_to(HealthState::Up, now_ms))
            }
            _ => None,
        }
    }

    /// Whether recent calls fail too often (rate below `floor_bp`) or are slow (median at
    /// or above `slow_ms`).
    fn poor(&self, now_ms: i64, floor_bp: u16, slow_ms: u32) -> bool {
        let (n, failed) = self.windows.count(self.from(now_ms, DEGRADE_WINDOW_MS));
        let failing = n >= DEGRADE_MIN_CALLS
            && failed >= DEGRADE_MIN_FAILURES
            && basis_points(n.saturating_sub(failed), n).is_some_and(|bp| bp < floor_bp);
        let latencies = self.windows.latencies(self.from(now_ms, LATENCY_WINDOW_MS));
        let slow = latencies.len() >= LATENCY_MIN_SAMPLES && percentile(&latencies, 50).is_some_and(|p| p >= slow_ms);
        failing || slow
    }

    /// Where a judging window of `len_ms` starts: never before the last recovery.
    fn from(&self, now_ms: i64, len_ms: i64) -> i64 {
        now_ms.saturating_sub(len_ms).max(self.evidence_from_ms)
    }

    fn move_to(&mut self, to: HealthState, now_ms: i64) -> Transition {
        let from = self.state;
        self.state = to;
        self.since_ms = now_ms;
        self.seq = self.seq.saturating_add(1);
        let s = self.summary(now_ms);
        Transition {
            seq: self.seq,
            from,
            to,
            at_ms: now_ms,
            success_bp: s.success_bp,
            p50_ms: s.p50_ms,
        }
    }

    /// Transitions so far (the last one's `seq`).
    #[must_use]
    pub fn transitions(&self) -> u64 {
        self.seq
    }

    /// How many minutes and samples the state holds (its size is bounded).
    #[must_use]
    pub fn sizes(&self) -> (usize, usize) {
        self.windows.sizes()
    }
}
