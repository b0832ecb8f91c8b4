//! Data keys over time: where every ciphertext is bound ([`binding`]), who may rotate
//! ([`guard`]), the re-encryption job ([`rotation`], pure) and the Durable Object that runs
//! it ([`object`]) with its D1 statements ([`store`]). The envelope format itself is
//! `bdpay_shared::crypto::envelope`; the keys come from secrets (`crate::crypto::DataKeys`).
//!
//! Ciphertexts and who re-seals them:
//! - payments' phone: in the payment object's record and (copied from it) in
//!   `payments.customer_phone_enc`; the rotation asks the object ([`rekey_record`]), which
//!   stores the record and lets its outbox rewrite the D1 row.
//! - `webhook_endpoints.secret_enc`, `idempotency_keys.response`, `merchant_credentials.sealed`,
//!   `merchant_wallets.number_enc`, `manual_transfers.sender_phone_enc`: re-sealed in D1 in place.

pub mod binding;
pub mod guard;
pub mod object;
pub mod rotation;
mod store;

use crate::crypto::DataKeys;
use crate::payment::record::PaymentRecord;

/// Re-seals the record's phone under the current key, bound to the payment, and queues the
/// ledger row (a new version, so D1 takes it; `updated_ms` stays: nothing happened to the
/// payment). A record without a phone, or already current, still rewrites its row: the
/// rotation asks only when D1 shows a stale value.
pub fn rekey_record(keys: &DataKeys, r: &mut PaymentRecord) -> Result<(), String> {
    if let Some(phone) = r.customer_phone.as_mut() {
        if let Some(fresh) = keys.rewrap(&binding::payment_phone(r.id.as_str()), &phone.enc)? {
            phone.enc = fresh;
        }
    }
    if let Some(nid) = r.checkout.nid.as_mut() {
        if let Some(fresh) = keys.rewrap(&binding::payment_nid(r.id.as_str()), &nid.enc)? {
            nid.enc = fresh;
        }
    }
    if let Some(alt) = r.checkout.alt_phone.as_mut() {
        if let Some(fresh) = keys.rewrap(&binding::payment_alt_phone(r.id.as_str()), &alt.enc)? {
            alt.enc = fresh;
        }
    }
    r.version += 1;
    r.outbox_row = true;
    Ok(())
}
