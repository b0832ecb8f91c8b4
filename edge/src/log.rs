//! Structured JSON log lines. Callers pass typed, already-masked values (ids, codes, masked
//! phone numbers), never request bodies, tokens or keys.

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
    worker::console_log!("{}", serde_json::Value::Object(object));
}
