//! The checkout parts of how callers see a payment (`payment::view` flattens these in): the
//! merchant reads the risk check, cohort, promotion, tax line and the compliance fields
//! masked; the widget reads each wallet's offer, what compliance asks of the shopper, and a
//! step-up waiting for its code. Never a full NID or number, never a digest.

use bdpay_shared::money::Money;
use bdpay_shared::promotions::Offers;
use bdpay_shared::tax::TaxLine;
use serde::Serialize;

use super::checkout::{AppliedOffer, RiskRecord};
use super::record::PaymentRecord;
use crate::clock::iso;
use crate::risk::settings::CheckoutSettings;

#[derive(Serialize)]
pub struct MerchantCheckout<'a> {
    /// `{"score", "decision", "reasons"}` of the last check; absent before any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<&'a RiskRecord>,
    pub cohort: &'a str,
    /// The promotion applied (the wallet the shopper was last sent to).
    pub promotion: Option<AppliedOffer>,
    /// What the shopper gets back (`0.00` without a cashback).
    #[serde(with = "bdpay_shared::money::allowing_zero")]
    pub cashback: Money,
    pub tax: Option<TaxLine>,
    /// `{"nid": "NID ••••1234", "alt_phone": "01XX4567"}`, when the shopper gave them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance: Option<Compliance<'a>>,
}

#[derive(Serialize)]
pub struct Compliance<'a> {
    pub nid: Option<&'a str>,
    pub alt_phone: Option<&'a str>,
}

pub fn merchant(r: &PaymentRecord) -> MerchantCheckout<'_> {
    let c = &r.checkout;
    let given = c.nid.is_some() || c.alt_phone.is_some();
    MerchantCheckout {
        risk: c.risk.as_ref(),
        cohort: c.cohort.as_deref().unwrap_or(bdpay_shared::cohort::CONTROL),
        promotion: c.offer,
        cashback: c.offer.map_or(Money::ZERO, |o| o.cashback()),
        tax: c.tax,
        compliance: given.then(|| Compliance {
            nid: c.nid.as_ref().map(|n| n.masked.as_str()),
            alt_phone: c.alt_phone.as_ref().map(|p| p.masked.as_str()),
        }),
    }
}

#[derive(Serialize)]
pub struct WidgetCheckout<'a> {
    /// Each wallet's offer for this amount (`{}` when none).
    pub offers: Offers,
    /// What the shopper must give at confirm; absent when nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compliance: Option<Asks>,
    pub cohort: &'a str,
}

/// The compliance fields a confirm must carry.
#[derive(Clone, Copy, Serialize)]
pub struct Asks {
    pub nid: bool,
    pub alt_phone: bool,
}

pub fn widget<'a>(r: &'a PaymentRecord, s: &CheckoutSettings) -> WidgetCheckout<'a> {
    let c = &r.checkout;
    let asks = Asks {
        nid: c.nid.is_none(),
        alt_phone: c.alt_phone.is_none(),
    };
    WidgetCheckout {
        offers: c.offers,
        compliance: (s.needs_compliance(r.amount) && (asks.nid || asks.alt_phone)).then_some(asks),
        cohort: c.cohort.as_deref().unwrap_or(bdpay_shared::cohort::CONTROL),
    }
}

/// A step-up waiting for its code, as the widget's next action.
#[derive(Serialize)]
pub struct OtpAction<'a> {
    /// The number the code went to, masked.
    pub sent_to: &'a str,
    pub expires_at: String,
    pub tries_left: u8,
}

/// The step-up the payment waits on, if any (not passed, not locked).
pub fn waiting_step_up(r: &PaymentRecord) -> Option<OtpAction<'_>> {
    let s = r.checkout.step_up.as_ref().filter(|s| !s.passed && !s.locked)?;
    Some(OtpAction {
        sent_to: &s.sent_to,
        expires_at: iso(i64::try_from(s.otp.expires_at_ms).unwrap_or(i64::MAX)),
        tries_left: s.otp.tries_left,
    })
}
