//! The hosted page like a browser (B.6, B.12): number → OTP → PIN, each test wallet, wrong
//! PIN ×3, cancel, session timeout, and the status lifecycle verify reports along the way.

use bdpay_shared::wire::nagad::PaymentStatus;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_payment_walks_the_lifecycle_and_redirects_with_b6_params() {
    let n = start().await;
    let (init, page) = n.order("1250.00").await;
    assert_eq!(n.status(&init.reference).await, "Ready");
    let (code, html) = n.get(&page).await;
    assert_eq!(code, 200);
    assert!(
        html.contains("Demo Shop") && html.contains("1,250.00") && html.contains("A0042"),
        "merchant, amount, order"
    );
    assert_eq!(n.status(&init.reference).await, "InProgress");
    n.post(&format!("{page}/number"), &[("number", "01711000001")]).await;
    assert_eq!(n.status(&init.reference).await, "OtpSent");
    n.post(&format!("{page}/otp"), &[("otp", "123456")]).await;
    assert_eq!(n.status(&init.reference).await, "OtpVerified");
    let r = redirect(n.post(&format!("{page}/pin"), &[("pin", "1234")]).await);
    assert_eq!(
        (r.merchant.as_str(), r.order_id.as_str(), r.payment_ref_id.as_str()),
        (MERCHANT, init.order_id.as_str(), init.reference.as_str())
    );
    assert_eq!(r.status, PaymentStatus::Success);
    assert_eq!(r.status_code.as_deref(), Some("00_0000_000"));
    assert_eq!(r.message.as_deref(), Some("Successful Transaction"));
    assert_eq!(r.payment_dt.as_ref().map(String::len), Some(14));
    let v = n.verify(&init.reference).await;
    assert_eq!(v["status"], "Success");
    assert_eq!(v["amount"], "1250.00");
    assert_eq!(v["orderId"], init.order_id.as_str());
    assert_eq!(v["clientMobileNo"], "017****0001");
    assert_eq!(v["issuerPaymentRefNo"].as_str(), r.issuer_payment_ref.as_deref());
    assert_eq!(v["statusCode"], "000");
    assert!(
        v["additionalMerchantInfo"].as_str().unwrap().contains("Demo Shop"),
        "a JSON string, as real replies"
    );
    let outcome = n.sandbox.ledger.entries(None, Some("payment"), Some(&init.reference));
    assert_eq!(outcome.len(), 1);
    assert_eq!(outcome[0].amount.as_deref(), Some("1250.00"));
    assert_eq!(outcome[0].trx_id, r.issuer_payment_ref);
    // The page afterwards says how it ended, never pays twice.
    let (_, html) = n.get(&page).await;
    assert!(html.contains("Payment successful"));
    assert_eq!(
        redirect_status(n.post(&format!("{page}/pin"), &[("pin", "1234")]).await),
        200
    );
}

fn redirect_status(r: reqwest::Response) -> u16 {
    r.status().as_u16()
}

#[tokio::test]
async fn failing_wallets_and_the_limit_fail_with_their_codes() {
    let n = start().await;
    for (wallet, amount, code) in [
        ("01711000002", "1250.00", "50_0026_801"),
        ("01711000003", "1250.00", "50_0026_851"),
        ("01811000001", "500000.01", "50_0026_851"),
        ("01911000001", "0.99", "50_0026_851"),
    ] {
        let (init, page) = n.order(amount).await;
        let r = n.pay(&page, wallet).await;
        assert_eq!(
            (r.status, r.status_code.as_deref()),
            (PaymentStatus::Failed, Some(code)),
            "{wallet} {amount}"
        );
        assert_eq!((r.payment_dt, r.issuer_payment_ref), (None, None));
        let v = n.verify(&init.reference).await;
        assert_eq!(
            (v["status"].as_str(), v["issuerPaymentRefNo"].as_str()),
            (Some("Failed"), None)
        );
    }
    let (_, page) = n.order("500000.00").await;
    assert_eq!(
        n.pay(&page, "01911000001").await.status,
        PaymentStatus::Success,
        "the limit itself pays"
    );
}

#[tokio::test]
async fn three_wrong_pins_fail_the_payment() {
    let n = start().await;
    let (init, page) = n.order("100.00").await;
    n.to_pin(&page, "01711000001").await;
    for left in ["2", "1"] {
        let r = n.post(&format!("{page}/pin"), &[("pin", "9999")]).await;
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Wrong PIN") && html.contains(&format!("Tries left: {left}")),
            "{left}"
        );
    }
    let r = redirect(n.post(&format!("{page}/pin"), &[("pin", "0000")]).await);
    assert_eq!(
        (r.status, r.status_code.as_deref()),
        (PaymentStatus::Failed, Some("50_0026_802"))
    );
    assert_eq!(n.status(&init.reference).await, "Failed");
}

#[tokio::test]
async fn three_wrong_otps_fail_and_bad_numbers_are_refused() {
    let n = start().await;
    let (_, page) = n.order("100.00").await;
    n.get(&page).await;
    let html = n
        .post(&format!("{page}/number"), &[("number", "0121234567")])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("not a valid") && html.contains("name=\"number\""));
    // Bangla digits and +880 are fine.
    let html = n
        .post(&format!("{page}/number"), &[("number", "+880 ১৭১১-০০০০০১")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("name=\"otp\"") && html.contains("01XX0001"),
        "masked, never the full number"
    );
    n.post(&format!("{page}/otp"), &[("otp", "000000")]).await;
    n.post(&format!("{page}/otp"), &[("otp", "000000")]).await;
    let r = redirect(n.post(&format!("{page}/otp"), &[("otp", "000000")]).await);
    assert_eq!(r.status_code.as_deref(), Some("50_0026_803"));
}

#[tokio::test]
async fn cancel_asks_then_aborts() {
    let n = start().await;
    let (init, page) = n.order("100.00").await;
    n.to_pin(&page, "01711000001").await;
    let (code, html) = n.get(&format!("{page}/cancel")).await;
    assert!(code == 200 && html.contains("Cancel this payment?"));
    assert_eq!(n.status(&init.reference).await, "OtpVerified", "asking changes nothing");
    let r = redirect(n.post(&format!("{page}/cancel"), &[("confirm", "yes")]).await);
    assert_eq!(
        (r.status, r.status_code.as_deref()),
        (PaymentStatus::Aborted, Some("00_0000_001"))
    );
    assert_eq!(n.status(&init.reference).await, "Aborted");
}

#[tokio::test]
async fn the_page_session_ends_after_ten_minutes() {
    let n = start().await;
    let (init, page) = n.order("100.00").await;
    n.to_pin(&page, "01711000001").await;
    n.control(reqwest::Method::POST, "/clock", json!({"advance_secs": 601}))
        .await;
    assert_eq!(n.status(&init.reference).await, "Aborted");
    let (_, html) = n.get(&page).await;
    assert!(html.contains("Payment cancelled"));
    let r = n.post(&format!("{page}/pin"), &[("pin", "1234")]).await;
    assert_eq!(r.status(), 200, "no payment after the session");
    assert_eq!(n.status(&init.reference).await, "Aborted");
}

#[tokio::test]
async fn the_page_speaks_bangla_when_asked() {
    let n = start().await;
    let (_, page) = n.order("1250.00").await;
    let (_, html) = n.get(&format!("{page}?locale=BN")).await;
    assert!(html.contains("lang=\"bn\"") && html.contains("১,২৫০.০০") && html.contains("অর্ডার"));
    let (code, _) = n.get(&format!("{}/nagad/check-out/nope", n.base)).await;
    assert_eq!(code, 404);
}
