//! `bdpay-admin`: onboarding from an operator's shell. Creates merchants, issues and revokes
//! their API keys through the edge's admin API (Bearer `BDPAY_ADMIN_TOKEN`), and lists them.
//! Prints the edge's JSON answer; an issued key appears once, in that answer.

mod args;

use std::process::ExitCode;

use serde_json::{json, Value};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let command = match args::parse(&argv) {
        Ok(c) => c,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let Ok(token) = std::env::var("BDPAY_ADMIN_TOKEN") else {
        eprintln!("BDPAY_ADMIN_TOKEN is not set (the edge's admin token secret)");
        return ExitCode::from(2);
    };
    let edge = std::env::var("BDPAY_EDGE_URL").unwrap_or_else(|_| "http://127.0.0.1:8787".into());
    match run(&edge, &token, command).await {
        Ok((status, body)) if (200..300).contains(&status) => {
            println!("{}", serde_json::to_string_pretty(&body).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok((status, body)) => {
            eprintln!("the edge answered {status}: {body}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("could not reach the edge at {edge}: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(edge: &str, token: &str, command: args::Command) -> Result<(u16, Value), reqwest::Error> {
    use args::Command as C;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", edge.trim_end_matches('/'));
    let req = match command {
        C::CreateMerchant { name } => http.post(url("/admin/merchants")).json(&json!({ "name": name })),
        C::ListMerchants => http.get(url("/admin/merchants")),
        C::IssueKey {
            merchant,
            live,
            read_only,
        } => http
            .post(url(&format!("/admin/merchants/{merchant}/keys")))
            .json(&json!({ "mode": if live { "live" } else { "test" }, "read_only": read_only })),
        C::RevokeKey { id } => http.post(url(&format!("/admin/keys/{id}/revoke"))),
    };
    let resp = req.bearer_auth(token).send().await?;
    let status = resp.status().as_u16();
    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, body))
}
