//! What a status answer says about risk and promotions (issue #16, docs/risk.md): each
//! wallet's offer on its button, and whether the merchant asks this payment for the shopper's
//! NID and another number (`compliance`). The fields and the step-up's code are screens few
//! payments need: they are in the builds with the manual-transfer screen (step_up.rs), and a
//! phone build hands over to that build when a payment needs them (lazy.rs).

use bdpay_shared::locale::Lang;
use bdpay_shared::promotions::{push_offer_poisha, OfferKind};
use bdpay_shared::provider::Provider;
use bdpay_shared::status::PaymentStatus;
use wasm_bindgen::JsValue;

use crate::amount::wire_poisha;
use crate::api::{field, text_field};
use crate::view::{say, show};
use crate::widget::Widget;

impl Widget {
    /// A status answer's `offers` (`{"bkash": {"kind", "amount"}}`, either may be absent) on
    /// the buttons, and its `compliance` (`{"nid": true, "alt_phone": true}`, present only
    /// when the merchant asks) for a payment the shopper may still confirm.
    pub(crate) fn show_risk(&self, json: &JsValue, status: PaymentStatus) {
        let offers = field(json, "offers");
        for p in Provider::ALL {
            let o = field(&offers, p.as_str());
            let mut label = String::with_capacity(40);
            push_wire_offer(&mut label, text_field(&o, "kind"), text_field(&o, "amount"), self.lang);
            let el = self.view.part(match p {
                Provider::Bkash => "xbkash",
                Provider::Nagad => "xnagad",
            });
            say(&el, &label);
            show(&el, !label.is_empty());
        }
        let c = field(json, "compliance");
        let asks = |k: &str| field(&c, k).as_bool() == Some(true);
        let (nid, alt) = (asks("nid"), asks("alt_phone"));
        if status.may_confirm() && status != PaymentStatus::Pending {
            self.ask_compliance(nid, alt);
        }
    }
}

/// Appends an offer's label from its wire form (`"cashback"`, `"40.00"`) in shared's words:
/// `কমিশন ছাড়া`, `৳৪০.০০ ক্যাশব্যাক`. Anything else appends nothing. The amount is read with
/// the widget's strict reader (amount.rs), not `push_offer_text`'s, which brings the amount
/// classifier along (several KB of wasm).
pub fn push_wire_offer(out: &mut String, kind: Option<String>, amount: Option<String>, lang: Lang) {
    let kind = kind.and_then(|k| OfferKind::from_name(&k));
    if let (Some(kind), Some(poisha)) = (kind, amount.and_then(|a| wire_poisha(&a))) {
        push_offer_poisha(out, kind, poisha, lang);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(kind: &str, amount: &str, lang: Lang) -> String {
        let mut s = String::new();
        push_wire_offer(&mut s, Some(kind.into()), Some(amount.into()), lang);
        s
    }

    #[test]
    fn offers_are_labelled_in_the_shoppers_language() {
        assert_eq!(label("cashback", "40.00", Lang::Bn), "৳৪০.০০ ক্যাশব্যাক");
        assert_eq!(label("cashback", "45.00", Lang::En), "৳45.00 cashback");
        assert_eq!(label("commission_free", "1200.00", Lang::Bn), "কমিশন ছাড়া");
        assert_eq!(label("commission_free", "1200.00", Lang::En), "Commission-free");
        assert_eq!(label("cashback", "1250.5", Lang::En), "৳1,250.50 cashback");
    }

    #[test]
    fn an_offer_the_widget_cannot_read_shows_nothing() {
        for (kind, amount) in [
            ("cashback", "-5"),
            ("cashback", "৳40"),
            ("cashback", ""),
            ("discount", "40.00"),
        ] {
            assert_eq!(label(kind, amount, Lang::En), "", "{kind} {amount}");
        }
        let mut s = String::new();
        push_wire_offer(&mut s, None, Some("40.00".into()), Lang::Bn);
        push_wire_offer(&mut s, Some("cashback".into()), None, Lang::Bn);
        assert_eq!(s, "");
    }
}
