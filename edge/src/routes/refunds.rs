//! Merchant server → edge: refunds, one (through the payment's object) or a batch (through a
//! batch object). Thin: parse, authorise, send the command, show the refund.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::{BatchId, PaymentId, RefundId};
use bdpay_shared::money::Money;
use serde::Deserialize;
use worker::{Env, Request, Response};

use crate::auth;
use crate::batch::{
    self,
    object::{BatchCommand, BatchReply, Meta},
    LineFilter,
};
use crate::body;
use crate::clock::now_ms;
use crate::crypto::random;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::idempotent::{self, Begun};
use crate::payment::client as objects;
use crate::payment::command::Command;
use crate::payment::stored_refund::MAX_REASON;
use crate::refunds;

/// `POST /v1/payments/{id}/refunds` body.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /v1/refunds/{id}/resolve` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolveBody {
    status: String,
    #[serde(default)]
    note: Option<String>,
}

/// A JSON body, or none at all (`{}`: refund what is left).
async fn optional_json(req: &mut Request) -> EdgeResult<Vec<u8>> {
    if req.headers().get("content-type").ok().flatten().is_none() {
        let raw = body::bytes(req).await?;
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Ok(b"{}".to_vec());
        }
        return Err(EdgeError::invalid(
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be application/json",
        ));
    }
    body::json_bytes(req).await
}

/// Checks a refund's fields the way a batch line is checked too.
pub fn check_reason(reason: Option<&str>) -> EdgeResult<()> {
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON || r.chars().any(char::is_control)) {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "reason: at most 255 characters, no control characters",
        ));
    }
    Ok(())
}

/// `POST /v1/payments/{id}/refunds`
pub async fn create(mut req: Request, env: &Env, payment_id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let payment = PaymentId::parse(payment_id).map_err(|_| EdgeError::not_found())?;
    let key = idempotent::key(&req)?;
    let raw = optional_json(&mut req).await?;
    let input: CreateBody = body::parse(&raw)?;
    check_reason(input.reason.as_deref())?;
    let what = format!("POST /v1/payments/{}/refunds", payment.as_str());
    let reserved = match idempotent::begin(env, &merchant.key_scope(), key.clone(), &what, &raw).await? {
        Begun::Replay { status, body } => return Ok(idempotent::json_text(status, body)),
        Begun::Fresh(reserved) => reserved,
    };
    let refund_id = RefundId::from_random(random().map_err(EdgeError::internal)?);
    let object_key = key.as_ref().map(|k| format!("idem:{}", k.as_str()));
    let cmd = Command::Refund {
        merchant_id: merchant.id.clone(),
        mode: merchant.mode,
        refund_id: refund_id.as_str().to_owned(),
        amount: input.amount,
        reason: input.reason,
        key: object_key.clone(),
    };
    let result = objects::send(env, &payment, &cmd).await.and_then(|record| {
        let found = record
            .refunds
            .iter()
            .find(|f| f.id == refund_id.as_str() || (object_key.is_some() && f.key == object_key))
            .map(|f| refunds::view(&record, f));
        found.ok_or_else(|| EdgeError::internal("refund missing from the record"))
    });
    idempotent::settle(env, reserved, result.map(|view| (201, view.to_string()))).await
}

/// `GET /v1/payments/{id}/refunds`
pub async fn list_for_payment(req: Request, env: &Env, payment_id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let payment = PaymentId::parse(payment_id).map_err(|_| EdgeError::not_found())?;
    let record = objects::get_for_merchant(env, &payment, &merchant).await?;
    Ok(http::json(200, &refunds::list_view(&record)))
}

/// The payment a merchant's refund belongs to, or 404.
async fn payment_of(env: &Env, merchant_id: &str, refund_id: &str) -> EdgeResult<PaymentId> {
    let id = RefundId::parse(refund_id).map_err(|_| EdgeError::not_found())?;
    let db = env.d1("DB")?;
    let payment = crate::ledger::refunds::payment_of(&db, merchant_id, id.as_str())
        .await?
        .ok_or_else(EdgeError::not_found)?;
    PaymentId::parse(&payment).map_err(|_| EdgeError::not_found())
}

/// `GET /v1/refunds/{id}`
pub async fn get(req: Request, env: &Env, refund_id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let payment = payment_of(env, &merchant.id, refund_id).await?;
    let record = objects::get_for_merchant(env, &payment, &merchant).await?;
    let view = refunds::view_for_event(&record, refund_id).ok_or_else(EdgeError::not_found)?;
    Ok(http::json(200, &view))
}

