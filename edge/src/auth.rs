//! Merchant authentication: `Authorization: Bearer sk_test_…|sk_live_…`, looked up by its
//! SHA-256 in D1 (keys are never stored). The mode of the key decides which provider
//! endpoints the merchant's payments use.

use serde::Deserialize;
use worker::{Env, Request};

use crate::crypto::sha256_hex;
use crate::error::{EdgeError, EdgeResult};
use crate::providers::Mode;

/// The merchant a request acts for.
#[derive(Clone, Debug)]
pub struct Merchant {
    pub id: String,
    pub name: String,
    pub mode: Mode,
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

/// The key's mode from its prefix; `None` when it is not shaped like one of our keys.
fn key_mode(key: &str) -> Option<Mode> {
    let (mode, rest) = if let Some(rest) = key.strip_prefix("sk_test_") {
        (Mode::Test, rest)
    } else if let Some(rest) = key.strip_prefix("sk_live_") {
        (Mode::Live, rest)
    } else {
        return None;
    };
    let shaped = !rest.is_empty() && rest.len() <= 120 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    shaped.then_some(mode)
}

/// The merchant behind the request's secret key, or 401.
pub async fn merchant(req: &Request, env: &Env) -> EdgeResult<Merchant> {
    let header = req.headers().get("authorization").ok().flatten().unwrap_or_default();
    let key = header.strip_prefix("Bearer ").map(str::trim).unwrap_or_default();
    let mode = key_mode(key).ok_or_else(EdgeError::unauthorized)?;
    let db = env.d1("DB")?;
    let row: Option<Row> = db
        .prepare(
            "SELECT m.id AS id, m.name AS name, k.mode AS mode FROM api_keys k \
             JOIN merchants m ON m.id = k.merchant_id WHERE k.key_hash = ?1 AND k.revoked_at IS NULL",
        )
        .bind(&[sha256_hex(key.as_bytes()).into()])?
        .first(None)
        .await?;
    match row {
        Some(r) if r.mode == mode.as_str() => Ok(Merchant {
            id: r.id,
            name: r.name,
            mode,
        }),
        _ => Err(EdgeError::unauthorized()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_key_shapes_pass() {
        assert_eq!(key_mode("sk_test_demo"), Some(Mode::Test));
        assert_eq!(key_mode("sk_live_a1B2"), Some(Mode::Live));
        for bad in [
            "",
            "sk_test_",
            "pk_test_x",
            "sk_test_a b",
            "sk_test_é",
            "Bearer sk_test_x",
        ] {
            assert_eq!(key_mode(bad), None, "{bad}");
        }
        assert_eq!(key_mode(&format!("sk_test_{}", "a".repeat(121))), None);
    }
}
