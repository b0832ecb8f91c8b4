//! Search by trxID (A.9): a checkout payment of the caller's own credential set, or a send
//! money made through the control API (A.17), which answers the same shape with
//! `transactionType` "Send Money" and the receiver beside the sender.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::wire::bkash::{SearchResponse, TransactionStatus, SUCCESS};
use serde_json::Value;

use super::api;
use super::choices::{self, Credential};
use super::errors::{self, Flavor};
use super::payments::{bkash_time, finish, ok_message};
use super::store::{Payment, Transfer};
use crate::Shared;

const T: Flavor = Flavor::Tokenized;

/// What a trxID names.
enum Found {
    Payment(Box<Payment>),
    Transfer(Transfer),
}

pub async fn search(State(s): State<Shared>, h: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    finish(search_inner(&s, &h, body).await)
}

async fn search_inner(s: &Shared, h: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, Response> {
    api::faults(s, "search", T).await?;
    let merchant = api::authorize(s, h, T)?;
    let map = api::object(body)?;
    let trx = api::required(&map, "trxID", T)?;
    let Some(found) = find(s, trx, merchant) else {
        return Err(errors::code("2033"));
    };
    let reply = match found {
        Found::Payment(p) => payment_reply(trx, &p),
        Found::Transfer(t) => transfer_reply(&t),
    };
    Ok(Json(reply).into_response())
}

/// A payment only for the merchant that created it; a send money for any merchant (A.17).
fn find(s: &Shared, trx: &str, merchant: &Credential) -> Option<Found> {
    let inner = s.bkash.lock();
    if let Some(t) = inner.transfers.get(trx) {
        return Some(Found::Transfer(t.clone()));
    }
    let p = inner.by_trx.get(trx).and_then(|id| inner.payments.get(id))?;
    (p.merchant == merchant).then(|| Found::Payment(Box::new(p.clone())))
}

/// The real sandbox shows whole seconds here (`…:000 GMT+0600`).
fn whole_seconds(ms: i64) -> String {
    bkash_time(ms.div_euclid(1000) * 1000)
}

fn payment_reply(trx: &str, p: &Payment) -> Value {
    let at = whole_seconds(p.completed_ms().unwrap_or(p.created_ms));
    let reply = SearchResponse {
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
    };
    serde_json::to_value(reply).unwrap_or(Value::Null)
}

/// A.9's shape for a wallet-to-wallet transfer: `customerMsisdn` is the sender, the receiver
/// goes in [`choices::RECEIVER_FIELD`], and no organisation took part (empty short code).
fn transfer_reply(t: &Transfer) -> Value {
    let at = whole_seconds(t.at_ms);
    let reply = SearchResponse {
        status_code: SUCCESS.to_owned(),
        status_message: ok_message(),
        trx_id: t.trx_id.clone(),
        initiation_time: at.clone(),
        completed_time: at,
        transaction_type: choices::SEND_MONEY_TRANSACTION_TYPE.to_owned(),
        customer_msisdn: t.from.clone(),
        transaction_status: TransactionStatus::Completed,
        amount: t.amount.to_string(),
        currency: "BDT".to_owned(),
        organization_short_code: String::new(),
        coupon_amount: None,
        merchant_share_amount: None,
        sale_amount: None,
    };
    let mut v = serde_json::to_value(reply).unwrap_or(Value::Null);
    if let Some(map) = v.as_object_mut() {
        map.insert(choices::RECEIVER_FIELD.to_owned(), Value::String(t.to.clone()));
    }
    v
}
