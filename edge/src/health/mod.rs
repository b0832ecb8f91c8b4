//! Provider health at the edge: what the rest of the worker calls. One [`object::HealthObject`]
//! per provider and mode holds that provider's breaker (`bdpay_shared::health`), so every
//! transition is seen once and announced once ([`announce`]). Feeding it never fails a payment
//! and asking it fails open: a health object that does not answer (within [`ASK_TIMEOUT`])
//! never stops a payment. docs/design.md "Provider health" has the why and the thresholds.
//!
//! Every provider call is fed once, where the payment object writes its calls to the ledger
//! (`payment::flow::flush_outbox` → [`record_calls`]); do not feed the same calls again.

pub mod announce;
pub mod object;

use std::cell::RefCell;
use std::time::Duration;

use bdpay_shared::health::{percent, Call, HealthState, Permit, Summary};
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::ProviderHealth;
use futures_util::future::{join, select, Either};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use worker::{Delay, Env, Method, Request, RequestInit};

use crate::clock::now_ms;
use crate::log;
use crate::providers::Mode;

/// The Durable Object binding (`wrangler.toml`).
pub const BINDING: &str = "HEALTH";

/// The longest a caller waits for the health object before going on without it.
pub const ASK_TIMEOUT: Duration = Duration::from_secs(3);

/// How long this isolate trusts an answer it already has (permit, states). A breaker that
/// trips is then noticed here at most 2 s late (a few more calls to a provider already
/// failing), against one Durable Object round trip for every confirm otherwise. A probe slot
/// is never cached: only the object hands it out.
pub const CACHE_MS: i64 = 2_000;

/// What the object is asked.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ask {
    /// Count these calls (all of the object's provider).
    Record { calls: Vec<Call> },
    /// May a call go out now? (Down after the cooldown: hands out the one probe.)
    Permit,
    /// The figures only.
    Snapshot,
}

/// One ask with the object's identity (its provider and mode, stored on first use).
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub provider: Provider,
    pub mode: Mode,
    pub ask: Ask,
}

/// The object's answer to any ask.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Answer {
    pub permit: Permit,
    pub summary: Summary,
}

/// Both providers' health in one mode.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    pub bkash: Summary,
    pub nagad: Summary,
}

/// Both providers' health as routing reads it (`Standing::health`; cached, fail-open).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct States {
    pub bkash: ProviderHealth,
    pub nagad: ProviderHealth,
}

/// The Durable Object's name: `health:<provider>:<mode>`.
pub fn object_name(provider: Provider, mode: Mode) -> String {
    format!("health:{}:{}", provider.as_str(), mode.as_str())
}

/// Feeds calls, one ask per provider touched (both at once). A failure is logged, never
/// returned: health must not fail a payment.
pub async fn record_calls(env: &Env, mode: Mode, calls: impl IntoIterator<Item = Call>) {
    let calls: Vec<Call> = calls.into_iter().collect();
    let of = |p: Provider| -> Vec<Call> { calls.iter().filter(|c| c.provider == p).copied().collect() };
    let (bkash, nagad) = (of(Provider::Bkash), of(Provider::Nagad));
    let feed = |p: Provider, calls: Vec<Call>| async move {
        if calls.is_empty() {
            return;
        }
        let n = calls.len();
        match ask(env, mode, p, Ask::Record { calls }).await {
            Ok(a) => remember(mode, p, &a.summary, a.summary.state != HealthState::Down),
            Err(cause) => log::warn(
                "provider_health_not_recorded",
                &json!({ "provider": p.as_str(), "mode": mode.as_str(), "calls": n, "cause": cause }),
            ),
        }
    };
    join(feed(Provider::Bkash, bkash), feed(Provider::Nagad, nagad)).await;
}

/// Whether a call to `provider` may go out now: false while it is down (cooling down, or
/// its one probe already out). Fails open.
pub async fn permit(env: &Env, mode: Mode, provider: Provider) -> bool {
    // Memory answers "yes" only: a "no" (down) is asked again, for only the object knows when
    // the cooldown is over and can hand out the one probe.
    if let Some((_, true)) = cached(mode, provider) {
        return true;
    }
    match ask(env, mode, provider, Ask::Permit).await {
        Ok(a) => {
            // After handing this caller the probe, the others here wait like the object would.
            remember(mode, provider, &a.summary, a.permit == Permit::Allowed);
            a.permit.allowed()
        }
        Err(cause) => {
            log::warn(
                "provider_health_unavailable",
                &json!({ "provider": provider.as_str(), "mode": mode.as_str(), "cause": cause }),
            );
            true
        }
    }
}

