//! Talking to a payment's Durable Object: one command in, the record (or an error) out.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::PaymentId;
use wasm_bindgen::JsValue;
use worker::{Env, Method, Request, RequestInit};

use super::command::{Command, Reply};
use super::record::PaymentRecord;
use crate::auth::Merchant;
use crate::error::{EdgeError, EdgeResult};

/// Sends `cmd` to the object named by the payment id.
pub async fn send(env: &Env, payment_id: &PaymentId, cmd: &Command) -> EdgeResult<PaymentRecord> {
    let stub = env
        .durable_object("PAYMENTS")?
        .id_from_name(payment_id.as_str())?
        .get_stub()?;
    let body = serde_json::to_string(cmd).map_err(|e| EdgeError::internal(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(JsValue::from_str(&body)));
    let req = Request::new_with_init("https://payment.internal/command", &init)?;
    let resp = stub.fetch_with_request(req).await?;
    match crate::object_json::reply::<Reply>(resp).await {
        Ok(Reply::Payment(r)) => Ok(*r),
        Ok(Reply::Error { body, .. }) => Err(EdgeError::Api(body)),
        Err(e) => Err(EdgeError::internal(format!("payment object reply: {e}"))),
    }
}

/// The record, or 404 when there is none, or it belongs to another merchant, or to the
/// other mode (a test key never sees a live payment, nor a live key a test one).
pub async fn get_for_merchant(env: &Env, payment_id: &PaymentId, merchant: &Merchant) -> EdgeResult<PaymentRecord> {
    let r = send(env, payment_id, &Command::Get).await?;
    if r.merchant_id == merchant.id && r.mode == merchant.mode {
        Ok(r)
    } else {
        Err(EdgeError::Refused(ErrorCode::NotFound))
    }
}
