//! Send money between two wallets (A.17 [our choice]), made through the control API only
//! (`POST /__control/bkash/send_money`): a fresh trxID that the real search API then finds.
//! No fault applies to the control route; search keeps its own (op `search`).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::store::Transfer;
use super::{choices, record};
use crate::ledger::Record;
use crate::send_money::{self, SendMoney};
use crate::Shared;

pub async fn send_money(State(s): State<Shared>, body: Bytes) -> Response {
    let ask = match SendMoney::parse(&body) {
        Ok(ask) => ask,
        Err(message) => return send_money::refused(message),
    };
    let at_ms = s.clock.now_ms();
    let transfer = {
        let mut inner = s.bkash.lock();
        let t = Transfer {
            trx_id: inner.new_trx_id(),
            from: ask.from,
            to: ask.to,
            amount: ask.amount,
            at_ms,
        };
        inner.transfers.insert(t.trx_id.clone(), t.clone());
        t
    };
    let detail = json!({"from": choices::mask(&transfer.from), "to": choices::mask(&transfer.to)});
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
    Json(json!({"trxID": transfer.trx_id})).into_response()
}
