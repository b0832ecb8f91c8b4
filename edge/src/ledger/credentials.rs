//! Merchants' provider credentials in D1 (`merchant_credentials`): sealed on the way in, opened
//! only to configure a provider client, listed by their account part alone.

use bdpay_shared::provider::Provider;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, D1Result};

use super::int;
use crate::crypto::DataKeys;
use crate::keys::binding;
use crate::providers::config::Mode;
use crate::providers::credentials::Credential;

/// The row key's second half, `<mode>/<provider>` (the binding names it, and the rotation
/// reads it back as the row's id).
pub fn slot(mode: Mode, provider: Provider) -> String {
    format!("{}/{}", mode.as_str(), provider.as_str())
}

/// Stores (or replaces) `credential` for the merchant in `mode`.
pub async fn put(
    db: &D1Database,
    keys: &DataKeys,
    merchant_id: &str,
    mode: Mode,
    credential: &Credential,
    now_ms: i64,
) -> Result<(), String> {
    let provider = credential.provider();
    let sealed = keys.encrypt_text(
        &binding::merchant_credential(merchant_id, &slot(mode, provider)),
        &credential.to_sealable(),
    )?;
    let statement = db
        .prepare(
            "INSERT INTO merchant_credentials (merchant_id, mode, provider, account, sealed, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (merchant_id, mode, provider) \
             DO UPDATE SET account = excluded.account, sealed = excluded.sealed, updated_at = excluded.updated_at",
        )
        .bind(&[
            merchant_id.into(),
            mode.as_str().into(),
            provider.as_str().into(),
            credential.account().into(),
            sealed.into(),
            int(now_ms),
        ])
        .map_err(|e| e.to_string())?;
    statement.run().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Removes the merchant's credential for `provider` in `mode`; `false` when there was none.
pub async fn delete(db: &D1Database, merchant_id: &str, mode: Mode, provider: Provider) -> worker::Result<bool> {
    let result = db
        .prepare("DELETE FROM merchant_credentials WHERE merchant_id = ?1 AND mode = ?2 AND provider = ?3")
        .bind(&[merchant_id.into(), mode.as_str().into(), provider.as_str().into()])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// What may be shown of a stored credential.
#[derive(Deserialize)]
pub struct Listed {
    pub mode: String,
    pub provider: String,
    pub account: String,
    pub updated_at: i64,
}

/// The merchant's credentials, account parts only.
pub async fn list(db: &D1Database, merchant_id: &str) -> worker::Result<Vec<Listed>> {
    db.prepare(
        "SELECT mode, provider, account, updated_at FROM merchant_credentials WHERE merchant_id = ?1 \
         ORDER BY mode, provider",
    )
    .bind(&[merchant_id.into()])?
    .all()
    .await?
    .results()
}

/// The merchant's credentials in `mode`, opened. A row that does not open is logged by kind
/// and left out, so the deployment's own settings (or "not configured") apply instead of a
/// half-read credential.
pub async fn for_merchant(
    db: &D1Database,
    keys: &DataKeys,
    merchant_id: &str,
    mode: Mode,
) -> worker::Result<Vec<Credential>> {
    let rows = for_merchant_statement(db, merchant_id, mode)?.all().await?;
    opened(keys, merchant_id, mode, &rows)
}

/// The statement [`for_merchant`] sends, for a batch with others; [`opened`] reads its answer.
pub fn for_merchant_statement(db: &D1Database, merchant_id: &str, mode: Mode) -> worker::Result<D1PreparedStatement> {
    db.prepare("SELECT provider, sealed FROM merchant_credentials WHERE merchant_id = ?1 AND mode = ?2")
        .bind(&[merchant_id.into(), mode.as_str().into()])
}

/// The credentials in the answer to [`for_merchant_statement`], opened (as [`for_merchant`]).
pub fn opened(keys: &DataKeys, merchant_id: &str, mode: Mode, rows: &D1Result) -> worker::Result<Vec<Credential>> {
    #[derive(Deserialize)]
    struct Row {
        provider: String,
        sealed: String,
    }
    let rows: Vec<Row> = rows.results()?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let Ok(provider) = row.provider.parse::<Provider>() else {
            continue;
        };
        let opened = keys
            .decrypt_text(
                &binding::merchant_credential(merchant_id, &slot(mode, provider)),
                &row.sealed,
            )
            .and_then(|text| Credential::from_sealed(provider, &text));
        match opened {
            Ok(credential) => found.push(credential),
            Err(_) => crate::log::error(
                "merchant_credential_unreadable",
                &serde_json::json!({ "merchant": merchant_id, "mode": mode.as_str(), "provider": provider.as_str() }),
            ),
        }
    }
    Ok(found)
}
