//! Compliance fields: above the merchant's threshold the confirm must carry the shopper's NID
//! and an alternate phone; both are checked, kept sealed, masked in every view and in the
//! ledger (the provider's request has no place for them). The tax line is computed on each payment.

use serde_json::json;

use super::fresh_phone;
use crate::finance::Shop;

#[tokio::test]
async fn above_the_threshold_the_nid_and_alternate_phone_are_required_and_masked() {
    let shop = Shop::new("Risk compliance").await;
    shop.settings(
        json!({ "compliance_from": "5000.00", "risk": { "new_customer_max": null },
                          "tax": { "vat_bp": 1500, "withholding_bp": 500 } }),
    )
    .await;
    let body = json!({ "order_id": bdpay_tests::Stack::order_id("nid"), "amount": "11500.00" });
    let (_, p) = shop.call(reqwest::Method::POST, "/v1/payments", Some(body)).await;
    assert_eq!(p["tax"], json!({ "vat": "1500.00", "withholding": "500.00" }), "{p}");
    let (id, secret) = (p["id"].as_str().unwrap(), p["client_secret"].as_str().unwrap());
    let s = shop.widget_status(id, secret).await;
    assert_eq!(s["compliance"], json!({ "nid": true, "alt_phone": true }), "{s}");

    let phone = fresh_phone();
    let (status, e, _) = shop
        .confirm_raw(
            id,
            secret,
            json!({ "provider": "nagad", "customer_phone": phone }),
            None,
        )
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{e}"
    );
    assert!(e["error"]["message"].as_str().unwrap().contains("nid"), "{e}");
    let (status, e, _) = shop
        .confirm_raw(
            id,
            secret,
            json!({ "provider": "nagad", "customer_phone": phone,
                                         "nid": "12345", "alt_phone": fresh_phone() }),
            None,
        )
        .await;
    assert_eq!(status, 400, "a 5-digit NID: {e}");
    let nid = "1990123456789";
    let alt = fresh_phone();
    let (status, ok, _) = shop
        .confirm_raw(
            id,
            secret,
            json!({ "provider": "nagad", "customer_phone": phone,
                                         "nid": nid, "alt_phone": alt }),
            None,
        )
        .await;
    assert_eq!(status, 200, "{ok}");
    let p = shop.payment(id).await;
    let shown = p.to_string();
    assert!(!shown.contains(nid) && !shown.contains(&alt), "{shown}");
    assert!(p["compliance"]["nid"].as_str().unwrap().ends_with("6789"), "{p}");
    assert_eq!(p["compliance"]["alt_phone"], format!("01XX{}", &alt[7..]));
    assert!(shop.widget_status(id, secret).await["compliance"].is_null());
    let row = bdpay_tests::d1(&format!("SELECT * FROM payment_checkout WHERE payment_id = '{id}'"));
    let text = serde_json::to_string(&row).unwrap();
    assert!(!text.contains(nid) && !text.contains(&alt), "{text}");
    assert_eq!(row[0]["vat_poisha"], 150_000);
    assert_eq!(row[0]["withholding_poisha"], 50_000);
}
