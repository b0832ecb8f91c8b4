//! `make bench`: one refund batch of 10,000 lines end to end (issue 7). Pays the payments first
//! (not timed: create, confirm, the sandbox's approve, the return URL), then posts one CSV
//! batch and polls its summary until every line has an outcome. Prints the total time and
//! lines per second, and checks the outcome: every line succeeded, and spot-checked payments
//! were refunded exactly once. `BDPAY_BENCH_BATCH_LINES` sets the size (default 10,000).
//! Needs the stack `make bench` starts (BDPAY_EDGE_URL, BDPAY_SANDBOX_URL).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use bdpay_tests::Stack;
use futures::stream::{self, StreamExt};
use serde_json::Value;

/// Payments made at once while setting up.
const SETUP_CONCURRENCY: usize = 8;
/// Wallets the sandbox lets pay; amounts differ per line, so none pays the same amount twice
/// (bKash 2029).
const WALLETS: [&str; 6] = bdpay_tests::BKASH_PAYING_WALLETS;

#[tokio::main]
async fn main() {
    let s = Stack::from_env();
    let n: usize = bdpay_tests::env_count("BDPAY_BENCH_BATCH_LINES", 10_000);

    // The setup does not need bKash's IPNs (the return URL settles each payment): dropping
    // them halves its work. Cleared before the timed part.
    s.fault(serde_json::json!({ "provider": "bkash", "op": "webhook", "fault": { "kind": "webhook_drop" } }))
        .await;
    let setup = Instant::now();
    let paid: Vec<String> = stream::iter(0..n)
        .map(|i| {
            let s = s.clone();
            async move {
                // Unique per line: 100.00, 100.01, … 199.99, 200.00, …
                let amount = format!("{}.{:02}", 100 + i / 100, i % 100);
                s.paid_bkash(&Stack::order_id("bench-batch"), &amount, WALLETS[i % WALLETS.len()])
                    .await
            }
        })
        .buffered(SETUP_CONCURRENCY)
        .collect()
        .await;
    let setup = setup.elapsed();
    s.http.delete(s.sandbox_url("/__control/faults")).send().await.unwrap();
    println!(
        "  setup: {n} bKash payments paid in {:.1} s ({:.1} payments/s, {SETUP_CONCURRENCY} at once; not part of the figure)",
        setup.as_secs_f64(),
        n as f64 / setup.as_secs_f64()
    );

    let mut csv = String::from("payment_id,amount,reason\n");
    for (i, id) in paid.iter().enumerate() {
        // Half partial refunds, half the whole remainder.
        let amount = if i % 2 == 0 { "10.00" } else { "" };
        csv.push_str(&format!("{id},{amount},bench line {i}\n"));
    }
    let bytes = csv.len();

    let started = Instant::now();
    let r = s
        .http
        .post(s.edge_url("/v1/refunds/batch"))
        .bearer_auth(bdpay_tests::MERCHANT_KEY)
        .header("content-type", "text/csv")
        .header("idempotency-key", Stack::order_id("bench-batch-key"))
        .body(csv)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let created: Value = r.json().await.unwrap();
    assert_eq!(status, 202, "{created}");
    let accepted = started.elapsed();
    let id = created["id"].as_str().unwrap().to_owned();

    let mut polls = 0;
    let done = loop {
        let (code, b) = s.merchant_get(&format!("/v1/refunds/batch/{id}?lines=none")).await;
        polls += 1;
        assert_eq!(code, 200, "{b}");
        if b["status"] == "completed" {
            break b;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3600),
            "not done in an hour: {b}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let total = started.elapsed();
    println!(
        "  refund batch: {n} lines ({} KiB CSV) accepted in {:.0} ms, done in {:.1} s: {:.1} lines/s ({polls} summary polls)",
        bytes / 1024,
        accepted.as_secs_f64() * 1000.0,
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64()
    );
    assert_eq!(
        done["succeeded"].as_u64(),
        Some(n as u64),
        "every line refunded: {done}"
    );

    // Spot checks: exactly one refund per payment, of the line's amount.
    for (i, pid) in paid.iter().enumerate().step_by(n.div_ceil(50).max(1)) {
        let (_, list) = s.merchant_get(&format!("/v1/payments/{pid}/refunds")).await;
        let data = list["data"].as_array().unwrap();
        assert_eq!(data.len(), 1, "{pid}: one refund");
        let want = if i % 2 == 0 {
            "10.00".to_owned()
        } else {
            format!("{}.{:02}", 100 + i / 100, i % 100)
        };
        assert_eq!(data[0]["amount"], want.as_str(), "{pid}");
    }
    let t = Instant::now();
    let (status, report) = s.merchant_get_text(&format!("/v1/refunds/batch/{id}?format=csv")).await;
    assert_eq!(status, 200);
    assert_eq!(report.lines().count(), n + 1, "a report line per batch line");
    println!(
        "  the per-line CSV report ({} KiB) in {:.0} ms",
        report.len() / 1024,
        t.elapsed().as_secs_f64() * 1000.0
    );
}
