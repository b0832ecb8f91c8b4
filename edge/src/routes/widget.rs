//! Widget → edge: `confirm` and `status`, authorised by the payment's client secret (not by
//! the origin), so both answer CORS for any origin.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::{ClientSecret, PaymentId};
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::Reason;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Headers, Request, Response};

use crate::body;
use crate::config::EdgeConfig;
use crate::crypto::sha256_hex;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::payment::command::Command;
use crate::payment::record::{PaymentRecord, StoredPhone};
use crate::payment::view;
use crate::payment_flow;
use crate::providers::{Device, Mode};

/// Adds the CORS headers the widget's endpoints carry on every answer, errors included.
pub fn with_cors(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    let _ = h.set("access-control-allow-origin", "*");
    let _ = h.set("access-control-max-age", "86400");
    let _ = h.set("vary", "origin");
    resp
}

/// The preflight for confirm and status.
pub fn preflight() -> Response {
    let headers = Headers::new();
    let _ = headers.set("access-control-allow-methods", "GET, POST, OPTIONS");
    let _ = headers.set("access-control-allow-headers", "content-type");
    with_cors(Response::builder().with_status(204).with_headers(headers).empty())
}

/// The payment id in the path and the secret must belong together; the secret's hash must
/// match the stored one (checked by the object for confirm, here for status).
fn parse_secret(id: &str, secret: &str) -> EdgeResult<(PaymentId, ClientSecret)> {
    let id = PaymentId::parse(id).map_err(|_| EdgeError::not_found())?;
    let secret = ClientSecret::parse(secret).map_err(|_| EdgeError::unauthorized())?;
    if secret.payment_id() != id {
        return Err(EdgeError::unauthorized());
    }
    Ok((id, secret))
}

/// `GET /v1/payments/{id}/status?client_secret=…`: no provider call, ever.
pub async fn status(req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let url = req.url()?;
    let secret = url
        .query_pairs()
        .find(|(k, _)| k == "client_secret")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let (id, secret) = parse_secret(id, &secret)?;
    let record = objects::send(env, id.as_str(), &Command::Get).await?;
    if !payment_flow::secret_matches(&record, &sha256_hex(secret.expose().as_bytes())) {
        return Err(EdgeError::unauthorized());
    }
    let up = payment_flow::availability(env, mode_of(&record));
    let mut resp = crate::http::json(200, &view::widget(&record, up));
    let _ = resp.headers_mut().set("cache-control", "private, max-age=1");
    Ok(resp)
}

fn mode_of(r: &PaymentRecord) -> Mode {
    if r.mode == "live" {
        Mode::Live
    } else {
        Mode::Test
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    client_secret: String,
    #[serde(default)]
    provider: Option<Provider>,
    #[serde(default)]
    customer_phone: Option<Msisdn>,
    #[serde(default)]
    device: Option<Device>,
}

/// `POST /v1/payments/{id}/confirm`: start the attempt; answer where to send the shopper.
pub async fn confirm(mut req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let input: ConfirmBody = body::json(&mut req).await?;
    let (id, secret) = parse_secret(id, &input.client_secret)?;
    let customer_phone = match &input.customer_phone {
        Some(p) => {
            let config = EdgeConfig::from_env(env)?;
            Some(StoredPhone {
                masked: p.masked(),
                enc: config.data_keys.encrypt_phone(p).map_err(EdgeError::internal)?,
                hash: config.data_keys.phone_lookup_hash(p).map_err(EdgeError::internal)?,
            })
        }
        None => None,
    };
    let shopper_ip = req
        .headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .filter(|ip| ip.split('.').count() == 4 && ip.split('.').all(|o| o.parse::<u8>().is_ok()));
    let cmd = Command::Confirm {
        client_secret_hash: sha256_hex(secret.expose().as_bytes()),
        provider: input.provider,
        device: input.device.unwrap_or(Device::MobileWeb),
        shopper_ip,
        customer_phone,
    };
    let record = objects::send(env, id.as_str(), &cmd).await?;
    let reason = record
        .choice_reason
        .as_deref()
        .and_then(reason_from)
        .unwrap_or(Reason::ShopperChoice);
    let redirect_url = record
        .redirect_url
        .clone()
        .ok_or(EdgeError::Refused(ErrorCode::InvalidState))?;
    Ok(crate::http::json(
        200,
        &json!({
            "id": record.id, "status": record.status, "provider": record.provider,
            "redirect_url": redirect_url,
            "reason": { "code": reason.as_str(), "message": reason.message_en(), "message_bn": reason.message_bn() },
        }),
    ))
}

fn reason_from(code: &str) -> Option<Reason> {
    [
        Reason::ShopperChoice,
        Reason::OtherUnavailable,
        Reason::PhoneOperator,
        Reason::MostUsed,
    ]
    .into_iter()
    .find(|r| r.as_str() == code)
}
