//! What the payment object decides about manual transfers, as pure functions: give the
//! instructions (a confirm), take a submitted transfer (a TrxID pays for one payment only),
//! read bKash's search of it, and a person's approval or rejection. The I/O is
//! `payment::manual_flow`; the merchant's settings and the match rules are
//! `bdpay_shared::manual_transfer`.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::manual_transfer::verify::Verdict;
use bdpay_shared::manual_transfer::ReviewStatus;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::{AttemptStatus, Event, PaymentStatus};
use serde_json::json;

use super::attempt::recheck_delay_ms;
use super::record::{Applied, PaymentRecord};
use super::stored_transfer::{NewTransfer, StoredTransfer, MAX_NOTE};

/// Unanswered bKash searches are asked again (5 s, 10 s … every 10 min) for this long after
/// the submission; then the transfer is left to a person.
pub const SEARCH_GIVE_UP_MS: i64 = 3 * 24 * 3600 * 1000;

/// The most transfers one payment may be quoted (a rejected one may be followed by another).
pub const MAX_TRANSFERS: usize = 5;

fn err(code: ErrorCode, message: &'static str) -> ApiError {
    let mut e = ApiError::new(code);
    e.error.message = message.into();
    e
}

/// Whether the payment may be paid by hand now: the guards of a new wallet attempt, and no
/// other transfer waiting.
pub fn may_pay(r: &PaymentRecord, now_ms: i64) -> Result<(), ApiError> {
    if r.status.is_paid() {
        return Err(ApiError::new(ErrorCode::InvalidState));
    }
    if r.status == PaymentStatus::RequiresReview {
        return Err(err(
            ErrorCode::InvalidState,
            "A manual transfer of this payment is already waiting for review.",
        ));
    }
    if !r.is_open(now_ms) {
        return Err(ApiError::new(ErrorCode::PaymentExpired));
    }
    // A wallet attempt whose outcome is unclear, or paid and about to become the payment's:
    // paying by hand as well could take the money twice.
    if r.attempts
        .iter()
        .any(|a| a.status.is_unclear() || a.status == AttemptStatus::Paid)
    {
        return Err(ApiError::new(ErrorCode::AttemptInProgress));
    }
    Ok(())
}

/// A confirm answered with the instructions.
pub fn offer(r: &mut PaymentRecord, now_ms: i64) -> Result<(), ApiError> {
    may_pay(r, now_ms)?;
    r.manual_offered_ms = Some(now_ms);
    r.manual_shown = true;
    Ok(())
}

/// A confirm for a wallet: the widget follows the wallet now, not the instructions.
pub fn wallet_asked(r: &mut PaymentRecord) {
    r.manual_shown = false;
}

/// The instructions given still stand: the widget shows them (`next_action`).
pub fn offer_stands(r: &PaymentRecord, now_ms: i64) -> bool {
    r.manual_shown && r.status.may_confirm() && r.is_open(now_ms)
}

/// The shopper asked for manual transfer (or sent one) where it is not offered.
pub fn not_offered() -> ApiError {
    err(
        ErrorCode::InvalidRequest,
        "The request is not valid (provider: manual transfer to this wallet is not offered for this payment).",
    )
}

/// Whether the payment takes a submitted transfer: `Ok(Some(i))` it is transfer `i` again
/// (answered as before, whatever happened since), `Ok(None)` a new one, to be claimed.
/// `may`: the merchant's settings allow it (`manual_transfer::offer::may_submit`).
pub fn submit(
    r: &PaymentRecord,
    provider: Provider,
    trx_id: &str,
    may: bool,
    now_ms: i64,
) -> Result<Option<usize>, ApiError> {
    if let Some(i) = r
        .transfers
        .iter()
        .position(|t| t.provider == provider && t.trx_id == trx_id)
    {
        return Ok(Some(i));
    }
    if !may {
        return Err(not_offered());
    }
    may_pay(r, now_ms)?;
    if r.transfers.len() >= MAX_TRANSFERS {
        return Err(ApiError::new(ErrorCode::InvalidState));
    }
    Ok(None)
}

