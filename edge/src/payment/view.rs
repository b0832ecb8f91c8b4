//! How callers see a payment: the merchant's object (`/v1/payments…`) and the widget's
//! cheap status (`/status`). Built from the record; never shows a full phone number,
//! a hash or a secret.

use bdpay_shared::errors::ErrorBody;
use bdpay_shared::manual_transfer::ReviewStatus;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::{self, Availability, HealthState};
use bdpay_shared::status::{AttemptStatus, PaymentStatus};
use serde::Serialize;
use serde_json::Value;

pub use super::checkout_view::waiting_step_up;
use super::checkout_view::{self, MerchantCheckout, OtpAction, WidgetCheckout};
use super::record::PaymentRecord;
use crate::manual::instructions::Instructions;
use crate::providers::Mode;
use crate::risk::settings::CheckoutSettings;

pub use crate::clock::iso;

#[derive(Serialize)]
pub struct MerchantView<'a> {
    pub id: &'a str,
    pub object: &'static str,
    pub livemode: bool,
    pub status: PaymentStatus,
    pub amount: Money,
    pub amount_refunded: Money,
    pub currency: &'static str,
    pub order_id: &'a str,
    pub provider: Option<Provider>,
    pub provider_reference: Option<&'a str>,
    pub provider_transaction_id: Option<&'a str>,
    pub customer_phone: Option<&'a str>,
    pub payer: Option<&'a str>,
    pub return_url: Option<&'a str>,
    pub metadata: Option<&'a Value>,
    pub allow_failover: bool,
    pub error: Option<&'a ErrorBody>,
    pub attempts: Vec<AttemptView<'a>>,
    /// The newest manual transfer quoted for this payment, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual_transfer: Option<TransferRef<'a>>,
    pub created_at: String,
    pub updated_at: String,
    pub paid_at: Option<String>,
    pub expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<&'a str>,
    #[serde(flatten)]
    pub checkout: MerchantCheckout<'a>,
}

/// A manual transfer as the payment shows it (ops review shows the rest).
#[derive(Serialize)]
pub struct TransferRef<'a> {
    pub id: &'a str,
    pub provider: Provider,
    pub trx_id: &'a str,
    pub status: ReviewStatus,
}

/// One attempt as the merchant sees it.
#[derive(Serialize)]
pub struct AttemptView<'a> {
    pub provider: Provider,
    pub provider_ref: &'a str,
    pub status: AttemptStatus,
    /// Why this wallet (a routing reason code, or `failover`).
    pub reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failover_from: Option<Provider>,
    pub created: String,
}

pub fn merchant<'a>(r: &'a PaymentRecord, client_secret: Option<&'a str>) -> MerchantView<'a> {
    let money = r.money_source();
    MerchantView {
        id: r.id.as_str(),
        object: "payment",
        livemode: r.mode == Mode::Live,
        status: r.status,
        amount: r.amount,
        amount_refunded: r.refunded.unwrap_or(Money::ZERO),
        currency: "BDT",
        order_id: r.order_id.as_str(),
        provider: money.provider,
        provider_reference: money.reference,
        provider_transaction_id: money.trx_id,
        customer_phone: r.customer_phone.as_ref().map(|p| p.masked.as_str()),
        payer: r.paid().and_then(|a| a.payer_masked.as_deref()),
        return_url: r.return_url.as_deref(),
        metadata: r.metadata.as_ref(),
        allow_failover: r.allow_failover,
        error: r.error.as_ref(),
        attempts: r
            .attempts
            .iter()
            .map(|a| AttemptView {
                provider: a.provider,
                provider_ref: &a.provider_ref,
                status: a.status,
                reason: a.reason.as_str(),
                failover_from: a.failover_from,
                created: iso(a.created_ms),
            })
            .collect(),
        created_at: iso(r.created_ms),
        updated_at: iso(r.updated_ms),
        paid_at: r
            .paid()
            .and_then(|a| a.paid_at_ms)
            .or_else(|| r.paid_transfer().and_then(|t| t.decided_ms))
            .map(iso),
        manual_transfer: r.transfers.last().map(|t| TransferRef {
            id: &t.id,
            provider: t.provider,
            trx_id: &t.trx_id,
            status: t.status,
        }),
        expires_at: iso(r.expires_ms),
        client_secret,
        checkout: checkout_view::merchant(r),
    }
}

