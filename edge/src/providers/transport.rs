//! One outbound HTTP call to a provider: a hard timeout (AbortController raced with a
//! timer), no redirects followed, the whole body read inside the timeout, and the latency
//! measured. Interpretation of what came back lives with each provider.

use std::time::Duration;

use futures_util::future::{select, Either};
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

/// bKash's guidance for every call (docs/providers.md A.1); Nagad gets the same.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(30);

/// Provider answers are small; anything larger is refused unread.
const MAX_BODY: usize = 256 * 1024;

/// What came back: status and body bytes.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    /// The answer carries `X-Bdpay-Relay-Error`: the Nagad egress relay itself failed.
    pub relay_error: bool,
}

/// Why nothing usable came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SendError {
    /// No complete answer within the timeout (the request may have been processed).
    Timeout,
    /// The request could not be sent or the connection broke (it may have been processed).
    Network,
    /// The body was over [`MAX_BODY`].
    TooLarge,
}

impl SendError {
    pub(crate) fn code(self) -> &'static str {
        match self {
            SendError::Timeout => "timeout",
            SendError::Network => "network",
            SendError::TooLarge => "body_too_large",
        }
    }
}

/// One request. `headers` are set as given; `body` is sent as is (JSON text).
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a str>,
    pub timeout: Duration,
}

/// Sends `call`; returns the reply (any status) and the latency in milliseconds.
pub(crate) async fn send(call: &Call<'_>) -> (Result<Reply, SendError>, u32) {
    let started = crate::clock::now_ms();
    let result = send_inner(call, MAX_BODY).await;
    let elapsed = crate::clock::now_ms().saturating_sub(started);
    (result, u32::try_from(elapsed).unwrap_or(u32::MAX))
}

/// [`send`] for a body larger than a provider's answer may be (a statement file), at most `cap` bytes.
pub(crate) async fn send_capped(call: &Call<'_>, cap: usize) -> Result<Reply, SendError> {
    send_inner(call, cap).await
}

async fn send_inner(call: &Call<'_>, cap: usize) -> Result<Reply, SendError> {
    let headers = Headers::new();
    for (name, value) in call.headers {
        headers.set(name, value).map_err(|_| SendError::Network)?;
    }
    let mut init = RequestInit::new();
    init.with_method(call.method.clone())
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(call.body.map(wasm_bindgen::JsValue::from_str));
    let request = Request::new_with_init(call.url, &init).map_err(|_| SendError::Network)?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let exchange = async {
        let mut response = fetch.send_with_signal(&signal).await.map_err(|_| SendError::Network)?;
        let status = response.status_code();
        let relay_error = response
            .headers()
            .has(super::nagad::relay::ERROR_HEADER)
            .unwrap_or(false);
        let body = response.bytes().await.map_err(|_| SendError::Network)?;
        if body.len() > cap {
            return Err(SendError::TooLarge);
        }
        Ok(Reply {
            status,
            body,
            relay_error,
        })
    };
    let timer = Delay::from(call.timeout);
    futures_util::pin_mut!(exchange);
    match select(exchange, timer).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            controller.abort();
            Err(SendError::Timeout)
        }
    }
}

/// `base` + `path` with exactly one `/` between them.
pub(crate) fn join(base: &str, path: &str) -> String {
    let mut url = String::with_capacity(base.len() + path.len() + 1);
    url.push_str(base.trim_end_matches('/'));
    if !path.starts_with('/') {
        url.push('/');
    }
    url.push_str(path);
    url
}
