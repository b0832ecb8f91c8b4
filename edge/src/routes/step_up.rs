//! `POST /v1/payments/{id}/otp` (widget → edge, client secret): the shopper's step-up code.
//! Right: the confirm the code held back carries on, and the answer is a confirm's (the
//! wallet's page). Wrong: `otp_incorrect` with the tries left; the third wrong, or any try
//! after, `risk_blocked`; past five minutes, `otp_expired` (confirm again for a new code).

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::risk::otp::OtpCode;
use serde::Deserialize;
use worker::{Env, Request, Response};

use super::widget::{answer, header_secret, parse_secret, pick_secret};
use crate::body;
use crate::config::EdgeConfig;
use crate::crypto::sha256_hex;
use crate::error::{EdgeError, EdgeResult};
use crate::payment::client as objects;
use crate::payment::command::Command;
use crate::risk::geo::Geo;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OtpBody {
    code: String,
    /// Or in the `BdPay-Client-Secret` header.
    #[serde(default)]
    client_secret: Option<String>,
}

pub async fn verify(mut req: Request, env: &Env, id: &str) -> EdgeResult<Response> {
    let header = header_secret(&req);
    let input: OtpBody = body::json(&mut req).await?;
    let secret = pick_secret(header, input.client_secret.clone()).unwrap_or_default();
    let (id, secret) = parse_secret(id, &secret)?;
    if input.code.len() > 64 {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "code: the 6 digits of the SMS",
        ));
    }
    let config = EdgeConfig::from_env(env)?;
    // A code that is not six digits still costs a try: it is a guess like any other.
    let digest = match OtpCode::parse(&input.code) {
        Ok(code) => Some(
            config
                .data_keys
                .otp_digest(id.as_str(), code.expose_digits())
                .map_err(EdgeError::internal)?,
        ),
        Err(_) => None,
    };
    let cmd = Command::VerifyOtp {
        client_secret_hash: sha256_hex(secret.expose().as_bytes()),
        digest,
        geo: Geo::of(&req, env),
    };
    let record = objects::send(env, &id, &cmd).await?;
    answer(env, &record).await
}
