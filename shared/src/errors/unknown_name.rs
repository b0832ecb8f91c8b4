//! The error for a name that is not one of ours (a provider, a language, a status, an
//! error code). Its own module so the enums that parse names need nothing else of `errors`.

use std::fmt;

/// A name that is not one of ours. It says which kind, never the text that was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownName(pub &'static str);

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown ")?;
        f.write_str(self.0)
    }
}

impl std::error::Error for UnknownName {}