/// Both providers' figures, read from their objects now (not cached).
pub async fn snapshot(env: &Env, mode: Mode) -> Result<Snapshot, String> {
    let (b, n) = join(
        ask(env, mode, Provider::Bkash, Ask::Snapshot),
        ask(env, mode, Provider::Nagad, Ask::Snapshot),
    )
    .await;
    let (b, n) = (b?, n?);
    remember(mode, Provider::Bkash, &b.summary, b.summary.state != HealthState::Down);
    remember(mode, Provider::Nagad, &n.summary, n.summary.state != HealthState::Down);
    Ok(Snapshot {
        bkash: b.summary,
        nagad: n.summary,
    })
}

/// Both providers' health for routing: from this isolate's memory when fresh (≤ 2 s), else
/// asked; a provider whose object does not answer counts as up with no data.
pub async fn states(env: &Env, mode: Mode) -> States {
    let state = |p: Provider| async move {
        if let Some((health, _)) = cached(mode, p) {
            return health;
        }
        match ask(env, mode, p, Ask::Snapshot).await {
            Ok(a) => {
                remember(mode, p, &a.summary, a.summary.state != HealthState::Down);
                a.summary.routing()
            }
            Err(_) => ProviderHealth::UNKNOWN,
        }
    };
    let (bkash, nagad) = join(state(Provider::Bkash), state(Provider::Nagad)).await;
    States { bkash, nagad }
}

/// The API's view of one provider's figures (`GET /v1/health/providers`).
pub fn view(s: &Summary) -> Value {
    json!({
        "state": s.state,
        "success_rate": s.success_bp.map(percent),
        "p50_ms": s.p50_ms,
        "p95_ms": s.p95_ms,
        "calls": s.calls,
        "since": crate::payment::view::iso(s.since_ms),
    })
}

/// One ask to the provider's object, bounded by [`ASK_TIMEOUT`].
async fn ask(env: &Env, mode: Mode, provider: Provider, ask: Ask) -> Result<Answer, String> {
    let exchange = async {
        let err = |e: worker::Error| e.to_string();
        let stub = env
            .durable_object(BINDING)
            .map_err(err)?
            .id_from_name(&object_name(provider, mode))
            .map_err(err)?
            .get_stub()
            .map_err(err)?;
        let body = serde_json::to_string(&Envelope { provider, mode, ask }).map_err(|e| e.to_string())?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_body(Some(JsValue::from_str(&body)));
        let req = Request::new_with_init("https://health.internal/ask", &init).map_err(err)?;
        let resp = stub.fetch_with_request(req).await.map_err(err)?;
        if resp.status_code() != 200 {
            return Err(format!("health object answered {}", resp.status_code()));
        }
        crate::object_json::reply::<Answer>(resp).await
    };
    futures_util::pin_mut!(exchange);
    match select(exchange, Delay::from(ASK_TIMEOUT)).await {
        Either::Left((answer, _)) => answer,
        Either::Right(((), _)) => Err("health object timed out".into()),
    }
}

struct Cached {
    mode: Mode,
    provider: Provider,
    health: ProviderHealth,
    allowed: bool,
    until_ms: i64,
}

thread_local! {
    /// The last answer per provider and mode in this isolate (at most four entries).
    static CACHE: RefCell<Vec<Cached>> = const { RefCell::new(Vec::new()) };
}

fn cached(mode: Mode, provider: Provider) -> Option<(ProviderHealth, bool)> {
    let now = now_ms();
    CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|e| e.mode == mode && e.provider == provider && now < e.until_ms)
            .map(|e| (e.health, e.allowed))
    })
}

fn remember(mode: Mode, provider: Provider, summary: &Summary, allowed: bool) {
    let until_ms = now_ms().saturating_add(CACHE_MS);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|e| !(e.mode == mode && e.provider == provider));
        c.push(Cached {
            mode,
            provider,
            health: summary.routing(),
            allowed,
            until_ms,
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_are_per_provider_and_mode() {
        assert_eq!(object_name(Provider::Bkash, Mode::Test), "health:bkash:test");
        assert_eq!(object_name(Provider::Nagad, Mode::Live), "health:nagad:live");
    }

    #[test]
    fn asks_and_answers_have_a_stable_wire_form() {
        let e = Envelope {
            provider: Provider::Bkash,
            mode: Mode::Test,
            ask: Ask::Permit,
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({ "provider": "bkash", "mode": "test", "ask": { "kind": "permit" } })
        );
        let back: Envelope = serde_json::from_value(json!({
            "provider": "nagad", "mode": "live",
            "ask": { "kind": "record", "calls": [{ "provider": "nagad", "failed": true, "latency_ms": 5, "at_ms": 9 }] }
        }))
        .unwrap();
        assert!(matches!(back.ask, Ask::Record { ref calls } if calls.len() == 1 && calls[0].failed));
    }
}
