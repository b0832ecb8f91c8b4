//! Signed webhooks to the merchant. A payment move queues its event in the payment
//! object's outbox; the ledger batch records it (`outbox_statements`: the event row and one
//! queue row per matching endpoint, in the same D1 transaction as the payment rows); then
//! `after_ledger_write` wakes the merchant's [`object::WebhookObject`], whose alarm
//! delivers, signs (`bdpay_shared::signature`) and retries with backoff for three days.

pub mod address;
pub mod delivery;
pub mod endpoints;
pub mod events;
pub mod object;
pub mod rules;

use worker::{D1Database, D1PreparedStatement, Env};

use crate::log;
use crate::payment::record::PaymentRecord;

/// Statements recording the events in `r.outbox_webhooks`, run in the ledger's batch.
pub fn outbox_statements(db: &D1Database, r: &PaymentRecord) -> Result<Vec<D1PreparedStatement>, String> {
    let mut statements = Vec::with_capacity(r.outbox_webhooks.len() * 2);
    for w in &r.outbox_webhooks {
        statements.extend(events::record_statements(db, r, w)?);
    }
    Ok(statements)
}

/// After the ledger batch landed: wake delivery of new events.
pub async fn after_ledger_write(env: &Env, r: &PaymentRecord) {
    if r.outbox_webhooks.is_empty() {
        return;
    }
    if let Err(cause) = object::wake(env, &r.merchant_id).await {
        log::warn(
            "webhook_wake_failed",
            &serde_json::json!({ "payment": r.id, "cause": cause }),
        );
    }
}

/// Safety net for a lost wake (the payment object's call to the merchant's object failed
/// after the ledger had the event): wakes the merchant's object when one of its deliveries
/// is overdue by more than a minute. Called when the merchant lists events; a cron sweep
/// over merchants could call it too.
pub async fn nudge_if_overdue(env: &Env, merchant_id: &str, now_ms: i64) -> Result<bool, String> {
    #[derive(serde::Deserialize)]
    struct Row {
        #[allow(dead_code)]
        event_id: String,
    }
    let err = |e: worker::Error| e.to_string();
    let db = env.d1("DB").map_err(err)?;
    let overdue: Option<Row> = db
        .prepare(
            "SELECT event_id FROM webhook_queue WHERE merchant_id = ?1 AND state = 'pending' AND next_at < ?2 LIMIT 1",
        )
        .bind(&[merchant_id.into(), crate::ledger::int(now_ms - 60_000)])
        .map_err(err)?
        .first(None)
        .await
        .map_err(err)?;
    if overdue.is_none() {
        return Ok(false);
    }
    object::wake(env, merchant_id).await?;
    Ok(true)
}

/// The retry schedule's base in seconds (`BDPAY_WEBHOOK_RETRY_BASE_SECS`, 1 ..= 3600,
/// default 60: retries after 1 min, 5 min, 30 min, 2 h, … for three days).
pub fn retry_base_secs(env: &Env) -> i64 {
    env.var("BDPAY_WEBHOOK_RETRY_BASE_SECS")
        .ok()
        .and_then(|v| v.to_string().trim().parse::<i64>().ok())
        .filter(|s| (1..=3600).contains(s))
        .unwrap_or(60)
}
