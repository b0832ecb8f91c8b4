//! `POST /v1/blocklist` `{"phone", "reason"?}`, `GET /v1/blocklist`, `DELETE /v1/blocklist/{id}`
//! (Bearer sk_…; a read-only key may list). The list holds keyed hashes of numbers: entries
//! show an id, the number masked and a date, never the number. A listed phone is refused
//! at this merchant, and at every merchant sharing the list when this one shares too.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::BlocklistId;
use bdpay_shared::phone::Msisdn;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::auth;
use crate::body;
use crate::clock::now_ms;
use crate::config::EdgeConfig;
use crate::crypto::random;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::risk::blocklist::{self, NewEntry};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    phone: Msisdn,
    #[serde(default)]
    reason: Option<String>,
}

pub async fn create(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let input: Input = body::json(&mut req).await?;
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 200 || r.chars().any(char::is_control)) {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "reason: up to 200 characters, no control characters",
        ));
    }
    let config = EdgeConfig::from_env(env)?;
    let hash = config
        .data_keys
        .phone_lookup_hash(&input.phone)
        .map_err(EdgeError::internal)?;
    let id = BlocklistId::from_random(random().map_err(EdgeError::internal)?);
    let db = env.d1("DB")?;
    let entry = blocklist::add(
        &db,
        &NewEntry {
            id: id.as_str(),
            merchant_id: &merchant.id,
            mode: merchant.mode,
            phone_hash: &hash,
            phone_masked: &input.phone.masked(),
            reason,
            now_ms: now_ms(),
        },
    )
    .await?;
    let status = if entry.id == id.as_str() { 201 } else { 200 };
    Ok(http::json(status, &view(&entry)))
}

pub async fn list(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let db = env.d1("DB")?;
    let entries = blocklist::list(&db, &merchant.id, merchant.mode).await?;
    let data: Vec<_> = entries.iter().map(view).collect();
    Ok(http::json(200, &json!({ "object": "list", "data": data })))
}

pub async fn delete(req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let id = BlocklistId::parse(id).map_err(|_| EdgeError::not_found())?;
    let db = env.d1("DB")?;
    if !blocklist::remove(&db, &merchant.id, merchant.mode, id.as_str()).await? {
        return Err(EdgeError::not_found());
    }
    Ok(http::json(
        200,
        &json!({ "id": id.as_str(), "object": "blocklist_entry", "deleted": true }),
    ))
}

fn view(e: &blocklist::Entry) -> serde_json::Value {
    json!({
        "id": e.id, "object": "blocklist_entry", "phone": e.phone_masked, "reason": e.reason,
        "created_at": crate::payment::view::iso(e.created_at),
    })
}
