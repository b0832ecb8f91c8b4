//! Widget → edge: `confirm` and `status` (and `manual_transfer`, routes::manual_transfer),
//! authorised by the payment's client secret (not by the origin), so they answer CORS for any
//! origin. The secret may come in the header `BdPay-Client-Secret` (kept out of URLs and
//! logs) or, as before, in the query (status) or the body (confirm); given both ways, the two
//! must agree.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::{ClientSecret, PaymentId};
use bdpay_shared::locale::Lang;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use bdpay_shared::risk::{nid, Action};
use bdpay_shared::status::AttemptStatus;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Headers, Request, Response};

use crate::body;
use crate::clock::now_ms;
use crate::config::EdgeConfig;
use crate::crypto::sha256_hex;
use crate::error::{EdgeError, EdgeResult};
use crate::keys::binding;
use crate::ledger::manual_settings;
use crate::manual::instructions::{self, Instructions};
use crate::payment::checkout::Sealed;
use crate::payment::client as objects;
use crate::payment::command::Command;
use crate::payment::flow::availability;
use crate::payment::manual;
use crate::payment::object::secret_matches;
use crate::payment::record::{PaymentRecord, StoredPhone};
use crate::payment::view;
use crate::providers::Device;
use crate::risk::geo::Geo;

/// Adds the CORS headers the widget's endpoints carry on every answer, errors included.
pub fn with_cors(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    let _ = h.set("access-control-allow-origin", "*");
    let _ = h.set("access-control-max-age", "86400");
    let _ = h.set("vary", "origin");
    resp
}

/// The request headers the widget's endpoints admit from any origin.
const ALLOW_HEADERS: &str = "content-type, bdpay-client-secret, bdpay-test-geo";

/// The preflight for confirm, status and manual_transfer.
pub fn preflight() -> Response {
    let headers = Headers::new();
    let _ = headers.set("access-control-allow-methods", "GET, POST, OPTIONS");
    let _ = headers.set("access-control-allow-headers", ALLOW_HEADERS);
    with_cors(Response::builder().with_status(204).with_headers(headers).empty())
}

/// The header that may carry the client secret.
pub const SECRET_HEADER: &str = "bdpay-client-secret";

/// The client secret from the header or from the query/body (`other`): one of them, or both
/// when they agree; `None` when neither was given or they disagree (a 401 either way).
pub fn pick_secret(header: Option<String>, other: Option<String>) -> Option<String> {
    let header = header.filter(|h| !h.is_empty());
    let other = other.filter(|o| !o.is_empty());
    match (header, other) {
        (Some(h), Some(o)) => (h == o).then_some(h),
        (h, o) => h.or(o),
    }
}

pub(super) fn header_secret(req: &Request) -> Option<String> {
    req.headers()
        .get(SECRET_HEADER)
        .ok()
        .flatten()
        .map(|h| h.trim().to_owned())
}

/// The payment id in the path and the secret must belong together; the secret's hash must
/// match the stored one (checked by the object for confirm, here for status).
pub(super) fn parse_secret(id: &str, secret: &str) -> EdgeResult<(PaymentId, ClientSecret)> {
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
    let query = url
        .query_pairs()
        .find(|(k, _)| k == "client_secret")
        .map(|(_, v)| v.into_owned());
    let secret = pick_secret(header_secret(&req), query).unwrap_or_default();
    let (id, secret) = parse_secret(id, &secret)?;
    let record = objects::send(env, &id, &Command::Get).await?;
    if !secret_matches(&record, &sha256_hex(secret.expose().as_bytes())) {
        return Err(EdgeError::unauthorized());
    }
    let mut up = availability(env, &record).await;
    let settings = crate::risk::settings::load(env, &record.merchant_id, record.mode).await;
    if crate::payment::risk_gate::bkash_refused(&settings, record.amount) {
        up.bkash.configured = false;
    }
    let manual = standing_instructions(env, &record).await;
    let view = view::widget(&record, up, manual, &settings);
    Ok(crate::http::json_cached(200, &view, "private, max-age=1"))
}

/// The manual transfer instructions, when they stand for this payment now.
async fn standing_instructions(env: &Env, r: &PaymentRecord) -> Option<Instructions> {
    if !manual::offer_stands(r, now_ms()) {
        return None;
    }
    let settings = manual_settings::load(env, &r.merchant_id).await?;
    instructions::instructions(&r.id, r.amount, &settings)
}

/// What the shopper picked: a wallet, or paying by hand.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Choice {
    Bkash,
    Nagad,
    ManualTransfer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    /// Or in the `BdPay-Client-Secret` header.
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    provider: Option<Choice>,
    #[serde(default)]
    customer_phone: Option<Msisdn>,
    #[serde(default)]
    device: Option<Device>,
    /// The widget's device id (docs/device-id.md): kept only as a keyed digest.
    #[serde(default)]
    device_id: Option<String>,
    /// Compliance, when the status answer asks: the shopper's NID and an alternate phone.
    #[serde(default)]
    nid: Option<String>,
    #[serde(default)]
    alt_phone: Option<Msisdn>,
}

