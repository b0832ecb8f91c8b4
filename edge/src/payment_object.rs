//! The Durable Object that is the single writer of one payment's state. Every command for
//! a payment (create, confirm, return, IPN, alarm) goes through it. Commands that may call a
//! provider hold `lock`, so while one awaits the provider the next waits and then reads the
//! stored result: never two executes. "In flight" is stored before the call, so an answer
//! lost to a restart becomes a re-check, never a second execute.

use std::cell::RefCell;

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::status::PaymentStatus;
use futures_util::lock::Mutex;
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::config::now_ms;
use crate::log;
use crate::payment::command::{Command, Reply};
use crate::payment::record::{Completion, PaymentRecord};
use crate::payment_flow as flow;

const KEY: &str = flow::STORAGE_KEY;
/// How soon a failed ledger write is retried.
const OUTBOX_RETRY_MS: i64 = 10_000;

#[durable_object]
pub struct PaymentObject {
    state: State,
    env: Env,
    cached: RefCell<Option<PaymentRecord>>,
    lock: Mutex<()>,
}

impl DurableObject for PaymentObject {
    fn new(state: State, env: Env) -> Self {
        PaymentObject {
            state,
            env,
            cached: RefCell::new(None),
            lock: Mutex::new(()),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let reply = match req.json::<Command>().await {
            Ok(cmd) => self.handle(cmd).await,
            Err(_) => error(ErrorCode::InvalidRequest),
        };
        Response::from_json(&reply)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let _guard = self.lock.lock().await;
        if let Some(mut r) = self.load().await {
            flow::on_alarm(&mut r, &self.env, now_ms()).await;
            self.save(r).await;
        }
        Response::ok("")
    }
}

fn error(code: ErrorCode) -> Reply {
    refused(ApiError::new(code))
}

fn refused(body: ApiError) -> Reply {
    Reply::Error {
        status: body.http_status(),
        body,
    }
}

impl PaymentObject {
    async fn handle(&self, cmd: Command) -> Reply {
        match cmd {
            Command::Get => match self.load().await {
                Some(r) => Reply::Payment(Box::new(r)),
                None => error(ErrorCode::NotFound),
            },
            Command::Create { record } => {
                let _guard = self.lock.lock().await;
                if self.load().await.is_some() {
                    return error(ErrorCode::InvalidState);
                }
                let mut r = *record;
                r.outbox_row = true;
                self.save(r).await
            }
            Command::Confirm {
                client_secret_hash,
                provider,
                device,
                shopper_ip,
                customer_phone,
            } => {
                let _guard = self.lock.lock().await;
                let mut r = match self.load_for(None).await {
                    Ok(r) => r,
                    Err(reply) => return reply,
                };
                if !flow::secret_matches(&r, &client_secret_hash) {
                    return error(ErrorCode::Unauthorized);
                }
                let input = flow::ConfirmInput {
                    provider,
                    device,
                    shopper_ip,
                    customer_phone,
                };
                let result = flow::confirm(&mut r, input, &self.env, &self.state, now_ms()).await;
                self.save_then(r, result).await
            }
            Command::Return {
                provider,
                provider_ref,
                status,
            } => {
                let _guard = self.lock.lock().await;
                let mut r = match self.load_for(None).await {
                    Ok(r) => r,
                    Err(reply) => return reply,
                };
                let now = now_ms();
                flow::on_return(&mut r, provider, &provider_ref, &status, &self.env, &self.state, now).await;
                self.save(r).await
            }
            Command::Check { reason } => {
                let _guard = self.lock.lock().await;
                let mut r = match self.load_for(None).await {
                    Ok(r) => r,
                    Err(reply) => return reply,
                };
                if r.status == PaymentStatus::Pending {
                    flow::check(&mut r, &reason, &self.env, now_ms()).await;
                }
                self.save(r).await
            }
            Command::Refund {
                merchant_id,
                refund_id,
                amount,
                reason,
                key,
            } => {
                let _guard = self.lock.lock().await;
                let mut r = match self.load_for(Some(&merchant_id)).await {
                    Ok(r) => r,
                    Err(reply) => return reply,
                };
                let ask = crate::refunds::flow::Ask {
                    refund_id,
                    amount,
                    reason,
                    key,
                };
                let result = crate::refunds::flow::request(&mut r, ask, &self.env, &self.state, now_ms()).await;
                self.save_then(r, result).await
            }
            Command::ResolveRefund {
                merchant_id,
                refund_id,
                succeeded,
                note,
            } => {
                let _guard = self.lock.lock().await;
                let mut r = match self.load_for(Some(&merchant_id)).await {
                    Ok(r) => r,
                    Err(reply) => return reply,
                };
                match crate::refunds::flow::resolve(&mut r, &refund_id, succeeded, note, now_ms()) {
                    Ok(()) => self.save(r).await,
                    Err(e) => refused(e),
                }
            }
        }
    }

