//! A merchant's own bKash or Nagad credentials: their shape, the checks an operator's input
//! must pass (`bdpay-admin credentials set`), and how they stand in for the deployment's
//! settings when a provider client is configured (`ProviderConfig::for_merchant`).
//!
//! Only the account part (bKash username, Nagad merchant id) is ever shown; the rest is sealed
//! at rest (`ledger::credentials`) and never leaves the edge again. URLs, the refund API choice
//! and the Nagad relay stay deployment settings: they describe where bdpay runs, not whose
//! money it is.

use std::collections::HashMap;

use bdpay_shared::provider::Provider;
use bdpay_shared::secret::Secret;
use serde::Deserialize;
use serde_json::json;

use super::config::{Mode, Source};

/// What an operator sends for bKash (docs/providers.md A.1: four values per merchant).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BkashInput {
    pub username: String,
    pub password: Secret<String>,
    pub app_key: String,
    pub app_secret: Secret<String>,
}

/// What an operator sends for Nagad (docs/providers.md B.2: the merchant id and two keys).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NagadInput {
    pub merchant_id: String,
    /// The merchant's RSA private key: bare base64 PKCS#8 DER or PEM.
    pub merchant_private_key: Secret<String>,
    /// Nagad's RSA public key: bare base64 SPKI DER or PEM.
    pub pg_public_key: Secret<String>,
}

/// One provider's credential, checked.
pub enum Credential {
    Bkash(BkashInput),
    Nagad(NagadInput),
}

/// The most any single value may be (an RSA-4096 PEM is about 3.3 KB).
const MAX_VALUE: usize = 8 * 1024;

impl Credential {
    /// The operator's JSON for `provider`, checked. `Err`: which field is wrong, for a 400.
    pub fn parse(provider: Provider, body: serde_json::Value) -> Result<Credential, String> {
        let credential = Credential::read(provider, body)?;
        credential.check()?;
        Ok(credential)
    }

    /// The JSON's shape only (serde's message names the field, never a value).
    fn read(provider: Provider, body: serde_json::Value) -> Result<Credential, String> {
        let shape = |e: serde_json::Error| format!("{} credentials: {e}", provider.as_str());
        Ok(match provider {
            Provider::Bkash => Credential::Bkash(serde_json::from_value(body).map_err(shape)?),
            Provider::Nagad => Credential::Nagad(serde_json::from_value(body).map_err(shape)?),
        })
    }

    fn check(&self) -> Result<(), String> {
        let values: Vec<(&str, &str)> = match self {
            Credential::Bkash(b) => vec![
                ("username", &b.username),
                ("password", b.password.expose()),
                ("app_key", &b.app_key),
                ("app_secret", b.app_secret.expose()),
            ],
            Credential::Nagad(n) => vec![
                ("merchant_id", &n.merchant_id),
                ("merchant_private_key", n.merchant_private_key.expose()),
                ("pg_public_key", n.pg_public_key.expose()),
            ],
        };
        for (name, value) in values {
            let value = value.trim();
            if value.is_empty()
                || value.len() > MAX_VALUE
                || value.chars().any(|c| c.is_control() && c != '\n' && c != '\r')
            {
                return Err(format!("{name}: 1 to {MAX_VALUE} bytes of text"));
            }
        }
        if let Credential::Nagad(n) = self {
            if !bdpay_shared::wire::nagad::is_valid_merchant_id(n.merchant_id.trim()) {
                return Err("merchant_id: Nagad merchant ids are 15 digits".into());
            }
            if bdpay_shared::crypto::parse_private_key(n.merchant_private_key.expose()).is_err() {
                return Err("merchant_private_key: not an RSA private key (PKCS#8, base64 DER or PEM)".into());
            }
            if bdpay_shared::crypto::parse_public_key(n.pg_public_key.expose()).is_err() {
                return Err("pg_public_key: not an RSA public key (SPKI, base64 DER or PEM)".into());
            }
        }
        Ok(())
    }

    pub fn provider(&self) -> Provider {
        match self {
            Credential::Bkash(_) => Provider::Bkash,
            Credential::Nagad(_) => Provider::Nagad,
        }
    }

    /// The part an operator may see again: the bKash username or the Nagad merchant id.
    pub fn account(&self) -> &str {
        match self {
            Credential::Bkash(b) => b.username.trim(),
            Credential::Nagad(n) => n.merchant_id.trim(),
        }
    }

    /// The JSON that is sealed for storage.
    pub fn to_sealable(&self) -> String {
        let value = match self {
            Credential::Bkash(b) => json!({
                "username": b.username.trim(), "password": b.password.expose().trim(),
                "app_key": b.app_key.trim(), "app_secret": b.app_secret.expose().trim(),
            }),
            Credential::Nagad(n) => json!({
                "merchant_id": n.merchant_id.trim(),
                "merchant_private_key": n.merchant_private_key.expose().trim(),
                "pg_public_key": n.pg_public_key.expose().trim(),
            }),
        };
        value.to_string()
    }

