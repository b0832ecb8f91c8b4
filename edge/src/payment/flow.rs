//! The payment object's hands: carries out what `payment::decide`, `payment::claim` and
//! `payment::refunding` decided (provider calls, order claims in D1) and gives each answer
//! back to them. Runs only inside the object, under its lock. Every call that can move money
//! (bKash execute, a refund) goes through [`send_first`]: "in flight" is stored before it.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::ids::RefundId;
use bdpay_shared::manual_transfer::offer::{self, Asked, Offer};
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::{Availability, HealthState, ProviderHealth};
use serde_json::json;
use worker::{Env, State};

use super::claim::{self, Answer, Next};
use super::confirm_reads::ConfirmReads;
use super::decide::{self, Confirm, StartPlan, Step};
use super::manual;
use super::record::{PaymentRecord, StoredPhone};
use super::refunding::{self, Ask};
use super::risk_gate::{self, Checked, Gate, Held, RiskIn};
use super::settle;
use super::storage;
use crate::config::EdgeConfig;
use crate::crypto::DataKeys;
use crate::error::provider_error;
use crate::ledger::{credentials, order_claims};
use crate::providers::credentials::Credential;
use crate::providers::merchant_config;
use crate::providers::refund::RefundAsk;
use crate::providers::{AnyProvider, Device, PaymentRef, ProviderFailure, Start, Started};

/// What the object works with.
pub struct Ctx<'a> {
    pub env: &'a Env,
    pub state: &'a State,
}

/// The shopper's confirm, as the object receives it.
pub struct ConfirmInput {
    pub provider: Option<Provider>,
    /// `"provider": "manual_transfer"`: the shopper asks to pay by hand.
    pub manual_transfer: bool,
    pub device: Device,
    pub shopper_ip: Option<String>,
    pub customer_phone: Option<StoredPhone>,
    /// Device, place and compliance fields for the risk check (`payment::risk_gate`).
    pub risk: RiskIn,
}

