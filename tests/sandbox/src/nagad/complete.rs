//! Complete (B.5): `POST …/check-out/complete/{paymentReferenceId}`. Opens the sealed order,
//! checks the echoed server challenge, currency and amount, completes once, and answers in
//! plain JSON with `callBackUrl`: our hosted page, where the shopper is sent.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::money::Money;
use bdpay_shared::wire::nagad::{
    reason, AdditionalMerchantInfo, CompleteReply, CompleteRequest, CompleteSensitive, PaymentStatus, CURRENCY_BDT,
};
use serde_json::Value;

use super::choices::{ADDITIONAL_INFO_MAX, CALLBACK_URL_LEN};
use super::errors::{self, Reject};
use super::sealing::{self, check_headers};
use super::{outcome, record, PAGE_PATH};
use crate::ledger::Record;
use crate::Shared;

/// The body's `additionalMerchantInfo`, a free map: kept raw (≤ 2048 bytes) and read for display.
const INFO_KEY: &str = "additionalMerchantInfo";

pub async fn complete(
    State(s): State<Shared>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(fault) = errors::enter(&s, "complete").await {
        return fault;
    }
    let result = run(&s, &reference, &headers, &body);
    let (outcome, amount) = match &result {
        Ok((_, amount)) => ("ok".to_owned(), Some(amount.to_string())),
        Err(r) => (r.reason.to_owned(), None),
    };
    record(
        &s,
        Record {
            op: "complete",
            reference: Some(reference.clone()),
            amount,
            outcome,
            ..Record::default()
        },
    );
    match result {
        Ok((reply, _)) => {
            outcome::schedule_expiry(&s, &reference);
            reply
        }
        Err(reject) => reject.into_response(),
    }
}

fn run(s: &Shared, reference: &str, headers: &HeaderMap, body: &[u8]) -> Result<(Response, Money), Reject> {
    check_headers(headers)?;
    let (merchant_id, order_id, server_challenge) = {
        let inner = s.nagad.lock();
        let p = inner
            .payments
            .get(reference)
            .ok_or(Reject::bad(reason::INVALID_REFERENCE))?;
        (p.merchant_id.clone(), p.order_id.clone(), p.server_challenge.clone())
    };
    let (_, merchant_key) = s
        .nagad
        .keys
        .merchant(&merchant_id)
        .ok_or(Reject::bad(reason::MERCHANT_INACTIVE))?;

    let mut raw: Value = sealing::json(body, reason::INVALID_REQUEST)?;
    let info_raw = raw
        .as_object_mut()
        .and_then(|o| o.remove(INFO_KEY))
        .filter(|v| !v.is_null());
    let request: CompleteRequest = serde_json::from_value(raw).map_err(|_| Reject::bad(reason::INVALID_REQUEST))?;
    let plain = sealing::open(s, merchant_key, &request.sensitive_data, &request.signature)?;
    let sensitive: CompleteSensitive = sealing::json(&plain, reason::INVALID_SENSITIVE_DATA)?;
    if sensitive.merchant_id != merchant_id || sensitive.order_id != order_id {
        return Err(Reject::bad(reason::INVALID_SENSITIVE_DATA));
    }
    if sensitive.challenge != server_challenge {
        return Err(Reject::bad(reason::INVALID_SENSITIVE_DATA));
    }
    if sensitive.currency_code != CURRENCY_BDT {
        return Err(Reject::bad(reason::INVALID_CURRENCY));
    }
    // ≤ 0, > 2 decimals, or not a plain decimal string → 16_0006_059 (B.11).
    let amount = Money::parse(&sensitive.amount).map_err(|_| Reject::bad(reason::INVALID_SENSITIVE_DATA))?;
    let url = request.merchant_callback_url.trim();
    let url_ok = CALLBACK_URL_LEN.contains(&url.chars().count())
        && (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace);
    if !url_ok {
        return Err(Reject::bad(reason::INVALID_REQUEST));
    }
    let (info_json, info) = read_info(info_raw)?;

    let token = sealing::random_hex(16);
    let mut inner = s.nagad.lock();
    let p = inner
        .payments
        .get_mut(reference)
        .ok_or(Reject::bad(reason::INVALID_REFERENCE))?;
    if p.status != PaymentStatus::OrderInitiated {
        return Err(Reject::bad(reason::STATE_INVALID));
    }
    p.status = PaymentStatus::Ready;
    p.amount = Some(amount);
    p.callback_url = Some(url.to_owned());
    p.info_json = info_json;
    p.info = info;
    p.token = Some(token.clone());
    p.page_expires_ms = s
        .clock
        .now_ms()
        .saturating_add(i64::try_from(s.config.nagad_page_ttl.as_millis()).unwrap_or(i64::MAX));
    inner.tokens.insert(token.clone(), reference.to_owned());
    let reply = CompleteReply {
        call_back_url: format!(
            "{}/nagad{PAGE_PATH}/{token}",
            s.config.public_origin.trim_end_matches('/')
        ),
        status: "Success".to_owned(),
    };
    Ok((Json(reply).into_response(), amount))
}

/// A map (or a JSON string holding one) of at most 2048 bytes; its five display keys read
/// leniently (a non-string value is simply not shown).
fn read_info(raw: Option<Value>) -> Result<(Option<String>, AdditionalMerchantInfo), Reject> {
    let Some(raw) = raw else {
        return Ok((None, AdditionalMerchantInfo::default()));
    };
    let map = match raw {
        Value::String(text) => {
            serde_json::from_str::<Value>(&text).map_err(|_| Reject::bad(reason::INVALID_REQUEST))?
        }
        other => other,
    };
    let Value::Object(map) = map else {
        return Err(Reject::bad(reason::INVALID_REQUEST));
    };
    let text = Value::Object(map.clone()).to_string();
    if text.len() > ADDITIONAL_INFO_MAX {
        return Err(Reject::bad(reason::INVALID_REQUEST));
    }
    let strings: serde_json::Map<String, Value> = map.into_iter().filter(|(_, v)| v.is_string()).collect();
    let info = serde_json::from_value(Value::Object(strings)).unwrap_or_default();
    Ok((Some(text), info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn additional_info_is_read_leniently_and_capped() {
        let (text, info) = read_info(Some(
            json!({"serviceName": "Demo Shop", "additionalFieldValue": 42, "x": [1]}),
        ))
        .unwrap();
        assert_eq!(info.service_name.as_deref(), Some("Demo Shop"));
        assert_eq!(info.additional_field_value, None);
        assert!(text.unwrap().contains("\"x\":[1]"));
        let (_, from_text) = read_info(Some(json!("{\"serviceName\":\"S\"}"))).unwrap();
        assert_eq!(from_text.service_name.as_deref(), Some("S"));
        assert!(read_info(Some(json!({"k": "x".repeat(2100)}))).is_err());
        assert!(read_info(Some(json!([1, 2]))).is_err());
        assert_eq!(read_info(None).unwrap().0, None);
    }
}
