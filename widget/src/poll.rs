//! Polling `/status` with backoff (1 s, 2 s, 4 s, 8 s, then every 10 s) until the payment
//! is final, paused while the phone is offline. While a wallet is `degraded` the widget polls
//! every 10 s from the start: a slow wallet answers late anyway, and the shopper is told so.

use std::rc::Rc;

use gloo_timers::callback::Timeout;

use crate::widget::Widget;

/// The longest wait between two polls.
pub const MAX_DELAY_MS: u32 = 10_000;

/// After this many polls (about 20 minutes) the widget stops and offers a button instead.
pub const MAX_POLLS: u32 = 125;

/// The wait before poll number `attempt` (0-based): doubling from one second, capped; the
/// cap at once while `degraded`.
#[must_use]
pub const fn delay_ms(attempt: u32, degraded: bool) -> u32 {
    if degraded || attempt >= 4 {
        return MAX_DELAY_MS;
    }
    let d = 1000u32 << attempt;
    if d > MAX_DELAY_MS {
        MAX_DELAY_MS
    } else {
        d
    }
}

/// Arms the next poll; the returned handle clears the timer when dropped.
pub fn after(widget: &Rc<Widget>, attempt: u32, degraded: bool) -> Timeout {
    let w = Rc::clone(widget);
    Timeout::new(delay_ms(attempt, degraded), move || w.poll_now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_stays_at_ten_seconds() {
        let got: Vec<u32> = (0..7).map(|a| delay_ms(a, false)).collect();
        assert_eq!(got, [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
        assert_eq!(delay_ms(u32::MAX, false), MAX_DELAY_MS);
    }

    #[test]
    fn a_degraded_wallet_is_polled_every_ten_seconds() {
        assert!((0..7).all(|a| delay_ms(a, true) == 10_000));
    }
}
