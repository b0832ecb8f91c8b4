//! The payment object's hands: carries out what `payment::decide`, `payment::claim` and
//! `payment::refunding` decided (provider calls, order claims in D1) and gives each answer
//! back to them. Runs only inside the object, under its lock. Every call that can move money
//! (bKash execute, a refund) goes through [`send_first`]: "in flight" is stored before it.
//! Here: the steps (complete, check, end), the order's claim and the ledger's outbox; a
//! confirm in `confirm_flow`, follow-ups and refunds in `refund_flow`.

use bdpay_shared::provider::Provider;
use bdpay_shared::routing::Availability;
use serde_json::json;
use worker::{Env, State};

use super::claim::{self, Answer};
use super::decide::{self, Step};
use super::record::PaymentRecord;
use super::settle;
use super::storage;
use crate::crypto::DataKeys;
use crate::ledger::{credentials, order_claims};
use crate::providers::credentials::Credential;
use crate::providers::merchant_config;
use crate::providers::{AnyProvider, PaymentRef, ProviderFailure};

/// What the object works with.
pub struct Ctx<'a> {
    pub env: &'a Env,
    pub state: &'a State,
}

/// A client for `p` with the payment's merchant's credentials (its own, else the deployment's).
pub(super) async fn client(ctx: &Ctx<'_>, r: &PaymentRecord, p: Provider) -> Result<AnyProvider, ProviderFailure> {
    merchant_config::client(ctx.env, &r.merchant_id, r.mode, p, None).await
}

/// Which providers the payment's merchant can use now in its mode: configured, with their
/// health (`health::states`: up, degraded or down, success rate, latency).
pub async fn availability(env: &Env, r: &PaymentRecord) -> Availability {
    let [bkash, nagad] = crate::providers::merchant_config::configured(env, &r.merchant_id, r.mode).await;
    let configured = decide::availability(|p| match p {
        Provider::Bkash => bkash,
        Provider::Nagad => nagad,
    });
    let states = crate::health::states(env, r.mode).await;
    configured
        .with_health(Provider::Bkash, states.bkash)
        .with_health(Provider::Nagad, states.nagad)
}

/// Stores the record before a call that may move money. `false`: not stored, do not call.
pub(super) async fn send_first(ctx: &Ctx<'_>, r: &PaymentRecord) -> bool {
    match storage::put(ctx.state, r).await {
        Ok(()) => {
            // Should the worker die while the call is out, the alarm asks about it.
            let _ = storage::alarm_in(ctx.state, Some(super::attempt::IN_FLIGHT_GRACE_MS)).await;
            true
        }
        Err(cause) => {
            crate::log::error("payment_store_failed", &json!({ "payment": r.id, "cause": cause }));
            false
        }
    }
}

/// Whether another payment of the order has already been paid (a new attempt is refused).
pub(super) async fn paid_elsewhere(ctx: &Ctx<'_>, r: &PaymentRecord) -> bool {
    let Ok(db) = ctx.env.d1("DB") else { return false };
    matches!(
        order_claims::holder(&db, &r.merchant_id, r.order_id.as_str()).await,
        Ok(Some(h)) if h.paid_other_than(r.id.as_str())
    )
}

/// The payment's ask for its order's claim.
fn claim_ask(r: &PaymentRecord, paid: bool, now_ms: i64) -> order_claims::Ask<'_> {
    order_claims::Ask {
        merchant_id: &r.merchant_id,
        order_id: r.order_id.as_str(),
        payment_id: r.id.as_str(),
        paid,
        now_ms,
    }
}

pub(super) async fn take_claim(ctx: &Ctx<'_>, r: &PaymentRecord, paid: bool, now_ms: i64) -> Answer {
    let holder = match ctx.env.d1("DB") {
        Ok(db) => order_claims::take(&db, &claim_ask(r, paid, now_ms))
            .await
            .ok()
            .flatten(),
        Err(_) => None,
    };
    Answer::from_holder(r, holder)
}

