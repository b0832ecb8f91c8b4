//! JSON between the worker and its Durable Objects, read in one native call each way.
//!
//! `worker`'s own `Request::json` parses with `JSON.parse` and then walks the JS object
//! from wasm (`serde_wasm_bindgen`: a boundary crossing per field), and `Response::json`
//! reads the body through a stream reader chunk by chunk (a promise per chunk, then
//! `releaseLock`). Both ends here are our own code writing with `serde_json`, so the body is
//! read whole by the runtime (`text()` / `arrayBuffer()`) and parsed by `serde_json` in wasm:
//! the same values, less CPU per object call (issue #17).

use js_sys::Uint8Array;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use worker::{Request, Response};

/// A command sent to an object (`serde_json` text), as `T`.
pub async fn command<T: DeserializeOwned>(req: &mut Request) -> Result<T, String> {
    let text = req.text().await.map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// An object's answer (`serde_json` text), as `T`.
pub async fn reply<T: DeserializeOwned>(resp: Response) -> Result<T, String> {
    let resp: web_sys::Response = resp.into();
    let promise = resp.array_buffer().map_err(|_| "reply body unreadable".to_owned())?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|_| "reply body unreadable".to_owned())?;
    let bytes = Uint8Array::new(buffer.unchecked_ref()).to_vec();
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}
