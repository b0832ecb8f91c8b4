//! Reconciling one merchant's Dhaka day in one mode: for each provider, the statement
//! (uploaded, else fetched from the merchant's statement URL), the ledger's day, the match
//! (`shared::recon`); attempts the statement shows paid but we never saw paid are marked paid
//! through their payment objects; the report replaces the day's last one; above 2 % the
//! merchant gets `reconciliation.alarm` (once per day) and its ops people a P1 SMS.
//! Run by `ReconObject` only, so one merchant-day is never reconciled twice at once.

use bdpay_shared::alerts::Cause;
use bdpay_shared::ids::PaymentId;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::recon::{self, StatementLine};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use worker::{D1Database, Env};

use super::day::Day;
use super::ledger_day::{self, Attempt};
use super::report::{self, ProviderRun};
use super::settings::{self, Settings};
use super::settleable;
use super::statements::{self, Key, Source};
use crate::clock::now_ms;
use crate::log;
use crate::payment::client;
use crate::payment::command::Command;
use crate::payment::view::iso;
use crate::providers::Mode;
use crate::webhooks::events::{new_event_statements, NewEvent};
use crate::webhooks::rules::base36_24;

/// Runs the day and keeps its report; returns the report.
pub async fn day(env: &Env, merchant_id: &str, mode: Mode, day: &Day) -> Result<Value, String> {
    let err = |e: worker::Error| e.to_string();
    let db = env.d1("DB").map_err(err)?;
    let config = settings::load(&db, merchant_id, mode).await.map_err(err)?;
    let mut runs = Vec::with_capacity(2);
    let mut recovered = 0usize;
    for provider in [Provider::Bkash, Provider::Nagad] {
        let key = Key {
            merchant_id,
            mode,
            provider,
            day,
        };
        let (statement, lines) = statement_for(&db, &config, &key).await?;
        let (entries, attempts) = ledger_day::load(&db, merchant_id, mode, provider, day)
            .await
            .map_err(err)?;
        let outcome = lines.as_ref().map(|l| recon::reconcile(&entries, l));
        let lines = lines.unwrap_or_default();
        if let Some(o) = &outcome {
            for item in o.items.iter().filter(|i| i.recovered) {
                let attempt = item.ledger.and_then(|i| attempts.get(i)).and_then(Option::as_ref);
                let entry = item.ledger.and_then(|i| entries.get(i));
                let line = item.line.and_then(|i| lines.get(i));
                if let (Some(a), Some(e), Some(l)) = (attempt, entry, line) {
                    recovered +=
                        usize::from(mark_paid(env, merchant_id, mode, provider, &e.payment_id, a, l, day).await);
                }
            }
        }
        let keep = outcome
            .as_ref()
            .map(|o| settleable::of_outcome(provider, &entries, &lines, o))
            .unwrap_or_default();
        settleable::replace(&db, merchant_id, mode, day, provider, &keep)
            .await
            .map_err(err)?;
        let promotions = attempts
            .iter()
            .map(|a| a.as_ref().map(|a| a.promotion).unwrap_or_default())
            .collect();
        runs.push(ProviderRun {
            provider,
            statement,
            entries,
            promotions,
            lines,
            outcome,
        });
    }
    let now = now_ms();
    let r = report::build(day, &runs, now);
    report::save(&db, merchant_id, mode, day, &r, now).await.map_err(err)?;
    log::info(
        "reconciliation_run",
        &json!({ "merchant": merchant_id, "mode": mode.as_str(), "day": day.text, "status": r.status,
                 "alarm": r.alarm, "recovered": recovered, "summary": r.summary }),
    );
    if r.alarm {
        announce_alarm(env, &db, merchant_id, mode, day, &r.summary, now).await;
    }
    Ok(r.body)
}

