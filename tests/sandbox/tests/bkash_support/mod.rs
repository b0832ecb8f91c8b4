//! A merchant's server, a shopper's browser and an SNS listener, over HTTP, for tests/bkash.rs
//! and the other tests that drive a sandbox on a free port.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use bdpay_sandbox::bkash::choices;
use bdpay_sandbox::{Config, Shared};
use bdpay_shared::wire::bkash::CreateRequest;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use serde_json::{json, Value};
use x509_cert::der::{DecodePem, Encode};

pub const BASE: &str = "/bkash/v1.2.0-beta/tokenized/checkout";
pub const REFUND: &str = "/bkash/v2/tokenized-checkout/refund/payment";

pub struct Sbx {
    pub origin: String,
    pub sandbox: Shared,
    /// Follows no redirect: tests read each `Location`.
    pub http: reqwest::Client,
}

/// A sandbox on a free port with short test lifetimes; `tune` adjusts the config.
pub async fn start(tune: impl FnOnce(&mut Config)) -> Sbx {
    let mut config = Config::new("");
    config.hang = Duration::from_millis(400);
    config.bkash_webhook_backoff = Duration::from_millis(20);
    config.bkash_token_budget = 50;
    tune(&mut config);
    let (addr, sandbox) = bdpay_sandbox::spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    Sbx {
        origin: format!("http://{addr}"),
        sandbox,
        http,
    }
}

/// A paid-for payment: its create reply and the trxID execute gave.
pub struct Paid {
    pub id: String,
    pub trx: String,
}

impl Sbx {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// A raw call with any headers; returns status and JSON (or Null).
    pub async fn call(&self, path: &str, headers: &[(&str, &str)], body: &str) -> (StatusCode, Value) {
        let mut req = self
            .http
            .post(self.url(path))
            .header("content-type", "application/json")
            .header("accept", "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req.body(body.to_owned()).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn grant(&self) -> String {
        let (status, v) = self
            .grant_raw(choices::USERNAME, choices::PASSWORD, choices::APP_SECRET)
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["statusCode"], "0000", "{v}");
        v["id_token"].as_str().unwrap().to_owned()
    }

    pub async fn grant_raw(&self, user: &str, pass: &str, secret: &str) -> (StatusCode, Value) {
        let body = json!({"app_key": choices::APP_KEY, "app_secret": secret}).to_string();
        self.call(
            &format!("{BASE}/token/grant"),
            &[("username", user), ("password", pass)],
            &body,
        )
        .await
    }

    /// A grant with credential set `c` (A.18); the whole reply.
    pub async fn grant_as(&self, c: &choices::Credential) -> Value {
        let body = json!({"app_key": c.app_key, "app_secret": c.app_secret}).to_string();
        let (status, v) = self
            .call(
                &format!("{BASE}/token/grant"),
                &[("username", c.username), ("password", c.password)],
                &body,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        v
    }

    /// An API call with `token` and the `X-APP-Key` `app_key`.
    pub async fn api_with(&self, token: &str, app_key: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(
            path,
            &[("authorization", token), ("x-app-key", app_key)],
            &body.to_string(),
        )
        .await
    }

    /// A control call: status and JSON (or Null).
    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(&format!("/__control{path}")));
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// An authorised API call (raw token in `Authorization`, as bKash's samples send it).
    pub async fn api(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(
            path,
            &[("authorization", token), ("x-app-key", choices::APP_KEY)],
            &body.to_string(),
        )
        .await
    }

    pub async fn create_with(&self, token: &str, amount: &str, invoice: &str, callback: &str, payer: &str) -> Value {
        let req = CreateRequest {
            mode: "0011".into(),
            payer_reference: payer.into(),
            callback_url: callback.into(),
            amount: amount.into(),
            currency: "BDT".into(),
            intent: "sale".into(),
            merchant_invoice_number: invoice.into(),
            merchant_association_info: None,
        };
        let (status, v) = self
            .api(token, &format!("{BASE}/create"), serde_json::to_value(req).unwrap())
            .await;
        assert_eq!(status, 200);
        v
    }

    pub async fn create(&self, token: &str, amount: &str) -> Value {
        let v = self
            .create_with(token, amount, "INV-1", "https://shop.example/return?order=7", " ")
            .await;
        assert_eq!(v["statusCode"], "0000", "{v}");
        v
    }

    pub async fn execute(&self, token: &str, id: &str) -> Value {
        let (status, v) = self
            .api(token, &format!("{BASE}/execute"), json!({"paymentID": id}))
            .await;
        assert_eq!(status, 200, "{v}");
        v
    }

    pub async fn query(&self, token: &str, id: &str) -> Value {
        self.api(token, &format!("{BASE}/payment/status"), json!({"paymentID": id}))
            .await
            .1
    }

