//! The "runtime calls alone" side of make bench's step 5: for each route, the calls into the
//! runtime that the edge makes for it (counted by `scripts/profile-edge.mjs --count`), each
//! with a trivial payload and nothing of ours between them: a Durable Object per payment (one
//! more for provider health, one for webhooks on the return), D1 batches of `SELECT ?1`,
//! storage puts of a small record, alarms, and outbound fetches to the sandbox. Ours minus this
//! side is what our own code costs between those calls (routing, JSON, records, crypto, SQL
//! beyond a bare statement); this side minus the empty worker is what the calls themselves
//! cost. docs/performance.md, step 5, says how the counts were taken and what they leave out.

use serde::{Deserialize, Serialize};
use std::cell::Cell;
use wasm_bindgen::JsValue;
use worker::{
    durable_object, D1Database, DurableObject, Env, Fetch, Method, Request, RequestInit, Response, Result, State,
};

/// A stand-in for a payment record: small, so its size costs nothing of ours.
#[derive(Serialize, Deserialize)]
struct Record {
    id: String,
    status: String,
}

/// Where a payment's calls go: the object named after it (`/create` names a new one), sent as
/// the edge sends its commands (a POST `Request` with a small JSON body).
pub async fn send(env: &Env, name: &str, command: &str) -> Result<Response> {
    let stub = env.durable_object("TWIN")?.id_from_name(name)?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(JsValue::from_str("{\"command\":\"bench\"}")));
    let req = Request::new_with_init(&format!("https://twin/{command}"), &init)?;
    stub.fetch_with_request(req).await
}

/// `n` bare statements in one D1 batch.
async fn batch(db: &D1Database, n: usize) -> Result<()> {
    let statements = (0..n)
        .map(|i| db.prepare("SELECT ?1 AS v").bind(&[JsValue::from(i as f64)]))
        .collect::<Result<Vec<_>>>()?;
    db.batch(statements).await.map(|_| ())
}

#[durable_object]
pub struct Twin {
    state: State,
    env: Env,
    /// Whether this instance holds its record, as the payment object caches its own.
    cached: Cell<bool>,
}

impl DurableObject for Twin {
    fn new(state: State, env: Env) -> Self {
        Twin {
            state,
            env,
            cached: Cell::new(false),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let url = req.url()?;
        match url.path().trim_start_matches('/') {
            // The payment object answers a status from its cached record, reading storage
            // only when the instance is new.
            "status" => {
                self.load().await?;
                Response::ok("{\"status\":\"pending\"}")
            }
            "create" => {
                let _: Option<Record> = self.state.storage().get("payment").await?;
                self.put().await?;
                batch(&self.db()?, 3).await?;
                self.put().await?;
                self.alarm_later().await?;
                Ok(Response::ok("{}")?.with_status(201))
            }
            // Made before timing (as ours' payments exist before their confirms are timed).
            "prime" => {
                self.put().await?;
                Response::ok("{}")
            }
            "confirm/bkash" => self.confirm(1, 5).await,
            "confirm/nagad" => self.confirm(2, 6).await,
            "return" => {
                self.load().await?;
                let _ = self.state.storage().get_alarm().await?;
                batch(&self.db()?, 5).await?;
                self.put().await?;
                self.outbound().await?;
                self.put().await?;
                batch(&self.db()?, 4).await?;
                batch(&self.db()?, 5).await?;
                send(&self.env, "health:bkash", "health").await?;
                send(&self.env, "webhooks:merchant", "webhooks").await?;
                self.outbound().await?;
                self.put().await?;
                self.put().await?;
                self.alarm_later().await?;
                Response::ok("{}")
            }
            "health" => Response::ok("{}"),
            "webhooks" => {
                self.state.storage().delete_alarm().await?;
                Response::ok("{}")
            }
            _ => Response::error("unknown twin command", 404),
        }
    }
}

impl Twin {
    fn db(&self) -> Result<D1Database> {
        self.env.d1("DB")
    }

    async fn load(&self) -> Result<()> {
        if !self.cached.get() {
            let _: Option<Record> = self.state.storage().get("payment").await?;
            self.cached.set(true);
        }
        Ok(())
    }

    async fn put(&self) -> Result<()> {
        let r = Record {
            id: "pay_000000000000000000000000".to_owned(),
            status: "pending".to_owned(),
        };
        self.state.storage().put("payment", r).await?;
        self.cached.set(true);
        Ok(())
    }

    /// An alarm an hour away: set as the payment object sets its next check, never due in a run.
    async fn alarm_later(&self) -> Result<()> {
        self.state
            .storage()
            .set_alarm(std::time::Duration::from_secs(3600))
            .await
    }

    /// A confirm: the reads in one batch, the record stored "in flight", the provider called
    /// (`fetches` times), stored, the ledger's batch (`ledger` statements), health told, stored
    /// with the outbox cleared, the alarm set.
    async fn confirm(&self, fetches: usize, ledger: usize) -> Result<Response> {
        self.load().await?;
        batch(&self.db()?, 4).await?;
        self.put().await?;
        for _ in 0..fetches {
            self.outbound().await?;
        }
        self.put().await?;
        batch(&self.db()?, ledger).await?;
        send(&self.env, "health:provider", "health").await?;
        self.put().await?;
        self.alarm_later().await?;
        Response::ok("{}")
    }

    /// One call out to the sandbox (`BENCH_OUTBOUND_URL`, a cheap GET), sent as ours sends a
    /// provider call (a `Request`, then `Fetch::Request`).
    async fn outbound(&self) -> Result<()> {
        let url = self.env.var("BENCH_OUTBOUND_URL")?.to_string();
        let req = Request::new(&url, Method::Get)?;
        let mut resp = Fetch::Request(req).send().await?;
        let _ = resp.bytes().await?;
        Ok(())
    }
}