/// The day's statement: an upload as held; otherwise fetched afresh from the merchant's URL
/// (a failed fetch falls back to what an earlier fetch brought). Its description for the
/// report (null when there is none), and its lines.
async fn statement_for(
    db: &D1Database,
    config: &Settings,
    key: &Key<'_>,
) -> Result<(Value, Option<Vec<StatementLine>>), String> {
    let err = |e: worker::Error| e.to_string();
    let mut held = statements::held(db, key).await.map_err(err)?;
    let mut fetch_error = None;
    // Lines already parsed (a fetch just kept), so the text is not read twice.
    let mut parsed = None;
    let uploaded = held.as_ref().is_some_and(|h| h.source == Source::Uploaded.as_str());
    if let (false, Some(url)) = (uploaded, config.statement_url(key.provider)) {
        let fetched = statements::fetch(url, key.day).await.and_then(|body| {
            let lines = statements::parse(key.provider, &body)?;
            Ok((body, lines))
        });
        match fetched {
            Ok((body, lines)) => {
                let kept = statements::store(db, key, Source::Fetched, &body, lines.len(), now_ms())
                    .await
                    .map_err(err)?;
                if kept.is_some() {
                    parsed = Some(lines);
                    held = kept;
                } else {
                    // An upload arrived meanwhile: it wins.
                    held = statements::held(db, key).await.map_err(err)?;
                }
            }
            Err(cause) => {
                log::warn(
                    "statement_fetch_failed",
                    &json!({ "merchant": key.merchant_id, "provider": key.provider.as_str(), "day": key.day.text, "cause": cause }),
                );
                fetch_error = Some(cause);
            }
        }
    }
    let Some(h) = held else {
        // No statement: the report says so (and why, when a fetch failed).
        let described = fetch_error.map_or(Value::Null, |e| json!({ "source": null, "fetch_error": e }));
        return Ok((described, None));
    };
    let lines = match parsed {
        Some(lines) => lines,
        None => statements::parse(key.provider, &h.body)?,
    };
    let described = json!({
        "source": h.source, "lines": h.lines, "sha256": h.sha256, "received_at": iso(h.received_at),
        "fetch_error": fetch_error,
    });
    Ok((described, Some(lines)))
}

/// Asks the payment's object to take the statement's word that attempt `a` paid. True when
/// the object took it (or had it already).
#[allow(clippy::too_many_arguments)]
async fn mark_paid(
    env: &Env,
    merchant_id: &str,
    mode: Mode,
    provider: Provider,
    payment_id: &str,
    a: &Attempt,
    line: &StatementLine,
    day: &Day,
) -> bool {
    let fields = json!({ "merchant": merchant_id, "payment": payment_id, "attempt": a.n, "day": day.text });
    let (Ok(id), Ok(amount), Some(trx_id)) = (
        PaymentId::parse(payment_id),
        Money::from_poisha(line.amount),
        line.trx_id.clone(),
    ) else {
        log::error("statement_paid_unusable", &fields);
        return false;
    };
    let cmd = Command::StatementPaid {
        merchant_id: merchant_id.to_owned(),
        mode,
        provider,
        provider_ref: a.provider_ref.clone(),
        trx_id,
        amount,
        paid_at_ms: line.at_ms,
        day: day.text.clone(),
    };
    match client::send(env, &id, &cmd).await {
        Ok(_) => true,
        Err(e) => {
            log::error(
                "statement_paid_refused",
                &json!({ "merchant": merchant_id, "payment": payment_id, "day": day.text, "error": e.to_api_error().error.code }),
            );
            false
        }
    }
}

/// `reconciliation.alarm` for the merchant (one per day: the id is the day's) and a P1 SMS.
async fn announce_alarm(
    env: &Env,
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    day: &Day,
    summary: &Value,
    now: i64,
) {
    let mut h = Sha256::new();
    for part in ["reconciliation_alarm", merchant_id, mode.as_str(), day.text.as_str()] {
        h.update(part.as_bytes());
        h.update(b"|");
    }
    let id = format!("evt_{}", base36_24(&h.finalize()));
    let payload = json!({
        "id": id, "object": "event", "type": "reconciliation.alarm", "created": now.div_euclid(1000),
        "livemode": mode == Mode::Live,
        "data": { "object": { "object": "reconciliation", "date": day.text, "summary": summary } },
    })
    .to_string();
    let event = NewEvent {
        id: &id,
        merchant_id,
        mode: mode.as_str(),
        event_type: "reconciliation.alarm",
        payment_id: None,
        refund_id: None,
        payload: &payload,
        at_ms: now,
    };
    let recorded = match new_event_statements(db, &event) {
        Ok(statements) => db.batch(statements).await.map_err(|e| e.to_string()).map(|_| ()),
        Err(e) => Err(e),
    };
    match recorded {
        Ok(()) => {
            if let Err(e) = crate::webhooks::object::wake(env, merchant_id).await {
                log::warn(
                    "reconciliation_alarm_not_woken",
                    &json!({ "merchant": merchant_id, "cause": e }),
                );
            }
        }
        Err(e) => log::error(
            "reconciliation_alarm_not_recorded",
            &json!({ "merchant": merchant_id, "cause": e }),
        ),
    }
    crate::alerts::raise(
        env,
        merchant_id,
        Cause::ReconciliationAlarm {
            live: mode == Mode::Live,
        },
    )
    .await;
}
