//! A merchant's ops numbers for P1 alerts (`merchant_alert_contacts`): set by operators
//! (`PUT /admin/merchants/{id}/alerts`, `bdpay-admin alerts set`), sealed at rest, shown
//! masked, opened only to send an SMS.

use bdpay_shared::phone::Msisdn;
use serde::Deserialize;
use serde_json::json;
use worker::{D1Database, Env};

use crate::clock::now_ms;
use crate::crypto::DataKeys;
use crate::error::{EdgeError, EdgeResult};
use crate::keys::binding;
use crate::ledger::int;

/// The merchant's numbers, opened. A row that does not open is left out (and logged).
pub async fn numbers(env: &Env, db: &D1Database, merchant_id: &str) -> Result<Vec<Msisdn>, String> {
    #[derive(Deserialize)]
    struct Row {
        slot: i64,
        number_enc: String,
    }
    let rows: Vec<Row> = db
        .prepare("SELECT slot, number_enc FROM merchant_alert_contacts WHERE merchant_id = ?1 ORDER BY slot")
        .bind(&[merchant_id.into()])
        .map_err(|e| e.to_string())?
        .all()
        .await
        .map_err(|e| e.to_string())?
        .results()
        .map_err(|e| e.to_string())?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let keys = DataKeys::from_env(env)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let at = binding::alert_contact(merchant_id, &r.slot.to_string());
        match keys.decrypt_phone(&at, &r.number_enc) {
            Ok(p) => out.push(p),
            Err(_) => crate::log::error(
                "alert_contact_unreadable",
                &json!({ "merchant": merchant_id, "slot": r.slot }),
            ),
        }
    }
    Ok(out)
}

/// Merchants with ops numbers and a key (not revoked) in `mode`.
pub async fn merchants_in_mode(db: &D1Database, mode: &str) -> worker::Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        merchant_id: String,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT DISTINCT c.merchant_id FROM merchant_alert_contacts c WHERE EXISTS \
             (SELECT 1 FROM api_keys k WHERE k.merchant_id = c.merchant_id AND k.mode = ?1 AND k.revoked_at IS NULL)",
        )
        .bind(&[mode.into()])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| r.merchant_id).collect())
}

/// Replaces the merchant's numbers with `phones` (all in one batch); returns them masked.
/// 404 when there is no such merchant.
pub async fn replace(env: &Env, merchant_id: &str, phones: &[Msisdn]) -> EdgeResult<Vec<String>> {
    let db = env.d1("DB")?;
    crate::ledger::merchants::require(&db, merchant_id).await?;
    let keys = DataKeys::from_env(env).map_err(EdgeError::internal)?;
    let now = now_ms();
    let mut statements = vec![db
        .prepare("DELETE FROM merchant_alert_contacts WHERE merchant_id = ?1")
        .bind(&[merchant_id.into()])?];
    let mut shown = Vec::with_capacity(phones.len());
    for (slot, phone) in phones.iter().enumerate() {
        let slot = slot as i64;
        let sealed = keys
            .encrypt_phone(&binding::alert_contact(merchant_id, &slot.to_string()), phone)
            .map_err(EdgeError::internal)?;
        let masked = phone.masked();
        statements.push(
            db.prepare(
                "INSERT INTO merchant_alert_contacts (merchant_id, slot, number_enc, number_masked, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(&[
                merchant_id.into(),
                int(slot),
                sealed.into(),
                masked.as_str().into(),
                int(now),
            ])?,
        );
        shown.push(masked);
    }
    db.batch(statements).await?;
    Ok(shown)
}
