//! P1 alerts by SMS to a merchant's ops people (`bdpay-admin alerts set`): a wallet going down,
//! a payment's ledger writes stuck for an hour. At most one SMS per merchant and cause per 15
//! minutes (`bdpay_shared::alerts`), taken by one conditional D1 statement so two workers
//! cannot both send. The gateway is a Bangladeshi bulk-SMS HTTP API (docs/providers.md Part D):
//! `SMS_GATEWAY_URL` and `SMS_SENDER_ID` (vars) and `SMS_API_KEY` (secret); without them no SMS
//! goes out and `alert_sms_not_configured` is logged. Webhook events for the same causes are
//! `provider.down` (health) — a stuck ledger cannot record events, so SMS is its one channel.
//! Numbers are logged masked only.

pub mod contacts;
pub(crate) mod gateway;

use bdpay_shared::alerts::{Cause, SMS_EVERY_MS};
use serde_json::json;
use worker::Env;

use crate::clock::now_ms;
use crate::ledger::int;
use crate::log;

/// Takes the cause's slot for the merchant if its last SMS is 15 minutes old (or none):
/// `true` = this caller sends.
async fn take_slot(db: &worker::D1Database, merchant_id: &str, cause: &str, now: i64) -> worker::Result<bool> {
    let result = db
        .prepare(
            "INSERT INTO alerts_sent (merchant_id, cause, sent_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (merchant_id, cause) DO UPDATE SET sent_at = excluded.sent_at \
             WHERE alerts_sent.sent_at <= ?4",
        )
        .bind(&[merchant_id.into(), cause.into(), int(now), int(now - SMS_EVERY_MS)])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Raises `cause` for the merchant: one SMS to each of its ops numbers, unless one went out for
/// the same cause in the last 15 minutes or it has no numbers. Never fails its caller: what
/// goes wrong is logged.
pub async fn raise(env: &Env, merchant_id: &str, cause: Cause) {
    let key = cause.key();
    let fields = |what: &str| json!({ "merchant": merchant_id, "cause": key, "what": what });
    let Some(gateway) = gateway::Gateway::from_env(env) else {
        log::warn("alert_sms_not_configured", &fields("no SMS_GATEWAY_URL / SMS_API_KEY"));
        return;
    };
    let Ok(db) = env.d1("DB") else {
        log::error("alert_not_sent", &fields("no ledger"));
        return;
    };
    let numbers = match contacts::numbers(env, &db, merchant_id).await {
        Ok(n) if n.is_empty() => return,
        Ok(n) => n,
        Err(cause) => {
            log::error(
                "alert_not_sent",
                &json!({ "merchant": merchant_id, "cause": key, "why": cause }),
            );
            return;
        }
    };
    match take_slot(&db, merchant_id, &key, now_ms()).await {
        Ok(true) => {}
        Ok(false) => {
            log::info("alert_sms_held", &fields("sent for this cause in the last 15 minutes"));
            return;
        }
        Err(e) => {
            log::error(
                "alert_not_sent",
                &json!({ "merchant": merchant_id, "cause": key, "why": e.to_string() }),
            );
            return;
        }
    }
    let text = cause.text();
    for phone in &numbers {
        let sent = gateway.send(phone, &text).await;
        let line = json!({ "merchant": merchant_id, "cause": key, "to": phone.masked(), "result": sent });
        if sent == "sent" {
            log::info("alert_sms_sent", &line);
        } else {
            log::error("alert_sms_failed", &line);
        }
    }
}

/// Raises `cause` for every merchant with ops numbers that uses `mode` (a live or test key
/// not revoked): a wallet's outage concerns them all.
pub async fn raise_for_mode(env: &Env, live: bool, cause: Cause) {
    let Ok(db) = env.d1("DB") else { return };
    let merchants = match contacts::merchants_in_mode(&db, if live { "live" } else { "test" }).await {
        Ok(m) => m,
        Err(e) => {
            log::error("alert_not_sent", &json!({ "cause": cause.key(), "why": e.to_string() }));
            return;
        }
    };
    for merchant in merchants {
        raise(env, &merchant, cause).await;
    }
}
