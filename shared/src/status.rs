//! The payment and refund state machines: every allowed move, each in one match.
//!
//! The payment's Durable Object loads the status, calls [`next`] with what just
//! happened, and only on [`Outcome::Moved`] writes and calls out; `Unchanged` is
//! the same news again (a second callback or IPN) and is answered as before.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::errors::unknown_name::UnknownName;

/// Where a payment is (docs/design.md, "Payment status").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Created; the shopper has not been sent to a provider yet.
    RequiresMethod,
    /// The shopper is at the provider; the outcome is not known.
    Pending,
    /// The shopper says they sent the money by hand (a manual transfer, quoting its TrxID):
    /// it waits until bKash's search confirms it or a person decides.
    RequiresReview,
    Succeeded,
    Failed,
    Cancelled,
    /// Pending too long on our own clock (bKash's query cannot tell abandoned from cancelled).
    Expired,
    PartiallyRefunded,
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 9] = [
        PaymentStatus::RequiresMethod,
        PaymentStatus::Pending,
        PaymentStatus::RequiresReview,
        PaymentStatus::Succeeded,
        PaymentStatus::Failed,
        PaymentStatus::Cancelled,
        PaymentStatus::Expired,
        PaymentStatus::PartiallyRefunded,
        PaymentStatus::Refunded,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::RequiresMethod => "requires_method",
            PaymentStatus::Pending => "pending",
            PaymentStatus::RequiresReview => "requires_review",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Expired => "expired",
            PaymentStatus::PartiallyRefunded => "partially_refunded",
            PaymentStatus::Refunded => "refunded",
        }
    }

    /// The shopper's part is over: the widget stops polling and tells the page.
    /// Succeeded and the refund states are final in this sense, though refunds can
    /// still move them. A payment in review is not: its outcome is still to come.
    #[must_use]
    pub const fn is_final(self) -> bool {
        !matches!(
            self,
            PaymentStatus::RequiresMethod | PaymentStatus::Pending | PaymentStatus::RequiresReview
        )
    }

    /// Money was captured and not all of it refunded: a refund may be asked for.
    #[must_use]
    pub const fn can_refund(self) -> bool {
        matches!(self, PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded)
    }

    /// The payment holds the shopper's money (some of it may have been given back since).
    #[must_use]
    pub const fn is_paid(self) -> bool {
        matches!(
            self,
            PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded | PaymentStatus::Refunded
        )
    }

    /// The payment ended without the shopper's money.
    #[must_use]
    pub const fn ended_unpaid(self) -> bool {
        matches!(
            self,
            PaymentStatus::Failed | PaymentStatus::Cancelled | PaymentStatus::Expired
        )
    }

    /// The shopper may start an attempt (the edge also checks the payment's clock): not yet
    /// sent, at a wallet now (switching), or after a decline or cancel (the other wallet).
    #[must_use]
    pub const fn may_confirm(self) -> bool {
        matches!(
            self,
            PaymentStatus::RequiresMethod | PaymentStatus::Pending | PaymentStatus::Failed | PaymentStatus::Cancelled
        )
    }

    /// The merchant event a move into this status announces, if any.
    #[must_use]
    pub const fn announced_as(self) -> Option<&'static str> {
        match self {
            PaymentStatus::Succeeded => Some("payment.succeeded"),
            PaymentStatus::Failed => Some("payment.failed"),
            PaymentStatus::Cancelled => Some("payment.cancelled"),
            PaymentStatus::Expired => Some("payment.expired"),
            PaymentStatus::RequiresReview => Some("payment.requires_review"),
            _ => None,
        }
    }
}

/// Where one attempt stands: one visit to one wallet's page (a payment may have several,
/// when the shopper switches wallet or tries again). Every attempt is followed to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// The provider accepted it and the shopper was sent to its page.
    Started,
    /// bKash execute / Nagad verify was sent; its answer is not in yet.
    InFlight,
    /// No clear answer came: the provider is asked again later, never told to pay twice.
    Unknown,
    /// The money moved.
    Paid,
    Failed,
    /// The shopper left or cancelled, or the page's time ran out with nothing paid.
    Cancelled,
    /// Paid, then given back in full because another attempt or payment holds the order.
    Refunded,
}

