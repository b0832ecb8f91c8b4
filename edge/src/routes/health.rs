//! `GET /v1/health/providers`: each provider's health in the key's mode (a secret or a
//! read-only key): state, two-hour success rate, five-minute latency percentiles, calls and
//! since when (docs/design.md "Provider health").

use serde_json::json;
use worker::{Env, Request, Response};

use crate::auth;
use crate::error::{EdgeError, EdgeResult};
use crate::health;
use crate::http;

pub async fn providers(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let s = health::snapshot(env, merchant.mode)
        .await
        .map_err(EdgeError::internal)?;
    Ok(http::json(
        200,
        &json!({ "providers": { "bkash": health::view(&s.bkash), "nagad": health::view(&s.nagad) } }),
    ))
}
