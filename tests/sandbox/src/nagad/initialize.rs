//! Initialize (B.4): `POST …/check-out/initialize/{merchantId}/{orderId}[?locale=EN|BN]`.
//! Opens the merchant's sealed request, checks ids, clock and challenge, registers the order
//! for the Dhaka day, and answers sealed: reference, Nagad's own challenge, accept time.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bdpay_shared::wire::nagad::{
    check_request_datetime, encode_payment_reference, is_valid_merchant_id, is_valid_order_id, reason, DateTimeError,
    InitializeReplySensitive, InitializeRequest, InitializeSensitive,
};
use bdpay_shared::wire::time::DhakaTime;
use serde_json::json;

use super::choices::{MAX_CHALLENGE_LEN, SERVER_CHALLENGE_BYTES};
use super::errors::{self, Reject};
use super::record;
use super::sealing::{self, check_headers};
use super::store::{Locale, Payment};
use crate::ledger::Record;
use crate::Shared;

pub async fn initialize(
    State(s): State<Shared>,
    Path((merchant_id, order_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(fault) = errors::enter(&s, "initialize").await {
        return fault;
    }
    let result = run(&s, &merchant_id, &order_id, &query, &headers, &body);
    let (outcome, reference) = match &result {
        Ok((_, reference)) => ("ok", Some(reference.clone())),
        Err(r) => (r.reason, None),
    };
    record(
        &s,
        Record {
            op: "initialize",
            reference,
            outcome: outcome.to_owned(),
            detail: Some(json!({"merchantId": merchant_id, "orderId": order_id})),
            ..Record::default()
        },
    );
    match result {
        Ok((reply, _)) => reply,
        Err(reject) => reject.into_response(),
    }
}

fn run(
    s: &Shared,
    merchant_id: &str,
    order_id: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Response, String), Reject> {
    check_headers(headers)?;
    if !is_valid_merchant_id(merchant_id) {
        return Err(Reject::bad(reason::MERCHANT_ID_INVALID));
    }
    let (_, merchant_key) = s
        .nagad
        .keys
        .merchant(merchant_id)
        .ok_or(Reject::bad(reason::MERCHANT_ID_INVALID))?;
    if !is_valid_order_id(order_id) {
        return Err(Reject::bad(reason::INVALID_ORDER_ID));
    }
    let request: InitializeRequest = sealing::json(body, reason::INVALID_REQUEST)?;
    let plain = sealing::open(s, merchant_key, &request.sensitive_data, &request.signature)?;
    let sensitive: InitializeSensitive = sealing::json(&plain, reason::INVALID_SENSITIVE_DATA)?;
    if sensitive.merchant_id != merchant_id {
        return Err(Reject::bad(reason::MERCHANT_ID_INVALID));
    }
    if sensitive.order_id != order_id {
        return Err(Reject::bad(reason::INVALID_ORDER_ID));
    }
    let now = s.clock.now_ms();
    for datetime in [&sensitive.datetime, &request.date_time] {
        check_request_datetime(datetime, now).map_err(|e| match e {
            DateTimeError::Format => Reject::bad(reason::DATETIME_FORMAT),
            DateTimeError::OutsideWindow => Reject::bad(reason::DATETIME_OUT_OF_WINDOW),
        })?;
    }
    let c = &sensitive.challenge;
    if c.is_empty() || c.len() > MAX_CHALLENGE_LEN || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Reject::bad(reason::INVALID_SENSITIVE_DATA));
    }

    let accepted = DhakaTime::from_unix_millis(now);
    let challenge = sealing::random_hex(SERVER_CHALLENGE_BYTES);
    let reference = encode_payment_reference(accepted, merchant_id, order_id, &challenge);
    let reply = InitializeReplySensitive {
        payment_reference_id: reference.clone(),
        challenge: challenge.clone(),
        accept_date_time: accepted.compact(),
    };
    let sealed = sealing::seal(s, merchant_key, &reply)?;

    let mut payment = Payment::new(reference.clone(), merchant_id, order_id, challenge, now);
    payment.merchant_account = request.account_number.filter(|a| !a.is_empty());
    if query.get("locale").is_some_and(|l| l.eq_ignore_ascii_case("BN")) {
        payment.locale = Locale::Bn;
    }
    let mut inner = s.nagad.lock();
    let day_key = (merchant_id.to_owned(), accepted.ymd_compact(), order_id.to_owned());
    if !inner.orders.insert(day_key) {
        return Err(Reject::bad(reason::DUPLICATE_ORDER_ID));
    }
    inner.payments.insert(reference.clone(), payment);
    Ok((sealed.into_response(), reference))
}
