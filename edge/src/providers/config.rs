//! Provider credentials and endpoints from the worker's environment, for one mode.
//!
//! Test mode reads the names below as they are; live mode reads the same names prefixed
//! `LIVE_` (`LIVE_BKASH_APP_KEY`, …). Values from secret bindings are wrapped in [`Secret`]
//! on the line that reads them, so `{:?}` on a config never prints one.
//!
//! | name | kind | what |
//! | --- | --- | --- |
//! | `BKASH_BASE_URL` | var | API base, origin + `/v1.2.0-beta/tokenized/checkout` |
//! | `BKASH_REFUND_BASE_URL` | var | origin root for refund v2 (`{this}/v2/tokenized-checkout/refund/…`) |
//! | `BKASH_USERNAME`, `BKASH_APP_KEY` | var | grant headers / `X-APP-Key` |
//! | `BKASH_REFUND_API` | var, optional | `v2` \| `legacy` \| `auto` (default): which refund API (A.10); another value is a config error |
//! | `BKASH_PASSWORD`, `BKASH_APP_SECRET` | secret | grant credentials |
//! | `BKASH_SNS_CERT_HOSTS` | var, test only | comma list of `host[:port]` allowed to serve the SNS certificate (http allowed there) |
//! | `BKASH_SNS_CERT_PEM_B64` | secret, test only, optional | a pinned SNS certificate (base64 of the PEM) |
//! | `BKASH_SNS_TOPIC_ARN` | var, required live | the only `TopicArn` accepted; without it live IPNs are refused |
//! | `NAGAD_BASE_URL` | var | API base, e.g. `…/remote-payment-gateway-1.0/api/dfs` |
//! | `NAGAD_MERCHANT_ID` | var | 15 digits |
//! | `NAGAD_EGRESS_RELAY` | var, may be `""` | fixed-egress relay URL (see `nagad::relay`) |
//! | `NAGAD_EGRESS_RELAY_KEY` | secret, required with a relay | signs each relayed call (`X-Bdpay-Relay-Signature`) |
//! | `NAGAD_MERCHANT_PRIVATE_KEY` | secret | bare base64 PKCS#8 DER (PEM accepted) |
//! | `NAGAD_PG_PUBLIC_KEY` | secret | bare base64 SPKI DER (PEM accepted) |
//!
//! A provider whose settings are incomplete is "not configured": using it gives a
//! `Config` failure naming the missing variables in the log (names only, never values).

use core::fmt;

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::provider::Provider;
use bdpay_shared::secret::Secret;
use serde::{Deserialize, Serialize};

use super::{FailureKind, ProviderFailure};

/// Which set of credentials a merchant uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Test,
    Live,
}

impl Mode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
        }
    }

    /// The environment variable name for `base` in this mode (`LIVE_` prefix when live).
    pub fn var_name(self, base: &str) -> String {
        match self {
            Mode::Test => base.to_owned(),
            Mode::Live => {
                let mut s = String::with_capacity(base.len() + 5);
                s.push_str("LIVE_");
                s.push_str(base);
                s
            }
        }
    }
}

/// Which bKash refund API a credential uses (A.10), from `BKASH_REFUND_API`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundApi {
    /// `POST {origin}/v2/tokenized-checkout/refund/payment/transaction` and `/status`.
    V2,
    /// `POST {api base}/payment/refund` (with `amount`: refund; without: status).
    Legacy,
    /// v2 until an API-Gateway endpoint error (403 "Missing Authentication Token" or 404)
    /// shows the account lacks it; then legacy, remembered for the credential.
    #[default]
    Auto,
}

impl RefundApi {
    /// `v2` | `legacy` | `auto`, any case; `None` for anything else.
    pub fn parse(s: &str) -> Option<RefundApi> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v2" => Some(RefundApi::V2),
            "legacy" => Some(RefundApi::Legacy),
            "auto" => Some(RefundApi::Auto),
            _ => None,
        }
    }
}

/// bKash tokenized checkout credentials.
#[derive(Debug)]
pub struct BkashConfig {
    /// Origin + `/v1.2.0-beta/tokenized/checkout`, no trailing slash.
    pub base_url: String,
    /// Origin root for refund v2, no trailing slash.
    pub refund_base_url: String,
    pub username: String,
    pub password: Secret<String>,
    pub app_key: String,
    pub app_secret: Secret<String>,
    /// `BKASH_REFUND_API` (default `auto`).
    pub refund_api: RefundApi,
}

