//! The Durable Object that runs key rotation: one instance (named `rotation`), so two runs
//! never overlap. `start` stores a [`Job`] and sets the alarm; each alarm re-seals one batch
//! of one table under the current key and sets the next, until every table is through. A
//! restart loses nothing: the job (cursors, counts) is stored after every batch, and a
//! failed batch is tried again 30 s later.
//!
//! Payments are re-sealed by their own object (`Command::Rekey`): it is the one writer of
//! the record that holds the phone, and its outbox rewrites the D1 row with the new value.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wasm_bindgen::JsValue;
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, State};

use super::rotation::{self, Batch, Job, Table, TABLES};
use super::store;
use crate::clock::now_ms;
use crate::config::EdgeConfig;
use crate::crypto::DataKeys;
use crate::error::{EdgeError, EdgeResult};
use crate::log;
use crate::payment::command::Command;

const JOB: &str = "job";
/// Between batches, and after a failed one.
const NEXT_MS: u64 = 50;
const RETRY_MS: u64 = 30_000;
/// Payment objects asked at once.
const PARALLEL: usize = 5;

/// What the worker asks.
#[derive(Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum RotationCommand {
    Start,
    Status,
}

/// `GET /admin/keys/rotate`: the keys, the last run, and what is left now.
#[derive(Serialize, Deserialize)]
pub struct Report {
    pub current_key: String,
    pub old_keys: Vec<String>,
    /// `idle` (never run), `running`, `finished`.
    pub state: String,
    /// Whether this call began a new run (POST only).
    pub started: bool,
    pub job: Option<Job>,
    /// Per table: ciphertexts in D1 not under the current key (legacy, old keys, or damaged).
    pub remaining: BTreeMap<String, i64>,
    pub remaining_total: i64,
}

