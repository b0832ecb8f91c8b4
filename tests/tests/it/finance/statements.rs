//! Bad statements and bad finance requests get a clear 4xx in the contract's error format and
//! leave nothing half-written: an unknown layout, a malformed line (named), a wrong media
//! type, a future day, an unknown provider, a read-only key uploading.

use serde_json::Value;

use super::{today, Shop};

const HEADER: &str =
    "type,trx_id,payment_id,invoice,amount,fee,net,settlement_date,completed_time,original_trx_id,wallet";

#[tokio::test]
async fn bad_statements_are_refused_naming_the_line_and_nothing_is_kept() {
    let shop = Shop::new("Bad Statement Shop").await;
    let day = today();
    let error = |body: &Value| body["error"]["message"].as_str().unwrap_or_default().to_owned();

    let (status, body) = shop.upload("bkash", &day, "when,what,how much\r\n1,2,3\r\n").await;
    assert_eq!(status, 400, "{body}");
    assert!(error(&body).contains("line 1"), "{body}");

    let bad_amount = format!("{HEADER}\r\npayment,ABC1234567,TR1,pay_x,12.3.4,0.00,0.00,2026-01-01,2026-01-01T10:00:00 GMT+0600,,01XX8575\r\n");
    let (status, body) = shop.upload("bkash", &day, &bad_amount).await;
    assert_eq!(status, 400, "{body}");
    assert!(error(&body).contains("line 2"), "{body}");
    assert_eq!(body["error"]["code"], "invalid_request");

    let (status, _) = shop.get(&format!("/v1/statements/bkash/{day}")).await;
    assert_eq!(status, 404, "nothing was kept");

    let r = shop
        .s
        .http
        .put(shop.s.edge_url(&format!("/v1/statements/bkash/{day}")))
        .bearer_auth(&shop.key)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert_eq!(shop.upload("bkash", "2099-01-01", HEADER).await.0, 400);
    assert_eq!(shop.upload("bkash", "2026-02-30", HEADER).await.0, 400);
    assert_eq!(shop.upload("upay", &day, HEADER).await.0, 400);
    let (status, _) = shop
        .call(reqwest::Method::POST, "/v1/reconciliation/2099-01-01/run", None)
        .await;
    assert_eq!(status, 400);
    let (status, _) = shop.get("/v1/reconciliation?from=2026-01-01&to=2026-12-31").await;
    assert_eq!(status, 400, "at most 92 days");
    let (status, _) = shop.get(&format!("/v1/reconciliation/{day}")).await;
    assert_eq!(status, 404);

    // A header-only statement is a valid empty day.
    let (status, held) = shop.upload("bkash", &day, &format!("{HEADER}\r\n")).await;
    assert_eq!((status, held["lines"].as_u64()), (200, Some(0)), "{held}");
}
