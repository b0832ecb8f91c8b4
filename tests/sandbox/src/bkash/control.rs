//! bKash's part of the control API under `/__control` (none of it is a bKash API): the
//! statement export, a test-only page shortcut, a payment's view (with its merchant), send
//! money between wallets, the webhook subscription, and a stand-in merchant return page.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::store::{Stage, Step};
use super::view::esc;
use super::{choices, record, sns, statement, transfers};
use crate::ledger::Record;
use crate::Shared;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/statements/bkash/{date}", get(statement::export))
        .route("/bkash/approve/{payment_id}", post(approve))
        .route("/bkash/payments/{payment_id}", get(payment))
        .route("/bkash/send_money", post(transfers::send_money))
        .route("/bkash/sns", get(describe))
        .route("/bkash/sns/subscribe", post(subscribe))
        .route("/bkash/webhook", post(set_webhook))
        .route("/bkash/return", get(merchant_return))
}

fn bad(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({"error": msg}))).into_response()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ApproveBody {
    wallet: Option<String>,
}

/// TEST-ONLY shortcut: marks an open payment as if the shopper had finished wallet, OTP and
/// PIN on the page (default wallet 01770618575), so execute can run without a browser.
async fn approve(State(s): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let b: ApproveBody = if body.is_empty() {
        ApproveBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(_) => {
                return bad(
                    StatusCode::BAD_REQUEST,
                    "body must be {\"wallet\": \"01XXXXXXXXX\"} or empty",
                )
            }
        }
    };
    let wallet = b.wallet.unwrap_or_else(|| "01770618575".to_owned());
    if !choices::is_wallet(&wallet) {
        return bad(StatusCode::BAD_REQUEST, "wallet must be 11 digits, 01[3-9]…");
    }
    {
        let mut inner = s.bkash.lock();
        let Some(p) = inner.payments.get_mut(&id) else {
            return bad(StatusCode::NOT_FOUND, "no such paymentID");
        };
        if p.stage != Stage::Open {
            return bad(StatusCode::CONFLICT, "payment is not open");
        }
        p.wallet = Some(wallet);
        p.step = Step::Pin;
        p.stage = Stage::Approved;
    }
    record(
        &s,
        Record {
            op: "page",
            reference: Some(id.clone()),
            outcome: "approved".into(),
            detail: Some(json!({"via": "control"})),
            ..Record::default()
        },
    );
    Json(json!({"paymentID": id, "approved": true})).into_response()
}

/// One payment as the sandbox holds it, with the merchant (credential username, A.18) whose
/// token created it. Any merchant's payment: this is the sandbox's view, not a bKash call.
async fn payment(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let Some(p) = s.bkash.lock().payments.get(&id).cloned() else {
        return bad(StatusCode::NOT_FOUND, "no such paymentID");
    };
    let stage = match p.stage {
        Stage::Open => "open",
        Stage::Approved => "approved",
        Stage::Cancelled => "cancelled",
        Stage::Failed { .. } => "failed",
        Stage::Completed { .. } => "completed",
    };
    let refunded =
        bdpay_shared::money::Money::from_poisha(p.refunded_poisha()).unwrap_or(bdpay_shared::money::Money::ZERO);
    Json(json!({
        "paymentID": p.id,
        "merchant": p.merchant.username,
        "app_key": p.merchant.app_key,
        "amount": p.amount_text,
        "invoice": p.invoice,
        "stage": stage,
        "trxID": p.trx_id(),
        "wallet": p.wallet.as_deref().map(choices::mask),
        "refunded": refunded.to_string(),
    }))
    .into_response()
}

async fn describe(State(s): State<Shared>) -> Response {
    Json(s.bkash.sns.describe()).into_response()
}

/// Sends the SubscriptionConfirmation now instead of at the first completed payment.
async fn subscribe(State(s): State<Shared>) -> Response {
    if sns::subscribe(&s) {
        Json(s.bkash.sns.describe()).into_response()
    } else {
        bad(
            StatusCode::CONFLICT,
            "no webhook URL, or already confirmed/unsubscribed",
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookBody {
    url: Option<String>,
}

/// Points the SNS webhook at `url` (or `null` to stop); the subscription starts over.
async fn set_webhook(State(s): State<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<WebhookBody>(&body) {
        Ok(WebhookBody { url })
            if url
                .as_deref()
                .is_none_or(|u| u.starts_with("http://") || u.starts_with("https://")) =>
        {
            s.bkash.sns.set_url(url);
            Json(s.bkash.sns.describe()).into_response()
        }
        _ => bad(
            StatusCode::BAD_REQUEST,
            "body must be {\"url\": \"http(s)://…\" | null}",
        ),
    }
}

/// A stand-in merchant page to use as `callbackURL` by hand: shows what bKash sent back.
async fn merchant_return(RawQuery(q): RawQuery) -> Response {
    let q = q.unwrap_or_default();
    let items: String = q
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v)))
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>Merchant return</title><style>body{{font:16px/1.4 system-ui,sans-serif;margin:0;padding:20px;background:#fafafa}}\
h1{{font-size:20px}}table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;padding:8px;border-bottom:1px solid #ddd;overflow-wrap:anywhere}}th{{white-space:nowrap;width:1%}}\
p{{color:#666;font-size:13px}}</style></head><body><h1>Back at the merchant</h1>\
<p>Sandbox stand-in for a merchant's callbackURL (not part of bKash). The status proves nothing: execute or query decides.</p>\
<table>{items}</table></body></html>"
    ))
    .into_response()
}
