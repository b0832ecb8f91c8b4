//! The Durable Object of one refund batch: stores the checked lines, then runs the queued
//! ones [`RUN`] at a time on its alarm, [`PARALLEL`] payments at once. Progress is stored
//! after every run; a line cut off by a restart runs again with the same key (`rb_…:line`),
//! which its payment's object answers with the refund it already made.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::RefundId;
use bdpay_shared::status::RefundStatus;
use futures_util::future::join_all;
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use super::{Line, LineError, LineState, Target};
use crate::error::EdgeError;
use crate::log;
use crate::payment::command::Command;

/// Lines run per alarm.
const RUN: usize = 40;
/// Payments refunded at once within a run (each its own object).
const PARALLEL: usize = 10;
/// Lines per storage value.
const CHUNK: usize = 500;
/// A line whose payment object cannot be reached is tried this often, then failed.
const MAX_TRIES: u8 = 5;

#[derive(Clone, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    pub merchant_id: String,
    pub created_ms: i64,
    pub total: usize,
}

/// What the worker asks a batch object.
#[derive(Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum BatchCommand {
    Create { meta: Meta, lines: Vec<Line> },
    Get { merchant_id: String },
}

/// The batch as stored: what the routes show.
#[derive(Serialize, Deserialize)]
pub struct BatchState {
    pub meta: Meta,
    pub lines: Vec<Line>,
}

#[durable_object]
pub struct BatchObject {
    state: State,
    env: Env,
}

impl DurableObject for BatchObject {
    fn new(state: State, env: Env) -> Self {
        BatchObject { state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        match req.json::<BatchCommand>().await {
            Ok(BatchCommand::Create { meta, lines }) => {
                if let Some(existing) = self.load().await {
                    return Response::from_json(&existing);
                }
                let batch = BatchState {
                    meta: Meta {
                        total: lines.len(),
                        ..meta
                    },
                    lines,
                };
                self.store_all(&batch).await?;
                self.state
                    .storage()
                    .set_alarm(std::time::Duration::from_millis(10))
                    .await?;
                Response::from_json(&batch)
            }
            Ok(BatchCommand::Get { merchant_id }) => match self.load().await {
                Some(b) if b.meta.merchant_id == merchant_id => {
                    // Queued lines and no alarm (one lost with a restart): resume.
                    let queued = b.lines.iter().any(|l| l.state == LineState::Queued);
                    if queued && self.state.storage().get_alarm().await.ok().flatten().is_none() {
                        self.state
                            .storage()
                            .set_alarm(std::time::Duration::from_millis(10))
                            .await?;
                    }
                    Response::from_json(&b)
                }
                _ => Response::error("not found", 404),
            },
            Err(_) => Response::error("bad command", 400),
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let Some(mut batch) = self.load().await else {
            return Response::ok("");
        };
        let todo: Vec<usize> = batch
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.state == LineState::Queued)
            .map(|(i, _)| i)
            .take(RUN)
            .collect();
        let mut touched = Vec::new();
        for group in todo.chunks(PARALLEL) {
            let runs = group.iter().map(|&i| run_line(&self.env, &batch.meta, &batch.lines[i]));
            for (&i, outcome) in group.iter().zip(join_all(runs).await) {
                apply(&mut batch.lines[i], outcome);
                touched.push(i / CHUNK);
            }
        }
        touched.dedup();
        for c in touched {
            self.store_chunk(&batch, c).await?;
        }
        let queued = batch.lines.iter().filter(|l| l.state == LineState::Queued).count();
        if queued > 0 {
            self.state
                .storage()
                .set_alarm(std::time::Duration::from_millis(10))
                .await?;
        } else {
            log::info(
                "refund_batch_done",
                &serde_json::json!({ "batch": batch.meta.id, "lines": batch.lines.len() }),
            );
        }
        Response::ok("")
    }
}

/// What running one line gave.
enum Ran {
    Refund {
        id: String,
        status: RefundStatus,
    },
    Refused(LineError),
    /// The payment object could not be reached: try again later.
    Retry,
}

fn apply(line: &mut Line, ran: Ran) {
    match ran {
        Ran::Refund { id, status } => {
            line.refund_id = Some(id);
            line.state = match status {
                RefundStatus::Succeeded => LineState::Succeeded,
                RefundStatus::Failed => LineState::Failed,
                RefundStatus::Pending => LineState::Pending,
                RefundStatus::RequiresManual => LineState::RequiresManual,
            };
        }
        Ran::Refused(e) => {
            line.state = LineState::Failed;
            line.error = Some(e);
        }
        Ran::Retry => {
            line.tries = line.tries.saturating_add(1);
            if line.tries >= MAX_TRIES {
                line.state = LineState::Failed;
                line.error = Some(LineError::new(
                    "internal_error",
                    "the payment could not be reached: check its refunds before sending this line again",
                ));
            }
        }
    }
}

async fn run_line(env: &Env, meta: &Meta, line: &Line) -> Ran {
    let payment = match &line.target {
        Some(Target::Payment(p)) => p.clone(),
        Some(Target::Order(o)) => match env.d1("DB") {
            Ok(db) => match crate::ledger::refunds::paid_payment_of_order(&db, &meta.merchant_id, o).await {
                Ok(Some(p)) => p,
                Ok(None) => return Ran::Refused(LineError::new("not_found", "no paid payment for this order_id")),
                Err(_) => return Ran::Retry,
            },
            Err(_) => return Ran::Retry,
        },
        None => return Ran::Refused(LineError::new("invalid_request", "no payment")),
    };
    let key = format!("{}:{}", meta.id, line.line);
    let Ok(bytes) = crate::crypto::random() else {
        return Ran::Retry;
    };
    let cmd = Command::Refund {
        merchant_id: meta.merchant_id.clone(),
        refund_id: RefundId::from_random(bytes).as_str().to_owned(),
        amount: line.amount,
        reason: line.reason.clone(),
        key: Some(key.clone()),
    };
    match crate::objects::send(env, &payment, &cmd).await {
        Ok(record) => match record.refunds.iter().find(|f| f.key.as_deref() == Some(key.as_str())) {
            Some(f) => Ran::Refund {
                id: f.id.clone(),
                status: f.status,
            },
            None => Ran::Retry,
        },
        Err(EdgeError::Api(e)) => Ran::Refused(LineError::new(e.error.code.as_str(), &e.error.message)),
        Err(EdgeError::Refused(ErrorCode::NotFound)) => Ran::Refused(LineError::new("not_found", "no such payment")),
        Err(_) => Ran::Retry,
    }
}

impl BatchObject {
    async fn load(&self) -> Option<BatchState> {
        let storage = self.state.storage();
        let meta: Meta = storage.get("meta").await.ok().flatten()?;
        let mut lines = Vec::with_capacity(meta.total);
        for c in 0..meta.total.div_ceil(CHUNK) {
            let chunk: Vec<Line> = storage.get(&format!("lines:{c}")).await.ok().flatten()?;
            lines.extend(chunk);
        }
        Some(BatchState { meta, lines })
    }

