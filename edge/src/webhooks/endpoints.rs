//! A merchant's webhook endpoints: created with a signing secret (shown once, kept
//! encrypted), read, and deleted (soft: past attempts keep naming it).

use serde::{Deserialize, Serialize};
use worker::D1Database;

use super::rules;
use crate::ledger::int;

/// The most live endpoints one merchant may have.
pub const MAX_PER_MERCHANT: i64 = 16;

/// An endpoint as the API shows it (never the secret, except once at creation).
#[derive(Serialize)]
pub struct EndpointView {
    pub id: String,
    pub object: &'static str,
    pub url: String,
    pub events: Vec<String>,
    pub livemode: bool,
    pub created: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// A new endpoint, validated, before it is stored.
pub struct NewEndpoint<'a> {
    pub id: &'a str,
    pub merchant_id: &'a str,
    pub mode: &'a str,
    pub url: &'a str,
    /// `*` or `,a,b,` ([`rules::events_filter`]).
    pub events: &'a str,
    pub secret_enc: &'a str,
    pub now_ms: i64,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    mode: String,
    url: String,
    events: String,
    created_at: i64,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

impl Row {
    fn view(self) -> EndpointView {
        EndpointView {
            id: self.id,
            object: "webhook_endpoint",
            url: self.url,
            events: rules::events_list(&self.events),
            livemode: self.mode == "live",
            created: self.created_at.div_euclid(1000),
            secret: None,
        }
    }
}

/// How many live endpoints the merchant has.
pub async fn count(db: &D1Database, merchant_id: &str) -> worker::Result<i64> {
    let row: Option<Count> = db
        .prepare("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE merchant_id = ?1 AND deleted_at IS NULL")
        .bind(&[merchant_id.into()])?
        .first(None)
        .await?;
    Ok(row.map_or(0, |r| r.n))
}

pub async fn insert(db: &D1Database, e: &NewEndpoint<'_>) -> worker::Result<EndpointView> {
    db.prepare(
        "INSERT INTO webhook_endpoints (id, merchant_id, mode, url, events, secret_enc, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(&[
        e.id.into(),
        e.merchant_id.into(),
        e.mode.into(),
        e.url.into(),
        e.events.into(),
        e.secret_enc.into(),
        int(e.now_ms),
    ])?
    .run()
    .await?;
    Ok(Row {
        id: e.id.to_owned(),
        mode: e.mode.to_owned(),
        url: e.url.to_owned(),
        events: e.events.to_owned(),
        created_at: e.now_ms,
    }
    .view())
}

/// The merchant's endpoint `id` in `mode` (a test key never sees a live endpoint), if any.
pub async fn get(db: &D1Database, merchant_id: &str, mode: &str, id: &str) -> worker::Result<Option<EndpointView>> {
    let row: Option<Row> = db
        .prepare(
            "SELECT id, mode, url, events, created_at FROM webhook_endpoints \
             WHERE id = ?1 AND merchant_id = ?2 AND mode = ?3 AND deleted_at IS NULL",
        )
        .bind(&[id.into(), merchant_id.into(), mode.into()])?
        .first(None)
        .await?;
    Ok(row.map(Row::view))
}

/// Marks it deleted (nothing more is delivered to it). Whether it existed.
pub async fn delete(db: &D1Database, merchant_id: &str, mode: &str, id: &str, now_ms: i64) -> worker::Result<bool> {
    if get(db, merchant_id, mode, id).await?.is_none() {
        return Ok(false);
    }
    let stop = db
        .prepare(
            "UPDATE webhook_endpoints SET deleted_at = ?3 WHERE id = ?1 AND merchant_id = ?2 AND deleted_at IS NULL",
        )
        .bind(&[id.into(), merchant_id.into(), int(now_ms)])?;
    let drop_queue = db
        .prepare("UPDATE webhook_queue SET state = 'failed' WHERE endpoint_id = ?1 AND state = 'pending'")
        .bind(&[id.into()])?;
    db.batch(vec![stop, drop_queue]).await?;
    Ok(true)
}
