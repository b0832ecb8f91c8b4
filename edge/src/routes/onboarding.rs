//! Onboarding, for operators (Bearer `BDPAY_ADMIN_TOKEN`; 404 when it is unset): create
//! merchants, issue and revoke their keys, list them. `bdpay-admin` (admin/) drives these.
//! A key is shown once, in the answer that issues it; only its SHA-256 is stored. A key is
//! named by its id (`key_` + the first 16 hex digits of that hash): logs and paths carry the
//! id, never the key nor its shown prefix.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::api_key::{self, KeyShape, KEY_RANDOM_BYTES};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{Env, Request, Response};

use crate::body;
use crate::clock::now_ms;
use crate::crypto::{random, sha256_hex};
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::keys::guard::{self, Access};
use crate::ledger::int;

/// Only the bearer of the admin token gets past.
pub(super) fn operator(req: &Request, env: &Env) -> EdgeResult<()> {
    let token = env.secret("BDPAY_ADMIN_TOKEN").ok().map(|s| s.to_string());
    let offered = req.headers().get("authorization").ok().flatten();
    match guard::check(token.as_deref(), offered.as_deref()) {
        Access::NoSuchRoute => Err(EdgeError::not_found()),
        Access::Unauthorized => Err(EdgeError::unauthorized()),
        Access::Allowed => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMerchant {
    name: String,
    /// An id of the operator's choosing (`mer_` + 1 to 40 of `a-z 0-9 _`); default: random.
    #[serde(default)]
    id: Option<String>,
}

/// A chosen merchant id: `mer_` and 1 to 40 lower-case letters, digits or `_`.
fn chosen_merchant_id(id: &str) -> bool {
    id.strip_prefix("mer_").is_some_and(|rest| {
        (1..=40).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
}

/// `POST /admin/merchants` `{"name", "id"?}` → 201 the merchant; 409 `already_exists` when
/// the chosen id is taken.
pub async fn create_merchant(mut req: Request, env: &Env) -> EdgeResult<Response> {
    operator(&req, env)?;
    let input: NewMerchant = body::json(&mut req).await?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "name: 1 to 100 characters, no control characters",
        ));
    }
    let id = match input.id {
        Some(id) if chosen_merchant_id(&id) => id,
        Some(_) => {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "id: mer_ followed by 1 to 40 of a-z, 0-9 and _",
            ))
        }
        None => {
            let bytes: [u8; 15] = random().map_err(EdgeError::internal)?;
            let hex = crate::crypto::hex(&bytes);
            format!("mer_{}", hex.get(..24).unwrap_or(&hex))
        }
    };
    let now = now_ms();
    let inserted = env
        .d1("DB")?
        .prepare("INSERT OR IGNORE INTO merchants (id, name, created_at) VALUES (?1, ?2, ?3)")
        .bind(&[id.as_str().into(), name.into(), int(now)])?
        .run()
        .await?;
    if inserted.meta()?.and_then(|m| m.changes).unwrap_or(0) == 0 {
        return Err(EdgeError::Refused(ErrorCode::AlreadyExists));
    }
    Ok(http::json(
        201,
        &json!({ "id": id, "object": "merchant", "name": name, "created_at": crate::payment::view::iso(now) }),
    ))
}

/// A key's id from its SHA-256 (hex): what logs, paths and `bdpay-admin keys revoke` use.
fn key_id(key_hash: &str) -> String {
    format!("key_{}", key_hash.get(..16).unwrap_or(key_hash))
}

