//! The Durable Object that is the single writer of one payment's state. Every command for
//! a payment (confirm, return, IPN, poll, refund) goes through it, one at a time.

use worker::{durable_object, DurableObject, Env, Request, Response, State};

use crate::http;

#[durable_object]
pub struct PaymentObject {
    state: State,
    _env: Env,
}

impl DurableObject for PaymentObject {
    fn new(state: State, env: Env) -> Self {
        PaymentObject { state, _env: env }
    }

    async fn fetch(&self, _req: Request) -> worker::Result<Response> {
        let stored: Option<String> = self.state.storage().get("status").await.unwrap_or(None);
        Ok(http::json(200, &serde_json::json!({ "status": stored })))
    }
}