/// Who holds a TrxID in D1 (`manual_transfers`, unique per provider and TrxID).
#[derive(Debug, PartialEq, Eq)]
pub enum Claimed {
    /// This payment: taken now, or by an earlier try whose answer was lost (its row's id).
    Ours(String),
    /// Another payment: refused, `trx_id_already_used`.
    Elsewhere,
}

/// What the row found for the TrxID means for this payment.
pub fn claimed(r: &PaymentRecord, holder_payment: &str, holder_id: &str) -> Claimed {
    if holder_payment == r.id.as_str() {
        Claimed::Ours(holder_id.to_owned())
    } else {
        Claimed::Elsewhere
    }
}

/// The transfer is the payment's to review (its row holds the TrxID): the payment waits in
/// `requires_review`; a bKash transfer is searched at once when `searchable` (the merchant
/// has a bKash number to compare with). Returns its index.
pub fn taken(r: &mut PaymentRecord, t: NewTransfer, searchable: bool, now_ms: i64) -> usize {
    let detail = json!({ "transfer": t.id, "provider": t.provider.as_str() });
    let bkash = t.provider == Provider::Bkash;
    r.transfers.push(StoredTransfer {
        id: t.id,
        provider: t.provider,
        trx_id: t.trx_id,
        sender_masked: t.sender_masked,
        voucher_key: t.voucher_key,
        status: ReviewStatus::PendingReview,
        note: None,
        created_ms: now_ms,
        decided_ms: None,
        next_search_ms: (bkash && searchable).then_some(now_ms),
        searches: 0,
        finding: (bkash && !searchable).then(|| "no_bkash_number".to_owned()),
    });
    r.error = None;
    r.touch(now_ms);
    r.apply(Event::ManualTransferSubmitted, "manual_transfer", now_ms, Some(detail));
    r.transfers.len() - 1
}

/// The transfer whose bKash search is due, if any.
pub fn search_due(r: &PaymentRecord, now_ms: i64) -> Option<usize> {
    r.transfers
        .iter()
        .position(|t| t.status == ReviewStatus::PendingReview && t.next_search_ms.is_some_and(|at| at <= now_ms))
}

/// When the object must next search, if ever.
pub fn wake_ms(r: &PaymentRecord) -> Option<i64> {
    r.transfers
        .iter()
        .filter(|t| t.status == ReviewStatus::PendingReview)
        .filter_map(|t| t.next_search_ms)
        .min()
}

/// What asking bKash about a transfer came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Searched {
    /// bKash showed a transaction by that TrxID: matched against what we expect.
    Found(Verdict),
    /// bKash knows no such transaction (a definite answer).
    NotFound,
    /// No answer (down, timeout, 5xx): ask again later.
    NoAnswer,
    /// We cannot ask (our credentials or settings): a person decides.
    CannotAsk,
}

/// Applies search's answer to transfer `i`: verified (the payment succeeds), left to a
/// person (a mismatch or not found), or asked again after a backoff step.
pub fn searched(r: &mut PaymentRecord, i: usize, answer: Searched, now_ms: i64) {
    let Some(t) = r.transfers.get_mut(i) else { return };
    if t.status != ReviewStatus::PendingReview {
        return;
    }
    match answer {
        Searched::Found(Verdict::Match) => {
            t.status = ReviewStatus::Verified;
            t.decided_ms = Some(now_ms);
            t.next_search_ms = None;
            t.finding = Some("match".into());
            let detail = json!({ "transfer": t.id, "provider": t.provider.as_str(), "by": "search" });
            r.touch(now_ms);
            paid(r, Event::ProviderSucceeded, "search", now_ms, detail);
        }
        Searched::Found(Verdict::Mismatch(m)) => {
            t.next_search_ms = None;
            t.finding = Some(m.as_str().into());
            r.touch(now_ms);
        }
        Searched::NotFound | Searched::CannotAsk => {
            t.next_search_ms = None;
            t.finding = Some(
                if answer == Searched::NotFound {
                    "not_found"
                } else {
                    "search_unavailable"
                }
                .into(),
            );
            r.touch(now_ms);
        }
        Searched::NoAnswer if now_ms >= t.created_ms.saturating_add(SEARCH_GIVE_UP_MS) => {
            t.next_search_ms = None;
            t.finding = Some("no_answer".into());
            r.touch(now_ms);
        }
        Searched::NoAnswer => {
            t.next_search_ms = Some(now_ms + recheck_delay_ms(t.searches));
            t.searches = t.searches.saturating_add(1);
            r.touch(now_ms);
        }
    }
}

