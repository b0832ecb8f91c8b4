//! Merchant server → edge: refunds, one or a batch (being built: issue "Refunds, batch refunds").

use worker::{Env, Request, Response};

use crate::error::{EdgeError, EdgeResult};

/// `POST /v1/payments/{id}/refunds`
pub async fn create(_req: Request, _env: &Env, _payment_id: &str) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}

/// `GET /v1/payments/{id}/refunds`
pub async fn list_for_payment(_req: Request, _env: &Env, _payment_id: &str) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}

/// `GET /v1/refunds/{id}`
pub async fn get(_req: Request, _env: &Env, _refund_id: &str) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}

/// `POST /v1/refunds/batch`
pub async fn batch_create(_req: Request, _env: &Env) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}

/// `GET /v1/refunds/batch/{id}` (`?format=csv` too)
pub async fn batch_get(_req: Request, _env: &Env, _batch_id: &str) -> EdgeResult<Response> {
    Err(EdgeError::not_found())
}
