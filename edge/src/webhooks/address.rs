//! Which hosts a webhook may be sent to (against SSRF): every IP literal is sorted into
//! public, loopback, private or never, after the `url` crate has turned odd IPv4 spellings
//! (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) and IPv4 inside IPv6 into plain addresses.
//! Pure: the rules are judged on the parsed host, nothing is resolved or fetched.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::Host;

/// What a host is, for the webhook rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// A public address or a domain name with a dot.
    Public,
    /// 127/8, ::1, `localhost`, `*.localhost`: admitted in dev only.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, fc00::/7, and single-label names: admitted in dev only.
    Private,
    /// Never admitted, dev included; the message names the rule.
    Never(&'static str),
}

const LINK_LOCAL: &str =
    "url must not name a link-local address (169.254.0.0/16, fe80::/10; the cloud metadata address is one)";
const CGNAT: &str = "url must not name a shared address (100.64.0.0/10)";
const MULTICAST: &str = "url must not name a multicast address (224.0.0.0/4, ff00::/8)";
const UNSPECIFIED: &str = "url must not name an unspecified or broadcast address (0.0.0.0/8, ::, 255.255.255.255)";
const RESERVED: &str = "url must not name a reserved or documentation address";

/// The class of a parsed URL host.
pub fn classify(host: &Host<&str>) -> Class {
    match host {
        Host::Ipv4(ip) => v4(*ip),
        Host::Ipv6(ip) => v6(*ip),
        Host::Domain(name) => domain(name),
    }
}

fn domain(name: &str) -> Class {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        Class::Loopback
    } else if name.is_empty() || !name.contains('.') {
        Class::Private
    } else {
        Class::Public
    }
}

/// An IPv4 address's class.
pub fn v4(ip: Ipv4Addr) -> Class {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => Class::Never(UNSPECIFIED),
        (127, _, _) => Class::Loopback,
        (10, _, _) | (192, 168, _) => Class::Private,
        (172, 16..=31, _) => Class::Private,
        (169, 254, _) => Class::Never(LINK_LOCAL),
        (100, 64..=127, _) => Class::Never(CGNAT),
        (224..=239, _, _) => Class::Never(MULTICAST),
        _ if ip.is_broadcast() => Class::Never(UNSPECIFIED),
        (240..=255, _, _) => Class::Never(RESERVED),
        // IETF protocol assignments, documentation, benchmarking.
        (192, 0, 0 | 2) | (198, 51, 100) | (203, 0, 113) | (198, 18..=19, _) => Class::Never(RESERVED),
        _ => Class::Public,
    }
}

/// An IPv6 address's class; IPv4 carried inside one (mapped, compatible, NAT64, 6to4) is
/// judged as that IPv4 address.
pub fn v6(ip: Ipv6Addr) -> Class {
    let s = ip.segments();
    if ip.is_unspecified() {
        return Class::Never(UNSPECIFIED);
    }
    if ip.is_loopback() {
        return Class::Loopback;
    }
    if let Some(inner) = embedded_v4(ip) {
        return v4(inner);
    }
    match s[0] {
        0xff00..=0xffff => Class::Never(MULTICAST),
        0xfe80..=0xfebf => Class::Never(LINK_LOCAL),
        // fec0::/10, the retired site-local range.
        0xfec0..=0xfeff => Class::Never(RESERVED),
        0xfc00..=0xfdff => Class::Private,
        // 2001::/32 Teredo (hides an IPv4 address), 2001:db8::/32 documentation.
        0x2001 if s[1] == 0 || s[1] == 0x0db8 => Class::Never(RESERVED),
        // 64:ff9b:1::/48 local NAT64, 100::/64 discard, the rest of ::/8.
        0x0064 if s[1] == 0xff9b => Class::Never(RESERVED),
        0x0100 if s[1..4] == [0, 0, 0] => Class::Never(RESERVED),
        0x0000..=0x00ff => Class::Never(RESERVED),
        _ => Class::Public,
    }
}

