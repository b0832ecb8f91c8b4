//! Request bodies: JSON only, at most 64 KiB, parsed into a wire struct whose errors name
//! the field. Nothing here echoes what the caller sent.

use bdpay_shared::errors::ErrorCode;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use worker::Request;

use crate::error::{EdgeError, EdgeResult};

/// The largest body any endpoint accepts.
pub const MAX_BODY: usize = 64 * 1024;

/// Reads the raw body, refusing anything over [`MAX_BODY`].
pub async fn bytes(req: &mut Request) -> EdgeResult<Vec<u8>> {
    capped(req, MAX_BODY, "the body may be at most 64 KiB").await
}

/// Reads the raw body as a stream, stopping with 413 (`too_large` as the message) as soon as
/// it passes `cap`: a declared `Content-Length` over the cap is refused before reading, and a
/// body without one (chunked) is never read whole first.
pub async fn capped(req: &mut Request, cap: usize, too_large: &'static str) -> EdgeResult<Vec<u8>> {
    let refuse = || EdgeError::invalid(ErrorCode::PayloadTooLarge, too_large);
    let unreadable = || EdgeError::invalid(ErrorCode::InvalidRequest, "the body could not be read");
    let declared = req.headers().get("content-length").ok().flatten();
    let mut body = Vec::with_capacity(initial_capacity(declared.as_deref(), cap).map_err(|()| refuse())?);
    if req.inner().body().is_none() {
        return Ok(body);
    }
    let mut chunks = req.stream().map_err(|_| unreadable())?;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| unreadable())?;
        append_capped(&mut body, &chunk, cap).map_err(|()| refuse())?;
    }
    Ok(body)
}

/// What to reserve for a body that declares `content_length`: `Err` when the declared length
/// is unreadable or over `cap`; an absent one reserves little (the stream decides).
pub fn initial_capacity(content_length: Option<&str>, cap: usize) -> Result<usize, ()> {
    match content_length {
        None => Ok(cap.min(4096)),
        Some(len) => match len.trim().parse::<usize>() {
            Ok(n) if n <= cap => Ok(n),
            _ => Err(()),
        },
    }
}

/// Appends one chunk, or `Err` (nothing appended) when the body would pass `cap`.
pub fn append_capped(body: &mut Vec<u8>, chunk: &[u8], cap: usize) -> Result<(), ()> {
    if body.len().saturating_add(chunk.len()) > cap {
        return Err(());
    }
    body.extend_from_slice(chunk);
    Ok(())
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
    fn a_streamed_body_stops_at_the_cap() {
        let mut body = Vec::new();
        assert_eq!(append_capped(&mut body, &[1; 40], 100), Ok(()));
        assert_eq!(append_capped(&mut body, &[2; 60], 100), Ok(()));
        assert_eq!(body.len(), 100, "exactly the cap is allowed");
        assert_eq!(append_capped(&mut body, &[3], 100), Err(()));
        assert_eq!(body.len(), 100, "the chunk past the cap is not kept");
        let mut huge = Vec::new();
        assert_eq!(append_capped(&mut huge, &vec![0; MAX_BODY + 1], MAX_BODY), Err(()));
        assert!(huge.is_empty());
    }

    #[test]
    fn a_declared_length_is_checked_before_reading() {
        assert_eq!(initial_capacity(None, MAX_BODY), Ok(4096));
        assert_eq!(initial_capacity(Some("12"), MAX_BODY), Ok(12));
        assert_eq!(initial_capacity(Some(" 65536 "), MAX_BODY), Ok(MAX_BODY));
        assert_eq!(initial_capacity(Some("65537"), MAX_BODY), Err(()));
        assert_eq!(initial_capacity(Some("-1"), MAX_BODY), Err(()));
        assert_eq!(initial_capacity(Some("99999999999999999999999"), MAX_BODY), Err(()));
        assert_eq!(initial_capacity(Some("abc"), MAX_BODY), Err(()));
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
