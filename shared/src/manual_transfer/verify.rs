//! Whether bKash's search (docs/providers.md A.9, A.17) shows the money a manual transfer
//! claims: completed, a Send Money, exactly the payment's amount in taka, into the
//! merchant's bKash number, from the number the shopper named, and made while the payment
//! was open. Anything else is a [`Verdict::Mismatch`] for a person to look at, never a
//! failure of the payment by itself.

use crate::money::Money;
use crate::phone::Msisdn;

/// bKash's `transactionType` of a wallet-to-wallet transfer (A.17 [our choice]).
pub const SEND_MONEY_TYPE: &str = "Send Money";

/// How far a transfer's time may lie outside the payment's life: bKash writes whole seconds
/// on its own clock.
pub const CLOCK_SKEW_MS: i64 = 60_000;

/// What the transfer must show.
#[derive(Clone, Copy, Debug)]
pub struct Expected<'a> {
    pub amount: Money,
    /// The merchant's bKash number.
    pub receiver: &'a Msisdn,
    /// The number the shopper said they sent from.
    pub sender: &'a Msisdn,
    /// The payment's creation: no earlier transfer pays for it.
    pub not_before_ms: i64,
    /// The submission (or the payment's end, if earlier): no later transfer was quoted.
    pub not_after_ms: i64,
}

/// What search showed, as read from bKash's answer (strings as bKash wrote them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Found<'a> {
    /// `transactionStatus` is `Completed`.
    pub completed: bool,
    pub transaction_type: &'a str,
    pub amount: &'a str,
    pub currency: &'a str,
    /// `receiverMSISDN`; absent in A.9's checkout shape.
    pub receiver: Option<&'a str>,
    /// `customerMsisdn`.
    pub sender: &'a str,
    /// `completedTime` as unix milliseconds, when it read.
    pub at_ms: Option<i64>,
}

/// Why a found transaction is not the one we expect (for the log and the reviewer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    NotCompleted,
    NotSendMoney,
    Amount,
    Currency,
    /// Search named no receiver: we cannot tell whose wallet got the money.
    NoReceiver,
    Receiver,
    Sender,
    Time,
}

impl Mismatch {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Mismatch::NotCompleted => "not_completed",
            Mismatch::NotSendMoney => "not_send_money",
            Mismatch::Amount => "amount",
            Mismatch::Currency => "currency",
            Mismatch::NoReceiver => "no_receiver",
            Mismatch::Receiver => "receiver",
            Mismatch::Sender => "sender",
            Mismatch::Time => "time",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The money is the payment's.
    Match,
    Mismatch(Mismatch),
}

/// The rules, in the module's order; the first that fails names the mismatch.
#[must_use]
pub fn check(want: &Expected<'_>, found: &Found<'_>) -> Verdict {
    use Mismatch as M;
    let fail = |m| Verdict::Mismatch(m);
    if !found.completed {
        return fail(M::NotCompleted);
    }
    if !found.transaction_type.trim().eq_ignore_ascii_case(SEND_MONEY_TYPE) {
        return fail(M::NotSendMoney);
    }
    if found.amount.trim().parse::<Money>().ok() != Some(want.amount) {
        return fail(M::Amount);
    }
    let currency = found.currency.trim();
    if !currency.is_empty() && !currency.eq_ignore_ascii_case("BDT") {
        return fail(M::Currency);
    }
    let Some(receiver) = found.receiver.filter(|r| !r.trim().is_empty()) else {
        return fail(M::NoReceiver);
    };
    if Msisdn::parse(receiver).ok().as_ref() != Some(want.receiver) {
        return fail(M::Receiver);
    }
    if Msisdn::parse(found.sender).ok().as_ref() != Some(want.sender) {
        return fail(M::Sender);
    }
    let in_life = found.at_ms.is_some_and(|t| {
        t >= want.not_before_ms.saturating_sub(CLOCK_SKEW_MS) && t <= want.not_after_ms.saturating_add(CLOCK_SKEW_MS)
    });
    if !in_life {
        return fail(M::Time);
    }
    Verdict::Match
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_732_522_000_000;

    fn phone(s: &str) -> Msisdn {
        Msisdn::parse(s).unwrap()
    }

    fn found<'a>() -> Found<'a> {
        Found {
            completed: true,
            transaction_type: "Send Money",
            amount: "1250.00",
            currency: "BDT",
            receiver: Some("01929918378"),
            sender: "01770618575",
            at_ms: Some(T0 + 120_000),
        }
    }

    fn verdict(f: Found<'_>) -> Verdict {
        let (merchant, shopper) = (phone("01929918378"), phone("01770618575"));
        let want = Expected {
            amount: "1250.00".parse().unwrap(),
            receiver: &merchant,
            sender: &shopper,
            not_before_ms: T0,
            not_after_ms: T0 + 600_000,
        };
        check(&want, &f)
    }

    #[test]
    fn the_transfer_we_expect_matches() {
        assert_eq!(verdict(found()), Verdict::Match);
        let f = Found {
            amount: "1250",
            receiver: Some("8801929918378"),
            transaction_type: " send money ",
            currency: "",
            ..found()
        };
        assert_eq!(verdict(f), Verdict::Match, "the same facts written differently");
    }

    #[test]
    fn each_rule_names_its_mismatch() {
        use Mismatch as M;
        let cases: [(Found<'_>, Mismatch); 11] = [
            (
                Found {
                    completed: false,
                    ..found()
                },
                M::NotCompleted,
            ),
            (
                Found {
                    transaction_type: "bKash Tokenized Checkout via API",
                    ..found()
                },
                M::NotSendMoney,
            ),
            (
                Found {
                    amount: "1250.01",
                    ..found()
                },
                M::Amount,
            ),
            (
                Found {
                    amount: "1,250.00",
                    ..found()
                },
                M::Amount,
            ),
            (
                Found {
                    currency: "USD",
                    ..found()
                },
                M::Currency,
            ),
            (
                Found {
                    receiver: None,
                    ..found()
                },
                M::NoReceiver,
            ),
            (
                Found {
                    receiver: Some("01711000001"),
                    ..found()
                },
                M::Receiver,
            ),
            (
                Found {
                    sender: "01711000001",
                    ..found()
                },
                M::Sender,
            ),
            (
                Found {
                    at_ms: Some(T0 - CLOCK_SKEW_MS - 1),
                    ..found()
                },
                M::Time,
            ),
            (
                Found {
                    at_ms: Some(T0 + 600_000 + CLOCK_SKEW_MS + 1),
                    ..found()
                },
                M::Time,
            ),
            (Found { at_ms: None, ..found() }, M::Time),
        ];
        for (f, want) in cases {
            assert_eq!(verdict(f), Verdict::Mismatch(want), "{}", want.as_str());
        }
    }

    #[test]
    fn bkash_whole_seconds_at_the_edges_of_the_payments_life_still_match() {
        let early = Found {
            at_ms: Some(T0 - 999),
            ..found()
        };
        assert_eq!(verdict(early), Verdict::Match);
        let late = Found {
            at_ms: Some(T0 + 600_000 + CLOCK_SKEW_MS),
            ..found()
        };
        assert_eq!(verdict(late), Verdict::Match);
    }
}
