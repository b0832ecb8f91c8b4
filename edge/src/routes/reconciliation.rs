//! `POST /v1/reconciliation/{date}/run` (reconcile a Dhaka day now, through the day's
//! `ReconObject`), `GET /v1/reconciliation/{date}` (its last report; `?format=csv` for
//! finance) and `GET /v1/reconciliation?from=&to=` (the days' summaries, for charts).

use serde_json::json;
use worker::{Env, Request, Response};

use super::finance_query::{day_not_future, range, wants_csv};
use crate::auth;
use crate::error::{EdgeError, EdgeResult};
use crate::finance::day::Day;
use crate::finance::object::{self, Ask};
use crate::finance::report;
use crate::http;

pub async fn run(req: Request, env: &Env, date: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let day = Day::parse(date)?;
    day_not_future(&day)?;
    let ask = Ask {
        merchant_id: merchant.id.clone(),
        mode: merchant.mode,
        day: day.text.clone(),
        now: true,
    };
    let body = object::send(env, &ask).await.map_err(EdgeError::internal)?;
    Ok(http::json(200, &body))
}

pub async fn get(req: Request, env: &Env, date: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let day = Day::parse(date)?;
    let db = env.d1("DB")?;
    let body = report::load(&db, &merchant.id, merchant.mode, &day)
        .await?
        .ok_or_else(EdgeError::not_found)?;
    if wants_csv(&req) {
        return Ok(http::bytes_with(
            200,
            "text/csv; charset=utf-8",
            report::csv(&body).into_bytes(),
        ));
    }
    Ok(http::json(200, &body))
}

pub async fn list(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let (from, to) = range(&req)?;
    let db = env.d1("DB")?;
    let data = report::list(&db, &merchant.id, merchant.mode, &from, &to).await?;
    Ok(http::json(200, &json!({ "object": "list", "data": data })))
}
