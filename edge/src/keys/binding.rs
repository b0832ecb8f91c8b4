//! Where each ciphertext lives, as the AES-GCM associated data it is sealed with:
//! `<table>/<column>/<row id>`. One function per place, so a new ciphertext column gets its
//! binding here, and the rotation (`keys::store`) and the callers can never disagree.
//!
//! | place | binding |
//! | --- | --- |
//! | payment's phone (its Durable Object record and the `payments` row, the same value) | `payments/customer_phone/<pay_…>` |
//! | payment's NID and alternate phone (its object's record only) | `payments/nid/<pay_…>`, `payments/alt_phone/<pay_…>` |
//! | webhook endpoint's signing secret | `webhook_endpoints/secret/<we_…>` |
//! | stored idempotent reply (row key: merchant and key) | `idempotency_keys/response/<mer_…>/<key>` |
//! | a merchant's provider credential (row key: merchant, mode, provider) | `merchant_credentials/sealed/<mer_…>/<mode>/<provider>` |
//! | a merchant's ops number for P1 alerts (row key: merchant, slot) | `merchant_alert_contacts/number/<mer_…>/<slot>` |
//! | a merchant's wallet number for manual transfers (row key: merchant, provider) | `merchant_wallets/number/<mer_…>/<provider>` |
//! | a manual transfer's sender number | `manual_transfers/sender_phone/<mt_…>` |
//! | a payee's bank account number | `payees/account/<pye_…>` |

/// A payment's phone number: in its object's record (`customer_phone.enc`) and in D1
/// (`payments.customer_phone_enc`), written there from the record.
pub fn payment_phone(payment_id: &str) -> String {
    format!("payments/customer_phone/{payment_id}")
}

/// A payment's NID (compliance), in its object's record only.
pub fn payment_nid(payment_id: &str) -> String {
    format!("payments/nid/{payment_id}")
}

/// A payment's alternate phone (compliance), in its object's record only.
pub fn payment_alt_phone(payment_id: &str) -> String {
    format!("payments/alt_phone/{payment_id}")
}

/// A webhook endpoint's signing secret (`webhook_endpoints.secret_enc`).
pub fn webhook_secret(endpoint_id: &str) -> String {
    format!("webhook_endpoints/secret/{endpoint_id}")
}

/// A stored answer to an `Idempotency-Key` (`idempotency_keys.response`); the row's key is
/// (merchant, key). The merchant id has no `/` and comes first, so the pair reads back
/// unambiguously even when the key itself holds a `/`.
pub fn idempotent_response(merchant_id: &str, key: &str) -> String {
    format!("idempotency_keys/response/{merchant_id}/{key}")
}

/// A merchant's own credential for one provider in one mode (`merchant_credentials.sealed`).
/// The rotation reads the row's key back as `id` = `<mode>/<provider>` beside its merchant.
pub fn merchant_credential(merchant_id: &str, mode_and_provider: &str) -> String {
    format!("merchant_credentials/sealed/{merchant_id}/{mode_and_provider}")
}

/// One of a merchant's ops numbers for P1 alerts (`merchant_alert_contacts.number_enc`; row
/// key: merchant, slot).
pub fn alert_contact(merchant_id: &str, slot: &str) -> String {
    format!("merchant_alert_contacts/number/{merchant_id}/{slot}")
}

/// A merchant's own wallet number that receives manual transfers (`merchant_wallets.number_enc`).
/// The rotation reads the row's key back as `id` = `<provider>` beside its merchant.
pub fn merchant_wallet(merchant_id: &str, provider: &str) -> String {
    format!("merchant_wallets/number/{merchant_id}/{provider}")
}

/// The number a shopper sent a manual transfer from (`manual_transfers.sender_phone_enc`).
pub fn transfer_sender(transfer_id: &str) -> String {
    format!("manual_transfers/sender_phone/{transfer_id}")
}

/// A payee's bank account number (`payees.account_enc`).
pub fn payee_account(payee_id: &str) -> String {
    format!("payees/account/{payee_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_name_table_column_and_row() {
        assert_eq!(payment_phone("pay_1"), "payments/customer_phone/pay_1");
        assert_eq!(webhook_secret("we_1"), "webhook_endpoints/secret/we_1");
        assert_eq!(
            idempotent_response("mer_1", "a/b"),
            "idempotency_keys/response/mer_1/a/b"
        );
        assert_ne!(idempotent_response("mer_1", "x"), idempotent_response("mer_2", "x"));
        assert_eq!(merchant_wallet("mer_1", "bkash"), "merchant_wallets/number/mer_1/bkash");
        assert_eq!(transfer_sender("mt_1"), "manual_transfers/sender_phone/mt_1");
    }
}
