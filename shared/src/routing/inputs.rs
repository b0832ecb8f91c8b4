//! What routing knows when it chooses: each provider's set-up and health, and the shopper.
//!
//! [`ProviderHealth`] is what a health tracker (a circuit breaker over recent calls) hands
//! routing; the types are plain data so any producer can fill them.

use serde::{Deserialize, Serialize};

use crate::device::Device;
use crate::money::Money;
use crate::phone::Operator;
use crate::provider::Provider;

use super::reason::Unusable;

/// A provider's health as routing reads it (wire names `up`, `degraded`, `down`). A health
/// tracker may use this type as its own state (and add methods to it in its module).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    Up,
    /// Working, but failing or slow more than it should: its weight is halved.
    Degraded,
    /// Never chosen.
    Down,
}

impl HealthState {
    /// The wire name: `up`, `degraded`, `down`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            HealthState::Up => "up",
            HealthState::Degraded => "degraded",
            HealthState::Down => "down",
        }
    }
}

/// One provider's recent record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderHealth {
    pub state: HealthState,
    /// Share of payments that succeeded over the last two hours, in basis points
    /// (0..=10000, 9250 = 92.50 %); `None`: no data. Larger values count as 10000.
    pub success_bp: Option<u16>,
    /// Median latency of its calls over the same window, in milliseconds; `None`: no data.
    pub p50_ms: Option<u32>,
}

impl ProviderHealth {
    /// Nothing known: `up`, no rate, no latency.
    pub const UNKNOWN: ProviderHealth = ProviderHealth {
        state: HealthState::Up,
        success_bp: None,
        p50_ms: None,
    };
}

/// What routing knows about one provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// This mode (test or live) has the provider's credentials.
    pub configured: bool,
    pub health: ProviderHealth,
}

/// What routing knows about every provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub bkash: Standing,
    pub nagad: Standing,
}

impl Availability {
    /// Both configured, health unknown.
    pub const ALL: Availability = Availability {
        bkash: Standing {
            configured: true,
            health: ProviderHealth::UNKNOWN,
        },
        nagad: Standing {
            configured: true,
            health: ProviderHealth::UNKNOWN,
        },
    };

    /// Configured as `configured` says, health unknown.
    pub fn configured(configured: impl Fn(Provider) -> bool) -> Availability {
        let standing = |p| Standing {
            configured: configured(p),
            health: ProviderHealth::UNKNOWN,
        };
        Availability {
            bkash: standing(Provider::Bkash),
            nagad: standing(Provider::Nagad),
        }
    }

    /// The same, with `p`'s health replaced.
    #[must_use]
    pub fn with_health(mut self, p: Provider, health: ProviderHealth) -> Availability {
        match p {
            Provider::Bkash => self.bkash.health = health,
            Provider::Nagad => self.nagad.health = health,
        }
        self
    }

    #[must_use]
    pub const fn of(&self, p: Provider) -> Standing {
        match p {
            Provider::Bkash => self.bkash,
            Provider::Nagad => self.nagad,
        }
    }

    /// Whether `p` can take `amount` now (rule a): configured, not down, within its limits.
    pub fn usable(&self, p: Provider, amount: Money) -> Result<(), Unusable> {
        let s = self.of(p);
        if !s.configured {
            Err(Unusable::NotConfigured)
        } else if s.health.state == HealthState::Down {
            Err(Unusable::Down)
        } else if !super::accepts(p, amount) {
            Err(Unusable::AmountOutOfRange)
        } else {
            Ok(())
        }
    }
}

/// Everything [`super::route`] decides on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inputs {
    pub amount: Money,
    /// The provider the shopper pressed, if any.
    pub chosen: Option<Provider>,
    /// The shopper's phone operator, when the number is known.
    pub operator: Option<Operator>,
    /// Where the shopper pays from, when known.
    pub device: Option<Device>,
    /// The one wallet with a promotion for this amount (`None` when neither or both have one).
    pub promoted: Option<Provider>,
    pub providers: Availability,
    /// Decides the weighted choice (rule h): the same `pick` gives the same answer.
    /// Callers derive it from the payment id ([`super::pick_for`]).
    pub pick: u32,
}