/// The payment takes the transfer's money (search or a person); logged when the payment
/// can no longer take it (a wallet attempt paid meanwhile: a person returns the transfer).
fn paid(r: &mut PaymentRecord, event: Event, reason: &str, now_ms: i64, detail: serde_json::Value) {
    let was = r.status;
    r.error = None;
    match r.apply(event, reason, now_ms, Some(detail.clone())) {
        Applied::Moved(to) => crate::log::info(
            "payment_moved",
            &json!({ "payment": r.id, "status": to.as_str(), "reason": reason, "detail": detail }),
        ),
        Applied::Unchanged | Applied::Refused => crate::log::error(
            "manual_transfer_paid_after_payment_moved",
            &json!({ "payment": r.id, "status": was.as_str(), "detail": detail }),
        ),
    }
}

/// A person's decision on transfer `transfer_id`. Deciding one already decided is
/// `invalid_state`; approving one whose payment no longer waits for it (paid by a wallet
/// meanwhile, or another transfer) too. Rejecting always settles the transfer; the payment
/// fails only when it was waiting for this one.
pub fn decide(
    r: &mut PaymentRecord,
    transfer_id: &str,
    approve: bool,
    note: Option<String>,
    now_ms: i64,
) -> Result<(), ApiError> {
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(err(
            ErrorCode::InvalidRequest,
            "The request is not valid (note: at most 255 characters).",
        ));
    }
    let newest = r.transfers.len().checked_sub(1);
    let Some(i) = r.transfers.iter().position(|t| t.id == transfer_id) else {
        return Err(ApiError::new(ErrorCode::NotFound));
    };
    let waits_for_it = r.status == PaymentStatus::RequiresReview && newest == Some(i);
    let Some(t) = r.transfers.get_mut(i) else {
        return Err(ApiError::new(ErrorCode::NotFound));
    };
    if t.status.is_decided() || (approve && !waits_for_it) {
        return Err(err(
            ErrorCode::InvalidState,
            "This manual transfer was already decided, or its payment no longer waits for it.",
        ));
    }
    t.status = if approve {
        ReviewStatus::Approved
    } else {
        ReviewStatus::Rejected
    };
    t.note = note;
    t.decided_ms = Some(now_ms);
    t.next_search_ms = None;
    let detail = json!({ "transfer": t.id, "provider": t.provider.as_str(), "by": "review" });
    r.touch(now_ms);
    if approve {
        paid(r, Event::ReviewApproved, "review", now_ms, detail);
    } else if waits_for_it {
        r.error = Some(ApiError::new(ErrorCode::ManualTransferRejected).error);
        r.apply(Event::ReviewRejected, "review", now_ms, Some(detail));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::attempt::tests::started;
    use crate::payment::record::tests::record;
    use bdpay_shared::manual_transfer::verify::Mismatch;

    const PAY: &str = "pay_0123456789abcdefghijklmn";

    fn new(provider: Provider, trx: &str, id: &str) -> NewTransfer {
        NewTransfer {
            id: id.into(),
            provider,
            trx_id: trx.into(),
            sender_masked: "01XX8575".into(),
            voucher_key: None,
        }
    }

    fn in_review(provider: Provider) -> PaymentRecord {
        let mut r = record();
        offer(&mut r, 10).unwrap();
        assert_eq!(submit(&r, provider, "CKP40QZ7TM", true, 20), Ok(None));
        taken(&mut r, new(provider, "CKP40QZ7TM", "mt_1"), true, 20);
        r
    }

    #[test]
    fn instructions_stand_until_the_payment_moves_on() {
        let mut r = record();
        assert!(!offer_stands(&r, 1));
        offer(&mut r, 1).unwrap();
        assert!(offer_stands(&r, 2));
        assert!(!offer_stands(&r, r.expires_ms), "not past the payment's life");
        wallet_asked(&mut r);
        assert!(!offer_stands(&r, 2), "the shopper went for a wallet");
        offer(&mut r, 3).unwrap();
        taken(&mut r, new(Provider::Nagad, "0003K7QD", "mt_1"), false, 3);
        assert_eq!(r.status, PaymentStatus::RequiresReview);
        assert!(!offer_stands(&r, 4), "in review: nothing more to send");
    }

    #[test]
    fn nothing_is_paid_by_hand_while_a_wallet_attempt_is_unclear_or_the_payment_is_over() {
        let mut r = record();
        r.attempts.push(started(Provider::Bkash, "TR1", 0));
        r.attempts[0].status = AttemptStatus::Unknown;
        assert_eq!(offer(&mut r, 1).unwrap_err().error.code, ErrorCode::AttemptInProgress);
        r.attempts[0].status = AttemptStatus::Cancelled;
        assert!(offer(&mut r, 1).is_ok());
        assert_eq!(
            may_pay(&r, r.expires_ms).unwrap_err().error.code,
            ErrorCode::PaymentExpired
        );
        r.status = PaymentStatus::Succeeded;
        assert_eq!(may_pay(&r, 1).unwrap_err().error.code, ErrorCode::InvalidState);
    }

    #[test]
    fn the_same_trx_id_again_is_the_same_transfer_and_a_second_one_waits() {
        let r = in_review(Provider::Bkash);
        assert_eq!(r.status, PaymentStatus::RequiresReview);
        assert_eq!(r.transfers[0].next_search_ms, Some(20), "bKash is searched at once");
        assert_eq!(submit(&r, Provider::Bkash, "CKP40QZ7TM", false, 30), Ok(Some(0)));
        let other = submit(&r, Provider::Bkash, "CKQ51RA8UN", true, 30).unwrap_err();
        assert_eq!(
            other.error.code,
            ErrorCode::InvalidState,
            "one transfer in review at a time"
        );
        assert_eq!(
            submit(&r, Provider::Nagad, "CKP40QZ7TM", true, 30)
                .unwrap_err()
                .error
                .code,
            ErrorCode::InvalidState,
            "the same text at the other wallet is another transfer"
        );
        let fresh = record();
        assert_eq!(
            submit(&fresh, Provider::Bkash, "CKP40QZ7TM", false, 1)
                .unwrap_err()
                .error
                .code,
            ErrorCode::InvalidRequest,
            "not offered"
        );
    }

    #[test]
    fn a_trx_id_held_by_another_payment_is_refused_and_our_own_row_is_taken_back() {
        let r = record();
        assert_eq!(claimed(&r, PAY, "mt_9"), Claimed::Ours("mt_9".into()));
        assert_eq!(claimed(&r, "pay_zzzzzzzzzzzzzzzzzzzzzzzz", "mt_9"), Claimed::Elsewhere);
    }

    #[test]
    fn search_verifies_a_match_and_leaves_anything_else_to_a_person() {
        let mut r = in_review(Provider::Bkash);
        assert_eq!(search_due(&r, 19), None);
        assert_eq!(search_due(&r, 20), Some(0));
        searched(&mut r, 0, Searched::Found(Verdict::Match), 25);
        assert_eq!(r.status, PaymentStatus::Succeeded);
        assert_eq!(r.transfers[0].status, ReviewStatus::Verified);
        let money = r.money_source();
        assert_eq!(
            (money.provider, money.reference, money.trx_id),
            (Some(Provider::Bkash), None, Some("CKP40QZ7TM"))
        );
        assert_eq!(wake_ms(&r), None);
        let events: Vec<&str> = r.outbox_webhooks.iter().map(|w| w.event_type.as_str()).collect();
        assert_eq!(events, ["payment.requires_review", "payment.succeeded"]);

        for (answer, finding) in [
            (Searched::Found(Verdict::Mismatch(Mismatch::Receiver)), "receiver"),
            (Searched::NotFound, "not_found"),
            (Searched::CannotAsk, "search_unavailable"),
        ] {
            let mut r = in_review(Provider::Bkash);
            searched(&mut r, 0, answer, 25);
            assert_eq!(r.status, PaymentStatus::RequiresReview, "{finding}");
            assert_eq!(r.transfers[0].status, ReviewStatus::PendingReview);
            assert_eq!(r.transfers[0].finding.as_deref(), Some(finding));
            assert_eq!(wake_ms(&r), None, "nothing more to ask: a person decides");
        }
    }

    #[test]
    fn an_unanswered_search_is_asked_again_with_backoff_until_it_gives_up() {
        let mut r = in_review(Provider::Bkash);
        searched(&mut r, 0, Searched::NoAnswer, 100);
        assert_eq!(wake_ms(&r), Some(5_100));
        searched(&mut r, 0, Searched::NoAnswer, 5_100);
        assert_eq!(wake_ms(&r), Some(15_100));
        assert_eq!(r.status, PaymentStatus::RequiresReview);
        searched(&mut r, 0, Searched::NoAnswer, 20 + SEARCH_GIVE_UP_MS);
        assert_eq!(wake_ms(&r), None);
        assert_eq!(r.transfers[0].finding.as_deref(), Some("no_answer"));
    }

    #[test]
    fn nagad_transfers_wait_for_a_person() {
        let mut r = in_review(Provider::Nagad);
        assert_eq!(wake_ms(&r), None, "Nagad has no search");
        decide(&mut r, "mt_1", true, Some("seen in the Nagad app".into()), 50).unwrap();
        assert_eq!(r.status, PaymentStatus::Succeeded);
        assert_eq!(r.transfers[0].status, ReviewStatus::Approved);
        let again = decide(&mut r, "mt_1", false, None, 60).unwrap_err();
        assert_eq!(again.error.code, ErrorCode::InvalidState, "decided once");
        let money = r.money_source();
        assert_eq!(
            (money.provider, money.trx_id),
            (Some(Provider::Nagad), Some("CKP40QZ7TM"))
        );
    }

    #[test]
    fn a_rejected_transfer_fails_the_payment_with_its_own_error() {
        let mut r = in_review(Provider::Nagad);
        assert_eq!(
            decide(&mut r, "mt_2", false, None, 50).unwrap_err().error.code,
            ErrorCode::NotFound
        );
        let long = "x".repeat(MAX_NOTE + 1);
        assert_eq!(
            decide(&mut r, "mt_1", false, Some(long), 50).unwrap_err().error.code,
            ErrorCode::InvalidRequest
        );
        decide(&mut r, "mt_1", false, Some("no such transfer".into()), 50).unwrap();
        assert_eq!(r.status, PaymentStatus::Failed);
        assert_eq!(
            r.error.as_ref().map(|e| e.code),
            Some(ErrorCode::ManualTransferRejected)
        );
        assert_eq!(r.money_source().trx_id, None);
        // The shopper may try again with another transfer while the payment is open.
        assert_eq!(submit(&r, Provider::Nagad, "0004ABCD", true, 60), Ok(None));
    }

    #[test]
    fn a_transfer_is_not_approved_once_a_wallet_attempt_paid_the_payment() {
        let mut r = in_review(Provider::Nagad);
        r.status = PaymentStatus::Succeeded;
        let e = decide(&mut r, "mt_1", true, None, 50).unwrap_err();
        assert_eq!(e.error.code, ErrorCode::InvalidState);
        decide(&mut r, "mt_1", false, Some("returned by hand".into()), 50).unwrap();
        assert_eq!(
            r.status,
            PaymentStatus::Succeeded,
            "rejecting the extra transfer leaves the payment"
        );
    }
}
