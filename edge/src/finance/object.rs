//! `ReconObject`: the Durable Object (binding `RECONCILIATIONS`) that owns one merchant's
//! Dhaka day in one mode, named `recon:<merchant>:<mode>:<day>`. Runs of that day happen one
//! at a time inside it (an API run and the nightly one never overlap), and the nightly job
//! only schedules it: the run happens on the object's alarm, retried with backoff, so one
//! merchant's failure never stops another's and a second schedule runs the day again safely.

use std::time::Duration;

use futures_util::lock::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::json;
use wasm_bindgen::JsValue;
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, State};

use super::day::Day;
use super::run;
use crate::log;
use crate::providers::Mode;

pub const BINDING: &str = "RECONCILIATIONS";
const KEY: &str = "scheduled";
/// Tries of a scheduled run before it is left to the next night (1, 2, 4, 8, 16 minutes apart).
const MAX_TRIES: u32 = 6;

#[derive(Clone, Serialize, Deserialize)]
pub struct Ask {
    pub merchant_id: String,
    pub mode: Mode,
    pub day: String,
    /// Run now and answer the report, or only schedule a run on the alarm.
    pub now: bool,
}

#[derive(Serialize, Deserialize)]
struct Scheduled {
    ask: Ask,
    tries: u32,
}

#[durable_object]
pub struct ReconObject {
    state: State,
    env: Env,
    running: Mutex<()>,
}

impl DurableObject for ReconObject {
    fn new(state: State, env: Env) -> Self {
        ReconObject {
            state,
            env,
            running: Mutex::new(()),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let Ok(ask) = req.json::<Ask>().await else {
            return Response::error("bad ask", 400);
        };
        if !ask.now {
            self.state.storage().put(KEY, &Scheduled { ask, tries: 0 }).await?;
            self.state.storage().set_alarm(Duration::from_millis(10)).await?;
            return Response::ok("scheduled");
        }
        match self.run(&ask).await {
            Ok(report) => Response::from_json(&report),
            Err(cause) => Response::error(cause, 500),
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let Some(mut s) = self.state.storage().get::<Scheduled>(KEY).await.ok().flatten() else {
            return Response::ok("");
        };
        match self.run(&s.ask).await {
            Ok(_) => {
                self.state.storage().delete(KEY).await?;
            }
            Err(cause) => {
                s.tries += 1;
                let fields =
                    json!({ "merchant": s.ask.merchant_id, "day": s.ask.day, "tries": s.tries, "cause": cause });
                if s.tries >= MAX_TRIES {
                    log::error("reconciliation_given_up", &fields);
                    self.state.storage().delete(KEY).await?;
                } else {
                    log::warn("reconciliation_retry", &fields);
                    self.state.storage().put(KEY, &s).await?;
                    let wait = 60_000u64 << (s.tries - 1).min(4);
                    self.state.storage().set_alarm(Duration::from_millis(wait)).await?;
                }
            }
        }
        Response::ok("")
    }
}

impl ReconObject {
    async fn run(&self, ask: &Ask) -> Result<serde_json::Value, String> {
        let day = Day::parse(&ask.day).map_err(|_| format!("bad day {}", ask.day))?;
        let _one_at_a_time = self.running.lock().await;
        run::day(&self.env, &ask.merchant_id, ask.mode, &day).await
    }
}

/// Sends `ask` to the day's object; the report when `ask.now`, else `Null` once scheduled.
pub async fn send(env: &Env, ask: &Ask) -> Result<serde_json::Value, String> {
    let err = |e: worker::Error| e.to_string();
    let name = format!("recon:{}:{}:{}", ask.merchant_id, ask.mode.as_str(), ask.day);
    let stub = env
        .durable_object(BINDING)
        .map_err(err)?
        .id_from_name(&name)
        .map_err(err)?
        .get_stub()
        .map_err(err)?;
    let body = serde_json::to_string(ask).map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(JsValue::from_str(&body)));
    let req = Request::new_with_init("https://recon.internal/run", &init).map_err(err)?;
    let mut resp = stub.fetch_with_request(req).await.map_err(err)?;
    if resp.status_code() != 200 {
        return Err(resp
            .text()
            .await
            .unwrap_or_else(|_| format!("HTTP {}", resp.status_code())));
    }
    if ask.now {
        resp.json().await.map_err(err)
    } else {
        Ok(serde_json::Value::Null)
    }
}
