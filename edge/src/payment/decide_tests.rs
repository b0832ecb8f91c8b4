//! The payment object's decisions, one behaviour per test. Each money hole the attempts
//! work closed has a test here that fails on the code before it.

use bdpay_shared::errors::ErrorCode;
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::{Availability, HealthState, ProviderHealth};
use bdpay_shared::status::{AttemptStatus, PaymentStatus};

use super::*;
use crate::payment::record::tests::record;
use crate::payment::settle::*;
use crate::providers::{FailureKind, Outcome, ProviderFailure, Started};

const UP: Availability = Availability::ALL;
const WEB: Device = Device::MobileWeb;

fn paid(trx: &str) -> Result<Outcome, ProviderFailure> {
    Ok(Outcome::Succeeded {
        trx_id: trx.into(),
        paid_at_ms: None,
        payer_masked: None,
    })
}

fn failure(provider: Provider, kind: FailureKind, code: ErrorCode) -> ProviderFailure {
    ProviderFailure {
        provider,
        kind,
        code,
        provider_code: Some("x".into()),
        retryable: false,
    }
}

/// A record whose shopper went to `first`, then (when given) switched to `second`.
fn with_attempts(first: Provider, second: Option<Provider>) -> PaymentRecord {
    let mut r = record();
    for (n, p) in std::iter::once(first).chain(second).enumerate() {
        let plan = match confirm(&r, Some(p), None, WEB, UP, 10) {
            Ok(Confirm::Start(plan)) => plan,
            _ => panic!("attempt {n} refused"),
        };
        let s = Started {
            provider_ref: format!("REF{n}"),
            redirect_url: format!("https://wallet.example/{n}"),
        };
        started(&mut r, plan, s, 600_000, 10);
    }
    r
}

#[test]
fn switching_wallet_keeps_the_earlier_attempt_and_a_late_nagad_success_still_counts() {
    let mut r = with_attempts(Provider::Nagad, Some(Provider::Bkash));
    assert_eq!(r.attempts.len(), 2);
    assert_eq!(r.status, PaymentStatus::Pending);
    // The shopper finishes the old Nagad page: it is verified, not dropped.
    assert_eq!(
        on_return(&r, Provider::Nagad, "REF0", "Success", 20),
        Some(Step::Complete(0))
    );
    sending(&mut r, 0, 20);
    answer(&mut r, 0, paid("N1"), "verify", None, 21);
    assert_eq!(r.status, PaymentStatus::Succeeded);
    assert_eq!(r.paid_attempt, Some(0));
    // The bKash page is then never executed: bKash moves money only at our execute.
    assert_eq!(on_return(&r, Provider::Bkash, "REF1", "success", 22), None);
}

#[test]
fn an_earlier_attempt_paid_after_another_holds_the_payment_is_refunded_as_a_duplicate() {
    let mut r = with_attempts(Provider::Nagad, Some(Provider::Bkash));
    sending(&mut r, 1, 20);
    answer(&mut r, 1, paid("B1"), "execute", None, 21);
    assert_eq!((r.status, r.paid_attempt), (PaymentStatus::Succeeded, Some(1)));
    assert!(duplicates(&r).is_empty());
    // The old Nagad page turns out paid too.
    answer(&mut r, 0, paid("N1"), "hint", None, 30);
    assert_eq!(r.attempts[0].status, AttemptStatus::Paid);
    assert_eq!(r.paid_attempt, Some(1), "the payment's money stays the bKash one");
    assert_eq!(duplicates(&r), [0]);
}

#[test]
fn a_paid_attempt_waits_while_the_holder_is_unclear_and_takes_over_if_it_fails() {
    let mut r = with_attempts(Provider::Nagad, Some(Provider::Bkash));
    sending(&mut r, 1, 20);
    answer(
        &mut r,
        1,
        Err(failure(
            Provider::Bkash,
            FailureKind::Unknown,
            ErrorCode::ProviderTimeout,
        )),
        "execute",
        None,
        50,
    );
    assert_eq!(r.attempts[1].status, AttemptStatus::Unknown);
    answer(&mut r, 0, paid("N1"), "hint", None, 60);
    assert_eq!(r.status, PaymentStatus::Pending, "waits for the unclear execute");
    assert!(duplicates(&r).is_empty(), "never refunded while the holder is unclear");
    let declined = failure(Provider::Bkash, FailureKind::Declined, ErrorCode::InsufficientBalance);
    answer(&mut r, 1, Ok(Outcome::Failed(declined)), "alarm", None, 70);
    assert_eq!((r.status, r.paid_attempt), (PaymentStatus::Succeeded, Some(0)));
    assert!(duplicates(&r).is_empty());
}

