//! Request bodies: JSON only, at most 64 KiB, parsed into a wire struct whose errors name
//! the field. Nothing here echoes what the caller sent.

use bdpay_shared::errors::ErrorCode;
use serde::de::DeserializeOwned;
use worker::Request;

use crate::error::{EdgeError, EdgeResult};

/// The largest body any endpoint accepts.
pub const MAX_BODY: usize = 64 * 1024;

/// Reads the raw body, refusing anything over [`MAX_BODY`].
pub async fn bytes(req: &mut Request) -> EdgeResult<Vec<u8>> {
    if let Ok(Some(len)) = req.headers().get("content-length") {
        if len.trim().parse::<usize>().map_or(true, |n| n > MAX_BODY) {
            return Err(EdgeError::invalid(
                ErrorCode::PayloadTooLarge,
                "the body may be at most 64 KiB",
            ));
        }
    }
    let body = req
        .bytes()
        .await
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "the body could not be read"))?;
    if body.len() > MAX_BODY {
        return Err(EdgeError::invalid(
            ErrorCode::PayloadTooLarge,
            "the body may be at most 64 KiB",
        ));
    }
    Ok(body)
}

/// A JSON body into `T`: 415 unless `Content-Type: application/json`, 413 over 64 KiB,
/// 400 naming the field (and what it wants) when it does not fit.
pub async fn json<T: DeserializeOwned>(req: &mut Request) -> EdgeResult<T> {
    let raw = json_bytes(req).await?;
    parse(&raw)
}

/// The raw bytes of a JSON body, after the content-type and size checks.
pub async fn json_bytes(req: &mut Request) -> EdgeResult<Vec<u8>> {
    let content_type = req.headers().get("content-type").ok().flatten().unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence != "application/json" {
        return Err(EdgeError::invalid(
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be application/json",
        ));
    }
    bytes(req).await
}

/// Parses JSON bytes into `T`, naming the failing field.
pub fn parse<T: DeserializeOwned>(raw: &[u8]) -> EdgeResult<T> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let what = if inner.is_syntax() || inner.is_eof() {
                "the body is not valid JSON".to_owned()
            } else if path == "." || path.is_empty() {
                field_message(&inner.to_string(), None)
            } else {
                field_message(&inner.to_string(), Some(&path))
            };
            let code = if path.ends_with("amount") {
                ErrorCode::InvalidAmount
            } else if path.ends_with("phone") {
                ErrorCode::InvalidPhone
            } else {
                ErrorCode::InvalidRequest
            };
            return Err(EdgeError::invalid(code, what));
        }
    };
    de.end()
        .map_err(|_| EdgeError::invalid(ErrorCode::InvalidRequest, "the body is not valid JSON"))?;
    Ok(value)
}

/// serde's message without the echoed value (serde quotes input in `invalid value: string "…"`).
fn field_message(serde_msg: &str, path: Option<&str>) -> String {
    let msg = serde_msg.split(" at line ").next().unwrap_or(serde_msg);
    let safe = if msg.starts_with("unknown field") || msg.starts_with("missing field") {
        msg.to_owned() // names fields only, never values
    } else if let Some(idx) = msg.find(", expected ") {
        // "invalid value: string \"abc\", expected …" -> "expected …"
        msg[idx + 2..].to_owned()
    } else if msg.starts_with("invalid type:") || msg.starts_with("invalid value:") {
        "has the wrong type or value".to_owned()
    } else {
        msg.to_owned()
    };
    match path {
        Some(p) if !safe.starts_with(p) => format!("{p}: {safe}"),
        _ => safe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        order_id: String,
        amount: bdpay_shared::money::Money,
    }

    fn err(raw: &str) -> String {
        match parse::<Body>(raw.as_bytes()) {
            Err(EdgeError::Invalid { detail, .. }) => detail.unwrap_or_default(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field_but_never_echo_the_value() {
        let e = err(r#"{"order_id":"A1","amount":4711}"#);
        assert!(e.starts_with("amount"), "{e}");
        assert!(!e.contains("4711"), "{e}");
        let e = err(r#"{"order_id":"A1","amount":"01711000001x"}"#);
        assert!(!e.contains("01711000001"), "{e}");
        assert_eq!(err("{not json"), "the body is not valid JSON");
        assert!(err(r#"{"order_id":"A1"}"#).contains("amount"));
    }
}
