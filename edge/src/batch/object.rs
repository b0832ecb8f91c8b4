//! The Durable Object of one refund batch: stores the checked lines, then runs the queued
//! ones on its alarm, [`PARALLEL`] payments at once (a sliding window: one slow provider call
//! holds one slot, not a whole group), [`RUN`] per alarm. The lines stay in memory between
//! events (this object is their only writer) and each run stores only the chunks it changed;
//! a line cut off by a restart runs again with the same key (`rb_…:line`), which its
//! payment's object answers with the refund it already made. A read refreshes lines whose
//! refund was still unsettled (pending, requires_manual) from the ledger.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::RefundId;
use bdpay_shared::status::RefundStatus;
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use super::{Counts, Line, LineError, LineFilter, LineState, Target};
use crate::error::EdgeError;
use crate::log;
use crate::payment::command::Command;
use crate::providers::Mode;

/// Lines run per alarm (progress is stored after each run).
const RUN: usize = 200;
/// Payments refunded at once (each its own object and provider call).
const PARALLEL: usize = 16;
/// Lines per storage value.
const CHUNK: usize = 500;
/// A line whose payment object cannot be reached is tried this often, then failed.
const MAX_TRIES: u8 = 5;

#[derive(Clone, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    pub merchant_id: String,
    /// The mode of the key that made it: only a key of the same mode sees or runs it.
    pub mode: Mode,
    pub created_ms: i64,
    pub total: usize,
}

/// What the worker asks a batch object.
#[derive(Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum BatchCommand {
    Create {
        meta: Meta,
        lines: Vec<Line>,
    },
    Get {
        merchant_id: String,
        mode: Mode,
        #[serde(default)]
        lines: LineFilter,
    },
}

/// The batch as stored.
struct BatchState {
    meta: Meta,
    lines: Vec<Line>,
}

/// What the object answers: the header, the counts over every line, and the lines asked for.
#[derive(Serialize, Deserialize)]
pub struct BatchReply {
    pub meta: Meta,
    pub counts: Counts,
    pub lines: Vec<Line>,
}

impl BatchState {
    fn reply(&self, filter: LineFilter) -> BatchReply {
        BatchReply {
            meta: self.meta.clone(),
            counts: Counts::of(&self.lines),
            lines: self.lines.iter().filter(|l| filter.keeps(l)).cloned().collect(),
        }
    }
}

#[durable_object]
pub struct BatchObject {
    state: State,
    env: Env,
    /// The stored batch, loaded once; every change is stored before the event ends.
    batch: RefCell<Option<BatchState>>,
}

