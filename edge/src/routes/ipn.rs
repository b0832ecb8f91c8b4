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
    let config = ProviderConfig::from_env(env, ipn_mode(env))?;
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

/// `GET|POST /v1/ipn/nagad?payment_ref_id=…`: a hint; the object verifies with Nagad.
pub async fn nagad(req: Request, env: &Env) -> EdgeResult<Response> {
    let url = req.url()?;
    let reference = url
        .query_pairs()
        .find(|(k, _)| k == "payment_ref_id")
        .map(|(_, v)| v.into_owned())
        .filter(|r| !r.is_empty() && r.len() <= 200)
        .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, "payment_ref_id is required"))?;
    let found = ledger::id_by_provider_ref(&env.d1("DB")?, Provider::Nagad, &reference).await?;
    let Some(payment) = found.and_then(|id| PaymentId::parse(&id).ok()) else {
        return Ok(http::json(202, &json!({ "received": true, "matched": false })));
    };
    let check = Command::Check {
        reason: CheckReason::Hint,
        provider: Some(Provider::Nagad),
        provider_ref: Some(reference),
    };
    let r = objects::send(env, &payment, &check).await?;
    Ok(http::json(
        202,
        &json!({ "received": true, "payment": r.id, "status": r.status }),
    ))
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
