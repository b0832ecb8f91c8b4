//! Provider → edge: the shopper's browser comes back from the wallet's page. The edge
//! finishes the payment once (inside its object) and sends the shopper to the merchant's
//! `return_url` with `bdpay_payment` and `bdpay_status`. Nothing in the query is trusted.
//!
//! The payment is named in the path (`/v1/return/nagad/pay_…`): the query is the provider's
//! alone (Nagad's own clients treat the callback's query as theirs). The older form with
//! `?payment=pay_…` keeps working for attempts started before.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::ids::PaymentId;
use bdpay_shared::provider::Provider;
use std::collections::HashMap;
use worker::{Env, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::payment::client as objects;
use crate::payment::command::Command;
use crate::payment::record::PaymentRecord;

pub async fn handle(req: Request, env: &Env, provider: Provider, in_path: Option<&str>) -> EdgeResult<Response> {
    let url = req.url()?;
    let q: HashMap<String, String> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let missing = |name: &'static str| EdgeError::invalid(ErrorCode::InvalidRequest, format!("{name} is required"));
    let id = match in_path {
        Some(id) => id,
        None => q.get("payment").ok_or_else(|| missing("payment"))?,
    };
    let id = PaymentId::parse(id).map_err(|_| EdgeError::not_found())?;
    let (provider_ref, status) = match provider {
        Provider::Bkash => (
            q.get("paymentID").ok_or_else(|| missing("paymentID"))?,
            q.get("status").ok_or_else(|| missing("status"))?,
        ),
        Provider::Nagad => (
            q.get("payment_ref_id").ok_or_else(|| missing("payment_ref_id"))?,
            q.get("status").ok_or_else(|| missing("status"))?,
        ),
    };
    if provider_ref.len() > 200 || status.len() > 40 {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            "query values are too long",
        ));
    }
    let cmd = Command::Return {
        provider,
        provider_ref: provider_ref.clone(),
        status: status.clone(),
    };
    let record = objects::send(env, &id, &cmd).await?;
    Ok(back_to_merchant(&record))
}

/// 303 to the merchant's return page, or a small bilingual page when it gave none.
fn back_to_merchant(r: &PaymentRecord) -> Response {
    if let Some(return_url) = &r.return_url {
        let sep = if return_url.contains('?') { '&' } else { '?' };
        let target = format!(
            "{return_url}{sep}bdpay_payment={}&bdpay_status={}",
            r.id,
            r.status.as_str()
        );
        let headers = worker::Headers::new();
        let _ = headers.set("location", &target);
        let _ = headers.set("cache-control", "no-store");
        let _ = headers.set("referrer-policy", "no-referrer");
        return Response::builder().with_status(303).with_headers(headers).empty();
    }
    let (en, bn) = match r.status.as_str() {
        "succeeded" => (
            "Payment successful. You can close this page.",
            "পেমেন্ট সফল হয়েছে। আপনি এই পাতাটি বন্ধ করতে পারেন।",
        ),
        "pending" => ("We are confirming your payment…", "আপনার পেমেন্ট নিশ্চিত করা হচ্ছে…"),
        _ => ("The payment was not completed.", "পেমেন্ট সম্পন্ন হয়নি।"),
    };
    let html = format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><title>bdpay</title>\
         <body style=\"font-family:system-ui;max-width:30rem;margin:3rem auto;padding:0 1rem\"><p lang=bn>{bn}</p><p lang=en>{en}</p>"
    );
    crate::http::bytes_with(200, "text/html; charset=utf-8", html.into_bytes())
}
