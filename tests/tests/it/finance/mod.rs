//! Finance against the real worker and the sandbox: statements uploaded and fetched, the
//! reconciliation of a Dhaka day (zero difference, each kind of difference, the alarm, a lost
//! outcome recovered once), settlements and the BEFTN bulk-credit file, and the cashback and
//! tax line both reports carry. Each test is its own merchant (a reconciliation covers a
//! merchant's whole day), paying through the deployment's sandbox accounts; its statements are
//! the sandbox's exports cut to its own payments, as its own portal would give them.

mod edits;
mod nightly;
mod payout;
mod promotions;
mod recovered;
mod statements;
mod zero;

use bdpay_shared::ids::{nagad_order_id, PaymentId};
use bdpay_tests::{bkash_page, follow_return, nagad_page, Stack, ADMIN_TOKEN};
use serde_json::{json, Value};

/// A merchant of its own, with a secret test key.
pub struct Shop {
    pub s: Stack,
    pub id: String,
    pub key: String,
    /// Our invoices at the providers (bKash: the payment id; Nagad: its order id).
    pub invoices: Vec<String>,
}

impl Shop {
    pub async fn new(name: &str) -> Shop {
        let s = Stack::from_env();
        let post = reqwest::Method::POST;
        let (status, m) = s
            .call(
                post.clone(),
                ADMIN_TOKEN,
                "/admin/merchants",
                Some(json!({ "name": name })),
            )
            .await;
        assert_eq!(status, 201, "{m}");
        let id = m["id"].as_str().unwrap().to_owned();
        let (status, k) = s
            .call(
                post,
                ADMIN_TOKEN,
                &format!("/admin/merchants/{id}/keys"),
                Some(json!({ "mode": "test" })),
            )
            .await;
        assert_eq!(status, 201, "{k}");
        Shop {
            s,
            id,
            key: k["key"].as_str().unwrap().to_owned(),
            invoices: Vec::new(),
        }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        self.s.call(method, &self.key, path, body).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self
            .s
            .http
            .get(self.s.edge_url(path))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Creates and confirms a payment at `provider`; (payment id, client secret, page URL).
    pub async fn start(&mut self, provider: &str, amount: &str, metadata: Value) -> (String, String, String) {
        let body = json!({ "order_id": Stack::order_id("fin"), "amount": amount, "metadata": metadata,
                           "return_url": "http://shop.example/return", "allow_failover": false });
        let (status, p) = self.call(reqwest::Method::POST, "/v1/payments", Some(body)).await;
        assert_eq!(status, 201, "{p}");
        let id = p["id"].as_str().unwrap().to_owned();
        let secret = p["client_secret"].as_str().unwrap().to_owned();
        let r = self
            .s
            .http
            .post(self.s.edge_url(&format!("/v1/payments/{id}/confirm")))
            .json(&json!({ "client_secret": secret, "provider": provider }))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let confirmed: Value = r.json().await.unwrap();
        assert_eq!(status, 200, "{confirmed}");
        let pay_id = PaymentId::parse(&id).unwrap();
        self.invoices.push(match provider {
            "bkash" => id.clone(),
            _ => nagad_order_id(&pay_id),
        });
        (id, secret, confirmed["redirect_url"].as_str().unwrap().to_owned())
    }

    /// A paid payment: the wallet's page, then the shopper's return. Returns its id.
    pub async fn pay(&mut self, provider: &str, amount: &str, wallet: &str, metadata: Value) -> String {
        let (id, _, page) = self.start(provider, amount, metadata).await;
        let back = match provider {
            "bkash" => bkash_page(&self.s.http, &page, wallet, false).await,
            _ => nagad_page(&self.s.http, &page, wallet, false).await,
        };
        let (code, _) = follow_return(&self.s.http, &back).await;
        assert_eq!(code, 303);
        self.wait_status(&id, "succeeded").await;
        id
    }

    pub async fn wait_status(&self, id: &str, want: &str) -> Value {
        let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let (_, p) = self.get(&format!("/v1/payments/{id}")).await;
            if p["status"] == want || std::time::Instant::now() > end {
                assert_eq!(p["status"], want, "{p}");
                return p;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    }

    pub async fn refund(&self, payment: &str, amount: &str) {
        let r = self
            .s
            .http
            .post(self.s.edge_url(&format!("/v1/payments/{payment}/refunds")))
            .bearer_auth(&self.key)
            .header("idempotency-key", format!("fin-{payment}-{amount}"))
            .json(&json!({ "amount": amount }))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let id = body["id"].as_str().unwrap().to_owned();
        loop {
            let (_, r) = self.get(&format!("/v1/refunds/{id}")).await;
            if r["status"] == "succeeded" {
                return;
            }
            assert!(std::time::Instant::now() < end, "refund never succeeded: {r}");
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    }

    /// The sandbox's statement export for the day, cut to this shop's lines (header kept).
    pub async fn statement(&self, provider: &str, day: &str) -> String {
        let url = self
            .s
            .sandbox_url(&format!("/__control/statements/{provider}/{day}?format=csv"));
        let csv = self.s.http.get(url).send().await.unwrap().text().await.unwrap();
        let mut lines = csv.lines();
        let header = lines.next().unwrap().to_owned();
        let column = if provider == "bkash" { "invoice" } else { "order_id" };
        let at = header.split(',').position(|c| c == column).unwrap();
        let mut out = vec![header];
        out.extend(
            lines
                .filter(|l| {
                    l.split(',')
                        .nth(at)
                        .is_some_and(|v| self.invoices.iter().any(|i| i == v))
                })
                .map(str::to_owned),
        );
        out.join("\r\n") + "\r\n"
    }

    pub async fn upload(&self, provider: &str, day: &str, csv: &str) -> (u16, Value) {
        let r = self
            .s
            .http
            .put(self.s.edge_url(&format!("/v1/statements/{provider}/{day}")))
            .bearer_auth(&self.key)
            .header("content-type", "text/csv")
            .body(csv.to_owned())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn run(&self, day: &str) -> Value {
        let (status, report) = self
            .call(reqwest::Method::POST, &format!("/v1/reconciliation/{day}/run"), None)
            .await;
        assert_eq!(status, 200, "{report}");
        report
    }
}

/// Today in Dhaka, `YYYY-MM-DD`.
pub fn today() -> String {
    dhaka_day(bdpay_tests::now_ms())
}

/// The settlement day (docs/settlement.md) of a payment made at `ms` with `provider`: its
/// Dhaka day, or the next one after the provider's cut-off (23:00, 21:00 in Ramadan).
pub fn settlement_day(provider: bdpay_shared::provider::Provider, ms: i64) -> String {
    bdpay_shared::settlement::Calendar::bundled()
        .settlement_day(provider, ms)
        .to_string()
}

pub fn dhaka_day(ms: i64) -> String {
    bdpay_shared::wire::time::DhakaTime::from_unix_millis(ms).ymd_dashed()
}

/// Items of one kind in a report.
pub fn items<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind)
        .collect()
}
