//! The provider configuration one merchant pays through: its own stored credentials
//! (`bdpay-admin credentials set`, `ledger::credentials`) in front of the deployment's settings
//! (`providers::config`). Apart from `config` so that the settings reader never reaches D1.

use bdpay_shared::provider::Provider;

use super::config::{EnvSource, Mode, ProviderConfig};
use super::credentials::Overlay;
use super::ProviderFailure;

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
    let secret = |name: &str| env.secret(name).map(|v| v.to_string()).ok();
    let keys =
        crate::crypto::DataKeys::from_secrets(secret).map_err(|_| ProviderFailure::config(provider, "data_key"))?;
    let db = env.d1("DB").map_err(|_| unread())?;
    let own = crate::ledger::credentials::for_merchant(&db, &keys, merchant_id, mode)
        .await
        .map_err(|_| unread())?;
    let env_source = EnvSource(env);
    Ok(ProviderConfig::from_source(
        &Overlay::new(&env_source, mode, &own),
        mode,
    ))
}
