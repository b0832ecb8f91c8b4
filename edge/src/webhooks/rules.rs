//! The pure rules of webhook delivery: event types, event ids, endpoint URLs and event
//! lists, and the retry schedule. No I/O: every function here has a host test.

use sha2::{Digest, Sha256};

/// Every event type a merchant can receive: a payment's and a refund's moves, and a
/// provider's health moves in the endpoint's mode (`bdpay_shared::health`), and a day whose
/// reconciliation differs from the provider's statement by more than 2 % (`finance`).
pub const EVENT_TYPES: [&str; 11] = [
    "payment.succeeded",
    "payment.failed",
    "payment.cancelled",
    "payment.expired",
    "payment.requires_review",
    "refund.succeeded",
    "refund.failed",
    "provider.degraded",
    "provider.down",
    "provider.up",
    "reconciliation.alarm",
];

/// Base-36 alphabet of our ids.
const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// 24 base-36 characters from the first 16 bytes (36^24 < 2^128).
pub fn base36_24(bytes: &[u8]) -> String {
    let mut first = [0u8; 16];
    for (f, b) in first.iter_mut().zip(bytes) {
        *f = *b;
    }
    let mut n = u128::from_be_bytes(first);
    let mut out = [b'0'; 24];
    for slot in out.iter_mut().rev() {
        *slot = BASE36[(n % 36) as usize];
        n /= 36;
    }
    out.iter().map(|b| char::from(*b)).collect()
}

/// `evt_…`: the same (payment, version, refund) always gives the same id, so a ledger
/// batch that runs twice records the event once.
pub fn event_id(payment_id: &str, version: u64, refund_id: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(payment_id.as_bytes());
    h.update(b"|");
    h.update(version.to_string().as_bytes());
    h.update(b"|");
    h.update(refund_id.unwrap_or("").as_bytes());
    format!("evt_{}", base36_24(&h.finalize()))
}

/// Whether `id` looks like one of our ids with `prefix` (`we_`, `evt_`): 24 of `[a-z0-9]`.
pub fn is_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|rest| rest.len() == 24 && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// A signing secret the merchant brings (for example from their own configuration, so a
/// test setup can be recreated with the same secret): `whsec_` and 32 to 128 characters of
/// `[A-Za-z0-9_-]`. Without one, the edge makes a random one.
pub fn check_secret(secret: &str) -> Result<(), &'static str> {
    let Some(rest) = secret.strip_prefix("whsec_") else {
        return Err("secret must start with whsec_");
    };
    if !(32..=128).contains(&rest.len()) {
        return Err("secret must have 32 to 128 characters after whsec_");
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err("secret may hold only letters, digits, _ and - after whsec_");
    }
    Ok(())
}

/// An endpoint URL: at most 2048 characters, no whitespace or credentials, and a host the
/// address rules admit ([`super::address`]). Live endpoints, and every endpoint outside a dev
/// deployment (`dev`: `BDPAY_ENV` is exactly `dev`), go only to public `https` hosts on port
/// 443. Dev test endpoints may also use `http`, any port, loopback, private addresses and
/// single-label names (the demo shop's receiver is `http://127.0.0.1:PORT/demo/webhooks`).
/// Link-local (the cloud metadata address), CGNAT, multicast, unspecified and reserved
/// addresses are refused everywhere. Checked at registration and again before each delivery.
pub fn check_url(raw: &str, livemode: bool, dev: bool) -> Result<(), &'static str> {
    use super::address::{classify, Class};
    const SHAPE: &str = "url must be an http(s) URL of at most 2048 characters";
    if raw.len() > 2048 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SHAPE);
    }
    let u = url::Url::parse(raw).map_err(|_| SHAPE)?;
    let strict = livemode || !dev;
    match u.scheme() {
        "https" => {}
        "http" if !strict => {}
        "http" => return Err("url must use https"),
        _ => return Err(SHAPE),
    }
    let Some(host) = u.host() else {
        return Err("url must have a host");
    };
    if !u.username().is_empty() || u.password().is_some() {
        return Err("url must not carry credentials");
    }
    match classify(&host) {
        Class::Public => {}
        Class::Never(why) => return Err(why),
        Class::Loopback if strict => return Err("url must not name localhost or a loopback address (127.0.0.0/8, ::1)"),
        Class::Private if strict => {
            return Err("url must name a public host: a domain name with a dot, not a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7)")
        }
        Class::Loopback | Class::Private => {}
    }
    if strict && u.port_or_known_default() != Some(443) {
        return Err("url must use port 443");
    }
    Ok(())
}

