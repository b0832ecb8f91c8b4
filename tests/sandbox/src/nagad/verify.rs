//! Verify (B.7): `GET …/verify/payment/{paymentReferenceId}`, plain JSON, no crypto and no
//! header check. Reflects the B.12 lifecycle, the page's expiry and refunds.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::wire::nagad::{reason, AdditionalInfo, VerifyReply};
use bdpay_shared::wire::time::DhakaTime;

use super::choices::{nagad_mask, MERCHANTS, VERIFY_SUCCESS_CODE};
use super::errors::{self, Reject};
use super::outcome;
use super::record;
use super::store::Payment;
use crate::ledger::Record;
use crate::Shared;

pub async fn verify(State(s): State<Shared>, Path(reference): Path<String>) -> Response {
    if let Some(fault) = errors::enter_for(&s, "verify", &reference).await {
        return fault;
    }
    outcome::expire(&s, &reference);
    // Every verify that reaches the payments is in the ledger (tests count them).
    let known = s.nagad.lock().payments.contains_key(&reference);
    record(
        &s,
        Record {
            op: "verify",
            reference: Some(reference.clone()),
            outcome: if known {
                "ok".to_owned()
            } else {
                reason::INVALID_REFERENCE.to_owned()
            },
            ..Record::default()
        },
    );
    let hang = {
        let mut inner = s.nagad.lock();
        match inner.payments.get_mut(&reference) {
            None => return Reject::bad(reason::INVALID_REFERENCE).into_response(),
            Some(p) => std::mem::take(&mut p.hang_next_verify),
        }
    };
    if hang {
        // 01711000504 (B.12): past the client's 30 s timeout once; whoever still listens gets the answer.
        tokio::time::sleep(s.config.hang).await;
    }
    let inner = s.nagad.lock();
    match inner.payments.get(&reference) {
        Some(p) => Json(reply(p)).into_response(),
        None => Reject::bad(reason::INVALID_REFERENCE).into_response(),
    }
}

fn verify_time(ms: i64) -> String {
    DhakaTime::from_unix_millis(ms).nagad_verify()
}

/// B.7's object for `p` as it stands.
pub fn reply(p: &Payment) -> VerifyReply {
    let last_refund = p.refunds.last();
    let status_code = if p.status.was_paid() {
        Some(VERIFY_SUCCESS_CODE.to_owned())
    } else {
        p.status_code.clone()
    };
    let merchant_mobile = p.merchant_account.clone().or_else(|| {
        MERCHANTS
            .iter()
            .find(|m| m.id == p.merchant_id)
            .map(|m| m.account.to_owned())
    });
    let success_only = |v: Option<String>| v.filter(|_| p.status.was_paid());
    VerifyReply {
        merchant_id: Some(p.merchant_id.clone()),
        order_id: Some(p.order_id.clone()),
        payment_ref_id: Some(p.reference.clone()),
        amount: p.amount.map(|m| m.to_string()),
        client_mobile_no: p.wallet.map(|w| nagad_mask(w.expose_digits())),
        merchant_mobile_no: merchant_mobile,
        order_date_time: Some(verify_time(p.created_ms)),
        issuer_payment_date_time: success_only(p.issuer_ms.map(verify_time)),
        issuer_payment_ref_no: success_only(p.issuer_ref.clone()),
        // Real replies carry it as a JSON string (B.7): so does the sandbox, to keep clients tolerant.
        additional_merchant_info: p.info_json.clone().map(AdditionalInfo::Text),
        status: p.status.clone(),
        status_code,
        cancel_issuer_date_time: last_refund.map(|r| verify_time(r.at_ms)),
        cancel_issuer_ref_no: last_refund.map(|r| r.trx_id.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdpay_shared::money::Money;
    use bdpay_shared::phone::Msisdn;
    use bdpay_shared::wire::nagad::PaymentStatus;

    #[test]
    fn a_paid_payment_reads_like_b7() {
        let mut p = Payment::new(
            "REF".into(),
            "683002007104225",
            "BDP20241125A0042",
            "c".into(),
            1_732_521_933_000,
        );
        p.status = PaymentStatus::Success;
        p.amount = Money::parse("1250").ok();
        p.wallet = Msisdn::parse("01712348575").ok();
        p.issuer_ref = Some("000177YT".into());
        p.issuer_ms = Some(1_732_522_022_000);
        let r = reply(&p);
        assert_eq!(r.amount.as_deref(), Some("1250.00"));
        assert_eq!(r.client_mobile_no.as_deref(), Some("017****8575"));
        assert_eq!(r.merchant_mobile_no.as_deref(), Some("01711428036"));
        assert_eq!(r.order_date_time.as_deref(), Some("2024-11-25 14:05:33.0"));
        assert_eq!(r.issuer_payment_date_time.as_deref(), Some("2024-11-25 14:07:02.0"));
        assert_eq!(r.status_code.as_deref(), Some("000"));
        assert_eq!(r.cancel_issuer_ref_no, None);
    }

    #[test]
    fn an_initiated_payment_has_no_amount_or_issuer_fields() {
        let p = Payment::new("REF".into(), "683002007104225", "ORDER1", "c".into(), 0);
        let r = reply(&p);
        assert_eq!(r.status, PaymentStatus::OrderInitiated);
        assert_eq!(
            (r.amount, r.issuer_payment_ref_no, r.status_code, r.client_mobile_no),
            (None, None, None, None)
        );
    }
}
