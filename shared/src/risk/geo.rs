//! Where a request came from, as the geography rules read Cloudflare's `request.cf`.
//!
//! Cloudflare gives `cf.country` (ISO 3166-1 alpha-2, `"BD"`; `"T1"` for Tor; `"XX"` or absent
//! when unknown), `cf.regionCode` (the ISO 3166-2 subdivision code without the country part)
//! and `cf.region` (that subdivision's name). Bangladesh's first-level subdivisions are its
//! divisions, ISO 3166-2:BD-A to BD-H; Dhaka division is `BD-C`. So we expect, from Dhaka:
//!
//! | field | value we accept |
//! | --- | --- |
//! | `country` | `"BD"` |
//! | `regionCode` | `"C"` (preferred: codes do not change with spelling) |
//! | `region` | `"Dhaka"` or `"Dhaka Division"`, any case (when `regionCode` is absent) |
//!
//! Mymensingh division (`BD-H`) was carved out of Dhaka division in 2015: an older geo
//! database may still place it in `C`, which errs towards Dhaka.
//!
//! Local development: `wrangler dev` fills `request.cf` from Cloudflare's `cf.json` for the
//! developer's own connection or, offline, with Miniflare's fallback (`"US"`, `"Texas"`,
//! `"TX"`), which reads here as abroad. The stand-in is [`Location::from_stand_in`]: the edge,
//! in test mode only, may take a setting such as `"BD-C"` (Dhaka), `"BD-B"` (Chattogram) or
//! `"JP"` instead of the request's `cf`.

/// Dhaka division's ISO 3166-2 code within Bangladesh (BD-C).
pub const DHAKA_REGION_CODE: &str = "C";

/// Where the shopper's request came from, as far as the rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Bangladesh, Dhaka division.
    DhakaDivision,
    /// Bangladesh, another division or an unknown one.
    ElsewhereInBangladesh,
    /// Another country (its ISO code, ASCII upper case), or `T1`: Tor.
    Abroad([u8; 2]),
    /// Cloudflare did not say (or said `XX`).
    Unknown,
}

impl Location {
    /// Reads Cloudflare's `cf.country`, `cf.regionCode` and `cf.region`. Anything that is not
    /// two ASCII letters as a country is [`Location::Unknown`]; the strings are never kept.
    #[must_use]
    pub fn from_cf(country: Option<&str>, region_code: Option<&str>, region: Option<&str>) -> Location {
        let code = match country.map(str::as_bytes) {
            Some(&[a, b]) if a.is_ascii_alphabetic() && b.is_ascii_alphanumeric() => {
                [a.to_ascii_uppercase(), b.to_ascii_uppercase()]
            }
            _ => return Location::Unknown,
        };
        match &code {
            b"XX" => Location::Unknown,
            b"BD" if is_dhaka(region_code, region) => Location::DhakaDivision,
            b"BD" => Location::ElsewhereInBangladesh,
            _ => Location::Abroad(code),
        }
    }

    /// The local-development stand-in: `"BD-C"` (Dhaka), `"BD-B"`, `"BD"`, `"JP"`; `None` for
    /// anything else, so a typo never passes for a place.
    #[must_use]
    pub fn from_stand_in(s: &str) -> Option<Location> {
        let (country, region_code) = match s.split_once('-') {
            Some((c, r)) if !r.is_empty() => (c, Some(r)),
            Some(_) => return None,
            None => (s, None),
        };
        match Location::from_cf(Some(country), region_code, None) {
            Location::Unknown => None,
            known => Some(known),
        }
    }

    /// Known to be outside Dhaka division (another division, or abroad).
    #[must_use]
    pub const fn is_outside_dhaka(self) -> bool {
        matches!(self, Location::ElsewhereInBangladesh | Location::Abroad(_))
    }

    /// Appends the country code when abroad, for a reason's text: `"JP"`, `"T1"`.
    pub fn push_country(self, out: &mut String) {
        if let Location::Abroad([a, b]) = self {
            out.push(char::from(a));
            out.push(char::from(b));
        }
    }
}

fn is_dhaka(region_code: Option<&str>, region: Option<&str>) -> bool {
    match region_code.filter(|c| !c.is_empty()) {
        Some(code) => code.eq_ignore_ascii_case(DHAKA_REGION_CODE) || code.eq_ignore_ascii_case("BD-C"),
        None => region.is_some_and(|r| {
            let r = r.trim();
            r.eq_ignore_ascii_case("Dhaka") || r.eq_ignore_ascii_case("Dhaka Division")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Location::*;

    /// `cf.country`, `cf.regionCode`, `cf.region`, and what they read as.
    type Row = (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Location,
    );

    #[test]
    fn cloudflare_fields_read_as_a_location() {
        let rows: [Row; 16] = [
            (Some("BD"), Some("C"), Some("Dhaka Division"), DhakaDivision),
            (Some("BD"), Some("C"), None, DhakaDivision),
            (Some("bd"), Some("c"), None, DhakaDivision),
            (Some("BD"), None, Some("Dhaka"), DhakaDivision),
            (Some("BD"), Some(""), Some(" dhaka division "), DhakaDivision),
            (Some("BD"), Some("B"), Some("Chittagong"), ElsewhereInBangladesh),
            (
                Some("BD"),
                Some("H"),
                Some("Mymensingh Division"),
                ElsewhereInBangladesh,
            ),
            (Some("BD"), Some("B"), Some("Dhaka"), ElsewhereInBangladesh), // the code wins
            (Some("BD"), None, None, ElsewhereInBangladesh),
            (Some("BD"), None, Some("Dhakaa"), ElsewhereInBangladesh),
            (Some("US"), Some("TX"), Some("Texas"), Abroad(*b"US")), // Miniflare's fallback
            (Some("T1"), None, None, Abroad(*b"T1")),                // Tor
            (Some("XX"), None, None, Unknown),
            (None, Some("C"), Some("Dhaka"), Unknown),
            (Some("BGD"), None, None, Unknown),
            (Some("১২"), None, None, Unknown),
        ];
        for (country, code, region, want) in rows {
            assert_eq!(
                Location::from_cf(country, code, region),
                want,
                "{country:?} {code:?} {region:?}"
            );
        }
    }

    #[test]
    fn the_local_stand_in_names_a_place_or_nothing() {
        assert_eq!(Location::from_stand_in("BD-C"), Some(DhakaDivision));
        assert_eq!(Location::from_stand_in("BD-B"), Some(ElsewhereInBangladesh));
        assert_eq!(Location::from_stand_in("BD"), Some(ElsewhereInBangladesh));
        assert_eq!(Location::from_stand_in("jp"), Some(Abroad(*b"JP")));
        for bad in ["", "XX", "BD-", "Dhaka", "B-C"] {
            assert_eq!(Location::from_stand_in(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn outside_dhaka_means_known_to_be_outside() {
        assert!(!DhakaDivision.is_outside_dhaka());
        assert!(ElsewhereInBangladesh.is_outside_dhaka());
        assert!(Abroad(*b"JP").is_outside_dhaka());
        assert!(!Unknown.is_outside_dhaka());
        let mut s = String::new();
        Abroad(*b"T1").push_country(&mut s);
        DhakaDivision.push_country(&mut s);
        assert_eq!(s, "T1");
    }
}