/// Sends `cmd` to the one rotation object.
pub async fn ask(env: &Env, cmd: &RotationCommand) -> EdgeResult<Report> {
    let stub = env
        .durable_object("KEY_ROTATION")?
        .id_from_name("rotation")?
        .get_stub()?;
    let body = serde_json::to_string(cmd).map_err(|e| EdgeError::internal(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(JsValue::from_str(&body)));
    let req = Request::new_with_init("https://keys.internal/rotation", &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    if resp.status_code() != 200 {
        return Err(EdgeError::internal(format!(
            "rotation object answered {}",
            resp.status_code()
        )));
    }
    resp.json::<Report>()
        .await
        .map_err(|e| EdgeError::internal(format!("rotation object reply: {e}")))
}

#[durable_object]
pub struct KeyRotationObject {
    state: State,
    env: Env,
}

impl DurableObject for KeyRotationObject {
    fn new(state: State, env: Env) -> Self {
        KeyRotationObject { state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let Ok(cmd) = req.json::<RotationCommand>().await else {
            return Response::error("bad command", 400);
        };
        let keys = keys(&self.env)?;
        let existing: Option<Job> = self.state.storage().get(JOB).await.ok().flatten();
        let (job, started) = match cmd {
            RotationCommand::Status => (existing, false),
            RotationCommand::Start => {
                let (job, started) = rotation::start(existing, keys.current_id().as_str(), now_ms());
                self.state.storage().put(JOB, &job).await?;
                self.state.storage().set_alarm(Duration::from_millis(NEXT_MS)).await?;
                if started {
                    log::info("key_rotation_started", &json!({ "target": job.target }));
                }
                (Some(job), started)
            }
        };
        Response::from_json(&report(&self.env, &keys, job, started).await?)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let keys = keys(&self.env)?;
        let Some(mut job) = self.state.storage().get::<Job>(JOB).await.ok().flatten() else {
            return Response::ok("");
        };
        if job.finished_ms.is_some() {
            return Response::ok("");
        }
        if job.target != keys.current_id().as_str() {
            // The current key changed under a run: go on toward the new one, from the top.
            job = rotation::start(None, keys.current_id().as_str(), now_ms()).0;
        }
        let Some((table, cursor)) = job.next() else {
            return Response::ok("");
        };
        match run_batch(&self.env, &keys, table, cursor).await {
            Ok(batch) => {
                job.record(table, batch, now_ms());
                self.state.storage().put(JOB, &job).await?;
                if job.finished_ms.is_some() {
                    log::info(
                        "key_rotation_finished",
                        &json!({ "target": job.target, "tables": job.tables }),
                    );
                } else {
                    self.state.storage().set_alarm(Duration::from_millis(NEXT_MS)).await?;
                }
            }
            Err(cause) => {
                log::warn(
                    "key_rotation_batch_failed",
                    &json!({ "table": table.name(), "cause": cause }),
                );
                self.state.storage().set_alarm(Duration::from_millis(RETRY_MS)).await?;
            }
        }
        Response::ok("")
    }
}

fn keys(env: &Env) -> worker::Result<DataKeys> {
    EdgeConfig::from_env(env)
        .map(|c| c.data_keys)
        .map_err(|_| worker::Error::RustError("edge configuration is incomplete".into()))
}

async fn report(env: &Env, keys: &DataKeys, job: Option<Job>, started: bool) -> worker::Result<Report> {
    let db = env.d1("DB")?;
    let prefix = bdpay_shared::crypto::envelope::prefix(keys.current_id());
    let mut remaining = BTreeMap::new();
    for t in TABLES {
        remaining.insert(t.name().to_owned(), store::left(&db, t, &prefix).await?);
    }
    let state = match &job {
        None => "idle",
        Some(j) if j.finished_ms.is_some() => "finished",
        Some(_) => "running",
    };
    Ok(Report {
        current_key: keys.current_id().to_string(),
        old_keys: keys.old_ids().map(ToString::to_string).collect(),
        state: state.to_owned(),
        started,
        job,
        remaining_total: remaining.values().sum(),
        remaining,
    })
}

/// One batch of `table` after `cursor`: re-sealed in place (D1) or by the payment's object.
async fn run_batch(env: &Env, keys: &DataKeys, table: Table, cursor: i64) -> Result<Batch, String> {
    let err = |e: worker::Error| e.to_string();
    let db = env.d1("DB").map_err(err)?;
    let prefix = bdpay_shared::crypto::envelope::prefix(keys.current_id());
    let rows = store::stale(&db, table, cursor, &prefix).await.map_err(err)?;
    let mut batch = Batch {
        seen: rows.len(),
        last_rowid: rows.iter().map(|r| r.rid).max(),
        done: 0,
        failed: 0,
    };
    if table == Table::Payments {
        let results: Vec<(i64, Result<(), String>)> = stream::iter(&rows)
            .map(|row| async move { (row.rid, rekey_payment(env, &row.id).await) })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        for (rid, result) in results {
            match result {
                Ok(()) => batch.done += 1,
                Err(cause) => {
                    batch.failed += 1;
                    log::warn(
                        "key_rotation_row_failed",
                        &json!({ "table": table.name(), "rowid": rid, "cause": cause }),
                    );
                }
            }
        }
        return Ok(batch);
    }
    let mut writes = Vec::new();
    for row in &rows {
        match keys.rewrap(&row.binding(table), &row.enc) {
            Ok(Some(fresh)) => writes.extend(store::replace(&db, table, row, &fresh).map_err(err)?),
            Ok(None) => batch.done += 1,
            Err(cause) => {
                batch.failed += 1;
                log::warn(
                    "key_rotation_row_failed",
                    &json!({ "table": table.name(), "rowid": row.rid, "cause": cause }),
                );
            }
        }
    }
    if !writes.is_empty() {
        batch.done += writes.len() as u64;
        db.batch(writes).await.map_err(err)?;
    }
    Ok(batch)
}

/// Asks the payment's object to re-seal its phone (it writes the D1 row through its outbox).
async fn rekey_payment(env: &Env, id: &str) -> Result<(), String> {
    let id = bdpay_shared::ids::PaymentId::parse(id).map_err(|_| "not a payment id".to_owned())?;
    crate::payment::client::send(env, &id, &Command::Rekey)
        .await
        .map(|_| ())
        .map_err(|e| match e {
            EdgeError::Api(body) => body.error.code.as_str().to_owned(),
            EdgeError::Internal { cause } => cause,
            _ => "payment object refused".to_owned(),
        })
}
