//! The risk check at confirm (docs/risk.md), inside the payment's object: the compliance
//! fields, bKash's cap before routing, then, once routing has chosen the wallet, the rules
//! of `bdpay_shared::risk` on the phone's and the device's history. A block or a rate limit
//! refuses the confirm; a step-up sends a one-time code by SMS and holds the confirm until
//! [`verify`] accepts the code. The last check is kept on the payment for the merchant.

use std::borrow::Cow;

use bdpay_shared::errors::{ApiError, ErrorCode};
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use bdpay_shared::risk::otp::{OtpCode, OtpDigest, OtpState, Verdict, RANDOM_BYTES};
use bdpay_shared::risk::{self, Action, Decision, RiskInput};
use serde_json::json;
use worker::Env;

use super::checkout::{RiskRecord, Sealed, StepUp, StoredReason, MAX_CODES};
use super::record::{PaymentRecord, StoredPhone};
use crate::config::EdgeConfig;
use crate::providers::Device;
use crate::risk::geo::Geo;
use crate::risk::history::{self, Scope};
use crate::risk::settings::CheckoutSettings;

/// What a confirm brings for the risk check (read and sealed by the route).
#[derive(Clone, Debug, Default)]
pub struct RiskIn {
    pub device_hash: Option<String>,
    pub geo: Geo,
    pub nid: Option<Sealed>,
    pub alt_phone: Option<Sealed>,
}

/// What the check decided when it let the confirm through or held it.
#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    /// Start the wallet's page.
    Go,
    /// A code went to the shopper's phone: answer with the step-up, start nothing.
    CodeSent,
}

/// The confirm held back by a step-up, carried on when the code is right.
pub struct Held {
    pub provider: Option<Provider>,
    pub device: Device,
    pub shopper_ip: Option<String>,
}

fn with_message(code: ErrorCode, en: String, bn: String) -> ApiError {
    let mut e = ApiError::new(code);
    e.error.message = Cow::Owned(en);
    e.error.message_bn = Cow::Owned(bn);
    e
}

/// A bKash payment of `amount` with nothing known of the shopper: all bKash's cap looks at.
fn bkash_probe(amount: bdpay_shared::money::Money) -> RiskInput {
    RiskInput {
        provider: Provider::Bkash,
        amount,
        now_ms: 0,
        phone: None,
        device: None,
        location: risk::Location::Unknown,
    }
}

/// Whether the merchant's bKash cap refuses bKash for `amount` (rule `bkash_limit`).
pub fn bkash_refused(s: &CheckoutSettings, amount: bdpay_shared::money::Money) -> bool {
    risk::bkash_limit(&s.risk, &bkash_probe(amount)).is_some()
}

/// Before routing: keeps the NID and alternate phone the confirm brought, refuses a payment
/// that needs them without them, and says whether bKash is refused at this amount (the
/// shopper who chose bKash then gets `amount_over_limit`, with the reason).
pub fn before_routing(
    r: &mut PaymentRecord,
    s: &CheckoutSettings,
    input: &mut RiskIn,
    chosen: Option<Provider>,
    now_ms: i64,
) -> Result<bool, ApiError> {
    if r.checkout.step_up.as_ref().is_some_and(|u| u.locked) {
        return Err(ApiError::new(ErrorCode::RiskBlocked));
    }
    if let Some(nid) = input.nid.take() {
        r.checkout.nid = Some(nid);
    }
    if let Some(alt) = input.alt_phone.take() {
        r.checkout.alt_phone = Some(alt);
    }
    if s.needs_compliance(r.amount) && (r.checkout.nid.is_none() || r.checkout.alt_phone.is_none()) {
        let from = s.compliance_from.map(|m| m.to_string()).unwrap_or_default();
        return Err(with_message(
            ErrorCode::InvalidRequest,
            format!("nid and alt_phone are required for payments of Tk {from} or more"),
            format!("৳{from} বা তার বেশি পেমেন্টে জাতীয় পরিচয়পত্র (NID) নম্বর ও আরেকটি ফোন নম্বর দিতে হবে।"),
        ));
    }
    let probe = bkash_probe(r.amount);
    let Some(finding) = risk::bkash_limit(&s.risk, &probe) else {
        return Ok(false);
    };
    if chosen == Some(Provider::Bkash) {
        // Only this rule speaks: the rest need the phone's history, read once routing is done.
        let a = risk::assess(&s.risk, &probe);
        let reason = a.reasons.into_iter().find(|x| x.rule == finding.rule.as_str());
        r.checkout.risk = Some(RiskRecord {
            score: risk::score(&[finding]),
            decision: Decision::Block,
            reasons: reason
                .iter()
                .map(|x| StoredReason {
                    rule: x.rule.to_owned(),
                    message: x.message.clone(),
                    message_bn: x.message_bn.clone(),
                })
                .collect(),
        });
        r.touch(now_ms);
        return Err(match reason {
            Some(x) => with_message(ErrorCode::AmountOverLimit, x.message, x.message_bn),
            None => ApiError::new(ErrorCode::AmountOverLimit),
        });
    }
    Ok(true)
}

