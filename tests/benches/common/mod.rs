//! What the load benches share: CPU time of a process group's processes read from /proc,
//! waiting for a worker to fall quiet, running calls at a fixed concurrency, percentiles.

#![allow(dead_code)] // each bench uses a part

use std::future::Future;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

/// Linux USER_HZ: /proc's utime and stime count in these ticks (100 on every machine we run on).
const TICKS_PER_SEC: f64 = 100.0;

/// A `wrangler dev` started with `setsid` by scripts/bench.sh: its process group holds wrangler
/// (node), esbuild and the workerd processes that serve the worker.
#[derive(Clone, Copy, Debug)]
pub struct Group {
    pub pgid: u32,
}

/// CPU seconds (user + system, all threads) per process name within one group.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cpu {
    /// Every `workerd` process of the group (wrangler's entry proxy and the worker's own).
    pub workerd: f64,
    /// wrangler's node processes (it logs each request it proxies; not counted in our figures).
    pub node: f64,
}

impl Cpu {
    pub fn minus(self, before: Cpu) -> Cpu {
        Cpu {
            workerd: self.workerd - before.workerd,
            node: self.node - before.node,
        }
    }
}

impl Group {
    /// From an environment variable holding the pgid; None when unset or not a number.
    pub fn from_env(name: &str) -> Option<Group> {
        std::env::var(name).ok()?.trim().parse().ok().map(|pgid| Group { pgid })
    }

    /// The group's CPU so far. A process that exits takes its time along (none of these does
    /// while a bench runs); one that starts later counts from its start.
    pub fn cpu(&self) -> Cpu {
        let mut cpu = Cpu::default();
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return cpu;
        };
        for entry in dir.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().filter(|n| n.bytes().all(|b| b.is_ascii_digit())) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // "pid (comm) state ppid pgrp …": comm may hold spaces, so split at the last ')'.
            let Some((head, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            let comm = head.split_once('(').map_or("", |(_, c)| c);
            let f: Vec<&str> = rest.split_whitespace().collect();
            if f.get(2).and_then(|g| g.parse::<u32>().ok()) != Some(self.pgid) {
                continue;
            }
            let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            let secs = (ticks(11) + ticks(12)) / TICKS_PER_SEC;
            match comm {
                "workerd" => cpu.workerd += secs,
                "node" => cpu.node += secs,
                _ => {}
            }
        }
        cpu
    }

    /// Waits (at most `cap`) until the group's workerd spends no tick in two 250 ms windows
    /// running: work a phase left behind (waitUntil, alarms due now) is then done, and the
    /// next phase starts from a quiet worker.
    pub async fn settle(&self, cap: Duration) {
        let end = Instant::now() + cap;
        let mut quiet = 0;
        let mut last = self.cpu().workerd;
        while quiet < 2 && Instant::now() < end {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let now = self.cpu().workerd;
            quiet = if now - last < 0.5 / TICKS_PER_SEC { quiet + 1 } else { 0 };
            last = now;
        }
    }
}

/// Timings of one phase: each call's latency and whether it did what it should.
pub struct Run {
    pub wall: Duration,
    pub latencies: Vec<Duration>,
    pub errors: usize,
}

impl Run {
    pub fn n(&self) -> usize {
        self.latencies.len()
    }
    pub fn per_sec(&self) -> f64 {
        self.n() as f64 / self.wall.as_secs_f64()
    }
    /// The p-quantile (0..=1) of the latencies, in ms (nearest rank).
    pub fn ms(&self, p: f64) -> f64 {
        quantile_ms(&self.latencies, p)
    }
}

/// The p-quantile (0..=1) of `xs` in ms (nearest rank); 0 when empty.
pub fn quantile_ms(xs: &[Duration], p: f64) -> f64 {
    let mut l = xs.to_vec();
    l.sort();
    let i = ((l.len() as f64 - 1.0) * p).round() as usize;
    l.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Runs `call(0..n)` with `concurrency` in flight, timing each.
pub async fn run<F, Fut>(n: usize, concurrency: usize, call: F) -> Run
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    let results: Vec<(Duration, bool)> = stream::iter(0..n)
        .map(|i| {
            let fut = call(i);
            async move {
                let t = Instant::now();
                let ok = fut.await;
                (t.elapsed(), ok)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    Run {
        wall: start.elapsed(),
        errors: results.iter().filter(|(_, ok)| !ok).count(),
        latencies: results.into_iter().map(|(d, _)| d).collect(),
    }
}