impl BkashConfig {
    /// `key_` + 16 hex digits of SHA-256 over the four credential values: names the
    /// credential (its token object) without showing any of it.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [
            self.username.as_str(),
            self.password.expose().as_str(),
            self.app_key.as_str(),
            self.app_secret.expose().as_str(),
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let hex = crate::crypto::hex(&h.finalize());
        format!("key_{}", hex.get(..16).unwrap_or(&hex))
    }
}

/// What the bKash webhook (SNS) check trusts.
#[derive(Debug, Default)]
pub struct SnsConfig {
    /// Test mode only: `host[:port]` (lower case) that may serve the signing certificate.
    pub cert_hosts: Vec<String>,
    /// Test mode only: a pinned certificate, PEM text.
    pub pinned_cert_pem: Option<Secret<String>>,
    /// When set, any other `TopicArn` is refused.
    pub topic_arn: Option<String>,
    /// Live mode: no IPN is accepted (nor a subscription confirmed) without `topic_arn`.
    pub topic_required: bool,
}

/// Nagad merchant credentials.
#[derive(Debug)]
pub struct NagadConfig {
    /// API base (…`/api/dfs`), no trailing slash.
    pub base_url: String,
    pub merchant_id: String,
    /// Fixed-egress relay; `None` = call Nagad directly.
    pub egress_relay: Option<String>,
    pub relay_key: Option<Secret<String>>,
    pub merchant_private_key: Secret<String>,
    pub pg_public_key: Secret<String>,
}

/// Everything the provider clients need for one mode.
pub struct ProviderConfig {
    pub mode: Mode,
    bkash: Result<BkashConfig, Vec<&'static str>>,
    nagad: Result<NagadConfig, Vec<&'static str>>,
    pub sns: SnsConfig,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("mode", &self.mode)
            .field("bkash", &self.bkash)
            .field("nagad", &self.nagad)
            .field("sns", &self.sns)
            .finish()
    }
}

/// A named value lookup: the worker's `Env`, or a map in tests. `None` = not set.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> Source for F {
    fn get(&self, name: &str) -> Option<String> {
        self(name)
    }
}

/// Reads vars and secrets from the worker environment (both are plain strings there).
pub(crate) struct EnvSource<'a>(pub(crate) &'a worker::Env);

impl Source for EnvSource<'_> {
    fn get(&self, name: &str) -> Option<String> {
        let value = self.0.var(name).ok()?;
        wasm_bindgen::JsValue::from(value).as_string()
    }
}

impl ProviderConfig {
    /// The deployment's configuration for `mode`, from the worker's vars and secrets. A
    /// provider without its settings fails when it is used ([`ProviderConfig::bkash`],
    /// [`ProviderConfig::nagad`]). For a merchant's payments use `providers::merchant_config::load`.
    pub fn from_env(env: &worker::Env, mode: Mode) -> ProviderConfig {
        ProviderConfig::from_source(&EnvSource(env), mode)
    }

    /// As [`ProviderConfig::from_env`], from any [`Source`].
    pub fn from_source(src: &dyn Source, mode: Mode) -> ProviderConfig {
        let read = Reader { src, mode };
        ProviderConfig {
            mode,
            bkash: read_bkash(&read),
            nagad: read_nagad(&read),
            sns: read_sns(&read),
        }
    }

    /// bKash's settings, or a `Config` failure (logged with the missing names).
    pub fn bkash(&self) -> Result<&BkashConfig, ProviderFailure> {
        self.bkash
            .as_ref()
            .map_err(|missing| self.unconfigured(Provider::Bkash, missing))
    }

    /// Nagad's settings, or a `Config` failure (logged with the missing names).
    pub fn nagad(&self) -> Result<&NagadConfig, ProviderFailure> {
        self.nagad
            .as_ref()
            .map_err(|missing| self.unconfigured(Provider::Nagad, missing))
    }

    /// Whether `provider` has all its settings in this mode (for routing).
    pub fn is_configured(&self, provider: Provider) -> bool {
        match provider {
            Provider::Bkash => self.bkash.is_ok(),
            Provider::Nagad => self.nagad.is_ok(),
        }
    }

