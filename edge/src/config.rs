//! The edge's own settings from the environment (provider settings: `providers::config`).

use worker::Env;

use crate::crypto::DataKeys;
use crate::error::{EdgeError, EdgeResult};

pub struct EdgeConfig {
    /// Where shoppers and providers reach this worker, e.g. `https://pay.shop.example`.
    pub public_origin: String,
    pub data_keys: DataKeys,
    /// How long a payment may wait for the shopper before it expires (default 24 h).
    pub unpaid_ttl_ms: i64,
    /// How long the shopper has on a provider's page before the attempt expires (default 15 min).
    pub attempt_ttl_ms: i64,
    /// How long a refund the provider does not show is asked about before a person must
    /// look (`requires_manual`; default 6 h).
    pub refund_give_up_ms: i64,
}

impl EdgeConfig {
    pub fn from_env(env: &Env) -> EdgeResult<EdgeConfig> {
        let var = |name: &str| env.var(name).map(|v| v.to_string()).ok();
        let secret = |name: &str| env.secret(name).map(|v| v.to_string()).ok();
        let public_origin = var("PUBLIC_ORIGIN")
            .filter(|o| o.starts_with("https://") || o.starts_with("http://"))
            .ok_or_else(|| EdgeError::internal("PUBLIC_ORIGIN is not set"))?;
        let data_keys = DataKeys::from_secrets(secret).map_err(EdgeError::internal)?;
        let unpaid_ttl_ms = var("BDPAY_UNPAID_TTL_SECS")
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|s| (60..=7 * 86_400).contains(s))
            .unwrap_or(86_400)
            * 1000;
        let attempt_ttl_ms = var("BDPAY_ATTEMPT_TTL_SECS")
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|s| (30..=86_400).contains(s))
            .unwrap_or(15 * 60)
            * 1000;
        let refund_give_up_ms = var("BDPAY_REFUND_GIVE_UP_SECS")
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|s| (30..=7 * 86_400).contains(s))
            .unwrap_or(6 * 3600)
            * 1000;
        Ok(EdgeConfig {
            public_origin: public_origin.trim_end_matches('/').to_owned(),
            data_keys,
            unpaid_ttl_ms,
            attempt_ttl_ms,
            refund_give_up_ms,
        })
    }
}
