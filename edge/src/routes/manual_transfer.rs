//! Widget → edge: `POST /v1/payments/{id}/manual_transfer`, the shopper quoting the TrxID of
//! money sent by hand (JSON, or multipart with a voucher image). Authorised by the client
//! secret exactly like confirm (body field or `BdPay-Client-Secret`), CORS for any origin.
//! The fields are checked and the sender's number sealed here; the payment's object takes
//! the transfer (one TrxID, one payment) and is the only writer of what follows.

use bdpay_shared::ids::ManualTransferId;
use serde_json::json;
use worker::{Env, Request, Response};

use super::widget::{header_secret, parse_secret, pick_secret};
use crate::config::EdgeConfig;
use crate::crypto::{random, sha256_hex};
use crate::error::{EdgeError, EdgeResult};
use crate::manual::{submission, voucher};
use crate::payment::client as objects;
use crate::payment::command::Command;
use crate::payment::record::PaymentRecord;
use crate::payment::stored_transfer::NewTransfer;

/// `POST /v1/payments/{id}/manual_transfer` → 200 the payment's status and the transfer. The
/// same transfer sent again answers the same transfer.
pub async fn submit(mut req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let header = header_secret(&req);
    let input = submission::read(&mut req).await?;
    let secret = pick_secret(header, input.client_secret.clone()).unwrap_or_default();
    let (payment, secret) = parse_secret(id, &secret)?;
    let config = EdgeConfig::from_env(env)?;
    let transfer_id = ManualTransferId::from_random(random().map_err(EdgeError::internal)?);
    let sender_enc = config
        .data_keys
        .encrypt_phone(
            &crate::keys::binding::transfer_sender(transfer_id.as_str()),
            &input.sender,
        )
        .map_err(EdgeError::internal)?;
    let voucher_key = match input.voucher {
        Some((bytes, kind)) => {
            let key = voucher::key(payment.as_str(), &bytes);
            voucher::store(env, &key, bytes, kind)
                .await
                .map_err(|cause| EdgeError::internal(format!("voucher not stored: {cause}")))?;
            Some(key)
        }
        None => None,
    };
    let cmd = Command::SubmitTransfer {
        client_secret_hash: sha256_hex(secret.expose().as_bytes()),
        transfer: NewTransfer {
            id: transfer_id.as_str().to_owned(),
            provider: input.provider,
            trx_id: input.trx_id.clone(),
            sender_masked: input.sender.masked(),
            voucher_key: voucher_key.clone(),
        },
        sender_enc,
    };
    let sent = objects::send(env, &payment, &cmd).await;
    let record = match sent {
        Ok(record) => record,
        Err(e) => {
            if let Some(key) = &voucher_key {
                voucher::remove(env, key).await; // refused: nothing of it stays
            }
            return Err(e);
        }
    };
    let Some(t) = record
        .transfers
        .iter()
        .find(|t| t.provider == input.provider && t.trx_id == input.trx_id)
    else {
        return Err(EdgeError::internal("the transfer is missing from the record"));
    };
    if let Some(key) = voucher_key.filter(|k| t.voucher_key.as_ref() != Some(k)) {
        voucher::remove(env, &key).await; // the same transfer again, with another file: the first stands
    }
    Ok(crate::http::json(200, &answer(&record, t)))
}

/// The answer: the payment's status and the transfer as the shopper may see it.
fn answer(r: &PaymentRecord, t: &crate::payment::stored_transfer::StoredTransfer) -> serde_json::Value {
    json!({
        "id": r.id, "status": r.status,
        "manual_transfer": {
            "id": t.id, "provider": t.provider, "trx_id": t.trx_id, "status": t.status,
            "has_voucher": t.voucher_key.is_some(),
        },
    })
}
