//! bdpay's domain crate: the rules every other part obeys, with no I/O.
//!
//! No clock, randomness or network here: `now` and random bytes are arguments,
//! so every rule is testable on the host and the crate compiles for
//! `wasm32-unknown-unknown` (widget, edge) as well as the host (sandbox, tests).

pub mod alerts;
pub mod cohort;
pub mod device;
pub mod errors;
pub mod health;
pub mod ids;
pub mod locale;
pub mod manual_transfer;
pub mod money;
pub mod phone;
pub mod promotions;
pub mod provider;
pub mod refund_rules;
pub mod risk;
pub mod routing;
pub mod secret;
pub mod status;
pub mod tax;
pub mod trx_id;
pub mod wire;

#[cfg(feature = "crypto")]
pub mod crypto;
#[cfg(feature = "crypto")]
pub mod relay_signature;
#[cfg(feature = "crypto")]
pub mod signature;

#[cfg(feature = "finance")]
pub mod beftn;
#[cfg(feature = "finance")]
pub mod recon;
#[cfg(feature = "finance")]
pub mod settlement;
