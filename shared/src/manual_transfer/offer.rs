//! Whether the shopper is offered a manual transfer: the merchant's [`Mode`] and numbers,
//! what the shopper asked for, and whether any wallet can take the payment now (routing's
//! answer, `shared::routing`: this module never decides availability itself).
//!
//! | mode | a number | asked | a wallet usable | answer |
//! | --- | --- | --- | --- | --- |
//! | `off`, or no number | — | a wallet (or none) | — | [`Offer::Wallets`] |
//! | `off`, or no number | — | manual transfer | — | [`Offer::NotOffered`] |
//! | `fallback` | yes | a wallet (or none) | yes / no | `Wallets` / [`Offer::Manual`] |
//! | `fallback` | yes | manual transfer | yes / no | `NotOffered` / `Manual` |
//! | `always` | yes | a wallet (or none) | yes / no | `Wallets` / `Manual` |
//! | `always` | yes | manual transfer | — | `Manual` |
//!
//! A submitted transfer is taken ([`may_submit`]) when the merchant has a number for its
//! wallet and manual transfer is offered now, or was offered to this payment before (the
//! shopper may have sent the money while the wallets were down and they have come back).

use super::Mode;
use crate::provider::Provider;

/// What the merchant set, as the decision needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Setting {
    pub mode: Mode,
    /// A bKash number to receive into.
    pub bkash: bool,
    /// A Nagad number to receive into.
    pub nagad: bool,
}

impl Setting {
    /// The merchant can receive into `p`'s wallet.
    #[must_use]
    pub const fn receives(self, p: Provider) -> bool {
        match p {
            Provider::Bkash => self.bkash,
            Provider::Nagad => self.nagad,
        }
    }

    /// Manual transfer is on, with somewhere to send the money.
    #[must_use]
    pub const fn is_on(self) -> bool {
        !matches!(self.mode, Mode::Off) && (self.bkash || self.nagad)
    }
}

/// What the shopper asked for at confirm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    /// A wallet, or none (routing chooses).
    Wallet,
    /// `"provider": "manual_transfer"`.
    ManualTransfer,
}

/// The answer to a confirm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
    /// Go on with the wallets (routing's answer stands, an error included).
    Wallets,
    /// Answer with the manual transfer instructions.
    Manual,
    /// The shopper asked for manual transfer and it is not offered to this payment now.
    NotOffered,
}

/// The module's table.
#[must_use]
pub fn offer(setting: Setting, asked: Asked, wallet_usable: bool) -> Offer {
    let manual_now = setting.is_on()
        && match setting.mode {
            Mode::Off => false,
            Mode::Fallback => !wallet_usable,
            Mode::Always => true,
        };
    match (asked, manual_now) {
        (Asked::ManualTransfer, true) => Offer::Manual,
        (Asked::ManualTransfer, false) => Offer::NotOffered,
        (Asked::Wallet, true) if !wallet_usable => Offer::Manual,
        (Asked::Wallet, _) => Offer::Wallets,
    }
}

/// Whether a transfer into `p`'s wallet may be submitted for this payment now. `offered`:
/// instructions were given to this payment before.
#[must_use]
pub fn may_submit(setting: Setting, p: Provider, offered: bool, wallet_usable: bool) -> bool {
    let on = setting.receives(p) && !matches!(setting.mode, Mode::Off);
    on && (offered || offer(setting, Asked::ManualTransfer, wallet_usable) == Offer::Manual)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Asked::{ManualTransfer as M, Wallet as W};
    use Offer::{Manual, NotOffered, Wallets};

    fn set(mode: Mode, bkash: bool, nagad: bool) -> Setting {
        Setting { mode, bkash, nagad }
    }

    #[test]
    fn the_table() {
        #[rustfmt::skip]
        let rows = [
            // mode            bKash  Nagad  asked  usable  answer
            (Mode::Off,      true,  true,  W, true,  Wallets),
            (Mode::Off,      true,  true,  W, false, Wallets),
            (Mode::Off,      true,  true,  M, false, NotOffered),
            (Mode::Fallback, false, false, W, false, Wallets),
            (Mode::Fallback, false, false, M, false, NotOffered),
            (Mode::Always,   false, false, M, true,  NotOffered),
            (Mode::Fallback, true,  false, W, true,  Wallets),
            (Mode::Fallback, true,  false, W, false, Manual),
            (Mode::Fallback, false, true,  M, false, Manual),
            (Mode::Fallback, true,  true,  M, true,  NotOffered),
            (Mode::Always,   true,  false, W, true,  Wallets),
            (Mode::Always,   false, true,  W, false, Manual),
            (Mode::Always,   true,  true,  M, true,  Manual),
            (Mode::Always,   true,  false, M, false, Manual),
        ];
        for (mode, bkash, nagad, asked, usable, want) in rows {
            assert_eq!(
                offer(set(mode, bkash, nagad), asked, usable),
                want,
                "{mode} bkash={bkash} nagad={nagad} {asked:?} usable={usable}"
            );
        }
    }

    #[test]
    fn a_transfer_is_taken_only_into_a_wallet_the_merchant_receives_into() {
        let s = set(Mode::Always, true, false);
        assert!(may_submit(s, Provider::Bkash, false, true));
        assert!(!may_submit(s, Provider::Nagad, true, false), "no Nagad number");
        assert!(!may_submit(set(Mode::Off, true, true), Provider::Bkash, true, false));
    }

    #[test]
    fn a_fallback_offer_made_earlier_still_takes_the_transfer_once_the_wallets_are_back() {
        let s = set(Mode::Fallback, true, true);
        assert!(
            may_submit(s, Provider::Nagad, false, false),
            "wallets down: offered now"
        );
        assert!(
            !may_submit(s, Provider::Nagad, false, true),
            "never offered, wallets up"
        );
        assert!(
            may_submit(s, Provider::Nagad, true, true),
            "offered before: the money may have moved"
        );
    }
}
