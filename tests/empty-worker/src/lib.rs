//! make bench's baseline worker: the edge's request shapes (widget status, create, confirm,
//! the bKash return), each answered with a small fixed JSON after what every real request
//! minimally does: read and parse the JSON body (when there is one) and run one trivial D1
//! statement (`SELECT 1`) on the binding `DB`. scripts/bench.sh measures its CPU per request
//! beside the edge's in the same run; docs/performance.md says how.
//!
//! A request carrying `x-bdpay-bench: calls` is answered instead by the route's runtime calls
//! alone (twin.rs): the third side of step 5, in place of the `SELECT 1`.

mod twin;

use worker::{event, Context, Env, Method, Request, Response, Result};

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let url = req.url()?;
    let segments: Vec<String> = url
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let has_body = req.method() == Method::Post;
    let mut body = serde_json::Value::Null;
    if has_body {
        let text = req.text().await?;
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => body = v,
            Err(_) => return Response::error("{\"error\":{\"code\":\"invalid_json\"}}", 400),
        }
    }
    if req.headers().get("x-bdpay-bench")?.as_deref() == Some("calls") {
        return calls(&env, req.method(), &segments, &body).await;
    }
    let one: Option<i64> = env.d1("DB")?.prepare("SELECT 1 AS one").first(Some("one")).await?;
    if one != Some(1) {
        return Response::error("{\"error\":{\"code\":\"internal_error\"}}", 500);
    }
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["healthz"]) => Response::ok("ok"),
        (Method::Post, ["v1", "payments"]) => json(
            201,
            r#"{"id":"pay_000000000000000000000000","client_secret":"pay_000000000000000000000000_secret_0000000000000000","status":"requires_method"}"#,
        ),
        (Method::Post, ["v1", "payments", _, "confirm"]) => {
            json(200, r#"{"redirect_url":"http://127.0.0.1/page","provider":"bkash"}"#)
        }
        (Method::Get, ["v1", "payments", _, "status"]) => json(200, r#"{"status":"pending","amount":"1250.00"}"#),
        (Method::Get, ["v1", "return", _, _]) => {
            let mut r = Response::empty()?.with_status(303);
            r.headers_mut()
                .set("location", "http://shop.example/return?x=1&bdpay_status=succeeded")?;
            Ok(r)
        }
        _ => json(404, r#"{"error":{"code":"not_found"}}"#),
    }
}

/// The route's runtime calls alone (twin.rs), answered with the same status codes.
async fn calls(env: &Env, method: Method, segments: &[&str], body: &serde_json::Value) -> Result<Response> {
    match (method, segments) {
        (Method::Post, ["v1", "payments"]) => {
            // The merchant's key looked up, then a new payment's object.
            let key: Option<String> = env
                .d1("DB")?
                .prepare("SELECT ?1 AS v")
                .bind(&["sk_test_bench".into()])?
                .first(Some("v"))
                .await?;
            let order = body["order_id"].as_str().unwrap_or_default();
            twin::send(env, &format!("{order}:{}", key.unwrap_or_default()), "create").await?;
            json(
                201,
                r#"{"id":"pay_000000000000000000000000","status":"requires_method"}"#,
            )
        }
        (Method::Post, ["v1", "payments", id, "prime"]) => {
            twin::send(env, id, "prime").await?;
            json(200, "{}")
        }
        (Method::Post, ["v1", "payments", id, "confirm"]) => {
            let command = if body["provider"] == "nagad" {
                "confirm/nagad"
            } else {
                "confirm/bkash"
            };
            twin::send(env, id, command).await?;
            json(200, r#"{"redirect_url":"http://127.0.0.1/page","provider":"bkash"}"#)
        }
        (Method::Get, ["v1", "payments", id, "status"]) => {
            twin::send(env, id, "status").await?;
            json(200, r#"{"status":"pending","amount":"1250.00"}"#)
        }
        (Method::Get, ["v1", "return", _, id]) => {
            twin::send(env, id, "return").await?;
            let mut r = Response::empty()?.with_status(303);
            r.headers_mut()
                .set("location", "http://shop.example/return?x=1&bdpay_status=succeeded")?;
            Ok(r)
        }
        _ => json(404, r#"{"error":{"code":"not_found"}}"#),
    }
}

fn json(status: u16, body: &str) -> Result<Response> {
    let mut r = Response::ok(body)?.with_status(status);
    r.headers_mut().set("content-type", "application/json")?;
    Ok(r)
}
