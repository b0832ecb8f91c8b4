//! Provider statements in the ledger (`statements`): one CSV per merchant, mode, provider and
//! Dhaka day, as uploaded (`PUT /v1/statements/…`) or fetched by the nightly job from the
//! merchant's statement URL. An upload replaces what is held; a fetch never replaces an upload.
//! Every statement is parsed before it is kept (`shared::recon::statement`).

use std::time::Duration;

use bdpay_shared::provider::Provider;
use bdpay_shared::recon::statement::{self, StatementLine};
use futures_util::future::{select, Either};
use serde::Deserialize;
use worker::{AbortController, D1Database, Delay, Fetch, Method, Request, RequestInit};

use super::day::Day;
use crate::crypto::sha256_hex;
use crate::ledger::int;
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

/// Keeps a parsed statement. Returns false when a fetched one met an upload (kept as it was).
pub async fn store(
    db: &D1Database,
    k: &Key<'_>,
    source: Source,
    body: &str,
    lines: usize,
    now_ms: i64,
) -> worker::Result<bool> {
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
            sha256_hex(body.as_bytes()).into(),
            int(now_ms),
        ])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
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
    let mut init = RequestInit::new();
    init.with_method(Method::Get);
    let request = Request::new_with_init(&url, &init).map_err(|e| e.to_string())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let mut response = Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status_code();
        if status != 200 {
            return Err(format!("the statement URL answered HTTP {status}"));
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        if bytes.len() > MAX_BYTES {
            return Err(format!("the statement is over {MAX_BYTES} bytes"));
        }
        String::from_utf8(bytes).map_err(|_| "the statement is not UTF-8 text".to_owned())
    };
    futures_util::pin_mut!(exchange);
    match select(exchange, Delay::from(FETCH_TIMEOUT)).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            controller.abort();
            Err("the statement URL did not answer in 30 s".into())
        }
    }
}
