//! The payment object's own storage and alarm: the only code that reads or writes them.
//! Used by the object itself and, for "in flight" before a provider call, by `payment::flow`.

use worker::State;

use super::record::PaymentRecord;

/// The Durable Object storage key of the record.
const KEY: &str = "payment";

/// The stored record, if any. One that no longer reads (a record from an older layout) is
/// logged and treated as absent, never half-read.
pub async fn get(state: &State) -> Option<PaymentRecord> {
    match state.storage().get::<PaymentRecord>(KEY).await {
        Ok(r) => r,
        Err(e) => {
            crate::log::error(
                "payment_record_unreadable",
                &serde_json::json!({ "cause": e.to_string() }),
            );
            None
        }
    }
}

/// Stores the record. `Err` carries the cause for the log.
pub async fn put(state: &State, r: &PaymentRecord) -> Result<(), String> {
    state.storage().put(KEY, r).await.map_err(|e| e.to_string())
}

/// Sets the alarm `delay_ms` from now (at least 100 ms), or deletes it.
pub async fn alarm_in(state: &State, delay_ms: Option<i64>) -> Result<(), String> {
    let result = match delay_ms {
        Some(d) => {
            let d = u64::try_from(d.max(100)).unwrap_or(100);
            state
                .storage()
                .set_alarm(std::time::Duration::from_millis(d))
                .await
                .map(|_| ())
        }
        None => state.storage().delete_alarm().await,
    };
    result.map_err(|e| e.to_string())
}
