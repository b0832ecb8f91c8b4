//! The one-time code of a step-up: drawn without bias from the caller's random bytes, kept
//! only as a digest, three tries, five minutes, compared in constant time.
//!
//! The digest is the caller's: shared holds no key and (without its `crypto` feature) no
//! MAC. The edge computes `HMAC-SHA-256(otp key, payment id ‖ ":" ‖ code)`, so a stored
//! digest names one payment's code and cannot be reversed without the key (six digits are
//! only a million guesses). A state that answered [`Verdict::Ok`] is spent: the caller moves
//! the payment on and drops it; asked again, it answers [`Verdict::Locked`].

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::locale::digit_value;

/// Digits in a code.
pub const CODE_DIGITS: usize = 6;
/// Tries before the state locks.
pub const TRIES: u8 = 3;
/// How long a code lives: 5 minutes.
pub const LIFETIME_MS: u64 = 5 * 60 * 1_000;
/// Random bytes to pass to [`OtpCode::from_random`]: four draws of 4 bytes. All four are
/// rejected with probability about 2.6 × 10⁻¹⁵; then draw again.
pub const RANDOM_BYTES: usize = 16;

/// The largest multiple of 10⁶ that fits in a u32 draw: values from here on are rejected, so
/// every code is equally likely (`u32::MAX + 1 = 4_294_967_296`).
const ACCEPT_BELOW: u32 = 4_294_000_000;

/// A six-digit code, as ASCII digits. Debug never shows it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OtpCode([u8; CODE_DIGITS]);

/// Why a shopper's input is not a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtpError {
    /// Not six digits (ASCII or Bangla), after spaces are dropped.
    Format,
}

impl OtpCode {
    /// The first 4-byte draw below [`ACCEPT_BELOW`], modulo 10⁶; `None` when every draw was
    /// rejected (or fewer than 4 bytes were given): draw fresh bytes and call again.
    #[must_use]
    pub fn from_random(bytes: &[u8]) -> Option<OtpCode> {
        bytes
            .chunks_exact(4)
            .filter_map(|c| <[u8; 4]>::try_from(c).ok())
            .map(u32::from_be_bytes)
            .find(|&v| v < ACCEPT_BELOW)
            .map(|v| OtpCode::from_value(v % 1_000_000))
    }

    fn from_value(mut v: u32) -> OtpCode {
        let mut digits = [b'0'; CODE_DIGITS];
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        OtpCode(digits)
    }

    /// What the shopper typed: six ASCII or Bangla digits, spaces anywhere ignored.
    pub fn parse(s: &str) -> Result<OtpCode, OtpError> {
        let mut digits = [b'0'; CODE_DIGITS];
        let mut n = 0usize;
        for c in s.chars().filter(|c| !c.is_whitespace()) {
            let d = digit_value(c).ok_or(OtpError::Format)?;
            *digits.get_mut(n).ok_or(OtpError::Format)? = b'0' + d;
            n += 1;
        }
        if n == CODE_DIGITS {
            Ok(OtpCode(digits))
        } else {
            Err(OtpError::Format)
        }
    }

    /// The digits, for the SMS and for the digest: grep for it and review every caller.
    #[must_use]
    pub fn expose_digits(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpCode(******)")
    }
}

/// A code's digest, as the caller computed it (see the module's documentation).
pub type OtpDigest = [u8; 32];

/// What the payment keeps while a step-up waits for its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpState {
    pub hash: OtpDigest,
    pub tries_left: u8,
    pub expires_at_ms: u64,
}

/// The answer to one try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Not the code; `tries_left` more (0: the next try is [`Verdict::Locked`]).
    Wrong {
        tries_left: u8,
    },
    /// The five minutes are over: send a new code.
    Expired,
    /// No tries left (or already used).
    Locked,
}

impl OtpState {
    /// A new code's state: [`TRIES`] tries, [`LIFETIME_MS`] from `now_ms`.
    #[must_use]
    pub const fn issue(hash: OtpDigest, now_ms: u64) -> OtpState {
        OtpState {
            hash,
            tries_left: TRIES,
            expires_at_ms: now_ms.saturating_add(LIFETIME_MS),
        }
    }

    /// One try with the digest of what the shopper typed. Locked first, then expired (at
    /// `expires_at_ms` exactly, too), then the constant-time comparison.
    pub fn verify(&mut self, given: &OtpDigest, now_ms: u64) -> Verdict {
        self.attempt(Some(given), now_ms)
    }

    /// One try with input that is not a code at all ([`OtpCode::parse`] failed): it costs a try.
    pub fn refuse_malformed(&mut self, now_ms: u64) -> Verdict {
        self.attempt(None, now_ms)
    }

    fn attempt(&mut self, given: Option<&OtpDigest>, now_ms: u64) -> Verdict {
        if self.tries_left == 0 {
            return Verdict::Locked;
        }
        if now_ms >= self.expires_at_ms {
            return Verdict::Expired;
        }
        if given.is_some_and(|g| ct_eq(g, &self.hash)) {
            self.tries_left = 0; // spent
            return Verdict::Ok;
        }
        self.tries_left -= 1;
        Verdict::Wrong {
            tries_left: self.tries_left,
        }
    }
}

/// Equal, looking at every byte whatever the first difference (no early exit).
fn ct_eq(a: &OtpDigest, b: &OtpDigest) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests;
