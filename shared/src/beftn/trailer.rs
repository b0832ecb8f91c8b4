//! The file's control totals: how many credits, their sum, and a hash of their routing numbers,
//! as the trailer record carries them and as JSON for a screen or a log.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::credit::{checked_credits, CheckedCredit, Credit};
use super::error::FileError;

/// The routing hash keeps the last ten digits of the sum of the routing numbers.
const HASH_MODULUS: u64 = 10_000_000_000;

/// Control totals of a set of credits.
///
/// JSON: `{"count": 2, "total": "1250.00", "total_poisha": 125000, "routing_hash": "0450301270"}`
/// (the amount as the API writes money, and in poisha as D1 stores it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trailer {
    pub count: u32,
    /// The sum of the credits, in poisha.
    pub total: i64,
    /// The sum of the nine-digit routing numbers, modulo 10^10: a bank can check that no
    /// credit's destination changed on the way.
    pub routing_hash: u64,
}

/// The control totals of `credits`, after checking every credit as [`super::file`] does.
pub fn trailer(credits: &[Credit]) -> Result<Trailer, FileError> {
    checked_credits(credits).map(|c| trailer_of(&c))
}

pub(super) fn trailer_of(credits: &[CheckedCredit<'_>]) -> Trailer {
    // Amounts are at most MAX_POISHA and there are at most 999,999 of them: the sum fits.
    let total = credits.iter().fold(0i64, |sum, c| sum.saturating_add(c.amount));
    let routing_hash = credits.iter().fold(0u64, |h, c| (h + c.routing.value()) % HASH_MODULUS);
    Trailer {
        count: u32::try_from(credits.len()).unwrap_or(u32::MAX),
        total,
        routing_hash,
    }
}

impl Trailer {
    /// `"1250.00"`: the total as the API writes money.
    #[must_use]
    pub fn total_taka(&self) -> String {
        format!("{}.{:02}", self.total / 100, (self.total % 100).abs())
    }

    /// `"0450301270"`: the hash as the trailer writes it, ten digits.
    #[must_use]
    pub fn routing_hash_digits(&self) -> String {
        format!("{:010}", self.routing_hash)
    }
}

impl Serialize for Trailer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Trailer", 4)?;
        st.serialize_field("count", &self.count)?;
        st.serialize_field("total", &self.total_taka())?;
        st.serialize_field("total_poisha", &self.total)?;
        st.serialize_field("routing_hash", &self.routing_hash_digits())?;
        st.end()
    }
}
