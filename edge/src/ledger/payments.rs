//! Payments in the ledger: written only from a payment's Durable Object (its outbox), read
//! by the routes for look-ups by order or provider reference.

use bdpay_shared::provider::Provider;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{int, opt};
use crate::payment::record::PaymentRecord;

const UPSERT: &str =
    "INSERT INTO payments (id, merchant_id, mode, order_id, amount_poisha, refunded_poisha, currency, \
    status, provider, provider_ref, provider_trx_id, customer_phone_masked, customer_phone_hash, customer_phone_enc, \
    return_url, metadata, error_code, error_provider_code, created_at, updated_at, version) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'BDT', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) \
    ON CONFLICT(id) DO UPDATE SET refunded_poisha = excluded.refunded_poisha, status = excluded.status, \
    provider = excluded.provider, provider_ref = excluded.provider_ref, provider_trx_id = excluded.provider_trx_id, \
    customer_phone_masked = excluded.customer_phone_masked, customer_phone_hash = excluded.customer_phone_hash, \
    customer_phone_enc = excluded.customer_phone_enc, error_code = excluded.error_code, \
    error_provider_code = excluded.error_provider_code, updated_at = excluded.updated_at, version = excluded.version \
    WHERE excluded.version > payments.version";

const UPSERT_ATTEMPT: &str = "INSERT INTO payment_attempts (payment_id, n, provider, provider_ref, status, \
    provider_trx_id, created_at, version, invoice, paid_at, payer_masked) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
    ON CONFLICT(payment_id, n) DO UPDATE SET status = excluded.status, provider_trx_id = excluded.provider_trx_id, \
    version = excluded.version, invoice = excluded.invoice, paid_at = excluded.paid_at, \
    payer_masked = excluded.payer_masked WHERE excluded.version > payment_attempts.version";

const UPSERT_CHECKOUT: &str = "INSERT INTO payment_checkout (payment_id, merchant_id, mode, phone_hash, device_hash, \
    confirmed_at, risk_score, risk_decision, risk_reasons, cohort, promotion_provider, promotion_kind, cashback_poisha, \
    vat_poisha, withholding_poisha, nid_masked, alt_phone_masked, created_at, version) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) \
    ON CONFLICT(payment_id) DO UPDATE SET phone_hash = excluded.phone_hash, device_hash = excluded.device_hash, \
    confirmed_at = excluded.confirmed_at, risk_score = excluded.risk_score, risk_decision = excluded.risk_decision, \
    risk_reasons = excluded.risk_reasons, promotion_provider = excluded.promotion_provider, \
    promotion_kind = excluded.promotion_kind, cashback_poisha = excluded.cashback_poisha, \
    nid_masked = excluded.nid_masked, alt_phone_masked = excluded.alt_phone_masked, version = excluded.version \
    WHERE excluded.version > payment_checkout.version";

const INSERT_EVENT: &str =
    "INSERT OR IGNORE INTO payment_events (payment_id, version, status, reason, detail, created_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

const INSERT_CALL: &str = "INSERT INTO provider_calls (payment_id, provider, op, http_status, provider_code, outcome, \
    latency_ms, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// The `payment_checkout` row (migration 0012): what the risk rules count, and what the
/// cohort and finance reports read.
fn checkout_values(r: &PaymentRecord) -> [JsValue; 19] {
    let c = &r.checkout;
    let risk = c.risk.as_ref();
    let reasons = risk.and_then(|x| serde_json::to_string(&x.reasons).ok());
    let decision = risk.and_then(|x| serde_json::to_value(x.decision).ok());
    let tax = c.tax;
    [
        r.id.as_str().into(),
        r.merchant_id.as_str().into(),
        r.mode.as_str().into(),
        opt(r.customer_phone.as_ref().map(|p| p.hash.as_str())),
        opt(c.device_hash.as_deref()),
        r.attempts.first().map_or(JsValue::NULL, |a| int(a.created_ms)),
        risk.map_or(JsValue::NULL, |x| int(i64::from(x.score))),
        opt(decision.as_ref().and_then(|d| d.as_str())),
        opt(reasons.as_deref()),
        opt(c.cohort.as_deref()),
        opt(c.offer.map(|o| o.provider.as_str())),
        opt(c.offer.map(|o| o.kind.as_str())),
        int(c.offer.map_or(0, |o| o.cashback().poisha())),
        int(tax.map_or(0, |t| t.vat.poisha())),
        int(tax.map_or(0, |t| t.withholding.poisha())),
        opt(c.nid.as_ref().map(|n| n.masked.as_str())),
        opt(c.alt_phone.as_ref().map(|p| p.masked.as_str())),
        int(r.created_ms),
        int(r.version as i64),
    ]
}

