//! A shopper's confirm, carried out in the payment object: which wallets can take it now,
//! the manual-transfer offer, the risk gate, the provider's start call (and, when a wallet
//! does not answer, the other one). `payment::decide` chooses; this does what it chose.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::manual_transfer::offer::{self, Asked, Offer};
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::{Availability, HealthState, ProviderHealth};
use serde_json::json;
use worker::Env;

use super::confirm_reads::ConfirmReads;
use super::decide::{self, Confirm, StartPlan};
use super::flow::{availability, paid_elsewhere, run, Ctx};
use super::manual;
use super::record::{PaymentRecord, StoredPhone};
use super::risk_gate::{self, Checked, Gate, Held, RiskIn};
use crate::config::EdgeConfig;
use crate::error::provider_error;
use crate::providers::{Device, ProviderFailure, Start, Started};

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
    let c = reads.client(ctx.env, r, plan.provider).await?;
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
