//! `HealthObject`: the Durable Object (binding `HEALTH`, one per provider and mode, named
//! `health:<provider>:<mode>`) that holds one provider's breaker. Each ask is judged in
//! memory without an await between reading and changing the state, then stored; a transition
//! is stored as unannounced in the same write and announced on the object's alarm
//! (`health::announce`), which retries until the ledger has it. Deterministic event ids make
//! a repeated announcement insert nothing: each transition reaches each merchant once.

use std::cell::RefCell;
use std::time::Duration;

use bdpay_shared::health::{cooldown_ms, Health, HealthState, Permit, Transition};
use bdpay_shared::provider::Provider;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use super::{announce, Answer, Ask, Envelope};
use crate::clock::now_ms;
use crate::log;
use crate::providers::Mode;

const KEY: &str = "health";
/// A failed announcement is tried again this much later.
const ANNOUNCE_RETRY: Duration = Duration::from_secs(30);
/// The most transitions kept waiting for the ledger (the oldest go first).
const MAX_UNANNOUNCED: usize = 50;

/// What the object stores.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Stored {
    provider: Provider,
    mode: Mode,
    health: Health,
    /// Transitions the ledger does not have yet (oldest first).
    #[serde(default)]
    unannounced: Vec<Transition>,
}

#[durable_object]
pub struct HealthObject {
    state: State,
    env: Env,
    held: RefCell<Option<Stored>>,
}

impl DurableObject for HealthObject {
    fn new(state: State, env: Env) -> Self {
        HealthObject {
            state,
            env,
            held: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let Ok(envelope) = crate::object_json::command::<Envelope>(&mut req).await else {
            return Response::error("bad ask", 400);
        };
        let created = self.load(Some((envelope.provider, envelope.mode))).await?;
        let now = now_ms();
        let cooldown = cooldown_ms(
            self.env
                .var("BDPAY_BREAKER_COOLDOWN_SECS")
                .ok()
                .map(|v| v.to_string())
                .as_deref(),
        );
        // Judged and changed in memory with no await in between: the next ask sees it all.
        let judged = {
            let mut held = self.held.borrow_mut();
            held.as_mut().map(|s| {
                let mut moves: Vec<Transition> = s.health.refresh(now).into_iter().collect();
                let (asked, wrote) = match envelope.ask {
                    Ask::Record { calls } => {
                        let calls: Vec<_> = calls.into_iter().filter(|c| c.provider == s.provider).collect();
                        moves.extend(s.health.record(&calls, now, cooldown));
                        (None, !calls.is_empty())
                    }
                    Ask::Permit => {
                        let p = s.health.permit(now, cooldown);
                        (Some(p), p == Permit::Probe)
                    }
                    Ask::Snapshot => (None, false),
                };
                // Not asked to permit: say what a caller may do without taking the probe.
                let permit = asked.unwrap_or(if s.health.state() == HealthState::Down {
                    Permit::Refused
                } else {
                    Permit::Allowed
                });
                s.unannounced.extend(moves.iter().copied());
                // Only a ledger down for days with a flapping provider gets here: keep the newest.
                let extra = s.unannounced.len().saturating_sub(MAX_UNANNOUNCED);
                s.unannounced.drain(..extra);
                let answer = Answer {
                    permit,
                    summary: s.health.summary(now),
                };
                let write = (created || wrote || !moves.is_empty()).then(|| s.clone());
                (answer, write, moves, s.provider, s.mode)
            })
        };
        let Some((answer, write, moves, provider, mode)) = judged else {
            return Response::error("no state", 500);
        };
        if let Some(s) = write {
            self.state.storage().put(KEY, &s).await?;
        }
        for t in &moves {
            let fields = json!({
                "provider": provider.as_str(), "mode": mode.as_str(), "from": t.from, "to": t.to,
                "seq": t.seq, "success_bp": t.success_bp, "p50_ms": t.p50_ms,
            });
            if t.to == HealthState::Up {
                log::info("provider_health_moved", &fields);
            } else {
                log::warn("provider_health_moved", &fields);
            }
        }
        if !moves.is_empty() {
            self.state.storage().set_alarm(Duration::from_millis(50)).await?;
        }
        Response::from_json(&answer)
    }

    /// Announces unannounced transitions; on failure, again in 30 s.
    async fn alarm(&self) -> worker::Result<Response> {
        self.load(None).await?;
        let pending = self
            .held
            .borrow()
            .as_ref()
            .map(|s| (s.provider, s.mode, s.unannounced.clone()));
        let Some((provider, mode, moves)) = pending else {
            return Response::ok("");
        };
        if moves.is_empty() {
            return Response::ok("");
        }
        match announce::announce(&self.env, provider, mode, &moves).await {
            Ok(()) => {
                let write = {
                    let mut held = self.held.borrow_mut();
                    held.as_mut().map(|s| {
                        s.unannounced.retain(|t| !moves.iter().any(|m| m.seq == t.seq));
                        s.clone()
                    })
                };
                if let Some(s) = write {
                    self.state.storage().put(KEY, &s).await?;
                }
            }
            Err(cause) => {
                log::warn(
                    "provider_health_announce_deferred",
                    &json!({ "provider": provider.as_str(), "mode": mode.as_str(), "cause": cause }),
                );
                self.state.storage().set_alarm(ANNOUNCE_RETRY).await?;
            }
        }
        Response::ok("")
    }
}

impl HealthObject {
    /// Brings the stored state into memory once; with `fresh` (provider, mode) a new object
    /// starts up. `Ok(true)` when it was just created (and must be stored).
    async fn load(&self, fresh: Option<(Provider, Mode)>) -> worker::Result<bool> {
        if self.held.borrow().is_some() {
            return Ok(false);
        }
        let stored = match self.state.storage().get::<Stored>(KEY).await {
            Ok(s) => s,
            Err(e) => {
                // Unreadable (an older layout): start afresh rather than answer nothing.
                log::error("provider_health_unreadable", &json!({ "cause": e.to_string() }));
                None
            }
        };
        // Another ask may have loaded it while this one waited on storage.
        if self.held.borrow().is_some() {
            return Ok(false);
        }
        let (s, created) = match (stored, fresh) {
            (Some(s), _) => (s, false),
            (None, Some((provider, mode))) => (
                Stored {
                    provider,
                    mode,
                    health: Health::new(now_ms()),
                    unannounced: Vec::new(),
                },
                true,
            ),
            (None, None) => return Ok(false),
        };
        *self.held.borrow_mut() = Some(s);
        Ok(created)
    }
}