#[test]
fn when_both_pay_the_attempt_that_held_the_order_is_the_payments() {
    let mut r = with_attempts(Provider::Nagad, Some(Provider::Bkash));
    sending(&mut r, 1, 20);
    answer(
        &mut r,
        1,
        Err(failure(
            Provider::Bkash,
            FailureKind::Unknown,
            ErrorCode::ProviderTimeout,
        )),
        "execute",
        None,
        50,
    );
    answer(&mut r, 0, paid("N1"), "hint", None, 60);
    answer(&mut r, 1, paid("B1"), "alarm", None, 70);
    assert_eq!(r.paid_attempt, Some(1));
    assert_eq!(duplicates(&r), [0]);
}

#[test]
fn switching_while_an_execute_is_unclear_is_refused_with_attempt_in_progress() {
    let mut r = with_attempts(Provider::Bkash, None);
    sending(&mut r, 0, 20);
    answer(
        &mut r,
        0,
        Err(failure(
            Provider::Bkash,
            FailureKind::Unknown,
            ErrorCode::ProviderTimeout,
        )),
        "execute",
        None,
        50,
    );
    let refused = confirm(&r, Some(Provider::Nagad), None, WEB, UP, 60)
        .err()
        .map(|e| e.error.code);
    assert_eq!(refused, Some(ErrorCode::AttemptInProgress));
    assert!(ErrorCode::AttemptInProgress.retryable());
    assert_eq!(ErrorCode::AttemptInProgress.http_status(), 409);
}

#[test]
fn a_forged_early_success_return_does_not_freeze_the_payment() {
    let mut r = with_attempts(Provider::Bkash, None);
    assert_eq!(
        on_return(&r, Provider::Bkash, "REF0", "success", 20),
        Some(Step::Complete(0))
    );
    sending(&mut r, 0, 20);
    // bKash 2060: the shopper has not finished: nothing executed.
    answer(&mut r, 0, Ok(Outcome::NotExecuted), "execute", None, 21);
    assert_eq!(r.attempts[0].status, AttemptStatus::Started);
    assert_eq!(r.status, PaymentStatus::Pending);
    assert!(on_alarm(&r, 30).is_empty(), "no execute by the alarm after a 2060");
    // The real return executes.
    assert_eq!(
        on_return(&r, Provider::Bkash, "REF0", "success", 40),
        Some(Step::Complete(0))
    );
}

#[test]
fn an_execute_whose_answer_was_lost_and_bkash_shows_not_done_is_executed_again() {
    let mut r = with_attempts(Provider::Bkash, None);
    sending(&mut r, 0, 1_000);
    answer(
        &mut r,
        0,
        Err(failure(
            Provider::Bkash,
            FailureKind::Unknown,
            ErrorCode::ProviderTimeout,
        )),
        "execute",
        None,
        31_000,
    );
    assert_eq!(on_alarm(&r, 36_000).len(), 1);
    // Query says Initiated, after the execute's own time was over.
    answer(&mut r, 0, Ok(Outcome::Pending), "alarm", None, 50_000);
    assert_eq!(r.attempts[0].status, AttemptStatus::Started);
    let later = r.attempts[0].wake_ms().unwrap_or(0);
    assert_eq!(on_alarm(&r, later), [Step::Complete(0)]);
}

#[test]
fn cancel_and_failure_returns_are_confirmed_with_a_query_first() {
    let r = with_attempts(Provider::Bkash, None);
    let look = |unpaid| {
        Some(Step::Check(Look {
            attempt: 0,
            reason: "return",
            unpaid: Some(unpaid),
        }))
    };
    assert_eq!(
        on_return(&r, Provider::Bkash, "REF0", "cancel", 20),
        look(Unpaid::Cancelled)
    );
    assert_eq!(
        on_return(&r, Provider::Bkash, "REF0", "failure", 20),
        look(Unpaid::Failed)
    );
    let mut cancelled = r.clone();
    answer(
        &mut cancelled,
        0,
        Ok(Outcome::Pending),
        "return",
        Some(Unpaid::Cancelled),
        21,
    );
    assert_eq!(cancelled.status, PaymentStatus::Cancelled);
    // A forged cancel, then the shopper finishes: the page may still be executed.
    assert_eq!(
        on_return(&cancelled, Provider::Bkash, "REF0", "success", 30),
        Some(Step::Complete(0))
    );
    let mut paid_anyway = r.clone();
    answer(&mut paid_anyway, 0, paid("B1"), "return", Some(Unpaid::Cancelled), 21);
    assert_eq!(paid_anyway.status, PaymentStatus::Succeeded);
}

