//! The providers' wire formats, serde only: the edge (client side) and the
//! sandbox (server side) share these structs and code tables, so they cannot drift.
//! Field names follow docs/providers.md exactly; every struct has a golden test built
//! from docs/providers.md's examples.

pub mod bkash;
pub mod nagad;
pub mod sns;
pub mod time;
