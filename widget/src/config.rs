//! The script tag's `data-*` attributes (or the container's) → a checked [`Config`].

use bdpay_shared::device::Device;
use bdpay_shared::ids::{ClientSecret, PaymentId};
use bdpay_shared::locale::Lang;
use bdpay_shared::provider::Provider;
use web_sys::Element;

/// Everything the widget needs to act on one payment, already checked.
pub struct Config {
    pub payment: PaymentId,
    pub secret: ClientSecret,
    /// The edge's origin, from the loader: `https://pay.example` (no trailing slash).
    pub api: String,
    pub device: Device,
    /// `data-start`: confirm this provider at once (a merchant's retry after a failure).
    pub start: Option<Provider>,
}

/// Why the attributes cannot start a payment; each becomes a sentence in `text`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ConfigError {
    NoPayment,
    BadPayment,
    NoSecret,
    BadSecret,
}

impl ConfigError {
    /// The code in the `bdpay:failed` event's detail.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            ConfigError::NoPayment => "missing_payment",
            ConfigError::BadPayment => "invalid_payment",
            ConfigError::NoSecret => "missing_client_secret",
            ConfigError::BadSecret => "invalid_client_secret",
        }
    }
}

/// The attribute from the script tag, else from the container.
fn attr(script: Option<&Element>, host: &Element, name: &str) -> Option<String> {
    script
        .and_then(|s| s.get_attribute(name))
        .or_else(|| host.get_attribute(name))
        .map(|v| {
            let t = v.trim();
            if t.len() == v.len() {
                v
            } else {
                String::from(t)
            }
        })
        .filter(|v| !v.is_empty())
}

/// The page's language: `data-lang`, else Bangla (the default in Bangladesh).
#[must_use]
pub fn lang(script: Option<&Element>, host: &Element) -> Lang {
    attr(script, host, "data-lang")
        .and_then(|t| Lang::from_tag(&t))
        .unwrap_or_default()
}

/// Reads and checks the attributes. The secret must belong to the payment: a mismatch is
/// caught here, before the shopper waits on a network round trip to hear it.
/// `device` is the loader's guess (it looks at the screen and the user agent), used unless the
/// page says `data-device`.
pub fn read(script: Option<&Element>, host: &Element, api: &str, device: &str) -> Result<Config, ConfigError> {
    let payment = attr(script, host, "data-payment").ok_or(ConfigError::NoPayment)?;
    let payment = PaymentId::parse(&payment).map_err(|_| ConfigError::BadPayment)?;
    let secret = attr(script, host, "data-client-secret").ok_or(ConfigError::NoSecret)?;
    let secret = ClientSecret::parse(&secret).map_err(|_| ConfigError::BadSecret)?;
    if secret.payment_id() != payment {
        return Err(ConfigError::BadSecret);
    }
    let device = attr(script, host, "data-device")
        .and_then(|d| Device::from_name(&d))
        .or_else(|| Device::from_name(device))
        .unwrap_or(Device::MobileWeb);
    let start = attr(script, host, "data-start").and_then(|p| p.parse().ok());
    Ok(Config {
        payment,
        secret,
        api: String::from(api),
        device,
        start,
    })
}
