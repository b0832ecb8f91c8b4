//! The optional phone field: live validation with `shared`'s [`Msisdn`], and the provider
//! its operator suggests.

use bdpay_shared::locale::digit_value;
use bdpay_shared::phone::{Msisdn, Operator, PhoneError};
use bdpay_shared::provider::Provider;

/// What the shopper has typed so far.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Typed {
    Empty,
    /// Still typing: fewer digits than a number has, nothing wrong yet.
    Partial,
    Valid(Msisdn),
    Invalid(PhoneError),
}

/// Judges the field. While `typing`, a short number is not an error yet; on leaving the
/// field (`typing == false`) it is.
#[must_use]
pub fn judge(input: &str, typing: bool) -> Typed {
    let digits = input.chars().filter(|c| digit_value(*c).is_some()).count();
    match Msisdn::parse(input) {
        Ok(m) => Typed::Valid(m),
        Err(PhoneError::Empty) => Typed::Empty,
        Err(PhoneError::WrongLength) if typing && digits < 11 => Typed::Partial,
        Err(e) => Typed::Invalid(e),
    }
}

/// The wallet a shopper on this operator most likely has: Banglalink and Grameenphone
/// numbers get bKash, Teletalk (state-run, like Nagad's Bangladesh Post) gets Nagad.
/// A suggestion only: both wallets work on every operator.
#[must_use]
pub const fn provider_for(op: Operator) -> Provider {
    match op {
        Operator::Teletalk => Provider::Nagad,
        Operator::Grameenphone | Operator::Banglalink | Operator::Robi | Operator::Airtel => Provider::Bkash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_wait_while_typing_and_fail_after() {
        assert_eq!(judge("0171", true), Typed::Partial);
        assert_eq!(judge("0171", false), Typed::Invalid(PhoneError::WrongLength));
        assert_eq!(judge("", true), Typed::Empty);
        assert_eq!(judge("01x", true), Typed::Invalid(PhoneError::BadCharacter));
        assert!(matches!(judge("০১৯১১০০০০০১", true), Typed::Valid(_)));
    }

    #[test]
    fn banglalink_suggests_bkash() {
        assert_eq!(provider_for(Operator::Banglalink), Provider::Bkash);
        assert_eq!(provider_for(Operator::Teletalk), Provider::Nagad);
    }
}
