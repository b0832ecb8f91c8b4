//! Refund, "purchase cancel" (B.8): `POST …/purchase/cancel?paymentRefId=…&orderId=…` with
//! `{"sensitiveDataCancelRequest","signature"}`. Partial refunds add up to at most the
//! original (16_0006_017 past it); the reply is sealed to the merchant.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::nagad::{
    reason, status_code, CancelReplySensitive, CancelRequest, CancelSensitive, PaymentStatus,
};
use serde_json::json;

use super::errors::{self, Reject};
use super::record;
use super::sealing::{self, check_headers};
use super::store::Refund;
use crate::ledger::Record;
use crate::variants::Variant;
use crate::Shared;

pub async fn cancel(
    State(s): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lost = match errors::enter_lossy(&s, "cancel").await {
        Ok(lost) => lost,
        Err(fault) => return fault,
    };
    let reference = query.get("paymentRefId").cloned();
    let result = run(&s, &query, &headers, &body);
    let (outcome, trx_id, amount) = match &result {
        Ok((_, reply)) => (
            "ok".to_owned(),
            Some(reply.cancel_trx_id.clone()),
            Some(reply.cancel_amount.clone()),
        ),
        Err(r) => (r.reason.to_owned(), None, None),
    };
    let detail = result
        .as_ref()
        .ok()
        .map(|(_, r)| json!({"status": r.status, "originalAmount": r.original_amount}));
    record(
        &s,
        Record {
            op: "cancel",
            reference,
            trx_id,
            amount,
            outcome,
            detail,
        },
    );
    let response = match result {
        Ok((response, _)) => response,
        Err(reject) => reject.into_response(),
    };
    errors::hold_answer(&s, lost, response).await
}

fn run(
    s: &Shared,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Response, CancelReplySensitive), Reject> {
    check_headers(headers)?;
    let (Some(reference), Some(order_id)) = (query.get("paymentRefId"), query.get("orderId")) else {
        return Err(Reject::bad(reason::INVALID_REQUEST));
    };
    let (merchant_id, known_order) = {
        let inner = s.nagad.lock();
        let p = inner
            .payments
            .get(reference)
            .ok_or(Reject::bad(reason::INVALID_REFERENCE))?;
        (p.merchant_id.clone(), p.order_id.clone())
    };
    if *order_id != known_order {
        return Err(Reject::bad(reason::INVALID_ORDER_ID));
    }
    let (_, merchant_key) = s
        .nagad
        .keys
        .merchant(&merchant_id)
        .ok_or(Reject::bad(reason::MERCHANT_INACTIVE))?;
    let request: CancelRequest = sealing::json(body, reason::INVALID_REQUEST)?;
    let plain = sealing::open(
        s,
        merchant_key,
        &request.sensitive_data_cancel_request,
        &request.signature,
    )?;
    let sensitive: CancelSensitive = sealing::json(&plain, reason::INVALID_SENSITIVE_DATA)?;
    if sensitive.merchant_id != merchant_id {
        return Err(Reject::bad(reason::MERCHANT_ID_INVALID));
    }
    if sensitive.order_id.as_ref().is_some_and(|o| *o != known_order) {
        return Err(Reject::bad(reason::INVALID_ORDER_ID));
    }
    // [our choice] (B.8): only the format of originalRequestDate is checked.
    let date = &sensitive.original_request_date;
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Reject::bad(reason::DATETIME_FORMAT));
    }
    let bad_data = || Reject::bad(reason::INVALID_SENSITIVE_DATA);
    let original = Money::parse(&sensitive.original_amount).map_err(|_| bad_data())?;
    let wanted = Money::parse(&sensitive.cancel_amount).map_err(|_| bad_data())?;

    let now = s.clock.now_ms();
    let (trx_id, status) = {
        let trx_id = s.nagad.next_trx_id();
        let mut inner = s.nagad.lock();
        let p = inner
            .payments
            .get_mut(reference)
            .ok_or(Reject::bad(reason::INVALID_REFERENCE))?;
        if !(p.status == PaymentStatus::Success || p.status.is_partial_refund()) {
            return Err(Reject::bad(reason::STATE_INVALID));
        }
        let paid = p.amount.ok_or(Reject::bad(reason::STATE_INVALID))?;
        if original != paid {
            return Err(bad_data());
        }
        let after = p.refunded_poisha().saturating_add(wanted.poisha());
        if after > paid.poisha() {
            return Err(Reject::bad(reason::STATE_INVALID));
        }
        let refunded_words = s.variants.has(Provider::Nagad, reference, Variant::RefundWords);
        p.status = match (after == paid.poisha(), refunded_words) {
            (true, false) => PaymentStatus::Cancelled,
            (false, false) => PaymentStatus::PartialCancelled,
            (true, true) => PaymentStatus::Refunded,
            (false, true) => PaymentStatus::PartialRefunded,
        };
        p.refunds.push(Refund {
            amount: wanted,
            trx_id: trx_id.clone(),
            at_ms: now,
            reference_no: sensitive.reference_no.clone(),
        });
        (trx_id, p.status.clone())
    };
    let reply = CancelReplySensitive {
        status: status.as_str().to_owned(),
        code: status_code::SUCCESS.to_owned(),
        original_amount: original.to_string(),
        cancel_amount: wanted.to_string(),
        cancel_trx_id: trx_id,
    };
    let sealed = sealing::seal(s, merchant_key, &reply)?;
    Ok((sealed.into_response(), reply))
}
