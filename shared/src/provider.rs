//! The wallets a payment can go through, by their wire names and the names people read.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::errors::unknown_name::UnknownName;
use crate::locale::Lang;

/// A mobile financial service we take payments through.
///
/// On the wire (our API, D1, logs) it is `"bkash"` or `"nagad"`; people read
/// [`Provider::display_name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Bkash,
    Nagad,
}

impl Provider {
    /// Every provider, in the order the widget shows them.
    pub const ALL: [Provider; 2] = [Provider::Bkash, Provider::Nagad];

    /// The wire name: `"bkash"` or `"nagad"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Provider::Bkash => "bkash",
            Provider::Nagad => "nagad",
        }
    }

    /// The other wallet (failover, the widget's second offer).
    #[must_use]
    pub const fn other(self) -> Provider {
        match self {
            Provider::Bkash => Provider::Nagad,
            Provider::Nagad => Provider::Bkash,
        }
    }

    /// The brand as the provider writes it: "bKash", "Nagad"; "বিকাশ", "নগদ".
    #[must_use]
    pub const fn display_name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Provider::Bkash, Lang::En) => "bKash",
            (Provider::Nagad, Lang::En) => "Nagad",
            (Provider::Bkash, Lang::Bn) => "বিকাশ",
            (Provider::Nagad, Lang::Bn) => "নগদ",
        }
    }
}

/// Prints the wire name, so a log line reads `provider=bkash`.
impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = UnknownName;

    /// Exactly the wire names, as serde reads them: `"bKash"` or `" bkash"` is refused.
    fn from_str(s: &str) -> Result<Provider, UnknownName> {
        match s {
            "bkash" => Ok(Provider::Bkash),
            "nagad" => Ok(Provider::Nagad),
            _ => Err(UnknownName("provider")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_from_str_and_serde() {
        for p in Provider::ALL {
            assert_eq!(p.as_str().parse::<Provider>(), Ok(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Provider>(&json).unwrap(), p);
            assert_eq!(p.to_string(), p.as_str());
        }
    }

    #[test]
    fn other_spellings_are_refused() {
        for s in ["", "bKash", "BKASH", " bkash", "nagad ", "rocket", "upay"] {
            assert_eq!(s.parse::<Provider>(), Err(UnknownName("provider")), "{s:?}");
        }
        assert!(serde_json::from_str::<Provider>("\"Nagad\"").is_err());
    }

    #[test]
    fn display_names_follow_each_brand_in_both_languages() {
        assert_eq!(Provider::Bkash.display_name(Lang::En), "bKash");
        assert_eq!(Provider::Nagad.display_name(Lang::En), "Nagad");
        assert_eq!(Provider::Bkash.display_name(Lang::Bn), "বিকাশ");
        assert_eq!(Provider::Nagad.display_name(Lang::Bn), "নগদ");
    }
}
