//! `Idempotency-Key` for every merchant POST, in one place: parse the header, reserve the key
//! for this request's bytes, replay a stored answer or refuse a conflict, then store the new
//! answer (AES-GCM sealed: answers can hold a client secret) or free the key if nothing was
//! made. The D1 statements are in `ledger::idempotency`.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::IdempotencyKey;
use worker::{D1Database, Env, Request, Response};

use crate::clock::now_ms;
use crate::config::EdgeConfig;
use crate::crypto::sha256_hex;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::keys::binding;
use crate::ledger::idempotency::{self, Seen};

/// The request's `Idempotency-Key`, if it sent one; 400 if it is malformed.
pub fn key(req: &Request) -> EdgeResult<Option<IdempotencyKey>> {
    match req.headers().get("idempotency-key").ok().flatten() {
        Some(k) => IdempotencyKey::parse(&k).map(Some).map_err(|_| {
            EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "Idempotency-Key must be 1-255 printable ASCII characters",
            )
        }),
        None => Ok(None),
    }
}

/// A key reserved for this request: the answer must be stored or the key released.
pub struct Reserved {
    db: D1Database,
    merchant_id: String,
    key: IdempotencyKey,
}

/// What to do with a request.
pub enum Begun {
    /// Go on (with the reservation, if the request carried a key).
    Fresh(Option<Reserved>),
    /// Answered before with the same bytes: the stored status and (unsealed) body.
    Replay { status: u16, body: String },
}

/// Reserves `key` for `what` (method and path) plus `raw` (the body). Call after the body has
/// been checked, so a malformed request never takes a key.
pub async fn begin(
    env: &Env,
    merchant_id: &str,
    key: Option<IdempotencyKey>,
    what: &str,
    raw: &[u8],
) -> EdgeResult<Begun> {
    let Some(key) = key else { return Ok(Begun::Fresh(None)) };
    let db = env.d1("DB")?;
    let hash = sha256_hex(&[what.as_bytes(), b"\n", raw].concat());
    match idempotency::begin(&db, merchant_id, key.as_str(), &hash, now_ms()).await? {
        Seen::New => Ok(Begun::Fresh(Some(Reserved {
            db,
            merchant_id: merchant_id.to_owned(),
            key,
        }))),
        Seen::Replay { status, body } => {
            let plain = EdgeConfig::from_env(env)?
                .data_keys
                .decrypt_text(&binding::idempotent_response(merchant_id, key.as_str()), &body)
                .map_err(EdgeError::internal)?;
            Ok(Begun::Replay { status, body: plain })
        }
        Seen::Conflict => Err(EdgeError::Refused(ErrorCode::IdempotencyConflict)),
    }
}

impl Reserved {
    /// Stores the answer a repeat of this request will get.
    pub async fn finish(self, env: &Env, status: u16, body: &str) -> EdgeResult<()> {
        let sealed = EdgeConfig::from_env(env)?
            .data_keys
            .encrypt_text(
                &binding::idempotent_response(&self.merchant_id, self.key.as_str()),
                body,
            )
            .map_err(EdgeError::internal)?;
        idempotency::finish(&self.db, &self.merchant_id, self.key.as_str(), status, &sealed).await?;
        Ok(())
    }

    /// Frees the key: the request made nothing.
    pub async fn release(self) {
        let _ = idempotency::release(&self.db, &self.merchant_id, self.key.as_str()).await;
    }
}

/// Finishes a request that answers a JSON body: stores it under the reservation on success,
/// releases the key on failure.
pub async fn settle(env: &Env, reserved: Option<Reserved>, made: EdgeResult<(u16, String)>) -> EdgeResult<Response> {
    match made {
        Ok((status, body)) => {
            if let Some(r) = reserved {
                r.finish(env, status, &body).await?;
            }
            Ok(json_text(status, body))
        }
        Err(e) => {
            if let Some(r) = reserved {
                r.release().await;
            }
            Err(e)
        }
    }
}

/// A JSON answer already serialized (a replay, or one just made).
pub fn json_text(status: u16, body: String) -> Response {
    http::bytes_with(status, "application/json; charset=utf-8", body.into_bytes())
}
