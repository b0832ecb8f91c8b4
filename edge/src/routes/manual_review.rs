//! Merchant server → edge: ops review of manual transfers. `GET /v1/manual_transfers`
//! lists them (a read-only `rk_` key may), approve and reject decide one through its
//! payment's Durable Object (the single writer; the D1 row follows). A key sees only
//! transfers of its own mode: anything else is 404.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::{ManualTransferId, PaymentId};
use bdpay_shared::manual_transfer::ReviewStatus;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::auth;
use crate::body;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::ledger::manual_transfers;
use crate::manual::review::{self, Shown};
use crate::payment::client as objects;
use crate::payment::command::Command;
use crate::payment::stored_transfer::MAX_NOTE;

#[derive(Deserialize)]
struct ListParams {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// `GET /v1/manual_transfers?status=pending_review&limit=20`: newest first.
pub async fn list(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let params: ListParams = req
        .query()
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "bad query string"))?;
    let status = match params.status.as_deref() {
        None => None,
        Some(s) => Some(s.parse::<ReviewStatus>().map_err(|_| {
            EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "status must be pending_review, verified, approved or rejected",
            )
        })?),
    };
    let limit = match params.limit.as_deref() {
        None => 20,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, "limit must be 1 to 100"))?,
    };
    let rows = manual_transfers::list(&env.d1("DB")?, &merchant.id, merchant.mode, status, limit).await?;
    let data: Vec<_> = rows.iter().map(review::from_row).collect();
    Ok(http::json(200, &json!({ "object": "list", "data": data })))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DecideBody {
    #[serde(default)]
    note: Option<String>,
}

/// `POST /v1/manual_transfers/{id}/approve` and `…/reject` `{"note"}`: the payment succeeds or
/// fails. Deciding twice is 409 `invalid_state`.
pub async fn decide(mut req: Request, env: &Env, id: &str, approve: bool) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let input: DecideBody = match req.headers().get("content-type").ok().flatten() {
        None => {
            let raw = body::bytes(&mut req).await?;
            if !raw.iter().all(u8::is_ascii_whitespace) {
                return Err(EdgeError::invalid(
                    ErrorCode::UnsupportedMediaType,
                    "Content-Type must be application/json",
                ));
            }
            DecideBody::default()
        }
        Some(_) => body::json(&mut req).await?,
    };
    if input
        .note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE || n.chars().any(char::is_control))
    {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "note: at most 255 characters, no control characters",
        ));
    }
    let id = ManualTransferId::parse(id).map_err(|_| EdgeError::not_found())?;
    let row = manual_transfers::get(&env.d1("DB")?, &merchant.id, merchant.mode, id.as_str())
        .await?
        .ok_or_else(EdgeError::not_found)?;
    let payment = PaymentId::parse(&row.payment_id).map_err(|_| EdgeError::not_found())?;
    let cmd = Command::DecideTransfer {
        merchant_id: merchant.id.clone(),
        mode: merchant.mode,
        transfer_id: id.as_str().to_owned(),
        approve,
        note: input.note,
    };
    let record = objects::send(env, &payment, &cmd).await?;
    let t = record
        .transfers
        .iter()
        .find(|t| t.id == id.as_str())
        .ok_or_else(EdgeError::not_found)?;
    crate::log::info(
        "manual_transfer_decided",
        &json!({ "payment": record.id, "transfer": t.id, "status": t.status.as_str() }),
    );
    Ok(http::json(
        200,
        &review::view(&Shown {
            id: &t.id,
            payment_id: record.id.as_str(),
            provider: t.provider.as_str(),
            trx_id: &t.trx_id,
            status: t.status.as_str(),
            amount: record.amount,
            sender_phone: &t.sender_masked,
            has_voucher: t.voucher_key.is_some(),
            note: t.note.as_deref(),
            created_ms: t.created_ms,
            decided_ms: t.decided_ms,
        }),
    ))
}
