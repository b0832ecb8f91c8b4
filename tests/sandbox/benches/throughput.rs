//! Loopback throughput of the bKash half: grant + create + hosted page (open, wallet, OTP,
//! PIN form posts, as a shopper's browser sends them) + execute, one sandbox in-process,
//! a reqwest client at several concurrency levels. Prints requests/s and p50/p99 per call.
//!
//! `cargo bench -p bdpay-sandbox --bench throughput` (finishes in well under 60 s).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bdpay_sandbox::bkash::choices;
use bdpay_sandbox::Config;
use serde_json::{json, Value};

const BASE: &str = "/bkash/v1.2.0-beta/tokenized/checkout";
/// Payments per concurrency level, and the time cap per level.
const PAYMENTS: usize = 3200;
const LEVEL_CAP: Duration = Duration::from_secs(12);
const OPS: [&str; 4] = ["grant", "create", "page (each of 4)", "execute"];

struct Client {
    http: reqwest::Client,
    origin: String,
}

impl Client {
    async fn post_json(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut req = self
            .http
            .post(format!("{}{path}", self.origin))
            .header("content-type", "application/json");
        req = match token {
            Some(t) => req.header("authorization", t).header("x-app-key", choices::APP_KEY),
            None => req
                .header("username", choices::USERNAME)
                .header("password", choices::PASSWORD),
        };
        req.body(body.to_string()).send().await.unwrap().json().await.unwrap()
    }

    async fn form(&self, step: &str, id: &str, hash: &str, value: &str) {
        let form = [("paymentId", id), ("hash", hash), (step, value), ("action", "confirm")];
        let r = self
            .http
            .post(format!("{}/bkash/payment/{step}", self.origin))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
}

/// One payment, timing each call into `lat[op]` (microseconds).
async fn one_payment(c: &Client, n: u64, lat: &mut [Vec<u64>; 4]) {
    let mut time = |op: usize, since: Instant| lat[op].push(since.elapsed().as_micros() as u64);
    let t = Instant::now();
    let granted = c
        .post_json(
            &format!("{BASE}/token/grant"),
            None,
            json!({"app_key": choices::APP_KEY, "app_secret": choices::APP_SECRET}),
        )
        .await;
    time(0, t);
    let token = granted["id_token"].as_str().expect("grant");
    // Unique amounts: the same wallet and amount twice within 2 minutes would be 2029.
    let amount = format!("{}.{:02}", 1 + n / 100, n % 100);
    let t = Instant::now();
    let created = c
        .post_json(
            &format!("{BASE}/create"),
            Some(token),
            json!({"mode":"0011","payerReference":" ","callbackURL":"http://127.0.0.1/return",
            "amount": amount,"currency":"BDT","intent":"sale","merchantInvoiceNumber": format!("BENCH-{n}")}),
        )
        .await;
    time(1, t);
    let id = created["paymentID"].as_str().expect("create");
    let url = created["bkashURL"].as_str().unwrap();
    let hash = url.split("hash=").nth(1).unwrap().split('&').next().unwrap();
    let t = Instant::now();
    assert_eq!(c.http.get(url).send().await.unwrap().status(), 200);
    time(2, t);
    for (step, value) in [("wallet", "01770618575"), ("otp", choices::OTP), ("pin", choices::PIN)] {
        let t = Instant::now();
        c.form(step, id, hash, value).await;
        time(2, t);
    }
    let t = Instant::now();
    let done = c
        .post_json(&format!("{BASE}/execute"), Some(token), json!({"paymentID": id}))
        .await;
    time(3, t);
    assert_eq!(done["statusCode"], "0000", "{done}");
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0) as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let mut config = Config::new("");
    config.bkash_token_budget = u32::MAX;
    let (addr, _sandbox) = bdpay_sandbox::spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let client = Arc::new(Client {
        http,
        origin: format!("http://{addr}"),
    });
    let counter = Arc::new(AtomicU64::new(0));
    println!("bdpay-sandbox bKash loopback throughput: grant + create + page (4) + execute = 7 requests a payment");
    for workers in [1usize, 4, 16] {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (client, counter) = (client.clone(), counter.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat: [Vec<u64>; 4] = Default::default();
                let mut paid = 0usize;
                while paid < PAYMENTS / workers && started.elapsed() < LEVEL_CAP {
                    one_payment(&client, counter.fetch_add(1, Ordering::Relaxed), &mut lat).await;
                    paid += 1;
                }
                (paid, lat)
            }));
        }
        let mut all: [Vec<u64>; 4] = Default::default();
        let mut payments = 0;
        for t in tasks {
            let (paid, lat) = t.await.unwrap();
            payments += paid;
            for (into, from) in all.iter_mut().zip(lat) {
                into.extend(from);
            }
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "concurrency {workers:>2}: {payments} payments in {secs:.2} s = {:.0} payments/s, {:.0} requests/s",
            payments as f64 / secs,
            (payments * 7) as f64 / secs
        );
        for (op, lat) in OPS.iter().zip(all.iter_mut()) {
            lat.sort_unstable();
            println!(
                "    {op:<17} p50 {:>7.2} ms   p99 {:>7.2} ms",
                pct(lat, 0.50),
                pct(lat, 0.99)
            );
        }
    }
}