/// The IPv4 address inside `::ffff:a.b.c.d`, `::a.b.c.d`, `64:ff9b::a.b.c.d` or
/// `2002:AABB:CCDD::/48`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0, 0, 0, 0, 0, 0, hi, lo] => Some(low(hi, lo)),
        [0x0064, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(low(hi, lo)),
        [0x2002, hi, lo, ..] => Some(low(hi, lo)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(url: &str) -> Class {
        let u = url::Url::parse(url).unwrap();
        classify(&u.host().unwrap())
    }

    #[test]
    fn odd_ipv4_spellings_are_judged_as_the_address_they_mean() {
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://0x7f000001/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::127.0.0.1]/",
            "http://[::1]/",
            "http://localhost/",
            "http://LOCALHOST./",
            "http://api.localhost/",
        ] {
            assert_eq!(host_of(url), Class::Loopback, "{url}");
        }
    }

    #[test]
    fn private_ranges_and_single_labels_are_private() {
        for url in [
            "http://10.0.0.1/",
            "http://10.255.255.255/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://0xc0a80101/",
            "http://[::ffff:10.1.2.3]/",
            "http://[::ffff:192.168.0.1]/",
            "http://[fc00::1]/",
            "http://[fd12:3456::1]/",
            "http://[2002:c0a8:101::1]/",
            "http://intranet/",
        ] {
            assert_eq!(host_of(url), Class::Private, "{url}");
        }
        assert_eq!(v4(Ipv4Addr::new(172, 15, 0, 1)), Class::Public);
        assert_eq!(v4(Ipv4Addr::new(172, 32, 0, 1)), Class::Public);
    }

    #[test]
    fn some_ranges_are_never_admitted() {
        let cases = [
            ("http://169.254.169.254/latest/meta-data", LINK_LOCAL),
            ("http://2852039166/", LINK_LOCAL),
            ("http://0xa9.0xfe.0xa9.0xfe/", LINK_LOCAL),
            ("http://[::ffff:169.254.169.254]/", LINK_LOCAL),
            ("http://[fe80::1]/", LINK_LOCAL),
            ("http://[64:ff9b::a9fe:a9fe]/", LINK_LOCAL),
            ("http://100.64.0.1/", CGNAT),
            ("http://100.127.255.255/", CGNAT),
            ("http://[::ffff:100.64.0.1]/", CGNAT),
            ("http://224.0.0.1/", MULTICAST),
            ("http://239.255.255.250/", MULTICAST),
            ("http://[ff02::1]/", MULTICAST),
            ("http://[::ffff:224.0.0.1]/", MULTICAST),
            ("http://0.0.0.0/", UNSPECIFIED),
            ("http://0/", UNSPECIFIED),
            ("http://[::]/", UNSPECIFIED),
            ("http://[::ffff:0.0.0.0]/", UNSPECIFIED),
            ("http://255.255.255.255/", UNSPECIFIED),
            ("http://[::ffff:255.255.255.255]/", UNSPECIFIED),
            ("http://240.0.0.1/", RESERVED),
            ("http://192.0.2.1/", RESERVED),
            ("http://[2001:db8::1]/", RESERVED),
            ("http://[2001:0:4136:e378::1]/", RESERVED),
        ];
        for (url, why) in cases {
            assert_eq!(host_of(url), Class::Never(why), "{url}");
        }
        assert_eq!(v4(Ipv4Addr::new(100, 63, 255, 255)), Class::Public);
        assert_eq!(v4(Ipv4Addr::new(100, 128, 0, 0)), Class::Public);
    }

    #[test]
    fn public_hosts_are_public() {
        for url in [
            "https://shop.example/hooks",
            "https://93.184.216.34/",
            "https://[2606:4700::1111]/",
            "https://[::ffff:93.184.216.34]/",
            "https://localhost.shop.example/",
        ] {
            assert_eq!(host_of(url), Class::Public, "{url}");
        }
    }
}
