//! The rotation's D1 statements: the next rows whose ciphertext is not under the target key
//! (by rowid, after a cursor), a compare-and-swap to put the re-sealed value back, and the
//! count of what is left. Values are always bound; the SQL per table is fixed text.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::binding;
use super::rotation::Table;
use crate::ledger::int;

/// A row holding a ciphertext not under the target key.
#[derive(Deserialize)]
pub struct Row {
    pub rid: i64,
    /// The row's id (`pay_…`, `we_…`) or, for stored replies, the idempotency key.
    pub id: String,
    #[serde(default)]
    pub merchant_id: Option<String>,
    pub enc: String,
}

impl Row {
    /// Where this row's ciphertext is bound.
    pub fn binding(&self, table: Table) -> String {
        match table {
            Table::Payments => binding::payment_phone(&self.id),
            Table::WebhookEndpoints => binding::webhook_secret(&self.id),
            Table::IdempotencyKeys => binding::idempotent_response(self.merchant_id.as_deref().unwrap_or(""), &self.id),
            Table::MerchantCredentials => {
                binding::merchant_credential(self.merchant_id.as_deref().unwrap_or(""), &self.id)
            }
            Table::AlertContacts => binding::alert_contact(self.merchant_id.as_deref().unwrap_or(""), &self.id),
            Table::MerchantWallets => binding::merchant_wallet(self.merchant_id.as_deref().unwrap_or(""), &self.id),
            Table::ManualTransfers => binding::transfer_sender(&self.id),
            Table::Payees => binding::payee_account(&self.id),
        }
    }
}

// ?1 rowid cursor, ?2 the target prefix `v1.<kid>.`, ?3 limit.
const STALE_PAYMENTS: &str = "SELECT rowid AS rid, id, customer_phone_enc AS enc FROM payments \
    WHERE rowid > ?1 AND customer_phone_enc IS NOT NULL AND customer_phone_enc <> '' \
    AND substr(customer_phone_enc, 1, length(?2)) <> ?2 ORDER BY rowid LIMIT ?3";
const STALE_ENDPOINTS: &str = "SELECT rowid AS rid, id, merchant_id, secret_enc AS enc FROM webhook_endpoints \
    WHERE rowid > ?1 AND substr(secret_enc, 1, length(?2)) <> ?2 ORDER BY rowid LIMIT ?3";
const STALE_REPLIES: &str = "SELECT rowid AS rid, key AS id, merchant_id, response AS enc FROM idempotency_keys \
    WHERE rowid > ?1 AND status_code > 0 AND response <> '' \
    AND substr(response, 1, length(?2)) <> ?2 ORDER BY rowid LIMIT ?3";
// The row's id is `<mode>/<provider>`, as `ledger::credentials::slot` names it.
const STALE_CREDENTIALS: &str = "SELECT rowid AS rid, mode || '/' || provider AS id, merchant_id, sealed AS enc \
    FROM merchant_credentials WHERE rowid > ?1 AND substr(sealed, 1, length(?2)) <> ?2 ORDER BY rowid LIMIT ?3";
// The row's id is its `provider`, beside its merchant (`binding::merchant_wallet`).
const STALE_CONTACTS: &str = "SELECT rowid AS rid, CAST(slot AS TEXT) AS id, merchant_id, number_enc AS enc \
    FROM merchant_alert_contacts WHERE rowid > ?1 AND substr(number_enc, 1, length(?2)) <> ?2 ORDER BY rowid LIMIT ?3";
const STALE_WALLETS: &str = "SELECT rowid AS rid, provider AS id, merchant_id, number_enc AS enc \
    FROM merchant_wallets WHERE rowid > ?1 AND substr(number_enc, 1, length(?2)) <> ?2 ORDER BY rowid LIMIT ?3";
const STALE_TRANSFERS: &str = "SELECT rowid AS rid, id, merchant_id, sender_phone_enc AS enc \
    FROM manual_transfers WHERE rowid > ?1 AND substr(sender_phone_enc, 1, length(?2)) <> ?2 ORDER BY rowid LIMIT ?3";
const STALE_PAYEES: &str = "SELECT rowid AS rid, id, merchant_id, account_enc AS enc \
    FROM payees WHERE rowid > ?1 AND substr(account_enc, 1, length(?2)) <> ?2 ORDER BY rowid LIMIT ?3";

const LEFT_PAYMENTS: &str = "SELECT COUNT(*) AS n FROM payments WHERE customer_phone_enc IS NOT NULL \
    AND customer_phone_enc <> '' AND substr(customer_phone_enc, 1, length(?1)) <> ?1";
const LEFT_ENDPOINTS: &str =
    "SELECT COUNT(*) AS n FROM webhook_endpoints WHERE substr(secret_enc, 1, length(?1)) <> ?1";
const LEFT_REPLIES: &str = "SELECT COUNT(*) AS n FROM idempotency_keys WHERE status_code > 0 AND response <> '' \
    AND substr(response, 1, length(?1)) <> ?1";
const LEFT_CREDENTIALS: &str =
    "SELECT COUNT(*) AS n FROM merchant_credentials WHERE substr(sealed, 1, length(?1)) <> ?1";
const LEFT_CONTACTS: &str =
    "SELECT COUNT(*) AS n FROM merchant_alert_contacts WHERE substr(number_enc, 1, length(?1)) <> ?1";
