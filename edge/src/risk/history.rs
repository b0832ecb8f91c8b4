//! What the risk rules count, read from the ledger (`payment_checkout` beside `payments`, and
//! `blocklist`): a phone's and a device's earlier payments at this merchant in this mode, by
//! keyed hash. One D1 statement each. "A payment" is one that reached a wallet's page
//! (`confirmed_at`); "paid" is a payment now succeeded or refunded. The payment assessed is
//! never counted. Two confirms racing can both pass a count by one: the limits are soft.

use bdpay_shared::money::Money;
use bdpay_shared::risk::{DeviceHistory, PhoneHistory, WINDOW_SECS};
use serde::Deserialize;
use worker::D1Database;

use crate::ledger::int;
use crate::providers::Mode;

/// The statuses whose money arrived.
const PAID: &str = "('succeeded', 'partially_refunded', 'refunded')";

/// Who asks, and when.
pub struct Scope<'a> {
    pub merchant_id: &'a str,
    pub mode: Mode,
    pub payment_id: &'a str,
    pub now_ms: i64,
    /// Midnight in Dhaka that began today, unix ms.
    pub day_start_ms: i64,
    /// The merchant takes the shared blocklist.
    pub shared_blocklist: bool,
}

#[derive(Deserialize)]
struct PhoneRow {
    blocked: i64,
    successes: i64,
    recent: i64,
    today: i64,
}

#[derive(Deserialize)]
struct DeviceRow {
    recent: i64,
    today: i64,
    phones: i64,
    has_this_phone: i64,
}

fn money(poisha: i64) -> Money {
    Money::from_poisha(poisha.max(0)).unwrap_or(Money::ZERO)
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The phone's record at this merchant, and whether any list that applies blocks it.
pub async fn phone(db: &D1Database, s: &Scope<'_>, phone_hash: &str) -> worker::Result<PhoneHistory> {
    let sql = format!(
        "SELECT \
         EXISTS (SELECT 1 FROM blocklist b WHERE b.mode = ?2 AND b.phone_hash = ?3 AND (b.merchant_id = ?1 OR \
           (?7 = 1 AND EXISTS (SELECT 1 FROM merchant_settings m WHERE m.merchant_id = b.merchant_id AND m.mode = b.mode \
            AND json_extract(m.body, '$.shared_blocklist') = 1)))) AS blocked, \
         (SELECT COUNT(*) FROM payment_checkout c JOIN payments p ON p.id = c.payment_id \
           WHERE c.merchant_id = ?1 AND c.mode = ?2 AND c.phone_hash = ?3 AND c.payment_id <> ?4 AND p.status IN {PAID}) AS successes, \
         (SELECT COUNT(*) FROM payment_checkout c WHERE c.merchant_id = ?1 AND c.mode = ?2 AND c.phone_hash = ?3 \
           AND c.payment_id <> ?4 AND c.confirmed_at >= ?5) AS recent, \
         (SELECT COALESCE(SUM(p.amount_poisha), 0) FROM payment_checkout c JOIN payments p ON p.id = c.payment_id \
           WHERE c.merchant_id = ?1 AND c.mode = ?2 AND c.phone_hash = ?3 AND c.payment_id <> ?4 \
           AND c.confirmed_at >= ?6 AND p.status IN {PAID}) AS today"
    );
    let row: Option<PhoneRow> = db
        .prepare(&sql)
        .bind(&[
            s.merchant_id.into(),
            s.mode.as_str().into(),
            phone_hash.into(),
            s.payment_id.into(),
            int(s.now_ms - i64::from(WINDOW_SECS) * 1_000),
            int(s.day_start_ms),
            int(i64::from(s.shared_blocklist)),
        ])?
        .first(None)
        .await?;
    Ok(row.map_or(PhoneHistory::NEW, |r| PhoneHistory {
        blocklisted: r.blocked != 0,
        earlier_successes: count(r.successes),
        payments_last_10_min: count(r.recent),
        amount_today: money(r.today),
    }))
}

/// The device's record at this merchant; `phones_today` counts `phone_hash` (this payment's
/// phone) too.
pub async fn device(
    db: &D1Database,
    s: &Scope<'_>,
    device_hash: &str,
    phone_hash: Option<&str>,
) -> worker::Result<DeviceHistory> {
    let sql = format!(
        "SELECT \
         (SELECT COUNT(*) FROM payment_checkout WHERE merchant_id = ?1 AND mode = ?2 AND device_hash = ?3 \
           AND payment_id <> ?4 AND confirmed_at >= ?5) AS recent, \
         (SELECT COALESCE(SUM(p.amount_poisha), 0) FROM payment_checkout c JOIN payments p ON p.id = c.payment_id \
           WHERE c.merchant_id = ?1 AND c.mode = ?2 AND c.device_hash = ?3 AND c.payment_id <> ?4 \
           AND c.confirmed_at >= ?6 AND p.status IN {PAID}) AS today, \
         (SELECT COUNT(DISTINCT phone_hash) FROM payment_checkout WHERE merchant_id = ?1 AND mode = ?2 \
           AND device_hash = ?3 AND payment_id <> ?4 AND confirmed_at >= ?6 AND phone_hash IS NOT NULL) AS phones, \
         EXISTS (SELECT 1 FROM payment_checkout WHERE merchant_id = ?1 AND mode = ?2 AND device_hash = ?3 \
           AND payment_id <> ?4 AND confirmed_at >= ?6 AND phone_hash = ?7) AS has_this_phone"
    );
    let row: Option<DeviceRow> = db
        .prepare(&sql)
        .bind(&[
            s.merchant_id.into(),
            s.mode.as_str().into(),
            device_hash.into(),
            s.payment_id.into(),
            int(s.now_ms - i64::from(WINDOW_SECS) * 1_000),
            int(s.day_start_ms),
            crate::ledger::opt(phone_hash),
        ])?
        .first(None)
        .await?;
    Ok(row.map_or(DeviceHistory::NEW, |r| {
        let this_phone_is_new = phone_hash.is_some() && r.has_this_phone == 0;
        DeviceHistory {
            payments_last_10_min: count(r.recent),
            amount_today: money(r.today),
            phones_today: count(r.phones) + u32::from(this_phone_is_new),
        }
    }))
}
