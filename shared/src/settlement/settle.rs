//! One provider's settlement of one day: the statement's totals in, what is credited, when it is
//! expected (with the buffer) and what carries over to the next day out. Amounts in poisha.

use super::calendar::Calendar;
use super::date::Date;
use super::rules::{buffered, expedite_fee, NagadSpeed, BKASH_MIN_WITHDRAWAL_POISHA};
use crate::provider::Provider;

/// A settlement day's totals from the provider's statement, in poisha.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayTotals {
    /// Payments received in the day's window.
    pub gross: i64,
    /// The provider's own fees (the merchant's MDR), before any expedite fee.
    pub fees: i64,
    /// Refunds paid out in the window.
    pub refunds: i64,
}

/// What happens to a settlement day's money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub provider: Provider,
    pub day: Date,
    /// The day's window, `(start, end]` in unix ms.
    pub window: (i64, i64),
    pub gross: i64,
    /// The statement's fees plus [`Settlement::expedite_fee`].
    pub fees: i64,
    /// Nagad's expedite fee, included in `fees`; zero otherwise.
    pub expedite_fee: i64,
    pub refunds: i64,
    /// `gross − fees − refunds`; below zero when refunds outweigh the day's payments.
    pub net: i64,
    /// The balance brought in from earlier days (bKash below its minimum, or a negative day).
    pub carried_in: i64,
    /// Paid into the merchant's account: `net + carried_in`, or zero.
    pub credited: i64,
    /// Left for the next settlement day: `net + carried_in − credited`.
    pub carried_over: i64,
    /// The day the credit is due; `None` when nothing is credited.
    pub credit_day: Option<Date>,
    /// The provider's nominal credit time (unix ms); `None` when nothing is credited.
    pub nominal_credit_at_ms: Option<i64>,
    /// The nominal time with the buffer: when to start worrying. `None` when nothing is credited.
    pub expected_credit_at_ms: Option<i64>,
}

/// Settles `day` for `provider` from the statement's `totals` and the balance `carried_in` from
/// the previous day. `speed` matters for Nagad only. Arithmetic saturates rather than wraps.
#[must_use]
pub fn settle(
    cal: &Calendar,
    provider: Provider,
    day: Date,
    totals: DayTotals,
    carried_in: i64,
    speed: NagadSpeed,
) -> Settlement {
    let expedite = match (provider, speed) {
        (Provider::Nagad, NagadSpeed::Expedite) => expedite_fee(totals.gross),
        _ => 0,
    };
    let fees = totals.fees.saturating_add(expedite);
    let net = totals.gross.saturating_sub(fees).saturating_sub(totals.refunds);
    let available = net.saturating_add(carried_in);
    let pays_out = match provider {
        Provider::Bkash => available >= BKASH_MIN_WITHDRAWAL_POISHA,
        Provider::Nagad => available > 0,
    };
    let window = cal.window(provider, day);
    let (credited, credit) = if pays_out {
        (available, Some(cal.nominal_credit(provider, day, speed)))
    } else {
        (0, None)
    };
    Settlement {
        provider,
        day,
        window,
        gross: totals.gross,
        fees,
        expedite_fee: expedite,
        refunds: totals.refunds,
        net,
        carried_in,
        credited,
        carried_over: available.saturating_sub(credited),
        credit_day: credit.map(|(d, _)| d),
        nominal_credit_at_ms: credit.map(|(_, at)| at),
        expected_credit_at_ms: credit.map(|(_, at)| buffered(window.1, at)),
    }
}
