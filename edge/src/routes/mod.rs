//! The route table: DESIGN.md's public contract on one screen. Handlers are thin: parse,
//! authorise, call, respond.

use serde_json::json;
use worker::{Env, Method, Request, Response};

use crate::http;

/// Routes one request; never fails (errors become the contract's JSON error).
pub async fn handle(req: Request, env: &Env) -> Response {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["healthz"]) => healthz(env),
        _ => http::json(
            404,
            &json!({"error": {"code": "not_found", "message": "No such endpoint.",
                              "message_bn": "এমন কোনো ঠিকানা নেই।", "retryable": false}}),
        ),
    }
}

fn healthz(env: &Env) -> Response {
    let mode = env.var("BDPAY_ENV").map(|v| v.to_string()).unwrap_or_else(|_| "unknown".into());
    http::json(
        200,
        &json!({
            "name": "bdpay-edge",
            "version": env!("CARGO_PKG_VERSION"),
            "commit": option_env!("BDPAY_GIT_COMMIT").unwrap_or("unknown"),
            "env": mode,
            "status": "ok",
        }),
    )
}