#[test]
fn a_bkash_page_that_ends_before_any_execute_ends_without_a_call() {
    let r = with_attempts(Provider::Bkash, None);
    let end = r.attempts[0].deadline_ms;
    assert_eq!(
        on_alarm(&r, end),
        [Step::End {
            attempt: 0,
            to: Unpaid::Expired
        }]
    );
    let mut r = r;
    end_unpaid(&mut r, 0, Unpaid::Expired, "expiry", end);
    assert_eq!(
        (r.status, r.attempts[0].status),
        (PaymentStatus::Expired, AttemptStatus::Cancelled)
    );
}

#[test]
fn a_nagad_page_left_behind_gets_a_last_look_when_it_ends() {
    let r = with_attempts(Provider::Nagad, Some(Provider::Bkash));
    let end = r.attempts[0].deadline_ms;
    let steps = on_alarm(&r, end);
    assert!(steps.contains(&Step::Check(Look {
        attempt: 0,
        reason: "expiry",
        unpaid: Some(Unpaid::Expired)
    })));
    let mut r = r;
    answer(&mut r, 0, Ok(Outcome::Pending), "expiry", Some(Unpaid::Expired), end);
    assert_eq!(r.attempts[0].status, AttemptStatus::Cancelled);
    assert_eq!(
        r.status,
        PaymentStatus::Pending,
        "an earlier attempt's end leaves the newest one be"
    );
}

#[test]
fn an_ipn_or_hint_looks_at_the_attempt_it_names_and_skips_unexecuted_bkash_pages() {
    let r = with_attempts(Provider::Nagad, Some(Provider::Bkash));
    assert_eq!(on_check(&r, Some((Provider::Nagad, "REF0")), "hint").len(), 1);
    assert_eq!(on_check(&r, None, "ipn").len(), 1, "the bKash page was never executed");
}

#[test]
fn each_attempt_has_its_own_reference_at_the_provider() {
    let mut r = with_attempts(Provider::Bkash, Some(Provider::Nagad));
    answer(&mut r, 1, Ok(Outcome::Cancelled), "return", None, 20);
    let plan = match confirm(&r, Some(Provider::Bkash), None, WEB, UP, 30) {
        Ok(Confirm::Start(plan)) => plan,
        _ => panic!("refused"),
    };
    assert_eq!(r.attempts[0].invoice, r.id.as_str());
    assert_eq!(plan.invoice, format!("{}-3", r.id));
    assert_ne!(r.attempts[1].invoice, plan.invoice);
}

#[test]
fn the_same_choice_again_answers_the_page_under_way() {
    let r = with_attempts(Provider::Nagad, None);
    assert!(matches!(confirm(&r, None, None, WEB, UP, 20), Ok(Confirm::Same)));
    assert!(matches!(
        confirm(&r, Some(Provider::Nagad), None, WEB, UP, 20),
        Ok(Confirm::Same)
    ));
    assert!(matches!(
        confirm(&r, Some(Provider::Bkash), None, WEB, UP, 20),
        Ok(Confirm::Start(_))
    ));
}

#[test]
fn switching_looks_at_open_nagad_pages_first() {
    let r = with_attempts(Provider::Nagad, None);
    assert_eq!(
        before_switch(&r),
        [Step::Check(Look {
            attempt: 0,
            reason: "switch",
            unpaid: None
        })]
    );
    let mut paid_there = r.clone();
    answer(&mut paid_there, 0, paid("N1"), "switch", None, 20);
    let refused = confirm(&paid_there, Some(Provider::Bkash), None, WEB, UP, 21)
        .err()
        .map(|e| e.error.code);
    assert_eq!(refused, Some(ErrorCode::InvalidState), "no second attempt once paid");
    assert!(before_switch(&with_attempts(Provider::Bkash, None)).is_empty());
}

