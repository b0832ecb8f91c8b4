//! Operators' routes, behind secret `BDPAY_ADMIN_TOKEN` (`keys::guard`): start and watch
//! the data-key rotation (`keys::object`). Unset token: these routes answer 404.

use worker::{Env, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::keys::guard::{self, Access};
use crate::keys::object::{self, RotationCommand};

/// `POST /admin/keys/rotate` (`start`: begins or continues a run, 202) and
/// `GET /admin/keys/rotate` (progress, 200).
pub async fn rotate(req: Request, env: &Env, start: bool) -> EdgeResult<Response> {
    let token = env.secret("BDPAY_ADMIN_TOKEN").ok().map(|s| s.to_string());
    let offered = req.headers().get("authorization").ok().flatten();
    match guard::check(token.as_deref(), offered.as_deref()) {
        Access::NoSuchRoute => return Err(EdgeError::not_found()),
        Access::Unauthorized => return Err(EdgeError::unauthorized()),
        Access::Allowed => {}
    }
    let (cmd, status) = if start {
        (RotationCommand::Start, 202)
    } else {
        (RotationCommand::Status, 200)
    };
    Ok(http::json(status, &object::ask(env, &cmd).await?))
}
