//! `make bench`: success under faults (issue #14). 1,000 simulated checkouts, each a shopper
//! who taps bKash, pays on the wallet's page (the sandbox's pages driven over HTTP) and waits
//! on the status, while bKash fails 30 % of its payment calls (create, execute, query: HTTP
//! 503) and then goes down for a stretch. Half the payments allow failover, half were created
//! with `"allow_failover": false`, interleaved, so both figures come from the same minutes of
//! the same faults. Prints the share that succeeded of each: while the shopper waited (120 s
//! on the status screen), and in the end, once bKash is back (a payment whose execute bKash
//! never answered settles then, by our own re-check). Our goal: at least 95 % with failover
//! on. `BDPAY_BENCH_CHECKOUTS` sets the count (default 1,000).
//! Needs the stack `make bench` starts (BDPAY_EDGE_URL, BDPAY_SANDBOX_URL).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use bdpay_tests::{bkash_page, follow_return, nagad_page, Stack};
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

/// Checkouts under way at once.
const CONCURRENCY: usize = 16;
/// The share of checkouts (from the start) under the 30 % fault; the rest run with bKash down.
const FLAKY_SHARE: f64 = 0.7;
/// How long a shopper waits on the status screen after the wallet's page.
const PATIENCE: Duration = Duration::from_secs(120);
const NAGAD_WALLET: &str = "01711000001";

/// How one checkout ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Paid,
    /// The confirm was refused (the shopper saw an error and no wallet page).
    Refused,
    /// The wallet's page was paid, but the payment did not succeed within PATIENCE.
    NotSettled,
}

/// bKash's payment calls get `fault` (on `percent` of them); its IPNs are dropped (not needed:
/// the return settles each payment; fewer requests).
async fn set_faults(s: &Stack, fault: Value, percent: Option<u8>) {
    s.http.delete(s.sandbox_url("/__control/faults")).send().await.unwrap();
    s.fault(json!({ "provider": "bkash", "op": "webhook", "fault": { "kind": "webhook_drop" } }))
        .await;
    for op in ["create", "execute", "query"] {
        let mut rule = json!({ "provider": "bkash", "op": op, "fault": fault });
        if let Some(p) = percent {
            rule["percent"] = json!(p);
        }
        s.fault(rule).await;
    }
}

async fn checkout(s: &Stack, i: usize, failover: bool) -> (End, Option<bdpay_tests::Created>) {
    // Unique amounts: the bKash sandbox refuses the same wallet and amount twice in 2 minutes.
    let amount = format!("{}.{:02}", 300 + i / 100, i % 100);
    let wallet = bdpay_tests::BKASH_PAYING_WALLETS[i % bdpay_tests::BKASH_PAYING_WALLETS.len()];
    let p = s
        .create(
            &Stack::order_id("bench-failover"),
            &amount,
            json!({ "allow_failover": failover }),
        )
        .await;
    let (code, confirmed) = s.confirm(&p, Some("bkash")).await;
    if code != 200 {
        return (End::Refused, None);
    }
    let page = confirmed["redirect_url"].as_str().unwrap_or_default();
    let back = match confirmed["provider"].as_str() {
        Some("nagad") => nagad_page(&s.http, page, NAGAD_WALLET, false).await,
        _ => bkash_page(&s.http, page, wallet, false).await,
    };
    follow_return(&s.http, &back).await;
    match s.wait_final(&p, PATIENCE).await["status"].as_str() {
        Some("succeeded") => (End::Paid, None),
        _ => (End::NotSettled, Some(p)),
    }
}

/// One checkout's result: failover on?, how it ended while the shopper waited, and whether it
/// succeeded in the end.
type Result = (bool, End, bool);

fn line(name: &str, results: &[Result]) -> String {
    let n = results.len().max(1) as f64;
    let count = |e: End| results.iter().filter(|r| r.1 == e).count();
    let paid = count(End::Paid);
    let in_the_end = results.iter().filter(|r| r.2).count();
    format!(
        "  failover {name}: {paid}/{} succeeded while the shopper waited ({:.1} %), {in_the_end} in the end ({:.1} %); refused at confirm {}, not settled within {} s {}",
        results.len(),
        100.0 * paid as f64 / n,
        100.0 * in_the_end as f64 / n,
        count(End::Refused),
        PATIENCE.as_secs(),
        count(End::NotSettled)
    )
}

#[tokio::main]
async fn main() {
    let s = Stack::from_env();
    let n: usize = bdpay_tests::env_count("BDPAY_BENCH_CHECKOUTS", 1_000);
    let flaky_until = (n as f64 * FLAKY_SHARE) as usize;
    set_faults(&s, json!({ "kind": "status", "status": 503 }), Some(30)).await;
    let started = Instant::now();
    let ends: Vec<(bool, End, Option<bdpay_tests::Created>)> = stream::iter(0..n)
        .map(|i| {
            let s = s.clone();
            async move {
                if i == flaky_until {
                    // bKash goes down for the rest of the run.
                    set_faults(&s, json!({ "kind": "down" }), None).await;
                }
                let failover = i % 2 == 0;
                let (end, open) = checkout(&s, i, failover).await;
                (failover, end, open)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let took = started.elapsed();
    // bKash is back: what was still open settles (or not) by the edge's own re-checks.
    s.http.delete(s.sandbox_url("/__control/faults")).send().await.unwrap();
    let results: Vec<Result> = stream::iter(ends)
        .map(|(on, end, open)| {
            let s = s.clone();
            async move {
                let settled = match open {
                    Some(p) => s.wait_final(&p, PATIENCE).await["status"] == "succeeded",
                    None => end == End::Paid,
                };
                (on, end, settled)
            }
        })
        .buffer_unordered(CONCURRENCY * 4)
        .collect()
        .await;
    let pick = |on: bool| results.iter().filter(|r| r.0 == on).copied().collect::<Vec<_>>();
    println!(
        "  {n} checkouts in {:.0} s ({CONCURRENCY} at once): the first {flaky_until} with bKash failing 30 % of create/execute/query calls, the rest with bKash down",
        took.as_secs_f64()
    );
    println!("{}", line("on ", &pick(true)));
    println!("{}", line("off", &pick(false)));
    println!("  goal: at least 95 % with failover on");
}
