//! Finance: what happens to the money after the shopper paid (docs/reconciliation.md,
//! docs/settlement.md, docs/beftn.md).
//!
//! - [`day`]: the Dhaka day every finance route names.
//! - [`statements`], [`settings`]: providers' statements (uploaded or fetched) and where a
//!   merchant's are fetched from.
//! - [`ledger_day`], [`run`], [`report`], [`object`]: the nightly reconciliation of a day,
//!   one merchant-day per `ReconObject`, matched by `shared::recon`.
//! - [`settleable`], [`settlement`]: the matched money, and when each provider credits it
//!   (`shared::settlement`).
//! - [`payees`], [`payout`]: where settled money goes, and the day's BEFTN bulk-credit file.

pub mod day;
pub mod ledger_day;
pub mod object;
pub mod payees;
pub mod payout;
pub mod report;
pub mod run;
pub mod settings;
pub mod settleable;
pub mod settlement;
pub mod statements;
