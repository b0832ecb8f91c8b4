//! Values that must never reach a log or a response by accident: keys, passwords, tokens.
//!
//! `Secret<T>` has no `Display`, no `Serialize` and no `Clone`, and its `Debug`
//! prints `Secret(..)`, so `{:?}` on a config struct or an error is safe. The one
//! way in is [`Secret::expose`]: grep for it, and review every caller.

use core::fmt;

use serde::{Deserialize, Deserializer};

/// A value that is read only where it is used, and never printed.
///
/// Comparing two secrets is deliberately not offered: compare in constant time
/// where the comparison happens (the `crypto` feature), on the exposed bytes.
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value on the line that reads it from its source (a binding, a file).
    #[must_use]
    pub const fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The value itself: the only way in. Every caller is a place a secret can leak.
    #[must_use]
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Gives the value up, for APIs that take ownership (e.g. a key parser).
    #[must_use]
    pub fn into_exposed(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Secret<T> {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Reading a secret from configuration is fine; writing one out is not (no `Serialize`).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret<T>, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Config {
        app_key: String,
        app_secret: Secret<String>,
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new(String::from("2is7hdktrekvrbljjh44ll3d9l1dtjo4"));
        assert_eq!(format!("{s:?}"), "Secret(..)");
        assert_eq!(format!("{s:#?}"), "Secret(..)");
    }

    #[test]
    fn a_struct_holding_a_secret_debugs_without_it() {
        let c: Config = serde_json::from_str(r#"{"app_key":"4f6o0cjiki","app_secret":"hunter2-very-secret"}"#).unwrap();
        let printed = format!("{c:?}");
        assert_eq!(c.app_key, "4f6o0cjiki");
        assert!(printed.contains("4f6o0cjiki"));
        assert!(!printed.contains("hunter2"));
        assert_eq!(c.app_secret.expose(), "hunter2-very-secret");
    }

    #[test]
    fn expose_and_into_exposed_give_the_value_back() {
        let s: Secret<u32> = 7.into();
        assert_eq!(*s.expose(), 7);
        assert_eq!(s.into_exposed(), 7);
    }
}