/// A client for `p` with the payment's merchant's credentials (its own, else the deployment's).
async fn client(ctx: &Ctx<'_>, r: &PaymentRecord, p: Provider) -> Result<AnyProvider, ProviderFailure> {
    let config = crate::providers::merchant_config::load(ctx.env, &r.merchant_id, r.mode, p).await?;
    AnyProvider::new(p, &config, ctx.env, &r.merchant_id)
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

/// As [`availability`], for a confirm about to call a provider: a wallet that is down counts
/// as up when its breaker hands this confirm the one half-open probe (after the cooldown), so
/// a wallet that came back is found again. Only a wallet this confirm would call asks for the
/// probe: the one the shopper chose, or (no choice) bKash then Nagad when no wallet is up; a
/// probe taken and not used would hold the slot until it lapses.
async fn availability_to_call(env: &Env, r: &PaymentRecord, chosen: Option<Provider>) -> Availability {
    let mut up = availability(env, r).await;
    let down = |up: &Availability, p: Provider| up.of(p).health.state == HealthState::Down;
    let candidates: Vec<Provider> = match chosen {
        Some(p) => vec![p],
        None if Provider::ALL.iter().all(|p| down(&up, *p)) => Provider::ALL.to_vec(),
        None => Vec::new(),
    };
    for p in candidates {
        if down(&up, p) && crate::health::permit(env, r.mode, p).await {
            let health = up.of(p).health;
            up = up.with_health(
                p,
                ProviderHealth {
                    state: HealthState::Up,
                    ..health
                },
            );
            break;
        }
    }
    up
}

/// Stores the record before a call that may move money. `false`: not stored, do not call.
async fn send_first(ctx: &Ctx<'_>, r: &PaymentRecord) -> bool {
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

/// A confirm: the same page, or a new attempt at the chosen provider.
pub async fn confirm(ctx: &Ctx<'_>, r: &mut PaymentRecord, input: ConfirmInput, now_ms: i64) -> Result<(), ApiError> {
    let config = EdgeConfig::from_env(ctx.env).map_err(|e| e.to_api_error())?;
    let phone_store = input.customer_phone.or_else(|| r.customer_phone.clone());
    let phone = phone_store.as_ref().and_then(|p| {
        let at = crate::keys::binding::payment_phone(r.id.as_str());
        config.data_keys.decrypt_phone(&at, &p.enc).ok()
    });
    let mut up = availability_to_call(ctx.env, r, input.provider).await;
    let reads = ConfirmReads::read(ctx.env, &config.data_keys, r).await;
    // Manual transfer: asked for, or the merchant's way forward when no wallet can take it.
    let asked = if input.manual_transfer {
        Asked::ManualTransfer
    } else {
        Asked::Wallet
    };
    let setting = reads.manual.as_ref().map(|s| s.setting()).unwrap_or_default();
    match offer::offer(setting, asked, decide::wallet_usable(r, up)) {
        Offer::Manual => return offer_manual(ctx, r, Some(&reads), now_ms).await,
        Offer::NotOffered => return Err(manual::not_offered()),
        Offer::Wallets => manual::wallet_asked(r),
    }
    let settings = crate::risk::settings::load(ctx.env, &r.merchant_id, r.mode).await;
    let mut risk_in = input.risk;
    if risk_gate::before_routing(r, &settings, &mut risk_in, input.provider, now_ms)? {
        // Above the merchant's bKash cap: routing may only choose Nagad.
        up.bkash.configured = false;
    }
    let operator = phone.as_ref().map(|p| p.operator());
    if let Confirm::Same = decide::confirm(r, input.provider, operator, input.device, up, now_ms)? {
        return Ok(());
    }
    // Leaving a wallet page for another: if that page was paid meanwhile, it stands.
    let looks = decide::before_switch(r);
    let looked = !looks.is_empty();
    if looked {
        run(ctx, r, looks, now_ms).await;
    }
    let plan = match decide::confirm(r, input.provider, operator, input.device, up, now_ms)? {
        Confirm::Same => return Ok(()),
        Confirm::Start(plan) => plan,
    };
    // After a look at the other page (provider calls, time), the claim is read again.
    let elsewhere = if looked {
        paid_elsewhere(ctx, r).await
    } else {
        reads.paid_elsewhere(r)
    };
    if elsewhere {
        return Err(ApiError::new(ErrorCode::OrderAlreadyPaid));
    }
    let held = Held {
        provider: input.provider,
        device: input.device,
        shopper_ip: input.shopper_ip.clone(),
    };
    let ask = Checked {
        provider: plan.provider,
        phone: phone.as_ref().zip(phone_store.as_ref()),
        input: &risk_in,
        held,
    };
    if risk_gate::check(ctx.env, r, &settings, ask, now_ms).await? == Gate::CodeSent {
        return Ok(());
    }
    let shopper = Shopper {
        phone: phone.as_ref(),
        ip: input.shopper_ip.as_deref(),
        device: input.device,
    };
    let failure = match start(ctx, r, &reads, &plan, &shopper, &config, now_ms).await {
        Ok(s) => {
            r.customer_phone = phone_store;
            log_start(r, &plan);
            note_offer(r, plan.provider);
            decide::started(r, plan, s, config.attempt_ttl_ms, crate::clock::now_ms());
            return Ok(());
        }
        Err(f) => f,
    };
    // The wallet did not answer (timeout, 5xx, down): the same confirm tries the other one
    // for the same payment, order and amount. A refusal (amount, shopper) is not retried.
    let next = is_outage(&failure)
        .then(|| decide::failover(r, plan.provider, up))
        .flatten();
    let Some(next) = next else {
        return after_outage(ctx, r, setting, &failure, now_ms).await;
    };
    crate::log::warn(
        "provider_failover",
        &json!({ "payment": r.id, "from": plan.provider.as_str(), "to": next.provider.as_str(), "code": failure.provider_code }),
    );
    match start(ctx, r, &reads, &next, &shopper, &config, crate::clock::now_ms()).await {
        Ok(s) => {
            r.customer_phone = phone_store;
            log_start(r, &next);
            note_offer(r, next.provider);
            decide::started(r, next, s, config.attempt_ttl_ms, crate::clock::now_ms());
            Ok(())
        }
        Err(f) => after_outage(ctx, r, setting, &f, now_ms).await,
    }
}

/// The promotion of the wallet the shopper is sent to, kept on the payment (the latest
/// attempt's wallet decides: a shopper who moves to the other wallet gets its offer).
fn note_offer(r: &mut PaymentRecord, p: Provider) {
    r.checkout.offer = r.checkout.offers.of(p).map(|o| super::checkout::AppliedOffer {
        provider: p,
        kind: o.kind,
        amount: o.amount,
    });
}

/// The manual-transfer instructions instead of a wallet's page. `reads`: the confirm's own,
/// when nothing has happened since (else the claim is read again).
async fn offer_manual(
    ctx: &Ctx<'_>,
    r: &mut PaymentRecord,
    reads: Option<&ConfirmReads>,
    now_ms: i64,
) -> Result<(), ApiError> {
    manual::may_pay(r, now_ms)?;
    let elsewhere = match reads {
        Some(reads) => reads.paid_elsewhere(r),
        None => paid_elsewhere(ctx, r).await,
    };
    if elsewhere {
        return Err(ApiError::new(ErrorCode::OrderAlreadyPaid));
    }
    manual::offer(r, now_ms)
}

/// No wallet could start the payment after all (the one tried, and the other, did not answer,
/// e.g. a half-open probe that failed): the merchant's fallback, a manual transfer, when it
/// has one and the payment allows moving on from the wallet chosen; else the wallet's error.
async fn after_outage(
    ctx: &Ctx<'_>,
    r: &mut PaymentRecord,
    setting: offer::Setting,
    failure: &ProviderFailure,
    now_ms: i64,
) -> Result<(), ApiError> {
    if r.allow_failover && is_outage(failure) && offer::offer(setting, Asked::Wallet, false) == Offer::Manual {
        return offer_manual(ctx, r, None, now_ms).await;
    }
    Err(provider_error(failure))
}

/// What the shopper brought to a confirm, for the provider's start call.
struct Shopper<'a> {
    phone: Option<&'a bdpay_shared::phone::Msisdn>,
    ip: Option<&'a str>,
    device: Device,
}

/// Whether a failed start means the wallet is out of reach (no answer, 5xx, down), rather than
/// a refusal of this payment or our own configuration.
fn is_outage(f: &ProviderFailure) -> bool {
    f.kind == crate::providers::FailureKind::Unknown
        || matches!(f.code, ErrorCode::ProviderUnavailable | ErrorCode::ProviderTimeout)
}

/// One provider start (bKash create; Nagad initialize + complete), its calls noted on the
/// record. A failure is logged and returned; nothing is recorded as an attempt.
async fn start(
    ctx: &Ctx<'_>,
    r: &mut PaymentRecord,
    reads: &ConfirmReads,
    plan: &StartPlan,
    shopper: &Shopper<'_>,
    config: &EdgeConfig,
    now_ms: i64,
) -> Result<Started, ProviderFailure> {
    let c = reads.client(ctx.env, r, plan.provider)?;
    let callback_url = format!("{}/v1/return/{}/{}", config.public_origin, plan.provider.as_str(), r.id);
    let start = Start {
        payment_id: &r.id,
        amount: r.amount,
        invoice: &plan.invoice,
        callback_url: &callback_url,
        customer_phone: shopper.phone,
        shopper_ip: shopper.ip,
        device: shopper.device,
        merchant_name: &r.merchant_name,
        now_ms,
    };
    let mut calls = Vec::new();
    let result = c.start(&start, &mut calls).await;
    let now_ms = crate::clock::now_ms(); // the answer's time, not the command's
    r.note_calls(&calls, now_ms);
    if let Err(f) = &result {
        r.touch(now_ms);
        crate::log::warn(
            "provider_start_failed",
            &json!({ "payment": r.id, "provider": f.provider.as_str(), "code": f.provider_code, "kind": f.kind }),
        );
    }
    result
}

fn log_start(r: &PaymentRecord, plan: &StartPlan) {
    crate::log::info(
        "attempt_started",
        &json!({ "payment": r.id, "provider": plan.provider.as_str(), "attempt": r.attempts.len() + 1, "reason": plan.reason.as_str() }),
    );
}

/// Whether another payment of the order has already been paid (a new attempt is refused).
pub(super) async fn paid_elsewhere(ctx: &Ctx<'_>, r: &PaymentRecord) -> bool {
    let Ok(db) = ctx.env.d1("DB") else { return false };
    matches!(
        order_claims::holder(&db, &r.merchant_id, r.order_id.as_str()).await,
        Ok(Some(h)) if h.paid_other_than(r.id.as_str())
    )
}

async fn take_claim(ctx: &Ctx<'_>, r: &PaymentRecord, paid: bool, now_ms: i64) -> Answer {
    let holder = match ctx.env.d1("DB") {
        Ok(db) => order_claims::take(&db, &r.merchant_id, r.order_id.as_str(), r.id.as_str(), paid, now_ms)
            .await
            .ok()
            .flatten(),
        Err(_) => None,
    };
    Answer::from_holder(r, holder)
}

/// Before a bKash execute: the order's claim taken (as [`take_claim`]) and the merchant's
/// credentials read, in one batch to D1 instead of two. Credentials `None`: unread.
async fn claim_with_credentials(ctx: &Ctx<'_>, r: &PaymentRecord, now_ms: i64) -> (Answer, Option<Vec<Credential>>) {
    let read = async {
        let db = ctx.env.d1("DB").ok()?;
        let keys = DataKeys::from_secrets(|n| ctx.env.secret(n).map(|v| v.to_string()).ok()).ok();
        let (merchant, order) = (r.merchant_id.as_str(), r.order_id.as_str());
        let mut batch = order_claims::take_statements(&db, merchant, order, r.id.as_str(), false, now_ms)
            .ok()?
            .to_vec();
        if keys.is_some() {
            batch.push(credentials::for_merchant_statement(&db, merchant, r.mode).ok()?);
        }
        let results = db.batch(batch).await.ok()?;
        let holder = results.get(1).and_then(|h| order_claims::holder_from(h).ok().flatten());
        let own = keys
            .zip(results.get(2))
            .and_then(|(keys, rows)| credentials::opened(&keys, merchant, r.mode, rows).ok());
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
        merchant_config::client_with(ctx.env, &r.merchant_id, r.mode, p, own.as_deref())
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

/// After a command: the order's claim follows the payment, and money that is not the
/// payment's is given back (duplicates), each as its own refund.
pub async fn follow_up(ctx: &Ctx<'_>, r: &mut PaymentRecord, now_ms: i64) {
    match claim::next(r, now_ms) {
        Next::TakePaid => {
            let answer = take_claim(ctx, r, true, now_ms).await;
            if let Some(holder) = claim::after_take_paid(r, answer, now_ms) {
                crate::log::error(
                    "duplicate_payment",
                    &json!({ "payment": r.id, "order_held_by": holder.payment_id, "holder_state": holder.state }),
                );
                if r.paid_transfer().is_some() {
                    // Money sent by hand has no provider refund: a person sends it back.
                    crate::log::error("duplicate_manual_transfer_needs_a_person", &json!({ "payment": r.id }));
                    r.order_claim = Some(super::record::Held::Duplicate);
                    r.touch(now_ms);
                    return;
                }
                let reason = format!("Duplicate payment: order already paid by {}", holder.payment_id);
                if refund_in_full(ctx, r, None, claim::DUPLICATE_KEY, reason, now_ms).await {
                    r.order_claim = Some(super::record::Held::Duplicate);
                }
            }
        }
        Next::Release => {
            let released = match ctx.env.d1("DB") {
                Ok(db) => order_claims::release(&db, &r.merchant_id, r.order_id.as_str(), r.id.as_str(), now_ms)
                    .await
                    .is_ok(),
                Err(_) => false,
            };
            if released {
                claim::released(r, now_ms);
            }
        }
        Next::Nothing => {}
    }
    for k in settle::duplicates(r) {
        let holder = r.paid().map(|a| a.provider_ref.clone()).unwrap_or_default();
        crate::log::error(
            "duplicate_attempt",
            &json!({ "payment": r.id, "attempt": k + 1, "paid_attempt": r.paid_attempt.map(|i| i + 1) }),
        );
        let reason = format!("Duplicate payment: this order was paid by another attempt ({holder})");
        let key = format!("duplicate_attempt_{}", k + 1);
        refund_in_full(ctx, r, Some(k), &key, reason, now_ms).await;
    }
}

/// Refunds the payment's money (`attempt` None) or an attempt's in full, once per `key`.
async fn refund_in_full(
    ctx: &Ctx<'_>,
    r: &mut PaymentRecord,
    attempt: Option<usize>,
    key: &str,
    reason: String,
    now_ms: i64,
) -> bool {
    let Ok(bytes) = crate::crypto::random() else {
        return false;
    };
    let ask = Ask {
        refund_id: RefundId::from_random(bytes).as_str().to_owned(),
        amount: None,
        reason: Some(reason),
        key: Some(key.to_owned()),
        attempt,
    };
    match refund(ctx, r, ask, now_ms).await {
        Ok(()) => true,
        Err(e) => {
            crate::log::error(
                "duplicate_refund_not_sent",
                &json!({ "payment": r.id, "code": e.error.code.as_str() }),
            );
            false
        }
    }
}

/// Makes (or, for a known key, finds) a refund. `Err` only when nothing was sent.
pub async fn refund(ctx: &Ctx<'_>, r: &mut PaymentRecord, ask: Ask, now_ms: i64) -> Result<(), ApiError> {
    let Some(idx) = refunding::request(r, ask, now_ms)? else {
        return Ok(());
    };
    // "Sent" is stored before the call: a lost answer becomes a status check, never a resend.
    if !send_first(ctx, r).await {
        r.refunds.truncate(idx); // not recorded: not sent, and not kept
        return Err(ApiError::new(ErrorCode::InternalError));
    }
    let (Some(f), Some(a)) = (
        r.refunds.get(idx),
        r.refunds.get(idx).and_then(|f| refunding::attempt_of(r, f)),
    ) else {
        return Ok(());
    };
    let c = match client(ctx, r, a.provider).await {
        Ok(c) => c,
        Err(f) => {
            refunding::sent(r, idx, Err(f), now_ms);
            return Ok(());
        }
    };
    let wire = RefundAsk {
        amount: f.amount,
        reference: &f.id,
        reason: f.reason.as_deref().unwrap_or_default(),
        ..refund_ask(r, a)
    };
    let mut calls = Vec::new();
    let result = c.refund(&wire, &mut calls).await;
    let now_ms = crate::clock::now_ms(); // the answer's time, not the command's
    r.note_calls(&calls, now_ms);
    refunding::sent(r, idx, result, now_ms);
    Ok(())
}

/// What the provider needs to know of the paid attempt a refund (or a status check) is about.
fn refund_ask<'a>(r: &PaymentRecord, a: &'a super::attempt::Attempt) -> RefundAsk<'a> {
    RefundAsk {
        provider_ref: &a.provider_ref,
        trx_id: a.trx_id.as_deref().unwrap_or_default(),
        invoice: &a.invoice,
        original: r.amount,
        amount: r.amount,
        reference: "",
        reason: "",
        paid_at_ms: a.paid_at_ms.unwrap_or(r.created_ms),
    }
}

/// The alarm's part for refunds: asks the provider about due pending refunds (never refunds again).
pub async fn refund_checks(ctx: &Ctx<'_>, r: &mut PaymentRecord, give_up_ms: i64, now_ms: i64) {
    for attempt in refunding::due(r, now_ms) {
        let a = match attempt {
            Some(i) => r.attempts.get(i),
            None => r.paid(),
        };
        let seen = match a {
            Some(a) => {
                let ask = refund_ask(r, a);
                let mut calls = Vec::new();
                let seen = match client(ctx, r, a.provider).await {
                    Ok(c) => c.refund_status(&ask, &mut calls).await.ok(),
                    Err(_) => None,
                };
                let now_ms = crate::clock::now_ms(); // the answer's time, not the command's
                r.note_calls(&calls, now_ms);
                seen
            }
            None => None,
        };
        refunding::seen(r, attempt, seen.as_deref(), give_up_ms, now_ms);
    }
}

/// Writes the record's outbox to D1, then wakes webhook delivery.
pub async fn flush_outbox(r: &PaymentRecord, env: &Env) -> Result<(), String> {
    let db = env.d1("DB").map_err(|e| e.to_string())?;
    crate::ledger::payments::write_outbox(&db, r).await?;
    crate::health::record_calls(env, r.mode, r.outbox_calls.iter().map(|c| c.health())).await;
    crate::webhooks::after_ledger_write(env, r).await;
    Ok(())
}
