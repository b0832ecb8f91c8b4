//! A merchant's server and a shopper's browser against a sandbox on port 0: Nagad's crypto
//! from `bdpay_shared::crypto` with the merchant test key, forms posted like a browser.

use std::net::SocketAddr;
use std::time::Duration;

use bdpay_sandbox::{Config, Shared};
use bdpay_shared::crypto::{self, Hash, RsaPrivateKey, RsaPublicKey};
use bdpay_shared::wire::nagad::{InitializeReplySensitive, Redirect, SealedReply};
use bdpay_shared::wire::time::DhakaTime;
use rand::Rng;
use reqwest::header::LOCATION;
use reqwest::{RequestBuilder, Response};
use serde_json::{json, Value};

pub const MERCHANT: &str = "683002007104225";
pub const CALLBACK: &str = "https://shop.example/return/nagad?session=abc";
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-keys/");

pub struct Nagad {
    pub base: String,
    pub sandbox: Shared,
    pub http: reqwest::Client,
    pub key: RsaPrivateKey,
    pub gateway: RsaPublicKey,
    pub gateway_key: RsaPrivateKey,
}

/// The server challenge and reference initialize answered.
pub struct Init {
    pub order_id: String,
    pub reference: String,
    pub challenge: String,
}

fn key_file(name: &str) -> String {
    std::fs::read_to_string(format!("{KEYS}{name}")).unwrap()
}

pub async fn start() -> Nagad {
    start_with(|_| {}).await
}

/// A sandbox with a short hang (tests must stay fast), tweaked by `f`.
pub async fn start_with(f: impl FnOnce(&mut Config)) -> Nagad {
    let mut config = Config::new("");
    config.hang = Duration::from_millis(300);
    f(&mut config);
    let (addr, sandbox): (SocketAddr, Shared) = bdpay_sandbox::spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Nagad {
        base: format!("http://{addr}"),
        sandbox,
        http,
        key: crypto::parse_private_key(&key_file("nagad-merchant.key.pem")).unwrap(),
        gateway: crypto::parse_public_key(&key_file("nagad-gateway.pub.pem")).unwrap(),
        gateway_key: crypto::parse_private_key(&key_file("nagad-gateway.key.pem")).unwrap(),
    }
}

