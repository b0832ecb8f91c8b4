//! bKash's id_token (docs/providers.md A.2): the rules the `TokenObject` Durable Object follows,
//! and the small protocol between a caller and that object.
//!
//! One object per (mode, app_key) holds the token. It alone calls grant and refresh, one call
//! at a time; callers ask it for the current token. After a 401 a caller asks again naming
//! the `generation` it used: only if that is still the current one is a new token granted,
//! so fifty concurrent 401s cause one grant. Token values go from the object to the caller
//! (both inside the edge) and nowhere else: no log, no response, no `Debug`.

use core::fmt;

use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::TokenResponse;
use serde::{Deserialize, Serialize};

use super::super::config::Mode;
use super::super::{CallRecord, ProviderFailure};

/// `refresh_token` lifetime ([our choice] in docs/providers.md A.2: 28 days).
pub(crate) const REFRESH_TOKEN_LIFETIME_MS: i64 = 28 * 24 * 3600 * 1000;
/// bKash blocks a merchant that refreshes more than twice within an hour.
pub(crate) const MAX_REFRESHES_PER_HOUR: usize = 2;
/// Grant + refresh calls per rolling hour we allow ourselves with live credentials: a
/// healthy hour needs one or two; more means something is wrong, and bKash blocks merchants
/// that grant per request.
pub(crate) const MAX_TOKEN_CALLS_PER_HOUR_LIVE: usize = 6;
/// With test credentials: test suites reset sandboxes (every token gone) many times an hour.
pub(crate) const MAX_TOKEN_CALLS_PER_HOUR_TEST: usize = 30;
/// After a failed grant or refresh, callers get that failure for this long without a new call.
pub(crate) const FAILURE_COOLDOWN_MS: i64 = 5_000;

/// The hourly token-call cap for `mode`.
pub(crate) fn max_calls_per_hour(mode: Mode) -> usize {
    match mode {
        Mode::Live => MAX_TOKEN_CALLS_PER_HOUR_LIVE,
        Mode::Test => MAX_TOKEN_CALLS_PER_HOUR_TEST,
    }
}
/// A token this close to its end is not handed out.
pub(crate) const MIN_REMAINING_MS: i64 = 30_000;
const HOUR_MS: i64 = 3_600_000;

/// The token as the object stores it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stored {
    pub id_token: String,
    pub refresh_token: String,
    /// Bumped on every new id_token; callers name it when reporting a 401.
    pub generation: u64,
    pub issued_ms: i64,
    pub expires_ms: i64,
    /// From the grant that produced the refresh token (refreshes do not extend it).
    pub refresh_expires_ms: i64,
}

impl fmt::Debug for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stored")
            .field("generation", &self.generation)
            .field("issued_ms", &self.issued_ms)
            .field("expires_ms", &self.expires_ms)
            .finish_non_exhaustive()
    }
}

impl Stored {
    /// When to refresh: five sixths into the token's life (minute 50 of 60).
    pub fn refresh_at_ms(&self) -> i64 {
        self.issued_ms + (self.expires_ms - self.issued_ms) * 5 / 6
    }

    /// Still good for a call: more than [`MIN_REMAINING_MS`] left (a sixth of the lifetime
    /// for tokens shorter than three minutes, as test sandboxes issue).
    pub fn usable(&self, now_ms: i64) -> bool {
        now_ms < self.usable_until()
    }

    /// The last moment the token is handed out (its end less a margin).
    pub fn usable_until(&self) -> i64 {
        let margin = MIN_REMAINING_MS.min((self.expires_ms - self.issued_ms) / 6);
        self.expires_ms - margin
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TokenOp {
    Grant,
    Refresh,
}

impl TokenOp {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenOp::Grant => "grant",
            TokenOp::Refresh => "refresh",
        }
    }
}

/// Token calls of the last hour (ms, op), oldest first; failed calls count too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Budget {
    pub calls: Vec<(i64, TokenOp)>,
}

impl Budget {
    pub fn forget_before(&mut self, now_ms: i64) {
        self.calls.retain(|(at, _)| *at > now_ms - HOUR_MS);
    }

    pub fn allows(&self, op: TokenOp, now_ms: i64, max_calls: usize) -> bool {
        let recent = self.calls.iter().filter(|(at, _)| *at > now_ms - HOUR_MS);
        let (mut all, mut refreshes) = (0, 0);
        for (_, o) in recent {
            all += 1;
            if *o == TokenOp::Refresh {
                refreshes += 1;
            }
        }
        all < max_calls && (op == TokenOp::Grant || refreshes < MAX_REFRESHES_PER_HOUR)
    }