const LEFT_WALLETS: &str = "SELECT COUNT(*) AS n FROM merchant_wallets WHERE substr(number_enc, 1, length(?1)) <> ?1";
const LEFT_TRANSFERS: &str =
    "SELECT COUNT(*) AS n FROM manual_transfers WHERE substr(sender_phone_enc, 1, length(?1)) <> ?1";
const LEFT_PAYEES: &str = "SELECT COUNT(*) AS n FROM payees WHERE substr(account_enc, 1, length(?1)) <> ?1";

/// Up to `table.batch()` rows after `cursor` not sealed under `prefix`.
pub async fn stale(db: &D1Database, table: Table, cursor: i64, prefix: &str) -> worker::Result<Vec<Row>> {
    let sql = match table {
        Table::Payments => STALE_PAYMENTS,
        Table::WebhookEndpoints => STALE_ENDPOINTS,
        Table::IdempotencyKeys => STALE_REPLIES,
        Table::MerchantCredentials => STALE_CREDENTIALS,
        Table::MerchantWallets => STALE_WALLETS,
        Table::AlertContacts => STALE_CONTACTS,
        Table::ManualTransfers => STALE_TRANSFERS,
        Table::Payees => STALE_PAYEES,
    };
    db.prepare(sql)
        .bind(&[int(cursor), prefix.into(), int(table.batch() as i64)])?
        .all()
        .await?
        .results()
}

/// Rows of `table` not sealed under `prefix` (legacy, old keys, or damaged).
pub async fn left(db: &D1Database, table: Table, prefix: &str) -> worker::Result<i64> {
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    let sql = match table {
        Table::Payments => LEFT_PAYMENTS,
        Table::WebhookEndpoints => LEFT_ENDPOINTS,
        Table::IdempotencyKeys => LEFT_REPLIES,
        Table::MerchantCredentials => LEFT_CREDENTIALS,
        Table::MerchantWallets => LEFT_WALLETS,
        Table::AlertContacts => LEFT_CONTACTS,
        Table::ManualTransfers => LEFT_TRANSFERS,
        Table::Payees => LEFT_PAYEES,
    };
    let n: Option<N> = db.prepare(sql).bind(&[prefix.into()])?.first(None).await?;
    Ok(n.map_or(0, |n| n.n))
}

/// Puts `fresh` in place of the row's old value, only if it is still that value (a write
/// since then already sealed under the current key and wins). Not for payments: their
/// object writes them.
pub fn replace(db: &D1Database, table: Table, row: &Row, fresh: &str) -> worker::Result<Option<D1PreparedStatement>> {
    let stmt = match table {
        Table::Payments => return Ok(None),
        Table::WebhookEndpoints => db
            .prepare("UPDATE webhook_endpoints SET secret_enc = ?1 WHERE id = ?2 AND secret_enc = ?3")
            .bind(&[fresh.into(), row.id.as_str().into(), row.enc.as_str().into()])?,
        Table::IdempotencyKeys => db
            .prepare("UPDATE idempotency_keys SET response = ?1 WHERE merchant_id = ?2 AND key = ?3 AND response = ?4")
            .bind(&[
                fresh.into(),
                row.merchant_id.as_deref().unwrap_or("").into(),
                row.id.as_str().into(),
                row.enc.as_str().into(),
            ])?,
        Table::MerchantCredentials => {
            let (mode, provider) = row.id.split_once('/').unwrap_or((row.id.as_str(), ""));
            db.prepare(
                "UPDATE merchant_credentials SET sealed = ?1 \
                 WHERE merchant_id = ?2 AND mode = ?3 AND provider = ?4 AND sealed = ?5",
            )
            .bind(&[
                fresh.into(),
                row.merchant_id.as_deref().unwrap_or("").into(),
                mode.into(),
                provider.into(),
                row.enc.as_str().into(),
            ])?
        }
        Table::AlertContacts => db
            .prepare(
                "UPDATE merchant_alert_contacts SET number_enc = ?1 \
                 WHERE merchant_id = ?2 AND slot = CAST(?3 AS INTEGER) AND number_enc = ?4",
            )
            .bind(&[
                fresh.into(),
                row.merchant_id.as_deref().unwrap_or("").into(),
                row.id.as_str().into(),
                row.enc.as_str().into(),
            ])?,
        Table::MerchantWallets => db
            .prepare(
                "UPDATE merchant_wallets SET number_enc = ?1 WHERE merchant_id = ?2 AND provider = ?3 AND number_enc = ?4",
            )
            .bind(&[
                fresh.into(),
                row.merchant_id.as_deref().unwrap_or("").into(),
                row.id.as_str().into(),
                row.enc.as_str().into(),
            ])?,
        Table::ManualTransfers => db
            .prepare("UPDATE manual_transfers SET sender_phone_enc = ?1 WHERE id = ?2 AND sender_phone_enc = ?3")
            .bind(&[fresh.into(), row.id.as_str().into(), row.enc.as_str().into()])?,
        Table::Payees => db
            .prepare("UPDATE payees SET account_enc = ?1 WHERE id = ?2 AND account_enc = ?3")
            .bind(&[fresh.into(), row.id.as_str().into(), row.enc.as_str().into()])?,
    };
    Ok(Some(stmt))
}