impl DurableObject for BatchObject {
    fn new(state: State, env: Env) -> Self {
        BatchObject {
            state,
            env,
            batch: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        match req.json::<BatchCommand>().await {
            Ok(BatchCommand::Create { meta, lines }) => {
                if self.loaded().await {
                    return self.reply(LineFilter::All);
                }
                let batch = BatchState {
                    meta: Meta {
                        total: lines.len(),
                        ..meta
                    },
                    lines,
                };
                store_all(&self.state, &batch).await?;
                self.batch.replace(Some(batch));
                self.wake().await?;
                self.reply(LineFilter::All)
            }
            Ok(BatchCommand::Get {
                merchant_id,
                mode,
                lines,
            }) => {
                let owner = |b: &BatchState| b.meta.merchant_id == merchant_id && b.meta.mode == mode;
                if !self.loaded().await || !self.with(owner).unwrap_or(false) {
                    return Response::error("not found", 404);
                }
                // Queued lines and no alarm (one lost with a restart): resume.
                let queued = self.with(|b| b.lines.iter().any(|l| l.state == LineState::Queued)) == Some(true);
                if queued && self.state.storage().get_alarm().await.ok().flatten().is_none() {
                    self.wake().await?;
                }
                self.refresh_unsettled().await?;
                self.reply(lines)
            }
            Err(_) => Response::error("bad command", 400),
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        if !self.loaded().await {
            return Response::ok("");
        }
        let Some((meta, todo)) = self.with(|b| {
            let todo: Vec<(usize, Line)> = b
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.state == LineState::Queued)
                .take(RUN)
                .map(|(i, l)| (i, l.clone()))
                .collect();
            (b.meta.clone(), todo)
        }) else {
            return Response::ok("");
        };
        let outcomes: Vec<(usize, Ran)> = stream::iter(todo)
            .map(|(i, line)| {
                let (env, meta) = (&self.env, &meta);
                async move { (i, run_line(env, meta, &line).await) }
            })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        let touched: BTreeSet<usize> = outcomes.iter().map(|(i, _)| i / CHUNK).collect();
        self.with_mut(|b| {
            for (i, ran) in outcomes {
                apply(&mut b.lines[i], ran);
            }
        });
        self.store_chunks(&touched).await?;
        let queued = self
            .with(|b| b.lines.iter().filter(|l| l.state == LineState::Queued).count())
            .unwrap_or(0);
        if queued > 0 {
            self.wake().await?;
        } else {
            log::info(
                "refund_batch_done",
                &serde_json::json!({ "batch": meta.id, "lines": meta.total }),
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

fn line_state(status: RefundStatus) -> LineState {
    match status {
        RefundStatus::Succeeded => LineState::Succeeded,
        RefundStatus::Failed => LineState::Failed,
        RefundStatus::Pending => LineState::Pending,
        RefundStatus::RequiresManual => LineState::RequiresManual,
    }
}

fn apply(line: &mut Line, ran: Ran) {
    match ran {
        Ran::Refund { id, status } => {
            line.refund_id = Some(id);
            line.state = line_state(status);
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
        mode: meta.mode,
        refund_id: RefundId::from_random(bytes).as_str().to_owned(),
        amount: line.amount,
        reason: line.reason.clone(),
        key: Some(key.clone()),
    };
    let Ok(payment) = bdpay_shared::ids::PaymentId::parse(&payment) else {
        return Ran::Refused(LineError::new("not_found", "no such payment"));
    };
    match crate::payment::client::send(env, &payment, &cmd).await {
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
    fn with<T>(&self, f: impl FnOnce(&BatchState) -> T) -> Option<T> {
        self.batch.borrow().as_ref().map(f)
    }

    fn with_mut(&self, f: impl FnOnce(&mut BatchState)) {
        if let Some(b) = self.batch.borrow_mut().as_mut() {
            f(b);
        }
    }

    fn reply(&self, filter: LineFilter) -> worker::Result<Response> {
        match self.with(|b| b.reply(filter)) {
            Some(r) => Response::from_json(&r),
            None => Response::error("not found", 404),
        }
    }

    async fn wake(&self) -> worker::Result<()> {
        self.state
            .storage()
            .set_alarm(std::time::Duration::from_millis(10))
            .await
    }

    /// Whether a batch exists, loading it from storage the first time.
    async fn loaded(&self) -> bool {
        if self.batch.borrow().is_some() {
            return true;
        }
        let Some(b) = load(&self.state).await else {
            return false;
        };
        // Another event may have loaded it meanwhile: keep the one in memory.
        let mut slot = self.batch.borrow_mut();
        if slot.is_none() {
            *slot = Some(b);
        }
        true
    }

    async fn store_chunks(&self, chunks: &BTreeSet<usize>) -> worker::Result<()> {
        for &c in chunks {
            let Some(chunk) = self.with(|b| {
                let end = ((c + 1) * CHUNK).min(b.lines.len());
                b.lines.get(c * CHUNK..end).unwrap_or_default().to_vec()
            }) else {
                return Ok(());
            };
            self.state.storage().put(&format!("lines:{c}"), chunk).await?;
        }
        Ok(())
    }

    /// Lines whose refund was pending or waiting for a person take the refund's status now.
    async fn refresh_unsettled(&self) -> worker::Result<()> {
        let Some((merchant_id, ids)) = self.with(|b| {
            let ids: Vec<String> = b
                .lines
                .iter()
                .filter(|l| matches!(l.state, LineState::Pending | LineState::RequiresManual))
                .filter_map(|l| l.refund_id.clone())
                .collect();
            (b.meta.merchant_id.clone(), ids)
        }) else {
            return Ok(());
        };
        if ids.is_empty() {
            return Ok(());
        }
        let db = self.env.d1("DB")?;
        let now: HashMap<String, RefundStatus> = crate::ledger::refunds::statuses(&db, &merchant_id, &ids)
            .await?
            .into_iter()
            .collect();
        let mut touched = BTreeSet::new();
        self.with_mut(|b| {
            for (i, line) in b.lines.iter_mut().enumerate() {
                let Some(id) = line.refund_id.as_deref() else { continue };
                let Some(status) = now.get(id) else { continue };
                let state = line_state(*status);
                if state != line.state && matches!(line.state, LineState::Pending | LineState::RequiresManual) {
                    line.state = state;
                    touched.insert(i / CHUNK);
                }
            }
        });
        self.store_chunks(&touched).await
    }
}

async fn load(state: &State) -> Option<BatchState> {
    let storage = state.storage();
    let meta: Meta = storage.get("meta").await.ok().flatten()?;
    let mut lines = Vec::with_capacity(meta.total);
    for c in 0..meta.total.div_ceil(CHUNK) {
        let chunk: Vec<Line> = storage.get(&format!("lines:{c}")).await.ok().flatten()?;
        lines.extend(chunk);
    }
    Some(BatchState { meta, lines })
}

async fn store_all(state: &State, b: &BatchState) -> worker::Result<()> {
    for (c, chunk) in b.lines.chunks(CHUNK).enumerate() {
        state.storage().put(&format!("lines:{c}"), chunk).await?;
    }
    // The header last: a batch without it does not exist yet.
    state.storage().put("meta", &b.meta).await
}

/// Sends `cmd` to the batch's object; `None` when there is no such batch (for this merchant).
pub async fn send(env: &Env, batch_id: &str, cmd: &BatchCommand) -> Result<Option<BatchReply>, EdgeError> {
    let stub = env.durable_object(super::BINDING)?.id_from_name(batch_id)?.get_stub()?;
    let body = serde_json::to_string(cmd).map_err(|e| EdgeError::internal(e.to_string()))?;
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_body(Some(wasm_bindgen::JsValue::from_str(&body)));
    let req = Request::new_with_init("https://batch.internal/command", &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    match resp.status_code() {
        200 => resp
            .json::<BatchReply>()
            .await
            .map(Some)
            .map_err(|e| EdgeError::internal(format!("batch object reply: {e}"))),
        404 => Ok(None),
        s => Err(EdgeError::internal(format!("batch object answered {s}"))),
    }
}
