//! Nagad's half of the sandbox driven over HTTP as a merchant's server (real RSA with the
//! merchant test key) and a shopper's browser (plain form posts) would: docs/providers.md Part B.

// A test crate: its helpers (outside #[test] fns) may unwrap and panic like the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "nagad/api.rs"]
mod api;
#[path = "nagad/faults.rs"]
mod faults;
#[path = "nagad/page.rs"]
mod page;
#[path = "nagad/refunds.rs"]
mod refunds;
#[path = "nagad/support.rs"]
mod support;
#[path = "nagad/variants.rs"]
mod variants;
