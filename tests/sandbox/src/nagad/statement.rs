//! `GET /__control/statements/nagad/{YYYY-MM-DD}[?format=csv]`: NOT a Nagad API. Nagad has no
//! search, list or settlement call (B.9); merchants reconcile from portal statements. This
//! stands in for that download: one Dhaka day's successful payments and refunds, each with
//! fee (`choices::FEE_BASIS_POINTS`), net, settlement date (next Dhaka business day) and the
//! customer's wallet masked as the portal shows it (`01XX8575`).

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::money::signed_text;
use bdpay_shared::wire::time::DhakaTime;
use serde::Serialize;
use serde_json::json;

use super::choices::{FEE_BASIS_POINTS, WEEKEND};
use crate::Shared;

pub const NOTICE: &str = "bdpay sandbox statement export: NOT a Nagad API (Nagad offers only verify; merchants download statements from its portal).";
const DAY_MS: i64 = 86_400_000;
const COLUMNS: [&str; 12] = [
    "type",
    "trx_id",
    "payment_ref_id",
    "order_id",
    "issuer_payment_ref",
    "merchant_reference",
    "amount",
    "fee",
    "net",
    "time",
    "settlement_date",
    "wallet",
];

#[derive(Serialize)]
struct Line {
    #[serde(rename = "type")]
    kind: &'static str,
    /// Payment: `issuerPaymentRefNo`; refund: `cancelTrxId`.
    trx_id: String,
    payment_ref_id: String,
    order_id: String,
    issuer_payment_ref: String,
    /// Refund: the merchant's `referenceNo`.
    merchant_reference: String,
    amount: String,
    fee: String,
    net: String,
    time: String,
    settlement_date: String,
    wallet: String,
    #[serde(skip)]
    sums: (i64, i64, i64),
    #[serde(skip)]
    at_ms: i64,
}

impl Line {
    fn fields(&self) -> [&str; 12] {
        [
            self.kind,
            &self.trx_id,
            &self.payment_ref_id,
            &self.order_id,
            &self.issuer_payment_ref,
            &self.merchant_reference,
            &self.amount,
            &self.fee,
            &self.net,
            &self.time,
            &self.settlement_date,
            &self.wallet,
        ]
    }
}

/// The fee on a payment's gross, half up to the poisha.
pub fn fee_poisha(gross: i64) -> i64 {
    gross.saturating_mul(FEE_BASIS_POINTS).saturating_add(5_000) / 10_000
}

/// Unix ms of Dhaka midnight of a `YYYY-MM-DD`.
fn dhaka_midnight(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    DhakaTime::parse(&format!("{date} 00:00:00")).map(DhakaTime::to_unix_millis)
}

/// The Dhaka day after `midnight_ms`'s that is not Friday or Saturday, `YYYY-MM-DD`.
pub fn next_business_day(midnight_ms: i64) -> String {
    let offset_ms = bdpay_shared::wire::time::DHAKA_OFFSET_SECS * 1000;
    let mut day = midnight_ms + DAY_MS;
    // 1970-01-01 was a Thursday (4, Sunday = 0).
    while WEEKEND.contains(&(((day + offset_ms).div_euclid(DAY_MS) + 4).rem_euclid(7) as u8)) {
        day += DAY_MS;
    }
    DhakaTime::from_unix_millis(day).ymd_dashed()
}

