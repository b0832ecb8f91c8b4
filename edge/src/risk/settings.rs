//! A merchant's checkout settings in one mode (`merchant_settings`, one JSON document; a
//! test key never changes live limits): the risk rules'
//! thresholds and weights, its promotions, its grey-release rollout, its tax rates, the
//! amount from which the shopper must give an NID and an alternate phone, and whether it
//! shares the blocklist. Every field has a default; `PUT /v1/settings` replaces the sections
//! it names and keeps the others.

use bdpay_shared::cohort::Rollout;
use bdpay_shared::money::Money;
use bdpay_shared::promotions::{self, Promotion, PromotionKind};
use bdpay_shared::risk::RiskConfig;
use bdpay_shared::tax::TaxRates;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use worker::{D1Database, Env};

use std::cell::RefCell;
use std::rc::Rc;

use crate::clock::now_ms;
use crate::ledger::int;
use crate::merchant_cache::MerchantCache;
use crate::providers::Mode;

/// Everything a merchant sets about checkout, with the defaults of docs/risk.md.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckoutSettings {
    pub risk: RiskConfig,
    /// Each wallet's offer is the first of these that applies (`shared::promotions`).
    pub promotions: Vec<Promotion>,
    /// A share of checkouts sent to a named variant; `null`: everyone is `control`.
    pub rollout: Option<Rollout>,
    pub tax: TaxRates,
    /// From this amount on, the shopper gives an NID and an alternate phone; `null`: never.
    pub compliance_from: Option<Money>,
    /// Block phones other merchants who share put on the list (and share ours with them).
    pub shared_blocklist: bool,
}

impl Default for CheckoutSettings {
    fn default() -> CheckoutSettings {
        CheckoutSettings {
            risk: RiskConfig::default(),
            promotions: promotions::defaults(),
            rollout: None,
            tax: TaxRates::default(),
            compliance_from: None,
            shared_blocklist: false,
        }
    }
}

impl CheckoutSettings {
    /// Whether a payment of `amount` must carry an NID and an alternate phone.
    pub fn needs_compliance(&self, amount: Money) -> bool {
        self.compliance_from.is_some_and(|from| amount >= from)
    }

    /// What is wrong with a setting serde accepted (a promotion that could never pay out as
    /// written is refused, not kept to do nothing).
    pub fn problem(&self) -> Option<&'static str> {
        let bad_cashback = self.promotions.iter().any(
            |p| matches!(p.kind, PromotionKind::Cashback { basis_points, .. } if !(1..=10_000).contains(&basis_points)),
        );
        if bad_cashback {
            return Some("promotions: a cashback's basis_points must be 1 to 10000");
        }
        if self.promotions.len() > 10 {
            return Some("promotions: at most 10");
        }
        if self.risk.step_up_score > self.risk.block_score {
            return Some("risk: step_up_score must not be above block_score");
        }
        None
    }
}

/// What serde's derived readers would take but the setting does not mean: a struct read from
/// an array in field order (`"risk": [null, null]`, `"weights": [1]`) or an enum's tag from its
/// index (`"kind": 0`). The only array in a setting is `promotions`, a list of objects named
/// by their `kind`.
fn shape_problem(patch: &Map<String, Value>) -> Option<String> {
    fn arrays_in(v: &Value) -> bool {
        match v {
            Value::Array(_) => true,
            Value::Object(m) => m.values().any(arrays_in),
            _ => false,
        }
    }
    for (k, v) in patch {
        if k == "promotions" {
            let items = v.as_array().map(Vec::as_slice).unwrap_or_default();
            let bad = items
                .iter()
                .any(|p| !p.is_object() || !p["kind"].is_string() || arrays_in(p));
            if bad {
                return Some("promotions: a list of objects, each with a \"kind\" name".into());
            }
        } else if arrays_in(v) {
            return Some(format!("{k}: an object or a value, never a list"));
        }
    }
    None
}

/// `current` with the top-level sections of `patch` replaced: the result must still read as
/// settings. `Err` names what is wrong (for a 400).
pub fn merged(current: &CheckoutSettings, patch: Map<String, Value>) -> Result<CheckoutSettings, String> {
    let mut doc = match serde_json::to_value(current) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Some(p) = shape_problem(&patch) {
        return Err(p);
    }
    for (k, v) in patch {
        doc.insert(k, v);
    }
    let next: CheckoutSettings = serde_json::from_value(Value::Object(doc)).map_err(|e| e.to_string())?;
    match next.problem() {
        Some(p) => Err(p.to_owned()),
        None => Ok(next),
    }
}

/// How long an isolate keeps a merchant's settings before reading them again. A PUT clears
/// its own isolate's copy at once; other isolates see the change within this time.
pub const CACHE_MS: i64 = 5_000;

thread_local! {
    /// Shared (`Rc`), not copied, by every request that reads them while fresh: a status poll
    /// reads them every second (issue #17).
    static CACHE: RefCell<MerchantCache<Rc<CheckoutSettings>>> = const { RefCell::new(MerchantCache::new(CACHE_MS)) };
}

