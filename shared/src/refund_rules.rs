//! What each provider allows before a refund is sent, checked by us so the merchant gets a
//! clear answer instead of a provider code, and so no refund is sent that could not be
//! settled later:
//! - bKash: at most [`BKASH_MAX_REFUNDS`] refunds of one payment (the 11th gets 2074) and
//!   none after [`BKASH_REFUND_WINDOW_DAYS`] days (2071) — docs/providers.md A.10.
//! - Nagad: one refund at a time whose outcome is unknown. Nagad has no refund status; verify
//!   shows only the last cancel (B.7, B.8), so two unsettled cancels could not be told apart.
//!
//! The amount rule (never more than captured minus refunded) is the payment object's, which
//! holds the refunds under its lock.

use crate::errors::{ApiError, ErrorCode};
use crate::provider::Provider;

/// bKash refuses the 11th refund of a transaction (2074).
pub const BKASH_MAX_REFUNDS: usize = 10;
/// bKash refuses refunds this many days after the payment (2071; docs/providers.md: our choice of 60).
pub const BKASH_REFUND_WINDOW_DAYS: i64 = 60;
const DAY_MS: i64 = 86_400_000;

/// The refunds a payment already has, as far as the rules care.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prior {
    /// Refunds that moved money or may have (every one but a failed one).
    pub made: usize,
    /// Refunds whose outcome is not known yet (pending, or waiting for a person).
    pub unsettled: usize,
}

/// Why a refund may not be sent now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    TooManyRefunds,
    WindowClosed,
    EarlierRefundUnsettled,
}

impl Refusal {
    /// The API error: the code and a message naming the rule.
    #[must_use]
    pub fn to_api_error(self) -> ApiError {
        let (code, message) = match self {
            Refusal::TooManyRefunds => (
                ErrorCode::RefundNotAllowed,
                "bKash allows at most 10 refunds of one payment; this payment has had 10.",
            ),
            Refusal::WindowClosed => (
                ErrorCode::RefundNotAllowed,
                "bKash refunds are possible for 60 days after the payment; this one is older. Refund the shopper another way.",
            ),
            Refusal::EarlierRefundUnsettled => (
                ErrorCode::RefundInProgress,
                "An earlier refund of this Nagad payment is still being confirmed; Nagad cannot tell two unconfirmed refunds apart. Try again once it has settled.",
            ),
        };
        let mut e = ApiError::new(code);
        e.error.message = message.into();
        e
    }
}

/// Checks a new refund of a payment made with `provider` at `paid_at_ms`.
///
/// # Errors
/// The rule the refund would break.
pub fn check(provider: Provider, paid_at_ms: i64, now_ms: i64, prior: Prior) -> Result<(), Refusal> {
    match provider {
        Provider::Bkash => {
            if prior.made >= BKASH_MAX_REFUNDS {
                return Err(Refusal::TooManyRefunds);
            }
            if now_ms.saturating_sub(paid_at_ms) > BKASH_REFUND_WINDOW_DAYS * DAY_MS {
                return Err(Refusal::WindowClosed);
            }
            Ok(())
        }
        Provider::Nagad if prior.unsettled > 0 => Err(Refusal::EarlierRefundUnsettled),
        Provider::Nagad => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAID: i64 = 1_732_521_931_000;

    fn prior(made: usize, unsettled: usize) -> Prior {
        Prior { made, unsettled }
    }

    #[test]
    fn bkash_allows_ten_refunds_and_refuses_the_eleventh() {
        assert_eq!(check(Provider::Bkash, PAID, PAID + 1, prior(9, 0)), Ok(()));
        assert_eq!(
            check(Provider::Bkash, PAID, PAID + 1, prior(10, 0)),
            Err(Refusal::TooManyRefunds)
        );
    }

    #[test]
    fn bkash_refunds_close_after_sixty_days() {
        let day = 86_400_000;
        assert_eq!(check(Provider::Bkash, PAID, PAID + 60 * day, prior(0, 0)), Ok(()));
        assert_eq!(
            check(Provider::Bkash, PAID, PAID + 60 * day + 1, prior(0, 0)),
            Err(Refusal::WindowClosed)
        );
        // A clock behind the payment's time is not "too late".
        assert_eq!(check(Provider::Bkash, PAID, PAID - day, prior(0, 0)), Ok(()));
    }

    #[test]
    fn bkash_may_have_several_refunds_unsettled() {
        assert_eq!(check(Provider::Bkash, PAID, PAID, prior(3, 3)), Ok(()));
    }

    #[test]
    fn nagad_waits_for_an_unsettled_refund_but_has_no_count_or_window() {
        assert_eq!(
            check(Provider::Nagad, PAID, PAID, prior(1, 1)),
            Err(Refusal::EarlierRefundUnsettled)
        );
        assert_eq!(
            check(Provider::Nagad, PAID, PAID + 400 * 86_400_000, prior(25, 0)),
            Ok(())
        );
    }

    #[test]
    fn each_refusal_has_its_code_and_a_message_naming_the_rule() {
        let e = Refusal::EarlierRefundUnsettled.to_api_error();
        assert_eq!(e.error.code, ErrorCode::RefundInProgress);
        assert!(e.error.retryable);
        let e = Refusal::TooManyRefunds.to_api_error();
        assert_eq!(e.error.code, ErrorCode::RefundNotAllowed);
        assert!(e.error.message.contains("10 refunds"));
        assert!(Refusal::WindowClosed.to_api_error().error.message.contains("60 days"));
    }
}
