//! `make bench`: whole bKash checkouts under load (issue #17), at concurrency 8 and 32, next to
//! the sandbox alone doing the same provider steps at the same concurrency in the same run.
//!
//! Through the edge, one checkout is what a shop and its shopper do: the merchant's create,
//! the widget's confirm (bKash), the sandbox's hosted page (open, wallet, OTP, PIN: the
//! shopper's browser talks to the provider directly), the return (the edge executes), and the
//! widget's status (must be `succeeded`). bKash's IPN for each payment reaches the edge too,
//! as it would live. Alone, one checkout is the provider's part of that: create (with a token
//! granted once), the same page steps, execute — sent straight to the same sandbox process.
//!
//! Printed per level: checkouts/s; p50/p99 of a checkout end to end; of the time in the edge's
//! requests (create + confirm + return + status); of the time on the page; and the latency the
//! edge adds: the edge's requests minus the provider's calls alone (create + execute), each
//! at the same quantile. docs/performance.md defines each figure.
//!
//! Env: BDPAY_EDGE_URL, BDPAY_SANDBOX_URL; BDPAY_EDGE_PGID (optional: the edge's CPU per
//! checkout); BDPAY_BENCH_CHECKOUT_N checkouts per level and side (default 200).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bdpay_tests::{bkash_page, follow_return, Stack, BKASH_PAYING_WALLETS};
use common::{quantile_ms, Group};
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

const LEVELS: [usize; 2] = [8, 32];
const BKASH: &str = "/bkash/v1.2.0-beta/tokenized/checkout";
/// The sandbox's second TEST-ONLY bKash credential set (tests/sandbox/src/bkash/choices.rs):
/// the sandbox-alone run spends none of the demo merchant's hourly token grants.
const USERNAME: &str = "testOnlyTokenizedUser03";
const PASSWORD: &str = "testOnlyTokenizedUser03@12345";
const APP_KEY: &str = "testonly0second0appkey0003";
const APP_SECRET: &str = "testonly0second0appsecret0not0issued0by0bkash000003";

/// One checkout's times: end to end, in requests to the edge (or, alone, the provider's API
/// calls), on the hosted page.
#[derive(Clone, Copy)]
struct Times {
    total: Duration,
    calls: Duration,
    page: Duration,
}

struct Level {
    wall: Duration,
    ok: Vec<Times>,
    errors: usize,
}

impl Level {
    fn q(&self, pick: impl Fn(&Times) -> Duration, p: f64) -> f64 {
        quantile_ms(&self.ok.iter().map(pick).collect::<Vec<_>>(), p)
    }
    /// "p50 … p99 … ms" of the completed checkouts, or n/a when none completed.
    fn pair(&self, pick: impl Fn(&Times) -> Duration + Copy) -> String {
        if self.ok.is_empty() {
            return "p50 n/a p99 n/a".to_owned();
        }
        format!("p50 {:>5.0} p99 {:>5.0} ms", self.q(pick, 0.5), self.q(pick, 0.99))
    }
    fn per_sec(&self) -> f64 {
        self.ok.len() as f64 / self.wall.as_secs_f64()
    }
}

/// Unique amounts per wallet within 2 minutes (bKash's 2029): 800.00… through the edge,
/// 900.00… alone; other benches use other ranges.
fn amount(base: u32, k: usize) -> String {
    format!("{}.{:02}", base as usize + k / 100, k % 100)
}

async fn timed<T>(sum: &mut Duration, f: impl std::future::Future<Output = T>) -> T {
    let t = Instant::now();
    let out = f.await;
    *sum += t.elapsed();
    out
}

/// One checkout through the edge; None when any step did not do what it should.
async fn through_edge(s: Stack, k: usize) -> Option<Times> {
    let start = Instant::now();
    let (mut calls, mut page) = (Duration::ZERO, Duration::ZERO);
    let body = json!({ "order_id": Stack::order_id("bench-checkout"), "amount": amount(800, k),
        "return_url": "http://shop.example/return?x=1" });
    let r = timed(&mut calls, s.merchant_post("/v1/payments", &body, None)).await;
    if r.status() != 201 {
        return None;
    }
    let v: Value = r.json().await.ok()?;
    let p = bdpay_tests::Created {
        id: v["id"].as_str()?.to_owned(),
        client_secret: v["client_secret"].as_str()?.to_owned(),
        body: v,
    };
    let (code, confirmed) = timed(&mut calls, s.confirm(&p, Some("bkash"))).await;
    if code != 200 || confirmed["provider"] != "bkash" {
        return None;
    }
    let url = confirmed["redirect_url"].as_str()?;
    let wallet = BKASH_PAYING_WALLETS[k % BKASH_PAYING_WALLETS.len()];
    let back = timed(&mut page, bkash_page(&s.http, url, wallet, false)).await;
    let (code, to) = timed(&mut calls, follow_return(&s.http, &back)).await;
    if code != 303 || !to.unwrap_or_default().contains("bdpay_status=succeeded") {
        return None;
    }
    let status = timed(&mut calls, s.status(&p)).await;
    (status["status"] == "succeeded").then(|| Times {
        total: start.elapsed(),
        calls,
        page,
    })
}

