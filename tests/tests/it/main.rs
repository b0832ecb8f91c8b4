//! The one integration-test binary: the real worker in `wrangler dev` (local D1, Durable
//! Objects, KV) against the provider sandbox, driven over HTTP as a merchant's server, a
//! shopper's browser and the providers would. Started by `make test`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod attempts;
mod bad_input;
mod demo_webhooks;
mod failover;
mod finance;
mod flow;
mod foundation;
mod hardening;
mod health;
mod ipn;
mod keys;
mod manual_transfer;
mod modes;
mod onboarding;
mod orders;
mod outage;
mod payments;
mod production;
mod refunds;
mod restart;
mod risk;
mod webhooks;