    /// The names (without the `LIVE_` prefix) of the settings `provider` lacks.
    #[cfg(test)]
    pub fn missing(&self, provider: Provider) -> &[&'static str] {
        let missing = match provider {
            Provider::Bkash => self.bkash.as_ref().err(),
            Provider::Nagad => self.nagad.as_ref().err(),
        };
        missing.map_or(&[], |m| m.as_slice())
    }

    fn unconfigured(&self, provider: Provider, missing: &[&'static str]) -> ProviderFailure {
        super::failure::log_warn(
            "provider_not_configured",
            &serde_json::json!({ "provider": provider.as_str(), "mode": self.mode.as_str(), "missing": missing }),
        );
        not_configured(provider)
    }
}

fn not_configured(provider: Provider) -> ProviderFailure {
    ProviderFailure {
        provider,
        kind: FailureKind::Config,
        code: ErrorCode::ProviderConfigError,
        provider_code: Some("not_configured".to_owned()),
        retryable: false,
    }
}

struct Reader<'a> {
    src: &'a dyn Source,
    mode: Mode,
}

impl Reader<'_> {
    /// A setting, trimmed; blank counts as unset.
    fn opt(&self, base: &str) -> Option<String> {
        let value = self.src.get(&self.mode.var_name(base))?;
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// A required setting: recorded in `missing` when absent.
    fn req(&self, base: &'static str, missing: &mut Vec<&'static str>) -> String {
        self.opt(base).unwrap_or_else(|| {
            missing.push(base);
            String::new()
        })
    }

    fn url(&self, base: &'static str, missing: &mut Vec<&'static str>) -> String {
        let url = self.req(base, missing);
        match url::Url::parse(&url) {
            Ok(u) if scheme_allowed(self.mode, u.scheme()) => url.trim_end_matches('/').to_owned(),
            _ => {
                if !url.is_empty() {
                    missing.push(base);
                }
                String::new()
            }
        }
    }
}

/// Live mode speaks to providers and the relay over https only; test mode (the local
/// sandbox) may use http.
fn scheme_allowed(mode: Mode, scheme: &str) -> bool {
    match mode {
        Mode::Live => scheme == "https",
        Mode::Test => matches!(scheme, "http" | "https"),
    }
}

