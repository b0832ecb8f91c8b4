//! The sandbox's statement export, `GET /__control/statements/bkash/{YYYY-MM-DD}[?format=csv]`.
//! NOT a bKash API: Tokenized Checkout has no report or settlement call (A.11); merchants
//! download statements from bKash's portal. This stands in for that download so
//! reconciliation can be tested: one Dhaka day's completed payments and refunds, each with
//! its fee (MDR, `choices::MDR_BASIS_POINTS`), net, settlement date (next Dhaka business day)
//! and the customer's wallet, masked as a portal shows it (`01XX8575`). `?merchant=<username>`
//! keeps one merchant account's lines, as that merchant's own portal would.

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::money::signed_text;
use bdpay_shared::wire::time::DhakaTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::choices;
use crate::Shared;

const DAY_MS: i64 = 86_400_000;

#[derive(Serialize)]
struct Row {
    #[serde(rename = "type")]
    kind: &'static str,
    trx_id: String,
    payment_id: String,
    invoice: String,
    /// Signed: refunds are negative.
    amount: String,
    fee: String,
    net: String,
    settlement_date: String,
    completed_time: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    original_trx_id: String,
    wallet: String,
    #[serde(skip)]
    at_ms: i64,
    #[serde(skip)]
    poisha: [i64; 3],
}

#[derive(Deserialize)]
pub struct Format {
    format: Option<String>,
    /// A credential's `username`: only that merchant account's lines.
    merchant: Option<String>,
}

/// The fee on a payment: MDR of the gross, rounded half up to the poisha.
pub fn fee(poisha: i64) -> i64 {
    (poisha * choices::MDR_BASIS_POINTS + 5_000) / 10_000
}

/// Dhaka midnight of `YYYY-MM-DD` in unix ms.
fn day_start(date: &str) -> Option<i64> {
    if date.len() != 10 {
        return None;
    }
    DhakaTime::parse(&format!("{date} 00:00:00")).map(DhakaTime::to_unix_millis)
}

/// The next Dhaka day after `start_ms`'s day that is not a bank weekend day.
pub fn settlement_date(start_ms: i64) -> String {
    let mut day = start_ms + DAY_MS;
    loop {
        let days = (day + bdpay_shared::wire::time::DHAKA_OFFSET_SECS * 1000).div_euclid(DAY_MS);
        let weekday = (days + 4).rem_euclid(7) as u8; // 1970-01-01 was a Thursday; Sunday = 0.
        if !choices::WEEKEND.contains(&weekday) {
            return DhakaTime::from_unix_millis(day).ymd_dashed();
        }
        day += DAY_MS;
    }
}

fn rows(s: &Shared, start: i64, merchant: Option<&str>) -> Vec<Row> {
    let end = start + DAY_MS;
    let settle = settlement_date(start);
    let within = |t: i64| (start..end).contains(&t);
    let inner = s.bkash.lock();
    let mut rows = Vec::new();
    for p in inner.payments.values() {
        let (Some(trx), Some(at)) = (p.trx_id(), p.completed_ms()) else {
            continue;
        };
        if merchant.is_some_and(|m| m != p.merchant.username) {
            continue;
        }
        let wallet = p.wallet.as_deref().map(choices::mask).unwrap_or_default();
        if within(at) {
            let gross = p.amount.poisha();
            let f = fee(gross);
            rows.push(Row {
                kind: "payment",
                trx_id: trx.to_owned(),
                payment_id: p.id.clone(),
                invoice: p.invoice.clone(),
                amount: signed_text(gross),
                fee: signed_text(f),
                net: signed_text(gross - f),
                settlement_date: settle.clone(),
                completed_time: DhakaTime::from_unix_millis(at).bkash(),
                original_trx_id: String::new(),
                wallet: wallet.clone(),
                at_ms: at,
                poisha: [gross, f, gross - f],
            });
        }
        for r in p.refunds.iter().filter(|r| within(r.at_ms)) {
            let back = -r.amount.poisha();
            rows.push(Row {
                kind: "refund",
                trx_id: r.trx_id.clone(),
                payment_id: p.id.clone(),
                invoice: p.invoice.clone(),
                amount: signed_text(back),
                fee: signed_text(0),
                net: signed_text(back),
                settlement_date: settle.clone(),
                completed_time: DhakaTime::from_unix_millis(r.at_ms).bkash(),
                original_trx_id: trx.to_owned(),
                wallet: wallet.clone(),
                at_ms: r.at_ms,
                poisha: [back, 0, back],
            });
        }
    }
    // Time order; within one millisecond a payment comes before its refunds.
    rows.sort_by(|a, b| (a.at_ms, a.kind != "payment", &a.trx_id).cmp(&(b.at_ms, b.kind != "payment", &b.trx_id)));
    rows
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub async fn export(State(s): State<Shared>, Path(date): Path<String>, Query(q): Query<Format>) -> Response {
    let Some(start) = day_start(&date) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "date must be YYYY-MM-DD"})),
        )
            .into_response();
    };
    let rows = rows(&s, start, q.merchant.as_deref());
    let csv = q.format.as_deref() == Some("csv");
    if csv {
        let mut out = String::from(
            "type,trx_id,payment_id,invoice,amount,fee,net,settlement_date,completed_time,original_trx_id,wallet\r\n",
        );
        for r in &rows {
            let fields = [
                r.kind,
                &r.trx_id,
                &r.payment_id,
                &r.invoice,
                &r.amount,
                &r.fee,
                &r.net,
                &r.settlement_date,
                &r.completed_time,
                &r.original_trx_id,
                &r.wallet,
            ];
            out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        return ([(CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response();
    }
    let sum = |i: usize, kind: &str| {
        rows.iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.poisha.get(i).copied().unwrap_or(0))
            .sum::<i64>()
    };
    let total = |i: usize| rows.iter().map(|r| r.poisha.get(i).copied().unwrap_or(0)).sum::<i64>();
    Json(json!({
        "notice": "bdpay sandbox statement export: NOT a bKash API (bKash has no statement endpoint; merchants download statements from its portal).",
        "provider": "bkash",
        "date": date,
        "merchant": choices::MERCHANT_NAME,
        "short_code": choices::SHORT_CODE,
        "mdr_basis_points": choices::MDR_BASIS_POINTS,
        "settlement_date": settlement_date(start),
        "rows": rows,
        "totals": {
            "payments": rows.iter().filter(|r| r.kind == "payment").count(),
            "refunds": rows.iter().filter(|r| r.kind == "refund").count(),
            "gross": signed_text(sum(0, "payment")),
            "refunded": signed_text(-sum(0, "refund")),
            "fees": signed_text(total(1)),
            "net": signed_text(total(2)),
        },
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_is_mdr_rounded_half_up() {
        assert_eq!(fee(125_000), 2_313); // 1250.00 × 1.85 % = 23.125 → 23.13
        assert_eq!(fee(100), 2); // 1.00 → 0.0185 → 0.02
        assert_eq!(signed_text(-25_000), "-250.00");
    }

    #[test]
    fn settlement_skips_friday_and_saturday() {
        let thursday = day_start("2024-11-28").unwrap();
        assert_eq!(settlement_date(thursday), "2024-12-01");
        let sunday = day_start("2024-11-24").unwrap();
        assert_eq!(settlement_date(sunday), "2024-11-25");
        let friday = day_start("2024-11-29").unwrap();
        assert_eq!(settlement_date(friday), "2024-12-01");
        assert_eq!(day_start("2024-13-01"), None);
    }
}
