//! bKash's webhook through Amazon SNS (A.13): a signed SubscriptionConfirmation first, then,
//! once the merchant GETs `SubscribeURL`, one signed Notification per completed payment,
//! redelivered with backoff (same MessageId) until a 2xx. Faults `webhook_drop` and
//! `webhook_duplicate` (op `webhook`) act on Notifications.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{TransactionStatus, WebhookPayment, WEBHOOK_TYPE_API_PAYMENT};
use bdpay_shared::wire::sns::{header, Envelope, MessageType, CONTENT_TYPE as SNS_CONTENT_TYPE};
use bdpay_shared::wire::time::DhakaTime;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use serde::Deserialize;
use serde_json::json;
use sha1::Sha1;

use super::store::Payment;
use super::{choices, record};
use crate::faults::Injected;
use crate::ledger::Record;
use crate::variants::Variant;
use crate::{Config, Shared};

pub const SUBSCRIBE_PATH: &str = "/sns/subscribe";
pub const UNSUBSCRIBE_PATH: &str = "/sns/unsubscribe";

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subscription {
    None,
    Pending,
    Confirmed,
    Unsubscribed,
}

struct Sub {
    status: Subscription,
    url: Option<String>,
    token: String,
    arn: String,
    /// Notifications waiting for the confirmation: (envelope, paymentID, trxID).
    held: Vec<(Envelope, String, String)>,
}

/// The signing key, the served certificate, and the subscription.
pub struct Hub {
    key: SigningKey<Sha1>,
    cert_pem: String,
    initial_url: Option<String>,
    sub: Mutex<Sub>,
}

fn random_hex(bytes: usize) -> String {
    (0..bytes).map(|_| format!("{:02x}", rand::random::<u8>())).collect()
}

fn uuid() -> String {
    let h = random_hex(16);
    let part = |a: usize, b: usize| h.get(a..b).unwrap_or("0").to_owned();
    format!(
        "{}-{}-4{}-a{}-{}",
        part(0, 8),
        part(8, 12),
        part(13, 16),
        part(17, 20),
        part(20, 32)
    )
}

/// `2024-11-25T08:07:03.120Z` (UTC, as SNS writes `Timestamp`).
fn iso_utc(ms: i64) -> String {
    crate::clock::rfc3339(ms)
}

