//! Merchant server → edge: create a payment (with `Idempotency-Key`), read one, find by order.

use bdpay_shared::cohort;
use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::{ClientSecret, OrderId, PaymentId};
use bdpay_shared::money::Money;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::status::PaymentStatus;
use bdpay_shared::tax;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use worker::{Env, Request, Response};

use crate::auth::{self, Merchant};
use crate::body;
use crate::clock::now_ms;
use crate::config::EdgeConfig;
use crate::crypto::{random, sha256_hex};
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::idempotent::{self, Begun};
use crate::ledger::payments as ledger;
use crate::payment::checkout::Checkout;
use crate::payment::client as objects;
use crate::payment::command::Command;
use crate::payment::record::{EventRow, PaymentRecord, StoredPhone};
use crate::payment::view;

/// `POST /v1/payments` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    pub order_id: OrderId,
    pub amount: Money,
    #[serde(default)]
    pub customer_phone: Option<Msisdn>,
    #[serde(default)]
    pub return_url: Option<String>,
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// `"BDT"` in any case, or absent: money is taka only.
    #[serde(default)]
    pub currency: Option<String>,
    /// `false`: a confirm never moves to the other wallet (default `true`).
    #[serde(default)]
    pub allow_failover: Option<bool>,
}

/// The currency a create names, if any: only taka.
fn check_currency(currency: Option<&str>) -> EdgeResult<()> {
    match currency {
        None => Ok(()),
        Some(c) if c.eq_ignore_ascii_case("BDT") => Ok(()),
        Some(_) => Err(EdgeError::invalid(
            ErrorCode::UnsupportedCurrency,
            "currency must be \"BDT\" (Bangladeshi taka), or left out",
        )),
    }
}

fn check_return_url(url: &str) -> EdgeResult<()> {
    let ok = url.len() <= 2048
        && (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(char::is_whitespace);
    ok.then_some(()).ok_or_else(|| {
        EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "return_url must be an http(s) URL of at most 2048 characters",
        )
    })
}

/// At most 20 keys of ≤ 40 characters, string values of ≤ 500 (a merchant's own notes).
/// Characters, not bytes: a Bangla note of 500 letters fits, as the message says.
fn check_metadata(m: &Map<String, Value>) -> EdgeResult<()> {
    let bad = m.len() > 20
        || m.iter()
            .any(|(k, v)| k.is_empty() || k.chars().count() > 40 || v.as_str().is_none_or(|s| s.chars().count() > 500));
    if bad {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "metadata: at most 20 keys of up to 40 characters, each a string of up to 500",
        ));
    }
    Ok(())
}

/// Every rule on a create's body, checked before anything is written (or a key taken).
fn check(input: &CreateBody) -> EdgeResult<()> {
    if let Some(url) = &input.return_url {
        check_return_url(url)?;
    }
    if let Some(m) = &input.metadata {
        check_metadata(m)?;
    }
    check_currency(input.currency.as_deref())
}

/// Makes the payment and its object; the caller answers with the returned record and secret.
pub async fn create(env: &Env, merchant: &Merchant, input: CreateBody) -> EdgeResult<(PaymentRecord, ClientSecret)> {
    check(&input)?;
    let config = EdgeConfig::from_env(env)?;
    let now = now_ms();
    let id = PaymentId::from_random(random().map_err(EdgeError::internal)?);
    let secret = ClientSecret::from_random(&id, random().map_err(EdgeError::internal)?);
    let customer_phone = match &input.customer_phone {
        Some(p) => Some(StoredPhone::seal(&config.data_keys, id.as_str(), p).map_err(EdgeError::internal)?),
        None => None,
    };
    let checkout = checkout_at_create(env, merchant, &input.order_id, input.amount).await;
    let record = PaymentRecord {
        id,
        merchant_id: merchant.id.clone(),
        merchant_name: merchant.name.clone(),
        mode: merchant.mode,
        order_id: input.order_id,
        amount: input.amount,
        status: PaymentStatus::RequiresMethod,
        version: 1,
        client_secret_hash: sha256_hex(secret.expose().as_bytes()),
        attempts: Vec::new(),
        paid_attempt: None,
        order_claim: None,
        claim_retry_ms: None,
        customer_phone,
        return_url: input.return_url,
        metadata: input.metadata.map(Value::Object),
        allow_failover: input.allow_failover.unwrap_or(true),
        error: None,
        refunded: None,
        created_ms: now,
        updated_ms: now,
        expires_ms: now + config.unpaid_ttl_ms,
        outbox_events: vec![EventRow {
            version: 1,
            status: PaymentStatus::RequiresMethod,
            reason: "create".into(),
            at_ms: now,
            detail: None,
        }],
        outbox_calls: Vec::new(),
        outbox_row: true,
        outbox_webhooks: Vec::new(),
        outbox_failures: 0,
        outbox_failing_since_ms: None,
        refunds: Vec::new(),
        manual_offered_ms: None,
        manual_shown: false,
        transfers: Vec::new(),
        checkout,
    };
    let stored = objects::send(
        env,
        &id,
        &Command::Create {
            record: Box::new(record),
        },
    )
    .await?;
    Ok((stored, secret))
}

