//! `make bench`: the edge's CPU per request, as ours minus an empty Rust worker measured the same
//! way in the same run (issue #17). Both run in `wrangler dev` on this machine, each started by
//! scripts/bench.sh in its own process group; the CPU of a side is that of its group's `workerd`
//! processes (user + system, from /proc), so the two never mix. Each route gets the same
//! requests on both sides (same method, path, query, headers and body), `BDPAY_BENCH_N` of them
//! (default 200) at concurrency 8: the widget's status, the merchant's create, confirm with
//! bKash, confirm with Nagad, and the bKash return of a payment paid on the sandbox's page.
//! Each route runs in 4 rounds of ours, empty, calls, each side quiet before and after each, and
//! the spread of "ours − empty" over the rounds is printed beside it.
//! The empty worker (tests/empty-worker) parses the body and runs `SELECT 1` on its D1 binding
//! `DB`; "ours − empty" is then what our code costs beyond any Rust worker's request.
//! A third side, "calls", is the same empty worker asked (`x-bdpay-bench: calls`) to make the
//! route's runtime calls alone, as many of each kind as ours makes (Durable Object calls, D1
//! batches, storage puts, alarms, outbound fetches; tests/empty-worker/src/twin.rs): "calls −
//! empty" is what those calls cost, "ours − calls" what our code costs between them.
//! Latency (p50/p99) and requests/s are printed beside it; they include the provider's own
//! time where a route calls one (confirm: bKash create, Nagad initialize + complete; return:
//! bKash execute), while the CPU figure does not: the sandbox is another process.
//!
//! Env: BDPAY_EDGE_URL, BDPAY_SANDBOX_URL (the stack), BDPAY_EMPTY_URL (the empty worker),
//! BDPAY_EDGE_PGID and BDPAY_EMPTY_PGID (their process groups). docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bdpay_tests::{bkash_page, Created, Stack, BKASH_PAYING_WALLETS};
use common::{Cpu, Group, Run};
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

const CONCURRENCY: usize = 8;
/// Each route runs in this many rounds of ours then empty (see `route`).
const ROUNDS: usize = 4;
/// How long a side may take to fall quiet before and after a phase.
const SETTLE: Duration = Duration::from_secs(10);

/// One worker under measurement.
struct Side {
    name: &'static str,
    origin: String,
    group: Option<Group>,
    /// `x-bdpay-bench`'s value on each request: the empty worker's "calls" side.
    mode: Option<&'static str>,
}

/// The three sides, in the order `route` runs them and the table reads them.
const OURS: usize = 0;
const EMPTY: usize = 1;
const CALLS: usize = 2;

/// One route's phase on one side.
struct Measured {
    run: Run,
    /// CPU spent by the side's processes during the phase (and its quiet tail).
    cpu: Option<Cpu>,
}

impl Measured {
    fn per_req_ms(&self, f: impl Fn(&Cpu) -> f64) -> Option<f64> {
        self.cpu.as_ref().map(|c| f(c) * 1000.0 / self.run.n().max(1) as f64)
    }
}

/// Runs `n` calls on `side` at CONCURRENCY and reads its CPU around them, each end quiet.
async fn measure<F, Fut>(side: &Side, n: usize, call: F) -> Measured
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    if let Some(g) = side.group {
        g.settle(SETTLE).await;
    }
    let before = side.group.map(|g| g.cpu());
    let run = common::run(n, CONCURRENCY, call).await;
    if let Some(g) = side.group {
        g.settle(SETTLE).await;
    }
    let cpu = side.group.zip(before).map(|(g, b)| g.cpu().minus(b));
    Measured { run, cpu }
}

/// The request each route sends, on either side: (method, path and query, JSON body, bearer).
#[derive(Clone)]
struct Call {
    post: Option<Value>,
    path: String,
    bearer: bool,
}

