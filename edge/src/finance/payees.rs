//! Payees in the ledger (`payees`): where a merchant's settled money goes, a bank account
//! reached through BEFTN. The account number is sealed with the data key and opened only to
//! write the bulk-credit file; answers show its last four digits.

use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Env};

use crate::crypto::DataKeys;
use crate::keys::binding;
use crate::ledger::int;
use crate::payment::view::iso;
use crate::providers::Mode;

pub struct NewPayee<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub account_number: &'a str,
    pub routing_number: &'a str,
    /// The payee's default share of money no payment assigns, in basis points.
    pub share_bp: Option<i64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Payee {
    pub id: String,
    pub name: String,
    pub account_enc: String,
    pub account_last4: String,
    pub routing_number: String,
    pub share_bp: Option<i64>,
    pub created_at: i64,
}

impl Payee {
    /// As the API shows it: never the whole account number.
    pub fn view(&self) -> Value {
        json!({
            "id": self.id, "object": "payee", "name": self.name,
            "account_number_last4": self.account_last4, "routing_number": self.routing_number,
            "share": self.share_bp.map(share_text), "created": self.created_at.div_euclid(1000),
            "created_at": iso(self.created_at),
        })
    }

    /// The account number, opened.
    pub fn account_number(&self, keys: &DataKeys) -> Result<String, String> {
        keys.decrypt_text(&binding::payee_account(&self.id), &self.account_enc)
    }
}

/// A share in basis points as the API writes it, a percentage: `"60.00"`.
pub fn share_text(bp: i64) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

pub async fn insert(
    env: &Env,
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    p: &NewPayee<'_>,
    now_ms: i64,
) -> Result<Payee, String> {
    let err = |e: worker::Error| e.to_string();
    let sealed = DataKeys::from_env(env)?.encrypt_text(&binding::payee_account(p.id), p.account_number)?;
    let last4: String = p
        .account_number
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    db.prepare(
        "INSERT INTO payees (id, merchant_id, mode, name, account_enc, account_last4, routing_number, share_bp, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(&[
        p.id.into(),
        merchant_id.into(),
        mode.as_str().into(),
        p.name.into(),
        sealed.as_str().into(),
        last4.as_str().into(),
        p.routing_number.into(),
        p.share_bp.map_or(wasm_bindgen::JsValue::NULL, int),
        int(now_ms),
    ])
    .map_err(err)?
    .run()
    .await
    .map_err(err)?;
    Ok(Payee {
        id: p.id.to_owned(),
        name: p.name.to_owned(),
        account_enc: sealed,
        account_last4: last4,
        routing_number: p.routing_number.to_owned(),
        share_bp: p.share_bp,
        created_at: now_ms,
    })
}

const COLUMNS: &str = "id, name, account_enc, account_last4, routing_number, share_bp, created_at";

/// The merchant's payees in the mode (not deleted), oldest first.
pub async fn list(db: &D1Database, merchant_id: &str, mode: Mode) -> worker::Result<Vec<Payee>> {
    db.prepare(format!(
        "SELECT {COLUMNS} FROM payees WHERE merchant_id = ?1 AND mode = ?2 AND deleted_at IS NULL ORDER BY created_at, id"
    ))
    .bind(&[merchant_id.into(), mode.as_str().into()])?
    .all()
    .await?
    .results()
}

/// Deletes a payee (kept for earlier files' sake, marked deleted). False when none.
pub async fn delete(db: &D1Database, merchant_id: &str, mode: Mode, id: &str, now_ms: i64) -> worker::Result<bool> {
    let r = db
        .prepare(
            "UPDATE payees SET deleted_at = ?4 WHERE id = ?1 AND merchant_id = ?2 AND mode = ?3 AND deleted_at IS NULL",
        )
        .bind(&[id.into(), merchant_id.into(), mode.as_str().into(), int(now_ms)])?
        .run()
        .await?;
    Ok(r.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}
