//! Search by trxID (A.9): a checkout payment of the caller's own credential set (A.18).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::wire::bkash::{SearchResponse, TransactionStatus, SUCCESS};

use super::api;
use super::choices::{self, Credential};
use super::errors::{self, Flavor};
use super::payments::{bkash_time, finish, ok_message};
use super::store::Payment;
use crate::Shared;

const T: Flavor = Flavor::Tokenized;

pub async fn search(State(s): State<Shared>, h: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    finish(search_inner(&s, &h, body).await)
}

async fn search_inner(s: &Shared, h: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, Response> {
    api::faults(s, "search", T).await?;
    let merchant = api::authorize(s, h, T)?;
    let map = api::object(body)?;
    let trx = api::required(&map, "trxID", T)?;
    let Some(p) = find(s, trx, merchant) else {
        return Err(errors::code("2033"));
    };
    Ok(Json(payment_reply(trx, &p)).into_response())
}

/// A payment only for the merchant that created it.
fn find(s: &Shared, trx: &str, merchant: &Credential) -> Option<Payment> {
    let inner = s.bkash.lock();
    let p = inner.by_trx.get(trx).and_then(|id| inner.payments.get(id))?;
    (p.merchant == merchant).then(|| p.clone())
}

/// The real sandbox shows whole seconds here (`…:000 GMT+0600`).
fn whole_seconds(ms: i64) -> String {
    bkash_time(ms.div_euclid(1000) * 1000)
}

fn payment_reply(trx: &str, p: &Payment) -> SearchResponse {
    let at = whole_seconds(p.completed_ms().unwrap_or(p.created_ms));
    SearchResponse {
        status_code: SUCCESS.to_owned(),
        status_message: ok_message(),
        trx_id: trx.to_owned(),
        initiation_time: at.clone(),
        completed_time: at,
        transaction_type: choices::SEARCH_TRANSACTION_TYPE.to_owned(),
        customer_msisdn: p.wallet.clone().unwrap_or_default(),
        transaction_status: TransactionStatus::Completed,
        amount: p.amount_text.clone(),
        currency: "BDT".to_owned(),
        organization_short_code: choices::SHORT_CODE.to_owned(),
        coupon_amount: None,
        merchant_share_amount: None,
        sale_amount: None,
    }
}
