//! A wallet's offer as its button shows it: `৳৪০.০০ ক্যাশব্যাক`, `৳40.00 cashback`,
//! `কমিশন ছাড়া`, `Commission-free`.
//!
//! Built without `format!`: the widget formats the offer the status answer carried (a kind
//! and an amount string) through [`push_offer_text`], and never parses the amount into a
//! decimal. English amounts use the taka sign as everywhere else (`Money::format_en`).

use crate::locale::{push_poisha, Lang};
use crate::money::{push_amount, MoneyError};

use super::{Offer, OfferKind};

/// A commission-free offer's label: the amount is the payment's own, so it is not repeated.
const fn commission_free(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Commission-free",
        Lang::Bn => "কমিশন ছাড়া",
    }
}

const fn cashback_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " cashback",
        Lang::Bn => " ক্যাশব্যাক",
    }
}

/// Appends the offer's label in `lang`.
pub fn push_offer(out: &mut String, offer: Offer, lang: Lang) {
    push_offer_poisha(out, offer.kind, offer.amount.poisha().unsigned_abs(), lang);
}

/// The same from a kind and an amount in poisha: for the widget, which reads the wire amount
/// with its own strict reader and so carries neither `Money` nor the amount classifier that
/// [`push_offer_text`] brings along (several KB of wasm). A commission-free amount is not used.
pub fn push_offer_poisha(out: &mut String, kind: OfferKind, poisha: u64, lang: Lang) {
    match kind {
        OfferKind::CommissionFree => out.push_str(commission_free(lang)),
        OfferKind::Cashback => {
            push_poisha(out, poisha, lang);
            out.push_str(cashback_word(lang));
        }
    }
}

/// The offer's label in `lang`: `"৳৪০.০০ ক্যাশব্যাক"`.
#[must_use]
pub fn format_offer(offer: Offer, lang: Lang) -> String {
    let mut out = String::with_capacity(40);
    push_offer(&mut out, offer, lang);
    out
}

/// The same from the wire form (`"cashback"`, `"40.00"`): what the widget calls. A cashback
/// amount that is not one appends nothing and says why; a commission-free amount is not read.
pub fn push_offer_text(out: &mut String, kind: OfferKind, amount: &str, lang: Lang) -> Result<(), MoneyError> {
    match kind {
        OfferKind::CommissionFree => out.push_str(commission_free(lang)),
        OfferKind::Cashback => {
            push_amount(out, amount, lang)?;
            out.push_str(cashback_word(lang));
        }
    }
    Ok(())
}
