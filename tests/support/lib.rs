//! What the integration tests and benches share: where the running stack is, a merchant's
//! server talking to the edge, and a shopper completing the sandbox's hosted pages over HTTP
//! (the same forms a browser posts). `make test` starts the sandbox and the worker
//! (`wrangler dev`) and sets `BDPAY_EDGE_URL` / `BDPAY_SANDBOX_URL`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test support: fail loudly

use std::time::Duration;

use serde_json::{json, Value};

pub const MERCHANT_KEY: &str = "sk_test_demo";
/// A count from the environment (`BDPAY_BATCH_LINES` and the like), else `default`.
pub fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// bKash sandbox wallets that pay (tests/sandbox/README.md), for spreading many payments.
pub const BKASH_PAYING_WALLETS: [&str; 6] = [
    "01770618575",
    "01929918378",
    "01770618576",
    "01877722345",
    "01619777282",
    "01619777283",
];
/// The demo shop's webhook secret in the dev configuration (TEST ONLY; scripts/lib.sh).
pub const DEMO_WEBHOOK_SECRET: &str = "whsec_test_only_demo_shop_webhook_secret_0001";

/// The operators' token for `/admin/…` in the dev configuration (TEST ONLY; scripts/lib.sh).
pub const ADMIN_TOKEN: &str = "adm_test_only_operator_token_0001";

/// The running stack under test.
#[derive(Clone, Debug)]
pub struct Stack {
    pub edge: String,
    pub sandbox: String,
    pub http: reqwest::Client,
}

/// A payment as the merchant's server got it back from `POST /v1/payments`.
#[derive(Clone, Debug)]
pub struct Created {
    pub id: String,
    pub client_secret: String,
    pub body: Value,
}

