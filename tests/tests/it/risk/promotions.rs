//! Promotions: each wallet's offer in the widget's status, the one applied recorded on the
//! payment (cashback on a 9,000 taka Nagad payment is Tk 45.00), and in the ledger's row.

use serde_json::json;

use super::fresh_phone;
use crate::finance::Shop;

#[tokio::test]
async fn cashback_is_offered_and_recorded_on_a_9000_taka_nagad_payment() {
    let shop = Shop::new("Risk cashback").await;
    shop.settings(json!({ "risk": { "new_customer_max": null } })).await;
    let t = shop
        .try_pay(
            "9000.00",
            json!({ "provider": "nagad", "customer_phone": fresh_phone() }),
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.answer);
    assert_eq!(t.answer["offer"], json!({ "kind": "cashback", "amount": "45.00" }));
    let s = shop.widget_status(&t.id, &t.secret).await;
    assert_eq!(
        s["offers"],
        json!({ "nagad": { "kind": "cashback", "amount": "45.00" } }),
        "{s}"
    );
    let p = shop.payment(&t.id).await;
    assert_eq!(
        p["promotion"],
        json!({ "provider": "nagad", "kind": "cashback", "amount": "45.00" }),
        "{p}"
    );
    assert_eq!(p["cashback"], "45.00");
    let row = bdpay_tests::d1(&format!(
        "SELECT promotion_kind, cashback_poisha FROM payment_checkout WHERE payment_id = '{}'",
        t.id
    ));
    assert_eq!(row[0]["promotion_kind"], "cashback");
    assert_eq!(row[0]["cashback_poisha"], 4500);

    // A small payment: bKash's commission-free offer, Nagad none.
    let small = shop
        .try_pay(
            "1200.00",
            json!({ "provider": "bkash", "customer_phone": fresh_phone() }),
        )
        .await;
    let s = shop.widget_status(&small.id, &small.secret).await;
    assert_eq!(
        s["offers"],
        json!({ "bkash": { "kind": "commission_free", "amount": "1200.00" } }),
        "{s}"
    );
    let p = shop.payment(&small.id).await;
    assert_eq!(p["cashback"], "0.00");
    assert_eq!(p["promotion"]["kind"], "commission_free");
    // A merchant without promotions offers nothing.
    shop.settings(json!({ "promotions": [] })).await;
    let s = shop.widget_status(&small.id, &small.secret).await;
    assert_eq!(s["offers"], json!({}), "{s}");
}
