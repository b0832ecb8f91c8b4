//! Where the shopper pays from: confirm's `device`, Nagad's client type, a routing hint.

use serde::{Deserialize, Serialize};

/// The shopper's device, by its wire name in confirm and in the widget's `data-device`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Device {
    Desktop,
    /// A smartphone's browser.
    MobileWeb,
    /// Inside the merchant's own app.
    MobileApp,
    /// Another app's in-app browser (Facebook, Android WebView).
    Webview,
    /// A small-screen phone (KaiOS and the like): routing prefers bKash there.
    FeaturePhone,
}

impl Device {
    /// Every device, in wire-name order.
    pub const ALL: [Device; 5] = [
        Device::Desktop,
        Device::MobileWeb,
        Device::MobileApp,
        Device::Webview,
        Device::FeaturePhone,
    ];

    /// The wire name: `"desktop"`, `"mobile_web"`, `"mobile_app"`, `"webview"`, `"feature_phone"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::MobileWeb => "mobile_web",
            Device::MobileApp => "mobile_app",
            Device::Webview => "webview",
            Device::FeaturePhone => "feature_phone",
        }
    }

    /// The wire name back, exactly as serde reads it; anything else is `None`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Device> {
        // A scan of the names, not a `match` on strings: the widget reads the loader's word
        // with it, and the scan is a few hundred bytes less wasm.
        Device::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_match_serde() {
        for d in Device::ALL {
            assert_eq!(Device::from_name(d.as_str()), Some(d));
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(json, format!("\"{}\"", d.as_str()));
            assert_eq!(serde_json::from_str::<Device>(&json).unwrap(), d);
        }
        assert_eq!(Device::from_name("Desktop"), None);
        assert_eq!(Device::from_name(""), None);
    }
}
