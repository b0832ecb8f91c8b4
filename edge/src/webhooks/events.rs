//! Events in the ledger: recorded with the payment rows (deterministic ids, INSERT OR
//! IGNORE), listed newest first with their delivery attempts, and queued again on demand.

use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::rules;
use crate::ledger::{int, opt};
use crate::payment::record::{OutboxWebhook, PaymentRecord};
use crate::payment::view;

const INSERT_EVENT: &str =
    "INSERT OR IGNORE INTO events (id, merchant_id, mode, type, payment_id, refund_id, payload, created_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// One queue row per live endpoint of the merchant (same mode) whose filter takes the type.
const QUEUE_FOR_ENDPOINTS: &str =
    "INSERT OR IGNORE INTO webhook_queue (event_id, endpoint_id, merchant_id, state, attempts, first_at, next_at) \
    SELECT ?1, id, merchant_id, 'pending', 0, ?2, ?2 FROM webhook_endpoints \
    WHERE merchant_id = ?3 AND mode = ?4 AND deleted_at IS NULL AND (events = '*' OR instr(events, ?5) > 0)";

/// The object a refund event carries: the refund as the API shows it (a minimal object
/// naming the payment if the record no longer has it).
fn refund_object(r: &PaymentRecord, refund_id: &str) -> Value {
    crate::refunds::view_for_event(r, refund_id)
        .unwrap_or_else(|| json!({ "id": refund_id, "object": "refund", "payment": r.id }))
}

/// The exact JSON body the merchant receives for `w`.
pub fn payload(r: &PaymentRecord, w: &OutboxWebhook) -> Result<String, String> {
    let object = match &w.refund_id {
        Some(refund_id) => refund_object(r, refund_id),
        None => serde_json::to_value(view::merchant(r, None)).map_err(|e| e.to_string())?,
    };
    let event = json!({
        "id": rules::event_id(r.id.as_str(), w.version, w.refund_id.as_deref()),
        "object": "event",
        "type": w.event_type,
        "created": w.at_ms.div_euclid(1000),
        "livemode": r.mode == crate::providers::Mode::Live,
        "data": { "object": object },
    });
    serde_json::to_string(&event).map_err(|e| e.to_string())
}

/// The event row and its queue rows, for the ledger's batch.
pub fn record_statements(
    db: &D1Database,
    r: &PaymentRecord,
    w: &OutboxWebhook,
) -> Result<Vec<D1PreparedStatement>, String> {
    let id = rules::event_id(r.id.as_str(), w.version, w.refund_id.as_deref());
    let body = payload(r, w)?;
    let event = NewEvent {
        id: &id,
        merchant_id: &r.merchant_id,
        mode: r.mode.as_str(),
        event_type: &w.event_type,
        payment_id: Some(r.id.as_str()),
        refund_id: w.refund_id.as_deref(),
        payload: &body,
        at_ms: w.at_ms,
    };
    new_event_statements(db, &event)
}

/// An event to record for one merchant (a payment's, or a provider's health).
pub struct NewEvent<'a> {
    /// Deterministic, so recording it again inserts nothing.
    pub id: &'a str,
    pub merchant_id: &'a str,
    pub mode: &'a str,
    pub event_type: &'a str,
    /// None for an event about no payment (`provider.*`).
    pub payment_id: Option<&'a str>,
    pub refund_id: Option<&'a str>,
    /// The exact JSON body the merchant receives.
    pub payload: &'a str,
    pub at_ms: i64,
}

/// The event row and one queue row per live endpoint of its merchant (same mode) whose
/// filter takes the type; both INSERT OR IGNORE.
pub fn new_event_statements(db: &D1Database, e: &NewEvent<'_>) -> Result<Vec<D1PreparedStatement>, String> {
    let err = |e: worker::Error| e.to_string();
    let event: [JsValue; 8] = [
        e.id.into(),
        e.merchant_id.into(),
        e.mode.into(),
        e.event_type.into(),
        opt(e.payment_id),
        opt(e.refund_id),
        e.payload.into(),
        int(e.at_ms),
    ];
    let pattern = format!(",{},", e.event_type);
    let queue: [JsValue; 5] = [
        e.id.into(),
        int(e.at_ms),
        e.merchant_id.into(),
        e.mode.into(),
        pattern.as_str().into(),
    ];
    Ok(vec![
        db.prepare(INSERT_EVENT).bind(&event).map_err(err)?,
        db.prepare(QUEUE_FOR_ENDPOINTS).bind(&queue).map_err(err)?,
    ])
}

#[derive(Deserialize)]
struct EventRow {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    payload: String,
}

#[derive(Deserialize)]
struct AttemptRow {
    event_id: String,
    endpoint_id: String,
    attempt: i64,
    http_status: Option<i64>,
    error: Option<String>,
    duration_ms: i64,
    created_at: i64,
}

