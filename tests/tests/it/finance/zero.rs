//! A day of bKash and Nagad payments and refunds reconciles to zero difference, from the
//! statements the merchant uploads; the report reads back as JSON and as CSV.

use bdpay_tests::Stack;
use serde_json::json;

use super::{items, today, Shop};

#[tokio::test]
async fn a_day_of_payments_and_refunds_reconciles_to_zero_difference() {
    let mut shop = Shop::new("Zero Day Shop").await;
    let day = today();
    let b1 = shop.pay("bkash", &Stack::amount(1250), "01770618575", json!({})).await;
    let _b2 = shop.pay("bkash", &Stack::amount(730), "01929918378", json!({})).await;
    let n1 = shop.pay("nagad", &Stack::amount(980), "01711000001", json!({})).await;
    let _n2 = shop.pay("nagad", &Stack::amount(415), "01711000001", json!({})).await;
    shop.refund(&b1, "250.00").await;
    shop.refund(&n1, "100.00").await;

    // Before any statement: the day is incomplete (money in the ledger, no statement).
    let report = shop.run(&day).await;
    assert_eq!(report["status"], "incomplete", "{report}");
    assert_eq!(report["statements"]["bkash"], serde_json::Value::Null);

    for provider in ["bkash", "nagad"] {
        let csv = shop.statement(provider, &day).await;
        assert_eq!(csv.lines().count(), 4, "header, two payments, one refund: {csv}");
        let (status, held) = shop.upload(provider, &day, &csv).await;
        assert_eq!(status, 200, "{held}");
        assert_eq!(
            (held["source"].as_str(), held["lines"].as_u64()),
            (Some("uploaded"), Some(3))
        );
    }
    let report = shop.run(&day).await;
    let summary = &report["summary"];
    assert_eq!(report["status"], "complete", "{report}");
    assert_eq!(summary["matched"], 6, "{report}");
    for kind in [
        "fuzzy_matched",
        "needs_review",
        "missing_at_provider",
        "missing_in_ledger",
        "amount_mismatch",
    ] {
        assert_eq!(summary[kind], 0, "{kind}: {report}");
    }
    assert_eq!(summary["difference"], "0.00");
    assert_eq!(summary["difference_ratio"], "0.0000");
    assert_eq!(summary["ledger_total"], summary["statement_total"]);
    assert_eq!(report["alarm"], false);
    assert_eq!(items(&report, "matched").len(), 6);
    assert!(items(&report, "matched")
        .iter()
        .all(|i| i["confidence"] == 1.0 && i["payment_id"].is_string()));

    // The last report reads back; CSV for finance: a header and one line per item.
    let (status, again) = shop.get(&format!("/v1/reconciliation/{day}")).await;
    assert_eq!((status, &again["summary"]), (200, summary));
    let (status, csv) = shop.get_text(&format!("/v1/reconciliation/{day}?format=csv")).await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("kind,provider,entry,payment_id"), "{csv}");
    assert_eq!(csv.lines().count(), 7);
    let (status, list) = shop.get(&format!("/v1/reconciliation?from={day}&to={day}")).await;
    assert_eq!(status, 200);
    assert_eq!(list["data"][0]["summary"], *summary);

    // What we hold of a statement, and the same file back.
    let (status, held) = shop.get(&format!("/v1/statements/bkash/{day}")).await;
    assert_eq!((status, held["totals"]["payments"].as_u64()), (200, Some(2)));
    let (_, text) = shop.get_text(&format!("/v1/statements/bkash/{day}?format=csv")).await;
    assert_eq!(text, shop.statement("bkash", &day).await);
}