    /// The browser opens `bkashURL`: status and HTML.
    pub async fn open(&self, created: &Value) -> (StatusCode, String) {
        let r = self
            .http
            .get(created["bkashURL"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// The browser submits one step's form; returns the 303's `Location`.
    pub async fn submit(&self, created: &Value, step: &str, value: &str, action: &str) -> String {
        let url = created["bkashURL"].as_str().unwrap();
        let hash = url.split("hash=").nth(1).unwrap().split('&').next().unwrap();
        let form = [
            ("paymentId", created["paymentID"].as_str().unwrap()),
            ("hash", hash),
            (step, value),
            ("action", action),
        ];
        let r = self
            .http
            .post(self.url(&format!("/bkash/payment/{step}")))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "step {step}");
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    /// Wallet, OTP, PIN as a shopper types them; returns the final redirect.
    pub async fn shopper_pays(&self, created: &Value, wallet: &str) -> String {
        assert_eq!(self.open(created).await.0, 200);
        self.submit(created, "wallet", wallet, "confirm").await;
        self.submit(created, "otp", choices::OTP, "confirm").await;
        self.submit(created, "pin", choices::PIN, "confirm").await
    }

    /// create → page → execute with `wallet`, expecting success.
    pub async fn pay(&self, token: &str, amount: &str, wallet: &str) -> Paid {
        let created = self.create(token, amount).await;
        let back = self.shopper_pays(&created, wallet).await;
        assert!(back.contains("status=success"), "{back}");
        let id = created["paymentID"].as_str().unwrap().to_owned();
        let done = self.execute(token, &id).await;
        assert_eq!(done["statusCode"], "0000", "{done}");
        Paid {
            id,
            trx: done["trxID"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn fault(&self, rule: Value) {
        let r = self
            .http
            .post(self.url("/__control/faults"))
            .body(rule.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }

    pub async fn ledger(&self, op: &str) -> Vec<Value> {
        let v: Value = self
            .http
            .get(self.url(&format!("/__control/ledger?provider=bkash&op={op}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["entries"].as_array().unwrap().clone()
    }

    pub async fn advance(&self, secs: i64) {
        let r = self
            .http
            .post(self.url("/__control/clock"))
            .body(json!({"advance_secs": secs}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}

/// `2026-11-26T08:07:03.120Z`: RFC 3339 UTC as the control lists write `at`.
pub fn is_rfc3339_utc(t: &str) -> bool {
    let b = t.as_bytes();
    t.len() == 24 && t.ends_with('Z') && b.get(10) == Some(&b'T') && b.get(19) == Some(&b'.')
}

/// One delivery the listener received.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub headers: HeaderMap,
    pub body: String,
}

/// An SNS listener on a free port; answers 500 while `fail_next` is above zero (counting down).
#[derive(Clone)]
pub struct Listener {
    pub url: String,
    pub got: Arc<Mutex<Vec<Delivery>>>,
    pub fail_next: Arc<AtomicUsize>,
}

pub async fn listener(fail_next: usize) -> Listener {
    let got: Arc<Mutex<Vec<Delivery>>> = Arc::default();
    let fail_next = Arc::new(AtomicUsize::new(fail_next));
    let (seen, failing) = (got.clone(), fail_next.clone());
    let app = Router::new().route(
        "/ipn",
        post(move |headers: HeaderMap, body: Bytes| {
            let (seen, failing) = (seen.clone(), failing.clone());
            async move {
                seen.lock().unwrap().push(Delivery {
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                match failing.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)) {
                    Ok(_) => StatusCode::INTERNAL_SERVER_ERROR,
                    Err(_) => StatusCode::OK,
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    Listener {
        url: format!("http://{addr}/ipn"),
        got,
        fail_next,
    }
}

impl Listener {
    /// Waits (up to 5 s) until `n` deliveries arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Delivery> {
        for _ in 0..250 {
            let all = self.got.lock().unwrap().clone();
            if all.len() >= n {
                return all;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("expected {n} deliveries, got {}", self.got.lock().unwrap().len());
    }

    pub fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }
}

/// Verifies an SNS envelope as a merchant would: fetch `SigningCertURL`, take its public key,
/// check SHA1withRSA over the A.13 string to sign. Returns the parsed envelope.
pub async fn verify_sns(http: &reqwest::Client, body: &str) -> bdpay_shared::wire::sns::Envelope {
    let env: bdpay_shared::wire::sns::Envelope = serde_json::from_str(body).unwrap();
    assert_eq!(env.signature_version, "1");
    let pem = http
        .get(&env.signing_cert_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cert = x509_cert::Certificate::from_pem(pem.as_bytes()).unwrap();
    let spki = cert.tbs_certificate.subject_public_key_info.to_der().unwrap();
    let key = VerifyingKey::<sha1::Sha1>::new(rsa::RsaPublicKey::from_public_key_der(&spki).unwrap());
    use base64::Engine;
    let sig = base64::engine::general_purpose::STANDARD
        .decode(&env.signature)
        .unwrap();
    let text = env.string_to_sign().unwrap();
    key.verify(text.as_bytes(), &Signature::try_from(sig.as_slice()).unwrap())
        .expect("SNS signature verifies");
    let mut tampered = text.clone();
    tampered.push(' ');
    assert!(key
        .verify(tampered.as_bytes(), &Signature::try_from(sig.as_slice()).unwrap())
        .is_err());
    env
}
