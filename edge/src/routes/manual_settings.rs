//! Merchants' manual-transfer settings, for operators (Bearer `BDPAY_ADMIN_TOKEN`, as the
//! rest of onboarding): `PUT /admin/merchants/{id}/manual_transfer` sets the mode and the
//! wallet numbers shoppers send to. Numbers are sealed before they reach D1 and shown back
//! masked.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::manual_transfer::Mode;
use bdpay_shared::phone::Msisdn;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use super::onboarding::operator;
use crate::body;
use crate::clock::now_ms;
use crate::crypto::DataKeys;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::ledger::manual_settings::{self, Settings};
use crate::payment::view::iso;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    mode: Mode,
    /// A number to receive bKash Send Money into; null (or left out) removes it.
    #[serde(default)]
    bkash: Option<Msisdn>,
    #[serde(default)]
    nagad: Option<Msisdn>,
}

/// `PUT /admin/merchants/{id}/manual_transfer` `{"bkash", "nagad", "mode"}` → 200 the settings
/// (numbers masked). `fallback` and `always` need at least one number.
pub async fn set(mut req: Request, env: &Env, merchant_id: &str) -> EdgeResult<Response> {
    operator(&req, env)?;
    let input: SettingsBody = body::json(&mut req).await?;
    let settings = Settings {
        mode: input.mode,
        bkash: input.bkash,
        nagad: input.nagad,
    };
    if settings.mode != Mode::Off && settings.bkash.is_none() && settings.nagad.is_none() {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "mode fallback or always needs a bkash or a nagad number to send to",
        ));
    }
    let db = env.d1("DB")?;
    let secret = |name: &str| env.secret(name).map(|v| v.to_string()).ok();
    let keys = DataKeys::from_secrets(secret).map_err(EdgeError::internal)?;
    if manual_settings::get(&db, &keys, merchant_id).await?.is_none() {
        return Err(EdgeError::not_found());
    }
    let now = now_ms();
    manual_settings::put(&db, &keys, merchant_id, &settings, now)
        .await
        .map_err(EdgeError::internal)?;
    crate::log::info(
        "manual_transfer_settings_set",
        &json!({ "merchant": merchant_id, "mode": settings.mode.as_str(),
                 "bkash": settings.bkash.map(|n| n.masked()), "nagad": settings.nagad.map(|n| n.masked()) }),
    );
    Ok(http::json(
        200,
        &json!({ "object": "manual_transfer_settings", "merchant_id": merchant_id, "mode": settings.mode,
                 "bkash": settings.bkash.map(|n| n.masked()), "nagad": settings.nagad.map(|n| n.masked()),
                 "updated_at": iso(now) }),
    ))
}
