//! The shopper's manual-transfer instructions, the `next_action` of confirm and of the
//! widget's status: how much, the reference to write, and the merchant's numbers to send to
//! with Send Money, with the words in English and Bangla. The widget's screen reads exactly
//! this shape (docs/api.openapi.yaml `ManualTransferAction`).

use bdpay_shared::ids::PaymentId;
use bdpay_shared::manual_transfer::{self, KIND_SEND_MONEY};
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use serde::Serialize;

use crate::ledger::manual_settings::Settings;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instructions {
    pub amount: Money,
    pub currency: &'static str,
    /// What the shopper writes in the transfer's reference field.
    pub reference: String,
    pub wallets: Vec<Wallet>,
    pub message: &'static str,
    pub message_bn: &'static str,
}

/// One of the merchant's numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Wallet {
    pub provider: Provider,
    /// The full number: the shopper sends to it. (The merchant's own receiving number, shown
    /// on purpose; never a shopper's.)
    pub number: String,
    /// `send_money`
    pub kind: &'static str,
}

/// The instructions for a payment; `None` when the merchant has no number to send to.
pub fn instructions(payment: &PaymentId, amount: Money, s: &Settings) -> Option<Instructions> {
    let wallets: Vec<Wallet> = Provider::ALL
        .into_iter()
        .filter_map(|p| {
            s.number(p).map(|n| Wallet {
                provider: p,
                // Reviewed: the merchant's receiving number, for the shopper to send to.
                number: n.expose_digits().to_owned(),
                kind: KIND_SEND_MONEY,
            })
        })
        .collect();
    if wallets.is_empty() {
        return None;
    }
    Some(Instructions {
        amount,
        currency: "BDT",
        reference: manual_transfer::reference(payment),
        wallets,
        message: manual_transfer::MESSAGE_EN,
        message_bn: manual_transfer::MESSAGE_BN,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdpay_shared::manual_transfer::Mode;
    use bdpay_shared::phone::Msisdn;

    #[test]
    fn the_shape_the_widget_reads() {
        let id = PaymentId::parse("pay_0123456789abcdefghijklmn").unwrap();
        let s = Settings {
            mode: Mode::Always,
            bkash: Some(Msisdn::parse("01929918378").unwrap()),
            nagad: Some(Msisdn::parse("01911000001").unwrap()),
        };
        let got = serde_json::to_value(instructions(&id, Money::parse("1250").unwrap(), &s).unwrap()).unwrap();
        assert_eq!(
            got,
            serde_json::json!({
                "amount": "1250.00", "currency": "BDT", "reference": "0123456789",
                "wallets": [
                    {"provider": "bkash", "number": "01929918378", "kind": "send_money"},
                    {"provider": "nagad", "number": "01911000001", "kind": "send_money"}
                ],
                "message": manual_transfer::MESSAGE_EN, "message_bn": manual_transfer::MESSAGE_BN
            })
        );
        let none = Settings {
            mode: Mode::Always,
            ..Settings::default()
        };
        assert_eq!(instructions(&id, Money::parse("1").unwrap(), &none), None);
    }
}
