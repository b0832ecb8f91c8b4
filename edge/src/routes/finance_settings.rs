//! Merchants' finance settings, for operators (Bearer `BDPAY_ADMIN_TOKEN`, as the rest of
//! onboarding; `bdpay-admin finance set`): `PUT /admin/merchants/{id}/finance` sets, per mode,
//! the statement URLs the nightly job fetches (each with `{date}`) and how Nagad settles.

use bdpay_shared::errors::ErrorCode;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use super::onboarding::operator;
use crate::body;
use crate::clock::now_ms;
use crate::deployment::Deployment;
use crate::error::{EdgeError, EdgeResult};
use crate::finance::settings::{self, Settings, DATE_PLACEHOLDER};
use crate::http;
use crate::providers::Mode;
use crate::webhooks::rules::check_url;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementUrls {
    #[serde(default)]
    bkash: Option<String>,
    #[serde(default)]
    nagad: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    mode: Mode,
    #[serde(default)]
    statement_urls: Option<StatementUrls>,
    /// `standard` (T+1) or `expedite` (the same day, for a fee).
    #[serde(default)]
    nagad_settlement: Option<String>,
}

/// `PUT /admin/merchants/{id}/finance` `{"mode", "statement_urls": {"bkash", "nagad"},
/// "nagad_settlement"}` → 200 the settings. A URL left out or null is removed.
pub async fn set(mut req: Request, env: &Env, merchant_id: &str) -> EdgeResult<Response> {
    operator(&req, env)?;
    let input: Input = body::json(&mut req).await?;
    let dev = Deployment::from_env(env).is_dev();
    let urls = input.statement_urls.unwrap_or(StatementUrls {
        bkash: None,
        nagad: None,
    });
    let checked = |name: &str, url: Option<String>| -> EdgeResult<Option<String>> {
        let Some(url) = url.filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        if !url.contains(DATE_PLACEHOLDER) || url.len() > 1000 {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                format!("statement_urls.{name}: must contain {DATE_PLACEHOLDER} (the Dhaka day) and be at most 1000 characters"),
            ));
        }
        check_url(
            &url.replace(DATE_PLACEHOLDER, "2026-01-01"),
            input.mode == Mode::Live,
            dev,
        )
        .map_err(|m| EdgeError::invalid(ErrorCode::InvalidRequest, format!("statement_urls.{name}: {m}")))?;
        Ok(Some(url))
    };
    let nagad_speed = match input.nagad_settlement.as_deref() {
        None | Some("standard") => settings::speed("standard"),
        Some("expedite") => settings::speed("expedite"),
        Some(_) => {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "nagad_settlement must be standard or expedite",
            ))
        }
    };
    let s = Settings {
        bkash_statement_url: checked("bkash", urls.bkash)?,
        nagad_statement_url: checked("nagad", urls.nagad)?,
        nagad_speed,
    };
    let db = env.d1("DB")?;
    crate::ledger::merchants::require(&db, merchant_id).await?;
    settings::save(&db, merchant_id, input.mode, &s, now_ms()).await?;
    crate::log::info(
        "finance_settings_set",
        &json!({ "merchant": merchant_id, "mode": input.mode.as_str() }),
    );
    Ok(http::json(
        200,
        &json!({
            "object": "finance_settings", "merchant_id": merchant_id, "mode": input.mode.as_str(),
            "statement_urls": { "bkash": s.bkash_statement_url, "nagad": s.nagad_statement_url },
            "nagad_settlement": settings::speed_name(s.nagad_speed),
        }),
    ))
}
