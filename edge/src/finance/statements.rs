//! Provider statements in the ledger (`statements`): one CSV per merchant, mode, provider and
//! Dhaka day, as uploaded (`PUT /v1/statements/…`) or fetched by the nightly job from the
//! merchant's statement URL. An upload replaces what is held; a fetch never replaces an upload.
//! Every statement is parsed before it is kept (`shared::recon::statement`).

use std::time::Duration;

use bdpay_shared::provider::Provider;
use bdpay_shared::recon::statement::{self, StatementLine};
use serde::Deserialize;
use worker::{D1Database, Method};

use super::day::Day;
use crate::crypto::sha256_hex;
use crate::ledger::int;
use crate::providers::transport::{self, Call, SendError};
use crate::providers::Mode;

/// The largest statement kept (D1 holds a value of up to 2 MB).
pub const MAX_BYTES: usize = 1_800_000;
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Uploaded,
    Fetched,
}

impl Source {
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Uploaded => "uploaded",
            Source::Fetched => "fetched",
        }
    }
}

/// Where the four parts of a statement's key are.
pub struct Key<'a> {
    pub merchant_id: &'a str,
    pub mode: Mode,
    pub provider: Provider,
    pub day: &'a Day,
}

#[derive(Deserialize)]
pub struct Held {
    pub source: String,
    pub body: String,
    pub lines: i64,
    pub sha256: String,
    pub received_at: i64,
}

/// Keeps a parsed statement; answers what is now held, or `None` when a fetched one met an
/// upload (kept as it was).
pub async fn store(
    db: &D1Database,
    k: &Key<'_>,
    source: Source,
    body: &str,
    lines: usize,
    now_ms: i64,
) -> worker::Result<Option<Held>> {
    let sha256 = sha256_hex(body.as_bytes());
    let result = db
        .prepare(
            "INSERT INTO statements (merchant_id, mode, provider, day, source, body, lines, sha256, received_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(merchant_id, mode, provider, day) DO UPDATE SET \
             source = excluded.source, body = excluded.body, lines = excluded.lines, sha256 = excluded.sha256, \
             received_at = excluded.received_at WHERE excluded.source = 'uploaded' OR statements.source = 'fetched'",
        )
        .bind(&[
            k.merchant_id.into(),
            k.mode.as_str().into(),
            k.provider.as_str().into(),
            k.day.text.as_str().into(),
            source.as_str().into(),
            body.into(),
            int(lines as i64),
            sha256.as_str().into(),
            int(now_ms),
        ])?
        .run()
        .await?;
    let taken = result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0;
    Ok(taken.then(|| Held {
        source: source.as_str().to_owned(),
        body: body.to_owned(),
        lines: i64::try_from(lines).unwrap_or(i64::MAX),
        sha256,
        received_at: now_ms,
    }))
}

pub async fn held(db: &D1Database, k: &Key<'_>) -> worker::Result<Option<Held>> {
    db.prepare(
        "SELECT source, body, lines, sha256, received_at FROM statements \
         WHERE merchant_id = ?1 AND mode = ?2 AND provider = ?3 AND day = ?4",
    )
    .bind(&[
        k.merchant_id.into(),
        k.mode.as_str().into(),
        k.provider.as_str().into(),
        k.day.text.as_str().into(),
    ])?
    .first(None)
    .await
}

/// Parses a statement's text: the lines, or the first problem as "line N: …".
pub fn parse(provider: Provider, body: &str) -> Result<Vec<StatementLine>, String> {
    statement::parse(provider, body).map_err(|e| e.to_string())
}

/// Fetches the day's statement from `template` (`{date}` replaced), at most [`MAX_BYTES`].
pub async fn fetch(template: &str, day: &Day) -> Result<String, String> {
    let url = template.replace(super::settings::DATE_PLACEHOLDER, &day.text);
    let call = Call {
        method: Method::Get,
        url: &url,
        headers: &[],
        body: None,
        timeout: FETCH_TIMEOUT,
    };
    let reply = transport::send_capped(&call, MAX_BYTES).await.map_err(|e| match e {
        SendError::TooLarge => format!("the statement is over {MAX_BYTES} bytes"),
        SendError::Timeout => "the statement URL did not answer in 30 s".to_owned(),
        SendError::Network => "the statement URL could not be reached".to_owned(),
    })?;
    if reply.status != 200 {
        return Err(format!("the statement URL answered HTTP {}", reply.status));
    }
    String::from_utf8(reply.body).map_err(|_| "the statement is not UTF-8 text".to_owned())
}