    pub fn spend(&mut self, op: TokenOp, now_ms: i64) {
        self.forget_before(now_ms);
        self.calls.push((now_ms, op));
    }
}

/// What the object does for one ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Hand out the stored token.
    Use,
    Call(TokenOp),
    /// Out of token budget and nothing usable: fail without calling bKash.
    Refuse,
}

/// The decision, given the stored token, the budget, the generation a caller saw fail (401)
/// and the time. Refresh near the end of life, grant when there is nothing (or the caller's
/// token was refused), never beyond the A.2 limits.
pub(crate) fn decide(
    stored: Option<&Stored>,
    budget: &Budget,
    stale: Option<u64>,
    now_ms: i64,
    max_calls: usize,
) -> Next {
    let grant = || {
        if budget.allows(TokenOp::Grant, now_ms, max_calls) {
            Next::Call(TokenOp::Grant)
        } else {
            Next::Refuse
        }
    };
    let Some(s) = stored else { return grant() };
    if stale == Some(s.generation) {
        return grant();
    }
    if now_ms < s.refresh_at_ms() && s.usable(now_ms) {
        return Next::Use;
    }
    if now_ms + MIN_REMAINING_MS < s.refresh_expires_ms && budget.allows(TokenOp::Refresh, now_ms, max_calls) {
        return Next::Call(TokenOp::Refresh);
    }
    if s.usable(now_ms) {
        return Next::Use;
    }
    grant()
}

/// The stored token after a successful grant or refresh (`expires_in` in seconds).
pub(crate) fn renewed(
    prev: Option<&Stored>,
    op: TokenOp,
    id_token: String,
    refresh_token: String,
    expires_in: u64,
    now_ms: i64,
) -> Stored {
    let lifetime_ms = i64::try_from(expires_in.clamp(1, 86_400)).unwrap_or(3600) * 1000;
    let refresh_expires_ms = match (op, prev) {
        (TokenOp::Refresh, Some(p)) => p.refresh_expires_ms,
        _ => now_ms + REFRESH_TOKEN_LIFETIME_MS,
    };
    Stored {
        id_token,
        refresh_token,
        generation: prev.map_or(1, |p| p.generation + 1),
        issued_ms: now_ms,
        expires_ms: now_ms + lifetime_ms,
        refresh_expires_ms,
    }
}

/// A grant or refresh reply (A.2) → the new tokens and `expires_in`, or why not.
/// Bad credentials come as HTTP 200 with a code (`9999`, `2001`…), read through the catalog.
pub(crate) fn read_token_reply(status: u16, body: &[u8]) -> Result<(String, String, u64), ProviderFailure> {
    use super::interpret::{head, Head};
    match head(status, body) {
        Head::Success => {}
        // Some grant replies carry no statusCode at all: the tokens decide.
        Head::Failed(_) if status == 200 => return read_token_fields(body),
        // 9999 is bKash's "system error", and also how a grant refuses wrong credentials
        // (docs/providers.md A.2: "Username does not exist"): the words tell them apart, and
        // credentials are ours to fix, not an outage to wait out.
        Head::Coded(code) if code == "9999" && names_credentials(body) => {
            return Err(ProviderFailure::config(Provider::Bkash, "9999"))
        }
        Head::Coded(code) => {
            let c = crate::providers::failure::coded(Provider::Bkash, &code);
            return Err(c.map_or_else(
                || ProviderFailure::unavailable(Provider::Bkash, "unreadable"),
                |c| c.failure,
            ));
        }
        Head::Unauthorized => return Err(ProviderFailure::config(Provider::Bkash, "http_401")),
        Head::Failed(f) => return Err(f),
    }
    let reply: TokenResponse =
        serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(Provider::Bkash, "unreadable"))?;
    if reply.id_token.is_empty() || reply.refresh_token.is_empty() {
        return Err(ProviderFailure::unavailable(Provider::Bkash, "unreadable"));
    }
    Ok((reply.id_token, reply.refresh_token, reply.expires_in))
}

/// Whether a grant reply's message speaks of the credentials (username, password, app key or
/// secret) rather than of bKash itself.
fn names_credentials(body: &[u8]) -> bool {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("statusMessage")
                .and_then(|m| m.as_str())
                .map(str::to_ascii_lowercase)
        })
        .unwrap_or_default();
    ["username", "password", "app key", "app secret", "credential"]
        .iter()
        .any(|w| message.contains(w))
}

/// The three fields that matter, from a reply without the usual envelope.
fn read_token_fields(body: &[u8]) -> Result<(String, String, u64), ProviderFailure> {
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(Provider::Bkash, "unreadable"))?;
    let text = |k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    match (
        text("id_token"),
        text("refresh_token"),
        v.get("expires_in").and_then(serde_json::Value::as_u64),
    ) {
        (Some(id), Some(refresh), Some(expires_in)) => Ok((id, refresh, expires_in)),
        _ => Err(ProviderFailure::unavailable(Provider::Bkash, "unreadable")),
    }
}

