//! Delivering due webhooks: sign the stored body at send time, POST it with a 10 s
//! timeout, 2xx = delivered, anything else is retried on the backoff schedule
//! ([`rules::next_attempt_ms`]). Every attempt is recorded in D1.

use std::time::Duration;

use bdpay_shared::signature;
use futures_util::future::{join_all, select, Either};
use serde::Deserialize;
use worker::{AbortController, D1Database, Delay, Env, Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use super::rules;
use crate::config::EdgeConfig;
use crate::crypto::DataKeys;
use crate::ledger::{int, opt};

/// How long one delivery may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// At most this many deliveries per alarm run (sent concurrently); more are due → run again.
const BATCH: usize = 25;

#[derive(Deserialize)]
struct Due {
    event_id: String,
    endpoint_id: String,
    attempts: i64,
    first_at: i64,
    payload: String,
    url: String,
    secret_enc: String,
}

#[derive(Deserialize)]
struct Next {
    next: Option<i64>,
}

/// What one attempt came to.
struct Outcome {
    http_status: Option<u16>,
    error: Option<&'static str>,
    duration_ms: i64,
}

impl Outcome {
    fn delivered(&self) -> bool {
        self.http_status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Delivers what is due for `merchant_id`; returns when the next delivery is due, if any.
pub async fn run(env: &Env, merchant_id: &str, now_ms: i64) -> Result<Option<i64>, String> {
    let err = |e: worker::Error| e.to_string();
    let db = env.d1("DB").map_err(err)?;
    let keys = EdgeConfig::from_env(env)
        .map_err(|_| "edge configuration is incomplete".to_owned())?
        .data_keys;
    let base = super::retry_base_secs(env);
    let due: Vec<Due> = db
        .prepare(
            "SELECT q.event_id AS event_id, q.endpoint_id AS endpoint_id, q.attempts AS attempts, q.first_at AS first_at, \
             e.payload AS payload, w.url AS url, w.secret_enc AS secret_enc \
             FROM webhook_queue q JOIN events e ON e.id = q.event_id JOIN webhook_endpoints w ON w.id = q.endpoint_id \
             WHERE q.merchant_id = ?1 AND q.state = 'pending' AND q.next_at <= ?2 AND w.deleted_at IS NULL \
             ORDER BY q.next_at LIMIT ?3",
        )
        .bind(&[merchant_id.into(), int(now_ms), int(BATCH as i64)])
        .map_err(err)?
        .all()
        .await
        .map_err(err)?
        .results()
        .map_err(err)?;
    let outcomes = join_all(due.iter().map(|d| attempt(d, &keys))).await;
    let mut statements = Vec::with_capacity(due.len() * 2);
    for (d, o) in due.iter().zip(&outcomes) {
        let at = crate::clock::now_ms();
        let attempts = u32::try_from(d.attempts.saturating_add(1)).unwrap_or(u32::MAX);
        statements.push(record_attempt(&db, d, attempts, o, at).map_err(err)?);
        let (state, next_at) = if o.delivered() {
            ("delivered", at)
        } else {
            match rules::next_attempt_ms(attempts, d.first_at, at, base) {
                Some(next) => ("pending", next),
                None => ("failed", at),
            }
        };
        statements.push(
            db.prepare(
                "UPDATE webhook_queue SET state = ?3, attempts = ?4, next_at = ?5 \
                 WHERE event_id = ?1 AND endpoint_id = ?2 AND state = 'pending'",
            )
            .bind(&[
                d.event_id.as_str().into(),
                d.endpoint_id.as_str().into(),
                state.into(),
                int(i64::from(attempts)),
                int(next_at),
            ])
            .map_err(err)?,
        );
    }
    if !statements.is_empty() {
        db.batch(statements).await.map_err(err)?;
    }
    if due.len() >= BATCH {
        return Ok(Some(now_ms));
    }
    next_due(&db, merchant_id).await.map_err(err)
}

async fn next_due(db: &D1Database, merchant_id: &str) -> worker::Result<Option<i64>> {
    let row: Option<Next> = db
        .prepare(
            "SELECT MIN(q.next_at) AS next FROM webhook_queue q JOIN webhook_endpoints w ON w.id = q.endpoint_id \
             WHERE q.merchant_id = ?1 AND q.state = 'pending' AND w.deleted_at IS NULL",
        )
        .bind(&[merchant_id.into()])?
        .first(None)
        .await?;
    Ok(row.and_then(|r| r.next))
}

fn record_attempt(
    db: &D1Database,
    d: &Due,
    attempt: u32,
    o: &Outcome,
    at: i64,
) -> worker::Result<worker::D1PreparedStatement> {
    db.prepare(
        "INSERT INTO webhook_deliveries (event_id, endpoint_id, attempt, http_status, error, duration_ms, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(&[
        d.event_id.as_str().into(),
        d.endpoint_id.as_str().into(),
        int(i64::from(attempt)),
        o.http_status.map_or(wasm_bindgen::JsValue::NULL, |s| int(i64::from(s))),
        opt(o.error),
        int(o.duration_ms),
        int(at),
    ])
}

/// One signed POST of the stored body.
async fn attempt(d: &Due, keys: &DataKeys) -> Outcome {
    let started = crate::clock::now_ms();
    let at = crate::keys::binding::webhook_secret(&d.endpoint_id);
    let result = match keys.decrypt_text(&at, &d.secret_enc) {
        Ok(secret) => {
            let header = signature::sign(secret.as_bytes(), started.div_euclid(1000), d.payload.as_bytes());
            post(&d.url, &d.payload, &header, &d.event_id).await
        }
        Err(_) => Err("secret_unreadable"),
    };
    let duration_ms = crate::clock::now_ms().saturating_sub(started);
    match result {
        Ok(status) => Outcome {
            http_status: Some(status),
            error: None,
            duration_ms,
        },
        Err(error) => Outcome {
            http_status: None,
            error: Some(error),
            duration_ms,
        },
    }
}

/// The POST itself: the status that came back, or why none did. The body is not read.
async fn post(url: &str, body: &str, header: &str, event_id: &str) -> Result<u16, &'static str> {
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|_| "bad_header");
    set("content-type", "application/json")?;
    set("user-agent", "bdpay-webhooks/1")?;
    set(signature::HEADER, header)?;
    set("bdpay-event-id", event_id)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(wasm_bindgen::JsValue::from_str(body)));
    let request = Request::new_with_init(url, &init).map_err(|_| "bad_url")?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let send = async {
        Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map(|r| r.status_code())
            .map_err(|_| "network")
    };
    futures_util::pin_mut!(send);
    match select(send, Delay::from(TIMEOUT)).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            controller.abort();
            Err("timeout")
        }
    }
}
