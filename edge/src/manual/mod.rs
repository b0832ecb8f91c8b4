//! Manual transfers at the worker's edge (docs/design.md "Manual transfers"): what the
//! shopper is told ([`instructions`]), what they send ([`submission`], [`voucher`]) and what
//! ops review sees ([`review`]). The payment's side of it (offer, submission, bKash's
//! search, decisions) is `payment::manual` and `payment::manual_flow`; the rules are
//! `bdpay_shared::manual_transfer`.

pub mod instructions;
pub mod review;
pub mod submission;
pub mod voucher;
