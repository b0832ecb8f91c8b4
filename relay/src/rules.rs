//! Which calls the relay forwards: only to the one configured Nagad origin and only the paths
//! bdpay calls under its API base (docs/providers.md B.4, B.5, B.7, B.8). Pure, host-tested.

use bdpay_shared::wire::nagad::path;
use url::Url;

/// The configured Nagad API base, e.g. `https://api.mynagad.com/api/dfs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NagadBase {
    scheme: String,
    host: String,
    port: Option<u16>,
    /// Without a trailing `/`; `""` when the API sits at the root.
    base_path: String,
}

/// Why a call is refused (the `X-Bdpay-Relay-Error` word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Missing or unparsable target, or not the configured scheme + host + port.
    Target,
    /// The right origin, but not a path (with its method and query) bdpay calls.
    Path,
}

impl Refusal {
    pub fn word(self) -> &'static str {
        match self {
            Refusal::Target => "target",
            Refusal::Path => "path",
        }
    }
}

/// The calls bdpay makes: (method, template under the base). `{…}` stands for one segment.
const CALLS: [(&str, &str); 4] = [
    ("POST", path::INITIALIZE),
    ("POST", path::COMPLETE),
    ("GET", path::VERIFY),
    ("POST", path::CANCEL),
];

/// Longest path segment or query value accepted (ids are ~20–40 characters).
const MAX_PART: usize = 128;

impl NagadBase {
    /// Parses the `--nagad-base-url` value: http(s), a host, no credentials, query or fragment.
    pub fn parse(base_url: &str) -> Result<NagadBase, &'static str> {
        let url = Url::parse(base_url.trim()).map_err(|_| "not a URL")?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("not http or https");
        }
        if !url.username().is_empty() || url.password().is_some() || url.query().is_some() || url.fragment().is_some() {
            return Err("credentials, query or fragment");
        }
        let host = url.host_str().ok_or("no host")?.to_string();
        Ok(NagadBase {
            scheme: url.scheme().to_string(),
            host,
            port: url.port_or_known_default(),
            base_path: url.path().trim_end_matches('/').to_string(),
        })
    }

    /// The URL to fetch for `method` + `target` (the parsed target itself), or why not.
    pub fn check(&self, method: &str, target: &str) -> Result<Url, Refusal> {
        let url = Url::parse(target).map_err(|_| Refusal::Target)?;
        let same_origin = url.scheme() == self.scheme
            && url.host_str() == Some(self.host.as_str())
            && url.port_or_known_default() == self.port
            && url.username().is_empty()
            && url.password().is_none();
        if !same_origin {
            return Err(Refusal::Target);
        }
        if url.fragment().is_some() {
            return Err(Refusal::Path);
        }
        let rest = url
            .path()
            .strip_prefix(self.base_path.as_str())
            .filter(|rest| rest.starts_with('/'))
            .ok_or(Refusal::Path)?;
        let (call_method, template) = CALLS
            .iter()
            .find(|(_, template)| path_matches(template, rest))
            .ok_or(Refusal::Path)?;
        if method != *call_method || !query_allowed(template, &url) {
            return Err(Refusal::Path);
        }
        Ok(url)
    }
}

/// `rest` has the template's shape: literal segments equal, each `{…}` one safe segment.
fn path_matches(template: &str, rest: &str) -> bool {
    let mut want = template.split('/');
    let mut got = rest.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with('{') => {
                if !safe_segment(g) {
                    return false;
                }
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

/// Letters, digits, `-_.=~` and `%XX` escapes (the edge writes `/` and `+` as `%2F`, `%2B`);
/// never empty, `.` or `..`.
fn safe_segment(s: &str) -> bool {
    if s.is_empty() || s.len() > MAX_PART || s == "." || s == ".." {
        return false;
    }
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_alphanumeric() || b"-_.=~".contains(&c) => i += 1,
            b'%' if b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => i += 3,
            _ => return false,
        }
    }
    true
}

