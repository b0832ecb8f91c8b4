//! Signed webhooks to the merchant (being built: issue "signed webhooks to the merchant").
//! The hooks the payment object calls are fixed: `outbox_statements` (same D1 batch as the
//! ledger rows) and `after_ledger_write` (wake delivery).

use worker::{D1Database, D1PreparedStatement, Env};

use crate::payment::record::PaymentRecord;

/// Statements recording the events in `r.outbox_webhooks`, run in the ledger's batch.
pub fn outbox_statements(_db: &D1Database, _r: &PaymentRecord) -> Result<Vec<D1PreparedStatement>, String> {
    Ok(Vec::new())
}

/// After the ledger batch landed: wake delivery of new events.
pub async fn after_ledger_write(_env: &Env, _r: &PaymentRecord) {}