impl Hub {
    pub fn new(config: &Config) -> Result<Hub, String> {
        let read = |name: &str| {
            let path = config.keys_dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let key = RsaPrivateKey::from_pkcs8_pem(&read("sns-signing.key.pem")?)
            .map_err(|e| format!("sns-signing.key.pem: {e}"))?;
        let initial_url = config.bkash_webhook_url.clone();
        Ok(Hub {
            key: SigningKey::<Sha1>::new(key),
            cert_pem: read("sns-signing.cert.pem")?,
            sub: Mutex::new(Sub::fresh(initial_url.clone())),
            initial_url,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Sub> {
        self.sub.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn reset(&self) {
        *self.lock() = Sub::fresh(self.initial_url.clone());
    }

    /// Points deliveries at `url` (None: stop); a new URL needs a new confirmation.
    pub fn set_url(&self, url: Option<String>) {
        *self.lock() = Sub::fresh(url);
    }

    pub fn describe(&self) -> serde_json::Value {
        let sub = self.lock();
        json!({"url": sub.url, "subscription": sub.status, "held": sub.held.len(), "topic_arn": choices::TOPIC_ARN})
    }

    /// Signs with SignatureVersion 1 (SHA1withRSA over the A.13 string to sign).
    fn sign(&self, env: &mut Envelope) {
        env.signature_version = "1".to_owned();
        env.signature = match env.string_to_sign().map(|text| self.key.try_sign(text.as_bytes())) {
            Some(Ok(sig)) => base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()),
            _ => String::new(),
        };
    }
}

impl Sub {
    fn fresh(url: Option<String>) -> Sub {
        Sub {
            status: Subscription::None,
            url,
            token: random_hex(64),
            arn: format!("{}:{}", choices::TOPIC_ARN, uuid()),
            held: Vec::new(),
        }
    }
}

fn envelope(s: &Shared, kind: MessageType, message: String, sub: &Sub) -> Envelope {
    let origin = &s.config.public_origin;
    let confirmation = kind != MessageType::Notification;
    let mut env = Envelope {
        kind,
        message_id: uuid(),
        token: confirmation.then(|| sub.token.clone()),
        topic_arn: choices::TOPIC_ARN.to_owned(),
        subject: None,
        message,
        subscribe_url: confirmation.then(|| {
            format!(
                "{origin}/bkash{SUBSCRIBE_PATH}?Action=ConfirmSubscription&TopicArn={}&Token={}",
                choices::TOPIC_ARN,
                sub.token
            )
        }),
        timestamp: iso_utc(s.clock.now_ms()),
        signature_version: String::new(),
        signature: String::new(),
        signing_cert_url: format!("{origin}/bkash{}", choices::CERT_PATH),
        unsubscribe_url: (!confirmation).then(|| {
            format!(
                "{origin}/bkash{UNSUBSCRIBE_PATH}?Action=Unsubscribe&SubscriptionArn={}",
                sub.arn
            )
        }),
    };
    s.bkash.sns.sign(&mut env);
    env
}

/// Queues the Notification for a payment that just completed (a no-op without a webhook URL).
/// The `Message` string (A.13); `minimal` leaves out the fields a merchant does not need
/// (`dateTime`, `creditOrganizationName`, `transactionReference`), as some deliveries do.
fn message_text(message: &WebhookPayment, minimal: bool) -> Result<String, serde_json::Error> {
    let mut v = serde_json::to_value(message)?;
    if minimal {
        if let Some(map) = v.as_object_mut() {
            for key in ["dateTime", "creditOrganizationName", "transactionReference"] {
                map.remove(key);
            }
        }
    }
    serde_json::to_string(&v)
}

pub fn notify(s: &Shared, p: &Payment) {
    let wallet = p.wallet.as_deref().unwrap_or("");
    let at = p.completed_ms().unwrap_or(p.created_ms);
    let message = WebhookPayment {
        date_time: DhakaTime::from_unix_millis(at).compact(),
        debit_msisdn: format!("88{wallet}"),
        credit_organization_name: choices::MERCHANT_NAME.to_owned(),
        credit_short_code: choices::SHORT_CODE.to_owned(),
        trx_id: p.trx_id().unwrap_or("").to_owned(),
        transaction_status: TransactionStatus::Completed,
        transaction_type: WEBHOOK_TYPE_API_PAYMENT.to_owned(),
        amount: p.amount.to_string(),
        currency: "BDT".to_owned(),
        transaction_reference: String::new(),
        merchant_invoice_number: p.invoice.clone(),
        coupon_amount: None,
        merchant_share_amount: None,
        sale_amount: None,
    };
    let minimal = s.variants.has(Provider::Bkash, &p.id, Variant::SnsMinimal);
    let Ok(text) = message_text(&message, minimal) else {
        return;
    };
    let trx = message.trx_id;
    let mut sub = s.bkash.sns.lock();
    let Some(url) = sub.url.clone() else { return };
    let env = envelope(s, MessageType::Notification, text, &sub);
    match sub.status {
        Subscription::Confirmed => {
            drop(sub);
            tokio::spawn(deliver(s.clone(), url, env, p.id.clone(), trx));
        }
        Subscription::Unsubscribed => {
            drop(sub);
            record(
                s,
                Record {
                    op: "webhook",
                    reference: Some(p.id.clone()),
                    trx_id: Some(trx),
                    outcome: "unsubscribed".into(),
                    ..Record::default()
                },
            );
        }
        Subscription::None | Subscription::Pending => {
            sub.held.push((env, p.id.clone(), trx));
            if sub.status == Subscription::None {
                send_confirmation(s, &mut sub, url);
            }
        }
    }
}

/// Sends the SubscriptionConfirmation now (first use, or `POST /__control/bkash/sns/subscribe`).
pub fn subscribe(s: &Shared) -> bool {
    let mut sub = s.bkash.sns.lock();
    match (sub.status, sub.url.clone()) {
        (Subscription::None | Subscription::Pending, Some(url)) => {
            send_confirmation(s, &mut sub, url);
            true
        }
        _ => false,
    }
}

fn send_confirmation(s: &Shared, sub: &mut Sub, url: String) {
    sub.status = Subscription::Pending;
    let message = format!(
        "You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
        choices::TOPIC_ARN
    );
    let env = envelope(s, MessageType::SubscriptionConfirmation, message, sub);
    tokio::spawn(deliver(s.clone(), url, env, String::new(), String::new()));
}

/// POSTs one envelope with SNS's headers; retries non-2xx with doubling delays.
async fn deliver(s: Shared, url: String, env: Envelope, payment_id: String, trx: String) {
    let notification = env.kind == MessageType::Notification;
    let copies = if notification {
        match s
            .faults
            .enter_for(Provider::Bkash, "webhook", Some(&payment_id), s.config.hang)
            .await
        {
            Some(Injected::WebhookDrop) => {
                let detail = json!({"message_id": env.message_id});
                record(
                    &s,
                    Record {
                        op: "webhook",
                        reference: Some(payment_id),
                        trx_id: Some(trx),
                        outcome: "dropped".into(),
                        detail: Some(detail),
                        ..Record::default()
                    },
                );
                return;
            }
            Some(Injected::WebhookDuplicate) => 2,
            _ => 1,
        }
    } else {
        1
    };
    let Ok(body) = serde_json::to_string(&env) else { return };
    let subscription_arn = s.bkash.sns.lock().arn.clone();
    for copy in 1..=copies {
        let mut delay = s.config.bkash_webhook_backoff;
        for attempt in 1..=choices::WEBHOOK_RETRIES + 1 {
            let mut req = s
                .http
                .post(&url)
                .header(CONTENT_TYPE.as_str(), SNS_CONTENT_TYPE)
                .header("user-agent", "Amazon Simple Notification Service Agent")
                .header(header::MESSAGE_TYPE, env.kind.as_str())
                .header(header::MESSAGE_ID, env.message_id.as_str())
                .header(header::TOPIC_ARN, env.topic_arn.as_str());
            if notification {
                req = req.header(header::SUBSCRIPTION_ARN, subscription_arn.as_str());
            }
            let outcome = match req.body(body.clone()).send().await {
                Ok(r) if r.status().is_success() => "ok".to_owned(),
                Ok(r) => format!("http {}", r.status().as_u16()),
                Err(_) => "unreachable".to_owned(),
            };
            let ok = outcome == "ok";
            let detail =
                json!({"type": env.kind.as_str(), "message_id": env.message_id, "attempt": attempt, "copy": copy});
            let reference = (!payment_id.is_empty()).then(|| payment_id.clone());
            let trx_id = (!trx.is_empty()).then(|| trx.clone());
            record(
                &s,
                Record {
                    op: "webhook",
                    reference,
                    trx_id,
                    outcome,
                    detail: Some(detail),
                    ..Record::default()
                },
            );
            if ok {
                break;
            }
            if attempt <= choices::WEBHOOK_RETRIES {
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2).min(Duration::from_secs(60));
            }
        }
    }
}

/// `GET /bkash/sns/SimpleNotificationService-sandbox.pem`: the certificate that verifies our signatures.
pub async fn cert(State(s): State<Shared>) -> Response {
    ([(CONTENT_TYPE, "application/x-pem-file")], s.bkash.sns.cert_pem.clone()).into_response()
}

#[derive(Deserialize)]
pub struct SubQuery {
    #[serde(rename = "Token")]
    token: Option<String>,
    #[serde(rename = "SubscriptionArn")]
    arn: Option<String>,
}

fn xml(status: StatusCode, body: String) -> Response {
    (status, [(CONTENT_TYPE, "text/xml")], body).into_response()
}

fn sns_error(code: &str) -> Response {
    xml(
        StatusCode::BAD_REQUEST,
        format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code></Error></ErrorResponse>"),
    )
}

/// `SubscribeURL`: confirms, then releases the held Notifications.
pub async fn confirm(State(s): State<Shared>, Query(q): Query<SubQuery>) -> Response {
    let given = q.token;
    let mut sub = s.bkash.sns.lock();
    if given.as_deref() != Some(sub.token.as_str()) || sub.status == Subscription::Unsubscribed {
        return sns_error("InvalidParameter");
    }
    sub.status = Subscription::Confirmed;
    let held = std::mem::take(&mut sub.held);
    let (url, arn) = (sub.url.clone(), sub.arn.clone());
    drop(sub);
    record(
        &s,
        Record {
            op: "webhook",
            outcome: "subscribed".into(),
            ..Record::default()
        },
    );
    if let Some(url) = url {
        for (env, id, trx) in held {
            tokio::spawn(deliver(s.clone(), url.clone(), env, id, trx));
        }
    }
    xml(StatusCode::OK, format!(
        "<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>{arn}</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>"
    ))
}

/// `UnsubscribeURL`: no more Notifications until a new subscription.
pub async fn unsubscribe(State(s): State<Shared>, Query(q): Query<SubQuery>) -> Response {
    let given = q.arn;
    let mut sub = s.bkash.sns.lock();
    if given.as_deref() != Some(sub.arn.as_str()) {
        return sns_error("InvalidParameter");
    }
    sub.status = Subscription::Unsubscribed;
    sub.held.clear();
    xml(
        StatusCode::OK,
        "<UnsubscribeResponse><ResponseMetadata/></UnsubscribeResponse>".to_owned(),
    )
}