#[test]
fn a_confirm_without_a_choice_takes_the_wallet_the_widget_recommended() {
    use bdpay_shared::ids::PaymentId;
    let rated = ProviderHealth {
        state: HealthState::Up,
        success_bp: Some(9_000),
        p50_ms: None,
    };
    let up = UP
        .with_health(Provider::Bkash, rated)
        .with_health(Provider::Nagad, rated);
    let mut seen = Vec::new();
    for c in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] {
        let mut r = record();
        r.id = PaymentId::parse(&format!("pay_{}", c.to_string().repeat(24))).unwrap();
        let shown = crate::payment::view::widget(&r, up, None, &crate::risk::settings::CheckoutSettings::default())
            .recommended
            .map(|c| c.provider);
        let Ok(Confirm::Start(plan)) = confirm(&r, None, None, WEB, up, 10) else {
            panic!("refused")
        };
        assert_eq!((shown, plan.reason), (Some(plan.provider), Reason::SuccessRate));
        seen.push(plan.provider);
    }
    assert!(
        seen.contains(&Provider::Bkash) && seen.contains(&Provider::Nagad),
        "{seen:?}"
    );
}

#[test]
fn a_chosen_wallet_that_cannot_take_the_payment_is_refused() {
    let code = |answer: Result<Confirm, ApiError>| answer.err().map(|e| e.error.code);
    let only_bkash = availability(|p| p == Provider::Bkash);
    let r = record();
    assert_eq!(
        code(confirm(&r, Some(Provider::Nagad), None, WEB, only_bkash, 10)),
        Some(ErrorCode::ProviderUnavailable)
    );
    let mut large = record();
    large.amount = "500000.01".parse().unwrap();
    assert_eq!(
        code(confirm(&large, Some(Provider::Bkash), None, WEB, UP, 10)),
        Some(ErrorCode::AmountOverLimit)
    );
}

fn down(p: Provider) -> Availability {
    let dead = ProviderHealth {
        state: HealthState::Down,
        success_bp: Some(1_000),
        p50_ms: None,
    };
    UP.with_health(p, dead)
}

#[test]
fn a_down_wallet_is_never_chosen_and_a_shopper_who_names_it_fails_over() {
    let r = record();
    // No choice: routing never lands on the down wallet.
    let Ok(Confirm::Start(plan)) = confirm(&r, None, None, WEB, down(Provider::Bkash), 10) else {
        panic!("refused")
    };
    assert_eq!(plan.provider, Provider::Nagad);
    assert_eq!(plan.failover_from, None);
    // The shopper taps bKash while it is down: the same confirm goes to Nagad, saying why.
    let Ok(Confirm::Start(plan)) = confirm(&r, Some(Provider::Bkash), None, WEB, down(Provider::Bkash), 10) else {
        panic!("refused")
    };
    assert_eq!(
        (plan.provider, plan.reason, plan.failover_from),
        (Provider::Nagad, Reason::Failover, Some(Provider::Bkash))
    );
    // The merchant turned failover off: the shopper is told the wallet is unavailable.
    let mut strict = record();
    strict.allow_failover = false;
    let refused = confirm(&strict, Some(Provider::Bkash), None, WEB, down(Provider::Bkash), 10)
        .err()
        .map(|e| e.error.code);
    assert_eq!(refused, Some(ErrorCode::ProviderUnavailable));
}

#[test]
fn a_start_that_failed_moves_to_the_other_wallet_only_when_it_can_take_the_payment() {
    let r = record();
    let plan = failover(&r, Provider::Bkash, UP).expect("Nagad is up");
    assert_eq!(
        (plan.provider, plan.reason, plan.failover_from),
        (Provider::Nagad, Reason::Failover, Some(Provider::Bkash))
    );
    assert_eq!(
        failover(&r, Provider::Nagad, UP).map(|p| p.provider),
        Some(Provider::Bkash)
    );
    assert!(
        failover(&r, Provider::Bkash, down(Provider::Nagad)).is_none(),
        "both out"
    );
    let only_bkash = availability(|p| p == Provider::Bkash);
    assert!(failover(&r, Provider::Bkash, only_bkash).is_none(), "Nagad not set up");
    let mut strict = record();
    strict.allow_failover = false;
    assert!(failover(&strict, Provider::Bkash, UP).is_none());
    // The failover attempt remembers where it came from.
    let mut started_r = record();
    let s = Started {
        provider_ref: "N1".into(),
        redirect_url: "https://wallet.example/n".into(),
    };
    started(&mut started_r, plan, s, 600_000, 10);
    assert_eq!(started_r.attempts[0].failover_from, Some(Provider::Bkash));
}
