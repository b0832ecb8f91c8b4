//! Nagad's half of the sandbox driven over HTTP as a merchant's server (real RSA with the
//! merchant test key) and a shopper's browser (plain form posts) would: PROVIDERS.md Part B.

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
