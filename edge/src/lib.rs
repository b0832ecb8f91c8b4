//! bdpay's edge: a Cloudflare Worker that holds the merchant's provider credentials,
//! answers the public HTTP contract of docs/design.md, and keeps each payment's state exactly
//! once (one Durable Object per payment). Static files (`www/`) are served by the assets
//! binding before this code runs; everything else comes here.

mod alerts;
mod auth;
mod batch;
mod body;
mod clock;
mod config;
mod cron;
mod crypto;
mod deployment;
mod error;
mod finance;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod health;
mod http;
mod idempotent;
mod keys;
mod ledger;
mod log;
mod manual;
mod merchant_cache;
mod object_json;
mod payment;
mod providers;
mod refunds;
mod risk;
mod routes;
mod webhooks;

pub use batch::object::BatchObject;
pub use finance::object::ReconObject;
pub use health::object::HealthObject;
pub use keys::object::KeyRotationObject;
pub use payment::object::PaymentObject;
pub use providers::bkash::token_object::TokenObject;
pub use webhooks::object::WebhookObject;

use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    Ok(routes::handle(req, &env).await)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    cron::run(event.cron(), event.schedule(), &env).await;
}
