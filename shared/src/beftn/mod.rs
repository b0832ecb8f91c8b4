//! Paying settled money out to payees' bank accounts through BEFTN (Bangladesh Electronic Funds
//! Transfer Network, run by Bangladesh Bank): routing and account numbers checked, a settled amount
//! split between payees, and the bulk-credit file in our fixed-width layout (docs/beftn.md; a bank
//! may ask for its own variant). Pure: strings and poisha in, text out.

pub mod account_number;
pub mod credit;
pub mod error;
pub mod file;
pub mod layout;
pub mod routing_number;
pub mod split;
pub mod text;
pub mod trailer;

#[cfg(test)]
mod tests;

pub use account_number::{AccountError, AccountNumber, MAX_ACCOUNT_DIGITS};
pub use credit::{Credit, Originator, MAX_CREDITS};
pub use error::FileError;
pub use file::file;
pub use routing_number::{RoutingError, RoutingNumber};
pub use split::{split, SplitError, WHOLE_BP};
pub use trailer::{trailer, Trailer};
