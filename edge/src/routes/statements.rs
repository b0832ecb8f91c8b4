//! `PUT /v1/statements/{bkash|nagad}/{YYYY-MM-DD}` (a provider's CSV statement for a Dhaka
//! day, uploaded by the merchant: it replaces a fetched one) and `GET` the same (what we hold,
//! described, or `?format=csv` as received). Layouts: docs/reconciliation.md.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::money::signed_text;
use bdpay_shared::provider::Provider;
use bdpay_shared::recon::{EntryKind, StatementLine};
use serde_json::json;
use worker::{Env, Request, Response};

use super::finance_query::{day_not_future, provider, wants_csv};
use crate::auth;
use crate::body;
use crate::clock::now_ms;
use crate::error::{EdgeError, EdgeResult};
use crate::finance::day::Day;
use crate::finance::statements::{self, Key, Source, MAX_BYTES};
use crate::http;
use crate::payment::view::iso;

pub async fn put(mut req: Request, env: &Env, provider_name: &str, date: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let p = provider(provider_name)?;
    let day = Day::parse(date)?;
    day_not_future(&day)?;
    let content_type = req.headers().get("content-type").ok().flatten().unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !matches!(media.as_str(), "text/csv" | "text/plain" | "application/csv") {
        return Err(EdgeError::invalid(
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be text/csv (the provider's statement as exported)",
        ));
    }
    let raw = body::capped(&mut req, MAX_BYTES, "a statement may be at most 1,800,000 bytes").await?;
    let text = String::from_utf8(raw)
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "the statement is not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
    let lines = statements::parse(p, &text).map_err(|m| EdgeError::invalid(ErrorCode::InvalidRequest, m))?;
    let db = env.d1("DB")?;
    let key = Key {
        merchant_id: &merchant.id,
        mode: merchant.mode,
        provider: p,
        day: &day,
    };
    let held = statements::store(&db, &key, Source::Uploaded, &text, lines.len(), now_ms())
        .await?
        .ok_or_else(|| EdgeError::internal("an upload was not kept"))?;
    crate::log::info(
        "statement_uploaded",
        &json!({ "merchant": merchant.id, "provider": p.as_str(), "day": day.text, "lines": lines.len() }),
    );
    Ok(http::json(
        200,
        &view(p, &day, &held.source, &lines, &held.sha256, held.received_at),
    ))
}

pub async fn get(req: Request, env: &Env, provider_name: &str, date: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let p = provider(provider_name)?;
    let day = Day::parse(date)?;
    let db = env.d1("DB")?;
    let key = Key {
        merchant_id: &merchant.id,
        mode: merchant.mode,
        provider: p,
        day: &day,
    };
    let held = statements::held(&db, &key).await?.ok_or_else(EdgeError::not_found)?;
    if wants_csv(&req) {
        return Ok(http::bytes_with(200, "text/csv; charset=utf-8", held.body.into_bytes()));
    }
    let lines = statements::parse(p, &held.body).map_err(EdgeError::internal)?;
    Ok(http::json(
        200,
        &view(p, &day, &held.source, &lines, &held.sha256, held.received_at),
    ))
}

fn view(
    p: Provider,
    day: &Day,
    source: &str,
    lines: &[StatementLine],
    sha: &str,
    received_ms: i64,
) -> serde_json::Value {
    let sum =
        |kind: EntryKind, f: fn(&StatementLine) -> i64| lines.iter().filter(|l| l.kind == kind).map(f).sum::<i64>();
    let count = |kind: EntryKind| lines.iter().filter(|l| l.kind == kind).count();
    json!({
        "object": "statement",
        "provider": p.as_str(),
        "date": day.text,
        "source": source,
        "lines": lines.len(),
        "sha256": sha,
        "received_at": iso(received_ms),
        "totals": {
            "payments": count(EntryKind::Payment),
            "refunds": count(EntryKind::Refund),
            "gross": signed_text(sum(EntryKind::Payment, |l| l.amount)),
            "refunded": signed_text(sum(EntryKind::Refund, |l| l.amount)),
            "fees": signed_text(lines.iter().map(|l| l.fee).sum()),
        },
    })
}
