//! Operators set a merchant's ops numbers for P1 alerts (Bearer `BDPAY_ADMIN_TOKEN`, as the rest
//! of onboarding; `bdpay-admin alerts set`). What an alert is: `crate::alerts`.

use bdpay_shared::alerts::MAX_CONTACTS;
use bdpay_shared::errors::ErrorCode;
use bdpay_shared::phone::Msisdn;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use super::onboarding::operator;
use crate::alerts::contacts;
use crate::body;
use crate::error::{EdgeError, EdgeResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    /// Up to five Bangladeshi mobile numbers; `[]` removes them all.
    sms: Vec<String>,
}

/// `PUT /admin/merchants/{id}/alerts` `{"sms": ["01…", …]}` → the numbers, masked. Replaces
/// the earlier list.
pub async fn set(mut req: Request, env: &Env, merchant_id: &str) -> EdgeResult<Response> {
    operator(&req, env)?;
    let input: Input = body::json(&mut req).await?;
    if input.sms.len() > MAX_CONTACTS {
        return Err(EdgeError::invalid(
            ErrorCode::InvalidRequest,
            format!("sms: at most {MAX_CONTACTS} numbers"),
        ));
    }
    let mut phones: Vec<Msisdn> = Vec::with_capacity(input.sms.len());
    for n in &input.sms {
        let phone = Msisdn::parse(n).map_err(|_| {
            EdgeError::invalid(
                ErrorCode::InvalidPhone,
                "sms: each must be a Bangladeshi mobile number, 01XXXXXXXXX",
            )
        })?;
        if !phones.contains(&phone) {
            phones.push(phone);
        }
    }
    let shown = contacts::replace(env, merchant_id, &phones).await?;
    crate::log::info(
        "alert_contacts_set",
        &json!({ "merchant": merchant_id, "count": shown.len() }),
    );
    Ok(crate::http::json(
        200,
        &json!({ "object": "alert_contacts", "merchant_id": merchant_id, "sms": shown,
                 "updated_at": crate::payment::view::iso(crate::clock::now_ms()) }),
    ))
}