fn lines(s: &Shared, midnight: i64) -> Vec<Line> {
    let day = midnight..midnight + DAY_MS;
    let settles = next_business_day(midnight);
    let when = |ms: i64| {
        let t = DhakaTime::from_unix_millis(ms);
        format!(
            "{} {}",
            t.ymd_dashed(),
            t.compact()
                .get(8..)
                .map_or(String::new(), |h| format!("{}:{}:{}", &h[..2], &h[2..4], &h[4..]))
        )
    };
    let inner = s.nagad.lock();
    let mut out = Vec::new();
    for p in inner.payments.values() {
        let (Some(issuer), Some(paid_ms), Some(amount)) = (&p.issuer_ref, p.issuer_ms, p.amount) else {
            continue;
        };
        let line = |kind, trx_id: &str, reference: &str, at_ms: i64, gross: i64, fee: i64| Line {
            kind,
            trx_id: trx_id.to_owned(),
            payment_ref_id: p.reference.clone(),
            order_id: p.order_id.clone(),
            issuer_payment_ref: issuer.clone(),
            merchant_reference: reference.to_owned(),
            amount: signed_text(gross),
            fee: signed_text(fee),
            net: signed_text(gross - fee),
            time: when(at_ms),
            settlement_date: settles.clone(),
            wallet: p.wallet.map(|w| w.masked()).unwrap_or_default(),
            sums: (gross, fee, gross - fee),
            at_ms,
        };
        if day.contains(&paid_ms) {
            out.push(line(
                "payment",
                issuer,
                "",
                paid_ms,
                amount.poisha(),
                fee_poisha(amount.poisha()),
            ));
        }
        for r in p.refunds.iter().filter(|r| day.contains(&r.at_ms)) {
            out.push(line(
                "refund",
                &r.trx_id,
                &r.reference_no,
                r.at_ms,
                -r.amount.poisha(),
                0,
            ));
        }
    }
    out.sort_by(|a, b| (a.at_ms, &a.trx_id).cmp(&(b.at_ms, &b.trx_id)));
    out
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[derive(serde::Deserialize)]
pub struct Format {
    format: Option<String>,
}

pub async fn export(
    State(s): State<Shared>,
    Path(date): Path<String>,
    format: Result<Query<Format>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(midnight) = dhaka_midnight(&date) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "date must be YYYY-MM-DD"})),
        )
            .into_response();
    };
    let lines = lines(&s, midnight);
    if format
        .ok()
        .and_then(|Query(f)| f.format)
        .is_some_and(|f| f.eq_ignore_ascii_case("csv"))
    {
        let mut csv = COLUMNS.join(",") + "\r\n";
        for l in &lines {
            csv.push_str(&l.fields().map(csv_cell).join(","));
            csv.push_str("\r\n");
        }
        return (
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    axum::http::HeaderName::from_static("x-sandbox-notice"),
                    "NOT a Nagad API",
                ),
            ],
            csv,
        )
            .into_response();
    }
    let total = |f: fn(&Line) -> i64| signed_text(lines.iter().map(f).sum());
    Json(json!({
        "notice": NOTICE,
        "provider": "nagad",
        "date": date,
        "fee_basis_points": FEE_BASIS_POINTS,
        "settlement_date": next_business_day(midnight),
        "lines": lines,
        "totals": {
            "payments": lines.iter().filter(|l| l.kind == "payment").count(),
            "refunds": lines.iter().filter(|l| l.kind == "refund").count(),
            "amount": total(|l| l.sums.0),
            "fee": total(|l| l.sums.1),
            "net": total(|l| l.sums.2),
        },
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_is_one_and_a_half_percent_half_up() {
        assert_eq!(fee_poisha(125_000), 1_875); // 1250.00 → 18.75
        assert_eq!(fee_poisha(100), 2); // 1.00 → 0.015 → 0.02
        assert_eq!(fee_poisha(33), 0); // 0.33 → 0.00495 → 0.00
        assert_eq!(signed_text(-25_000), "-250.00");
        assert_eq!(signed_text(5), "0.05");
    }

    #[test]
    fn settlement_is_the_next_dhaka_business_day() {
        let day = |d| dhaka_midnight(d).unwrap();
        assert_eq!(next_business_day(day("2024-11-24")), "2024-11-25"); // Sunday → Monday
        assert_eq!(next_business_day(day("2024-11-28")), "2024-12-01"); // Thursday → Sunday
        assert_eq!(next_business_day(day("2024-11-29")), "2024-12-01"); // Friday → Sunday
        assert_eq!(next_business_day(day("2024-11-30")), "2024-12-01"); // Saturday → Sunday
        for bad in ["2024-13-01", "20241125", "2024-11-25T00", ""] {
            assert_eq!(dhaka_midnight(bad), None, "{bad}");
        }
    }
}