#[derive(Serialize)]
pub struct ProviderOption {
    pub provider: Provider,
    pub available: bool,
    /// The wallet's health: `up`, `degraded` (confirmations may take longer) or `down`.
    pub state: HealthState,
}

#[derive(Serialize)]
pub struct Recommendation {
    pub provider: Provider,
    pub code: &'static str,
    pub reason: &'static str,
    pub reason_bn: &'static str,
}

/// What the widget should do next (`"type"` tells which).
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NextAction<'a> {
    /// Send the shopper to the wallet's page; `failover_from` when this attempt is a failover,
    /// so a widget that takes over while it waits (a desktop's build with the QR code) can
    /// still say which wallet did not answer.
    Redirect {
        url: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        failover_from: Option<Provider>,
    },
    /// Show how to pay by hand (`manual::instructions`).
    ManualTransfer { instructions: Instructions },
    /// Ask for the step-up code sent by SMS (`payment::risk_gate`).
    Otp(OtpAction<'a>),
}

/// The widget's status: enough to render (amount, merchant, choices) and to follow the flow.
#[derive(Serialize)]
pub struct WidgetView<'a> {
    pub id: &'a str,
    pub status: PaymentStatus,
    pub amount: Money,
    pub currency: &'static str,
    pub order_id: &'a str,
    pub merchant_name: &'a str,
    pub provider: Option<Provider>,
    pub providers: [ProviderOption; 2],
    pub recommended: Option<Recommendation>,
    pub error: Option<&'a ErrorBody>,
    pub next_action: Option<NextAction<'a>>,
    pub livemode: bool,
    #[serde(flatten)]
    pub checkout: WidgetCheckout<'a>,
}

/// `manual`: the manual transfer instructions, when they stand for this payment
/// (`payment::manual::offer_stands`); they come before a wallet page.
pub fn widget<'a>(
    r: &'a PaymentRecord,
    up: Availability,
    manual: Option<Instructions>,
    settings: &CheckoutSettings,
) -> WidgetView<'a> {
    let inputs = super::decide::routing_inputs(r, None, None, None, up);
    let recommended = routing::route(&inputs).ok().map(|c| Recommendation {
        provider: c.provider,
        code: c.reason.as_str(),
        reason: c.reason.message_en(),
        reason_bn: c.reason.message_bn(),
    });
    let current = r.current();
    let next_action = match (waiting_step_up(r), manual, r.status, current) {
        (Some(otp), ..) => Some(NextAction::Otp(otp)),
        (None, Some(instructions), ..) => Some(NextAction::ManualTransfer { instructions }),
        (None, None, PaymentStatus::Pending, Some(a)) if a.status == AttemptStatus::Started => {
            Some(NextAction::Redirect {
                url: &a.redirect_url,
                failover_from: a.failover_from,
            })
        }
        _ => None,
    };
    WidgetView {
        id: r.id.as_str(),
        status: r.status,
        amount: r.amount,
        currency: "BDT",
        order_id: r.order_id.as_str(),
        merchant_name: &r.merchant_name,
        provider: r.money_source().provider,
        providers: [
            ProviderOption {
                provider: Provider::Bkash,
                available: up.usable(Provider::Bkash, r.amount).is_ok(),
                state: up.of(Provider::Bkash).health.state,
            },
            ProviderOption {
                provider: Provider::Nagad,
                available: up.usable(Provider::Nagad, r.amount).is_ok(),
                state: up.of(Provider::Nagad).health.state,
            },
        ],
        recommended,
        error: r.error.as_ref(),
        next_action,
        livemode: r.mode == Mode::Live,
        checkout: checkout_view::widget(r, settings),
    }
}