/// The offers (the merchant's promotions), the cohort (its rollout, by the order id) and the
/// tax line (its rates), fixed when the payment is made.
async fn checkout_at_create(env: &Env, merchant: &Merchant, order_id: &OrderId, amount: Money) -> Checkout {
    let settings = crate::risk::settings::load(env, &merchant.id, merchant.mode).await;
    let cohort = match &settings.rollout {
        Some(rollout) => cohort::cohort(order_id.as_str(), &merchant.id, rollout)
            .as_str()
            .to_owned(),
        None => cohort::CONTROL.to_owned(),
    };
    Checkout {
        offers: bdpay_shared::promotions::offers(&settings.promotions, amount),
        cohort: Some(cohort),
        tax: Some(tax::tax_line(amount, &settings.tax)),
        ..Checkout::default()
    }
}

/// `POST /v1/payments`
pub async fn post(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let key = idempotent::key(&req)?;
    // Read and check the body first: a malformed request never takes the key.
    let raw = body::json_bytes(&mut req).await?;
    let input: CreateBody = body::parse(&raw)?;
    check(&input)?;
    let reserved = match idempotent::begin(env, &merchant.key_scope(), key, "POST /v1/payments", &raw).await? {
        Begun::Replay { status, body } => return Ok(idempotent::json_text(status, body)),
        Begun::Fresh(reserved) => reserved,
    };
    let made = create(env, &merchant, input).await.and_then(|(record, secret)| {
        serde_json::to_string(&view::merchant(&record, Some(secret.expose())))
            .map(|body| (201, body))
            .map_err(|e| EdgeError::internal(e.to_string()))
    });
    idempotent::settle(env, reserved, made).await
}

/// `GET /v1/payments/{id}`
pub async fn get(req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let id = PaymentId::parse(id).map_err(|_| EdgeError::not_found())?;
    let record = objects::get_for_merchant(env, &id, &merchant).await?;
    Ok(http::json(200, &view::merchant(&record, None)))
}

/// `GET /v1/payments?order_id=…`: the order's payments (attempts), newest first.
pub async fn list(req: Request, env: &Env) -> EdgeResult<Response> {
    let merchant = auth::merchant(&req, env).await?;
    let url = req.url()?;
    let order = url
        .query_pairs()
        .find(|(k, _)| k == "order_id")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| EdgeError::invalid(ErrorCode::InvalidRequest, "order_id is required"))?;
    let order =
        OrderId::parse(&order).map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "order_id is not valid"))?;
    let db = env.d1("DB")?;
    let mut data = Vec::new();
    for id in ledger::ids_by_order(&db, &merchant.id, order.as_str()).await? {
        let Ok(id) = PaymentId::parse(&id) else { continue };
        if let Ok(record) = objects::get_for_merchant(env, &id, &merchant).await {
            data.push(serde_json::to_value(view::merchant(&record, None)).unwrap_or(Value::Null));
        }
    }
    Ok(http::json(200, &json!({ "object": "list", "data": data })))
}
