//! One payment flow for both providers: create, confirm, the shopper on the hosted page,
//! the return through the edge, and the final status the widget would see.

use std::time::Duration;

use bdpay_tests::{bkash_page, follow_return, nagad_page, Created, Stack};
use serde_json::{json, Value};

/// What the shopper does on the provider's page.
#[derive(Clone, Copy)]
pub enum Shopper<'a> {
    Pays(&'a str),
    Cancels,
}

pub struct Paid {
    pub payment: Created,
    /// Where the provider's page sent the browser (the edge's return URL).
    pub callback: String,
    /// Where the edge then sent the browser (the merchant's return_url).
    pub merchant_redirect: Option<String>,
    pub final_status: Value,
}

/// Runs the whole flow at `provider` with `shopper`'s behaviour.
pub async fn pay(s: &Stack, provider: &str, amount: &str, shopper: Shopper<'_>) -> Paid {
    let payment = s.create(&Stack::order_id(provider), amount, json!({})).await;
    let (status, confirmed) = s.confirm(&payment, Some(provider)).await;
    assert_eq!(status, 200, "confirm: {confirmed}");
    assert_eq!(confirmed["status"], "pending");
    assert_eq!(confirmed["provider"], provider);
    let page = confirmed["redirect_url"].as_str().unwrap().to_owned();
    let (wallet, cancel) = match shopper {
        Shopper::Pays(w) => (w, false),
        Shopper::Cancels => ("", true),
    };
    let callback = match provider {
        "bkash" => bkash_page(&s.http, &page, wallet, cancel).await,
        _ => nagad_page(&s.http, &page, wallet, cancel).await,
    };
    assert!(
        callback.starts_with(&s.edge_url(&format!("/v1/return/{provider}"))),
        "the page returns to the edge: {callback}"
    );
    let (code, merchant_redirect) = follow_return(&s.http, &callback).await;
    assert_eq!(code, 303, "the edge sends the shopper on to the merchant");
    let final_status = s.wait_final(&payment, Duration::from_secs(90)).await;
    Paid {
        payment,
        callback,
        merchant_redirect,
        final_status,
    }
}

/// The provider reference of a payment, as the merchant API shows it.
pub async fn provider_ref(s: &Stack, p: &Created) -> String {
    let (_, body) = s.merchant_get(&format!("/v1/payments/{}", p.id)).await;
    body["provider_reference"].as_str().unwrap_or_default().to_owned()
}
