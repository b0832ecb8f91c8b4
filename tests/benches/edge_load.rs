//! `make bench`: the worker under load on loopback — requests per second and p50/p99 latency
//! of create, confirm and status, and the CPU the worker's processes spent per request (read
//! from /proc for the workerd pids in BDPAY_WORKERD_PIDS; it includes workerd's own HTTP and
//! JS work, so it is an upper bound on the Rust handler's CPU). Needs the stack `make bench`
//! starts (BDPAY_EDGE_URL, BDPAY_SANDBOX_URL).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use bdpay_tests::{Created, Stack};
use futures::stream::{self, StreamExt};
use serde_json::json;

const CONCURRENCY: usize = 8;

fn clock_ticks_per_sec() -> f64 {
    100.0 // Linux USER_HZ on every machine we run on
}

/// Total user+system CPU seconds of the given pids (0 for any that vanished).
fn cpu_secs(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| {
            // Fields after the command name (which may hold spaces) start after the last ')'.
            let rest = stat.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let utime: f64 = f.get(11)?.parse().ok()?;
            let stime: f64 = f.get(12)?.parse().ok()?;
            Some((utime + stime) / clock_ticks_per_sec())
        })
        .sum()
}

struct Figures {
    name: &'static str,
    n: usize,
    errors: usize,
    wall: Duration,
    latencies: Vec<Duration>,
    cpu_ms_per_req: Option<f64>,
}

impl Figures {
    fn print(&self) {
        let mut l = self.latencies.clone();
        l.sort();
        let pct = |p: f64| {
            l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        let rps = self.n as f64 / self.wall.as_secs_f64();
        let cpu = self.cpu_ms_per_req.map_or("n/a".to_owned(), |c| format!("{c:.2} ms"));
        println!(
            "  {:<10} {:>6} req  {:>8.1} req/s  p50 {:>7.1} ms  p99 {:>7.1} ms  errors {:>3}  worker CPU/req {}",
            self.name,
            self.n,
            rps,
            pct(0.50).as_secs_f64() * 1000.0,
            pct(0.99).as_secs_f64() * 1000.0,
            self.errors,
            cpu
        );
    }
}

/// Runs `n` calls of `call` at CONCURRENCY, timing each.
async fn run<F, Fut>(name: &'static str, n: usize, pids: &[u32], call: F) -> Figures
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let cpu0 = cpu_secs(pids);
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
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let wall = start.elapsed();
    let cpu = (!pids.is_empty()).then(|| (cpu_secs(pids) - cpu0) * 1000.0 / n as f64);
    Figures {
        name,
        n,
        errors: results.iter().filter(|(_, ok)| !ok).count(),
        wall,
        latencies: results.into_iter().map(|(d, _)| d).collect(),
        cpu_ms_per_req: cpu,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let s = Arc::new(Stack::from_env());
    let pids: Vec<u32> = std::env::var("BDPAY_WORKERD_PIDS")
        .unwrap_or_default()
        .split([',', ' '])
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    let n: usize = std::env::var("BDPAY_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    println!("edge under load: {n} requests per phase, concurrency {CONCURRENCY}, loopback, wrangler dev (workerd pids {pids:?})");

    // Warm up: the isolate, the token object, D1.
    for _ in 0..5 {
        let p = s.create(&Stack::order_id("warm"), "10.00", json!({})).await;
        let _ = s.confirm(&p, Some("bkash")).await;
        let _ = s.status(&p).await;
    }

    let created: Arc<tokio::sync::Mutex<Vec<Created>>> = Arc::default();
    let create = {
        let (s, created) = (s.clone(), created.clone());
        run("create", n, &pids, move |i| {
            let (s, created) = (s.clone(), created.clone());
            async move {
                let body = json!({ "order_id": format!("bench-{i}-{}", Stack::order_id("c")), "amount": "1250.00" });
                let r = s.merchant_post("/v1/payments", &body, None).await;
                if r.status() != 201 {
                    return false;
                }
                let v: serde_json::Value = r.json().await.unwrap_or_default();
                let p = Created {
                    id: v["id"].as_str().unwrap_or_default().to_owned(),
                    client_secret: v["client_secret"].as_str().unwrap_or_default().to_owned(),
                    body: v,
                };
                created.lock().await.push(p);
                true
            }
        })
        .await
    };
    create.print();

    let payments: Arc<Vec<Created>> = Arc::new(created.lock().await.clone());
    let confirm = {
        let (s, payments) = (s.clone(), payments.clone());
        run("confirm", payments.len(), &pids, move |i| {
            let (s, payments) = (s.clone(), payments.clone());
            async move {
                let provider = if i % 2 == 0 { "bkash" } else { "nagad" };
                s.confirm(&payments[i], Some(provider)).await.0 == 200
            }
        })
        .await
    };
    confirm.print();

    let status = {
        let (s, payments) = (s.clone(), payments.clone());
        run("status", n, &pids, move |i| {
            let (s, payments) = (s.clone(), payments.clone());
            async move { s.status(&payments[i % payments.len()]).await["status"] == "pending" }
        })
        .await
    };
    status.print();
    println!("  (confirm includes the provider round trips to the sandbox: bKash create; Nagad initialize + complete with RSA)");
}
