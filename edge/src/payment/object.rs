//! The Durable Object that is the single writer of one payment's state. Every command for a
//! payment (create, confirm, return, check, refund, manual transfer, alarm) goes through it,
//! under `lock`, so while one awaits a provider the next waits and then reads the stored
//! result: never two executes. It decides with `payment::decide` / `claim` / `refunding` /
//! `manual` (pure), acts through `payment::flow` / `manual_flow`, and alone touches its
//! storage and alarm (`payment::storage`).

use std::cell::RefCell;

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::status::AttemptStatus;
use futures_util::lock::Mutex;
use serde_json::json;
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use super::command::{Command, Reply};
use super::confirm_flow::{self, ConfirmInput};
use super::decide;
use super::flow::{self, Ctx};
use super::manual;
use super::manual_flow;
use super::record::PaymentRecord;
use super::refund_flow;
use super::refunding::{self, Ask};
use super::risk_gate::{self, RiskIn};
use super::settle;
use super::statement_paid;
use super::storage;
use crate::clock::now_ms;
use crate::config::EdgeConfig;

/// The first wait before a failed ledger write is tried again; it doubles up to 10 min.
const OUTBOX_RETRY_MS: i64 = 10_000;
/// Ledger writes failing this long raise an alert (an error line ops watch for).
const OUTBOX_ALERT_MS: i64 = 3_600_000;

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
        let reply = match crate::object_json::command::<Command>(&mut req).await {
            Ok(cmd) => self.handle(cmd).await,
            Err(_) => error(ErrorCode::InvalidRequest),
        };
        Response::from_json(&reply)
    }

    /// Re-checks, expiries and refund checks that are due. A record that could not be
    /// stored is an error, so the platform runs the alarm again.
    async fn alarm(&self) -> worker::Result<Response> {
        let _guard = self.lock.lock().await;
        let Some(mut r) = self.load().await else {
            return Response::ok("");
        };
        let now = now_ms();
        let ctx = self.ctx();
        let steps = decide::on_alarm(&r, now);
        flow::run(&ctx, &mut r, steps, now).await;
        manual_flow::searches(&ctx, &mut r, now).await;
        settle::give_up(&mut r, now);
        decide::expire_unstarted(&mut r, now);
        let give_up_ms = EdgeConfig::from_env(&self.env).map_or(6 * 3600 * 1000, |c| c.refund_give_up_ms);
        refund_flow::refund_checks(&ctx, &mut r, give_up_ms, now).await;
        refund_flow::follow_up(&ctx, &mut r, now).await;
        match self.save(r).await {
            Reply::Payment(_) => Response::ok(""),
            Reply::Error { .. } => Err(worker::Error::RustError("payment record not stored".into())),
        }
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

/// Constant-time comparison of the stored and offered client-secret hashes.
pub fn secret_matches(r: &PaymentRecord, offered_hash: &str) -> bool {
    let (a, b) = (r.client_secret_hash.as_bytes(), offered_hash.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl PaymentObject {
    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            env: &self.env,
            state: &self.state,
        }
    }

    async fn handle(&self, cmd: Command) -> Reply {
        if let Command::Get = cmd {
            return match self.load().await {
                Some(r) => Reply::Payment(Box::new(r)),
                None => error(ErrorCode::NotFound),
            };
        }
        let _guard = self.lock.lock().await;
        if let Command::Rekey = cmd {
            return self.rekey().await;
        }
        if let Command::Create { record } = cmd {
            if self.load().await.is_some() {
                return error(ErrorCode::InvalidState);
            }
            let mut r = *record;
            r.outbox_row = true;
            return self.save(r).await;
        }
        let merchant = match &cmd {
            Command::Refund { merchant_id, mode, .. }
            | Command::ResolveRefund { merchant_id, mode, .. }
            | Command::DecideTransfer { merchant_id, mode, .. }
            | Command::StatementPaid { merchant_id, mode, .. } => Some((merchant_id.clone(), *mode)),
            _ => None,
        };
        let mut r = match self.load().await {
            Some(r)
                if merchant
                    .as_ref()
                    .is_none_or(|(m, mode)| *m == r.merchant_id && *mode == r.mode) =>
            {
                r
            }
            _ => return error(ErrorCode::NotFound),
        };
        let now = now_ms();
        let ctx = self.ctx();
        if let Command::Confirm { client_secret_hash, .. }
        | Command::SubmitTransfer { client_secret_hash, .. }
        | Command::VerifyOtp { client_secret_hash, .. } = &cmd
        {
            if !secret_matches(&r, client_secret_hash) {
                return error(ErrorCode::Unauthorized);
            }
        }
        let result = dispatch(&ctx, &mut r, cmd, now).await;
        refund_flow::follow_up(&ctx, &mut r, now).await;
        let saved = self.save(r).await;
        match result {
            Ok(()) => saved,
            Err(e) => refused(e),
        }
    }

    /// Key rotation: the phone re-sealed under the current key, stored, and the row rewritten.
    async fn rekey(&self) -> Reply {
        let Some(mut r) = self.load().await else {
            return error(ErrorCode::NotFound);
        };
        let rekeyed = EdgeConfig::from_env(&self.env)
            .map_err(|e| e.to_api_error().error.code.as_str().to_owned())
            .and_then(|c| crate::keys::rekey_record(&c.data_keys, &mut r));
        match rekeyed {
            Ok(()) => self.save(r).await,
            Err(cause) => {
                crate::log::warn("payment_rekey_failed", &json!({ "payment": r.id, "cause": cause }));
                error(ErrorCode::InternalError)
            }
        }
    }

    /// The stored record (cached for this instance's life).
    async fn load(&self) -> Option<PaymentRecord> {
        if let Some(r) = self.cached.borrow().as_ref() {
            return Some(r.clone());
        }
        let mut r = storage::get(&self.state).await?;
        // A call that was in flight when a previous instance ended lost its answer: never
        // redo it; ask the provider soon.
        let now = now_ms();
        for a in r.attempts.iter_mut().filter(|a| a.status == AttemptStatus::InFlight) {
            a.status = AttemptStatus::Unknown;
            a.next_check_ms = Some(now);
        }
        *self.cached.borrow_mut() = Some(r.clone());
        Some(r)
    }

    /// Stores the record, lets the ledger follow (outbox), then sets the alarm.
    async fn save(&self, mut r: PaymentRecord) -> Reply {
        if let Err(cause) = storage::put(&self.state, &r).await {
            crate::log::error("payment_store_failed", &json!({ "payment": r.id, "cause": cause }));
            *self.cached.borrow_mut() = None;
            return error(ErrorCode::InternalError);
        }
        *self.cached.borrow_mut() = Some(r.clone());
        if r.has_outbox() {
            match flow::flush_outbox(&r, &self.env).await {
                Ok(()) => r.clear_outbox(),
                Err(cause) => {
                    let now = now_ms();
                    let since = *r.outbox_failing_since_ms.get_or_insert(now);
                    r.outbox_failures = r.outbox_failures.saturating_add(1);
                    let fields = json!({ "payment": r.id, "cause": cause, "failures": r.outbox_failures, "failing_since_ms": since });
                    if now - since >= OUTBOX_ALERT_MS {
                        crate::log::error("ledger_outbox_stuck", &fields);
                        crate::alerts::raise(&self.env, &r.merchant_id, bdpay_shared::alerts::Cause::OutboxStuck).await;
                    } else {
                        crate::log::warn("ledger_write_deferred", &fields);
                    }
                }
            }
            if storage::put(&self.state, &r).await.is_ok() {
                *self.cached.borrow_mut() = Some(r.clone());
            }
        }
        let now = now_ms();
        let delay = next_alarm_ms(&r, now).map(|at| at - now);
        if let Err(cause) = storage::alarm_in(&self.state, delay).await {
            crate::log::error("payment_alarm_not_set", &json!({ "payment": r.id, "cause": cause }));
        }
        Reply::Payment(Box::new(r))
    }
}

/// One command's work on the record (the caller loaded it, checked who asks, and saves it).
async fn dispatch(ctx: &Ctx<'_>, r: &mut PaymentRecord, cmd: Command, now: i64) -> Result<(), ApiError> {
    match cmd {
        Command::Get | Command::Create { .. } | Command::Rekey => Ok(()),
        Command::Confirm {
            client_secret_hash: _,
            provider,
            manual_transfer,
            device,
            shopper_ip,
            customer_phone,
            device_hash,
            geo,
            nid,
            alt_phone,
        } => {
            let input = ConfirmInput {
                provider,
                manual_transfer,
                device,
                shopper_ip,
                customer_phone,
                risk: RiskIn {
                    device_hash,
                    geo,
                    nid,
                    alt_phone,
                },
            };
            confirm_flow::confirm(ctx, r, input, now).await
        }
        Command::VerifyOtp {
            client_secret_hash: _,
            digest,
            geo,
        } => {
            let held = risk_gate::verify(r, digest, now)?;
            let input = ConfirmInput {
                provider: held.provider,
                manual_transfer: false,
                device: held.device,
                shopper_ip: held.shopper_ip,
                customer_phone: None,
                risk: RiskIn {
                    geo,
                    ..RiskIn::default()
                },
            };
            confirm_flow::confirm(ctx, r, input, now).await
        }
        Command::Return {
            provider,
            provider_ref,
            status,
        } => {
            match decide::on_return(r, provider, &provider_ref, &status, now) {
                Some(step) => flow::run(ctx, r, vec![step], now).await,
                None => crate::log::info(
                    "return_ignored",
                    &json!({ "payment": r.id, "provider": provider.as_str(), "known_attempt": r.attempts.iter().any(|a| a.provider_ref == provider_ref) }),
                ),
            }
            Ok(())
        }
        Command::Check {
            reason,
            provider,
            provider_ref,
        } => {
            let named = provider.zip(provider_ref.as_deref());
            let steps = decide::on_check(r, named, reason.as_str());
            flow::run(ctx, r, steps, now).await;
            Ok(())
        }
        Command::Refund {
            refund_id,
            amount,
            reason,
            key,
            ..
        } => {
            let ask = Ask {
                refund_id,
                amount,
                reason,
                key,
                attempt: None,
            };
            refund_flow::refund(ctx, r, ask, now).await
        }
        Command::ResolveRefund {
            refund_id,
            succeeded,
            note,
            ..
        } => refunding::resolve(r, &refund_id, succeeded, note, now),
        Command::SubmitTransfer {
            transfer, sender_enc, ..
        } => manual_flow::submit(ctx, r, manual_flow::Submission { transfer, sender_enc }, now).await,
        Command::DecideTransfer {
            transfer_id,
            approve,
            note,
            ..
        } => manual::decide(r, &transfer_id, approve, note, now),
        Command::StatementPaid {
            provider,
            provider_ref,
            trx_id,
            amount,
            paid_at_ms,
            day,
            ..
        } => {
            let seen = statement_paid::SeenPaid {
                provider,
                provider_ref: &provider_ref,
                trx_id,
                amount,
                paid_at_ms,
                day: &day,
            };
            statement_paid::apply(r, seen, now)
        }
    }
}

/// The earliest moment the alarm must run, if any.
pub fn next_alarm_ms(r: &PaymentRecord, now_ms: i64) -> Option<i64> {
    let outbox = r.has_outbox().then(|| {
        let backoff = OUTBOX_RETRY_MS.saturating_mul(1i64 << r.outbox_failures.min(6));
        now_ms + backoff.min(600_000)
    });
    let unstarted = (r.status == bdpay_shared::status::PaymentStatus::RequiresMethod).then_some(r.expires_ms);
    r.attempts
        .iter()
        .filter_map(|a| a.wake_ms())
        .chain(refunding::next_check_ms(r))
        .chain(r.claim_retry_ms)
        .chain(manual::wake_ms(r))
        .chain(outbox)
        .chain(unstarted)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::record::tests::record;

    #[test]
    fn a_failing_ledger_is_retried_with_backoff_up_to_ten_minutes() {
        let mut r = record();
        r.status = bdpay_shared::status::PaymentStatus::Succeeded;
        r.outbox_row = true;
        assert_eq!(next_alarm_ms(&r, 0), Some(10_000));
        r.outbox_failures = 3;
        assert_eq!(next_alarm_ms(&r, 0), Some(80_000));
        r.outbox_failures = 40;
        assert_eq!(next_alarm_ms(&r, 0), Some(600_000));
        r.clear_outbox();
        assert_eq!(next_alarm_ms(&r, 0), None, "nothing to do, no alarm");
    }
}
