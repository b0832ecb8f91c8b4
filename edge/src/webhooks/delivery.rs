//! Delivering due webhooks: sign the stored body at send time, POST it with a 10 s
//! timeout, 2xx = delivered, anything else is retried on the backoff schedule
//! ([`rules::next_attempt_ms`]). Every attempt is recorded in D1. The URL is checked again
//! first ([`rules::check_url`]): one the rules now refuse is never fetched; its attempt is
//! recorded as `url_refused` and the delivery ends there (`failed`, no retries).

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
    /// The endpoint's mode (`test` or `live`).
    mode: String,
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

/// The error recorded for an attempt whose URL the rules refuse (nothing was sent).
pub const URL_REFUSED: &str = "url_refused";

impl Outcome {
    fn delivered(&self) -> bool {
        self.http_status.is_some_and(|s| (200..300).contains(&s))
    }

    /// No retry can help: the URL is refused.
    fn hopeless(&self) -> bool {
        self.error == Some(URL_REFUSED)
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
    let dev = crate::deployment::Deployment::from_env(env).is_dev();
    let due: Vec<Due> = db
        .prepare(
            "SELECT q.event_id AS event_id, q.endpoint_id AS endpoint_id, q.attempts AS attempts, q.first_at AS first_at, \
             e.payload AS payload, w.url AS url, w.mode AS mode, w.secret_enc AS secret_enc \
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
    let outcomes = join_all(due.iter().map(|d| attempt(d, &keys, dev))).await;
    let mut statements = Vec::with_capacity(due.len() * 2);
    for (d, o) in due.iter().zip(&outcomes) {
        let at = crate::clock::now_ms();
        let attempts = u32::try_from(d.attempts.saturating_add(1)).unwrap_or(u32::MAX);
        statements.push(record_attempt(&db, d, attempts, o, at).map_err(err)?);
        let (state, next_at) = if o.delivered() {
            ("delivered", at)
        } else if o.hopeless() {
            ("failed", at)
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

/// Whether an endpoint's stored URL may be fetched now, under today's rules (they may be
/// stricter than when it was registered: a dev endpoint in a production deployment).
fn admitted(url: &str, mode: &str, dev: bool) -> bool {
    rules::check_url(url, mode == "live", dev).is_ok()
}

/// One signed POST of the stored body, if the rules still admit the URL.
async fn attempt(d: &Due, keys: &DataKeys, dev: bool) -> Outcome {
    let started = crate::clock::now_ms();
    if !admitted(&d.url, &d.mode, dev) {
        crate::log::warn(
            "webhook_url_refused",
            &serde_json::json!({ "event": d.event_id, "endpoint": d.endpoint_id }),
        );
        return Outcome {
            http_status: None,
            error: Some(URL_REFUSED),
            duration_ms: 0,
        };
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_refused_at_delivery_time_is_not_fetched_and_not_retried() {
        let demo = "http://127.0.0.1:8787/demo/webhooks";
        assert!(admitted(demo, "test", true), "the demo shop's receiver in dev");
        assert!(
            !admitted(demo, "test", false),
            "the same stored row, deployed to production"
        );
        assert!(!admitted(demo, "live", true), "a live endpoint never goes to loopback");
        for stored in [
            "http://169.254.169.254/latest/meta-data/",
            "https://0xa9fea9fe/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://100.64.1.1/",
            "http://[fe80::1%25eth0]/",
        ] {
            for (mode, dev) in [("test", true), ("test", false), ("live", true), ("live", false)] {
                assert!(!admitted(stored, mode, dev), "{stored} {mode} dev={dev}");
            }
        }
        assert!(admitted("https://shop.example/hooks", "live", false));
        let refused = Outcome {
            http_status: None,
            error: Some(URL_REFUSED),
            duration_ms: 0,
        };
        assert!(refused.hopeless() && !refused.delivered());
        let timed_out = Outcome {
            http_status: None,
            error: Some("timeout"),
            duration_ms: 10_000,
        };
        assert!(!timed_out.hopeless());
    }
}
