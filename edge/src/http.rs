//! Response helpers: JSON bodies with the right headers. Infallible, so a handler's
//! error path can never itself fail.

use serde::Serialize;
use worker::{Headers, Response};

/// A JSON response with `status` (a fixed internal-error body if serialization failed).
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => bytes_with(status, "application/json; charset=utf-8", bytes),
        Err(_) => bytes_with(
            500,
            "application/json; charset=utf-8",
            br#"{"error":{"code":"internal_error","message":"Internal error.","retryable":true}}"#.to_vec(),
        ),
    }
}

/// Any body with a content type; never cached by intermediaries.
pub fn bytes_with(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", content_type);
    let _ = headers.set("cache-control", "no-store");
    let _ = headers.set("x-content-type-options", "nosniff");
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(body)
}