impl Call {
    fn send(&self, http: &reqwest::Client, side: &Side) -> reqwest::RequestBuilder {
        let url = format!("{}{}", side.origin, self.path);
        let mut req = match &self.post {
            Some(body) => http.post(url).json(body),
            None => http.get(url),
        };
        if self.bearer {
            req = req.bearer_auth(bdpay_tests::MERCHANT_KEY);
        }
        if let Some(mode) = side.mode {
            req = req.header("x-bdpay-bench", mode);
        }
        req
    }
}

/// The "calls" side's object for each payment, made before a route is timed, as ours' payment
/// objects exist before their confirms, statuses and returns are timed.
async fn prime(sides: &[Side], http: &reqwest::Client, ids: impl Iterator<Item = String>) {
    let Some(side) = sides.get(CALLS) else { return };
    let ids: Vec<String> = ids.collect();
    stream::iter(ids)
        .map(|id| {
            let call = Call {
                post: Some(json!({})),
                path: format!("/v1/payments/{id}/prime"),
                bearer: false,
            };
            let req = call.send(http, side);
            async move {
                let ok = req.send().await.is_ok_and(|r| r.status() == 200);
                assert!(ok, "priming the calls side's object for {id} failed");
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
}

fn create_call(order: String, amount: &str) -> Call {
    Call {
        post: Some(json!({ "order_id": order, "amount": amount, "return_url": "http://shop.example/return?x=1" })),
        path: "/v1/payments".to_owned(),
        bearer: true,
    }
}

fn confirm_call(p: &Created, provider: &str) -> Call {
    Call {
        post: Some(json!({ "client_secret": p.client_secret, "provider": provider })),
        path: format!("/v1/payments/{}/confirm", p.id),
        bearer: false,
    }
}

fn status_call(p: &Created) -> Call {
    Call {
        post: None,
        path: format!("/v1/payments/{}/status?client_secret={}", p.id, p.client_secret),
        bearer: false,
    }
}

/// What ours must answer for a call to count as done (the empty worker: its status code).
#[derive(Clone, Copy)]
enum Expect {
    Created,
    Confirmed(&'static str),
    Pending,
    ReturnedPaid,
}

async fn check(r: reqwest::Response, expect: Expect, ours: bool) -> bool {
    let code = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    match expect {
        Expect::Created => code == 201,
        Expect::Confirmed(p) => code == 200 && (!ours || body["provider"] == p),
        Expect::Pending => code == 200 && (!ours || body["status"] == "pending"),
        Expect::ReturnedPaid => code == 303 && (!ours || location.contains("bdpay_status=succeeded")),
    }
}

/// One route on every side: the same calls, in ROUNDS rounds of ours, empty, calls, so a change
/// in the machine's load between them (it is shared) falls on every side alike.
async fn route(
    sides: &[Side],
    http: &reqwest::Client,
    calls: &Arc<Vec<Call>>,
    expect: Expect,
    on_created: Option<&Arc<Mutex<Vec<Created>>>>,
) -> Vec<Sum> {
    let mut out: Vec<Sum> = sides.iter().map(|_| Sum::default()).collect();
    let chunk = calls.len().div_ceil(ROUNDS).max(1);
    for round in calls.chunks(chunk) {
        for (k, side) in sides.iter().enumerate() {
            let ours = k == OURS;
            let m = measure(side, round.len(), |i| {
                let req = round[i].send(http, side);
                let keep = on_created.filter(|_| ours).cloned();
                async move {
                    let Ok(r) = req.send().await else { return false };
                    match keep {
                        // ours' create: keep the payment for the routes after it.
                        Some(keep) => {
                            if r.status() != 201 {
                                return false;
                            }
                            let v: Value = r.json().await.unwrap_or_default();
                            keep.lock().unwrap().push(Created {
                                id: v["id"].as_str().unwrap_or_default().to_owned(),
                                client_secret: v["client_secret"].as_str().unwrap_or_default().to_owned(),
                                body: v,
                            });
                            true
                        }
                        None => check(r, expect, ours).await,
                    }
                }
            })
            .await;
            out[k].add(m);
        }
    }
    out
}

/// A route's rounds on one side, added up.
#[derive(Default)]
struct Sum {
    latencies: Vec<Duration>,
    wall: Duration,
    errors: usize,
    /// CPU over all rounds (None when the side's group is unknown).
    cpu: Option<Cpu>,
    /// workerd ms per request in each round.
    rounds: Vec<f64>,
}

impl Sum {
    fn add(&mut self, m: Measured) {
        if let Some(per) = m.per_req_ms(|c| c.workerd) {
            self.rounds.push(per);
        }
        self.cpu = m.cpu.map(|c| {
            let was = self.cpu.unwrap_or_default();
            Cpu {
                workerd: was.workerd + c.workerd,
                node: was.node + c.node,
            }
        });
        self.latencies.extend(m.run.latencies);
        self.wall += m.run.wall;
        self.errors += m.run.errors;
    }
    fn n(&self) -> usize {
        self.latencies.len()
    }
    fn per_req_ms(&self, f: impl Fn(&Cpu) -> f64) -> Option<f64> {
        self.cpu.as_ref().map(|c| f(c) * 1000.0 / self.n().max(1) as f64)
    }
    fn ms(&self, p: f64) -> f64 {
        common::quantile_ms(&self.latencies, p)
    }
}

/// Side `k`'s CPU in ms per request over the route's rounds.
fn cpu(m: &[Sum], k: usize) -> Option<f64> {
    m.get(k).and_then(|x| x.per_req_ms(|c| c.workerd))
}

fn ms(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2} ms"))
}

/// Side `a` − side `b` over the whole route, and its spread over the rounds (how far the one
/// figure is to be trusted).
fn minus(m: &[Sum], a: usize, b: usize) -> (String, String) {
    let diff = cpu(m, a).zip(cpu(m, b)).map(|(x, y)| x - y);
    let spread = match (m.get(a), m.get(b)) {
        (Some(x), Some(y)) if x.rounds.len() == y.rounds.len() && !x.rounds.is_empty() => {
            let d: Vec<f64> = x.rounds.iter().zip(&y.rounds).map(|(p, q)| p - q).collect();
            let lo = d.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = d.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!("{lo:.1} … {hi:.1}")
        }
        _ => "n/a".to_owned(),
    };
    (ms(diff), spread)
}

/// Side `a` as a multiple of side `b`: steadier than milliseconds between runs on a machine
/// whose speed varies.
fn ratio(m: &[Sum], a: usize, b: usize) -> String {
    cpu(m, a)
        .zip(cpu(m, b))
        .filter(|(_, y)| *y > 0.0)
        .map_or_else(|| "n/a".to_owned(), |(x, y)| format!("{:.1}×", x / y))
}

fn latency(m: &[Sum], k: usize) -> String {
    m.get(k)
        .map_or_else(|| "n/a".to_owned(), |x| format!("{:.1} / {:.1}", x.ms(0.5), x.ms(0.99)))
}

fn errors(m: &[Sum], k: usize) -> String {
    m.get(k).map_or_else(|| "-".to_owned(), |x| x.errors.to_string())
}

fn print_route(name: &str, m: &[Sum]) {
    let (diff, spread) = minus(m, OURS, EMPTY);
    println!(
        "  {name:<14} {:>10} {:>10} {:>12} {:>13} {:>7}   {:>15} {:>13} {:>8.0}   {:>3} / {}",
        ms(cpu(m, OURS)),
        ms(cpu(m, EMPTY)),
        diff,
        spread,
        ratio(m, OURS, EMPTY),
        latency(m, OURS),
        latency(m, EMPTY),
        m.first().map_or(0.0, |x| x.n() as f64 / x.wall.as_secs_f64()),
        errors(m, OURS),
        errors(m, EMPTY)
    );
}

/// The second table: the route's runtime calls alone, and ours beyond them.
fn print_calls(name: &str, m: &[Sum]) {
    let (calls, calls_spread) = minus(m, CALLS, EMPTY);
    let (ours, ours_spread) = minus(m, OURS, CALLS);
    println!(
        "  {name:<14} {:>10} {:>13} {:>13} {:>13} {:>13} {:>8}   {:>15}   {}",
        ms(cpu(m, CALLS)),
        calls,
        calls_spread,
        ours,
        ours_spread,
        ratio(m, OURS, CALLS),
        latency(m, CALLS),
        errors(m, CALLS)
    );
}

/// `n` bKash payments paid on the sandbox's page (untimed): the URLs their shoppers' browsers
/// come back to the edge with (the return not yet followed).
async fn paid_on_page(s: &Stack, n: usize) -> Vec<String> {
    stream::iter(0..n)
        .map(|i| {
            let s = s.clone();
            async move {
                // Unique amounts (700.00…): the sandbox refuses a wallet paying the same amount
                // twice within 2 minutes; other benches use other ranges.
                let amount = format!("{}.{:02}", 700 + i / 100, i % 100);
                let p = s.create(&Stack::order_id("bench-return"), &amount, json!({})).await;
                let (code, confirmed) = s.confirm(&p, Some("bkash")).await;
                assert_eq!(code, 200, "{confirmed}");
                let page = confirmed["redirect_url"].as_str().unwrap_or_default();
                bkash_page(
                    &s.http,
                    page,
                    BKASH_PAYING_WALLETS[i % BKASH_PAYING_WALLETS.len()],
                    false,
                )
                .await
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let s = Stack::from_env();
    let n = bdpay_tests::env_count("BDPAY_BENCH_N", 200);
    let ours = Side {
        name: "ours",
        origin: s.edge.clone(),
        group: Group::from_env("BDPAY_EDGE_PGID"),
        mode: None,
    };
    let mut sides = vec![ours];
    if let Ok(origin) = std::env::var("BDPAY_EMPTY_URL") {
        let group = Group::from_env("BDPAY_EMPTY_PGID");
        sides.push(Side {
            name: "empty",
            origin: origin.clone(),
            group,
            mode: None,
        });
        sides.push(Side {
            name: "calls",
            origin,
            group,
            mode: Some("calls"),
        });
    }
    println!(
        "  {n} requests per route and side, concurrency {CONCURRENCY}, loopback; CPU = the side's workerd processes (its process group: {})",
        sides
            .iter()
            .map(|x| format!("{} {}", x.name, x.group.map_or("not given".to_owned(), |g| format!("pgid {}", g.pgid))))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let http = s.http.clone();

    // Warm up both sides: isolates, the bKash token, the health and token objects, D1.
    for i in 0..5 {
        let p = s.create(&Stack::order_id("warm"), "10.00", json!({})).await;
        let calls = [
            create_call(format!("warm-{i}"), "10.00"),
            confirm_call(&p, "bkash"),
            confirm_call(&p, "nagad"),
            status_call(&p),
        ];
        for side in &sides[1..] {
            for c in &calls {
                let _ = c.send(&http, side).send().await;
            }
        }
        let _ = s.confirm(&p, Some("bkash")).await;
        let _ = s.status(&p).await;
    }

    let create_calls: Arc<Vec<Call>> = Arc::new(
        (0..2 * n)
            .map(|i| create_call(format!("bench-{i}-{}", Stack::order_id("c")), "1250.00"))
            .collect(),
    );
    let created: Arc<Mutex<Vec<Created>>> = Arc::default();
    let create = route(&sides, &http, &create_calls, Expect::Created, Some(&created)).await;
    let payments: Vec<Created> = created.lock().unwrap().clone();
    assert!(
        payments.len() >= 2 * n,
        "only {} of {} creates answered 201",
        payments.len(),
        2 * n
    );
    prime(&sides, &http, payments.iter().take(2 * n).map(|p| p.id.clone())).await;

    let bkash: Arc<Vec<Call>> = Arc::new(payments[..n].iter().map(|p| confirm_call(p, "bkash")).collect());
    let confirm_bkash = route(&sides, &http, &bkash, Expect::Confirmed("bkash"), None).await;
    let nagad: Arc<Vec<Call>> = Arc::new(payments[n..2 * n].iter().map(|p| confirm_call(p, "nagad")).collect());
    let confirm_nagad = route(&sides, &http, &nagad, Expect::Confirmed("nagad"), None).await;
    let status_calls: Arc<Vec<Call>> = Arc::new(payments.iter().take(n).map(status_call).collect());
    let status = route(&sides, &http, &status_calls, Expect::Pending, None).await;

    // The bKash return: payments paid on the sandbox's page first (untimed; 5 more to warm
    // the execute path), then the returns. bKash's IPN for each payment is dropped meanwhile,
    // so the return's figure holds the return alone (the IPN is another request).
    let backs = paid_on_page(&s, n + 5).await;
    // The return's path ends in the payment id (`/v1/return/bkash/pay_…?paymentID=…`).
    let returned = |url: &String| {
        let path = url.split('?').next().unwrap_or_default();
        path.rsplit('/').next().unwrap_or_default().to_owned()
    };
    prime(&sides, &http, backs.iter().map(returned)).await;
    s.fault(json!({ "provider": "bkash", "op": "webhook", "fault": { "kind": "webhook_drop" } }))
        .await;
    for back in &backs[..5] {
        let _ = http.get(back).send().await;
    }
    let return_calls: Arc<Vec<Call>> = Arc::new(
        backs[5..]
            .iter()
            .map(|url| Call {
                post: None,
                path: url.strip_prefix(s.edge.as_str()).unwrap_or(url).to_owned(),
                bearer: false,
            })
            .collect(),
    );
    let back = route(&sides, &http, &return_calls, Expect::ReturnedPaid, None).await;
    s.http.delete(s.sandbox_url("/__control/faults")).send().await.unwrap();

    println!(
        "  {:<14} {:>10} {:>10} {:>12} {:>13} {:>7}   {:>15} {:>13} {:>8}   errors ours / empty",
        "route",
        "ours CPU",
        "empty CPU",
        "ours − empty",
        "its rounds",
        "÷ empty",
        "ours p50/p99",
        "empty p50/p99",
        "ours r/s"
    );
    let all = [
        ("status", &status),
        ("create", &create),
        ("confirm bKash", &confirm_bkash),
        ("confirm Nagad", &confirm_nagad),
        ("bKash return", &back),
    ];
    for (name, m) in all {
        print_route(name, m);
    }
    if sides.len() > CALLS {
        println!(
            "  the runtime calls alone (the empty worker making, per route, the Durable Object calls, D1 batches, storage writes, alarms and outbound fetches ours makes; docs/performance.md):"
        );
        println!(
            "  {:<14} {:>10} {:>13} {:>13} {:>13} {:>13} {:>8}   {:>15}   errors",
            "route",
            "calls CPU",
            "calls − empty",
            "its rounds",
            "ours − calls",
            "its rounds",
            "÷ calls",
            "calls p50/p99"
        );
        for (name, m) in all {
            print_calls(name, m);
        }
    }
    for (name, m) in all {
        for (side, x) in sides.iter().zip(m) {
            if x.errors > 0 {
                println!(
                    "  warning: {name}, {}: {} of {} requests failed; their time and CPU are in the figures above",
                    side.name,
                    x.errors,
                    x.n()
                );
            }
        }
    }
    let node = |k: usize| {
        let (cpu, reqs) = all
            .iter()
            .filter_map(|(_, m)| m.get(k))
            .fold((0.0, 0), |(c, r), x| (c + x.cpu.map_or(0.0, |c| c.node), r + x.n()));
        cpu * 1000.0 / reqs.max(1) as f64
    };
    println!(
        "  CPU in ms per request (workerd, user + system); its rounds: ours − empty in each of the {ROUNDS} rounds; ÷ empty: ours as a multiple of empty; latency in ms, client to answer"
    );
    if sides.len() > 1 && sides.iter().all(|x| x.group.is_some()) {
        println!(
            "  not counted: wrangler's node process, which logs each request: ours {:.2} ms/req, empty {:.2} ms/req over all routes",
            node(0),
            node(1)
        );
    }
    println!("  latency includes the sandbox where a route calls it (confirm: bKash create, Nagad initialize + complete; return: bKash execute); CPU does not");
}
