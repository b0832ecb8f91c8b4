//! Send money between two Nagad wallets (B.13 [our choice]), for ops review: made with
//! `POST /__control/nagad/send_money`, listed with `GET /__control/nagad/transfers`. Nagad
//! publishes no search or list API (B.9), so nothing on the Nagad API side finds these.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::record;
use super::store::Transfer;
use crate::clock::rfc3339;
use crate::ledger::Record;
use crate::send_money::{self, SendMoney};
use crate::Shared;

pub async fn send_money(State(s): State<Shared>, body: Bytes) -> Response {
    let ask = match SendMoney::parse(&body) {
        Ok(ask) => ask,
        Err(message) => return send_money::refused(message),
    };
    let transfer = Transfer {
        trx_id: s.nagad.next_trx_id(),
        from: ask.from,
        to: ask.to,
        amount: ask.amount,
        at_ms: s.clock.now_ms(),
    };
    s.nagad.lock().transfers.push(transfer.clone());
    let detail = json!({
        "from": crate::bkash::choices::mask(&transfer.from),
        "to": crate::bkash::choices::mask(&transfer.to),
    });
    record(
        &s,
        Record {
            op: "send_money",
            trx_id: Some(transfer.trx_id.clone()),
            amount: Some(transfer.amount.to_string()),
            outcome: "ok".into(),
            detail: Some(detail),
            ..Record::default()
        },
    );
    Json(json!({"trxId": transfer.trx_id})).into_response()
}

/// Every send money so far, oldest first; `at` in RFC 3339 UTC.
pub async fn list(State(s): State<Shared>) -> Response {
    let transfers: Vec<_> = s
        .nagad
        .lock()
        .transfers
        .iter()
        .map(|t| {
            json!({
                "trxId": t.trx_id,
                "from": t.from,
                "to": t.to,
                "amount": t.amount.to_string(),
                "at": rfc3339(t.at_ms),
            })
        })
        .collect();
    Json(json!({"transfers": transfers})).into_response()
}
