//! Announcing a provider's health moves to merchants: `provider.degraded`, `provider.down`,
//! `provider.up`. A move concerns every merchant of its mode, so one event is recorded per
//! merchant that has a live endpoint in that mode whose `events` take the type (a merchant
//! without one would only see it in `GET /v1/events`, and a mode's merchants are many), with
//! queue rows for those endpoints; then each such merchant's delivery is woken. Event ids
//! are derived from the move and the merchant, so announcing a move again records nothing.

use bdpay_shared::health::{percent, Transition};
use bdpay_shared::provider::Provider;
use futures_util::future::join_all;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use worker::Env;

use crate::log;
use crate::payment::view::iso;
use crate::providers::Mode;
use crate::webhooks::events::{new_event_statements, NewEvent};
use crate::webhooks::rules::base36_24;

/// Merchants recorded per D1 batch (two statements each).
const CHUNK: usize = 25;

/// Merchants with a live endpoint in the mode that takes the type (`,type,` or `*`).
const SUBSCRIBED: &str = "SELECT DISTINCT merchant_id FROM webhook_endpoints \
    WHERE mode = ?1 AND deleted_at IS NULL AND (events = '*' OR instr(events, ?2) > 0) ORDER BY merchant_id";

#[derive(Deserialize)]
struct MerchantRow {
    merchant_id: String,
}

/// Records each move's events (in order) and wakes delivery. `Err` when the ledger did not
/// take them all: the caller tries the same moves again later (nothing is recorded twice).
pub async fn announce(env: &Env, provider: Provider, mode: Mode, moves: &[Transition]) -> Result<(), String> {
    let err = |e: worker::Error| e.to_string();
    let db = env.d1("DB").map_err(err)?;
    for t in moves {
        let kind = t.to.event_type();
        let pattern = format!(",{kind},");
        let merchants: Vec<MerchantRow> = db
            .prepare(SUBSCRIBED)
            .bind(&[mode.as_str().into(), pattern.as_str().into()])
            .map_err(err)?
            .all()
            .await
            .map_err(err)?
            .results()
            .map_err(err)?;
        for chunk in merchants.chunks(CHUNK) {
            let mut statements = Vec::with_capacity(chunk.len() * 2);
            for m in chunk {
                let id = event_id(provider, mode, t, &m.merchant_id);
                let body = payload(&id, provider, mode, t)?;
                statements.extend(new_event_statements(
                    &db,
                    &NewEvent {
                        id: &id,
                        merchant_id: &m.merchant_id,
                        mode: mode.as_str(),
                        event_type: kind,
                        payment_id: None,
                        refund_id: None,
                        payload: &body,
                        at_ms: t.at_ms,
                    },
                )?);
            }
            let results = db.batch(statements).await.map_err(err)?;
            if let Some(failed) = results.iter().find(|r| !r.success()) {
                return Err(failed.error().unwrap_or_else(|| "d1 batch failed".into()));
            }
        }
        let woken = join_all(
            merchants
                .iter()
                .map(|m| crate::webhooks::object::wake(env, &m.merchant_id)),
        )
        .await;
        let not_woken = woken.iter().filter(|w| w.is_err()).count();
        log::info(
            "provider_health_announced",
            &json!({ "provider": provider.as_str(), "mode": mode.as_str(), "type": kind, "seq": t.seq,
                     "merchants": merchants.len(), "not_woken": not_woken }),
        );
        // Down is a P1: ops get an SMS too (at most one per cause per 15 minutes, so a move
        // announced again sends nothing new).
        if t.to == bdpay_shared::health::HealthState::Down {
            let cause = bdpay_shared::alerts::Cause::ProviderDown {
                provider,
                live: mode == Mode::Live,
            };
            crate::alerts::raise_for_mode(env, mode == Mode::Live, cause).await;
        }
    }
    Ok(())
}

/// `evt_…` of one move for one merchant: the same move (its number and time) always gives
/// the same id, and a state started afresh (numbers from 1 again) new ones.
pub fn event_id(provider: Provider, mode: Mode, t: &Transition, merchant_id: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        "provider_health",
        mode.as_str(),
        provider.as_str(),
        &t.seq.to_string(),
        &t.at_ms.to_string(),
        merchant_id,
    ] {
        h.update(part.as_bytes());
        h.update(b"|");
    }
    format!("evt_{}", base36_24(&h.finalize()))
}

/// The exact JSON body the merchant receives.
fn payload(id: &str, provider: Provider, mode: Mode, t: &Transition) -> Result<String, String> {
    let event = json!({
        "id": id,
        "object": "event",
        "type": t.to.event_type(),
        "created": t.at_ms.div_euclid(1000),
        "livemode": mode == Mode::Live,
        "data": { "object": {
            "provider": provider.as_str(),
            "state": t.to,
            "previous_state": t.from,
            "success_rate": t.success_bp.map(percent),
            "p50_ms": t.p50_ms,
            "since": iso(t.at_ms),
        } },
    });
    serde_json::to_string(&event).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdpay_shared::health::HealthState;

    #[test]
    fn event_ids_differ_per_merchant_and_move_and_repeat_for_the_same() {
        let t = Transition {
            seq: 3,
            from: HealthState::Up,
            to: HealthState::Down,
            at_ms: 1_800_000_000_000,
            success_bp: Some(4_000),
            p50_ms: Some(120),
        };
        let a = event_id(Provider::Bkash, Mode::Test, &t, "mer_a");
        assert_eq!(a, event_id(Provider::Bkash, Mode::Test, &t, "mer_a"));
        assert!(crate::webhooks::rules::is_id(&a, "evt_"), "{a}");
        for other in [
            event_id(Provider::Bkash, Mode::Test, &t, "mer_b"),
            event_id(Provider::Nagad, Mode::Test, &t, "mer_a"),
            event_id(Provider::Bkash, Mode::Live, &t, "mer_a"),
            event_id(Provider::Bkash, Mode::Test, &Transition { seq: 4, ..t }, "mer_a"),
            event_id(Provider::Bkash, Mode::Test, &Transition { at_ms: 1, ..t }, "mer_a"),
        ] {
            assert_ne!(a, other);
        }
    }
}
