//! The sandbox's ledger: every money-moving or state-changing call it processed, in order,
//! for tests (`GET /__control/ledger`) and for the settlement statements.

use std::sync::Mutex;

use bdpay_shared::provider::Provider;
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub seq: u64,
    pub at_ms: i64,
    pub provider: Provider,
    /// The call: `grant`, `create`, `execute`, `refund`, `initialize`, `complete`, `cancel`, `webhook`, …
    pub op: String,
    /// The provider's payment reference (bKash `paymentID`, Nagad `paymentReferenceId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The provider's transaction id (bKash `trxID`/`refundTrxID`, Nagad `issuerPaymentRefNo`/`cancelTrxId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trx_id: Option<String>,
    /// Money moved by this call (wire string), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// `ok` or the provider code / reason it answered.
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Value>,
}

/// What a handler records; `seq` and `at_ms` are filled in.
#[derive(Clone, Debug, Default)]
pub struct Record {
    pub op: &'static str,
    pub reference: Option<String>,
    pub trx_id: Option<String>,
    pub amount: Option<String>,
    pub outcome: String,
    pub detail: Option<Value>,
}

#[derive(Default)]
pub struct Ledger {
    entries: Mutex<Vec<Entry>>,
}

impl Ledger {
    pub fn record(&self, at_ms: i64, provider: Provider, r: Record) -> u64 {
        let Ok(mut entries) = self.entries.lock() else { return 0 };
        let seq = entries.len() as u64 + 1;
        entries.push(Entry {
            seq,
            at_ms,
            provider,
            op: r.op.to_owned(),
            reference: r.reference,
            trx_id: r.trx_id,
            amount: r.amount,
            outcome: r.outcome,
            detail: r.detail,
        });
        seq
    }

    /// Entries in order, optionally narrowed to one provider / op / reference.
    pub fn entries(&self, provider: Option<Provider>, op: Option<&str>, reference: Option<&str>) -> Vec<Entry> {
        let Ok(entries) = self.entries.lock() else {
            return Vec::new();
        };
        entries
            .iter()
            .filter(|e| provider.is_none_or(|p| e.provider == p))
            .filter(|e| op.is_none_or(|o| e.op == o))
            .filter(|e| reference.is_none_or(|r| e.reference.as_deref() == Some(r)))
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}