/// Before a bKash execute: the order's claim taken (as [`take_claim`]) and the merchant's
/// credentials read, in one batch to D1 instead of two. Credentials `None`: not read here
/// (`merchant_config::client` then reads them on their own).
async fn claim_with_credentials(ctx: &Ctx<'_>, r: &PaymentRecord, now_ms: i64) -> (Answer, Option<Vec<Credential>>) {
    let read = async {
        let db = ctx.env.d1("DB").ok()?;
        let [take, holder] = order_claims::take_statements(&db, &claim_ask(r, false, now_ms)).ok()?;
        let own = credentials::for_merchant_statement(&db, &r.merchant_id, r.mode).ok()?;
        let results = db.batch(vec![take, holder, own]).await.ok()?;
        let holder = results.get(1).and_then(|h| order_claims::holder_from(h).ok().flatten());
        let own = match (DataKeys::from_env(ctx.env), results.get(2)) {
            (Ok(keys), Some(rows)) => credentials::opened(&keys, &r.merchant_id, r.mode, rows).ok(),
            _ => None,
        };
        Some((holder, own))
    };
    let (holder, own) = read.await.unwrap_or((None, None));
    (Answer::from_holder(r, holder), own)
}

/// Carries out steps in order, each answer applied before the next step.
pub async fn run(ctx: &Ctx<'_>, r: &mut PaymentRecord, steps: Vec<Step>, now_ms: i64) {
    for step in steps {
        match step {
            Step::Complete(i) => complete(ctx, r, i, now_ms).await,
            Step::Check(look) => {
                let Some(a) = r.attempts.get(look.attempt) else {
                    continue;
                };
                let pref = PaymentRef {
                    provider_ref: &a.provider_ref,
                    invoice: &a.invoice,
                    amount: r.amount,
                };
                let mut calls = Vec::new();
                let result = match client(ctx, r, a.provider).await {
                    Ok(c) => c.check(&pref, &mut calls).await,
                    Err(f) => Err(f),
                };
                let now_ms = crate::clock::now_ms(); // the answer's time, not the command's
                r.note_calls(&calls, now_ms);
                settle::answer(r, look.attempt, result, look.reason, look.unpaid, now_ms);
            }
            Step::End { attempt, to } => settle::end_unpaid(r, attempt, to, "expiry", now_ms),
        }
    }
}

/// bKash execute / Nagad verify of attempt `i`, at most once: a bKash execute claims the
/// order first; "in flight" is stored before the call.
async fn complete(ctx: &Ctx<'_>, r: &mut PaymentRecord, i: usize, now_ms: i64) {
    let Some(p) = r.attempts.get(i).map(|a| a.provider) else {
        return;
    };
    let c = if p == Provider::Bkash {
        let (answer, own) = claim_with_credentials(ctx, r, now_ms).await;
        if !claim::before_execute(r, i, answer, now_ms) {
            return;
        }
        merchant_config::client(ctx.env, &r.merchant_id, r.mode, p, own.as_deref()).await
    } else {
        client(ctx, r, p).await
    };
    let c = match c {
        Ok(c) => c,
        Err(f) => {
            settle::answer(r, i, Err(f), "return", None, now_ms);
            return;
        }
    };
    let before = r.attempts.get(i).cloned();
    decide::sending(r, i, now_ms);
    if !send_first(ctx, r).await {
        // Not recorded: do not call out; the attempt is as it was.
        if let (Some(a), Some(b)) = (r.attempts.get_mut(i), before) {
            *a = b;
        }
        return;
    }
    let Some(a) = r.attempts.get(i) else { return };
    let pref = PaymentRef {
        provider_ref: &a.provider_ref,
        invoice: &a.invoice,
        amount: r.amount,
    };
    let mut calls = Vec::new();
    let result = c.complete(&pref, &mut calls).await;
    let now_ms = crate::clock::now_ms(); // the answer's time, not the command's
    r.note_calls(&calls, now_ms);
    let reason = if p == Provider::Bkash { "execute" } else { "verify" };
    settle::answer(r, i, result, reason, None, now_ms);
}

/// Writes the record's outbox to D1, then wakes webhook delivery.
pub async fn flush_outbox(r: &PaymentRecord, env: &Env) -> Result<(), String> {
    let db = env.d1("DB").map_err(|e| e.to_string())?;
    crate::ledger::payments::write_outbox(&db, r).await?;
    crate::health::record_calls(env, r.mode, r.outbox_calls.iter().map(|c| c.health())).await;
    crate::webhooks::after_ledger_write(env, r).await;
    Ok(())
}
