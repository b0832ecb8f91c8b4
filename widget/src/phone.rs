//! The optional phone field: live validation with `shared`'s [`Msisdn`], and the provider
//! its operator suggests (`shared::routing`'s operator rule).

use bdpay_shared::locale::digit_value;
use bdpay_shared::phone::{Msisdn, PhoneError};
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::{self, Reason};

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

/// The wallet a typed number suggests instead of the edge's recommendation (made without
/// the number, for the reason `made_for`), as the edge's routing would choose it: only when
/// the operator says something and no stronger rule decided. A suggestion only: both
/// wallets work on every operator.
#[must_use]
pub fn suggests(typed: Typed, made_for: Option<Reason>) -> Option<Provider> {
    match typed {
        Typed::Valid(m) => routing::operator_override(made_for, m.operator()),
        Typed::Empty | Typed::Partial | Typed::Invalid(_) => None,
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
    fn the_operator_suggests_only_where_routing_would() {
        let typed = |s| judge(s, true);
        let weighed = Some(Reason::SuccessRate);
        assert_eq!(suggests(typed("01911000001"), weighed), Some(Provider::Bkash)); // Banglalink
        assert_eq!(suggests(typed("01711000001"), weighed), Some(Provider::Nagad)); // Grameenphone
        assert_eq!(suggests(typed("01711000001"), None), Some(Provider::Nagad));
        assert_eq!(suggests(typed("01511000001"), weighed), None); // Teletalk says nothing
        assert_eq!(suggests(typed("01711000001"), Some(Reason::OtherUnavailable)), None);
        assert_eq!(suggests(typed("0171"), weighed), None);
    }
}
