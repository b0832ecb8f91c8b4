//! The risk rules, one table each (`rules`), and how `assess` adds them up (`assess`).

mod assess;
mod rules;

use super::*;
use crate::money::Money;
use Provider::{Bkash, Nagad};

/// 2026-01-01 12:00 in Dhaka: twelve hours to the daily reset.
const NOON_MS: u64 = 1_767_247_200_000;

fn tk(s: &str) -> Money {
    s.parse().unwrap()
}

/// A payment under construction: a known customer (5 earlier successes) on a known device,
/// from Dhaka division, nothing counted today.
#[derive(Clone, Copy)]
struct B(RiskInput);

fn pay(provider: Provider, amount: &str) -> B {
    B(RiskInput {
        provider,
        amount: tk(amount),
        now_ms: NOON_MS,
        phone: Some(PhoneHistory {
            earlier_successes: 5,
            ..PhoneHistory::NEW
        }),
        device: Some(DeviceHistory::NEW),
        location: Location::DhakaDivision,
    })
}

impl B {
    fn no_phone(mut self) -> B {
        self.0.phone = None;
        self
    }
    fn no_device(mut self) -> B {
        self.0.device = None;
        self
    }
    fn phone(mut self, f: impl FnOnce(&mut PhoneHistory)) -> B {
        if let Some(p) = self.0.phone.as_mut() {
            f(p);
        }
        self
    }
    fn device(mut self, f: impl FnOnce(&mut DeviceHistory)) -> B {
        if let Some(d) = self.0.device.as_mut() {
            f(d);
        }
        self
    }
    fn earlier(self, n: u32) -> B {
        self.phone(|p| p.earlier_successes = n)
    }
    fn blocklisted(self) -> B {
        self.phone(|p| p.blocklisted = true)
    }
    fn from(mut self, l: Location) -> B {
        self.0.location = l;
        self
    }
}

const CHATTOGRAM: Location = Location::ElsewhereInBangladesh;
const JAPAN: Location = Location::Abroad(*b"JP");
