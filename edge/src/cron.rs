//! Scheduled work. `0 21 * * *` (03:00 Asia/Dhaka): the nightly run. Today it wakes any
//! merchant whose webhook deliveries are overdue (a lost wake-up never strands an event for
//! more than a day), then deletes what is past its retention (`ledger::retention`);
//! reconciliation joins it with its own issue.

use serde::Deserialize;
use worker::Env;

use crate::clock::now_ms;
use crate::ledger::retention;
use crate::log;
use crate::webhooks;

#[derive(Deserialize)]
struct MerchantRow {
    id: String,
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
        &serde_json::json!({ "merchants": merchants.len(), "webhooks_woken": woken, "purged": purged }),
    );
}
