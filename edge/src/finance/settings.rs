//! A merchant's finance settings in one mode (`merchant_finance`): where the nightly job
//! fetches each provider's statement (a URL with `{date}`), and how Nagad settles. Set by
//! operators (`PUT /admin/merchants/{id}/finance`, `bdpay-admin finance set`).

use bdpay_shared::provider::Provider;
use bdpay_shared::settlement::NagadSpeed;
use serde::Deserialize;
use worker::D1Database;

use crate::ledger::{int, opt};
use crate::providers::Mode;

/// The placeholder a statement URL must carry: the Dhaka day, `YYYY-MM-DD`.
pub const DATE_PLACEHOLDER: &str = "{date}";

#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub bkash_statement_url: Option<String>,
    pub nagad_statement_url: Option<String>,
    pub nagad_speed: NagadSpeed,
}

impl Settings {
    pub fn statement_url(&self, provider: Provider) -> Option<&str> {
        match provider {
            Provider::Bkash => self.bkash_statement_url.as_deref(),
            Provider::Nagad => self.nagad_statement_url.as_deref(),
        }
    }
}

#[derive(Deserialize)]
struct Row {
    bkash_statement_url: Option<String>,
    nagad_statement_url: Option<String>,
    nagad_speed: String,
}

/// The merchant's settings; the defaults (no URLs, Nagad standard) when none were set.
pub async fn load(db: &D1Database, merchant_id: &str, mode: Mode) -> worker::Result<Settings> {
    let row: Option<Row> = db
        .prepare(
            "SELECT bkash_statement_url, nagad_statement_url, nagad_speed FROM merchant_finance \
             WHERE merchant_id = ?1 AND mode = ?2",
        )
        .bind(&[merchant_id.into(), mode.as_str().into()])?
        .first(None)
        .await?;
    Ok(row.map_or_else(Settings::default, |r| Settings {
        bkash_statement_url: r.bkash_statement_url,
        nagad_statement_url: r.nagad_statement_url,
        nagad_speed: speed(&r.nagad_speed),
    }))
}

pub async fn save(db: &D1Database, merchant_id: &str, mode: Mode, s: &Settings, now_ms: i64) -> worker::Result<()> {
    db.prepare(
        "INSERT INTO merchant_finance (merchant_id, mode, bkash_statement_url, nagad_statement_url, nagad_speed, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(merchant_id, mode) DO UPDATE SET \
         bkash_statement_url = excluded.bkash_statement_url, nagad_statement_url = excluded.nagad_statement_url, \
         nagad_speed = excluded.nagad_speed, updated_at = excluded.updated_at",
    )
    .bind(&[
        merchant_id.into(),
        mode.as_str().into(),
        opt(s.bkash_statement_url.as_deref()),
        opt(s.nagad_statement_url.as_deref()),
        speed_name(s.nagad_speed).into(),
        int(now_ms),
    ])?
    .run()
    .await?;
    Ok(())
}

pub fn speed(name: &str) -> NagadSpeed {
    if name == "expedite" {
        NagadSpeed::Expedite
    } else {
        NagadSpeed::Standard
    }
}

pub const fn speed_name(s: NagadSpeed) -> &'static str {
    match s {
        NagadSpeed::Expedite => "expedite",
        NagadSpeed::Standard => "standard",
    }
}
