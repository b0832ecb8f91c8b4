//! Each merchant's manual-transfer settings in D1: the mode (`merchants.manual_transfer_mode`)
//! and the wallets that receive the money (`merchant_wallets`), the numbers sealed on the way
//! in and opened only for the shopper's instructions and bKash's search check.

use bdpay_shared::manual_transfer::offer::Setting;
use bdpay_shared::manual_transfer::Mode;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

use super::{int, opt};
use crate::crypto::DataKeys;
use crate::keys::binding;

/// A merchant's settings, numbers opened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub mode: Mode,
    pub bkash: Option<Msisdn>,
    pub nagad: Option<Msisdn>,
}

impl Settings {
    /// What the offer decision needs (`manual_transfer::offer`).
    pub fn setting(&self) -> Setting {
        Setting {
            mode: self.mode,
            bkash: self.bkash.is_some(),
            nagad: self.nagad.is_some(),
        }
    }

    /// The merchant's number at `p`'s wallet.
    pub fn number(&self, p: Provider) -> Option<&Msisdn> {
        match p {
            Provider::Bkash => self.bkash.as_ref(),
            Provider::Nagad => self.nagad.as_ref(),
        }
    }
}

#[derive(Deserialize)]
struct ModeRow {
    mode: String,
}

#[derive(Deserialize)]
struct WalletRow {
    provider: String,
    number_enc: String,
}

/// The two statements that read a merchant's settings (its mode, its wallets), to send alone
/// ([`get`]) or in a batch with others (`payment::confirm_reads`); [`from_results`] reads them.
pub fn statements(db: &D1Database, merchant_id: &str) -> worker::Result<[D1PreparedStatement; 2]> {
    Ok([
        db.prepare("SELECT manual_transfer_mode AS mode FROM merchants WHERE id = ?1")
            .bind(&[merchant_id.into()])?,
        db.prepare("SELECT provider, number_enc FROM merchant_wallets WHERE merchant_id = ?1")
            .bind(&[merchant_id.into()])?,
    ])
}

/// The merchant's settings; `None` when there is no such merchant. A number that does not
/// open is logged and left out (no instructions to a wrong number).
pub async fn get(db: &D1Database, keys: &DataKeys, merchant_id: &str) -> worker::Result<Option<Settings>> {
    let results = db.batch(statements(db, merchant_id)?.into()).await?;
    match (results.first(), results.get(1)) {
        (Some(modes), Some(wallets)) => from_results(keys, merchant_id, modes, wallets),
        _ => Ok(None),
    }
}

/// The settings from the answers to [`statements`].
pub fn from_results(
    keys: &DataKeys,
    merchant_id: &str,
    modes: &D1Result,
    wallets: &D1Result,
) -> worker::Result<Option<Settings>> {
    let Some(row) = modes.results::<ModeRow>()?.into_iter().next() else {
        return Ok(None);
    };
    let mut s = Settings {
        mode: row.mode.parse().unwrap_or_default(),
        ..Settings::default()
    };
    for w in wallets.results::<WalletRow>()? {
        let Ok(provider) = w.provider.parse::<Provider>() else {
            continue;
        };
        match keys.decrypt_phone(&binding::merchant_wallet(merchant_id, provider.as_str()), &w.number_enc) {
            Ok(n) if provider == Provider::Bkash => s.bkash = Some(n),
            Ok(n) => s.nagad = Some(n),
            Err(_) => crate::log::error(
                "merchant_wallet_unreadable",
                &serde_json::json!({ "merchant": merchant_id, "provider": provider.as_str() }),
            ),
        }
    }
    Ok(Some(s))
}

/// The merchant's settings, with the data keys from the environment (for a payment's
/// object); `None` when there is no such merchant or they cannot be read (logged).
pub async fn load(env: &Env, merchant_id: &str) -> Option<Settings> {
    let read = async {
        let config =
            crate::config::EdgeConfig::from_env(env).map_err(|e| e.to_api_error().error.code.as_str().to_owned())?;
        let db = env.d1("DB").map_err(|e| e.to_string())?;
        get(&db, &config.data_keys, merchant_id)
            .await
            .map_err(|e| e.to_string())
    };
    read.await.unwrap_or_else(|cause| unread(merchant_id, &cause))
}

/// Settings that could not be read count as none (no manual transfer), logged.
pub fn unread(merchant_id: &str, cause: &str) -> Option<Settings> {
    crate::log::error(
        "manual_settings_unread",
        &serde_json::json!({ "merchant": merchant_id, "cause": cause }),
    );
    None
}

/// Replaces the merchant's settings in one batch: the mode, and each wallet set (sealed) or
/// removed. The caller checked that the merchant exists.
pub async fn put(db: &D1Database, keys: &DataKeys, merchant_id: &str, s: &Settings, now_ms: i64) -> Result<(), String> {
    let e = |e: worker::Error| e.to_string();
    let mut statements = vec![db
        .prepare("UPDATE merchants SET manual_transfer_mode = ?2 WHERE id = ?1")
        .bind(&[merchant_id.into(), s.mode.as_str().into()])
        .map_err(e)?];
    for p in Provider::ALL {
        let statement = match s.number(p) {
            Some(n) => {
                let sealed = keys.encrypt_phone(&binding::merchant_wallet(merchant_id, p.as_str()), n)?;
                db.prepare(
                    "INSERT INTO merchant_wallets (merchant_id, provider, number_masked, number_enc, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (merchant_id, provider) DO UPDATE SET \
                     number_masked = excluded.number_masked, number_enc = excluded.number_enc, \
                     updated_at = excluded.updated_at",
                )
                .bind(&[
                    merchant_id.into(),
                    p.as_str().into(),
                    n.masked().into(),
                    sealed.into(),
                    int(now_ms),
                ])
                .map_err(e)?
            }
            None => db
                .prepare("DELETE FROM merchant_wallets WHERE merchant_id = ?1 AND provider = ?2")
                .bind(&[merchant_id.into(), opt(Some(p.as_str()))])
                .map_err(e)?,
        };
        statements.push(statement);
    }
    let results = db.batch(statements).await.map_err(e)?;
    match results.iter().find(|r| !r.success()) {
        Some(failed) => Err(failed.error().unwrap_or_else(|| "d1 batch failed".into())),
        None => Ok(()),
    }
}
