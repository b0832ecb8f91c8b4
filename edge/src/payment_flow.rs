//! What a payment's Durable Object does with each command: start an attempt at a provider,
//! finish it when the shopper returns (bKash execute / Nagad verify, at most once), re-check
//! unknown outcomes on the alarm, expire abandoned payments. Runs only inside the object,
//! under its lock; decisions about moves come from `shared`'s state machine.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::ids::{nagad_order_id, PaymentId};
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::{self, Availability, NoProvider};
use bdpay_shared::status::{Event, PaymentStatus};
use serde_json::json;
use worker::{Env, State};

use crate::config::EdgeConfig;
use crate::error::provider_error;
use crate::ledger;
use crate::log;
use crate::order_claim::{self, BeforeExecute};
use crate::payment::record::{Applied, CallRow, Completion, PaymentRecord, StoredPhone, MAX_ATTEMPTS};
use crate::providers::{
    AnyProvider, CallRecord, Device, FailureKind, Mode, Outcome, PaymentRef, ProviderConfig, ProviderFailure, Start,
};

/// The Durable Object storage key of the record.
pub const STORAGE_KEY: &str = "payment";

/// How long an unclear outcome is re-checked before the attempt is expired (and logged).
const UNKNOWN_GIVE_UP_MS: i64 = 24 * 3600 * 1000;

pub struct ConfirmInput {
    pub provider: Option<Provider>,
    pub device: Device,
    pub shopper_ip: Option<String>,
    pub customer_phone: Option<StoredPhone>,
}

