//! `GET /v1/settings` and `PUT /v1/settings` (Bearer sk_…): the merchant's checkout settings in
//! the key's mode
//! (`risk::settings`): risk thresholds and weights, promotions, rollout, tax rates, the
//! compliance threshold, the shared blocklist. A PUT names the sections it replaces; the
//! answer is the whole setting as it now stands. A bad setting is 400 and nothing changes.

use bdpay_shared::errors::ErrorCode;
use serde_json::{Map, Value};
use worker::{Env, Request, Response};

use crate::auth;
use crate::body;
use crate::clock::now_ms;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::risk::settings;

pub async fn get(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    Ok(http::json(
        200,
        &*settings::load(env, &merchant.id, merchant.mode).await,
    ))
}

pub async fn put(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let patch: Map<String, Value> = body::json(&mut req).await?;
    let db = env.d1("DB")?;
    // What is stored, not this isolate's copy nor the defaults of a failed read: a PUT builds
    // on it, so an unanswered read changes nothing (500) rather than resetting the rest.
    let current = settings::stored(&db, &merchant.id, merchant.mode).await?;
    let next = settings::merged(&current, patch)
        .map_err(|e| EdgeError::invalid(ErrorCode::InvalidRequest, format!("settings: {e}")))?;
    settings::save(&db, &merchant.id, merchant.mode, &next, now_ms()).await?;
    Ok(http::json(200, &next))
}
