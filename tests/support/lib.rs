//! What the integration tests and benches share: where the running stack is, and an HTTP
//! client. `make test` starts the sandbox and the worker (`wrangler dev`) and sets
//! `BDPAY_EDGE_URL` / `BDPAY_SANDBOX_URL`; run alone, these tests say how to start them.

use std::time::Duration;

/// The running stack under test.
#[derive(Clone, Debug)]
pub struct Stack {
    pub edge: String,
    pub sandbox: String,
    pub http: reqwest::Client,
}

impl Stack {
    /// From the environment `make test` sets. Panics (in tests only) with the fix when unset.
    #[allow(clippy::panic)]
    pub fn from_env() -> Stack {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!("{name} is not set: run the integration tests with `make test`, which starts the sandbox and the worker")
            })
        };
        Stack { edge: var("BDPAY_EDGE_URL"), sandbox: var("BDPAY_SANDBOX_URL"), http: client() }
    }

    pub fn edge_url(&self, path: &str) -> String {
        format!("{}{}", self.edge, path)
    }

    pub fn sandbox_url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox, path)
    }
}

/// A client that never follows redirects (tests look at each one) and never waits forever.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap_or_default()
}
