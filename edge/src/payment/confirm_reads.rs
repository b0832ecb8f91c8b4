//! What a confirm reads from D1 before it decides, sent as one batch: the merchant's
//! manual-transfer settings, who holds the order's claim, and the merchant's own provider
//! credentials. Read one by one they were three round trips to D1 on every confirm
//! (docs/performance.md, "Fewer round trips per confirm"); what each answer means, and what a
//! failed read means, is as when each is read alone.

use bdpay_shared::provider::Provider;
use worker::Env;

use super::record::PaymentRecord;
use crate::crypto::DataKeys;
use crate::ledger::order_claims::{self, Holder};
use crate::ledger::{credentials, manual_settings};
use crate::providers::credentials::Credential;
use crate::providers::{merchant_config, AnyProvider, ProviderFailure};

/// The answers, each read (or not) on its own terms.
pub struct ConfirmReads {
    /// The merchant's manual-transfer settings; `None` when it has none or they could not be
    /// read (logged), which offers no manual transfer.
    pub manual: Option<manual_settings::Settings>,
    /// Who held the order's claim when the confirm began; `None` also when unread (the claim
    /// taken when the money moves is what decides; this only refuses early).
    holder: Option<Holder>,
    /// The merchant's credentials in the payment's mode; `None` when they could not be read
    /// here ([`ConfirmReads::client`] then reads them on their own, as before the batch).
    credentials: Option<Vec<Credential>>,
}

impl ConfirmReads {
    /// Reads the three in one batch. A batch that fails leaves each as unread.
    pub async fn read(env: &Env, keys: &DataKeys, r: &PaymentRecord) -> ConfirmReads {
        let unread = |cause: &str| ConfirmReads {
            manual: manual_settings::unread(&r.merchant_id, cause),
            holder: None,
            credentials: None,
        };
        let db = match env.d1("DB") {
            Ok(db) => db,
            Err(e) => return unread(&e.to_string()),
        };
        let batch = async {
            let [modes, wallets] = manual_settings::statements(&db, &r.merchant_id)?;
            let holder = order_claims::holder_statement(&db, &r.merchant_id, r.order_id.as_str())?;
            let own = credentials::for_merchant_statement(&db, &r.merchant_id, r.mode)?;
            db.batch(vec![modes, wallets, holder, own]).await
        };
        let results = match batch.await {
            Ok(results) if results.len() == 4 => results,
            Ok(results) => return unread(&format!("{} answers to 4 statements", results.len())),
            Err(e) => return unread(&e.to_string()),
        };
        let manual = manual_settings::from_results(keys, &r.merchant_id, &results[0], &results[1])
            .unwrap_or_else(|e| manual_settings::unread(&r.merchant_id, &e.to_string()));
        ConfirmReads {
            manual,
            holder: order_claims::holder_from(&results[2]).ok().flatten(),
            credentials: credentials::opened(keys, &r.merchant_id, r.mode, &results[3]).ok(),
        }
    }

    /// Whether another payment of the order had been paid when the confirm began.
    pub fn paid_elsewhere(&self, r: &PaymentRecord) -> bool {
        self.holder.as_ref().is_some_and(|h| h.paid_other_than(r.id.as_str()))
    }

    /// A client for `p` with the merchant's credentials read here (read again if they were not).
    pub async fn client(&self, env: &Env, r: &PaymentRecord, p: Provider) -> Result<AnyProvider, ProviderFailure> {
        merchant_config::client(env, &r.merchant_id, r.mode, p, self.credentials.as_deref()).await
    }
}