/// A fresh alphanumeric order id.
pub fn order_id() -> String {
    let mut rng = rand::thread_rng();
    let tail: String = (0..12)
        .map(|_| char::from(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"[rng.gen_range(0..34)]))
        .collect();
    format!("T{tail}")
}

/// The body's `status` and `reason`.
pub async fn reason(r: Response) -> (u16, String) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (status, body["reason"].as_str().unwrap_or("").to_owned())
}

impl Nagad {
    pub fn api(&self, path: &str) -> String {
        format!("{}/nagad/remote-payment-gateway-1.0/api/dfs{path}", self.base)
    }

    /// Dhaka now by the sandbox's clock, `yyyyMMddHHmmss`.
    pub fn now(&self) -> String {
        DhakaTime::from_unix_millis(self.sandbox.clock.now_ms()).compact()
    }

    /// B.2's headers.
    pub fn headers(&self, rb: RequestBuilder) -> RequestBuilder {
        rb.header("X-KM-Api-Version", "v-0.2.0")
            .header("X-KM-IP-V4", "103.4.145.12")
            .header("X-KM-Client-Type", "PC_WEB")
    }

    /// `sensitiveData` + `signature` over `plain`, signed with `hash`.
    pub fn seal(&self, plain: &Value, hash: Hash) -> (String, String) {
        let bytes = serde_json::to_vec(plain).unwrap();
        let sensitive = crypto::encrypt(&bytes, &self.gateway, &mut rand::rngs::OsRng).unwrap();
        (sensitive, crypto::sign(&bytes, &self.key, hash).unwrap())
    }

    pub fn init_plain(&self, order_id: &str) -> Value {
        json!({"merchantId": MERCHANT, "datetime": self.now(), "orderId": order_id, "challenge": "9b1e0c4d7a2f58e3c6b0a9d18e7f2c4b5a6d3e1f"})
    }

    /// Initialize with a body built from `plain` and signed with `hash`.
    pub async fn initialize_raw(&self, merchant: &str, order_id: &str, plain: &Value, hash: Hash) -> Response {
        let (sensitive, signature) = self.seal(plain, hash);
        let body = json!({"accountNumber": "01711428036", "dateTime": self.now(), "sensitiveData": sensitive, "signature": signature});
        self.headers(
            self.http
                .post(self.api(&format!("/check-out/initialize/{merchant}/{order_id}"))),
        )
        .json(&body)
        .send()
        .await
        .unwrap()
    }

    /// Opens a sealed reply as the merchant: decrypt with our key, verify Nagad's signature.
    pub async fn open(&self, r: Response) -> Value {
        assert_eq!(r.status(), 200);
        let sealed: SealedReply = r.json().await.unwrap();
        let opened = crypto::open(&sealed.sensitive_data, &sealed.signature, &self.key, &self.gateway).unwrap();
        assert_eq!(opened.hash, Hash::Sha256, "the sandbox signs SHA-256");
        serde_json::from_slice(&opened.plain).unwrap()
    }

    pub async fn initialize(&self) -> Init {
        let order_id = order_id();
        let r = self
            .initialize_raw(MERCHANT, &order_id, &self.init_plain(&order_id), Hash::Sha256)
            .await;
        let reply: InitializeReplySensitive = serde_json::from_value(self.open(r).await).unwrap();
        Init {
            order_id,
            reference: reply.payment_reference_id,
            challenge: reply.challenge,
        }
    }

    pub fn complete_plain(&self, init: &Init, amount: &str) -> Value {
        json!({"merchantId": MERCHANT, "orderId": init.order_id, "currencyCode": "050", "amount": amount, "challenge": init.challenge})
    }

    pub async fn complete_raw(&self, reference: &str, plain: &Value) -> Response {
        let (sensitive, signature) = self.seal(plain, Hash::Sha256);
        let body = json!({"sensitiveData": sensitive, "signature": signature, "merchantCallbackURL": CALLBACK,
            "additionalMerchantInfo": {"serviceName": "Demo Shop", "additionalFieldNameEN": "Order", "additionalFieldNameBN": "অর্ডার", "additionalFieldValue": "A0042"}});
        self.headers(self.http.post(self.api(&format!("/check-out/complete/{reference}"))))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Initialize + complete: the payment and its hosted page URL.
    pub async fn order(&self, amount: &str) -> (Init, String) {
        let init = self.initialize().await;
        let r = self
            .complete_raw(&init.reference, &self.complete_plain(&init, amount))
            .await;
        assert_eq!(r.status(), 200);
        let reply: Value = r.json().await.unwrap();
        assert_eq!(reply["status"], "Success");
        let page = reply["callBackUrl"].as_str().unwrap().to_owned();
        assert!(page.starts_with(&format!("{}/nagad/check-out/", self.base)), "{page}");
        (init, page)
    }

    pub async fn verify(&self, reference: &str) -> Value {
        let r = self
            .http
            .get(self.api(&format!("/verify/payment/{reference}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    pub async fn status(&self, reference: &str) -> String {
        self.verify(reference).await["status"].as_str().unwrap().to_owned()
    }

    /// GET a page: (status, HTML).
    pub async fn get(&self, url: &str) -> (u16, String) {
        let r = self.http.get(url).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// POST a page form like a browser.
    pub async fn post(&self, url: &str, fields: &[(&str, &str)]) -> Response {
        self.http.post(url).form(fields).send().await.unwrap()
    }

    /// Number and OTP, leaving the page at the PIN step.
    pub async fn to_pin(&self, page: &str, wallet: &str) {
        assert_eq!(self.get(page).await.0, 200);
        let html = self
            .post(&format!("{page}/number"), &[("number", wallet)])
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("name=\"otp\""), "OTP step next");
        let html = self
            .post(&format!("{page}/otp"), &[("otp", "123456")])
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("name=\"pin\""), "PIN step next");
    }

    /// The whole page with `wallet` and the right PIN: where the browser is sent.
    pub async fn pay(&self, page: &str, wallet: &str) -> Redirect {
        self.to_pin(page, wallet).await;
        redirect(self.post(&format!("{page}/pin"), &[("pin", "1234")]).await)
    }

    pub async fn cancel(&self, init: &Init, original: &str, amount: &str) -> Response {
        let plain = json!({"merchantId": MERCHANT, "originalRequestDate": &self.now()[..8], "originalAmount": original,
            "cancelAmount": amount, "referenceNo": "rf7Qm2Kx9Lp4", "referenceMessage": "Customer returned one item"});
        let (sensitive, signature) = self.seal(&plain, Hash::Sha256);
        let url = self.api(&format!(
            "/purchase/cancel?paymentRefId={}&orderId={}",
            encode(&init.reference),
            init.order_id
        ));
        self.headers(self.http.post(url))
            .json(&json!({"sensitiveDataCancelRequest": sensitive, "signature": signature}))
            .send()
            .await
            .unwrap()
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let r = self
            .http
            .request(method, format!("{}/__control{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    }

    pub async fn fault(&self, op: &str, fault: Value) {
        self.control(
            reqwest::Method::POST,
            "/faults",
            json!({"provider": "nagad", "op": op, "fault": fault, "count": 1}),
        )
        .await;
    }
}

/// `=` and friends in a query value.
pub fn encode(s: &str) -> String {
    s.replace('=', "%3D").replace('+', "%2B").replace('/', "%2F")
}

/// The merchant-callback redirect's parameters (a 302 to `CALLBACK` + `&…`).
pub fn redirect(r: Response) -> Redirect {
    assert_eq!(r.status(), 302, "the page redirects the browser");
    let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let query = location
        .strip_prefix(&format!("{CALLBACK}&"))
        .unwrap_or_else(|| panic!("appended with &: {location}"));
    let pairs: serde_json::Map<String, Value> = query
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), Value::String(decode(v)))
        })
        .collect();
    serde_json::from_value(Value::Object(pairs)).unwrap()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
