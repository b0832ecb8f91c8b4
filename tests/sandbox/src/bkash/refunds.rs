//! Refund v2 and its status (A.10, envelope 3 on errors), and the legacy v1 refund kept by
//! the sandbox only. Partial refunds, at most 10, never above the remainder, within 60 days.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{
    LegacyRefundResponse, RefundResponse, RefundStatusResponse, RefundTransaction, TransactionStatus,
};
use bdpay_shared::wire::time::DhakaTime;
use serde_json::{json, Map, Value};

use super::choices::Credential;
use super::errors::{self, Flavor};
use super::store::{Payment, Refund};
use super::{api, choices, record};
use crate::ledger::Record;
use crate::variants::Variant;
use crate::Shared;

const DAY_MS: i64 = 86_400_000;

fn finish(r: Result<Response, Response>) -> Response {
    r.unwrap_or_else(|e| e)
}

/// `sku` / `reason`: absent → 2065; empty → `invalid` code; over 255 → `long` code.
fn short_text<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    invalid: &str,
    long: &str,
    flavor: Flavor,
    optional: bool,
) -> Result<&'a str, Response> {
    match api::text(map, key)? {
        None if optional => Ok(""),
        None => Err(errors::in_flavor(flavor, "2065")),
        Some(v) if v.trim().is_empty() && !optional => Err(errors::in_flavor(flavor, invalid)),
        Some(v) if v.chars().count() > choices::MAX_FIELD_LEN => Err(errors::in_flavor(flavor, long)),
        Some(v) => Ok(v),
    }
}

/// The merchant's completed payment `id` whose trxID is `trx`, or the code saying why not.
/// Another merchant's payment is unknown to this one (A.18).
fn completed(s: &Shared, merchant: &Credential, id: &str, trx: &str) -> Result<Payment, &'static str> {
    let p = s
        .bkash
        .lock()
        .payments
        .get(id)
        .filter(|p| p.merchant == merchant)
        .cloned()
        .ok_or("2002")?;
    match p.trx_id() {
        None => Err("2127"),
        Some(t) if t != trx => Err("2077"),
        Some(_) => Ok(p),
    }
}

struct Asked<'a> {
    merchant: &'static Credential,
    id: &'a str,
    trx: &'a str,
    amount: &'a str,
    sku: &'a str,
    reason: &'a str,
}

