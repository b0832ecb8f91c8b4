//! Merchant authentication: `Authorization: Bearer sk_…|rk_…` (test or live), looked up by its
//! SHA-256 in D1 (keys are never stored). The mode of the key decides which provider
//! endpoints the merchant's payments use.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::api_key::KeyShape;
use serde::Deserialize;
use worker::{Env, Method, Request};

use crate::crypto::sha256_hex;
use crate::error::{EdgeError, EdgeResult};
use crate::providers::Mode;

/// The merchant a request acts for.
#[derive(Clone, Debug)]
pub struct Merchant {
    pub id: String,
    pub name: String,
    pub mode: Mode,
    /// A read-only (`rk_…`) key: it may read, but not what holds whole account numbers.
    pub read_only: bool,
}

impl Merchant {
    /// What an `Idempotency-Key` is unique within: the merchant in one mode, so a test and a
    /// live request with the same key never answer for each other.
    pub fn key_scope(&self) -> String {
        let mut s = String::with_capacity(self.id.len() + 5);
        s.push_str(&self.id);
        s.push(':');
        s.push_str(self.mode.as_str());
        s
    }
}

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    mode: String,
}

/// The merchant behind the request's key, or 401. A read-only (`rk_…`) key may only read:
/// any other method is 403 `forbidden`, before anything is done.
pub async fn merchant(req: &Request, env: &Env) -> EdgeResult<Merchant> {
    let header = req.headers().get("authorization").ok().flatten().unwrap_or_default();
    let key = header.strip_prefix("Bearer ").map(str::trim).unwrap_or_default();
    let shape = KeyShape::of(key).ok_or_else(EdgeError::unauthorized)?;
    let mode = if shape.live { Mode::Live } else { Mode::Test };
    let db = env.d1("DB")?;
    let row: Option<Row> = db
        .prepare(
            "SELECT m.id AS id, m.name AS name, k.mode AS mode FROM api_keys k \
             JOIN merchants m ON m.id = k.merchant_id WHERE k.key_hash = ?1 AND k.revoked_at IS NULL",
        )
        .bind(&[sha256_hex(key.as_bytes()).into()])?
        .first(None)
        .await?;
    let merchant = match row {
        Some(r) if r.mode == mode.as_str() => Merchant {
            id: r.id,
            name: r.name,
            mode,
            read_only: shape.read_only,
        },
        _ => return Err(EdgeError::unauthorized()),
    };
    if shape.read_only && !matches!(req.method(), Method::Get | Method::Head) {
        return Err(EdgeError::Refused(ErrorCode::Forbidden));
    }
    Ok(merchant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_unique_per_merchant_and_mode() {
        let m = |mode| Merchant {
            id: "mer_demo".into(),
            name: "Demo".into(),
            mode,
            read_only: false,
        };
        assert_eq!(m(Mode::Test).key_scope(), "mer_demo:test");
        assert_ne!(m(Mode::Test).key_scope(), m(Mode::Live).key_scope());
    }
}
