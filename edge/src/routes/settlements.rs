//! `GET /v1/settlements/{date}` (each provider's settlement of a Dhaka day: gross, fees,
//! refunds, net, expected credit, carried over, and the cashback, VAT and withholding its
//! payments carried; both added up in `total`), `GET /v1/settlements/calendar?from=&days=`
//! and `GET /v1/settlements/{date}/beps` (the day's BEFTN bulk-credit file of settleable money
//! per payee; `?format=json`). docs/settlement.md, docs/beftn.md.

use bdpay_shared::beftn;
use bdpay_shared::errors::ErrorCode;
use bdpay_shared::money::signed_text;
use bdpay_shared::settlement::Calendar;
use serde_json::{json, Map, Value};
use worker::{Env, Request, Response};

use super::finance_query::{query, wants_json};
use crate::auth::{self, Merchant};
use crate::error::{EdgeError, EdgeResult};
use crate::finance::day::Day;
use crate::finance::payees;
use crate::finance::payout::{self, ProviderDay};
use crate::finance::settings;
use crate::finance::settlement::{self, Series, PROVIDERS};
use crate::http;

/// The most days one calendar answers.
const MAX_CALENDAR_DAYS: u32 = 62;

async fn day_series(env: &Env, m: &Merchant, day: &Day) -> EdgeResult<Series> {
    let db = env.d1("DB")?;
    let speed = settings::load(&db, &m.id, m.mode).await?.nagad_speed;
    Ok(settlement::series(&db, &m.id, m.mode, day, day, speed).await?)
}

pub async fn get(req: Request, env: &Env, date: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let day = Day::parse(date)?;
    let s = day_series(env, &merchant, &day).await?;
    let d = day.date;
    let mut providers = Map::new();
    let mut days = Vec::with_capacity(PROVIDERS.len());
    for p in PROVIDERS {
        if let Some((set, rows)) = s.days.get(&(d, p)) {
            providers.insert(p.as_str().into(), settlement::view(set, rows));
            days.push((set, rows.as_slice()));
        }
    }
    let total = settlement::total(days);
    Ok(http::json(
        200,
        &json!({ "object": "settlement", "date": day.text, "providers": providers, "total": total }),
    ))
}

pub async fn calendar(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let from = match query(&req, "from") {
        Some(f) => Day::parse(&f)?,
        None => Day::of_ms(crate::clock::now_ms()),
    };
    let n = match query(&req, "days") {
        None => 14,
        Some(d) => d
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_CALENDAR_DAYS).contains(n))
            .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, format!("days: 1 to {MAX_CALENDAR_DAYS}")))?,
    };
    let db = env.d1("DB")?;
    let speed = settings::load(&db, &merchant.id, merchant.mode).await?.nagad_speed;
    // Credits in the window come from settlement days up to a week before it.
    let s = settlement::series(
        &db,
        &merchant.id,
        merchant.mode,
        &from.plus(-7),
        &from.plus(i64::from(n) - 1),
        speed,
    )
    .await?;
    Ok(http::json(200, &settlement::calendar(from.date, n, &s)))
}

pub async fn beps(req: Request, env: &Env, date: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    // The file holds whole bank account numbers: a secret key's to fetch, not a viewer's.
    if merchant.read_only {
        return Err(EdgeError::Refused(ErrorCode::Forbidden));
    }
    let day = Day::parse(date)?;
    let s = day_series(env, &merchant, &day).await?;
    let d = day.date;
    let db = env.d1("DB")?;
    let payees = payees::list(&db, &merchant.id, merchant.mode).await?;
    let days: Vec<ProviderDay<'_>> = PROVIDERS
        .iter()
        .filter_map(|p| s.days.get(&(d, *p)))
        .map(|(set, rows)| ProviderDay { rows, net: set.net })
        .collect();
    let parts =
        payout::allocate(&days, &payees).map_err(|u| EdgeError::invalid(ErrorCode::InvalidState, u.message()))?;
    let keys = crate::crypto::DataKeys::from_env(env).map_err(EdgeError::internal)?;
    let mut credits = Vec::new();
    let mut held_back = Vec::new();
    for p in &payees {
        let Some(amount) = parts.get(&p.id).copied().filter(|a| *a != 0) else {
            continue;
        };
        if amount < 0 {
            // Refunds above the payee's day: nothing to credit; it is settled against later days.
            held_back.push(json!({ "payee": p.id, "amount": signed_text(amount) }));
            continue;
        }
        credits.push(beftn::Credit {
            payee_id: p.id.clone(),
            name: p.name.clone(),
            account_number: p.account_number(&keys).map_err(EdgeError::internal)?,
            routing_number: p.routing_number.clone(),
            amount,
            reference: format!("BDPAY {}", day.text),
        });
    }
    if credits.is_empty() && !wants_json(&req) {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidState,
            format!(
                "nothing is settleable on {} (reconcile the day first): no file to write",
                day.text
            ),
        ));
    }
    let (count, total) = if credits.is_empty() {
        (0, 0)
    } else {
        let t = beftn::trailer(&credits).map_err(|e| EdgeError::internal(e.to_string()))?;
        (t.count, t.total)
    };
    if wants_json(&req) {
        let listed: Vec<Value> = credits
            .iter()
            .map(|c| {
                json!({ "payee": c.payee_id, "name": c.name, "account_number": c.account_number,
                        "routing_number": c.routing_number, "amount": signed_text(c.amount) })
            })
            .collect();
        return Ok(http::json(
            200,
            &json!({ "object": "bulk_credit_file", "date": day.text, "format": "beftn", "credits": listed,
                     "trailer": { "count": count, "total": signed_text(total) },
                     "held_back": held_back }),
        ));
    }
    // The debited account is the merchant's own: its payee with the largest default share.
    let own = payees
        .iter()
        .max_by_key(|p| (p.share_bp.unwrap_or(0), std::cmp::Reverse(p.created_at)))
        .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidState, payout::Unpayable::NoPayee.message()))?;
    let originator = beftn::Originator {
        company_name: merchant.name.clone(),
        // The header's company id is 20 characters: our merchant id's body, cut to fit
        // (20 random base-36 characters still name one merchant).
        company_id: merchant.id.trim_start_matches("mer_").chars().take(20).collect(),
        account_number: own.account_number(&keys).map_err(EdgeError::internal)?,
        routing_number: own.routing_number.clone(),
    };
    // Paid on the first business day on or after the settlement day.
    let value_date = Calendar::bundled().business_day_on_or_after(d);
    let batch_id = format!("B{}", d.to_string().replace('-', ""));
    let text =
        beftn::file(&originator, value_date, &batch_id, &credits).map_err(|e| EdgeError::internal(e.to_string()))?;
    crate::log::info(
        "beftn_file",
        &json!({ "merchant": merchant.id, "day": day.text, "count": count, "total": total }),
    );
    let mut resp = http::bytes_with(200, "text/plain; charset=utf-8", text.into_bytes());
    let _ = resp.headers_mut().set(
        "content-disposition",
        &format!("attachment; filename=\"beftn-{}-{}.txt\"", merchant.id, day.text),
    );
    Ok(resp)
}
