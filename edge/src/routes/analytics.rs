//! `GET /v1/analytics/cohorts?from=&to=` (Bearer sk_ or rk_): the grey release's cohorts over
//! Dhaka days `from` to `to` inclusive (`risk::cohorts`).

use serde_json::json;
use worker::{Env, Request, Response};

use super::finance_query::range;
use crate::auth;
use crate::error::EdgeResult;
use crate::http;
use crate::risk::cohorts;

pub async fn cohorts(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let (from, to) = range(&req)?;
    let db = env.d1("DB")?;
    let rows = cohorts::report(&db, &merchant.id, merchant.mode, from.start_ms, to.end_ms()).await?;
    Ok(http::json(
        200,
        &json!({ "object": "cohorts", "from": from.text, "to": to.text, "cohorts": rows }),
    ))
}