/// Caller → object: `POST /token`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Ask {
    pub mode: Mode,
    /// Whose credentials to grant with: the merchant's own if it has them, else the
    /// deployment's (`ProviderConfig::for_merchant`). `None`: the deployment's.
    #[serde(default)]
    pub merchant: Option<String>,
    /// The generation that just got a 401, if any.
    #[serde(default)]
    pub stale_generation: Option<u64>,
    /// Set when refund v2 answered an API-Gateway endpoint error for this credential
    /// (`BKASH_REFUND_API=auto`): the object remembers that the credential refunds
    /// through the legacy API (A.10), and says so in every later answer.
    #[serde(default)]
    pub refund_legacy: bool,
}

/// The token a caller uses.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Token {
    pub id_token: String,
    pub generation: u64,
    /// Until when a caller may keep using it from memory without asking the object again.
    #[serde(default)]
    pub usable_until_ms: i64,
    /// The credential refunds through the legacy API (learned under `auto`, kept by the
    /// object beside the token: see `token_object`).
    #[serde(default)]
    pub refund_legacy: bool,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// One grant/refresh call as the object reports it (ops travel as text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CallNote {
    pub op: TokenOp,
    pub http_status: Option<u16>,
    pub provider_code: Option<String>,
    pub outcome: String,
    pub latency_ms: u32,
}

impl CallNote {
    pub fn into_record(self) -> CallRecord {
        let outcome = match self.outcome.as_str() {
            "ok" => "ok",
            "declined" => "declined",
            "unknown" => "unknown",
            _ => "error",
        };
        crate::providers::failure::record(
            Provider::Bkash,
            self.op.as_str(),
            self.http_status,
            self.provider_code.as_deref(),
            outcome,
            self.latency_ms,
        )
    }
}

/// Object → caller.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Answer {
    #[serde(default)]
    pub token: Option<Token>,
    #[serde(default)]
    pub failure: Option<ProviderFailure>,
    /// Grant/refresh calls made for this ask (for the caller's `calls`).
    #[serde(default)]
    pub calls: Vec<CallNote>,
}