/// Applies the refund rules and, when they pass, the refund. Returns (payment, refund).
fn apply(s: &Shared, a: &Asked<'_>) -> Result<(Payment, Refund), &'static str> {
    let now = s.clock.now_ms();
    let mut inner = s.bkash.lock();
    let p = inner
        .payments
        .get(a.id)
        .filter(|p| p.merchant == a.merchant)
        .ok_or("2002")?;
    let done_at = match (&p.trx_id(), p.completed_ms()) {
        (Some(t), Some(at)) if *t == a.trx => at,
        (Some(_), _) => return Err("2077"),
        _ => return Err("2127"),
    };
    let amount = Money::parse(a.amount).map_err(|_| "2072")?;
    if now - done_at > choices::REFUND_WINDOW_DAYS * DAY_MS {
        return Err("2071");
    }
    let refunded = p.refunded_poisha();
    if p.refunds.len() >= choices::MAX_REFUNDS || refunded >= p.amount.poisha() {
        return Err("2074");
    }
    if refunded + amount.poisha() > p.amount.poisha() {
        return Err("2072");
    }
    let refund = Refund {
        trx_id: inner.new_trx_id(),
        amount,
        sku: a.sku.to_owned(),
        reason: a.reason.to_owned(),
        at_ms: now,
    };
    let p = inner.payments.get_mut(a.id).ok_or("2002")?;
    p.refunds.push(refund.clone());
    Ok((p.clone(), refund))
}

fn log(s: &Shared, a: &Asked<'_>, result: &Result<(Payment, Refund), &'static str>, version: &str) {
    let (trx_id, amount, outcome) = match result {
        Ok((_, r)) => (Some(r.trx_id.clone()), Some(r.amount.to_string()), "ok".to_owned()),
        Err(c) => (None, None, (*c).to_owned()),
    };
    let detail = json!({"api": version, "original_trx_id": a.trx, "asked": a.amount});
    record(
        s,
        Record {
            op: "refund",
            reference: Some(a.id.to_owned()),
            trx_id,
            amount,
            outcome,
            detail: Some(detail),
        },
    );
}

/// API Gateway's answer when refund v2 is switched off for the caller's credential
/// (`refund_v2_missing` variant): before faults, tokens or bKash logic, as a missing route.
/// The rule's `app_key` is matched against the `X-APP-Key` sent, its `username` against the
/// credential set the `Authorization` token was granted for (A.18), else the one that
/// `X-APP-Key` names.
fn v2_missing(s: &Shared, h: &HeaderMap) -> Option<Response> {
    let app_key = api::app_key(h);
    let username = s
        .bkash
        .token_owner(api::bearer(h))
        .or_else(|| choices::credential_by_app_key(app_key))
        .map_or("", |c| c.username);
    s.variants
        .refund_v2_missing(app_key, username)
        .then(|| errors::gateway(StatusCode::FORBIDDEN, "Missing Authentication Token"))
}

pub async fn refund(State(s): State<Shared>, h: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    if let Some(missing) = v2_missing(&s, &h) {
        return missing;
    }
    let go = match api::faults(&s, "refund", Flavor::RefundV2).await {
        Ok(go) => go,
        Err(early) => return early,
    };
    let response = finish(refund_inner(&s, &h, body).await);
    go.answer(&s, response).await
}

async fn refund_inner(s: &Shared, h: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, Response> {
    const F: Flavor = Flavor::RefundV2;
    let merchant = api::authorize(s, h, F)?;
    let map = api::object(body)?;
    let asked = Asked {
        merchant,
        id: api::required(&map, "paymentId", F)?,
        trx: api::required(&map, "trxId", F)?,
        amount: api::required(&map, "refundAmount", F)?,
        sku: short_text(&map, "sku", "2073", "2075", F, false)?,
        reason: short_text(&map, "reason", "2078", "2076", F, false)?,
    };
    let result = apply(s, &asked);
    log(s, &asked, &result, "v2");
    let (p, r) = result.map_err(errors::refund)?;
    Ok(Json(RefundResponse {
        original_trx_id: asked.trx.to_owned(),
        refund_trx_id: r.trx_id,
        refund_transaction_status: TransactionStatus::Completed,
        original_trx_amount: p.amount.to_string(),
        refund_amount: asked.amount.to_owned(),
        currency: "BDT".to_owned(),
        completed_time: DhakaTime::from_unix_millis(r.at_ms).bkash(),
        sku: r.sku,
        reason: r.reason,
    })
    .into_response())
}

pub async fn status(State(s): State<Shared>, h: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    if let Some(missing) = v2_missing(&s, &h) {
        return missing;
    }
    finish(status_inner(&s, &h, body).await)
}

async fn status_inner(s: &Shared, h: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, Response> {
    const F: Flavor = Flavor::RefundV2;
    api::faults(s, "refund_status", F).await?;
    let merchant = api::authorize(s, h, F)?;
    let map = api::object(body)?;
    let id = api::required(&map, "paymentId", F)?;
    let trx = api::required(&map, "trxId", F)?;
    let p = completed(s, merchant, id, trx).map_err(errors::refund)?;
    if p.refunds.is_empty() && s.variants.has(Provider::Bkash, id, Variant::NoRefundsEnvelope) {
        return Err(errors::refund("2033"));
    }
    let done_at = p.completed_ms().unwrap_or(p.created_ms);
    Ok(Json(RefundStatusResponse {
        original_trx_id: trx.to_owned(),
        original_trx_amount: p.amount.to_string(),
        original_trx_completed_time: DhakaTime::from_unix_millis(done_at.div_euclid(1000) * 1000).bkash(),
        refund_transactions: p
            .refunds
            .iter()
            .map(|r| RefundTransaction {
                refund_trx_id: r.trx_id.clone(),
                refund_transaction_status: TransactionStatus::Completed,
                refund_amount: r.amount.to_string(),
                // A.16: whole seconds and no zone in these items.
                completed_time: DhakaTime::from_unix_millis(r.at_ms.div_euclid(1000) * 1000).bkash_local(),
            })
            .collect(),
    })
    .into_response())
}

pub async fn legacy(State(s): State<Shared>, h: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let is_refund = matches!(&body, Ok(b) if serde_json::from_slice::<Map<String, Value>>(b).is_ok_and(|m| m.contains_key("amount")));
    // Faults first; `answer_lost` holds the answer of a refund that was made, as in v2.
    let go = match api::faults(
        &s,
        if is_refund { "refund" } else { "refund_status" },
        Flavor::Tokenized,
    )
    .await
    {
        Ok(go) => go,
        Err(early) => return early,
    };
    let response = finish(legacy_inner(&s, &h, body).await);
    go.answer(&s, response).await
}

/// v1: with `amount` a refund, without it the latest refund's status (2033 when none).
async fn legacy_inner(s: &Shared, h: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, Response> {
    const F: Flavor = Flavor::Tokenized;
    let merchant = api::authorize(s, h, F)?;
    let map = api::object(body)?;
    let id = api::required(&map, "paymentID", F)?;
    let trx = api::required(&map, "trxID", F)?;
    let (refund, amount_text) = match api::text(&map, "amount")? {
        Some(amount) => {
            let asked = Asked {
                merchant,
                id,
                trx,
                amount,
                sku: short_text(&map, "sku", "2073", "2075", F, true)?,
                reason: short_text(&map, "reason", "2078", "2076", F, true)?,
            };
            let result = apply(s, &asked);
            log(s, &asked, &result, "v1");
            let (_, r) = result.map_err(errors::code)?;
            (r, amount.to_owned())
        }
        None => {
            let p = completed(s, merchant, id, trx).map_err(errors::code)?;
            let r = p.refunds.last().cloned().ok_or_else(|| errors::code("2033"))?;
            let text = r.amount.to_string();
            (r, text)
        }
    };
    Ok(Json(LegacyRefundResponse {
        completed_time: DhakaTime::from_unix_millis(refund.at_ms).bkash(),
        transaction_status: TransactionStatus::Completed,
        original_trx_id: trx.to_owned(),
        refund_trx_id: refund.trx_id,
        amount: amount_text,
        currency: "BDT".to_owned(),
        charge: "0.00".to_owned(),
    })
    .into_response())
}
