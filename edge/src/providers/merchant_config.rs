//! The provider configuration one merchant pays through: its own stored credentials
//! (`bdpay-admin credentials set`, `ledger::credentials`) in front of the deployment's settings
//! (`providers::config`). Apart from `config` so that the settings reader never reaches D1.

use std::cell::RefCell;

use bdpay_shared::provider::Provider;

use super::config::{EnvSource, Mode, ProviderConfig};
use super::credentials::{Credential, Overlay};
use super::{AnyProvider, ProviderFailure};
use crate::merchant_cache::MerchantCache;

/// How long an isolate remembers which wallets a merchant has set up ([`configured`]).
pub const CONFIGURED_CACHE_MS: i64 = 5_000;

thread_local! {
    /// [bKash set up, Nagad set up] per merchant and mode.
    static CONFIGURED: RefCell<MerchantCache<[bool; 2]>> = const { RefCell::new(MerchantCache::new(CONFIGURED_CACHE_MS)) };
}

/// Whether each wallet (bKash, Nagad) is set up for `merchant_id` in `mode`, for routing and
/// the widget's status: read through [`load`] at most every [`CONFIGURED_CACHE_MS`] per
/// isolate (the status poll would otherwise read and unseal the credentials every second). A
/// payment's calls always [`load`] afresh; a changed credential shows here within 5 s.
pub async fn configured(env: &worker::Env, merchant_id: &str, mode: Mode) -> [bool; 2] {
    let now = crate::clock::now_ms();
    if let Some(v) = CONFIGURED.with(|c| c.borrow().get(merchant_id, mode, now)) {
        return v;
    }
    let v = match load(env, merchant_id, mode, Provider::Bkash).await {
        Ok(c) => [c.is_configured(Provider::Bkash), c.is_configured(Provider::Nagad)],
        Err(_) => return [false, false], // unreadable now: not remembered
    };
    CONFIGURED.with(|c| c.borrow_mut().put(merchant_id, mode, now, v));
    v
}

/// The configuration `merchant_id` pays through in `mode`. `provider` is the one about to be
/// used, named if the credentials cannot be read (then nothing is configured: never the
/// deployment's account in place of an unreadable merchant one).
pub async fn load(
    env: &worker::Env,
    merchant_id: &str,
    mode: Mode,
    provider: Provider,
) -> Result<ProviderConfig, ProviderFailure> {
    let unread = || ProviderFailure::unavailable(provider, "merchant_credentials");
    let keys = crate::crypto::DataKeys::from_env(env).map_err(|_| ProviderFailure::config(provider, "data_key"))?;
    let db = env.d1("DB").map_err(|_| unread())?;
    let own = crate::ledger::credentials::for_merchant(&db, &keys, merchant_id, mode)
        .await
        .map_err(|_| unread())?;
    Ok(with_credentials(env, mode, &own))
}

/// A client for `provider` as `merchant_id` pays in `mode`. `own`: the merchant's credentials
/// when the caller read them in a batch of its own (`ledger::credentials::for_merchant_statement`);
/// `None` when it did not or could not, and then they are read here ([`load`]), so a failure is
/// named as it always is.
pub async fn client(
    env: &worker::Env,
    merchant_id: &str,
    mode: Mode,
    provider: Provider,
    own: Option<&[Credential]>,
) -> Result<AnyProvider, ProviderFailure> {
    let config = match own {
        Some(own) => with_credentials(env, mode, own),
        None => load(env, merchant_id, mode, provider).await?,
    };
    AnyProvider::new(provider, &config, env, merchant_id)
}

/// The configuration with the merchant's credentials `own` in front of the deployment's settings.
fn with_credentials(env: &worker::Env, mode: Mode, own: &[Credential]) -> ProviderConfig {
    ProviderConfig::from_source(&Overlay::new(&EnvSource(env), mode, own), mode)
}