impl AttemptStatus {
    pub const ALL: [AttemptStatus; 7] = [
        AttemptStatus::Started,
        AttemptStatus::InFlight,
        AttemptStatus::Unknown,
        AttemptStatus::Paid,
        AttemptStatus::Failed,
        AttemptStatus::Cancelled,
        AttemptStatus::Refunded,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Started => "started",
            AttemptStatus::InFlight => "in_flight",
            AttemptStatus::Unknown => "unknown",
            AttemptStatus::Paid => "paid",
            AttemptStatus::Failed => "failed",
            AttemptStatus::Cancelled => "cancelled",
            AttemptStatus::Refunded => "refunded",
        }
    }

    /// Our own call's outcome is unclear: a new attempt must wait (`attempt_in_progress`).
    #[must_use]
    pub const fn is_unclear(self) -> bool {
        matches!(self, AttemptStatus::InFlight | AttemptStatus::Unknown)
    }

    /// Nothing more can happen to it at the provider.
    #[must_use]
    pub const fn is_settled(self) -> bool {
        matches!(
            self,
            AttemptStatus::Paid | AttemptStatus::Failed | AttemptStatus::Cancelled | AttemptStatus::Refunded
        )
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PaymentStatus {
    type Err = UnknownName;

    /// The snake_case names, as stored in D1.
    fn from_str(s: &str) -> Result<PaymentStatus, UnknownName> {
        PaymentStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or(UnknownName("status"))
    }
}

/// What happened to a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// The provider accepted the payment (bKash create, Nagad initialize + complete)
    /// and the shopper is being sent to its page.
    SentToProvider,
    /// bKash execute/query or Nagad verify said the money moved.
    ProviderSucceeded,
    /// The provider said it did not and will not (a failure code, a failed status).
    ProviderFailed,
    /// The shopper cancelled on the provider's page, or the merchant cancelled.
    Cancelled,
    /// Our own clock: pending or unpaid for too long.
    TimedOut,
    /// A refund completed at the provider; `fully` when nothing is left to refund.
    Refunded { fully: bool },
    /// The shopper quoted the TrxID of money they sent by hand (a manual transfer).
    ManualTransferSubmitted,
    /// A person approved the manual transfer (bKash's own search confirming it is
    /// `ProviderSucceeded`).
    ReviewApproved,
    /// A person rejected the manual transfer: no money of the shopper's is the payment's.
    ReviewRejected,
}

impl Event {
    pub const ALL: [Event; 10] = [
        Event::SentToProvider,
        Event::ProviderSucceeded,
        Event::ProviderFailed,
        Event::Cancelled,
        Event::TimedOut,
        Event::Refunded { fully: false },
        Event::Refunded { fully: true },
        Event::ManualTransferSubmitted,
        Event::ReviewApproved,
        Event::ReviewRejected,
    ];

    /// A name for logs and the D1 status-events table.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Event::SentToProvider => "sent_to_provider",
            Event::ProviderSucceeded => "provider_succeeded",
            Event::ProviderFailed => "provider_failed",
            Event::Cancelled => "cancelled",
            Event::TimedOut => "timed_out",
            Event::Refunded { fully: false } => "refunded_partially",
            Event::Refunded { fully: true } => "refunded_fully",
            Event::ManualTransferSubmitted => "manual_transfer_submitted",
            Event::ReviewApproved => "review_approved",
            Event::ReviewRejected => "review_rejected",
        }
    }
}

/// The answer of a state machine to an event it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome<S = PaymentStatus> {
    /// Write the new status, then act on it (D1, the merchant's webhook).
    /// Moving to the same status (`PartiallyRefunded` again) is still news to write.
    Moved(S),
    /// The same news again: write nothing, answer as before.
    Unchanged,
}

/// An event the state machine does not accept in this status: the caller answers
/// `invalid_state` and changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused<S = PaymentStatus, E = Event> {
    pub from: S,
    pub event: E,
}

impl fmt::Display for Refused<PaymentStatus, Event> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("payment in status ")?;
        f.write_str(self.from.as_str())?;
        f.write_str(" cannot take event ")?;
        f.write_str(self.event.as_str())
    }
}

impl std::error::Error for Refused<PaymentStatus, Event> {}