/// The object's name for a credential: one object per mode and app key.
pub(crate) fn object_name(mode: Mode, credential: &str) -> String {
    let mut s = String::with_capacity(12 + credential.len());
    s.push_str("bkash:");
    s.push_str(mode.as_str());
    s.push(':');
    s.push_str(credential);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_732_522_000_000;
    const MAX: usize = MAX_TOKEN_CALLS_PER_HOUR_LIVE;
    const MIN: i64 = 60_000;

    fn granted(at: i64) -> Stored {
        renewed(None, TokenOp::Grant, "id".into(), "rt".into(), 3600, at)
    }

    #[test]
    fn nothing_stored_means_one_grant() {
        assert_eq!(
            decide(None, &Budget::default(), None, T0, MAX),
            Next::Call(TokenOp::Grant)
        );
    }

    #[test]
    fn a_fresh_token_is_used_until_minute_fifty_then_refreshed() {
        let s = granted(T0);
        let b = Budget::default();
        assert_eq!(decide(Some(&s), &b, None, T0 + 49 * MIN, MAX), Next::Use);
        assert_eq!(
            decide(Some(&s), &b, None, T0 + 50 * MIN, MAX),
            Next::Call(TokenOp::Refresh)
        );
        assert_eq!(
            decide(Some(&s), &b, None, T0 + 3 * 3600 * 1000, MAX),
            Next::Call(TokenOp::Refresh),
            "idle hours: the refresh token still works"
        );
    }

    #[test]
    fn a_401_on_the_current_generation_grants_once_and_older_ones_just_reread() {
        let s = granted(T0);
        let b = Budget::default();
        assert_eq!(
            decide(Some(&s), &b, Some(s.generation), T0 + MIN, MAX),
            Next::Call(TokenOp::Grant)
        );
        let next = renewed(Some(&s), TokenOp::Grant, "id2".into(), "rt2".into(), 3600, T0 + MIN);
        assert_eq!(next.generation, s.generation + 1);
        // The 49 other callers that saw the same 401 name the old generation: no second grant.
        assert_eq!(decide(Some(&next), &b, Some(s.generation), T0 + MIN, MAX), Next::Use);
    }

    #[test]
    fn refresh_never_more_than_twice_an_hour() {
        let s = granted(T0);
        let mut b = Budget::default();
        b.spend(TokenOp::Refresh, T0 + 50 * MIN);
        b.spend(TokenOp::Refresh, T0 + 51 * MIN);
        // Still valid: keep using it rather than a third refresh.
        assert_eq!(decide(Some(&s), &b, None, T0 + 52 * MIN, MAX), Next::Use);
        // Expired: grant is the allowed fallback.
        assert_eq!(
            decide(Some(&s), &b, None, T0 + 61 * MIN, MAX),
            Next::Call(TokenOp::Grant)
        );
    }

    #[test]
    fn the_hourly_budget_refuses_rather_than_getting_the_merchant_blocked() {
        let mut b = Budget::default();
        for i in 0..MAX as i64 {
            b.spend(TokenOp::Grant, T0 + i * MIN);
        }
        assert_eq!(decide(None, &b, None, T0 + 10 * MIN, MAX), Next::Refuse);
        assert_eq!(
            decide(None, &b, None, T0 + 61 * MIN, MAX),
            Next::Call(TokenOp::Grant),
            "an hour later the oldest call has left the window"
        );
        b.forget_before(T0 + 64 * MIN);
        assert_eq!(b.calls.len(), MAX - 5);
        assert_eq!(
            decide(None, &b, None, T0 + 10 * MIN, max_calls_per_hour(Mode::Test)),
            Next::Call(TokenOp::Grant),
            "test credentials allow more"
        );
    }

    #[test]
    fn refresh_keeps_the_refresh_tokens_end_and_short_lifetimes_scale() {
        let g = granted(T0);
        let r = renewed(
            Some(&g),
            TokenOp::Refresh,
            "id2".into(),
            "rt2".into(),
            3600,
            T0 + 50 * MIN,
        );
        assert_eq!(r.refresh_expires_ms, g.refresh_expires_ms);
        let short = renewed(None, TokenOp::Grant, "i".into(), "r".into(), 12, T0);
        assert_eq!(short.refresh_at_ms(), T0 + 10_000);
        assert_eq!(
            decide(Some(&short), &Budget::default(), None, T0 + 5_000, MAX),
            Next::Use,
            "a 12 s token is used, not re-granted"
        );
    }

    #[test]
    fn token_replies_are_read_and_bad_credentials_refused() {
        let ok = br#"{"statusCode":"0000","statusMessage":"Successful","id_token":"a.b.c","token_type":"Bearer","expires_in":3600,"refresh_token":"r.s.t"}"#;
        let (id, rt, exp) = read_token_reply(200, ok).unwrap();
        assert_eq!((id.as_str(), rt.as_str(), exp), ("a.b.c", "r.s.t", 3600));
        let bad = read_token_reply(
            200,
            br#"{"statusCode":"9999","statusMessage":"Username does not exist"}"#,
        )
        .unwrap_err();
        assert_eq!(bad.provider_code.as_deref(), Some("9999"));
        assert_eq!(
            bad.kind,
            crate::providers::FailureKind::Config,
            "wrong credentials are ours to fix"
        );
        let outage = read_token_reply(200, br#"{"statusCode":"9999","statusMessage":"System Error"}"#).unwrap_err();
        assert_ne!(
            outage.kind,
            crate::providers::FailureKind::Config,
            "a system error is bKash's"
        );
        let key = read_token_reply(200, br#"{"statusCode":"2001","statusMessage":"Invalid App Key"}"#).unwrap_err();
        assert_eq!(key.kind, crate::providers::FailureKind::Config);
        assert_eq!(
            read_token_reply(429, br#"{"message":"Too Many Requests"}"#)
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("http_429")
        );
        let bare = br#"{"id_token":"a.b.c","token_type":"Bearer","expires_in":3600,"refresh_token":"r.s.t"}"#;
        assert_eq!(read_token_reply(200, bare).unwrap().2, 3600);
        assert!(read_token_reply(200, br#"{"token_type":"Bearer"}"#).is_err());
    }

    #[test]
    fn debug_prints_no_token() {
        let s = renewed(
            None,
            TokenOp::Grant,
            "IDTOKENVALUE".into(),
            "REFRESHVALUE".into(),
            3600,
            T0,
        );
        let t = Token {
            id_token: "IDTOKENVALUE".into(),
            generation: 3,
            usable_until_ms: s.usable_until(),
            refund_legacy: false,
        };
        assert!(s.usable(s.usable_until() - 1) && !s.usable(s.usable_until()));
        assert!(s.usable_until() < s.expires_ms, "a margin before the end");
        for printed in [format!("{s:?}"), format!("{t:?}")] {
            assert!(
                !printed.contains("IDTOKENVALUE") && !printed.contains("REFRESHVALUE"),
                "{printed}"
            );
        }
    }
}