    /// The stored JSON back (as [`Credential::to_sealable`] wrote it, checked then: the keys
    /// are not parsed again here).
    pub fn from_sealed(provider: Provider, text: &str) -> Result<Credential, String> {
        let body: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Credential::read(provider, body)
    }

    /// The settings this credential stands for, by base name.
    fn settings(&self) -> Vec<(&'static str, String)> {
        match self {
            Credential::Bkash(b) => vec![
                ("BKASH_USERNAME", b.username.trim().to_owned()),
                ("BKASH_PASSWORD", b.password.expose().trim().to_owned()),
                ("BKASH_APP_KEY", b.app_key.trim().to_owned()),
                ("BKASH_APP_SECRET", b.app_secret.expose().trim().to_owned()),
            ],
            Credential::Nagad(n) => vec![
                ("NAGAD_MERCHANT_ID", n.merchant_id.trim().to_owned()),
                (
                    "NAGAD_MERCHANT_PRIVATE_KEY",
                    n.merchant_private_key.expose().trim().to_owned(),
                ),
                ("NAGAD_PG_PUBLIC_KEY", n.pg_public_key.expose().trim().to_owned()),
            ],
        }
    }
}

/// The deployment's settings with a merchant's credentials in front. For a provider the
/// merchant has a credential for, every credential name comes from it (never half from the
/// deployment); other names, and providers without one, read the deployment's.
pub struct Overlay<'a> {
    base: &'a dyn Source,
    own: HashMap<String, Secret<String>>,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a dyn Source, mode: Mode, credentials: &[Credential]) -> Overlay<'a> {
        let own = credentials
            .iter()
            .flat_map(Credential::settings)
            .map(|(name, value)| (mode.var_name(name), Secret::new(value)))
            .collect();
        Overlay { base, own }
    }
}

impl Source for Overlay<'_> {
    fn get(&self, name: &str) -> Option<String> {
        match self.own.get(name) {
            Some(value) => Some(value.expose().clone()),
            None => self.base.get(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bkash() -> serde_json::Value {
        json!({ "username": "shopUser", "password": "pw-TEST", "app_key": "appkeyTEST", "app_secret": "secretTEST" })
    }

    #[test]
    fn a_bkash_credential_round_trips_and_stands_in_for_the_deployment() {
        let c = Credential::parse(Provider::Bkash, bkash()).unwrap();
        assert_eq!(c.account(), "shopUser");
        let back = Credential::from_sealed(Provider::Bkash, &c.to_sealable()).unwrap();
        let base = |name: &str| match name {
            "LIVE_BKASH_USERNAME" => Some("deploymentUser".to_owned()),
            "LIVE_BKASH_BASE_URL" => Some("https://tokenized.pay.bka.sh/v1.2.0-beta/tokenized/checkout".to_owned()),
            _ => None,
        };
        let overlay = Overlay::new(&base, Mode::Live, &[back]);
        assert_eq!(overlay.get("LIVE_BKASH_USERNAME").as_deref(), Some("shopUser"));
        assert_eq!(overlay.get("LIVE_BKASH_APP_SECRET").as_deref(), Some("secretTEST"));
        assert!(
            overlay.get("LIVE_BKASH_BASE_URL").is_some(),
            "URLs stay the deployment's"
        );
        assert_eq!(overlay.get("BKASH_USERNAME"), None, "test names are not live names");
    }

    #[test]
    fn bad_input_names_the_field_and_never_echoes_a_value() {
        let mut b = bkash();
        b["password"] = json!("");
        assert!(Credential::parse(Provider::Bkash, b)
            .err()
            .unwrap()
            .starts_with("password"));
        let mut extra = bkash();
        extra["pin"] = json!("12345");
        assert!(Credential::parse(Provider::Bkash, extra).is_err());
        let err = Credential::parse(
            Provider::Nagad,
            json!({ "merchant_id": "12345", "merchant_private_key": "TOPSECRET", "pg_public_key": "x" }),
        )
        .err()
        .unwrap();
        assert!(err.starts_with("merchant_id"), "{err}");
        let err = Credential::parse(
            Provider::Nagad,
            json!({ "merchant_id": "683002007104225", "merchant_private_key": "TOPSECRET", "pg_public_key": "x" }),
        )
        .err()
        .unwrap();
        assert!(
            err.starts_with("merchant_private_key") && !err.contains("TOPSECRET"),
            "{err}"
        );
        assert!(Credential::parse(Provider::Nagad, json!("a string")).is_err());
    }
}
