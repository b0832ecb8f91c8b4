//! Which kind of deployment this worker is: production unless told otherwise. Dev features
//! (the demo checkout and receiver, the sandbox's SNS certificate rules, http webhooks to
//! loopback) need BOTH an explicit `BDPAY_ENV = "dev"` and a loopback `PUBLIC_ORIGIN`, so a
//! deployed worker whose settings were copied from the dev file still behaves as production.

use worker::Env;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deployment {
    Dev,
    Production,
}

impl Deployment {
    /// From `BDPAY_ENV` (absent, unknown or any other spelling: production) and the public origin.
    pub fn parse(bdpay_env: Option<&str>, public_origin: Option<&str>) -> Deployment {
        let loopback = public_origin.is_some_and(is_loopback_origin);
        match bdpay_env {
            Some("dev") if loopback => Deployment::Dev,
            _ => Deployment::Production,
        }
    }

    pub fn from_env(env: &Env) -> Deployment {
        let var = |name: &str| env.var(name).ok().map(|v| v.to_string());
        Deployment::parse(var("BDPAY_ENV").as_deref(), var("PUBLIC_ORIGIN").as_deref())
    }

    pub fn is_dev(self) -> bool {
        self == Deployment::Dev
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Deployment::Dev => "dev",
            Deployment::Production => "production",
        }
    }
}

/// `http(s)://127.x.x.x[:port]`, `localhost` or `[::1]`: only this machine can reach it.
fn is_loopback_origin(origin: &str) -> bool {
    let Ok(url) = url::Url::parse(origin) else { return false };
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_unless_dev_is_said_and_the_origin_is_loopback() {
        let local = Some("http://127.0.0.1:8787");
        assert_eq!(Deployment::parse(Some("dev"), local), Deployment::Dev);
        assert_eq!(
            Deployment::parse(Some("dev"), Some("http://localhost:8787")),
            Deployment::Dev
        );
        assert_eq!(
            Deployment::parse(Some("dev"), Some("http://[::1]:8787")),
            Deployment::Dev
        );
        for env in [
            None,
            Some(""),
            Some("Dev"),
            Some("development"),
            Some("staging"),
            Some("production"),
        ] {
            assert_eq!(Deployment::parse(env, local), Deployment::Production, "{env:?}");
        }
        for origin in [
            None,
            Some("https://pay.shop.example"),
            Some("http://10.0.0.5"),
            Some("not a url"),
        ] {
            assert_eq!(
                Deployment::parse(Some("dev"), origin),
                Deployment::Production,
                "{origin:?}"
            );
        }
    }
}
