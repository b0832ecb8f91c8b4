//! One payment, from its first attempt to its last refund.
//!
//! - [`record`], [`attempt`], [`stored_refund`], [`stored_transfer`]: what its Durable Object stores.
//! - [`decide`], [`settle`], [`claim`], [`refunding`], [`manual`], [`statement_paid`]: every choice, as pure functions
//!   (host-tested).
//! - [`flow`] (the steps), [`confirm_flow`], [`refund_flow`], [`manual_flow`]: carry the
//!   choices out (provider calls, order claims, TrxID claims) and feed back the answers;
//!   [`confirm_reads`]: what a confirm reads first, in one batch.
//! - [`object`], [`storage`]: the Durable Object, the only writer of the record.
//! - [`command`], [`client`]: how the rest of the worker talks to it; [`view`]: how callers see it.

pub mod attempt;
pub mod checkout;
pub mod checkout_view;
pub mod claim;
pub mod client;
pub mod command;
pub mod confirm_flow;
pub mod confirm_reads;
pub mod decide;
pub mod flow;
pub mod manual;
pub mod manual_flow;
pub mod object;
pub mod record;
pub mod refund_flow;
pub mod refunding;
pub mod risk_gate;
pub mod settle;
pub mod statement_paid;
pub mod storage;
pub mod stored_refund;
pub mod stored_transfer;
pub mod view;