/// Midnight in Dhaka that began the day of `now_ms`.
fn dhaka_day_start(now_ms: i64) -> i64 {
    let secs_left = i64::from(risk::secs_to_dhaka_midnight(u64::try_from(now_ms).unwrap_or(0)));
    now_ms - (86_400 - secs_left) * 1_000 - now_ms.rem_euclid(1_000)
}

/// What [`check`] is asked about: the wallet routing chose, the shopper's phone (the number
/// and as stored), the confirm's risk fields, and the confirm to hold back for a step-up.
pub struct Checked<'a> {
    pub provider: Provider,
    pub phone: Option<(&'a Msisdn, &'a StoredPhone)>,
    pub input: &'a RiskIn,
    pub held: Held,
}

/// The check once routing chose `provider`: the rules on the phone's and device's history.
pub async fn check(
    env: &Env,
    r: &mut PaymentRecord,
    s: &CheckoutSettings,
    ask: Checked<'_>,
    now_ms: i64,
) -> Result<Gate, ApiError> {
    let Checked {
        provider,
        phone,
        input,
        held,
    } = ask;
    if let Some(d) = &input.device_hash {
        r.checkout.device_hash = Some(d.clone());
    }
    let db = env.d1("DB").map_err(|_| ApiError::new(ErrorCode::InternalError))?;
    let scope = Scope {
        merchant_id: &r.merchant_id,
        mode: r.mode,
        payment_id: r.id.as_str(),
        now_ms,
        day_start_ms: dhaka_day_start(now_ms),
        shared_blocklist: s.shared_blocklist,
    };
    let failed = |e: worker::Error| {
        crate::log::error(
            "risk_history_not_read",
            &json!({ "payment": r.id, "cause": e.to_string() }),
        );
        ApiError::new(ErrorCode::InternalError)
    };
    let phone_history = match phone {
        Some((_, stored)) => Some(history::phone(&db, &scope, &stored.hash).await.map_err(failed)?),
        None => None,
    };
    let device_history = match r.checkout.device_hash.as_deref() {
        Some(d) => Some(
            history::device(&db, &scope, d, phone.map(|(_, p)| p.hash.as_str()))
                .await
                .map_err(failed)?,
        ),
        None => None,
    };
    let i = RiskInput {
        provider,
        amount: r.amount,
        now_ms: u64::try_from(now_ms).unwrap_or(0),
        phone: phone_history,
        device: device_history,
        location: input.geo.location(),
    };
    let a = risk::assess(&s.risk, &i);
    r.checkout.risk = Some((&a).into());
    r.touch(now_ms);
    let action = a.action();
    crate::log::info(
        "risk_checked",
        &json!({ "payment": r.id, "provider": provider.as_str(), "score": a.score, "decision": a.decision,
                 "rules": a.findings.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>() }),
    );
    match action {
        Action::Allow => Ok(Gate::Go),
        Action::Block => Err(ApiError::new(ErrorCode::RiskBlocked)),
        Action::RateLimited { retry_after_secs } => {
            let mut e = ApiError::new(ErrorCode::RateLimited);
            e.error.retry_after = Some(retry_after_secs.max(1));
            Err(e)
        }
        Action::StepUp if r.checkout.step_up.as_ref().is_some_and(|u| u.passed) => Ok(Gate::Go),
        Action::StepUp => send_code(env, r, phone, held, now_ms).await,
    }
}