/// The merchant's settings in `mode` (from this isolate's copy when fresh): see [`stored`];
/// the defaults, not remembered, when D1 does not answer.
pub async fn load(env: &Env, merchant_id: &str, mode: Mode) -> Rc<CheckoutSettings> {
    let now = now_ms();
    if let Some(s) = CACHE.with(|c| c.borrow().get(merchant_id, mode, now)) {
        return s;
    }
    let read = match env.d1("DB") {
        Ok(db) => stored(&db, merchant_id, mode).await,
        Err(e) => Err(e),
    };
    match read {
        Ok(s) => {
            let s = Rc::new(s);
            CACHE.with(|c| c.borrow_mut().put(merchant_id, mode, now, Rc::clone(&s)));
            s
        }
        // Not remembered: the next request reads again.
        Err(e) => {
            crate::log::error(
                "merchant_settings_not_read",
                &serde_json::json!({ "merchant": merchant_id, "cause": e.to_string() }),
            );
            Rc::new(CheckoutSettings::default())
        }
    }
}

/// The merchant's settings as stored in D1, never from a cache; the defaults when none were
/// stored or the stored ones no longer read (logged: a setting a newer version wrote must not
/// stop checkout). `Err` only when D1 did not answer: a PUT then changes nothing.
pub async fn stored(db: &D1Database, merchant_id: &str, mode: Mode) -> worker::Result<CheckoutSettings> {
    let body = db
        .prepare("SELECT body FROM merchant_settings WHERE merchant_id = ?1 AND mode = ?2")
        .bind(&[merchant_id.into(), mode.as_str().into()])?
        .first::<String>(Some("body"))
        .await?;
    Ok(match body {
        Some(body) => serde_json::from_str(&body).unwrap_or_else(|e| {
            crate::log::error(
                "merchant_settings_unreadable",
                &serde_json::json!({ "merchant": merchant_id, "cause": e.to_string() }),
            );
            CheckoutSettings::default()
        }),
        None => CheckoutSettings::default(),
    })
}

pub async fn save(
    db: &D1Database,
    merchant_id: &str,
    mode: Mode,
    s: &CheckoutSettings,
    now_ms: i64,
) -> worker::Result<()> {
    let body = serde_json::to_string(s).map_err(|e| worker::Error::RustError(e.to_string()))?;
    db.prepare(
        "INSERT INTO merchant_settings (merchant_id, mode, body, updated_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(merchant_id, mode) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(&[merchant_id.into(), mode.as_str().into(), body.into(), int(now_ms)])?
    .run()
    .await?;
    forget(merchant_id, mode);
    Ok(())
}

/// Drops this isolate's copy of the merchant's settings in `mode`.
fn forget(merchant_id: &str, mode: Mode) {
    CACHE.with(|c| c.borrow_mut().forget(merchant_id, mode));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_defaults_are_the_seeds() {
        let s = CheckoutSettings::default();
        assert_eq!(s.promotions, promotions::defaults());
        assert_eq!(s.risk, RiskConfig::default());
        assert!(!s.needs_compliance(Money::parse("1000000.00").unwrap_or(Money::ZERO)));
    }

    #[test]
    fn a_patch_replaces_only_the_sections_it_names() {
        let s = merged(
            &CheckoutSettings::default(),
            patch(json!({"risk": {"step_up_score": 20}})),
        )
        .unwrap();
        assert_eq!(s.risk.step_up_score, 20);
        assert_eq!(s.risk.block_score, 90, "the rest of the section keeps its defaults");
        assert_eq!(s.promotions, promotions::defaults(), "other sections are kept");
        let s2 = merged(&s, patch(json!({"compliance_from": "50000.00", "promotions": []}))).unwrap();
        assert_eq!(s2.risk.step_up_score, 20);
        assert!(s2.promotions.is_empty());
        assert!(s2.needs_compliance(Money::parse("50000.00").unwrap()));
        assert!(!s2.needs_compliance(Money::parse("49999.99").unwrap()));
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason() {
        let d = CheckoutSettings::default();
        for bad in [
            json!({"risk": {"step_up_scor": 20}}),
            json!({"unknown": 1}),
            json!({"rollout": {"variant": "control", "share_bp": 2000}}),
            json!({"rollout": {"variant": "x", "share_bp": 20000}}),
            json!({"promotions": [{"provider": "nagad", "kind": "cashback", "basis_points": 0, "from": "1.00"}]}),
            json!({"risk": {"step_up_score": 95}}),
            json!({"compliance_from": 5000}),
            json!({"risk": [null, null]}),
            json!({"tax": [1500]}),
            json!({"rollout": ["abc", 100]}),
            json!({"risk": {"weights": [1, 2]}}),
            json!({"promotions": [{"provider": "nagad", "kind": 1, "basis_points": 50, "from": "1.00"}]}),
            json!({"promotions": [[ "nagad" ]]}),
        ] {
            assert!(merged(&d, patch(bad.clone())).is_err(), "{bad}");
        }
    }
}