/// The provider's part of one checkout, straight to the sandbox.
async fn sandbox_alone(s: Stack, token: Arc<String>, k: usize) -> Option<Times> {
    let start = Instant::now();
    let (mut calls, mut page) = (Duration::ZERO, Duration::ZERO);
    let api = |op: &str, body: Value| {
        s.http
            .post(s.sandbox_url(&format!("{BKASH}/{op}")))
            .header("authorization", token.as_str())
            .header("x-app-key", APP_KEY)
            .json(&body)
            .send()
    };
    let created: Value = timed(&mut calls, async {
        api(
            "create",
            json!({ "mode": "0011", "payerReference": " ", "callbackURL": "http://127.0.0.1/return",
                    "amount": amount(900, k), "currency": "BDT", "intent": "sale",
                    "merchantInvoiceNumber": format!("BENCH-ALONE-{k}") }),
        )
        .await
        .ok()?
        .json()
        .await
        .ok()
    })
    .await?;
    let id = created["paymentID"].as_str()?;
    let url = created["bkashURL"].as_str()?;
    let wallet = BKASH_PAYING_WALLETS[k % BKASH_PAYING_WALLETS.len()];
    timed(&mut page, bkash_page(&s.http, url, wallet, false)).await;
    let done: Value = timed(&mut calls, async {
        api("execute", json!({ "paymentID": id })).await.ok()?.json().await.ok()
    })
    .await?;
    (done["statusCode"] == "0000").then(|| Times {
        total: start.elapsed(),
        calls,
        page,
    })
}

/// `n` checkouts at `concurrency`, each in its own task (a panicking step counts as an error).
async fn level<F, Fut>(n: usize, concurrency: usize, one: F) -> Level
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Option<Times>> + Send + 'static,
{
    let start = Instant::now();
    let results: Vec<Option<Times>> = stream::iter(0..n)
        .map(|i| {
            let task = tokio::spawn(one(i));
            async move { task.await.ok().flatten() }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let wall = start.elapsed();
    let errors = results.iter().filter(|r| r.is_none()).count();
    Level {
        wall,
        ok: results.into_iter().flatten().collect(),
        errors,
    }
}

async fn grant(s: &Stack) -> String {
    let r: Value = s
        .http
        .post(s.sandbox_url(&format!("{BKASH}/token/grant")))
        .header("username", USERNAME)
        .header("password", PASSWORD)
        .json(&json!({ "app_key": APP_KEY, "app_secret": APP_SECRET }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["id_token"]
        .as_str()
        .unwrap_or_else(|| panic!("sandbox grant: {r}"))
        .to_owned()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let s = Stack::from_env();
    let n = bdpay_tests::env_count("BDPAY_BENCH_CHECKOUT_N", 200);
    let group = Group::from_env("BDPAY_EDGE_PGID");
    let token = Arc::new(grant(&s).await);
    let next_edge = Arc::new(AtomicUsize::new(0));
    let next_alone = Arc::new(AtomicUsize::new(0));
    println!(
        "  {n} bKash checkouts per level and side: create → confirm → the sandbox's page (open, wallet, OTP, PIN) → return → status"
    );
    // Warm up the edge (isolate, token object, execute path).
    for _ in 0..3 {
        let k = next_edge.fetch_add(1, Ordering::Relaxed);
        through_edge(s.clone(), k).await;
    }
    for c in LEVELS {
        // The provider alone first, its IPNs dropped (no edge has these payments).
        s.fault(json!({ "provider": "bkash", "op": "webhook", "fault": { "kind": "webhook_drop" } }))
            .await;
        let alone = {
            let (s, token, next) = (s.clone(), token.clone(), next_alone.clone());
            level(n, c, move |_| {
                sandbox_alone(s.clone(), token.clone(), next.fetch_add(1, Ordering::Relaxed))
            })
            .await
        };
        s.http.delete(s.sandbox_url("/__control/faults")).send().await.unwrap();
        if let Some(g) = group {
            g.settle(Duration::from_secs(10)).await;
        }
        let cpu0 = group.map(|g| g.cpu().workerd);
        let edge = {
            let (s, next) = (s.clone(), next_edge.clone());
            level(n, c, move |_| {
                through_edge(s.clone(), next.fetch_add(1, Ordering::Relaxed))
            })
            .await
        };
        // The IPNs and anything else the checkouts left the edge to do, then its CPU.
        let cpu = match (group, cpu0) {
            (Some(g), Some(c0)) if !edge.ok.is_empty() => {
                g.settle(Duration::from_secs(10)).await;
                format!(
                    "{:.1} ms",
                    (g.cpu().workerd - c0) * 1000.0 / edge.ok.len().max(1) as f64
                )
            }
            _ => "n/a".to_owned(),
        };
        println!("  concurrency {c}:");
        println!(
            "    through the edge   {:>6.1} checkouts/s   checkout {}   edge requests {}   page {}   errors {}   edge CPU/checkout {cpu} (workerd, with its IPN)",
            edge.per_sec(),
            edge.pair(|t| t.total),
            edge.pair(|t| t.calls),
            edge.pair(|t| t.page),
            edge.errors
        );
        println!(
            "    sandbox alone      {:>6.1} checkouts/s   checkout {}   provider calls {}   page {}   errors {}",
            alone.per_sec(),
            alone.pair(|t| t.total),
            alone.pair(|t| t.calls),
            alone.pair(|t| t.page),
            alone.errors
        );
        if edge.ok.is_empty() || alone.ok.is_empty() {
            println!("    added by the edge  n/a: no checkout completed on one side");
        } else {
            println!(
                "    added by the edge  p50 {:.0} ms   p99 {:.0} ms per checkout (edge requests − provider calls alone, same quantile)",
                edge.q(|t| t.calls, 0.5) - alone.q(|t| t.calls, 0.5),
                edge.q(|t| t.calls, 0.99) - alone.q(|t| t.calls, 0.99)
            );
        }
    }
    println!("  edge requests = create + confirm + return + status; provider calls = create + execute; page = open + wallet + OTP + PIN");
}
