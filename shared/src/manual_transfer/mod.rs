//! Manual transfers: when no wallet can take a payment (or the merchant offers it always),
//! the shopper sends the money with Send Money from their own bKash or Nagad app to the
//! merchant's wallet, writes our [`reference`] in the transfer, and quotes its TrxID. What
//! the merchant set ([`Mode`]), when to offer it ([`offer`]), where a transfer stands in
//! review ([`ReviewStatus`]) and whether bKash's search shows the money we expect
//! ([`verify`]). docs/design.md "Manual transfers" says the same for people.

pub mod offer;
pub mod verify;

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::errors::unknown_name::UnknownName;
use crate::ids::PaymentId;

/// When a merchant offers manual transfer at checkout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Never (the default).
    #[default]
    Off,
    /// Only when no wallet can take the payment.
    Fallback,
    /// Beside the wallets, whenever the merchant has a receiving number.
    Always,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Off, Mode::Fallback, Mode::Always];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Fallback => "fallback",
            Mode::Always => "always",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Mode, UnknownName> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(UnknownName("manual transfer mode"))
    }
}

/// Where one manual transfer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Waiting: for bKash's search to show it, or for a person.
    PendingReview,
    /// bKash's search showed the money as we expect it: the payment succeeded.
    Verified,
    /// A person found the money: the payment succeeded.
    Approved,
    /// A person did not: the payment failed (`manual_transfer_rejected`).
    Rejected,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 4] = [
        ReviewStatus::PendingReview,
        ReviewStatus::Verified,
        ReviewStatus::Approved,
        ReviewStatus::Rejected,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::PendingReview => "pending_review",
            ReviewStatus::Verified => "verified",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
        }
    }

    /// Decided for good: nobody may decide it again.
    #[must_use]
    pub const fn is_decided(self) -> bool {
        !matches!(self, ReviewStatus::PendingReview)
    }

    /// The shopper's money is the payment's.
    #[must_use]
    pub const fn is_paid(self) -> bool {
        matches!(self, ReviewStatus::Verified | ReviewStatus::Approved)
    }
}

impl fmt::Display for ReviewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReviewStatus {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<ReviewStatus, UnknownName> {
        ReviewStatus::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(UnknownName("manual transfer status"))
    }
}

/// How the shopper moves the money: the wallets' own person-to-person transfer.
pub const KIND_SEND_MONEY: &str = "send_money";

/// How long a payment's [`reference`] is.
pub const REFERENCE_LEN: usize = 10;

/// What the shopper writes in the transfer's reference field: the first ten characters of
/// the payment id's body, upper-cased (`pay_0123456789abc…` → `0123456789`). The wallets'
/// reference fields take letters and digits; ten of base 36 tell a day's payments apart for
/// the person reviewing (36^10 ≈ 3.7·10^15), and the id stays the payment's real key.
#[must_use]
pub fn reference(payment: &PaymentId) -> String {
    let body = payment.body();
    let head = body.get(..REFERENCE_LEN).unwrap_or(body);
    head.chars().map(|c| c.to_ascii_uppercase()).collect()
}

/// The instructions' words, for the shopper (the amount, reference and numbers are beside
/// them in the answer).
pub const MESSAGE_EN: &str = "Send exactly this amount with Send Money in your bKash or Nagad app to one of the \
    shop's numbers below, write the reference in the transfer's reference field, then enter the \
    transaction ID (TrxID) from the confirmation SMS here.";
pub const MESSAGE_BN: &str = "আপনার বিকাশ বা নগদ অ্যাপ থেকে সেন্ড মানি করে নিচের দোকানের যেকোনো একটি নম্বরে ঠিক \
    এই পরিমাণ টাকা পাঠান, রেফারেন্সের ঘরে নিচের রেফারেন্সটি লিখুন, তারপর কনফার্মেশন এসএমএস থেকে \
    ট্রানজ্যাকশন আইডি (TrxID) এখানে দিন।";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_is_ten_upper_case_characters_of_the_payment_id() {
        let id = PaymentId::parse("pay_0123456789abcdefghijklmn").unwrap();
        assert_eq!(reference(&id), "0123456789");
        let id = PaymentId::parse("pay_k3x9qz0a1b2c3d4e5f6g7h8i").unwrap();
        let r = reference(&id);
        assert_eq!(r, "K3X9QZ0A1B");
        assert!(r.len() <= 10 && r.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
    }

    #[test]
    fn names_round_trip() {
        for m in Mode::ALL {
            assert_eq!(m.as_str().parse::<Mode>(), Ok(m));
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{m}\""));
        }
        for s in ReviewStatus::ALL {
            assert_eq!(s.as_str().parse::<ReviewStatus>(), Ok(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
        assert!("Always".parse::<Mode>().is_err());
        assert_eq!(Mode::default(), Mode::Off);
    }

    #[test]
    fn only_a_pending_transfer_can_still_be_decided() {
        let open: Vec<_> = ReviewStatus::ALL.into_iter().filter(|s| !s.is_decided()).collect();
        assert_eq!(open, [ReviewStatus::PendingReview]);
        let paid: Vec<_> = ReviewStatus::ALL.into_iter().filter(|s| s.is_paid()).collect();
        assert_eq!(paid, [ReviewStatus::Verified, ReviewStatus::Approved]);
    }

    #[test]
    fn the_bangla_message_has_no_ascii_digits() {
        assert!(!MESSAGE_BN.chars().any(|c| c.is_ascii_digit()));
        assert!(MESSAGE_EN.ends_with('.') && MESSAGE_BN.ends_with('।'));
    }
}
