//! The demo shop's webhook receiver (dev configuration only): what a merchant's server does
//! with our webhooks. It checks `BdPay-Signature` with `bdpay_shared::signature::verify`
//! under the endpoint's secret (`BDPAY_DEMO_WEBHOOK_SECRET`, a TEST secret in the dev vars;
//! `make dev` registers the endpoint with it), answers at once, and keeps each event a day in
//! KV so the demo's thanks page can show what arrived. `GET /demo/webhooks?payment=pay_…`
//! lists them, newest first.

use bdpay_shared::errors::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{Env, Request, Response};

use crate::body;
use crate::clock::now_ms;
use crate::error::{EdgeError, EdgeResult};
use crate::{http, log};

const SECRET: &str = "BDPAY_DEMO_WEBHOOK_SECRET";
const KV: &str = "CACHE";
const PREFIX: &str = "demo:webhook:";
/// Signatures older than this are refused (replays), as the docs advise merchants.
const TOLERANCE_SECS: i64 = 300;
const KEEP_SECS: u64 = 86_400;

/// What the demo keeps of one event (the KV key's metadata).
#[derive(Serialize, Deserialize)]
struct Received {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    payment: Option<String>,
    status: Option<String>,
    received_ms: i64,
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

fn dev_secret(env: &Env) -> EdgeResult<String> {
    let dev = crate::deployment::Deployment::from_env(env).is_dev();
    match env.secret(SECRET) {
        Ok(s) if dev => Ok(s.to_string()),
        _ => Err(EdgeError::not_found()),
    }
}

/// `POST /demo/webhooks`
pub async fn receive(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let secret = dev_secret(env)?;
    let header = req.headers().get("BdPay-Signature").ok().flatten().unwrap_or_default();
    let raw = body::bytes(&mut req).await?;
    let now = now_ms() / 1000;
    if let Err(e) = bdpay_shared::signature::verify(&header, &raw, secret.as_bytes(), now, TOLERANCE_SECS) {
        log::warn("demo_webhook_refused", &json!({ "why": format!("{e:?}") }));
        return Err(EdgeError::invalid(
            ErrorCode::Unauthorized,
            "BdPay-Signature does not verify",
        ));
    }
    let event: Event = body::parse(&raw)?;
    let object = &event.data.object;
    let payment = object["payment_id"]
        .as_str()
        .or(object["id"].as_str())
        .map(str::to_owned);
    let kept = Received {
        id: event.id.clone(),
        kind: event.kind.clone(),
        payment,
        status: object["status"].as_str().map(str::to_owned),
        received_ms: now_ms(),
    };
    log::info("demo_webhook_verified", &json!({ "event": kept.id, "type": kept.kind }));
    let kv = env.kv(KV)?;
    let key = format!("{PREFIX}{}:{}", kept.received_ms, kept.id);
    kv.put(&key, "")
        .and_then(|p| p.metadata(&kept))
        .map_err(|e| EdgeError::internal(format!("kv: {e:?}")))?
        .expiration_ttl(KEEP_SECS)
        .execute()
        .await
        .map_err(|e| EdgeError::internal(format!("kv: {e:?}")))?;
    Ok(http::json(200, &json!({ "received": event.id })))
}

/// `GET /demo/webhooks` (`?payment=pay_…`)
pub async fn list(req: Request, env: &Env) -> EdgeResult<Response> {
    dev_secret(env)?;
    let payment = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "payment")
        .map(|(_, v)| v.into_owned());
    let keys = env
        .kv(KV)?
        .list()
        .prefix(PREFIX.to_owned())
        .limit(1000)
        .execute()
        .await
        .map_err(|e| EdgeError::internal(format!("kv: {e:?}")))?
        .keys;
    let mut data: Vec<Received> = keys
        .into_iter()
        .filter_map(|k| serde_json::from_value(k.metadata?).ok())
        .filter(|r: &Received| payment.is_none() || r.payment == payment)
        .collect();
    data.sort_by_key(|r| std::cmp::Reverse(r.received_ms));
    data.truncate(50);
    Ok(http::json(200, &json!({ "object": "list", "data": data })))
}