    /// The record, for `merchant_id` when given: another merchant's payment is not found.
    async fn load_for(&self, merchant_id: Option<&str>) -> Result<PaymentRecord, Reply> {
        match self.load().await {
            Some(r) if merchant_id.is_none_or(|m| m == r.merchant_id) => Ok(r),
            _ => Err(error(ErrorCode::NotFound)),
        }
    }

    /// Saves the record whatever `result` says (a provider may have been called), then answers
    /// the record, or the error that stopped the command.
    async fn save_then(&self, r: PaymentRecord, result: Result<(), ApiError>) -> Reply {
        let saved = self.save(r).await;
        match result {
            Ok(()) => saved,
            Err(e) => refused(e),
        }
    }

    /// The stored record (cached for this instance's life).
    async fn load(&self) -> Option<PaymentRecord> {
        if let Some(r) = self.cached.borrow().as_ref() {
            return Some(r.clone());
        }
        let stored: Option<PaymentRecord> = self.state.storage().get(KEY).await.ok().flatten();
        let mut r = stored?;
        // An execute/verify that was in flight when a previous instance ended: its answer is
        // lost. Never redo it; re-check soon.
        if let Completion::InFlight { .. } = r.completion {
            r.completion = Completion::Unknown {
                attempts: 0,
                next_ms: now_ms(),
            };
        }
        *self.cached.borrow_mut() = Some(r.clone());
        Some(r)
    }

    /// Stores the record, then lets the ledger follow (outbox), then sets the alarm.
    async fn save(&self, mut r: PaymentRecord) -> Reply {
        crate::order_claim::follow(&mut r, &self.env, &self.state, now_ms()).await;
        if let Err(e) = self.state.storage().put(KEY, &r).await {
            log::error(
                "payment_store_failed",
                &serde_json::json!({ "payment": r.id, "cause": e.to_string() }),
            );
            return error(ErrorCode::InternalError);
        }
        *self.cached.borrow_mut() = Some(r.clone());
        if r.has_outbox() {
            match flow::flush_outbox(&r, &self.env).await {
                Ok(()) => {
                    r.clear_outbox();
                    let _ = self.state.storage().put(KEY, &r).await;
                    *self.cached.borrow_mut() = Some(r.clone());
                }
                Err(cause) => log::warn(
                    "ledger_write_deferred",
                    &serde_json::json!({ "payment": r.id, "cause": cause }),
                ),
            }
        }
        let now = now_ms();
        match r.next_alarm_ms(now, OUTBOX_RETRY_MS) {
            Some(at) => {
                let delay = u64::try_from((at - now).max(100)).unwrap_or(100);
                let _ = self
                    .state
                    .storage()
                    .set_alarm(std::time::Duration::from_millis(delay))
                    .await;
            }
            None => {
                let _ = self.state.storage().delete_alarm().await;
            }
        }
        Reply::Payment(Box::new(r))
    }
}
