//! `WebhookObject`: one Durable Object per merchant that delivers its webhooks. The queue
//! lives in D1; the object only remembers whose queue it is and keeps an alarm set for the
//! next due delivery, so a restart or a long outage loses nothing.

use std::cell::RefCell;
use std::time::Duration;

use wasm_bindgen::JsValue;
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, State};

use super::delivery;
use crate::clock::now_ms;
use crate::log;

const MERCHANT_KEY: &str = "merchant";
/// A wake asks for delivery this soon.
const WAKE_MS: i64 = 50;

#[durable_object]
pub struct WebhookObject {
    state: State,
    env: Env,
    /// The merchant id once stored (a wake then writes nothing).
    stored: RefCell<Option<String>>,
}

impl DurableObject for WebhookObject {
    fn new(state: State, env: Env) -> Self {
        WebhookObject {
            state,
            env,
            stored: RefCell::new(None),
        }
    }

    /// `POST /wake` with the merchant id: deliver soon.
    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let merchant = req.text().await.unwrap_or_default();
        if merchant.is_empty() || merchant.len() > 64 {
            return Response::error("bad merchant", 400);
        }
        if self.stored.borrow().as_deref() != Some(merchant.as_str()) {
            self.state.storage().put(MERCHANT_KEY, &merchant).await?;
            self.stored.replace(Some(merchant));
        }
        // An alarm already due sooner stands: re-setting it on every wake would push it back
        // for as long as events keep coming (a 10,000-line refund batch) and starve delivery.
        let soon = now_ms() + WAKE_MS;
        let current = self.state.storage().get_alarm().await.ok().flatten();
        if current.is_none_or(|at| at > soon) {
            self.state
                .storage()
                .set_alarm(Duration::from_millis(WAKE_MS as u64))
                .await?;
        }
        Response::ok("")
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let merchant: Option<String> = self.state.storage().get(MERCHANT_KEY).await.ok().flatten();
        let Some(merchant) = merchant else {
            return Response::ok("");
        };
        let now = now_ms();
        let next = match delivery::run(&self.env, &merchant, now).await {
            Ok(next) => next,
            Err(cause) => {
                log::warn(
                    "webhook_delivery_deferred",
                    &serde_json::json!({ "merchant": merchant, "cause": cause }),
                );
                Some(now + 30_000)
            }
        };
        if let Some(at) = next {
            // A wake that arrived meanwhile may have set an earlier alarm: keep the earlier.
            let current = self.state.storage().get_alarm().await.ok().flatten();
            let at = current.map_or(at, |c| c.min(at));
            let delay = u64::try_from((at - now_ms()).max(50)).unwrap_or(50);
            self.state.storage().set_alarm(Duration::from_millis(delay)).await?;
        }
        Response::ok("")
    }
}

/// Asks the merchant's object to deliver soon.
pub async fn wake(env: &Env, merchant_id: &str) -> Result<(), String> {
    let err = |e: worker::Error| e.to_string();
    let stub = env
        .durable_object("WEBHOOKS")
        .map_err(err)?
        .id_from_name(merchant_id)
        .map_err(err)?
        .get_stub()
        .map_err(err)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(JsValue::from_str(merchant_id)));
    let req = Request::new_with_init("https://webhooks.internal/wake", &init).map_err(err)?;
    let resp = stub.fetch_with_request(req).await.map_err(err)?;
    if resp.status_code() == 200 {
        Ok(())
    } else {
        Err(format!("wake answered {}", resp.status_code()))
    }
}
