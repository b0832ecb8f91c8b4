//! The figures behind provider health, bounded whatever the traffic: per-minute counts of
//! calls and successes for the two-hour success rate, and a sample of the most recent calls
//! (when, how long, failed or not) for the latency percentiles and the breaker's windows.

use serde::{Deserialize, Serialize};

use super::Call;

/// Minutes the success rate covers (two hours).
pub const RATE_MINUTES: i64 = 120;
/// The most recent calls kept in the sample.
pub const SAMPLE_CAP: usize = 64;
/// Sampled calls older than this are dropped (the longest window that reads them).
pub const SAMPLE_MAX_AGE_MS: i64 = super::DEGRADE_WINDOW_MS;

const MINUTE_MS: i64 = 60_000;

/// One minute's calls and successes (not hard failures).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minute {
    /// Unix minute (unix ms / 60,000).
    #[serde(rename = "m")]
    pub minute: i64,
    #[serde(rename = "n")]
    pub calls: u32,
    pub ok: u32,
}

/// One sampled call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    #[serde(rename = "t")]
    pub at_ms: i64,
    #[serde(rename = "ms")]
    pub latency_ms: u32,
    #[serde(rename = "f")]
    pub failed: bool,
}

/// Both windows: at most [`RATE_MINUTES`] minutes and [`SAMPLE_CAP`] samples.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows {
    #[serde(default)]
    minutes: Vec<Minute>,
    #[serde(default)]
    samples: Vec<Sample>,
}

impl Windows {
    /// Counts `call` (its time capped at `now_ms`: a clock ahead of ours changes nothing).
    /// A call older than two hours is not counted; older than ten minutes, not sampled.
    pub fn add(&mut self, call: &Call, now_ms: i64) {
        let at = call.at_ms.min(now_ms);
        self.prune(now_ms);
        let minute = at.div_euclid(MINUTE_MS);
        if minute >= oldest_minute(now_ms) {
            let ok = u32::from(!call.failed);
            match self.minutes.binary_search_by_key(&minute, |m| m.minute) {
                Ok(i) => {
                    if let Some(m) = self.minutes.get_mut(i) {
                        m.calls = m.calls.saturating_add(1);
                        m.ok = m.ok.saturating_add(ok);
                    }
                }
                Err(i) => self.minutes.insert(i, Minute { minute, calls: 1, ok }),
            }
        }
        if at >= now_ms.saturating_sub(SAMPLE_MAX_AGE_MS) {
            if self.samples.len() >= SAMPLE_CAP {
                self.samples.remove(0);
            }
            self.samples.push(Sample {
                at_ms: at,
                latency_ms: call.latency_ms,
                failed: call.failed,
            });
        }
    }

    /// Drops what no window reads any more.
    pub fn prune(&mut self, now_ms: i64) {
        let oldest = oldest_minute(now_ms);
        self.minutes.retain(|m| m.minute >= oldest);
        let cutoff = now_ms.saturating_sub(SAMPLE_MAX_AGE_MS);
        self.samples.retain(|s| s.at_ms >= cutoff);
        // A state stored by other code (or hand-edited) never grows past the caps.
        let extra = self.minutes.len().saturating_sub(RATE_MINUTES as usize);
        self.minutes.drain(..extra);
        let extra = self.samples.len().saturating_sub(SAMPLE_CAP);
        self.samples.drain(..extra);
    }

    /// (calls, successes) in the last [`RATE_MINUTES`] minutes.
    #[must_use]
    pub fn rate(&self, now_ms: i64) -> (u32, u32) {
        let oldest = oldest_minute(now_ms);
        self.minutes
            .iter()
            .filter(|m| m.minute >= oldest)
            .fold((0u32, 0u32), |(n, ok), m| {
                (n.saturating_add(m.calls), ok.saturating_add(m.ok))
            })
    }

    /// (sampled calls, hard failures among them) answered at or after `from_ms`.
    #[must_use]
    pub fn count(&self, from_ms: i64) -> (u32, u32) {
        self.samples
            .iter()
            .filter(|s| s.at_ms >= from_ms)
            .fold((0u32, 0u32), |(n, failed), s| {
                (n.saturating_add(1), failed.saturating_add(u32::from(s.failed)))
            })
    }

    /// The latencies of sampled calls the provider answered (not hard failures: a timeout is
    /// our limit, not the provider's speed, and a quick 503 no sign of health) at or after
    /// `from_ms`, sorted.
    #[must_use]
    pub fn latencies(&self, from_ms: i64) -> Vec<u32> {
        let mut l: Vec<u32> = self
            .samples
            .iter()
            .filter(|s| s.at_ms >= from_ms && !s.failed)
            .map(|s| s.latency_ms)
            .collect();
        l.sort_unstable();
        l
    }

    /// How many minutes and samples are kept (for the bounds' tests).
    #[must_use]
    pub fn sizes(&self) -> (usize, usize) {
        (self.minutes.len(), self.samples.len())
    }
}

/// The first minute the success rate still counts.
fn oldest_minute(now_ms: i64) -> i64 {
    now_ms.div_euclid(MINUTE_MS) - (RATE_MINUTES - 1)
}

/// The nearest-rank percentile (`pct` 1 ..= 100) of sorted values; `None` when empty.
#[must_use]
pub fn percentile(sorted: &[u32], pct: u32) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (u64::from(pct.clamp(1, 100)) * n).div_ceil(100);
    let index = usize::try_from(rank.saturating_sub(1)).unwrap_or(usize::MAX);
    sorted.get(index).or_else(|| sorted.last()).copied()
}

/// `ok` of `calls` in basis points (rounded down); `None` without calls.
#[must_use]
pub fn basis_points(ok: u32, calls: u32) -> Option<u16> {
    if calls == 0 {
        return None;
    }
    let bp = u64::from(ok.min(calls)) * 10_000 / u64::from(calls);
    u16::try_from(bp).ok()
}
