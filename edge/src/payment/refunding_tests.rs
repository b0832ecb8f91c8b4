//! Refund decisions, one behaviour per test: never failed by silence, never twice.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::{AttemptStatus, PaymentStatus, RefundStatus};

use super::*;
use crate::payment::attempt::tests::started;
use crate::payment::record::tests::record;
use crate::providers::refund::{Refunded, SeenRefund};
use crate::providers::{FailureKind, ProviderFailure};

const GIVE_UP: i64 = 6 * 3600 * 1000;

/// A payment of 10.00 paid at `provider`, with an earlier paid attempt when `duplicate`.
fn paid_at(provider: Provider, duplicate: bool) -> PaymentRecord {
    let mut r = record();
    if duplicate {
        let mut a = started(Provider::Nagad, "N0", 0);
        a.status = AttemptStatus::Paid;
        a.trx_id = Some("NTRX".into());
        r.attempts.push(a);
    }
    let mut a = started(provider, "P1", 0);
    a.status = AttemptStatus::Paid;
    a.trx_id = Some("TRX1".into());
    a.paid_at_ms = Some(0);
    r.attempts.push(a);
    r.paid_attempt = Some(r.attempts.len() - 1);
    r.status = PaymentStatus::Succeeded;
    r
}

fn ask(id: &str, amount: Option<&str>, attempt: Option<usize>) -> Ask {
    Ask {
        refund_id: id.into(),
        amount: amount.map(|a| a.parse::<Money>().unwrap()),
        reason: None,
        key: Some(format!("k-{id}")),
        attempt,
    }
}

fn failure(kind: FailureKind) -> ProviderFailure {
    ProviderFailure {
        provider: Provider::Bkash,
        kind,
        code: ErrorCode::ProviderDeclined,
        provider_code: Some("2071".into()),
        retryable: false,
    }
}

#[test]
fn a_refund_the_provider_never_lists_stays_pending_then_needs_a_person_never_failed() {
    let mut r = paid_at(Provider::Bkash, false);
    let idx = request(&mut r, ask("re_1", Some("4.00"), None), 0).unwrap().unwrap();
    sent(&mut r, idx, Err(failure(FailureKind::Unknown)), 30_000);
    assert_eq!(r.refunds[idx].status, RefundStatus::Pending);
    // Two minutes on, bKash lists no refund: the old code failed it here.
    let empty: Vec<SeenRefund> = Vec::new();
    let now = r.refunds[idx].next_check_ms.unwrap();
    seen(&mut r, None, Some(&empty), GIVE_UP, now.max(120_000));
    assert_eq!(r.refunds[idx].status, RefundStatus::Pending);
    assert!(
        request(&mut r, ask("re_2", Some("7.00"), None), 130_000).is_err(),
        "its amount stays held"
    );
    let later = r.refunds[idx].next_check_ms.unwrap();
    assert!(later > 120_000, "re-checked with backoff");
    seen(&mut r, None, Some(&empty), GIVE_UP, GIVE_UP);
    assert_eq!(r.refunds[idx].status, RefundStatus::RequiresManual);
    assert!(r.refunds[idx].manual_reason.as_deref().unwrap_or("").contains("bKash"));
}

#[test]
fn only_an_explicit_refusal_fails_a_refund() {
    let mut r = paid_at(Provider::Bkash, false);
    let a = request(&mut r, ask("re_1", Some("1.00"), None), 0).unwrap().unwrap();
    sent(&mut r, a, Err(failure(FailureKind::Declined)), 1);
    assert_eq!(r.refunds[a].status, RefundStatus::Failed);
    let b = request(&mut r, ask("re_2", Some("1.00"), None), 2).unwrap().unwrap();
    sent(&mut r, b, Err(failure(FailureKind::Unknown)), 3);
    assert_eq!(r.refunds[b].status, RefundStatus::Pending);
    seen(&mut r, None, None, GIVE_UP, 1_000_000);
    assert_eq!(r.refunds[b].status, RefundStatus::Pending, "no answer is not a refusal");
}

#[test]
fn a_refund_answer_that_differs_from_the_ask_needs_a_person() {
    let mut r = paid_at(Provider::Bkash, false);
    let a = request(&mut r, ask("re_1", Some("1.00"), None), 0).unwrap().unwrap();
    sent(&mut r, a, Err(failure(FailureKind::Mismatch)), 1);
    assert_eq!(r.refunds[a].status, RefundStatus::RequiresManual);
}

#[test]
fn a_refund_found_completed_succeeds_and_counts() {
    let mut r = paid_at(Provider::Nagad, false);
    let a = request(&mut r, ask("re_1", None, None), 0).unwrap().unwrap();
    sent(&mut r, a, Err(failure(FailureKind::Unknown)), 1);
    let list = [SeenRefund {
        refund_ref: "C1".into(),
        amount: None,
        completed: true,
    }];
    seen(&mut r, None, Some(&list), GIVE_UP, 50_000);
    assert_eq!(r.refunds[a].status, RefundStatus::Succeeded);
    assert_eq!(r.status, PaymentStatus::Refunded);
    assert_eq!(r.refunded.map(|m| m.to_string()), Some("10.00".into()));
}

#[test]
fn a_duplicate_attempts_refund_gives_its_money_back_without_counting_in_amount_refunded() {
    let mut r = paid_at(Provider::Bkash, true);
    let idx = request(&mut r, ask("re_d", None, Some(0)), 0).unwrap().unwrap();
    assert_eq!(r.refunds[idx].provider, Provider::Nagad, "refunded where it was paid");
    assert_eq!(r.refunds[idx].amount.to_string(), "10.00");
    sent(
        &mut r,
        idx,
        Ok(Refunded {
            refund_ref: "C9".into(),
        }),
        1,
    );
    assert_eq!(r.attempts[0].status, AttemptStatus::Refunded);
    assert_eq!((r.status, r.refunded), (PaymentStatus::Succeeded, None));
    // The payment's own money is still wholly refundable.
    assert!(request(&mut r, ask("re_own", None, None), 2).unwrap().is_some());
}

#[test]
fn the_same_key_never_makes_a_second_refund() {
    let mut r = paid_at(Provider::Bkash, false);
    assert!(request(&mut r, ask("re_1", Some("1.00"), None), 0).unwrap().is_some());
    let again = Ask {
        refund_id: "re_other".into(),
        ..ask("re_1", Some("1.00"), None)
    };
    assert_eq!(request(&mut r, again, 1).unwrap(), None);
    assert_eq!(r.refunds.len(), 1);
}

#[test]
fn a_reason_is_measured_in_characters_as_the_api_says() {
    let mut r = paid_at(Provider::Bkash, false);
    let bangla = "ফেরত".repeat(60); // 240 characters, 720 bytes
    let ok = Ask {
        reason: Some(bangla),
        ..ask("re_1", Some("1.00"), None)
    };
    assert!(request(&mut r, ok, 0).is_ok());
    let long = Ask {
        reason: Some("x".repeat(256)),
        ..ask("re_2", Some("1.00"), None)
    };
    assert_eq!(
        request(&mut r, long, 0).err().map(|e| e.error.code),
        Some(ErrorCode::InvalidRequest)
    );
}
