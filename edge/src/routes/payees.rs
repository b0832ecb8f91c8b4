//! `POST /v1/payees` (where settled money goes: a bank account reached through BEFTN),
//! `GET /v1/payees`, `DELETE /v1/payees/{id}`. A payment names its payee in `metadata.payee`;
//! money no payment assigns is split by the payees' default `share` (docs/beftn.md).

use bdpay_shared::beftn;
use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::PayeeId;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::auth;
use crate::body;
use crate::clock::now_ms;
use crate::crypto::random;
use crate::error::{EdgeError, EdgeResult};
use crate::finance::payees::{self, NewPayee};
use crate::http;

/// The most payees a merchant keeps in one mode (a marketplace's sellers).
const MAX_PAYEES: usize = 500;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    name: String,
    account_number: String,
    routing_number: String,
    /// The default share of money no payment assigns, a percentage: `"60"`, `"33.33"`.
    #[serde(default)]
    share: Option<String>,
    /// Accepted for clients that send it everywhere; only BDT is paid out.
    #[serde(default)]
    currency: Option<String>,
}

fn invalid(message: impl Into<String>) -> EdgeError {
    EdgeError::invalid(ErrorCode::InvalidRequest, message)
}

pub async fn create(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let input: Input = body::json(&mut req).await?;
    if input
        .currency
        .as_deref()
        .is_some_and(|c| !c.eq_ignore_ascii_case("BDT"))
    {
        return Err(EdgeError::invalid(
            ErrorCode::UnsupportedCurrency,
            "currency: only BDT is paid out",
        ));
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(invalid("name: 1 to 64 characters, no control characters"));
    }
    let account = beftn::AccountNumber::parse(input.account_number.trim())
        .map_err(|e| invalid(format!("account_number: {e}")))?;
    let routing = beftn::RoutingNumber::parse(input.routing_number.trim())
        .map_err(|e| invalid(format!("routing_number: {e}")))?;
    let share_bp = input.share.as_deref().map(share_bp).transpose()?;
    let db = env.d1("DB")?;
    let existing = payees::list(&db, &merchant.id, merchant.mode).await?;
    if existing.len() >= MAX_PAYEES {
        return Err(invalid(format!("a merchant may have at most {MAX_PAYEES} payees")));
    }
    let shared: i64 = existing.iter().filter_map(|p| p.share_bp).sum();
    if let Some(bp) = share_bp.filter(|bp| shared + bp > 10_000) {
        return Err(invalid(format!(
            "share: the payees' shares would add up to {} % (at most 100)",
            payees::share_text(shared + bp)
        )));
    }
    let id = PayeeId::from_random(random().map_err(EdgeError::internal)?);
    let new = NewPayee {
        id: id.as_str(),
        name,
        account_number: account.as_str(),
        routing_number: routing.as_str(),
        share_bp,
    };
    let payee = payees::insert(env, &db, &merchant.id, merchant.mode, &new, now_ms())
        .await
        .map_err(EdgeError::internal)?;
    crate::log::info("payee_created", &json!({ "merchant": merchant.id, "payee": payee.id }));
    Ok(http::json(201, &payee.view()))
}

pub async fn list(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let db = env.d1("DB")?;
    let data: Vec<_> = payees::list(&db, &merchant.id, merchant.mode)
        .await?
        .iter()
        .map(payees::Payee::view)
        .collect();
    Ok(http::json(200, &json!({ "object": "list", "data": data })))
}

pub async fn delete(req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let db = env.d1("DB")?;
    if !payees::delete(&db, &merchant.id, merchant.mode, id, now_ms()).await? {
        return Err(EdgeError::not_found());
    }
    Ok(http::json(
        200,
        &json!({ "id": id, "object": "payee", "deleted": true }),
    ))
}

/// `"60"` / `"33.33"` (a percentage above 0, at most 100, two decimals at most) → basis points.
fn share_bp(s: &str) -> EdgeResult<i64> {
    let poisha = bdpay_shared::money::parse_poisha(s.trim())
        .map_err(|_| invalid("share: a percentage such as \"60\" or \"33.33\""))?;
    if poisha <= 0 || poisha > 10_000 {
        return Err(invalid("share: above 0 and at most 100"));
    }
    Ok(poisha)
}
