//! Merchant server → edge: webhook endpoints and events. Thin: parse, authorise, call
//! `crate::webhooks`, respond.

use bdpay_shared::errors::ErrorCode;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::auth;
use crate::body;
use crate::clock::now_ms;
use crate::config::EdgeConfig;
use crate::crypto::{hex, random};
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::webhooks::{endpoints, events, object, rules};

/// `POST /v1/webhook_endpoints` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    url: String,
    events: Vec<String>,
    /// The merchant's own signing secret; made here when absent.
    #[serde(default)]
    secret: Option<String>,
}

/// `POST /v1/webhook_endpoints`: the endpoint with its signing `secret` (shown only here).
pub async fn create_endpoint(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let input: CreateBody = body::json(&mut req).await?;
    let dev = crate::deployment::Deployment::from_env(env).is_dev();
    rules::check_url(&input.url, merchant.mode.as_str() == "live", dev)
        .map_err(|m| EdgeError::invalid(ErrorCode::InvalidRequest, m))?;
    let filter = rules::events_filter(&input.events).map_err(|m| EdgeError::invalid(ErrorCode::InvalidRequest, m))?;
    let secret = match input.secret {
        Some(s) => {
            rules::check_secret(&s).map_err(|m| EdgeError::invalid(ErrorCode::InvalidRequest, m))?;
            s
        }
        None => format!("whsec_{}", hex(&random::<24>().map_err(EdgeError::internal)?)),
    };
    let db = env.d1("DB")?;
    if endpoints::count(&db, &merchant.id).await? >= endpoints::MAX_PER_MERCHANT {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "at most 16 webhook endpoints per merchant",
        ));
    }
    let config = EdgeConfig::from_env(env)?;
    let id = format!("we_{}", rules::base36_24(&random::<16>().map_err(EdgeError::internal)?));
    let secret_enc = config
        .data_keys
        .encrypt_text(&crate::keys::binding::webhook_secret(&id), &secret)
        .map_err(EdgeError::internal)?;
    let new = endpoints::NewEndpoint {
        id: &id,
        merchant_id: &merchant.id,
        mode: merchant.mode.as_str(),
        url: &input.url,
        events: &filter,
        secret_enc: &secret_enc,
        now_ms: now_ms(),
    };
    let mut view = endpoints::insert(&db, &new).await?;
    view.secret = Some(secret);
    Ok(http::json(201, &view))
}

/// `GET /v1/webhook_endpoints/{id}`
pub async fn get_endpoint(req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    if !rules::is_id(id, "we_") {
        return Err(EdgeError::not_found());
    }
    match endpoints::get(&env.d1("DB")?, &merchant.id, merchant.mode.as_str(), id).await? {
        Some(view) => Ok(http::json(200, &view)),
        None => Err(EdgeError::not_found()),
    }
}

/// `DELETE /v1/webhook_endpoints/{id}`
pub async fn delete_endpoint(req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    if !rules::is_id(id, "we_")
        || !endpoints::delete(&env.d1("DB")?, &merchant.id, merchant.mode.as_str(), id, now_ms()).await?
    {
        return Err(EdgeError::not_found());
    }
    Ok(http::json(
        200,
        &json!({ "id": id, "object": "webhook_endpoint", "deleted": true }),
    ))
}

#[derive(Deserialize)]
struct ListParams {
    #[serde(default)]
    limit: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    payment: Option<String>,
}

/// `GET /v1/events?limit=&type=&payment=`: newest first, each with its delivery attempts.
pub async fn list_events(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let params: ListParams = req
        .query()
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "bad query string"))?;
    let limit = match params.limit.as_deref() {
        None => 20,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, "limit must be 1 to 100"))?,
    };
    if let Some(kind) = params.kind.as_deref() {
        if !rules::EVENT_TYPES.contains(&kind) {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "type must be an event type",
            ));
        }
    }
    if let Some(p) = params.payment.as_deref() {
        if bdpay_shared::ids::PaymentId::parse(p).is_err() {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "payment must be a payment id",
            ));
        }
    }
    let query = events::ListQuery {
        merchant_id: &merchant.id,
        mode: merchant.mode.as_str(),
        kind: params.kind.as_deref(),
        payment_id: params.payment.as_deref(),
        limit,
    };
    let (data, has_more) = events::list(&env.d1("DB")?, &query).await?;
    if let Err(cause) = crate::webhooks::nudge_if_overdue(env, &merchant.id, now_ms()).await {
        crate::log::warn(
            "webhook_nudge_failed",
            &json!({ "merchant": merchant.id, "cause": cause }),
        );
    }
    Ok(http::json(
        200,
        &json!({ "object": "list", "data": data, "has_more": has_more }),
    ))
}

/// `POST /v1/events/{id}/redeliver`: queued again for its endpoints, delivered shortly.
pub async fn redeliver(req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    if !rules::is_id(id, "evt_") {
        return Err(EdgeError::not_found());
    }
    let Some(event) = events::redeliver(&env.d1("DB")?, &merchant.id, merchant.mode.as_str(), id, now_ms()).await?
    else {
        return Err(EdgeError::not_found());
    };
    object::wake(env, &merchant.id).await.map_err(EdgeError::internal)?;
    Ok(http::json(202, &event))
}
