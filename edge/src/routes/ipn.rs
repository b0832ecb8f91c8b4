//! Provider → edge notifications. bKash: an SNS message whose signature is checked before
//! anything in it is trusted; it then only prompts the payment's object to ask bKash.
//! Nagad publishes no notification: a hit here is a hint, and the object verifies with Nagad.
//! A duplicate changes nothing (the object answers from its stored state).

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::PaymentId;
use bdpay_shared::provider::Provider;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::body;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::ledger::payments as ledger;
use crate::log;
use crate::payment::client as objects;
use crate::payment::command::{CheckReason, Command};
use crate::providers::bkash::sns::{self, SnsVerified};
use crate::providers::{Mode, ProviderConfig};

/// IPNs are verified with the live rules (AWS certificates only, the topic ARN required)
/// unless this is an explicit, loopback dev deployment (the sandbox's certificate rules).
fn ipn_mode(env: &Env) -> Mode {
    if crate::deployment::Deployment::from_env(env).is_dev() {
        Mode::Test
    } else {
        Mode::Live
    }
}

/// The payment an invoice names: `pay_…` or `pay_…-N` for a later attempt.
fn payment_from_invoice(invoice: &str) -> Option<PaymentId> {
    let id = invoice.split_once('-').map_or(invoice, |(id, _)| id);
    PaymentId::parse(id).ok()
}