/// Initialize may carry `locale=EN|BN`; cancel carries exactly `paymentRefId` and `orderId`;
/// complete and verify carry none.
fn query_allowed(template: &str, url: &Url) -> bool {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let value_ok = |v: &str| !v.is_empty() && v.len() <= MAX_PART && v.bytes().all(|c| c.is_ascii_graphic());
    match template {
        path::INITIALIZE => match pairs.as_slice() {
            [] => url.query().is_none(),
            [(k, v)] => k == "locale" && matches!(v.as_str(), "EN" | "BN"),
            _ => false,
        },
        path::CANCEL => {
            let count = |name: &str| pairs.iter().filter(|(k, _)| k == name).count();
            pairs.len() == 2
                && count("paymentRefId") == 1
                && count("orderId") == 1
                && pairs.iter().all(|(_, v)| value_ok(v))
        }
        _ => url.query().is_none(),
    }
}

/// The target's path for the log: the path, and query names without their values.
pub fn loggable(target: &str) -> String {
    let Ok(url) = Url::parse(target) else {
        return "-".to_string();
    };
    let mut out: String = url.path().chars().take(200).collect();
    let names: Vec<String> = url
        .query_pairs()
        .take(8)
        .map(|(k, _)| k.chars().take(32).collect())
        .collect();
    if !names.is_empty() {
        out.push('?');
        out.push_str(&names.iter().map(|k| format!("{k}=…")).collect::<Vec<_>>().join("&"));
    }
    out.chars()
        .map(|c| if c.is_ascii_graphic() || c == '…' { c } else { '?' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: &str = "https://api.mynagad.com/api/dfs";

    fn live() -> NagadBase {
        NagadBase::parse(LIVE).unwrap()
    }

    fn check(method: &str, target: &str) -> Result<String, Refusal> {
        live().check(method, target).map(|u| u.to_string())
    }

    #[test]
    fn the_four_calls_bdpay_makes_pass() {
        for (method, target) in [
            (
                "POST",
                "https://api.mynagad.com/api/dfs/check-out/initialize/683002007104225/BDP20241125A0042",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/check-out/initialize/683002007104225/BDP1?locale=BN",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/check-out/complete/MTEyNTE0MDUzMzEyMy42ODMw",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/check-out/complete/MTEy%2FNTE%2B0MDE=",
            ),
            ("GET", "https://api.mynagad.com/api/dfs/verify/payment/MTEyNTE0MDE="),
            ("GET", "https://api.mynagad.com:443/api/dfs/verify/payment/MTEy"),
            ("GET", "https://API.MyNagad.com/api/dfs/verify/payment/MTEy"),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/purchase/cancel?paymentRefId=MTEy%2B%3D&orderId=BDP1",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/purchase/cancel?orderId=BDP1&paymentRefId=MTEy",
            ),
        ] {
            assert!(check(method, target).is_ok(), "{method} {target}");
        }
    }

    #[test]
    fn another_origin_is_a_target_refusal() {
        for target in [
            "https://example.com/api/dfs/verify/payment/MTEy",
            "http://api.mynagad.com/api/dfs/verify/payment/MTEy",
            "https://api.mynagad.com:8443/api/dfs/verify/payment/MTEy",
            "https://api.mynagad.com.example.com/api/dfs/verify/payment/MTEy",
            "https://user:pw@api.mynagad.com/api/dfs/verify/payment/MTEy",
            "https://example.com\\@api.mynagad.com/api/dfs/verify/payment/MTEy",
            "ftp://api.mynagad.com/api/dfs/verify/payment/MTEy",
            "/api/dfs/verify/payment/MTEy",
            "",
            "not a url",
        ] {
            assert_eq!(check("GET", target), Err(Refusal::Target), "{target}");
        }
    }

    #[test]
    fn other_paths_methods_and_queries_are_path_refusals() {
        for (method, target) in [
            ("GET", "https://api.mynagad.com/"),
            ("GET", "https://api.mynagad.com/api/dfs"),
            ("GET", "https://api.mynagad.com/api/dfs/"),
            ("GET", "https://api.mynagad.com/api/dfsx/verify/payment/MTEy"),
            ("GET", "https://api.mynagad.com/other/verify/payment/MTEy"),
            ("GET", "https://api.mynagad.com/api/dfs/verify/payment/"),
            ("GET", "https://api.mynagad.com/api/dfs/verify/payment/MTEy/more"),
            ("GET", "https://api.mynagad.com/api/dfs/verify/payment/a%2"),
            ("GET", "https://api.mynagad.com/api/dfs/verify/payment/MTEy?x=1"),
            ("GET", "https://api.mynagad.com/api/dfs/verify/payment/MTEy#frag"),
            ("GET", "https://api.mynagad.com/api/dfs/verify/payment/../../../admin"),
            ("GET", "https://api.mynagad.com/api/dfs/verify/payment/%2e%2e/%2e%2e/x"),
            ("POST", "https://api.mynagad.com/api/dfs/verify/payment/MTEy"),
            ("GET", "https://api.mynagad.com/api/dfs/check-out/complete/MTEy"),
            (
                "DELETE",
                "https://api.mynagad.com/api/dfs/check-out/initialize/6830/BDP1",
            ),
            ("POST", "https://api.mynagad.com/api/dfs/check-out/initialize/6830"),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/check-out/initialize/6830/BDP1?locale=FR",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/check-out/initialize/6830/BDP1?",
            ),
            ("POST", "https://api.mynagad.com/api/dfs/purchase/cancel"),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/purchase/cancel?paymentRefId=MTEy",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/purchase/cancel?paymentRefId=a&orderId=b&x=c",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/purchase/cancel?paymentRefId=a&paymentRefId=b",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/purchase/cancel?paymentRefId=&orderId=b",
            ),
            (
                "POST",
                "https://api.mynagad.com/api/dfs/purchase/refund?paymentRefId=a&orderId=b",
            ),
        ] {
            assert_eq!(check(method, target), Err(Refusal::Path), "{method} {target}");
        }
    }

    #[test]
    fn the_fetched_url_is_the_checked_one() {
        // Dot segments are resolved before the rule looks, so what passes is what is fetched.
        assert_eq!(
            check("GET", "https://api.mynagad.com/api/dfs/x/../verify/payment/MTEy").as_deref(),
            Ok("https://api.mynagad.com/api/dfs/verify/payment/MTEy")
        );
    }

    #[test]
    fn the_sandbox_base_has_a_port_and_a_longer_path() {
        let base = NagadBase::parse("http://127.0.0.1:8790/nagad/remote-payment-gateway-1.0/api/dfs/").unwrap();
        let ok = "http://127.0.0.1:8790/nagad/remote-payment-gateway-1.0/api/dfs/verify/payment/MTEy";
        assert!(base.check("GET", ok).is_ok());
        assert_eq!(
            base.check(
                "GET",
                "http://127.0.0.1:8791/nagad/remote-payment-gateway-1.0/api/dfs/verify/payment/MTEy"
            ),
            Err(Refusal::Target)
        );
        assert_eq!(
            base.check(
                "GET",
                "http://localhost:8790/nagad/remote-payment-gateway-1.0/api/dfs/verify/payment/MTEy"
            ),
            Err(Refusal::Target)
        );
        assert_eq!(
            base.check(
                "GET",
                "http://127.0.0.1:8790/bkash/v1.2.0-beta/tokenized/checkout/create"
            ),
            Err(Refusal::Path)
        );
    }

    #[test]
    fn bad_base_urls_are_refused() {
        for bad in [
            "",
            "api.mynagad.com",
            "ftp://x/api",
            "https://u:p@x/api",
            "https://x/api?q=1",
            "https://x/api#f",
        ] {
            assert!(NagadBase::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(NagadBase::parse("https://api.mynagad.com").unwrap().base_path, "");
    }

    #[test]
    fn the_log_shows_the_path_and_query_names_only() {
        assert_eq!(
            loggable("https://api.mynagad.com/api/dfs/purchase/cancel?paymentRefId=MTEy&orderId=BDP1"),
            "/api/dfs/purchase/cancel?paymentRefId=…&orderId=…"
        );
        assert_eq!(
            loggable("https://api.mynagad.com/api/dfs/verify/payment/MTEy"),
            "/api/dfs/verify/payment/MTEy"
        );
        assert_eq!(loggable("no url\nforged line"), "-");
        assert!(!loggable("https://x/a\u{7}b").contains('\u{7}'));
    }
}
