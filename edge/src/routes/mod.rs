//! The route table: docs/design.md's public contract on one screen. Handlers are thin: parse,
//! authorise, call, respond. Errors become the contract's JSON here and nowhere else.

mod admin;
mod alerts;
mod analytics;
mod blocklist;
mod checkout_settings;
mod credentials;
mod demo;
mod demo_webhooks;
mod finance_query;
mod finance_settings;
mod health;
mod ipn;
mod manual_review;
mod manual_settings;
mod manual_transfer;
mod onboarding;
mod payees;
mod payments;
mod reconciliation;
mod refunds;
mod returns;
mod settlements;
mod statements;
mod step_up;
mod webhooks;
mod widget;

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::provider::Provider;
use serde_json::json;
use worker::{Env, Method, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http;

/// Routes one request; never fails (errors become the contract's JSON error).
pub async fn handle(req: Request, env: &Env) -> Response {
    let path = req.path();
    let method = req.method();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    // The widget's endpoints answer CORS for any origin, errors included.
    let is_widget = matches!(
        segments.as_slice(),
        ["v1", "payments", _, "confirm" | "status" | "manual_transfer" | "otp"]
    );
    // worker-rs reads any method it has no name for (QUERY, …) as GET: those are not GET here.
    let unnamed = method == Method::Get && !req.inner().method().eq_ignore_ascii_case("GET");
    let result = if unnamed {
        Err(if known(&segments) {
            EdgeError::Refused(ErrorCode::MethodNotAllowed)
        } else {
            EdgeError::not_found()
        })
    } else {
        route(req, env, method, &segments).await
    };
    let response = result.unwrap_or_else(EdgeError::into_response);
    if is_widget {
        widget::with_cors(response)
    } else {
        response
    }
}

async fn route(req: Request, env: &Env, method: Method, segments: &[&str]) -> EdgeResult<Response> {
    use Method::{Delete, Get, Options, Post, Put};
    match (method, segments) {
        (Get, ["healthz"]) => Ok(healthz(env)),

        // Merchant server → edge (Bearer sk_…; no CORS: a secret key has no place in a browser).
        (Post, ["v1", "payments"]) => payments::post(req, env).await,
        (Get, ["v1", "payments"]) => payments::list(req, env).await,
        (Get, ["v1", "payments", id]) => payments::get(req, env, id).await,

        (Post, ["v1", "payments", id, "refunds"]) => refunds::create(req, env, id).await,
        (Get, ["v1", "payments", id, "refunds"]) => refunds::list_for_payment(req, env, id).await,
        (Post, ["v1", "refunds", "batch"]) => refunds::batch_create(req, env).await,
        (Get, ["v1", "refunds", "batch", id]) => refunds::batch_get(req, env, id).await,
        (Get, ["v1", "refunds", id]) => refunds::get(req, env, id).await,
        (Post, ["v1", "refunds", id, "resolve"]) => refunds::resolve(req, env, id).await,
        (Post, ["v1", "webhook_endpoints"]) => webhooks::create_endpoint(req, env).await,
        (Get, ["v1", "webhook_endpoints", id]) => webhooks::get_endpoint(req, env, id).await,
        (Delete, ["v1", "webhook_endpoints", id]) => webhooks::delete_endpoint(req, env, id).await,
        (Get, ["v1", "events"]) => webhooks::list_events(req, env).await,
        (Post, ["v1", "events", id, "redeliver"]) => webhooks::redeliver(req, env, id).await,
        (Get, ["v1", "health", "providers"]) => health::providers(req, env).await,
        (Get, ["v1", "manual_transfers"]) => manual_review::list(req, env).await,
        (Post, ["v1", "manual_transfers", id, "approve"]) => manual_review::decide(req, env, id, true).await,
        (Post, ["v1", "manual_transfers", id, "reject"]) => manual_review::decide(req, env, id, false).await,
        (Put, ["v1", "statements", provider, date]) => statements::put(req, env, provider, date).await,
        (Get, ["v1", "statements", provider, date]) => statements::get(req, env, provider, date).await,
        (Post, ["v1", "reconciliation", date, "run"]) => reconciliation::run(req, env, date).await,
        (Get, ["v1", "reconciliation"]) => reconciliation::list(req, env).await,
        (Get, ["v1", "reconciliation", date]) => reconciliation::get(req, env, date).await,
        (Get, ["v1", "settlements", "calendar"]) => settlements::calendar(req, env).await,
        (Get, ["v1", "settlements", date]) => settlements::get(req, env, date).await,
        (Get, ["v1", "settlements", date, "beps"]) => settlements::beps(req, env, date).await,
        (Post, ["v1", "payees"]) => payees::create(req, env).await,
        (Get, ["v1", "payees"]) => payees::list(req, env).await,
        (Delete, ["v1", "payees", id]) => payees::delete(req, env, id).await,
        (Get, ["v1", "analytics", "cohorts"]) => analytics::cohorts(req, env).await,
        (Get, ["v1", "settings"]) => checkout_settings::get(req, env).await,
        (Put, ["v1", "settings"]) => checkout_settings::put(req, env).await,
        (Post, ["v1", "blocklist"]) => blocklist::create(req, env).await,
        (Get, ["v1", "blocklist"]) => blocklist::list(req, env).await,
        (Delete, ["v1", "blocklist", id]) => blocklist::delete(req, env, id).await,

        // Widget → edge (client secret).
        (Options, ["v1", "payments", _, "confirm" | "status" | "manual_transfer" | "otp"]) => Ok(widget::preflight()),
        (Post, ["v1", "payments", id, "otp"]) => step_up::verify(req, env, id).await,
        (Post, ["v1", "payments", id, "confirm"]) => widget::confirm(req, env, id).await,
        (Get, ["v1", "payments", id, "status"]) => widget::status(req, env, id).await,
        (Post, ["v1", "payments", id, "manual_transfer"]) => manual_transfer::submit(req, env, id).await,

        // Provider → edge.
        (Get, ["v1", "return", "bkash"]) => returns::handle(req, env, Provider::Bkash, None).await,
        (Get, ["v1", "return", "nagad"]) => returns::handle(req, env, Provider::Nagad, None).await,
        (Get, ["v1", "return", "bkash", id]) => returns::handle(req, env, Provider::Bkash, Some(id)).await,
        (Get, ["v1", "return", "nagad", id]) => returns::handle(req, env, Provider::Nagad, Some(id)).await,
        (Post, ["v1", "ipn", "bkash"]) => ipn::bkash(req, env).await,
        (Get | Post, ["v1", "ipn", "nagad"]) => ipn::nagad(req, env).await,

        // Operators (Bearer BDPAY_ADMIN_TOKEN; 404 when it is unset).
        (Post, ["admin", "keys", "rotate"]) => admin::rotate(req, env, true).await,
        (Get, ["admin", "keys", "rotate"]) => admin::rotate(req, env, false).await,
        (Post, ["admin", "merchants"]) => onboarding::create_merchant(req, env).await,
        (Get, ["admin", "merchants"]) => onboarding::list_merchants(req, env).await,
        (Post, ["admin", "merchants", id, "keys"]) => onboarding::issue_key(req, env, id).await,
        (Post, ["admin", "keys", id, "revoke"]) => onboarding::revoke_key(req, env, id).await,
        (Put, ["admin", "merchants", id, "alerts"]) => alerts::set(req, env, id).await,
        (Get, ["admin", "merchants", id, "credentials"]) => credentials::list(req, env, id).await,
        (Put, ["admin", "merchants", id, "credentials", provider]) => credentials::set(req, env, id, provider).await,
        (Delete, ["admin", "merchants", id, "credentials", provider]) => {
            credentials::delete(req, env, id, provider).await
        }
        (Put, ["admin", "merchants", id, "manual_transfer"]) => manual_settings::set(req, env, id).await,
        (Put, ["admin", "merchants", id, "finance"]) => finance_settings::set(req, env, id).await,

        // The demo shop's server side (dev configuration only).
        (Post, ["demo", "checkout"]) => demo::checkout(req, env).await,
        (Post, ["demo", "webhooks"]) => demo_webhooks::receive(req, env).await,
        (Get, ["demo", "webhooks"]) => demo_webhooks::list(req, env).await,

        (_, path) if known(path) => Err(EdgeError::Refused(ErrorCode::MethodNotAllowed)),
        _ => Err(EdgeError::not_found()),
    }
}

/// Paths that exist with some method (for 405 rather than 404).
fn known(path: &[&str]) -> bool {
    matches!(
        path,
        ["healthz"]
            | ["v1", "payments"]
            | ["v1", "payments", _]
            | ["v1", "payments", _, "confirm" | "status" | "manual_transfer" | "otp"]
            | ["v1", "return", "bkash" | "nagad"]
            | ["v1", "return", "bkash" | "nagad", _]
            | ["v1", "ipn", "bkash" | "nagad"]
            | ["demo", "checkout" | "webhooks"]
            | ["v1", "payments", _, "refunds"]
            | ["v1", "refunds", _]
            | ["v1", "refunds", _, "resolve"]
            | ["v1", "refunds", "batch", _]
            | ["v1", "webhook_endpoints"]
            | ["v1", "webhook_endpoints", _]
            | ["v1", "events"]
            | ["v1", "events", _, "redeliver"]
            | ["v1", "health", "providers"]
            | ["v1", "manual_transfers"]
            | ["v1", "manual_transfers", _, "approve" | "reject"]
            | ["v1", "statements", _, _]
            | ["v1", "reconciliation"]
            | ["v1", "reconciliation", _]
            | ["v1", "reconciliation", _, "run"]
            | ["v1", "settlements", _]
            | ["v1", "settlements", _, "beps"]
            | ["v1", "payees"]
            | ["v1", "payees", _]
            | ["v1", "settings"]
            | ["v1", "analytics", "cohorts"]
            | ["v1", "blocklist"]
            | ["v1", "blocklist", _]
    )
}

fn healthz(env: &Env) -> Response {
    let mode = crate::deployment::Deployment::from_env(env).as_str();
    http::json(
        200,
        &json!({
            "name": "bdpay-edge",
            "version": env!("CARGO_PKG_VERSION"),
            "commit": option_env!("BDPAY_GIT_COMMIT").unwrap_or("unknown"),
            "env": mode,
            "status": "ok",
            // Nagad's RSA in the runtime's node:crypto (Node compatibility, wrangler.toml), not wasm.
            "native_crypto": crate::providers::nagad::native::available(),
        }),
    )
}