fn read_bkash(r: &Reader<'_>) -> Result<BkashConfig, Vec<&'static str>> {
    let mut missing = Vec::new();
    let refund_api = match r.opt("BKASH_REFUND_API") {
        None => RefundApi::Auto,
        Some(v) => RefundApi::parse(&v).unwrap_or_else(|| {
            missing.push("BKASH_REFUND_API");
            RefundApi::Auto
        }),
    };
    let config = BkashConfig {
        base_url: r.url("BKASH_BASE_URL", &mut missing),
        refund_base_url: r.url("BKASH_REFUND_BASE_URL", &mut missing),
        username: r.req("BKASH_USERNAME", &mut missing),
        password: Secret::new(r.req("BKASH_PASSWORD", &mut missing)),
        app_key: r.req("BKASH_APP_KEY", &mut missing),
        app_secret: Secret::new(r.req("BKASH_APP_SECRET", &mut missing)),
        refund_api,
    };
    if missing.is_empty() {
        Ok(config)
    } else {
        Err(missing)
    }
}

fn read_nagad(r: &Reader<'_>) -> Result<NagadConfig, Vec<&'static str>> {
    let mut missing = Vec::new();
    let merchant_id = r.req("NAGAD_MERCHANT_ID", &mut missing);
    if !merchant_id.is_empty() && !bdpay_shared::wire::nagad::is_valid_merchant_id(&merchant_id) {
        missing.push("NAGAD_MERCHANT_ID");
    }
    let egress_relay = r.opt("NAGAD_EGRESS_RELAY");
    if let Some(relay) = &egress_relay {
        if !matches!(url::Url::parse(relay), Ok(u) if scheme_allowed(r.mode, u.scheme())) {
            missing.push("NAGAD_EGRESS_RELAY");
        }
    }
    let relay_key = r.opt("NAGAD_EGRESS_RELAY_KEY").map(Secret::new);
    // The relay refuses unsigned calls: a relay without its key cannot work.
    if egress_relay.is_some() && relay_key.is_none() {
        missing.push("NAGAD_EGRESS_RELAY_KEY");
    }
    let config = NagadConfig {
        base_url: r.url("NAGAD_BASE_URL", &mut missing),
        merchant_id,
        egress_relay,
        relay_key,
        merchant_private_key: Secret::new(r.req("NAGAD_MERCHANT_PRIVATE_KEY", &mut missing)),
        pg_public_key: Secret::new(r.req("NAGAD_PG_PUBLIC_KEY", &mut missing)),
    };
    if missing.is_empty() {
        Ok(config)
    } else {
        Err(missing)
    }
}

fn read_sns(r: &Reader<'_>) -> SnsConfig {
    let topic_arn = r.opt("BKASH_SNS_TOPIC_ARN");
    if r.mode == Mode::Live {
        // Live trusts Amazon's certificate URLs only: no allow-list, no pinned certificate.
        return SnsConfig {
            cert_hosts: Vec::new(),
            pinned_cert_pem: None,
            topic_arn,
            topic_required: true,
        };
    }
    let cert_hosts = r
        .opt("BKASH_SNS_CERT_HOSTS")
        .map(|list| {
            list.split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let pinned_cert_pem = r.opt("BKASH_SNS_CERT_PEM_B64").and_then(|b64| {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64.as_bytes()).ok()?;
        String::from_utf8(bytes).ok().map(Secret::new)
    });
    SnsConfig {
        cert_hosts,
        pinned_cert_pem,
        topic_arn,
        topic_required: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn dev() -> HashMap<String, String> {
        let pairs = [
            (
                "BKASH_BASE_URL",
                "http://127.0.0.1:8790/bkash/v1.2.0-beta/tokenized/checkout/",
            ),
            ("BKASH_REFUND_BASE_URL", "http://127.0.0.1:8790/bkash"),
            ("BKASH_USERNAME", "sandboxTokenizedUser02"),
            ("BKASH_PASSWORD", "sandboxTokenizedUser02@12345"),
            ("BKASH_APP_KEY", "4f6o0cjiki2rfm34kfdadl1eqq"),
            (
                "BKASH_APP_SECRET",
                "2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b",
            ),
            ("BKASH_SNS_CERT_HOSTS", "127.0.0.1:8790, Example.test "),
            ("BKASH_SNS_CERT_PEM_B64", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"),
            (
                "NAGAD_BASE_URL",
                "http://127.0.0.1:8790/nagad/remote-payment-gateway-1.0/api/dfs",
            ),
            ("NAGAD_MERCHANT_ID", "683002007104225"),
            ("NAGAD_EGRESS_RELAY", ""),
            ("NAGAD_MERCHANT_PRIVATE_KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
            ("NAGAD_PG_PUBLIC_KEY", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A"),
        ];
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
    }

    /// The dev settings under live names, on https.
    fn live_names(map: HashMap<String, String>) -> HashMap<String, String> {
        map.into_iter()
            .map(|(k, v)| {
                (
                    format!("LIVE_{k}"),
                    v.replace("http://127.0.0.1:8790", "https://sandbox.example"),
                )
            })
            .collect()
    }

    fn from(map: &HashMap<String, String>, mode: Mode) -> Result<ProviderConfig, ProviderFailure> {
        let src = |name: &str| map.get(name).cloned();
        let config = ProviderConfig::from_source(&src, mode);
        // Nothing usable at all: as a payment would see it, the first use fails.
        if !config.is_configured(Provider::Bkash) && !config.is_configured(Provider::Nagad) {
            return Err(config.bkash().unwrap_err());
        }
        Ok(config)
    }

    #[test]
    fn dev_values_configure_both_providers_and_print_no_secret() {
        let c = from(&dev(), Mode::Test).unwrap();
        let b = c.bkash().unwrap();
        assert_eq!(b.base_url, "http://127.0.0.1:8790/bkash/v1.2.0-beta/tokenized/checkout");
        assert_eq!(b.password.expose(), "sandboxTokenizedUser02@12345");
        let n = c.nagad().unwrap();
        assert_eq!(n.egress_relay, None, "blank relay = direct");
        assert_eq!(c.sns.cert_hosts, ["127.0.0.1:8790", "example.test"]);
        assert_eq!(
            c.sns.pinned_cert_pem.as_ref().map(|p| p.expose().as_str()),
            Some("-----BEGIN CERTIFICATE-----")
        );
        let printed = format!("{c:?}");
        for secret in [
            "sandboxTokenizedUser02@12345",
            "2is7hdktrekvrbljjh44",
            "MIIEvQIBADAN",
            "MIIBIjANBgkq",
            "BEGIN CERTIFICATE",
        ] {
            assert!(!printed.contains(secret), "{secret} leaked: {printed}");
        }
    }

    #[test]
    fn live_reads_live_names_and_never_trusts_test_certificates() {
        let http_map: HashMap<String, String> = dev().into_iter().map(|(k, v)| (format!("LIVE_{k}"), v)).collect();
        assert!(from(&http_map, Mode::Live).is_err(), "live speaks https only");
        let mut map = live_names(dev());
        map.insert(
            "LIVE_BKASH_SNS_TOPIC_ARN".into(),
            "arn:aws:sns:ap-southeast-1:1:bpt".into(),
        );
        let c = from(&map, Mode::Live).unwrap();
        assert!(c.is_configured(Provider::Bkash) && c.is_configured(Provider::Nagad));
        assert!(c.sns.topic_required);
        assert!(c.sns.cert_hosts.is_empty());
        assert!(c.sns.pinned_cert_pem.is_none());
        assert_eq!(c.sns.topic_arn.as_deref(), Some("arn:aws:sns:ap-southeast-1:1:bpt"));
        assert!(from(&dev(), Mode::Live).is_err(), "test names do not configure live");
    }

    #[test]
    fn a_missing_provider_fails_only_when_used() {
        let mut map = dev();
        map.remove("NAGAD_PG_PUBLIC_KEY");
        map.insert("NAGAD_MERCHANT_ID".into(), "12345".into());
        let c = from(&map, Mode::Test).unwrap();
        assert!(c.bkash().is_ok());
        let err = c.nagad().unwrap_err();
        assert_eq!(
            (err.provider, err.kind, err.code),
            (Provider::Nagad, FailureKind::Config, ErrorCode::ProviderConfigError)
        );
        assert_eq!(c.missing(Provider::Nagad), ["NAGAD_MERCHANT_ID", "NAGAD_PG_PUBLIC_KEY"]);
    }

    #[test]
    fn refund_api_defaults_to_auto_and_a_bad_value_is_a_config_error() {
        assert_eq!(
            from(&dev(), Mode::Test).unwrap().bkash().unwrap().refund_api,
            RefundApi::Auto
        );
        for (value, want) in [
            ("v2", RefundApi::V2),
            ("LEGACY", RefundApi::Legacy),
            (" auto ", RefundApi::Auto),
        ] {
            let mut map = dev();
            map.insert("BKASH_REFUND_API".into(), value.into());
            assert_eq!(
                from(&map, Mode::Test).unwrap().bkash().unwrap().refund_api,
                want,
                "{value}"
            );
        }
        let mut map = dev();
        map.insert("BKASH_REFUND_API".into(), "v1".into());
        let c = from(&map, Mode::Test).unwrap();
        assert_eq!(c.bkash().unwrap_err().kind, FailureKind::Config);
        assert_eq!(c.missing(Provider::Bkash), ["BKASH_REFUND_API"]);
        let mut live = live_names(dev());
        live.insert("LIVE_BKASH_REFUND_API".into(), "legacy".into());
        assert_eq!(
            from(&live, Mode::Live).unwrap().bkash().unwrap().refund_api,
            RefundApi::Legacy
        );
    }

    #[test]
    fn nothing_configured_is_a_config_failure() {
        let empty = HashMap::new();
        let err = from(&empty, Mode::Test).unwrap_err();
        assert_eq!(err.kind, FailureKind::Config);
        let mut map = dev();
        map.insert("BKASH_BASE_URL".into(), "ftp://x".into());
        assert_eq!(
            from(&map, Mode::Test).unwrap().missing(Provider::Bkash),
            ["BKASH_BASE_URL"]
        );
    }

    #[test]
    fn a_relay_needs_its_signing_key() {
        let mut map = dev();
        map.insert("NAGAD_EGRESS_RELAY".into(), "http://127.0.0.1:8791/".into());
        assert_eq!(
            from(&map, Mode::Test).unwrap().missing(Provider::Nagad),
            ["NAGAD_EGRESS_RELAY_KEY"]
        );
        map.insert("NAGAD_EGRESS_RELAY_KEY".into(), "test-only-relay-key".into());
        let c = from(&map, Mode::Test).unwrap();
        let n = c.nagad().unwrap();
        assert_eq!(n.egress_relay.as_deref(), Some("http://127.0.0.1:8791/"));
        assert!(!format!("{c:?}").contains("test-only-relay-key"));
    }
}