/// The payment state machine: every allowed move, in one match.
///
/// A provider success after our own expiry or a cancel is *refused*, not
/// applied: the money may have moved (Nagad debits on its page), so the caller
/// must record the refusal for reconciliation, which refunds or settles it.
pub fn next(from: PaymentStatus, event: Event) -> Result<Outcome, Refused> {
    use {Event as E, Outcome::*, PaymentStatus::*};
    match (from, event) {
        (RequiresMethod, E::SentToProvider) => Ok(Moved(Pending)),
        // A new attempt after a decline or a cancel (the widget offers the other wallet);
        // the edge allows it only until the payment expires.
        (Failed | Cancelled, E::SentToProvider) => Ok(Moved(Pending)),
        // The shopper switched wallet while at one: a new attempt, still pending (the
        // earlier attempt is followed to its end by the payment object).
        (Pending, E::SentToProvider) => Ok(Moved(Pending)),
        (Pending, E::ProviderSucceeded) => Ok(Moved(Succeeded)),
        // The provider's word on money beats our clock: a success that arrives after we
        // expired, cancelled or declined the attempt (a slow Nagad verify) is still paid.
        (Failed | Cancelled | Expired, E::ProviderSucceeded) => Ok(Moved(Succeeded)),
        (Pending, E::ProviderFailed) => Ok(Moved(Failed)),
        (RequiresMethod | Pending, E::Cancelled) => Ok(Moved(Cancelled)),
        (RequiresMethod | Pending, E::TimedOut) => Ok(Moved(Expired)),
        // A manual transfer, from wherever a new attempt could start: it waits for review and
        // never expires on our clock (the shopper's money may have moved).
        (RequiresMethod | Pending | Failed | Cancelled, E::ManualTransferSubmitted) => Ok(Moved(RequiresReview)),
        // bKash's search found the transfer, or an earlier wallet attempt paid after all.
        (RequiresReview, E::ProviderSucceeded | E::ReviewApproved) => Ok(Moved(Succeeded)),
        (RequiresReview, E::ReviewRejected) => Ok(Moved(Failed)),
        (Succeeded | PartiallyRefunded, E::Refunded { fully }) => {
            Ok(Moved(if fully { Refunded } else { PartiallyRefunded }))
        }
        // The same news again (a second callback, IPN or timer): change nothing.
        (Succeeded, E::ProviderSucceeded)
        | (Failed, E::ProviderFailed)
        | (Cancelled, E::Cancelled)
        | (Expired, E::TimedOut)
        | (RequiresReview, E::ManualTransferSubmitted) => Ok(Unchanged),
        (from, event) => Err(Refused { from, event }),
    }
}

/// Where a refund is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Sent to the provider, or about to be; the outcome is not known.
    Pending,
    Succeeded,
    Failed,
    /// Neither the provider's answer nor its refund-status call could settle it:
    /// a person must look (neither provider has a refund idempotency key, so a
    /// blind retry could refund twice).
    RequiresManual,
}

impl RefundStatus {
    /// Counts against what is left to refund: everything but a failed refund.
    #[must_use]
    pub const fn holds_money(self) -> bool {
        !matches!(self, RefundStatus::Failed)
    }

    /// The merchant event a move into this status announces, if any.
    #[must_use]
    pub const fn announced_as(self) -> Option<&'static str> {
        match self {
            RefundStatus::Succeeded => Some("refund.succeeded"),
            RefundStatus::Failed => Some("refund.failed"),
            _ => None,
        }
    }

    pub const ALL: [RefundStatus; 4] = [
        RefundStatus::Pending,
        RefundStatus::Succeeded,
        RefundStatus::Failed,
        RefundStatus::RequiresManual,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Pending => "pending",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
            RefundStatus::RequiresManual => "requires_manual",
        }
    }
}

impl fmt::Display for RefundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RefundStatus {
    type Err = UnknownName;

    /// The snake_case names, as stored in D1.
    fn from_str(s: &str) -> Result<RefundStatus, UnknownName> {
        RefundStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or(UnknownName("refund status"))
    }
}

/// What happened to a refund.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefundEvent {
    /// The provider's refund (or refund-status) answer says completed.
    ProviderSucceeded,
    /// The provider refused the refund.
    ProviderFailed,
    /// Timeouts and unclear answers used up their re-checks.
    Unresolved,
}

impl RefundEvent {
    pub const ALL: [RefundEvent; 3] = [
        RefundEvent::ProviderSucceeded,
        RefundEvent::ProviderFailed,
        RefundEvent::Unresolved,
    ];
}

