//! What a payment keeps of risk, promotions, grey release and compliance (docs/risk.md): the
//! last risk check, a step-up waiting for its code, the cohort, the promotion applied, the
//! tax line, and the shopper's NID and alternate phone (sealed; masked in every view).

use bdpay_shared::money::Money;
use bdpay_shared::promotions::OfferKind;
use bdpay_shared::provider::Provider;
use bdpay_shared::risk::otp::OtpState;
use bdpay_shared::risk::{Assessment, Decision};
use bdpay_shared::tax::TaxLine;
use serde::{Deserialize, Serialize};

use crate::providers::Device;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Checkout {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskRecord>,
    /// Keyed digest of the widget's device id (`DataKeys::device_hash`), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_up: Option<StepUp>,
    /// `control` or the merchant's variant, fixed at create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
    /// The promotion of the wallet the shopper was sent to (the latest attempt's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<AppliedOffer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<TaxLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nid: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_phone: Option<Sealed>,
}

/// The risk check as stored and shown to the merchant: `{"score", "decision", "reasons"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRecord {
    pub score: u8,
    pub decision: Decision,
    pub reasons: Vec<StoredReason>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReason {
    pub rule: String,
    pub message: String,
    pub message_bn: String,
}

impl From<&Assessment> for RiskRecord {
    fn from(a: &Assessment) -> RiskRecord {
        RiskRecord {
            score: a.score,
            decision: a.decision,
            reasons: a
                .reasons
                .iter()
                .map(|r| StoredReason {
                    rule: r.rule.to_owned(),
                    message: r.message.clone(),
                    message_bn: r.message_bn.clone(),
                })
                .collect(),
        }
    }
}

/// A step-up: the code's state, and the confirm it holds back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StepUp {
    pub otp: OtpState,
    /// Codes sent for this payment (at most [`MAX_CODES`]).
    pub codes_sent: u8,
    /// The code was right: confirms go on without another.
    pub passed: bool,
    /// Three wrong tries: no wallet page for this payment.
    pub locked: bool,
    /// Where the code went, masked.
    pub sent_to: String,
    /// The confirm held back, carried on when the code is right.
    pub provider: Option<Provider>,
    pub device: Device,
    pub shopper_ip: Option<String>,
}

/// Codes one payment may be sent.
pub const MAX_CODES: u8 = 5;

/// The offer made to this payment: `{"provider", "kind", "amount"}` (a cashback's amount is
/// what the shopper gets back; commission-free's is the amount that goes through free).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedOffer {
    pub provider: Provider,
    pub kind: OfferKind,
    pub amount: Money,
}

impl AppliedOffer {
    pub fn cashback(&self) -> Money {
        match self.kind {
            OfferKind::Cashback => self.amount,
            OfferKind::CommissionFree => Money::ZERO,
        }
    }
}

/// A compliance field (the NID at `keys::binding::payment_nid`, the alternate phone at
/// `payment_alt_phone`), sealed, with its masked form.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sealed {
    pub masked: String,
    pub enc: String,
}
