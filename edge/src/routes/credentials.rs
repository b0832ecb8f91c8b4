//! Merchants' own provider credentials, for operators (Bearer `BDPAY_ADMIN_TOKEN`, as the rest
//! of onboarding): set, list, remove. A credential goes in once and never comes back out:
//! answers carry only its account part (bKash username, Nagad merchant id) and when it was set.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::provider::Provider;
use serde_json::{json, Value};
use worker::{Env, Request, Response};

use super::onboarding::operator;
use crate::body;
use crate::clock::now_ms;
use crate::crypto::DataKeys;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::ledger::credentials;
use crate::payment::view::iso;
use crate::providers::config::Mode;
use crate::providers::credentials::Credential;

fn provider(name: &str) -> EdgeResult<Provider> {
    name.parse().map_err(|_| EdgeError::not_found())
}

fn mode(name: Option<&str>) -> EdgeResult<Mode> {
    match name {
        Some("test") => Ok(Mode::Test),
        Some("live") => Ok(Mode::Live),
        _ => Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "mode must be test or live",
        )),
    }
}

async fn merchant_exists(env: &Env, merchant_id: &str) -> EdgeResult<()> {
    crate::ledger::merchants::require(&env.d1("DB")?, merchant_id).await
}

/// `PUT /admin/merchants/{id}/credentials/{bkash|nagad}` `{"mode", …the provider's fields}`
/// → 200 what may be shown of it. Replaces an earlier credential for that mode.
pub async fn set(mut req: Request, env: &Env, merchant_id: &str, provider_name: &str) -> EdgeResult<Response> {
    operator(&req, env)?;
    let provider = provider(provider_name)?;
    let mut input: Value = body::json(&mut req).await?;
    let Some(fields) = input.as_object_mut() else {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "the body must be a JSON object",
        ));
    };
    let mode = mode(fields.remove("mode").as_ref().and_then(Value::as_str))?;
    let credential =
        Credential::parse(provider, input).map_err(|why| EdgeError::invalid(ErrorCode::InvalidRequest, why))?;
    merchant_exists(env, merchant_id).await?;
    let secret = |name: &str| env.secret(name).map(|v| v.to_string()).ok();
    let keys = DataKeys::from_secrets(secret).map_err(EdgeError::internal)?;
    let now = now_ms();
    credentials::put(&env.d1("DB")?, &keys, merchant_id, mode, &credential, now)
        .await
        .map_err(EdgeError::internal)?;
    crate::log::info(
        "merchant_credential_set",
        &json!({ "merchant": merchant_id, "provider": provider.as_str(), "mode": mode.as_str() }),
    );
    Ok(http::json(
        200,
        &json!({ "object": "provider_credential", "merchant_id": merchant_id, "provider": provider.as_str(),
                 "mode": mode.as_str(), "account": credential.account(), "updated_at": iso(now) }),
    ))
}

/// `GET /admin/merchants/{id}/credentials` → which credentials are set (never their values).
pub async fn list(req: Request, env: &Env, merchant_id: &str) -> EdgeResult<Response> {
    operator(&req, env)?;
    merchant_exists(env, merchant_id).await?;
    let data = listed(env, merchant_id).await?;
    Ok(http::json(200, &json!({ "object": "list", "data": data })))
}

/// The shown part of each credential of the merchant (also in `GET /admin/merchants`).
async fn listed(env: &Env, merchant_id: &str) -> EdgeResult<Vec<Value>> {
    let rows = credentials::list(&env.d1("DB")?, merchant_id).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            json!({ "object": "provider_credential", "merchant_id": merchant_id, "provider": c.provider,
                    "mode": c.mode, "account": c.account, "updated_at": iso(c.updated_at) })
        })
        .collect())
}

/// `DELETE /admin/merchants/{id}/credentials/{provider}?mode=test|live` → the merchant pays
/// through the deployment's own credentials again (or that provider is not configured).
pub async fn delete(req: Request, env: &Env, merchant_id: &str, provider_name: &str) -> EdgeResult<Response> {
    operator(&req, env)?;
    let provider = provider(provider_name)?;
    let url = req.url()?;
    let asked = url
        .query_pairs()
        .find(|(k, _)| k == "mode")
        .map(|(_, v)| v.into_owned());
    let mode = mode(asked.as_deref())?;
    if !credentials::delete(&env.d1("DB")?, merchant_id, mode, provider).await? {
        return Err(EdgeError::not_found());
    }
    crate::log::info(
        "merchant_credential_removed",
        &json!({ "merchant": merchant_id, "provider": provider.as_str(), "mode": mode.as_str() }),
    );
    Ok(http::json(
        200,
        &json!({ "object": "provider_credential", "merchant_id": merchant_id, "provider": provider.as_str(),
                 "mode": mode.as_str(), "deleted": true }),
    ))
}
