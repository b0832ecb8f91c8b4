//! Merchant server → edge: webhook endpoints and events (being built: issue "signed webhooks").

use worker::{Env, Request, Response};

use crate::error::{EdgeError, EdgeResult};

/// `POST /v1/webhook_endpoints`
pub async fn create_endpoint(_req: Request, _env: &Env) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}

/// `GET /v1/webhook_endpoints/{id}`
pub async fn get_endpoint(_req: Request, _env: &Env, _id: &str) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}

/// `DELETE /v1/webhook_endpoints/{id}`
pub async fn delete_endpoint(_req: Request, _env: &Env, _id: &str) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}

/// `GET /v1/events`
pub async fn list_events(_req: Request, _env: &Env) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}

/// `POST /v1/events/{id}/redeliver`
pub async fn redeliver(_req: Request, _env: &Env, _id: &str) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}