/// `POST /v1/refunds/{id}/resolve`: finance settles a `requires_manual` refund by hand.
pub async fn resolve(mut req: Request, env: &Env, refund_id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let input: ResolveBody = body::json(&mut req).await?;
    let succeeded = match input.status.as_str() {
        "succeeded" => true,
        "failed" => false,
        _ => {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "status must be \"succeeded\" or \"failed\"",
            ))
        }
    };
    if input.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "note: at most 500 characters",
        ));
    }
    let payment = payment_of(env, &merchant.id, refund_id).await?;
    let cmd = Command::ResolveRefund {
        merchant_id: merchant.id.clone(),
        mode: merchant.mode,
        refund_id: refund_id.to_owned(),
        succeeded,
        note: input.note,
    };
    let record = objects::send(env, &payment, &cmd).await?;
    let view = refunds::view_for_event(&record, refund_id).ok_or_else(EdgeError::not_found)?;
    Ok(http::json(200, &view))
}

/// A batch as the API shows it: the summary and the lines asked for (`None`: no `lines` key).
fn batch_view(b: &BatchReply, filter: LineFilter) -> serde_json::Value {
    let mut v = batch::summary(&b.meta.id, &crate::payment::view::iso(b.meta.created_ms), &b.counts);
    if filter != LineFilter::None {
        v["lines"] = b.lines.iter().map(batch::Line::view).collect();
    }
    v
}

/// `?lines=all|none|<line status>` (default all).
fn line_filter(req: &Request) -> EdgeResult<LineFilter> {
    let url = req.url()?;
    let Some((_, v)) = url.query_pairs().find(|(k, _)| k == "lines") else {
        return Ok(LineFilter::All);
    };
    LineFilter::parse(&v).ok_or_else(|| {
        EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "lines must be all, none, or a line status (invalid, queued, succeeded, pending, requires_manual, failed)",
        )
    })
}

/// `POST /v1/refunds/batch`: JSON list or CSV; every line checked first, the valid ones run.
pub async fn batch_create(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let key = idempotent::key(&req)?;
    let content_type = req.headers().get("content-type").ok().flatten().unwrap_or_default();
    let raw = batch::input::bytes_up_to(&mut req, batch::input::MAX_BATCH_BODY).await?;
    let lines = batch::input::parse(&content_type, &raw)?;
    let reserved = match idempotent::begin(env, &merchant.key_scope(), key, "POST /v1/refunds/batch", &raw).await? {
        Begun::Replay { body: id, .. } => {
            // The same file again: the batch it made (its progress now), nothing run twice.
            let cmd = BatchCommand::Get {
                merchant_id: merchant.id.clone(),
                mode: merchant.mode,
                lines: LineFilter::All,
            };
            let b = batch::object::send(env, &id, &cmd)
                .await?
                .ok_or_else(EdgeError::not_found)?;
            return Ok(http::json(200, &batch_view(&b, LineFilter::All)));
        }
        Begun::Fresh(reserved) => reserved,
    };
    let id = BatchId::from_random(random().map_err(EdgeError::internal)?);
    let meta = Meta {
        id: id.as_str().to_owned(),
        merchant_id: merchant.id.clone(),
        mode: merchant.mode,
        created_ms: now_ms(),
        total: lines.len(),
    };
    let made = batch::object::send(env, id.as_str(), &BatchCommand::Create { meta, lines }).await;
    let made = match made.and_then(|b| b.ok_or_else(|| EdgeError::internal("batch not stored"))) {
        Ok(b) => b,
        Err(e) => {
            if let Some(r) = reserved {
                r.release().await;
            }
            return Err(e);
        }
    };
    // A repeat gets the batch id back and shows the batch's progress then.
    if let Some(r) = reserved {
        r.finish(env, 202, id.as_str()).await?;
    }
    Ok(http::json(202, &batch_view(&made, LineFilter::All)))
}

/// `GET /v1/refunds/batch/{id}` (`?format=csv` too)
pub async fn batch_get(req: Request, env: &Env, batch_id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let id = BatchId::parse(batch_id).map_err(|_| EdgeError::not_found())?;
    let csv = req.url()?.query_pairs().any(|(k, v)| k == "format" && v == "csv");
    let filter = line_filter(&req)?;
    // The CSV report is the lines: `none` makes no sense there, so it means all.
    let asked = if csv && filter == LineFilter::None {
        LineFilter::All
    } else {
        filter
    };
    let cmd = BatchCommand::Get {
        merchant_id: merchant.id.clone(),
        mode: merchant.mode,
        lines: asked,
    };
    let b = batch::object::send(env, id.as_str(), &cmd)
        .await?
        .ok_or_else(EdgeError::not_found)?;
    if csv {
        return Ok(http::bytes_with(
            200,
            "text/csv; charset=utf-8",
            batch::csv(&b.lines).into_bytes(),
        ));
    }
    Ok(http::json(200, &batch_view(&b, filter)))
}