#[derive(Deserialize)]
struct QueueRow {
    event_id: String,
    endpoint_id: String,
    state: String,
    next_at: i64,
}

/// What `GET /v1/events` may filter by.
pub struct ListQuery<'a> {
    pub merchant_id: &'a str,
    pub mode: &'a str,
    pub kind: Option<&'a str>,
    pub payment_id: Option<&'a str>,
    pub limit: u32,
}

/// Newest first, each event as sent plus `attempts` and `deliveries` (per endpoint: state,
/// next attempt). Returns (events, has_more).
pub async fn list(db: &D1Database, q: &ListQuery<'_>) -> worker::Result<(Vec<Value>, bool)> {
    let rows: Vec<EventRow> = db
        .prepare(
            "SELECT id, type, payload FROM events WHERE merchant_id = ?1 AND mode = ?2 \
             AND (?3 IS NULL OR type = ?3) AND (?4 IS NULL OR payment_id = ?4) \
             ORDER BY created_at DESC, id DESC LIMIT ?5",
        )
        .bind(&[
            q.merchant_id.into(),
            q.mode.into(),
            opt(q.kind),
            opt(q.payment_id),
            int(i64::from(q.limit) + 1),
        ])?
        .all()
        .await?
        .results()?;
    let has_more = rows.len() > q.limit as usize;
    let rows: Vec<EventRow> = rows.into_iter().take(q.limit as usize).collect();
    let ids =
        serde_json::to_string(&rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
    let attempts: Vec<AttemptRow> = db
        .prepare(
            "SELECT event_id, endpoint_id, attempt, http_status, error, duration_ms, created_at FROM webhook_deliveries \
             WHERE event_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )
        .bind(&[ids.as_str().into()])?
        .all()
        .await?
        .results()?;
    let queue: Vec<QueueRow> = db
        .prepare("SELECT event_id, endpoint_id, state, next_at FROM webhook_queue WHERE event_id IN (SELECT value FROM json_each(?1))")
        .bind(&[ids.as_str().into()])?
        .all()
        .await?
        .results()?;
    let events = rows
        .into_iter()
        .map(|row| {
            let mut event = serde_json::from_str::<Value>(&row.payload)
                .unwrap_or_else(|_| json!({ "id": row.id, "type": row.kind }));
            let attempts: Vec<Value> = attempts
                .iter()
                .filter(|a| a.event_id == row.id)
                .map(|a| {
                    json!({
                        "endpoint": a.endpoint_id,
                        "attempt": a.attempt,
                        "at": view::iso(a.created_at),
                        "http_status": a.http_status,
                        "error": a.error,
                        "duration_ms": a.duration_ms,
                    })
                })
                .collect();
            let deliveries: Vec<Value> = queue
                .iter()
                .filter(|d| d.event_id == row.id)
                .map(|d| {
                    let next = (d.state == "pending").then(|| view::iso(d.next_at));
                    json!({ "endpoint": d.endpoint_id, "state": d.state, "next_attempt_at": next })
                })
                .collect();
            if let Some(map) = event.as_object_mut() {
                map.insert("attempts".into(), Value::Array(attempts));
                map.insert("deliveries".into(), Value::Array(deliveries));
            }
            event
        })
        .collect();
    Ok((events, has_more))
}

#[derive(Deserialize)]
struct OwnedEvent {
    #[serde(rename = "type")]
    kind: String,
    mode: String,
    payload: String,
}

/// Queues the event again for every endpoint it went to and every live endpoint that takes
/// it now; a fresh retry window. `None` when the merchant has no such event.
pub async fn redeliver(
    db: &D1Database,
    merchant_id: &str,
    mode: &str,
    event_id: &str,
    now_ms: i64,
) -> worker::Result<Option<Value>> {
    let row: Option<OwnedEvent> = db
        .prepare("SELECT type, mode, payload FROM events WHERE id = ?1 AND merchant_id = ?2 AND mode = ?3")
        .bind(&[event_id.into(), merchant_id.into(), mode.into()])?
        .first(None)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let pattern = format!(",{},", row.kind);
    let again = db
        .prepare(
            "UPDATE webhook_queue SET state = 'pending', attempts = 0, first_at = ?2, next_at = ?2 \
             WHERE event_id = ?1 AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE deleted_at IS NULL)",
        )
        .bind(&[event_id.into(), int(now_ms)])?;
    let added = db.prepare(QUEUE_FOR_ENDPOINTS).bind(&[
        event_id.into(),
        int(now_ms),
        merchant_id.into(),
        row.mode.as_str().into(),
        pattern.as_str().into(),
    ])?;
    db.batch(vec![again, added]).await?;
    let event = serde_json::from_str::<Value>(&row.payload).unwrap_or_else(|_| json!({ "id": event_id }));
    Ok(Some(event))
}
