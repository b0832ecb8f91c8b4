//! Response helpers: JSON bodies with the right headers. Infallible, so a handler's
//! error path can never itself fail.

use serde::Serialize;
use worker::{Headers, Response};

/// A JSON response with `status` (a fixed internal-error body if serialization failed).
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    json_cached(status, body, NO_STORE)
}

/// As [`json`], with the `Cache-Control` given (the widget's status: `private, max-age=1`),
/// set once rather than set and then replaced: every header is a call into the runtime.
pub fn json_cached<T: Serialize>(status: u16, body: &T, cache_control: &str) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => bytes_cached(status, "application/json; charset=utf-8", cache_control, bytes),
        Err(_) => bytes_with(
            500,
            "application/json; charset=utf-8",
            br#"{"error":{"code":"internal_error","message":"Internal error.","retryable":true}}"#.to_vec(),
        ),
    }
}

/// What every answer says to caches unless it says otherwise.
const NO_STORE: &str = "no-store";

/// Any body with a content type; never cached by intermediaries.
pub fn bytes_with(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    bytes_cached(status, content_type, NO_STORE, body)
}

fn bytes_cached(status: u16, content_type: &str, cache_control: &str, body: Vec<u8>) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", content_type);
    let _ = headers.set("cache-control", cache_control);
    let _ = headers.set("x-content-type-options", "nosniff");
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(body)
}
