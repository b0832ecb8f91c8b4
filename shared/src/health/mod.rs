//! Provider health: how each provider has been answering our calls, per mode. Every call is
//! classified here (a hard failure, or the provider working), counted in two windows
//! ([`window`]), and judged by the circuit breaker ([`breaker::Health`]): `up`, `degraded` or
//! `down` (routing's [`HealthState`], which routing reads back through [`Summary::routing`]),
//! with the transitions the edge announces. Thresholds are the constants below;
//! docs/design.md ("Provider health") explains them. No clock: `now` is an argument.

pub mod breaker;
pub mod window;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::errors::catalog::{self, Action};
use crate::provider::Provider;
use crate::routing::ProviderHealth;

pub use breaker::{Health, Permit};

pub use crate::routing::HealthState;

/// routing's state is health's own (wire names `up`, `degraded`, `down`); what only health
/// needs is added here.
impl HealthState {
    /// The merchant event announcing a move into this state.
    #[must_use]
    pub const fn event_type(self) -> &'static str {
        match self {
            HealthState::Up => "provider.up",
            HealthState::Degraded => "provider.degraded",
            HealthState::Down => "provider.down",
        }
    }
}

/// Down: at least this many hard failures in [`TRIP_WINDOW_MS`] ...
pub const TRIP_MIN_FAILURES: u32 = 8;
/// ... making up at least half of the calls in that window.
pub const TRIP_WINDOW_MS: i64 = 2 * 60_000;
/// Degraded: in [`DEGRADE_WINDOW_MS`], at least this many calls ...
pub const DEGRADE_MIN_CALLS: u32 = 20;
/// ... at least this many hard failures ...
pub const DEGRADE_MIN_FAILURES: u32 = 5;
/// ... and a success rate below this (basis points) ...
pub const DEGRADED_BELOW_BP: u16 = 8_000;
/// ... (degraded again becomes up only at this rate or better) ...
pub const RECOVERED_AT_BP: u16 = 9_000;
pub const DEGRADE_WINDOW_MS: i64 = 10 * 60_000;
/// ... or, over [`LATENCY_WINDOW_MS`], at least this many calls ...
pub const LATENCY_MIN_SAMPLES: usize = 10;
/// ... whose median latency is at least this (up again below [`RECOVERED_P50_MS`]).
pub const SLOW_P50_MS: u32 = 5_000;
pub const RECOVERED_P50_MS: u32 = 2_500;
/// The latency percentiles' window (`p50_ms`, `p95_ms`).
pub const LATENCY_WINDOW_MS: i64 = 5 * 60_000;
/// A half-open probe that has not reported after this long frees its slot: longer than a
/// provider call may take (30 s, docs/providers.md A.1), so a slow probe still reports first.
pub const PROBE_TIMEOUT_MS: i64 = 45_000;
/// How long a down provider gets no calls before one probe, unless configured.
pub const DEFAULT_COOLDOWN_SECS: i64 = 30;
/// The longest cooldown a setting may ask for.
pub const MAX_COOLDOWN_SECS: i64 = 3_600;

/// The breaker's cooldown in milliseconds from its setting (`BDPAY_BREAKER_COOLDOWN_SECS`):
/// whole seconds, 1 ..= 3600; absent or anything else is the default, 30 s.
#[must_use]
pub fn cooldown_ms(setting: Option<&str>) -> i64 {
    setting
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|s| (1..=MAX_COOLDOWN_SECS).contains(s))
        .unwrap_or(DEFAULT_COOLDOWN_SECS)
        * 1_000
}

/// One provider call as health counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub provider: Provider,
    /// A hard failure ([`is_hard_failure`]): the provider did not work.
    pub failed: bool,
    pub latency_ms: u32,
    /// When the answer came (unix ms).
    pub at_ms: i64,
}

impl Call {
    /// A call from its ledger record (`provider_calls`: HTTP status, provider code, outcome
    /// word `ok` | `declined` | `unknown` | `error`).
    #[must_use]
    pub fn observed(
        provider: Provider,
        http_status: Option<u16>,
        provider_code: Option<&str>,
        outcome: &str,
        latency_ms: u32,
        at_ms: i64,
    ) -> Call {
        Call {
            provider,
            failed: is_hard_failure(provider, http_status, provider_code, outcome),
            latency_ms,
            at_ms,
        }
    }
}

/// Whether a call shows the provider not working: no answer at all (timeout, broken
/// connection), an HTTP 5xx (503 when it is down, a 502 from a gateway or our Nagad relay), or,
/// on a call the edge could not settle (`unknown`), a code the provider uses for its own passing
/// fault (the catalog's `Retry` rows: bKash `503` "system under maintenance", `9999`, Nagad
/// `16_0006_075`, …). Not a hard failure: a success, any decline (wrong PIN, insufficient
/// balance: the provider working), a "query again" code, and anything the edge read as our own
/// credentials or request (`error`: bKash also answers wrong credentials with `9999`).
#[must_use]
pub fn is_hard_failure(
    provider: Provider,
    http_status: Option<u16>,
    provider_code: Option<&str>,
    outcome: &str,
) -> bool {
    if matches!(outcome, "ok" | "declined") {
        return false;
    }
    match http_status {
        None => true,
        Some(status) if status >= 500 => true,
        Some(_) => {
            outcome == "unknown"
                && provider_code
                    .and_then(|code| catalog::find(provider, code.trim()))
                    .is_some_and(|row| row.info.action == Action::Retry)
        }
    }
}

/// One provider's health now, as the API shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub state: HealthState,
    /// Calls that were not hard failures, of all calls in the last two hours (basis points,
    /// 0 ..= 10000); `None` without calls.
    pub success_bp: Option<u16>,
    /// Latency percentiles over the last five minutes' sample; `None` without calls.
    pub p50_ms: Option<u32>,
    pub p95_ms: Option<u32>,
    /// Calls in the last two hours.
    pub calls: u32,
    /// When the state was entered (unix ms).
    pub since_ms: i64,
}

impl Summary {
    /// What routing reads of it (`shared::routing`): the state, the two-hour success rate of
    /// the provider's calls, and the five-minute median latency.
    #[must_use]
    pub const fn routing(&self) -> ProviderHealth {
        ProviderHealth {
            state: self.state,
            success_bp: self.success_bp,
            p50_ms: self.p50_ms,
        }
    }
}

/// A move between states, announced once (`seq` numbers them per provider and mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub seq: u64,
    pub from: HealthState,
    pub to: HealthState,
    pub at_ms: i64,
    /// The two-hour success rate and five-minute median at the move (the event's figures).
    pub success_bp: Option<u16>,
    pub p50_ms: Option<u32>,
}

/// Basis points as the API's percent string with two places: 9950 → `"99.50"`.
#[must_use]
pub fn percent(bp: u16) -> String {
    let bp = bp.min(10_000);
    let (whole, part) = (bp / 100, bp % 100);
    let mut s = whole.to_string();
    s.push('.');
    if part < 10 {
        s.push('0');
    }
    s.push_str(&part.to_string());
    s
}