#[derive(Deserialize)]
struct KeyRow {
    key_hash: String,
    merchant_id: String,
    prefix: String,
    mode: String,
    kind: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

#[derive(Deserialize)]
struct MerchantRow {
    id: String,
    name: String,
    created_at: i64,
}

/// `GET /admin/merchants` → every merchant with its keys (prefixes only, never a key).
pub async fn list_merchants(req: Request, env: &Env) -> EdgeResult<Response> {
    operator(&req, env)?;
    let db = env.d1("DB")?;
    let merchants = db
        .prepare("SELECT id, name, created_at FROM merchants ORDER BY created_at, id LIMIT 1000")
        .all()
        .await?
        .results::<MerchantRow>()?;
    let keys = db
        .prepare(
            "SELECT key_hash, merchant_id, prefix, mode, kind, created_at, revoked_at FROM api_keys \
             ORDER BY created_at",
        )
        .all()
        .await?
        .results::<KeyRow>()?;
    let iso = crate::payment::view::iso;
    let data: Vec<Value> = merchants
        .iter()
        .map(|m| {
            let keys: Vec<Value> = keys
                .iter()
                .filter(|k| k.merchant_id == m.id)
                .map(|k| {
                    json!({ "id": key_id(&k.key_hash), "prefix": k.prefix, "mode": k.mode, "kind": k.kind,
                            "created_at": iso(k.created_at),
                            "revoked_at": k.revoked_at.map(iso) })
                })
                .collect();
            json!({ "id": m.id, "object": "merchant", "name": m.name, "created_at": iso(m.created_at), "keys": keys })
        })
        .collect();
    Ok(http::json(200, &json!({ "object": "list", "data": data })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    /// `test` | `live`
    mode: String,
    #[serde(default)]
    read_only: bool,
    /// Dev deployments only: this key instead of a random one (`make dev` seeds the demo
    /// merchant's documented `sk_test_demo` this way). Refused anywhere else.
    #[serde(default)]
    key: Option<String>,
}

/// `POST /admin/merchants/{id}/keys` `{"mode": "test"|"live", "read_only": bool}` → 201 with
/// the key, shown this once.
pub async fn issue_key(mut req: Request, env: &Env, merchant_id: &str) -> EdgeResult<Response> {
    operator(&req, env)?;
    let input: NewKey = body::json(&mut req).await?;
    let live = match input.mode.as_str() {
        "test" => false,
        "live" => true,
        _ => {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "mode must be test or live",
            ))
        }
    };
    let db = env.d1("DB")?;
    crate::ledger::merchants::require(&db, merchant_id).await?;
    let shape = KeyShape {
        live,
        read_only: input.read_only,
    };
    let key = match input.key {
        None => {
            let bytes: [u8; KEY_RANDOM_BYTES] = random().map_err(EdgeError::internal)?;
            api_key::issue(shape, bytes)
        }
        Some(_) if !crate::deployment::Deployment::from_env(env).is_dev() => {
            return Err(EdgeError::invalid(
                ErrorCode::InvalidRequest,
                "key: a chosen key is taken only by a dev deployment; leave it out for a random one",
            ))
        }
        Some(chosen) if KeyShape::of(&chosen) == Some(shape) => chosen,
        Some(_) => return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "key: must start with the prefix for this mode and kind (sk_test_, rk_live_, …), then letters, digits or _",
        )),
    };
    let prefix = api_key::display_prefix(&key);
    let kind = if input.read_only { "read_only" } else { "secret" };
    let hash = sha256_hex(key.as_bytes());
    let id = key_id(&hash);
    let now = now_ms();
    let inserted = db
        .prepare(
            "INSERT OR IGNORE INTO api_keys (key_hash, merchant_id, mode, prefix, kind, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&[
            hash.as_str().into(),
            merchant_id.into(),
            input.mode.as_str().into(),
            prefix.as_str().into(),
            kind.into(),
            int(now),
        ])?
        .run()
        .await?;
    if inserted.meta()?.and_then(|m| m.changes).unwrap_or(0) == 0 {
        return Err(EdgeError::Refused(ErrorCode::AlreadyExists));
    }
    crate::log::info(
        "api_key_issued",
        &json!({ "merchant": merchant_id, "key": id, "mode": input.mode, "kind": kind }),
    );
    Ok(http::json(
        201,
        &json!({ "object": "api_key", "id": id, "merchant_id": merchant_id, "key": key, "prefix": prefix,
                 "mode": input.mode, "kind": kind, "note": "Shown once: store it now; only its hash is kept." }),
    ))
}

/// `POST /admin/keys/{key_id}/revoke` → the key stops working at once.
pub async fn revoke_key(req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    operator(&req, env)?;
    let Some(head) = id
        .strip_prefix("key_")
        .filter(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    else {
        return Err(EdgeError::not_found());
    };
    let result = env
        .d1("DB")?
        .prepare("UPDATE api_keys SET revoked_at = ?2 WHERE substr(key_hash, 1, 16) = ?1 AND revoked_at IS NULL")
        .bind(&[head.into(), int(now_ms())])?
        .run()
        .await?;
    let changed = result.meta()?.and_then(|m| m.changes).unwrap_or(0);
    if changed == 0 {
        return Err(EdgeError::not_found());
    }
    crate::log::info("api_key_revoked", &json!({ "key": id }));
    Ok(http::json(
        200,
        &json!({ "object": "api_key", "id": id, "revoked": true }),
    ))
}