impl Stack {
    /// From the environment `make test` sets; panics with the fix when unset.
    pub fn from_env() -> Stack {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!("{name} is not set: run the integration tests with `make test`, which starts the sandbox and the worker")
            })
        };
        Stack {
            edge: var("BDPAY_EDGE_URL"),
            sandbox: var("BDPAY_SANDBOX_URL"),
            http: client(),
        }
    }

    pub fn edge_url(&self, path: &str) -> String {
        format!("{}{}", self.edge, path)
    }

    pub fn sandbox_url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox, path)
    }

    /// An amount in whole taka plus poisha unique within this test run: bKash refuses the same
    /// wallet paying the same amount twice within minutes (2029), and tests share wallets.
    pub fn amount(taka: u32) -> String {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let start = (std::process::id() % 50) + 1;
        let n = start + NEXT.fetch_add(1, Ordering::Relaxed);
        format!("{taka}.{:02}", n % 100)
    }

    /// A fresh order id per test (tests share one worker and one sandbox).
    pub fn order_id(tag: &str) -> String {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        format!("{tag}-{n}")
    }

    /// A succeeded bKash payment without the hosted page, for refund tests and benches: create,
    /// confirm, the sandbox's test-only approve, then the edge's return URL (execute) as the
    /// shopper's browser would hit it. Returns the payment id.
    pub async fn paid_bkash(&self, order_id: &str, amount: &str, wallet: &str) -> String {
        let p = self.create(order_id, amount, json!({})).await;
        let (status, confirmed) = self.confirm(&p, Some("bkash")).await;
        assert_eq!(status, 200, "{confirmed}");
        let reference = bkash_reference(&confirmed);
        self.control(
            &format!("/__control/bkash/approve/{reference}"),
            json!({ "wallet": wallet }),
        )
        .await;
        let back = self.edge_url(&format!(
            "/v1/return/bkash?payment={}&paymentID={reference}&status=success",
            p.id
        ));
        let _ = self.http.get(back).send().await.unwrap();
        let (_, body) = self.merchant_get(&format!("/v1/payments/{}", p.id)).await;
        assert_eq!(body["status"], "succeeded", "{body}");
        p.id
    }

    /// `POST /v1/payments` as the demo merchant; panics unless 201.
    pub async fn create(&self, order_id: &str, amount: &str, extra: Value) -> Created {
        let mut body =
            json!({ "order_id": order_id, "amount": amount, "return_url": "http://shop.example/return?x=1" });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let r = self.merchant_post("/v1/payments", &body, None).await;
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "create: {body}");
        Created {
            id: body["id"].as_str().unwrap().to_owned(),
            client_secret: body["client_secret"].as_str().unwrap().to_owned(),
            body,
        }
    }

    pub async fn merchant_post(&self, path: &str, body: &Value, idempotency_key: Option<&str>) -> reqwest::Response {
        let mut req = self.http.post(self.edge_url(path)).bearer_auth(MERCHANT_KEY).json(body);
        if let Some(k) = idempotency_key {
            req = req.header("idempotency-key", k);
        }
        req.send().await.unwrap()
    }

    async fn merchant_fetch(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.edge_url(path))
            .bearer_auth(MERCHANT_KEY)
            .send()
            .await
            .unwrap()
    }

    pub async fn merchant_get(&self, path: &str) -> (u16, Value) {
        let r = self.merchant_fetch(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// A merchant GET whose answer is text (a CSV report): (HTTP status, body).
    pub async fn merchant_get_text(&self, path: &str) -> (u16, String) {
        let r = self.merchant_fetch(path).await;
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// The widget's confirm; returns (HTTP status, body).
    pub async fn confirm(&self, p: &Created, provider: Option<&str>) -> (u16, Value) {
        let mut body = json!({ "client_secret": p.client_secret });
        if let Some(provider) = provider {
            body["provider"] = json!(provider);
        }
        let r = self
            .http
            .post(self.edge_url(&format!("/v1/payments/{}/confirm", p.id)))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    /// The widget's status poll.
    pub async fn status(&self, p: &Created) -> Value {
        let url = self.edge_url(&format!(
            "/v1/payments/{}/status?client_secret={}",
            p.id, p.client_secret
        ));
        self.http.get(url).send().await.unwrap().json().await.unwrap()
    }

    /// Polls the widget status until it is no longer `pending` (or `timeout` passes).
    pub async fn wait_final(&self, p: &Created, timeout: Duration) -> Value {
        let end = std::time::Instant::now() + timeout;
        loop {
            let s = self.status(p).await;
            if s["status"] != "pending" || std::time::Instant::now() > end {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// The sandbox's ledger entries for one provider reference.
    pub async fn ledger(&self, provider: &str, op: &str, reference: &str) -> Vec<Value> {
        let url = self.sandbox_url("/__control/ledger");
        let r = self
            .http
            .get(url)
            .query(&[("provider", provider), ("op", op), ("reference", reference)])
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        body["entries"].as_array().cloned().unwrap_or_default()
    }

    /// The texts the sandbox's SMS gateway took for `phone` (`01…`), oldest first.
    pub async fn sms_to(&self, phone: &str) -> Vec<String> {
        let all: Value = self
            .http
            .get(self.sandbox_url("/__control/sms"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let to = format!("88{phone}");
        all["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["to"] == to.as_str())
            .filter_map(|m| m["text"].as_str().map(str::to_owned))
            .collect()
    }

    /// Adds a sandbox fault (`POST /__control/faults`).
    pub async fn fault(&self, rule: Value) {
        self.control("/__control/faults", rule).await;
    }

    /// Adds a sandbox reply variant (`POST /__control/variants`).
    pub async fn variant(&self, rule: Value) {
        self.control("/__control/variants", rule).await;
    }

    /// A POST to the sandbox's control API (`path` under it); panics unless it is taken.
    pub async fn control(&self, path: &str, body: Value) {
        let r = self.http.post(self.sandbox_url(path)).json(&body).send().await.unwrap();
        assert!(
            r.status().is_success(),
            "{path} refused: {}",
            r.text().await.unwrap_or_default()
        );
    }

    /// Any call to the edge with `key` as the Bearer credential: (HTTP status, JSON body or Null).
    pub async fn call(&self, method: reqwest::Method, key: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, self.edge_url(path)).bearer_auth(key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// The bKash `paymentID` in the page URL a bKash confirm answered.
pub fn bkash_reference(confirmed: &Value) -> String {
    query_param(confirmed["redirect_url"].as_str().unwrap_or_default(), "paymentId").unwrap()
}

/// Runs SQL on the worker's local D1 (`wrangler d1 execute DB --local`, persisted where
/// `BDPAY_PERSIST_DIR` says, as `make test` sets it): for tests that must make a state the API
/// never makes (an old row, a crashed request's reservation). Returns the statement's rows.
pub fn d1(sql: &str) -> Vec<Value> {
    let persist = std::env::var("BDPAY_PERSIST_DIR")
        .expect("BDPAY_PERSIST_DIR is not set: run the integration tests with `make test`");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let local = root.join("node_modules/.bin/wrangler");
    let wrangler = if local.exists() { local } else { "wrangler".into() };
    let run = || {
        std::process::Command::new(&wrangler)
            .current_dir(&root)
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CI", "true")
            .args([
                "d1",
                "execute",
                "DB",
                "--local",
                "--persist-to",
                &persist,
                "--json",
                "--command",
                sql,
            ])
            .output()
            .expect("wrangler runs")
    };
    // The worker holds the same SQLite file: a busy database is tried again.
    let mut out = run();
    for _ in 0..5 {
        if out.status.success() {
            break;
        }
        std::thread::sleep(Duration::from_millis(400));
        out = run();
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "wrangler d1 execute failed: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("wrangler's JSON: {text}"));
    parsed[0]["results"].as_array().cloned().unwrap_or_default()
}

/// Milliseconds since the epoch, as the edge stores times.
pub fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// A client that never follows redirects (tests look at each one) and never waits forever.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(90))
        .build()
        .unwrap_or_default()
}

fn location(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The shopper on bKash's hosted page: wallet, OTP, PIN (or cancel). Returns where the page
/// sends the browser at the end (the edge's return URL).
pub async fn bkash_page(http: &reqwest::Client, page_url: &str, wallet: &str, cancel: bool) -> String {
    let r = http.get(page_url).send().await.unwrap();
    assert_eq!(r.status(), 200, "bKash page");
    let origin = {
        let u = reqwest::Url::parse(page_url).unwrap();
        format!("{}://{}", u.scheme(), u.host_str().unwrap()) + &u.port().map(|p| format!(":{p}")).unwrap_or_default()
    };
    let payment_id = query_param(page_url, "paymentId").unwrap();
    let hash = query_param(page_url, "hash").unwrap();
    let post = |step: &'static str, field: &'static str, value: &str, action: &'static str| {
        let form = [
            ("paymentId", payment_id.as_str()),
            ("hash", hash.as_str()),
            (field, value),
            ("action", action),
        ];
        http.post(format!("{origin}/bkash/payment/{step}")).form(&form).send()
    };
    if cancel {
        let r = post("wallet", "wallet", wallet, "cancel").await.unwrap();
        return location(&r).expect("cancel redirects");
    }
    let r = post("wallet", "wallet", wallet, "confirm").await.unwrap();
    assert!(r.status().is_redirection(), "wallet step: {}", r.status());
    let r = post("otp", "otp", "123456", "confirm").await.unwrap();
    assert!(r.status().is_redirection(), "otp step: {}", r.status());
    let r = post("pin", "pin", "12121", "confirm").await.unwrap();
    location(&r).expect("the PIN step redirects to the merchant")
}

/// The shopper on Nagad's hosted page: number, OTP, PIN (or cancel). Returns the redirect.
pub async fn nagad_page(http: &reqwest::Client, page_url: &str, wallet: &str, cancel: bool) -> String {
    let r = http.get(page_url).send().await.unwrap();
    assert_eq!(r.status(), 200, "Nagad page");
    let base = page_url.split('?').next().unwrap().to_owned();
    if cancel {
        // The page asks once ("Cancel this payment?"), then aborts.
        let _ = http.get(format!("{base}/cancel")).send().await.unwrap();
        let r = http
            .post(format!("{base}/cancel"))
            .form(&[("confirm", "yes")])
            .send()
            .await
            .unwrap();
        return location(&r).expect("cancel redirects");
    }
    let r = http
        .post(format!("{base}/number"))
        .form(&[("number", wallet)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "number step");
    let r = http
        .post(format!("{base}/otp"))
        .form(&[("otp", "123456")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "otp step");
    let r = http
        .post(format!("{base}/pin"))
        .form(&[("pin", "1234")])
        .send()
        .await
        .unwrap();
    location(&r).expect("the PIN step redirects to the merchant")
}

/// The shopper's browser arriving back at the edge: returns (status, where the edge sends it).
pub async fn follow_return(http: &reqwest::Client, url: &str) -> (u16, Option<String>) {
    let r = http.get(url).send().await.unwrap();
    (r.status().as_u16(), location(&r))
}
