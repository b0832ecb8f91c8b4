//! The edge's one log facade: structured JSON lines with snake_case event names
//! (`payment_moved`, `refund_requires_manual`). Callers pass typed, already-masked values
//! (ids, codes, masked phone numbers), never request bodies, tokens or keys. On the host
//! (unit tests) lines are dropped, so pure code may log.

use serde::Serialize;

/// One log line: `{"level":…,"msg":…, …fields}` on the worker's console.
pub fn info<F: Serialize>(msg: &str, fields: &F) {
    line("info", msg, fields);
}

pub fn warn<F: Serialize>(msg: &str, fields: &F) {
    line("warn", msg, fields);
}

pub fn error<F: Serialize>(msg: &str, fields: &F) {
    line("error", msg, fields);
}

fn line<F: Serialize>(level: &str, msg: &str, fields: &F) {
    let mut object = match serde_json::to_value(fields) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    object.insert("level".into(), level.into());
    object.insert("msg".into(), msg.into());
    #[cfg(target_arch = "wasm32")]
    worker::console_log!("{}", serde_json::Value::Object(object));
    #[cfg(not(target_arch = "wasm32"))]
    drop(object);
}