/// Draws a code, keeps its digest, and sends it to the shopper's phone.
async fn send_code(
    env: &Env,
    r: &mut PaymentRecord,
    phone: Option<(&Msisdn, &StoredPhone)>,
    held: Held,
    now_ms: i64,
) -> Result<Gate, ApiError> {
    let Some((number, stored)) = phone else {
        return Err(with_message(
            ErrorCode::InvalidPhone,
            "Enter your phone number: this payment needs a code sent to it by SMS.".into(),
            "আপনার ফোন নম্বর দিন: এই পেমেন্টের জন্য এসএমএসে একটি কোড পাঠানো হবে।".into(),
        ));
    };
    let sent_before = r.checkout.step_up.as_ref().map_or(0, |u| u.codes_sent);
    if sent_before >= MAX_CODES {
        return Err(ApiError::new(ErrorCode::RiskBlocked));
    }
    let internal = |_| ApiError::new(ErrorCode::InternalError);
    let config = EdgeConfig::from_env(env).map_err(|e| e.to_api_error())?;
    let code = loop {
        if let Some(c) = OtpCode::from_random(&crate::crypto::random::<RANDOM_BYTES>().map_err(internal)?) {
            break c;
        }
    };
    let digest = config
        .data_keys
        .otp_digest(r.id.as_str(), code.expose_digits())
        .map_err(internal)?;
    let outcome = crate::risk::step_up::send(env, number, &code, &r.merchant_name, r.amount).await;
    crate::log::info(
        "step_up_code_sent",
        &json!({ "payment": r.id, "to": stored.masked, "outcome": outcome, "n": sent_before + 1 }),
    );
    if outcome != "sent" {
        return Err(ApiError::new(ErrorCode::InternalError));
    }
    r.customer_phone = Some(stored.clone());
    r.checkout.step_up = Some(StepUp {
        otp: OtpState::issue(digest, u64::try_from(now_ms).unwrap_or(0)),
        codes_sent: sent_before + 1,
        passed: false,
        locked: false,
        sent_to: stored.masked.clone(),
        provider: held.provider,
        device: held.device,
        shopper_ip: held.shopper_ip,
    });
    r.touch(now_ms);
    Ok(Gate::CodeSent)
}

/// The shopper's code (`None`: not six digits). `Ok` with the confirm to carry on; the
/// errors `otp_incorrect` (tries left), `otp_expired`, `risk_blocked` (no tries left).
pub fn verify(r: &mut PaymentRecord, given: Option<OtpDigest>, now_ms: i64) -> Result<Held, ApiError> {
    let Some(step) = r.checkout.step_up.as_mut() else {
        return Err(ApiError::new(ErrorCode::InvalidState));
    };
    let held = Held {
        provider: step.provider,
        device: step.device,
        shopper_ip: step.shopper_ip.clone(),
    };
    if step.passed {
        return Ok(held);
    }
    if step.locked {
        return Err(ApiError::new(ErrorCode::RiskBlocked));
    }
    let now = u64::try_from(now_ms).unwrap_or(0);
    let verdict = match given {
        Some(d) => step.otp.verify(&d, now),
        None => step.otp.refuse_malformed(now),
    };
    let result = match verdict {
        Verdict::Ok => {
            step.passed = true;
            Ok(held)
        }
        Verdict::Wrong { tries_left } if tries_left > 0 => {
            let mut e = ApiError::new(ErrorCode::OtpIncorrect);
            e.error.tries_left = Some(tries_left);
            e.error.message = Cow::Owned(format!(
                "That code is not the one we sent. {tries_left} {} left.",
                if tries_left == 1 { "try" } else { "tries" }
            ));
            let mut bn = String::new();
            bdpay_shared::locale::push_digits(&mut bn, &tries_left.to_string(), bdpay_shared::locale::Lang::Bn);
            e.error.message_bn = Cow::Owned(format!("কোডটি মেলেনি। আর {bn} বার চেষ্টা করা যাবে।"));
            Err(e)
        }
        Verdict::Expired => Err(ApiError::new(ErrorCode::OtpExpired)),
        Verdict::Wrong { .. } | Verdict::Locked => {
            step.locked = true;
            Err(ApiError::new(ErrorCode::RiskBlocked))
        }
    };
    r.touch(now_ms);
    crate::log::info(
        "step_up_code_checked",
        &json!({ "payment": r.id, "ok": result.is_ok(), "code": result.as_ref().err().map(|e| e.error.code.as_str()) }),
    );
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_starts_at_midnight_in_dhaka() {
        // 2026-01-01T00:00:00+06:00 = 1_767_204_000_000 ms.
        let midnight = 1_767_204_000_000;
        assert_eq!(dhaka_day_start(midnight), midnight);
        assert_eq!(dhaka_day_start(midnight + 1), midnight);
        assert_eq!(dhaka_day_start(midnight + 86_399_999), midnight);
        assert_eq!(dhaka_day_start(midnight - 1), midnight - 86_400_000);
    }
}
