//! Faults on demand (Nagad's ops), the hanging test wallet, and the server-to-server hint.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::RawQuery;
use axum::routing::get;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn each_fault_kind_answers_as_nagads_side_would() {
    let n = start().await;
    let init = n.initialize().await;
    let verify = n.api(&format!("/verify/payment/{}", init.reference));
    n.fault("verify", json!({"kind": "status", "status": 502})).await;
    assert_eq!(
        reason(n.http.get(&verify).send().await.unwrap()).await,
        (502, "16_0006_075".into())
    );
    n.fault("verify", json!({"kind": "code", "code": "16_0006_075"})).await;
    assert_eq!(
        reason(n.http.get(&verify).send().await.unwrap()).await,
        (400, "16_0006_075".into())
    );
    n.fault("verify", json!({"kind": "down"})).await;
    let r = n.http.get(&verify).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(
        r.text().await.unwrap().contains("<html>"),
        "a proxy's page, not Nagad JSON"
    );
    n.fault("verify", json!({"kind": "hang"})).await;
    let t = Instant::now();
    assert_eq!(n.http.get(&verify).send().await.unwrap().status(), 504);
    assert!(t.elapsed() >= Duration::from_millis(300), "hangs for Config::hang");
    n.fault("initialize", json!({"kind": "latency", "ms": 200})).await;
    let t = Instant::now();
    n.initialize().await;
    assert!(t.elapsed() >= Duration::from_millis(200));
    n.fault("complete", json!({"kind": "status", "status": 500})).await;
    let r = n.complete_raw(&init.reference, &n.complete_plain(&init, "10.00")).await;
    assert_eq!(reason(r).await, (500, "16_0006_075".into()));
    assert_eq!(
        n.status(&init.reference).await,
        "OrderInitiated",
        "a faulted call changes nothing"
    );
}

#[tokio::test]
async fn a_page_fault_with_a_code_fails_the_payment_with_it() {
    let n = start().await;
    let (_, page) = n.order("10.00").await;
    n.to_pin(&page, "01711000001").await;
    n.fault("page", json!({"kind": "code", "code": "50_0026_999"})).await;
    let r = redirect(n.post(&format!("{page}/pin"), &[("pin", "1234")]).await);
    assert_eq!(r.status_code.as_deref(), Some("50_0026_999"));
    n.fault("page", json!({"kind": "down"})).await;
    assert_eq!(n.get(&page).await.0, 503);
}

#[tokio::test]
async fn wallet_504_makes_the_first_verify_hang_then_answers_success() {
    let n = start().await;
    let (init, page) = n.order("10.00").await;
    assert_eq!(
        n.pay(&page, "01711000504").await.status_code.as_deref(),
        Some("00_0000_000")
    );
    let t = Instant::now();
    assert_eq!(n.status(&init.reference).await, "Success");
    assert!(t.elapsed() >= Duration::from_millis(300), "first verify hangs");
    let t = Instant::now();
    assert_eq!(n.status(&init.reference).await, "Success");
    assert!(t.elapsed() < Duration::from_millis(300), "only once");
}

/// A merchant endpoint that records the hints' query strings.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let h = hits.clone();
    let app = axum::Router::new().route(
        "/ipn/nagad",
        get(move |RawQuery(q): RawQuery| {
            let h = h.clone();
            async move {
                h.lock().unwrap().push(q.unwrap_or_default());
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ipn/nagad?src=sandbox", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hits)
}

async fn wait_for(hits: &Arc<Mutex<Vec<String>>>, n: usize) -> Vec<String> {
    for _ in 0..50 {
        if hits.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    hits.lock().unwrap().clone()
}

#[tokio::test]
async fn the_server_to_server_hint_carries_the_redirects_params() {
    let (url, hits) = receiver().await;
    let n = start_with(|c| c.nagad_ipn_url = Some(url)).await;
    let (init, page) = n.order("10.00").await;
    n.pay(&page, "01711000001").await;
    let got = wait_for(&hits, 1).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].starts_with("src=sandbox&merchant=683002007104225&order_id="));
    assert!(
        got[0].contains(&format!("payment_ref_id={}", encode(&init.reference))) && got[0].contains("status=Success")
    );

    n.fault("ipn", json!({"kind": "webhook_duplicate"})).await;
    let (_, page) = n.order("10.00").await;
    n.pay(&page, "01711000002").await;
    assert_eq!(wait_for(&hits, 3).await.len(), 3, "sent twice");

    n.fault("ipn", json!({"kind": "webhook_drop"})).await;
    let (init, page) = n.order("10.00").await;
    n.to_pin(&page, "01711000001").await;
    redirect(n.post(&format!("{page}/cancel"), &[]).await);
    assert_eq!(wait_for(&hits, 4).await.len(), 3, "dropped");
    let dropped = n.sandbox.ledger.entries(None, Some("ipn"), Some(&init.reference));
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].outcome, "dropped");
}
