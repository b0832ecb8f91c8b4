//! P1 alerts to a merchant's ops people by SMS: what causes one, the words sent, how often
//! (at most one SMS per cause per 15 minutes), and the number form bulk-SMS gateways take
//! (docs/providers.md Part D). No I/O: the edge's `alerts` module sends.

use crate::phone::Msisdn;
use crate::provider::Provider;

/// At most one SMS per merchant and cause in this long.
pub const SMS_EVERY_MS: i64 = 15 * 60 * 1000;

/// At most this many numbers receive a merchant's alerts.
pub const MAX_CONTACTS: usize = 5;

/// Why ops are woken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A wallet's circuit breaker opened: its payments fail over (or fail) until it is back.
    ProviderDown { provider: Provider, live: bool },
    /// A payment's ledger writes have failed for an hour (D1 not taking them).
    OutboxStuck,
    /// A day's reconciliation differs from the providers' statements by more than 2 %.
    ReconciliationAlarm { live: bool },
}

impl Cause {
    /// The key alerts are counted under (one SMS per key per [`SMS_EVERY_MS`]).
    #[must_use]
    pub fn key(self) -> String {
        match self {
            Cause::ProviderDown { provider, live } => {
                format!(
                    "provider_down:{}:{}",
                    provider.as_str(),
                    if live { "live" } else { "test" }
                )
            }
            Cause::OutboxStuck => "outbox_stuck".to_owned(),
            Cause::ReconciliationAlarm { live } => {
                format!("reconciliation_alarm:{}", if live { "live" } else { "test" })
            }
        }
    }

    /// The SMS: plain ASCII English (one 160-character part; Bangla SMS are 70 characters a
    /// part and many ops phones show them poorly), saying what happened and what bdpay does.
    #[must_use]
    pub fn text(self) -> String {
        match self {
            Cause::ProviderDown { provider, live } => format!(
                "bdpay P1: {} is down ({} mode). Checkouts go to {} where allowed. We will tell you when it is back.",
                provider.display_name(crate::locale::Lang::En),
                if live { "live" } else { "test" },
                provider.other().display_name(crate::locale::Lang::En),
            ),
            Cause::OutboxStuck => {
                "bdpay P1: payment records have not reached the ledger for an hour. Payments still settle; reports lag. Check D1.".to_owned()
            }
            Cause::ReconciliationAlarm { live } => format!(
                "bdpay P1: a day's {} payments differ from the wallet statements by over 2%. Check the reconciliation report before paying out.",
                if live { "live" } else { "test" }
            ),
        }
    }
}

/// Whether a new SMS for a cause last sent at `last_sent_ms` may go now.
#[must_use]
pub fn may_send(last_sent_ms: Option<i64>, now_ms: i64) -> bool {
    last_sent_ms.is_none_or(|last| now_ms.saturating_sub(last) >= SMS_EVERY_MS)
}

/// The number as bulk-SMS gateways take it: `8801XXXXXXXXX`.
#[must_use]
pub fn gateway_number(phone: &Msisdn) -> String {
    format!("88{}", phone.expose_digits())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sms_per_cause_per_fifteen_minutes() {
        assert!(may_send(None, 0));
        assert!(!may_send(Some(1_000), 1_000 + SMS_EVERY_MS - 1));
        assert!(may_send(Some(1_000), 1_000 + SMS_EVERY_MS));
        assert!(!may_send(Some(i64::MAX), i64::MIN), "no overflow");
        let down = Cause::ProviderDown {
            provider: Provider::Bkash,
            live: true,
        };
        assert_eq!(down.key(), "provider_down:bkash:live");
        assert_ne!(
            down.key(),
            Cause::ProviderDown {
                provider: Provider::Nagad,
                live: true
            }
            .key()
        );
    }

    #[test]
    fn texts_fit_one_ascii_sms_and_name_the_other_wallet() {
        for cause in [
            Cause::ProviderDown {
                provider: Provider::Nagad,
                live: false,
            },
            Cause::OutboxStuck,
            Cause::ReconciliationAlarm { live: true },
        ] {
            let t = cause.text();
            assert!(t.len() <= 160 && t.is_ascii(), "{} chars: {t}", t.len());
        }
        assert!(Cause::ProviderDown {
            provider: Provider::Nagad,
            live: false
        }
        .text()
        .contains("go to bKash"));
    }

    #[test]
    fn gateway_numbers_carry_the_country_code() {
        let phone = Msisdn::parse("01770618575").unwrap();
        assert_eq!(gateway_number(&phone), "8801770618575");
    }
}
