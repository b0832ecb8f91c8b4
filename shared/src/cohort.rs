//! Grey release: which cohort a checkout falls in, from a stable hash of its order id.
//!
//! A merchant's [`Rollout`] sends `share_bp` basis points of checkouts (2,000 = 20 %, the
//! seed's) to a named variant; the rest are `control`. The split is a pure function of the
//! order id and a salt (the merchant id, so merchants' splits are independent):
//!
//! ```text
//! h      = fmix64(FNV-1a-64(salt ‖ 0xFF ‖ order_id))     0xFF never occurs in UTF-8
//! bucket = ⌊h × 10,000 / 2^64⌋                          0 ..= 9,999
//! cohort = variant if bucket < share_bp, else control
//! ```
//!
//! FNV-1a (64-bit: offset basis `0xcbf29ce484222325`, prime `0x100000001b3`) is byte-wise and
//! keyless; MurmurHash3's 64-bit finaliser (`fmix64`) then mixes every input bit into the
//! high bits the bucket is taken from, so sequential ids (`order_1`, `order_2`…) spread
//! evenly. Only wrapping `u64` arithmetic on bytes: the same answer on wasm32 and the host,
//! pinned by a test. Raising `share_bp` only moves orders from control to the variant.

use core::fmt;

use serde::{Deserialize, Serialize};

/// All checkouts, in basis points.
pub const ALL_BP: u16 = 10_000;
/// The longest variant name.
pub const MAX_VARIANT_LEN: usize = 32;
/// The control cohort's wire name: no variant may take it.
pub const CONTROL: &str = "control";

/// A merchant's rollout: `{"variant": "new_widget", "share_bp": 2000}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRollout")]
pub struct Rollout {
    variant: String,
    share_bp: u16,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRollout {
    variant: String,
    share_bp: u16,
}

impl TryFrom<RawRollout> for Rollout {
    type Error = RolloutError;

    fn try_from(raw: RawRollout) -> Result<Rollout, RolloutError> {
        Rollout::new(&raw.variant, raw.share_bp)
    }
}

/// Why a rollout setting is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutError {
    /// Not 1 to 32 of `a-z`, `0-9`, `_`, `-`, or `control`.
    VariantName,
    /// More than 10,000 basis points.
    Share,
}

impl fmt::Display for RolloutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RolloutError::VariantName => "variant must be 1 to 32 of a-z, 0-9, '_', '-', and not \"control\"",
            RolloutError::Share => "share_bp must be 0 to 10000",
        })
    }
}

impl std::error::Error for RolloutError {}

impl Rollout {
    /// A rollout of `share_bp` basis points (0 ..= 10,000) to `variant`.
    pub fn new(variant: &str, share_bp: u16) -> Result<Rollout, RolloutError> {
        let name_ok = (1..=MAX_VARIANT_LEN).contains(&variant.len())
            && variant
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
            && variant != CONTROL;
        if !name_ok {
            Err(RolloutError::VariantName)
        } else if share_bp > ALL_BP {
            Err(RolloutError::Share)
        } else {
            Ok(Rollout {
                variant: variant.to_owned(),
                share_bp,
            })
        }
    }

    #[must_use]
    pub fn variant(&self) -> &str {
        &self.variant
    }

    #[must_use]
    pub const fn share_bp(&self) -> u16 {
        self.share_bp
    }
}

/// The cohort a checkout is in; on the wire `"control"` or the variant's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Cohort {
    Control,
    Variant(String),
}

impl Cohort {
    /// `"control"` or the variant's name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Cohort::Control => CONTROL,
            Cohort::Variant(name) => name,
        }
    }
}

impl From<String> for Cohort {
    fn from(s: String) -> Cohort {
        if s == CONTROL {
            Cohort::Control
        } else {
            Cohort::Variant(s)
        }
    }
}

impl From<Cohort> for String {
    fn from(c: Cohort) -> String {
        match c {
            Cohort::Control => CONTROL.to_owned(),
            Cohort::Variant(name) => name,
        }
    }
}

/// The cohort of the checkout for `order_id` under `rollout`, salted with `salt` (the
/// merchant id); see the module's documentation.
#[must_use]
pub fn cohort(order_id: &str, salt: &str, rollout: &Rollout) -> Cohort {
    if bucket(order_id, salt) < rollout.share_bp {
        Cohort::Variant(rollout.variant.clone())
    } else {
        Cohort::Control
    }
}

/// The order's bucket, 0 ..= 9,999.
#[must_use]
pub fn bucket(order_id: &str, salt: &str) -> u16 {
    let h = fmix64(fnv1a64(salt.bytes().chain([0xFF]).chain(order_id.bytes())));
    let scaled = (u128::from(h) * u128::from(ALL_BP)) >> 64;
    u16::try_from(scaled).unwrap_or(ALL_BP - 1)
}

fn fnv1a64(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// MurmurHash3's 64-bit finaliser.
const fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

#[cfg(test)]
mod tests;