/// `POST /v1/ipn/bkash`
pub async fn bkash(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let raw = body::bytes(&mut req).await?;
    let config = ProviderConfig::from_env(env, ipn_mode(env));
    let verified = sns::verify_sns(&raw, &config, env).await.inspect_err(|f| {
        log::warn("ipn_refused", &json!({ "provider": "bkash", "code": f.provider_code }));
    })?;
    match verified {
        SnsVerified::SubscriptionConfirmation { subscribe_url } => {
            sns::confirm_subscription(&subscribe_url, &config).await?;
            log::info("ipn_subscribed", &json!({ "provider": "bkash" }));
            Ok(http::json(200, &json!({ "received": true, "subscribed": true })))
        }
        SnsVerified::UnsubscribeConfirmation => Ok(http::json(200, &json!({ "received": true }))),
        SnsVerified::Notification { message_id, message } => {
            if seen_before(env, &message_id).await {
                return Ok(http::json(200, &json!({ "received": true, "duplicate": true })));
            }
            let payment = match payment_from_invoice(&message.merchant_invoice_number) {
                Some(id) => Some(id),
                None => ledger::id_by_provider_ref(&env.d1("DB")?, Provider::Bkash, &message.trx_id)
                    .await?
                    .and_then(|id| PaymentId::parse(&id).ok()),
            };
            let Some(payment) = payment else {
                // A payment into the wallet from another channel (QR, USSD): reconciliation's.
                log::info(
                    "ipn_unmatched",
                    &json!({ "provider": "bkash", "message_id": message_id }),
                );
                return Ok(http::json(200, &json!({ "received": true, "matched": false })));
            };
            let check = Command::Check {
                reason: CheckReason::Ipn,
                provider: Some(Provider::Bkash),
                provider_ref: None,
            };
            match objects::send(env, &payment, &check).await {
                Ok(r) => {
                    remember(env, &message_id).await;
                    Ok(http::json(
                        200,
                        &json!({ "received": true, "payment": r.id, "status": r.status }),
                    ))
                }
                Err(EdgeError::Api(e)) if e.code() == ErrorCode::NotFound => {
                    Ok(http::json(200, &json!({ "received": true, "matched": false })))
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// `GET|POST /v1/ipn/nagad?payment_ref_id=…`: a hint; the object verifies with Nagad, at most
/// once per payment per [`HINT_EVERY_MS`]. The caller is not authenticated, so the answer is
/// the same `202 {"received": true}` whatever the reference names (no id, no status); only a
/// missing or malformed reference is a 400.
pub async fn nagad(req: Request, env: &Env) -> EdgeResult<Response> {
    let url = req.url()?;
    let reference = url
        .query_pairs()
        .find(|(k, _)| k == "payment_ref_id")
        .map(|(_, v)| v.into_owned())
        .filter(|r| !r.is_empty() && r.len() <= 200)
        .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, "payment_ref_id is required"))?;
    let received = || Ok(http::json(202, &json!({ "received": true })));
    let found = match ledger::id_by_provider_ref(&env.d1("DB")?, Provider::Nagad, &reference).await {
        Ok(found) => found,
        Err(e) => {
            log::warn("nagad_hint_lookup", &json!({ "cause": e.to_string() }));
            return received();
        }
    };
    let Some(payment) = found.and_then(|id| PaymentId::parse(&id).ok()) else {
        return received();
    };
    if !hint_due(env, &payment).await {
        log::info("nagad_hint_throttled", &json!({ "payment": payment.as_str() }));
        return received();
    }
    let check = Command::Check {
        reason: CheckReason::Hint,
        provider: Some(Provider::Nagad),
        provider_ref: Some(reference),
    };
    if let Err(e) = objects::send(env, &payment, &check).await {
        log::warn(
            "nagad_hint_check_failed",
            &json!({ "payment": payment.as_str(), "code": e.to_api_error().code().as_str() }),
        );
    }
    received()
}

/// Hints verify a payment at most this often.
pub const HINT_EVERY_MS: i64 = 10_000;

/// Whether a hint at `now_ms` may verify, given when the last one did (`last_ms`).
pub fn hint_allowed(last_ms: Option<i64>, now_ms: i64) -> bool {
    last_ms.is_none_or(|last| now_ms.saturating_sub(last) >= HINT_EVERY_MS || last > now_ms)
}

/// Reads and sets the payment's last-hint time in KV (`nagad_hint:{pay_…}`, kept 60 s, the
/// shortest TTL KV takes; the 10 s window is the stored time's). Without KV: allowed.
async fn hint_due(env: &Env, payment: &PaymentId) -> bool {
    let Ok(kv) = env.kv("CACHE") else { return true };
    let key = format!("nagad_hint:{}", payment.as_str());
    let now = crate::clock::now_ms();
    let last = kv
        .get(&key)
        .text()
        .await
        .ok()
        .flatten()
        .and_then(|v| v.parse::<i64>().ok());
    if !hint_allowed(last, now) {
        return false;
    }
    if let Ok(put) = kv.put(&key, now.to_string()) {
        let _ = put.expiration_ttl(60).execute().await;
    }
    true
}

/// SNS redelivers with the same MessageId: remember handled ids for a day (KV).
async fn seen_before(env: &Env, message_id: &str) -> bool {
    match env.kv("CACHE") {
        Ok(kv) => kv
            .get(&format!("sns:{message_id}"))
            .text()
            .await
            .ok()
            .flatten()
            .is_some(),
        Err(_) => false,
    }
}

async fn remember(env: &Env, message_id: &str) {
    if let Ok(kv) = env.kv("CACHE") {
        if let Ok(put) = kv.put(&format!("sns:{message_id}"), "1") {
            let _ = put.expiration_ttl(86_400).execute().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_verify_at_most_once_per_ten_seconds() {
        let t = 1_800_000_000_000;
        assert!(hint_allowed(None, t));
        assert!(!hint_allowed(Some(t), t));
        assert!(!hint_allowed(Some(t - 9_999), t));
        assert!(hint_allowed(Some(t - 10_000), t));
        assert!(
            hint_allowed(Some(t + 60_000), t),
            "a stored time in the future is not trusted"
        );
        assert!(hint_allowed(Some(i64::MIN), t));
    }

    #[test]
    fn invoices_name_their_payment() {
        let id = "pay_0123456789abcdefghijklmn";
        assert_eq!(
            payment_from_invoice(id).map(|p| p.as_str().to_owned()).as_deref(),
            Some(id)
        );
        assert!(payment_from_invoice(&format!("{id}-2")).is_some());
        assert!(payment_from_invoice("order-1").is_none());
    }
}