/// The endpoint's `events`, stored as `*` or `,a,b,` (so SQL matches `,type,` with instr).
pub fn events_filter(events: &[String]) -> Result<String, &'static str> {
    const RULE: &str = "events must be [\"*\"] or a list of event types (payment.succeeded, payment.failed, payment.cancelled, payment.expired, payment.requires_review, refund.succeeded, refund.failed, provider.degraded, provider.down, provider.up, reconciliation.alarm)";
    if events.is_empty() || events.len() > EVENT_TYPES.len() {
        return Err(RULE);
    }
    if events.len() == 1 && events.first().is_some_and(|e| e == "*") {
        return Ok("*".into());
    }
    let mut stored = String::from(",");
    for known in EVENT_TYPES {
        if events.iter().any(|e| e == known) {
            stored.push_str(known);
            stored.push(',');
        }
    }
    if events.iter().any(|e| !EVENT_TYPES.contains(&e.as_str())) {
        return Err(RULE);
    }
    Ok(stored)
}

/// The stored filter back as the API shows it.
pub fn events_list(stored: &str) -> Vec<String> {
    if stored == "*" {
        return vec!["*".into()];
    }
    stored.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Delays after the n-th failed attempt, in units of the base (60 s by default):
/// 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, then daily.
const BACKOFF: [i64; 7] = [1, 5, 30, 120, 360, 720, 1440];

/// The retry window in units of the base: three days at the default base of 60 s.
const WINDOW: i64 = 3 * 24 * 60;

/// When to try again after `attempts` failed attempts (counting the one just made), or
/// `None` when the window that started at `first_at_ms` is over. `base_secs` scales the
/// whole schedule (tests run it in seconds instead of minutes).
pub fn next_attempt_ms(attempts: u32, first_at_ms: i64, now_ms: i64, base_secs: i64) -> Option<i64> {
    let unit_ms = base_secs.max(1) * 1000;
    let end = first_at_ms.saturating_add(WINDOW * unit_ms);
    if now_ms >= end {
        return None;
    }
    let index = usize::try_from(attempts.saturating_sub(1))
        .unwrap_or(usize::MAX)
        .min(BACKOFF.len() - 1);
    let delay = BACKOFF.get(index).copied().unwrap_or(1440) * unit_ms;
    Some(now_ms.saturating_add(delay).min(end))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_brought_secret_is_long_and_plain() {
        assert!(check_secret(&format!("whsec_{}", "a".repeat(32))).is_ok());
        assert!(check_secret(&format!("whsec_{}", "Z9_-".repeat(32))).is_ok());
        assert!(check_secret(&format!("whsec_{}", "a".repeat(31))).is_err());
        assert!(check_secret(&format!("whsec_{}", "a".repeat(129))).is_err());
        assert!(check_secret(&"a".repeat(40)).is_err());
        assert!(check_secret(&format!("whsec_{} ", "a".repeat(32))).is_err());
        assert!(check_secret(&format!("whsec_{}ক", "a".repeat(32))).is_err());
    }

    use super::*;

    #[test]
    fn event_ids_are_deterministic_and_shaped() {
        let a = event_id("pay_abc", 3, None);
        assert_eq!(a, event_id("pay_abc", 3, None));
        assert_ne!(a, event_id("pay_abc", 4, None));
        assert_ne!(a, event_id("pay_abc", 3, Some("re_x")));
        assert!(is_id(&a, "evt_"), "{a}");
        assert_eq!(base36_24(&[0u8; 32]), "0".repeat(24));
        assert_eq!(base36_24(&[0xff; 16]).len(), 24);
    }

    #[test]
    fn urls_are_http_s_with_a_host() {
        assert!(check_url("https://shop.example/hooks", true, false).is_ok());
        assert!(check_url("http://127.0.0.1:9000/h", false, true).is_ok());
        assert_eq!(
            check_url("http://shop.example/h", true, false),
            Err("url must use https")
        );
        for bad in [
            "",
            "ftp://x/y",
            "javascript:alert(1)",
            "https://",
            "https://a b/",
            "https://u:p@shop.example/",
            "https://u@shop.example/",
        ] {
            assert!(check_url(bad, false, true).is_err(), "{bad}");
        }
        assert!(check_url(&format!("https://shop.example/{}", "a".repeat(2040)), false, true).is_err());
    }

    /// (live endpoint, dev deployment) for every mode there is.
    const MODES: [(bool, bool); 4] = [(true, false), (false, false), (true, true), (false, true)];

    #[test]
    fn live_and_production_admit_only_public_https_on_443() {
        for (live, dev) in MODES.into_iter().filter(|(live, dev)| *live || !*dev) {
            assert!(check_url("https://shop.example/hooks", live, dev).is_ok());
            assert!(check_url("https://shop.example:443/hooks", live, dev).is_ok());
            assert!(check_url("https://93.184.216.34/h", live, dev).is_ok());
            for bad in [
                "http://shop.example/hooks",
                "https://shop.example:8443/hooks",
                "https://127.0.0.1/h",
                "https://2130706433/h",
                "https://0x7f.1/h",
                "https://0177.0.0.1/h",
                "https://127.1/h",
                "https://[::1]/h",
                "https://[::ffff:127.0.0.1]/h",
                "https://localhost/h",
                "https://shop.localhost/h",
                "https://10.0.0.1/h",
                "https://172.16.5.4/h",
                "https://192.168.1.1/h",
                "https://[fd00::1]/h",
                "https://[::ffff:10.0.0.1]/h",
                "https://intranet/h",
                "https://169.254.169.254/h",
                "https://user:pw@shop.example/h",
            ] {
                assert!(check_url(bad, live, dev).is_err(), "{bad} live={live} dev={dev}");
            }
        }
        assert_eq!(
            check_url("https://shop.example:8443/", true, false),
            Err("url must use port 443")
        );
        assert!(check_url("https://10.0.0.1/", true, true)
            .unwrap_err()
            .contains("private"));
        assert!(check_url("https://127.1/", false, false)
            .unwrap_err()
            .contains("loopback"));
    }

    #[test]
    fn dev_test_endpoints_may_use_loopback_private_and_http() {
        for ok in [
            "http://127.0.0.1:38787/demo/webhooks",
            "http://localhost:3000/h",
            "http://[::1]:8080/h",
            "http://10.0.0.5/h",
            "http://192.168.1.10:8080/h",
            "http://shop-backend/h",
            "https://shop.example:8443/h",
        ] {
            assert!(check_url(ok, false, true).is_ok(), "{ok}");
        }
    }

    #[test]
    fn some_addresses_are_refused_in_every_mode() {
        for (live, dev) in MODES {
            for bad in [
                "http://169.254.169.254/latest/meta-data/",
                "http://[fe80::1]/",
                "http://[::ffff:169.254.169.254]/",
                "http://100.64.0.1/",
                "http://224.0.0.1/",
                "http://[ff02::1]/",
                "http://0.0.0.0/",
                "http://[::]/",
                "http://255.255.255.255/",
                "http://[::ffff:100.100.100.100]/",
                "http://u@127.0.0.1/",
            ] {
                assert!(check_url(bad, live, dev).is_err(), "{bad} live={live} dev={dev}");
            }
        }
        assert!(check_url("http://169.254.169.254/", false, true)
            .unwrap_err()
            .contains("link-local"));
    }

    #[test]
    fn event_lists_are_all_or_known_types() {
        assert_eq!(events_filter(&["*".into()]), Ok("*".into()));
        assert_eq!(
            events_filter(&["refund.failed".into(), "payment.succeeded".into()]),
            Ok(",payment.succeeded,refund.failed,".into())
        );
        assert_eq!(
            events_list(",payment.succeeded,refund.failed,"),
            ["payment.succeeded", "refund.failed"]
        );
        assert_eq!(events_list("*"), ["*"]);
        assert_eq!(
            events_filter(&["provider.up".into(), "provider.down".into(), "provider.degraded".into()]),
            Ok(",provider.degraded,provider.down,provider.up,".into()),
            "a provider's health moves (bdpay_shared::health)"
        );
        for bad in [
            vec![],
            vec!["payment.refunded".to_string()],
            vec!["*".into(), "payment.failed".into()],
        ] {
            assert!(events_filter(&bad).is_err(), "{bad:?}");
        }
    }

    /// docs/api.openapi.yaml's `EventType` enum is exactly these types, in this order.
    #[test]
    fn the_openapi_file_lists_exactly_these_event_types() {
        let spec = include_str!("../../../docs/api.openapi.yaml");
        let start = spec.find("\n    EventType:\n").expect("an EventType schema");
        let rest = &spec[start..];
        let open = rest.find("enum: [").expect("a flow-style enum") + "enum: [".len();
        let close = open + rest[open..].find(']').expect("the enum's end");
        let listed: Vec<&str> = rest[open..close].split(',').map(str::trim).collect();
        assert_eq!(listed, EVENT_TYPES);
    }

    #[test]
    fn retries_back_off_then_stop_after_three_days() {
        let m = 60_000;
        assert_eq!(next_attempt_ms(1, 0, 0, 60), Some(m));
        assert_eq!(next_attempt_ms(2, 0, m, 60), Some(6 * m));
        assert_eq!(next_attempt_ms(3, 0, 6 * m, 60), Some(36 * m));
        assert_eq!(next_attempt_ms(4, 0, 36 * m, 60), Some(156 * m));
        assert_eq!(
            next_attempt_ms(40, 0, 4000 * m, 60),
            Some(4320 * m),
            "the last try is at the window's end"
        );
        assert_eq!(next_attempt_ms(41, 0, 4320 * m, 60), None);
        assert_eq!(next_attempt_ms(1, 0, 0, 1), Some(1000), "the base scales the schedule");
    }
}