/// Constant-time comparison of the stored and offered client-secret hashes.
pub fn secret_matches(r: &PaymentRecord, offered_hash: &str) -> bool {
    let (a, b) = (r.client_secret_hash.as_bytes(), offered_hash.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn mode(r: &PaymentRecord) -> Mode {
    if r.mode == "live" {
        Mode::Live
    } else {
        Mode::Test
    }
}

/// Which providers this payment's mode can use now (configured; health comes later).
pub fn availability(env: &Env, mode: Mode) -> Availability {
    match ProviderConfig::from_env(env, mode) {
        Ok(c) => Availability {
            bkash: c.is_configured(Provider::Bkash),
            nagad: c.is_configured(Provider::Nagad),
        },
        Err(_) => Availability {
            bkash: false,
            nagad: false,
        },
    }
}

fn provider(env: &Env, r: &PaymentRecord, p: Provider) -> Result<AnyProvider, ProviderFailure> {
    let config = ProviderConfig::from_env(env, mode(r))?;
    AnyProvider::new(p, &config, env)
}

/// Our reference at the provider for attempt `n` (1-based): bKash takes our id (with `-n`
/// after the first), Nagad an alphanumeric 5–20 order id unique per day.
fn invoice(r: &PaymentRecord, p: Provider, n: u32) -> Option<String> {
    match p {
        Provider::Bkash if n <= 1 => Some(r.id.clone()),
        Provider::Bkash => Some(format!("{}-{n}", r.id)),
        Provider::Nagad => {
            let base = nagad_order_id(&PaymentId::parse(&r.id).ok()?);
            if n <= 1 {
                Some(base)
            } else {
                Some(format!("{}{:02}", base.get(..18)?, n.min(99)))
            }
        }
    }
}

fn record_calls(r: &mut PaymentRecord, calls: &[CallRecord], now_ms: i64) {
    r.outbox_calls
        .extend(calls.iter().map(|c| CallRow::from_record(c, now_ms)));
}

fn moved(r: &PaymentRecord, applied: &Applied, reason: &str) {
    if let Applied::Moved(to) = applied {
        log::info(
            "payment_moved",
            &json!({
                "payment": r.id, "status": to.as_str(), "provider": r.provider.map(|p| p.as_str()),
                "reason": reason, "attempt": r.attempts,
            }),
        );
    }
}

/// Starts a new attempt at the chosen provider. On success the payment is `pending` with the
/// provider's page as `redirect_url`; on failure nothing moves and the error says why.
pub async fn confirm(
    r: &mut PaymentRecord,
    input: ConfirmInput,
    env: &Env,
    _state: &State,
    now_ms: i64,
) -> Result<(), ApiError> {
    // The same choice again while the shopper is on its way: the same page.
    if r.status == PaymentStatus::Pending
        && r.redirect_url.is_some()
        && input.provider.is_none_or(|p| Some(p) == r.provider)
    {
        return Ok(());
    }
    match r.status {
        PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded | PaymentStatus::Refunded => {
            return Err(ApiError::new(ErrorCode::InvalidState));
        }
        PaymentStatus::Expired => return Err(ApiError::new(ErrorCode::PaymentExpired)),
        _ if !r.is_open(now_ms) => return Err(ApiError::new(ErrorCode::PaymentExpired)),
        _ if r.attempts >= MAX_ATTEMPTS => return Err(ApiError::new(ErrorCode::InvalidState)),
        _ => {}
    }
    // Leaving a pending attempt for another provider: if that one was paid meanwhile, it stands.
    if r.status == PaymentStatus::Pending {
        check(r, "switch", env, now_ms).await;
        if r.status != PaymentStatus::Pending && !matches!(r.status, PaymentStatus::Failed | PaymentStatus::Cancelled) {
            return Ok(());
        }
    }
    if order_claim::paid_elsewhere(r, env).await {
        return Err(ApiError::new(ErrorCode::OrderAlreadyPaid));
    }
    let config = EdgeConfig::from_env(env).map_err(|e| e.to_api_error())?;
    let phone_store = input.customer_phone.or_else(|| r.customer_phone.clone());
    let phone = match &phone_store {
        Some(p) => config.data_keys.decrypt_phone(&p.enc).ok(),
        None => None,
    };
    // With no choice from the shopper, the number's operator is a hint (shared::routing).
    let operator = phone.as_ref().map(|p| p.operator());
    let choice =
        routing::choose(input.provider, r.amount, operator, availability(env, mode(r))).map_err(|e| match e {
            NoProvider::AmountOutOfRange => ApiError::new(ErrorCode::AmountOverLimit),
            NoProvider::Unavailable => ApiError::new(ErrorCode::ProviderUnavailable),
        })?;
    let p = choice.provider;
    let client = provider(env, r, p).map_err(|f| provider_error(&f))?;
    let n = r.attempts + 1;
    let invoice = invoice(r, p, n).ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
    let callback_url = format!("{}/v1/return/{}?payment={}", config.public_origin, p.as_str(), r.id);
    let start = Start {
        payment_id: &PaymentId::parse(&r.id).map_err(|_| ApiError::new(ErrorCode::InternalError))?,
        amount: r.amount,
        invoice: &invoice,
        callback_url: &callback_url,
        customer_phone: phone.as_ref(),
        shopper_ip: input.shopper_ip.as_deref(),
        device: input.device,
        merchant_name: &r.merchant_name,
        now_ms,
    };
    let mut calls = Vec::new();
    let started = client.start(&start, &mut calls).await;
    record_calls(r, &calls, now_ms);
    let started = match started {
        Ok(s) => s,
        Err(f) => {
            r.touch(now_ms);
            log::warn(
                "provider_start_failed",
                &json!({ "payment": r.id, "provider": p.as_str(), "code": f.provider_code, "kind": f.kind }),
            );
            return Err(provider_error(&f));
        }
    };
    if let Some(old) = r.provider_ref.take() {
        r.earlier_refs.push(old);
    }
    r.provider = Some(p);
    r.provider_ref = Some(started.provider_ref);
    r.redirect_url = Some(started.redirect_url);
    r.invoice = Some(invoice);
    r.choice_reason = Some(choice.reason.as_str().to_owned());
    r.attempts = n;
    r.error = None;
    r.completion = Completion::Idle;
    r.customer_phone = phone_store;
    r.attempt_deadline_ms = Some(now_ms + config.attempt_ttl_ms);
    let applied = r.apply(
        Event::SentToProvider,
        "confirm",
        now_ms,
        Some(json!({ "provider": p.as_str(), "attempt": n })),
    );
    moved(r, &applied, "confirm");
    if applied == Applied::Refused {
        return Err(ApiError::new(ErrorCode::InvalidState));
    }
    Ok(())
}

/// The shopper is back from the provider's page. The query string is unsigned: for bKash a
/// `success` only allows the execute, whose answer decides; Nagad is always verified.
pub async fn on_return(
    r: &mut PaymentRecord,
    p: Provider,
    provider_ref: &str,
    status: &str,
    env: &Env,
    state: &State,
    now_ms: i64,
) {
    if r.provider != Some(p) || r.provider_ref.as_deref() != Some(provider_ref) {
        let earlier = r.earlier_refs.iter().any(|e| e == provider_ref);
        log::warn(
            "return_for_other_attempt",
            &json!({ "payment": r.id, "provider": p.as_str(), "earlier_attempt": earlier }),
        );
        return;
    }
    if r.status != PaymentStatus::Pending {
        return; // a duplicate callback: the stored answer stands
    }
    match (p, status.to_ascii_lowercase().as_str()) {
        (Provider::Bkash, "cancel") => {
            let applied = r.apply(Event::Cancelled, "return", now_ms, None);
            moved(r, &applied, "return");
        }
        (Provider::Bkash, "failure") => {
            r.error = Some(declined(p).error);
            let applied = r.apply(Event::ProviderFailed, "return", now_ms, None);
            moved(r, &applied, "return");
        }
        (Provider::Bkash, "success") | (Provider::Nagad, _) => complete(r, env, state, now_ms).await,
        (Provider::Bkash, _) => log::warn("return_status_unknown", &json!({ "payment": r.id })),
    }
}

fn declined(p: Provider) -> ApiError {
    let mut e = ApiError::new(ErrorCode::ProviderDeclined);
    e.error.provider = Some(p);
    e
}

/// bKash execute / Nagad verify, at most once: "in flight" is stored before the call; an
/// unclear answer leaves the payment pending for the alarm's re-check.
async fn complete(r: &mut PaymentRecord, env: &Env, state: &State, now_ms: i64) {
    if r.completion != Completion::Idle {
        return check(r, "return", env, now_ms).await;
    }
    let Some(p) = r.provider else { return };
    // bKash moves money only at execute: the payment claims its order first, and never
    // executes while another payment of the order holds it (edge/src/order_claim.rs).
    if p == Provider::Bkash {
        if let BeforeExecute::HeldBy(holder) = order_claim::before_execute(r, env, now_ms).await {
            let mut e = ApiError::new(ErrorCode::OrderAlreadyPaid).error;
            if holder.state == "claimed" {
                e.message = "Another payment of this order is being completed.".into();
            }
            r.error = Some(e);
            let applied = r.apply(
                Event::ProviderFailed,
                "order_already_paid",
                now_ms,
                Some(json!({ "order_held_by": holder.payment_id })),
            );
            moved(r, &applied, "order_already_paid");
            return;
        }
    }
    let client = match provider(env, r, p) {
        Ok(c) => c,
        Err(f) => return unknown(r, &f, now_ms),
    };
    r.completion = Completion::InFlight { since_ms: now_ms };
    r.touch(now_ms);
    if state.storage().put(STORAGE_KEY, &*r).await.is_err() {
        r.completion = Completion::Idle; // not recorded: do not call out
        return;
    }
    let (provider_ref, invoice) = (
        r.provider_ref.clone().unwrap_or_default(),
        r.invoice.clone().unwrap_or_default(),
    );
    let pref = PaymentRef {
        provider_ref: &provider_ref,
        invoice: &invoice,
        amount: r.amount,
    };
    let mut calls = Vec::new();
    let result = client.complete(&pref, &mut calls).await;
    record_calls(r, &calls, now_ms);
    let reason = if p == Provider::Bkash { "execute" } else { "verify" };
    settle(r, result, reason, now_ms);
}

/// A read-only re-check (bKash query, Nagad verify).
pub async fn check(r: &mut PaymentRecord, reason: &str, env: &Env, now_ms: i64) {
    let (Some(p), Some(provider_ref)) = (r.provider, r.provider_ref.clone()) else {
        return;
    };
    let client = match provider(env, r, p) {
        Ok(c) => c,
        Err(f) => return unknown(r, &f, now_ms),
    };
    let invoice = r.invoice.clone().unwrap_or_default();
    let pref = PaymentRef {
        provider_ref: &provider_ref,
        invoice: &invoice,
        amount: r.amount,
    };
    let mut calls = Vec::new();
    let result = client.check(&pref, &mut calls).await;
    record_calls(r, &calls, now_ms);
    settle(r, result, reason, now_ms);
}

/// Applies a provider's answer to the record.
fn settle(r: &mut PaymentRecord, result: Result<Outcome, ProviderFailure>, reason: &str, now_ms: i64) {
    let applied = match result {
        Ok(Outcome::Succeeded {
            trx_id,
            paid_at_ms,
            payer_masked,
        }) => {
            r.completion = Completion::Idle;
            r.trx_id = Some(trx_id);
            r.paid_at_ms = Some(paid_at_ms.unwrap_or(now_ms));
            r.payer_masked = payer_masked;
            r.error = None;
            r.apply(Event::ProviderSucceeded, reason, now_ms, None)
        }
        Ok(Outcome::Failed(f)) => {
            r.completion = Completion::Idle;
            r.error = Some(provider_error(&f).error);
            r.apply(
                Event::ProviderFailed,
                reason,
                now_ms,
                Some(json!({ "provider_code": f.provider_code })),
            )
        }
        Ok(Outcome::Cancelled) => {
            r.completion = Completion::Idle;
            r.apply(Event::Cancelled, reason, now_ms, None)
        }
        Ok(Outcome::NotExecuted) => {
            // bKash execute ran nothing (2056/2060): the payment stays open, and a later
            // return from the shopper may execute it. (Shim from branch `prov`.)
            r.completion = Completion::Idle;
            r.touch(now_ms);
            Applied::Unchanged
        }
        Ok(Outcome::Pending) => {
            // Not final at the provider yet (the shopper is still on the page): look again later.
            if r.completion != Completion::Idle {
                r.completion.recheck_later(now_ms);
            }
            r.touch(now_ms);
            Applied::Unchanged
        }
        Err(f) if f.kind == FailureKind::Declined => {
            r.completion = Completion::Idle;
            r.error = Some(provider_error(&f).error);
            r.apply(
                Event::ProviderFailed,
                reason,
                now_ms,
                Some(json!({ "provider_code": f.provider_code })),
            )
        }
        Err(f) => {
            unknown(r, &f, now_ms);
            Applied::Unchanged
        }
    };
    moved(r, &applied, reason);
}

/// No clear answer: keep the payment pending and re-check with backoff.
fn unknown(r: &mut PaymentRecord, f: &ProviderFailure, now_ms: i64) {
    let attempts = r.completion.recheck_later(now_ms);
    r.touch(now_ms);
    let level_error = f.kind == FailureKind::Config;
    let fields = json!({ "payment": r.id, "provider": f.provider.as_str(), "code": f.provider_code, "kind": f.kind, "recheck": attempts });
    if level_error {
        log::error("provider_outcome_unknown", &fields)
    } else {
        log::warn("provider_outcome_unknown", &fields)
    }
}

/// The alarm: re-check unknown outcomes, give abandoned attempts a last look, expire.
pub async fn on_alarm(r: &mut PaymentRecord, env: &Env, now_ms: i64) {
    let recheck_due = match r.completion {
        Completion::Unknown { next_ms, .. } => next_ms <= now_ms,
        Completion::InFlight { since_ms } => since_ms + 45_000 <= now_ms,
        Completion::Idle => false,
    };
    let attempt_over = r.status == PaymentStatus::Pending && r.attempt_deadline_ms.is_some_and(|d| d <= now_ms);
    if r.status == PaymentStatus::Pending && (recheck_due || attempt_over) {
        if let Completion::InFlight { .. } = r.completion {
            r.completion = Completion::Unknown {
                attempts: 0,
                next_ms: now_ms,
            };
        }
        check(r, "alarm", env, now_ms).await;
        // Still nothing after the page's time is up, and no unclear call outstanding: expired.
        // An unclear execute is re-checked for a day (bKash cannot execute an older payment).
        let gave_up = r.attempt_deadline_ms.is_some_and(|d| d + UNKNOWN_GIVE_UP_MS <= now_ms);
        if r.status == PaymentStatus::Pending && attempt_over && (r.completion == Completion::Idle || gave_up) {
            let applied = r.apply(Event::TimedOut, "expiry", now_ms, None);
            moved(r, &applied, "expiry");
        }
    } else if r.status == PaymentStatus::RequiresMethod && r.expires_ms <= now_ms {
        let applied = r.apply(Event::TimedOut, "expiry", now_ms, None);
        moved(r, &applied, "expiry");
    }
    crate::refunds::flow::on_alarm(r, env, now_ms).await;
}

/// Writes the record's outbox to D1.
pub async fn flush_outbox(r: &PaymentRecord, env: &Env) -> Result<(), String> {
    let db = env.d1("DB").map_err(|e| e.to_string())?;
    ledger::payments::write_outbox(&db, r).await?;
    crate::webhooks::after_ledger_write(env, r).await;
    Ok(())
}