    async fn store_chunk(&self, b: &BatchState, c: usize) -> worker::Result<()> {
        let end = ((c + 1) * CHUNK).min(b.lines.len());
        let chunk = b.lines.get(c * CHUNK..end).unwrap_or_default();
        self.state.storage().put(&format!("lines:{c}"), chunk).await
    }

    async fn store_all(&self, b: &BatchState) -> worker::Result<()> {
        for c in 0..b.lines.len().div_ceil(CHUNK) {
            self.store_chunk(b, c).await?;
        }
        // The header last: a batch without it does not exist yet.
        self.state.storage().put("meta", &b.meta).await
    }
}

/// Sends `cmd` to the batch's object; `None` when there is no such batch (for this merchant).
pub async fn send(env: &Env, batch_id: &str, cmd: &BatchCommand) -> Result<Option<BatchState>, EdgeError> {
    let stub = env.durable_object(super::BINDING)?.id_from_name(batch_id)?.get_stub()?;
    let body = serde_json::to_string(cmd).map_err(|e| EdgeError::internal(e.to_string()))?;
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_body(Some(wasm_bindgen::JsValue::from_str(&body)));
    let req = Request::new_with_init("https://batch.internal/command", &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    match resp.status_code() {
        200 => resp
            .json::<BatchState>()
            .await
            .map(Some)
            .map_err(|e| EdgeError::internal(format!("batch object reply: {e}"))),
        404 => Ok(None),
        s => Err(EdgeError::internal(format!("batch object answered {s}"))),
    }
}
