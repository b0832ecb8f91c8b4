//! The payment object's hands for manual transfers: reads the merchant's settings, claims a
//! submitted TrxID in D1 (once across all payments), and asks bKash's search about a
//! transfer from the alarm, giving each answer to `payment::manual`. Runs only inside the
//! object, under its lock.

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::manual_transfer::offer;
use bdpay_shared::manual_transfer::verify::{self, Expected};
use bdpay_shared::provider::Provider;
use serde_json::json;

use super::decide;
use super::flow::{self, Ctx};
use super::manual::{self, Claimed, Searched};
use super::record::PaymentRecord;
use super::stored_transfer::NewTransfer;
use crate::config::EdgeConfig;
use crate::ledger::manual_settings;
use crate::ledger::manual_transfers::{self, NewRow};
use crate::providers::bkash::Bkash;
use crate::providers::FailureKind;

/// A transfer the shopper submitted, sealed by the worker.
pub struct Submission {
    pub transfer: NewTransfer,
    /// The sender's number sealed for `binding::transfer_sender(transfer.id)`.
    pub sender_enc: String,
}

/// Takes a submitted transfer: the same one again changes nothing; a new one is checked
/// against the merchant's settings and the payment, its TrxID claimed in D1 (409
/// `trx_id_already_used` when another payment holds it), and the payment waits in
/// `requires_review`. Nothing is written when it is refused.
pub async fn submit(ctx: &Ctx<'_>, r: &mut PaymentRecord, s: Submission, now_ms: i64) -> Result<(), ApiError> {
    let t = &s.transfer;
    if manual::submit(r, t.provider, &t.trx_id, true, now_ms)?.is_some() {
        return Ok(()); // the same transfer again: answered as before
    }
    let Some(settings) = manual_settings::load(ctx.env, &r.merchant_id).await else {
        return Err(ApiError::new(ErrorCode::InternalError));
    };
    let up = flow::availability(ctx.env, r).await;
    let may = offer::may_submit(
        settings.setting(),
        t.provider,
        r.manual_offered_ms.is_some(),
        decide::wallet_usable(r, up),
    );
    manual::submit(r, t.provider, &t.trx_id, may, now_ms)?;
    if flow::paid_elsewhere(ctx, r).await {
        return Err(ApiError::new(ErrorCode::OrderAlreadyPaid));
    }
    // A Nagad page left open may have been paid meanwhile: it stands (checked again below).
    let looks = decide::before_switch(r);
    if !looks.is_empty() {
        flow::run(ctx, r, looks, now_ms).await;
        manual::submit(r, t.provider, &t.trx_id, may, now_ms)?;
    }
    let db = ctx.env.d1("DB").map_err(|_| ApiError::new(ErrorCode::InternalError))?;
    let row = NewRow {
        id: &t.id,
        payment_id: r.id.as_str(),
        merchant_id: &r.merchant_id,
        mode: r.mode,
        provider: t.provider,
        trx_id: &t.trx_id,
        sender_masked: &t.sender_masked,
        sender_enc: &s.sender_enc,
        amount_poisha: r.amount.poisha(),
        voucher_key: t.voucher_key.as_deref(),
        created_ms: now_ms,
    };
    let holder = manual_transfers::claim(&db, &row).await.map_err(|cause| {
        crate::log::error(
            "manual_transfer_claim_failed",
            &json!({ "payment": r.id, "cause": cause }),
        );
        ApiError::new(ErrorCode::InternalError)
    })?;
    let id = match manual::claimed(r, &holder.payment_id, &holder.id) {
        Claimed::Ours(id) => id,
        Claimed::Elsewhere => {
            crate::log::warn(
                "manual_transfer_trx_reused",
                &json!({ "payment": r.id, "provider": t.provider.as_str(), "held_by": holder.payment_id }),
            );
            return Err(ApiError::new(ErrorCode::TrxIdAlreadyUsed));
        }
    };
    let searchable = settings.number(Provider::Bkash).is_some();
    let transfer = NewTransfer { id, ..s.transfer };
    crate::log::info(
        "manual_transfer_taken",
        &json!({ "payment": r.id, "transfer": transfer.id, "provider": transfer.provider.as_str(),
                 "sender": transfer.sender_masked, "voucher": transfer.voucher_key.is_some() }),
    );
    manual::taken(r, transfer, searchable, now_ms);
    Ok(())
}

/// The alarm's part: bKash's search of a transfer that is due, matched against the payment
/// (amount, the merchant's bKash number, the sender, the payment's life).
pub async fn searches(ctx: &Ctx<'_>, r: &mut PaymentRecord, now_ms: i64) {
    let Some(i) = manual::search_due(r, now_ms) else { return };
    let answer = search(ctx, r, i, now_ms).await;
    let now_ms = crate::clock::now_ms(); // the answer's time, not the alarm's
    if let Some(t) = r.transfers.get(i) {
        crate::log::info(
            "manual_transfer_searched",
            &json!({ "payment": r.id, "transfer": t.id, "answer": format!("{answer:?}"), "searches": t.searches }),
        );
    }
    manual::searched(r, i, answer, now_ms);
}

async fn search(ctx: &Ctx<'_>, r: &mut PaymentRecord, i: usize, now_ms: i64) -> Searched {
    let Some(t) = r.transfers.get(i).cloned() else {
        return Searched::CannotAsk;
    };
    let (Ok(config), Some(settings)) = (
        EdgeConfig::from_env(ctx.env),
        manual_settings::load(ctx.env, &r.merchant_id).await,
    ) else {
        return Searched::NoAnswer;
    };
    let Some(receiver) = settings.number(Provider::Bkash).copied() else {
        return Searched::CannotAsk;
    };
    let sender = match ctx.env.d1("DB") {
        Ok(db) => manual_transfers::sender_enc(&db, &t.id).await.ok().flatten(),
        Err(_) => None,
    };
    let Some(sender) = sender.and_then(|enc| {
        let at = crate::keys::binding::transfer_sender(&t.id);
        config.data_keys.decrypt_phone(&at, &enc).ok()
    }) else {
        return Searched::NoAnswer;
    };
    let client = match crate::providers::merchant_config::load(ctx.env, &r.merchant_id, r.mode, Provider::Bkash).await {
        Ok(c) => Bkash::new(&c, ctx.env, &r.merchant_id),
        Err(f) => Err(f),
    };
    let mut calls = Vec::new();
    let result = match client {
        Ok(c) => c.search(&t.trx_id, &mut calls).await,
        Err(f) => Err(f),
    };
    r.note_calls(&calls, crate::clock::now_ms());
    match result {
        Ok(found) => {
            let want = Expected {
                amount: r.amount,
                receiver: &receiver,
                sender: &sender,
                not_before_ms: r.created_ms,
                not_after_ms: t.created_ms.min(r.expires_ms).max(r.created_ms),
            };
            Searched::Found(verify::check(&want, &found.as_found()))
        }
        Err(f) => match f.kind {
            FailureKind::Declined => Searched::NotFound,
            FailureKind::Unknown => Searched::NoAnswer,
            FailureKind::Config | FailureKind::Mismatch => {
                crate::log::error(
                    "manual_transfer_search_failed",
                    &json!({ "payment": r.id, "code": f.provider_code, "kind": f.kind, "at": now_ms }),
                );
                Searched::CannotAsk
            }
        },
    }
}
