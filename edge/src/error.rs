//! The edge's one error type, and the only place it becomes an HTTP response.

use bdpay_shared::errors::{ApiError, ErrorCode};
use std::borrow::Cow;
use worker::Response;

use crate::http;
use crate::log;
use crate::providers::ProviderFailure;

#[derive(Debug)]
pub enum EdgeError {
    /// The caller sent something wrong: a 4xx, and nothing was written. `detail` names the
    /// field and the rule (never echoes the value).
    Invalid { code: ErrorCode, detail: Option<String> },
    /// Our code for a refusal that is not about one field (state, conflicts, auth).
    Refused(ErrorCode),
    /// A provider refused or failed; shared's catalog says what it means to a shopper.
    Provider(ProviderFailure),
    /// An answer already in the contract's shape (from a payment's Durable Object).
    Api(ApiError),
    /// Our own fault: `cause` goes to the log, the caller reads `internal_error`.
    Internal { cause: String },
}

pub type EdgeResult<T> = Result<T, EdgeError>;

impl EdgeError {
    pub fn invalid(code: ErrorCode, detail: impl Into<String>) -> EdgeError {
        EdgeError::Invalid {
            code,
            detail: Some(detail.into()),
        }
    }

    pub fn internal(cause: impl Into<String>) -> EdgeError {
        EdgeError::Internal { cause: cause.into() }
    }

    pub fn not_found() -> EdgeError {
        EdgeError::Refused(ErrorCode::NotFound)
    }

    pub fn unauthorized() -> EdgeError {
        EdgeError::Refused(ErrorCode::Unauthorized)
    }

    /// The body callers read.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            EdgeError::Invalid { code, detail } => {
                let mut e = ApiError::new(*code);
                if let Some(d) = detail {
                    e.error.message = Cow::Owned(format!("{} ({d})", e.error.message));
                }
                e
            }
            EdgeError::Refused(code) => ApiError::new(*code),
            EdgeError::Provider(f) => provider_error(f),
            EdgeError::Api(e) => e.clone(),
            EdgeError::Internal { .. } => ApiError::new(ErrorCode::InternalError),
        }
    }

    pub fn into_response(self) -> Response {
        if let EdgeError::Internal { cause } = &self {
            log::error("internal_error", &serde_json::json!({ "cause": cause }));
        }
        let body = self.to_api_error();
        let mut resp = http::json(body.http_status(), &body);
        if let Some(secs) = body.error.retry_after {
            let _ = resp.headers_mut().set("retry-after", &secs.to_string());
        }
        resp
    }
}

/// A provider failure in the contract's shape (code, both messages, provider and its code).
pub fn provider_error(f: &ProviderFailure) -> ApiError {
    let mut e = ApiError::new(f.code);
    if let Some(code) = &f.provider_code {
        e = e.with_provider(f.provider, code);
    } else {
        e.error.provider = Some(f.provider);
    }
    e.error.retryable = f.retryable;
    e
}

impl From<worker::Error> for EdgeError {
    fn from(e: worker::Error) -> EdgeError {
        EdgeError::internal(e.to_string())
    }
}

impl From<ProviderFailure> for EdgeError {
    fn from(f: ProviderFailure) -> EdgeError {
        EdgeError::Provider(f)
    }
}
