//! `bdpay-admin`: onboarding from an operator's shell. Creates merchants, issues and revokes
//! their API keys, sets their own bKash and Nagad credentials and their manual-transfer
//! wallets, through the edge's admin API (Bearer `BDPAY_ADMIN_TOKEN`). Prints the edge's JSON answer; an issued key appears
//! once, in that answer; a credential never appears at all (only its account part).

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
    let request = match request(command) {
        Ok(r) => r,
        Err(why) => {
            eprintln!("{why}");
            return ExitCode::from(2);
        }
    };
    match send(&edge, &token, request).await {
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

/// One call of the admin API.
struct Call {
    method: reqwest::Method,
    path: String,
    body: Option<Value>,
}

fn call(method: reqwest::Method, path: String, body: Option<Value>) -> Call {
    Call { method, path, body }
}

fn mode(live: bool) -> &'static str {
    if live {
        "live"
    } else {
        "test"
    }
}

/// A secret from the environment (never an argument: shell history, `ps`).
fn secret_env(name: &str) -> Result<String, String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("{name} is not set: export it (it is never taken as an argument)"))
}

fn read_file(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// What `command` asks of the edge. `Err`: a local problem (a secret or file missing).
fn request(command: args::Command) -> Result<Call, String> {
    use args::Command as C;
    use reqwest::Method;
    Ok(match command {
        C::CreateMerchant { name, id } => call(
            Method::POST,
            "/admin/merchants".into(),
            Some(match id {
                Some(id) => json!({ "name": name, "id": id }),
                None => json!({ "name": name }),
            }),
        ),
        C::ListMerchants => call(Method::GET, "/admin/merchants".into(), None),
        C::IssueKey {
            merchant,
            live,
            read_only,
            key,
        } => {
            let mut body = json!({ "mode": mode(live), "read_only": read_only });
            if let Some(key) = key {
                body["key"] = json!(key);
            }
            call(Method::POST, format!("/admin/merchants/{merchant}/keys"), Some(body))
        }
        C::RevokeKey { id } => call(Method::POST, format!("/admin/keys/{id}/revoke"), None),
        C::SetCredentials {
            merchant,
            live,
            provider,
        } => {
            let (name, body) = match provider {
                args::Provider::Bkash { username, app_key } => (
                    "bkash",
                    json!({ "mode": mode(live), "username": username, "app_key": app_key,
                            "password": secret_env("BKASH_PASSWORD")?,
                            "app_secret": secret_env("BKASH_APP_SECRET")? }),
                ),
                args::Provider::Nagad {
                    merchant_id,
                    private_key_file,
                    pg_public_key_file,
                } => (
                    "nagad",
                    json!({ "mode": mode(live), "merchant_id": merchant_id,
                            "merchant_private_key": read_file(&private_key_file)?,
                            "pg_public_key": read_file(&pg_public_key_file)? }),
                ),
            };
            call(
                Method::PUT,
                format!("/admin/merchants/{merchant}/credentials/{name}"),
                Some(body),
            )
        }
        C::ListCredentials { merchant } => call(Method::GET, format!("/admin/merchants/{merchant}/credentials"), None),
        C::RemoveCredentials {
            merchant,
            live,
            provider,
        } => call(
            Method::DELETE,
            format!("/admin/merchants/{merchant}/credentials/{provider}?mode={}", mode(live)),
            None,
        ),
        C::SetManualTransfer {
            merchant,
            mode,
            bkash,
            nagad,
        } => call(
            Method::PUT,
            format!("/admin/merchants/{merchant}/manual_transfer"),
            Some(json!({ "mode": mode, "bkash": bkash, "nagad": nagad })),
        ),
        C::SetAlerts { merchant, sms } => call(
            Method::PUT,
            format!("/admin/merchants/{merchant}/alerts"),
            Some(json!({ "sms": sms })),
        ),
        C::SetFinance {
            merchant,
            live,
            bkash_statement_url,
            nagad_statement_url,
            nagad_settlement,
        } => call(
            Method::PUT,
            format!("/admin/merchants/{merchant}/finance"),
            Some(json!({
                "mode": mode(live),
                "statement_urls": { "bkash": bkash_statement_url, "nagad": nagad_statement_url },
                "nagad_settlement": nagad_settlement,
            })),
        ),
    })
}

async fn send(edge: &str, token: &str, c: Call) -> Result<(u16, Value), reqwest::Error> {
    let http = reqwest::Client::new();
    let url = format!("{}{}", edge.trim_end_matches('/'), c.path);
    let mut req = http.request(c.method, url).bearer_auth(token);
    if let Some(body) = c.body {
        req = req.json(&body);
    }
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, body))
}