/// The refund state machine. A refund needing a person can still be settled by
/// a later provider answer (a status check, the provider's statement).
pub fn next_refund(
    from: RefundStatus,
    event: RefundEvent,
) -> Result<Outcome<RefundStatus>, Refused<RefundStatus, RefundEvent>> {
    use {Outcome::*, RefundEvent as E, RefundStatus::*};
    match (from, event) {
        (Pending | RequiresManual, E::ProviderSucceeded) => Ok(Moved(Succeeded)),
        (Pending | RequiresManual, E::ProviderFailed) => Ok(Moved(Failed)),
        (Pending, E::Unresolved) => Ok(Moved(RequiresManual)),
        (Succeeded, E::ProviderSucceeded) | (Failed, E::ProviderFailed) | (RequiresManual, E::Unresolved) => {
            Ok(Unchanged)
        }
        (from, event) => Err(Refused { from, event }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An expected answer: refused, unchanged, or moved to a status.
    type Want<S> = Option<Option<S>>;
    const NO: Want<PaymentStatus> = None;
    const SAME: Want<PaymentStatus> = Some(None);
    fn to<S>(s: S) -> Want<S> {
        Some(Some(s))
    }

    /// The payment table, written out on its own: a new status or event fails
    /// to compile here until someone decides its moves.
    #[rustfmt::skip]
    fn expected(from: PaymentStatus, event: Event) -> Want<PaymentStatus> {
        use {Event as E, PaymentStatus as S};
        let row: [Want<S>; 10] = match from {
            //                   Sent           Succeeded         Failed         Cancelled         TimedOut        Refunded(part)            Refunded(full)   Manual                 Approved          Rejected
            S::RequiresMethod    => [to(S::Pending), NO,              NO,            to(S::Cancelled), to(S::Expired), NO,                       NO,              to(S::RequiresReview), NO,               NO],
            S::Pending           => [to(S::Pending), to(S::Succeeded), to(S::Failed), to(S::Cancelled), to(S::Expired), NO,                       NO,              to(S::RequiresReview), NO,               NO],
            S::RequiresReview    => [NO,             to(S::Succeeded), NO,            NO,               NO,             NO,                       NO,              SAME,                  to(S::Succeeded), to(S::Failed)],
            S::Succeeded         => [NO,             SAME,            NO,            NO,               NO,             to(S::PartiallyRefunded), to(S::Refunded), NO,                    NO,               NO],
            S::Failed            => [to(S::Pending), to(S::Succeeded), SAME,          NO,               NO,             NO,                       NO,              to(S::RequiresReview), NO,               NO],
            S::Cancelled         => [to(S::Pending), to(S::Succeeded), NO,            SAME,             NO,             NO,                       NO,              to(S::RequiresReview), NO,               NO],
            S::Expired           => [NO,             to(S::Succeeded), NO,            NO,               SAME,           NO,                       NO,              NO,                    NO,               NO],
            S::PartiallyRefunded => [NO,             NO,              NO,            NO,               NO,             to(S::PartiallyRefunded), to(S::Refunded), NO,                    NO,               NO],
            S::Refunded          => [NO; 10],
        };
        let column = match event {
            E::SentToProvider => 0,
            E::ProviderSucceeded => 1,
            E::ProviderFailed => 2,
            E::Cancelled => 3,
            E::TimedOut => 4,
            E::Refunded { fully: false } => 5,
            E::Refunded { fully: true } => 6,
            E::ManualTransferSubmitted => 7,
            E::ReviewApproved => 8,
            E::ReviewRejected => 9,
        };
        row[column]
    }

    #[test]
    fn every_status_and_event_pair_matches_the_table() {
        for from in PaymentStatus::ALL {
            for event in Event::ALL {
                let got = match next(from, event) {
                    Ok(Outcome::Moved(s)) => Some(Some(s)),
                    Ok(Outcome::Unchanged) => Some(None),
                    Err(r) => {
                        assert_eq!(r, Refused { from, event });
                        None
                    }
                };
                assert_eq!(got, expected(from, event), "{from} + {}", event.as_str());
            }
        }
    }

    #[test]
    fn duplicate_provider_news_changes_nothing() {
        assert_eq!(
            next(PaymentStatus::Succeeded, Event::ProviderSucceeded),
            Ok(Outcome::Unchanged)
        );
        assert_eq!(
            next(PaymentStatus::Failed, Event::ProviderFailed),
            Ok(Outcome::Unchanged)
        );
        assert_eq!(next(PaymentStatus::Expired, Event::TimedOut), Ok(Outcome::Unchanged));
    }

    #[test]
    fn a_manual_transfer_waits_in_review_and_neither_expires_nor_fails_on_a_wallet_page() {
        use PaymentStatus as S;
        assert_eq!(
            next(S::Failed, Event::ManualTransferSubmitted),
            Ok(Outcome::Moved(S::RequiresReview))
        );
        for quiet in [
            Event::TimedOut,
            Event::Cancelled,
            Event::ProviderFailed,
            Event::SentToProvider,
        ] {
            assert!(next(S::RequiresReview, quiet).is_err(), "{}", quiet.as_str());
        }
        assert_eq!(
            next(S::RequiresReview, Event::ReviewRejected),
            Ok(Outcome::Moved(S::Failed))
        );
        assert!(
            next(S::Expired, Event::ManualTransferSubmitted).is_err(),
            "too late to pay by hand"
        );
    }

    #[test]
    fn late_success_after_expiry_still_counts_as_paid() {
        assert_eq!(
            next(PaymentStatus::Expired, Event::ProviderSucceeded),
            Ok(Outcome::Moved(PaymentStatus::Succeeded))
        );
        let refused = next(PaymentStatus::Expired, Event::SentToProvider).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "payment in status expired cannot take event sent_to_provider"
        );
    }

    #[test]
    fn statuses_serialize_snake_case_and_parse_back() {
        for s in PaymentStatus::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
            assert_eq!(s.as_str().parse::<PaymentStatus>(), Ok(s));
        }
        assert_eq!("Pending".parse::<PaymentStatus>(), Err(UnknownName("status")));
        for s in RefundStatus::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
            assert_eq!(s.as_str().parse::<RefundStatus>(), Ok(s));
        }
    }

    #[test]
    fn only_requires_method_pending_and_review_are_not_final() {
        let open: Vec<_> = PaymentStatus::ALL.into_iter().filter(|s| !s.is_final()).collect();
        assert_eq!(
            open,
            [
                PaymentStatus::RequiresMethod,
                PaymentStatus::Pending,
                PaymentStatus::RequiresReview
            ]
        );
        let refundable: Vec<_> = PaymentStatus::ALL.into_iter().filter(|s| s.can_refund()).collect();
        assert_eq!(refundable, [PaymentStatus::Succeeded, PaymentStatus::PartiallyRefunded]);
    }

    #[test]
    fn paid_and_ended_unpaid_split_the_final_statuses() {
        for s in PaymentStatus::ALL {
            assert!(!(s.is_paid() && s.ended_unpaid()), "{s}");
            assert_eq!(s.is_final(), s.is_paid() || s.ended_unpaid(), "{s}");
            let waits = matches!(s, PaymentStatus::Expired | PaymentStatus::RequiresReview);
            assert_eq!(s.may_confirm(), !s.is_paid() && !waits, "{s}");
        }
        assert_eq!(PaymentStatus::Succeeded.announced_as(), Some("payment.succeeded"));
        assert_eq!(
            PaymentStatus::RequiresReview.announced_as(),
            Some("payment.requires_review")
        );
        assert_eq!(PaymentStatus::Pending.announced_as(), None);
    }

    #[test]
    fn only_our_own_unanswered_calls_make_an_attempt_unclear() {
        let unclear: Vec<_> = AttemptStatus::ALL.into_iter().filter(|s| s.is_unclear()).collect();
        assert_eq!(unclear, [AttemptStatus::InFlight, AttemptStatus::Unknown]);
        for s in AttemptStatus::ALL {
            assert!(!(s.is_unclear() && s.is_settled()), "{}", s.as_str());
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        assert!(!AttemptStatus::Started.is_settled());
    }

    #[rustfmt::skip]
    fn expected_refund(from: RefundStatus, event: RefundEvent) -> Want<RefundStatus> {
        use {RefundEvent as E, RefundStatus as S};
        let row: [Want<S>; 3] = match from {
            //                Succeeded         Failed         Unresolved
            S::Pending        => [to(S::Succeeded), to(S::Failed), to(S::RequiresManual)],
            S::Succeeded      => [Some(None),       None,          None],
            S::Failed         => [None,             Some(None),    None],
            S::RequiresManual => [to(S::Succeeded), to(S::Failed), Some(None)],
        };
        let column = match event {
            E::ProviderSucceeded => 0,
            E::ProviderFailed => 1,
            E::Unresolved => 2,
        };
        row[column]
    }

    #[test]
    fn every_refund_status_and_event_pair_matches_the_table() {
        for from in RefundStatus::ALL {
            for event in RefundEvent::ALL {
                let got = match next_refund(from, event) {
                    Ok(Outcome::Moved(s)) => Some(Some(s)),
                    Ok(Outcome::Unchanged) => Some(None),
                    Err(r) => {
                        assert_eq!(r, Refused { from, event });
                        None
                    }
                };
                assert_eq!(got, expected_refund(from, event), "{from} + {event:?}");
            }
        }
    }
}
