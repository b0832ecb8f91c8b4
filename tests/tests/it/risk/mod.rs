//! Risk, promotions, grey release and compliance against the real worker and the sandbox
//! (docs/risk.md). Each test is a merchant of its own with the default settings unless it
//! says otherwise, and shoppers with phone numbers of their own: the rules count per
//! merchant and per phone, so tests never see each other's payments.

mod cohorts;
mod compliance;
mod limits;
mod promotions;
mod step_up;

use bdpay_tests::Stack;
use serde_json::{json, Value};

use crate::finance::Shop;

/// A phone number no other test uses (Grameenphone 017, from the clock and a counter).
pub fn fresh_phone() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = (bdpay_tests::now_ms() as u64 / 7 + u64::from(NEXT.fetch_add(1, Ordering::Relaxed)) * 7919) % 100_000_000;
    format!("017{n:08}")
}

/// A device id as the widget makes one (64 hex), different per call.
pub fn fresh_device() -> String {
    format!(
        "{:064x}",
        bdpay_tests::now_ms() as u128 * 1_000_003 + u128::from(rand_u32())
    )
}

fn rand_u32() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(7, Ordering::Relaxed)
}

/// A payment made and its confirm's answer.
pub struct Tried {
    pub id: String,
    pub secret: String,
    pub status: u16,
    pub answer: Value,
    pub retry_after: Option<String>,
}

impl Shop {
    /// `PUT /v1/settings` with the merchant's key; panics unless 200.
    pub async fn settings(&self, patch: Value) -> Value {
        let (status, body) = self.call(reqwest::Method::PUT, "/v1/settings", Some(patch)).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Creates a payment and confirms it with `confirm` (the client secret is added).
    pub async fn try_pay(&self, amount: &str, confirm: Value) -> Tried {
        let body = json!({ "order_id": Stack::order_id("risk"), "amount": amount,
                           "return_url": "http://shop.example/return", "allow_failover": false });
        let (status, p) = self.call(reqwest::Method::POST, "/v1/payments", Some(body)).await;
        assert_eq!(status, 201, "{p}");
        let id = p["id"].as_str().unwrap().to_owned();
        let secret = p["client_secret"].as_str().unwrap().to_owned();
        let (status, answer, retry_after) = self.confirm_raw(&id, &secret, confirm, None).await;
        Tried {
            id,
            secret,
            status,
            answer,
            retry_after,
        }
    }

    /// The widget's confirm (secret in the header), with an optional test place.
    pub async fn confirm_raw(
        &self,
        id: &str,
        secret: &str,
        body: Value,
        geo: Option<&str>,
    ) -> (u16, Value, Option<String>) {
        let mut req = self
            .s
            .http
            .post(self.s.edge_url(&format!("/v1/payments/{id}/confirm")))
            .header("bdpay-client-secret", secret)
            .json(&body);
        if let Some(g) = geo {
            req = req.header("bdpay-test-geo", g);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let retry = r
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, r.json().await.unwrap_or(Value::Null), retry)
    }

    /// `POST /v1/payments/{id}/otp`.
    pub async fn otp(&self, id: &str, secret: &str, code: &str) -> (u16, Value) {
        let r = self
            .s
            .http
            .post(self.s.edge_url(&format!("/v1/payments/{id}/otp")))
            .header("bdpay-client-secret", secret)
            .json(&json!({ "code": code }))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// The merchant's view of a payment.
    pub async fn payment(&self, id: &str) -> Value {
        let (status, body) = self.get(&format!("/v1/payments/{id}")).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// The widget's status of a payment.
    pub async fn widget_status(&self, id: &str, secret: &str) -> Value {
        let r = self
            .s
            .http
            .get(self.s.edge_url(&format!("/v1/payments/{id}/status")))
            .header("bdpay-client-secret", secret)
            .send()
            .await
            .unwrap();
        r.json().await.unwrap()
    }
}

/// The rules that fired, by name, from a payment's `risk`.
pub fn rules(payment: &Value) -> Vec<String> {
    payment["risk"]["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["rule"].as_str().map(str::to_owned))
        .collect()
}

/// The six digits in the newest SMS to `phone`.
pub async fn last_code(s: &Stack, phone: &str) -> String {
    let texts = s.sms_to(phone).await;
    let text = texts.last().unwrap_or_else(|| panic!("no SMS to {phone}"));
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

impl Shop {
    /// A paid payment with the shopper's phone given at confirm: page, return, succeeded.
    pub async fn pay_with_phone(&mut self, provider: &str, amount: &str, wallet: &str, phone: &str) -> String {
        let t = self
            .try_pay(amount, json!({ "provider": provider, "customer_phone": phone }))
            .await;
        assert_eq!(t.status, 200, "{}", t.answer);
        let page = t.answer["redirect_url"].as_str().unwrap();
        let back = match provider {
            "bkash" => bdpay_tests::bkash_page(&self.s.http, page, wallet, false).await,
            _ => bdpay_tests::nagad_page(&self.s.http, page, wallet, false).await,
        };
        let (code, _) = bdpay_tests::follow_return(&self.s.http, &back).await;
        assert_eq!(code, 303);
        self.wait_status(&t.id, "succeeded").await;
        t.id
    }
}
