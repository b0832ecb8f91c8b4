//! Scheduled work. `0 21 * * *` (03:00 Asia/Dhaka): the nightly run. It schedules
//! yesterday's reconciliation for every merchant and mode with a key (each merchant-day in its
//! own `ReconObject`, run on that object's alarm, so one failure never stops the others),
//! wakes any merchant whose webhook deliveries are overdue (a lost wake-up never strands an
//! event for more than a day), then deletes what is past its retention (`ledger::retention`).

use serde::Deserialize;
use worker::Env;

use crate::clock::now_ms;
use crate::finance::{self, day::Day, object::Ask};
use crate::ledger::retention;
use crate::log;
use crate::providers::Mode;
use crate::webhooks;

#[derive(Deserialize)]
struct MerchantRow {
    id: String,
}

#[derive(Deserialize)]
struct KeyedMode {
    merchant_id: String,
    mode: String,
}

/// Schedules yesterday's (Dhaka) reconciliation for every merchant and mode with a live key.
async fn schedule_reconciliation(env: &Env, db: &worker::D1Database, now: i64) -> usize {
    let rows = match db
        .prepare("SELECT DISTINCT merchant_id, mode FROM api_keys WHERE revoked_at IS NULL ORDER BY merchant_id, mode")
        .all()
        .await
        .and_then(|r| r.results::<KeyedMode>())
    {
        Ok(rows) => rows,
        Err(e) => {
            log::error(
                "cron_reconciliation_merchants",
                &serde_json::json!({ "cause": e.to_string() }),
            );
            return 0;
        }
    };
    let yesterday = Day::of_ms(now).plus(-1);
    let mut scheduled = 0;
    for r in rows {
        let mode = if r.mode == "live" { Mode::Live } else { Mode::Test };
        let ask = Ask {
            merchant_id: r.merchant_id,
            mode,
            day: yesterday.text.clone(),
            now: false,
        };
        match finance::object::send(env, &ask).await {
            Ok(_) => scheduled += 1,
            Err(cause) => log::error(
                "cron_reconciliation_not_scheduled",
                &serde_json::json!({ "merchant": ask.merchant_id, "mode": mode.as_str(), "cause": cause }),
            ),
        }
    }
    scheduled
}

pub async fn run(cron: String, scheduled_ms: f64, env: &Env) {
    log::info(
        "cron",
        &serde_json::json!({ "cron": cron, "scheduled_ms": scheduled_ms as i64 }),
    );
    let db = match env.d1("DB") {
        Ok(db) => db,
        Err(e) => return log::error("cron_db", &serde_json::json!({ "cause": e.to_string() })),
    };
    let merchants = match db
        .prepare("SELECT id FROM merchants")
        .all()
        .await
        .and_then(|r| r.results::<MerchantRow>())
    {
        Ok(rows) => rows,
        Err(e) => {
            log::error("cron_merchants", &serde_json::json!({ "cause": e.to_string() }));
            Vec::new()
        }
    };
    let now = now_ms();
    let reconciling = schedule_reconciliation(env, &db, now).await;
    let mut woken = 0;
    for m in &merchants {
        match webhooks::nudge_if_overdue(env, &m.id, now).await {
            Ok(true) => woken += 1,
            Ok(false) => {}
            Err(cause) => log::warn(
                "cron_webhook_nudge",
                &serde_json::json!({ "merchant": m.id, "cause": cause }),
            ),
        }
    }
    let purged = match retention::run(&db, now_ms()).await {
        Ok(counts) => counts
            .into_iter()
            .map(|(table, n)| (table.to_owned(), serde_json::Value::from(n)))
            .collect::<serde_json::Map<_, _>>(),
        Err(e) => {
            log::error("cron_retention", &serde_json::json!({ "cause": e.to_string() }));
            serde_json::Map::new()
        }
    };
    log::info(
        "cron_done",
        &serde_json::json!({ "merchants": merchants.len(), "reconciliations_scheduled": reconciling,
                             "webhooks_woken": woken, "purged": purged }),
    );
}