/// Writes the record's outbox in one batch (one transaction). On success the caller clears it.
pub async fn write_outbox(db: &D1Database, r: &PaymentRecord) -> Result<(), String> {
    let mut statements = Vec::new();
    let err = |e: worker::Error| e.to_string();
    if r.outbox_row {
        let phone = r.customer_phone.as_ref();
        let money = r.money_source();
        let metadata = r.metadata.as_ref().map(|m| m.to_string());
        let values: [JsValue; 20] = [
            r.id.as_str().into(),
            r.merchant_id.as_str().into(),
            r.mode.as_str().into(),
            r.order_id.as_str().into(),
            int(r.amount.poisha()),
            int(r.refunded.map_or(0, |m| m.poisha())),
            r.status.as_str().into(),
            opt(money.provider.map(|p| p.as_str())),
            opt(money.reference),
            opt(money.trx_id),
            opt(phone.map(|p| p.masked.as_str())),
            opt(phone.map(|p| p.hash.as_str())),
            opt(phone.map(|p| p.enc.as_str())),
            opt(r.return_url.as_deref()),
            opt(metadata.as_deref()),
            opt(r.error.as_ref().map(|e| e.code.as_str())),
            opt(r.error.as_ref().and_then(|e| e.provider_code.as_deref())),
            int(r.created_ms),
            int(r.updated_ms),
            int(r.version as i64),
        ];
        statements.push(db.prepare(UPSERT).bind(&values).map_err(err)?);
        statements.push(db.prepare(UPSERT_CHECKOUT).bind(&checkout_values(r)).map_err(err)?);
        for (i, a) in r.attempts.iter().enumerate() {
            let values = [
                r.id.as_str().into(),
                int(i as i64 + 1),
                a.provider.as_str().into(),
                a.provider_ref.as_str().into(),
                a.status.as_str().into(),
                opt(a.trx_id.as_deref()),
                int(a.created_ms),
                int(r.version as i64),
                a.invoice.as_str().into(),
                a.paid_at_ms.map_or(JsValue::NULL, int),
                opt(a.payer_masked.as_deref()),
            ];
            statements.push(db.prepare(UPSERT_ATTEMPT).bind(&values).map_err(err)?);
        }
        statements.extend(super::refunds::upserts(db, r)?);
        statements.extend(super::manual_transfers::outbox(db, r)?);
    }
    for e in &r.outbox_events {
        let detail = e.detail.as_ref().map(|d| d.to_string());
        let values = [
            r.id.as_str().into(),
            int(e.version as i64),
            e.status.as_str().into(),
            e.reason.as_str().into(),
            opt(detail.as_deref()),
            int(e.at_ms),
        ];
        statements.push(db.prepare(INSERT_EVENT).bind(&values).map_err(err)?);
    }
    for c in &r.outbox_calls {
        let values = [
            r.id.as_str().into(),
            c.provider.as_str().into(),
            c.op.as_str().into(),
            c.http_status.map_or(JsValue::NULL, |s| int(i64::from(s))),
            opt(c.provider_code.as_deref()),
            c.outcome.as_str().into(),
            int(i64::from(c.latency_ms)),
            int(c.at_ms),
        ];
        statements.push(db.prepare(INSERT_CALL).bind(&values).map_err(err)?);
    }
    statements.extend(crate::webhooks::outbox_statements(db, r)?);
    if statements.is_empty() {
        return Ok(());
    }
    let results = db.batch(statements).await.map_err(err)?;
    match results.iter().find(|r| !r.success()) {
        Some(failed) => Err(failed.error().unwrap_or_else(|| "d1 batch failed".into())),
        None => Ok(()),
    }
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// The merchant's payments for an order, newest first (at most 100).
pub async fn ids_by_order(db: &D1Database, merchant_id: &str, order_id: &str) -> worker::Result<Vec<String>> {
    let rows = db
        .prepare("SELECT id FROM payments WHERE merchant_id = ?1 AND order_id = ?2 ORDER BY created_at DESC LIMIT 100")
        .bind(&[merchant_id.into(), order_id.into()])?
        .all()
        .await?
        .results::<IdRow>()?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The payment an attempt's reference (or its transaction id) belongs to: Nagad hints, bKash
/// IPNs without our invoice. Earlier attempts are found too.
pub async fn id_by_provider_ref(
    db: &D1Database,
    provider: Provider,
    reference: &str,
) -> worker::Result<Option<String>> {
    let row: Option<IdRow> = db
        .prepare(
            "SELECT payment_id AS id FROM payment_attempts WHERE provider = ?1 AND (provider_ref = ?2 OR provider_trx_id = ?2) \
             LIMIT 1",
        )
        .bind(&[provider.as_str().into(), reference.into()])?
        .first(None)
        .await?;
    Ok(row.map(|r| r.id))
}