/// A device id as the widget makes it: 16 to 128 lowercase hex characters.
fn device_id_ok(id: &str) -> bool {
    (16..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `POST /v1/payments/{id}/confirm`: start the attempt; answer where to send the shopper.
pub async fn confirm(mut req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let header = header_secret(&req);
    let input: ConfirmBody = body::json(&mut req).await?;
    let secret = pick_secret(header, input.client_secret.clone()).unwrap_or_default();
    let (id, secret) = parse_secret(id, &secret)?;
    if input.device_id.as_deref().is_some_and(|d| !device_id_ok(d)) {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "device_id: 16 to 128 lowercase hex characters",
        ));
    }
    let nid = match input.nid.as_deref().map(str::trim) {
        Some(n) => Some(nid::parse(n).map_err(|e| EdgeError::invalid(ErrorCode::InvalidRequest, format!("nid: {e}")))?),
        None => None,
    };
    let config = EdgeConfig::from_env(env)?;
    let customer_phone = match &input.customer_phone {
        Some(p) => Some(StoredPhone::seal(&config.data_keys, id.as_str(), p).map_err(EdgeError::internal)?),
        None => None,
    };
    let alt_phone = match &input.alt_phone {
        Some(p) => Some(Sealed {
            masked: p.masked(),
            enc: config
                .data_keys
                .encrypt_phone(&binding::payment_alt_phone(id.as_str()), p)
                .map_err(EdgeError::internal)?,
        }),
        None => None,
    };
    let nid = match nid {
        Some(n) => Some(Sealed {
            masked: n.masked(),
            enc: config
                .data_keys
                .encrypt_text(&binding::payment_nid(id.as_str()), n.expose_digits())
                .map_err(EdgeError::internal)?,
        }),
        None => None,
    };
    let device_hash = match input.device_id.as_deref() {
        Some(d) => Some(config.data_keys.device_hash(d).map_err(EdgeError::internal)?),
        None => None,
    };
    let shopper_ip = req
        .headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .filter(|ip| ip.split('.').count() == 4 && ip.split('.').all(|o| o.parse::<u8>().is_ok()));
    let provider = match input.provider {
        Some(Choice::Bkash) => Some(Provider::Bkash),
        Some(Choice::Nagad) => Some(Provider::Nagad),
        Some(Choice::ManualTransfer) | None => None,
    };
    let cmd = Command::Confirm {
        client_secret_hash: sha256_hex(secret.expose().as_bytes()),
        provider,
        manual_transfer: matches!(input.provider, Some(Choice::ManualTransfer)),
        device: input.device.unwrap_or(Device::MobileWeb),
        shopper_ip,
        customer_phone,
        device_hash,
        geo: Geo::of(&req, env),
        nid,
        alt_phone,
    };
    let record = objects::send(env, &id, &cmd).await?;
    answer(env, &record).await
}

/// The answer to a confirm (or to a right step-up code): the step-up waiting for its code,
/// the manual transfer instructions, or the wallet's page to send the shopper to.
pub(super) async fn answer(env: &Env, record: &PaymentRecord) -> EdgeResult<Response> {
    if let Some(otp) = view::waiting_step_up(record) {
        let msg = Action::StepUp;
        return Ok(crate::http::json(
            200,
            &json!({ "id": record.id, "status": record.status, "next_action": view::NextAction::Otp(otp),
                     "message": msg.shopper_message(Lang::En), "message_bn": msg.shopper_message(Lang::Bn) }),
        ));
    }
    if manual::offer_stands(record, now_ms()) {
        // Answered with the instructions (asked for, or no wallet can take the payment).
        let instructions = standing_instructions(env, record)
            .await
            .ok_or_else(|| EdgeError::internal("manual transfer offered without a number to send to"))?;
        return Ok(crate::http::json(
            200,
            &json!({ "id": record.id, "status": record.status,
                     "next_action": view::NextAction::ManualTransfer { instructions } }),
        ));
    }
    let attempt = record
        .current()
        .filter(|a| a.status == AttemptStatus::Started)
        .ok_or(EdgeError::Refused(ErrorCode::InvalidState))?;
    let reason = attempt.reason;
    let mut answer = json!({
        "id": record.id, "status": record.status, "provider": attempt.provider,
        "redirect_url": attempt.redirect_url,
        "reason": { "code": reason.as_str(), "message": reason.message_en(), "message_bn": reason.message_bn() },
    });
    if let Some(from) = attempt.failover_from {
        answer["failover_from"] = json!(from);
    }
    if let Some(offer) = record.checkout.offer.filter(|o| o.provider == attempt.provider) {
        answer["offer"] = json!({ "kind": offer.kind, "amount": offer.amount });
    }
    Ok(crate::http::json(200, &answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_comes_from_the_header_or_the_request_and_both_must_agree() {
        let s = || Some("pay_x_secret_y".to_owned());
        assert_eq!(pick_secret(s(), None), s());
        assert_eq!(pick_secret(None, s()), s());
        assert_eq!(pick_secret(s(), s()), s());
        assert_eq!(pick_secret(s(), Some("other".into())), None);
        assert_eq!(pick_secret(Some(String::new()), s()), s());
        assert_eq!(pick_secret(None, None), None);
    }

    #[test]
    fn a_device_id_is_lowercase_hex_of_a_sane_length() {
        assert!(device_id_ok(&"ab12".repeat(16)));
        assert!(device_id_ok(&"0".repeat(16)));
        assert!(!device_id_ok(&"0".repeat(15)));
        assert!(!device_id_ok(&"0".repeat(129)));
        assert!(!device_id_ok(&"AB12".repeat(16)));
        assert!(!device_id_ok(&"zz".repeat(16)));
    }

    #[test]
    fn the_preflight_allows_the_secret_header() {
        let allowed: Vec<&str> = ALLOW_HEADERS.split(", ").collect();
        assert_eq!(allowed, ["content-type", SECRET_HEADER, crate::risk::geo::TEST_HEADER]);
    }
}
