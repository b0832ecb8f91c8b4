//! The manual-transfer screen (docs/design.md, "Widget → edge"): when no wallet can take the
//! payment, the shopper sends the money with Send Money from their own wallet app to the
//! shop's number, writes our reference, and quotes the transfer's TrxID here. The TrxID is
//! checked as typed with `shared::trx_id`, the sender's number with the phone field's rules.

use std::rc::Rc;

use bdpay_shared::locale::{digit_value, push_poisha};
use bdpay_shared::phone::PhoneError;
use bdpay_shared::provider::Provider;
use bdpay_shared::trx_id::{could_become_valid, is_valid, normalize};
use js_sys::Array;
use wasm_bindgen::JsValue;
use web_sys::HtmlInputElement;

use crate::amount::wire_poisha;
use crate::api::{self, field, message, text_field, Reply};
use crate::phone::{judge, Typed};
use crate::render::{hint_for, say_error};
use crate::text::text;
use crate::view::{say, show, slot};
use crate::widget::Call;
use crate::widget::Widget;

/// What the shopper has typed as the TrxID so far.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Trx {
    Empty,
    /// Not whole yet (or no wallet chosen to judge it by), nothing wrong so far.
    Partial,
    /// Whole (`trx_id::normalize` gives it as the wallet writes it).
    Valid,
    Invalid(TrxError),
}

/// Why a TrxID cannot be one, in the order of `Text::trx_errors`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TrxError {
    /// A character no TrxID has (`!`, a space inside, a Bangla letter).
    Character,
    /// Letters and digits, but too many, or (once the shopper is done) too few.
    Length,
}

/// Judges the TrxID field: by the wallet `chosen`, else by any wallet `offered` (by slot).
/// While `typing`, only text that can no longer become an id is an error; once the
/// shopper is done (left the field, or submits) a short one is too.
#[must_use]
pub fn judge_trx(input: &str, chosen: Option<Provider>, offered: [bool; 2], typing: bool) -> Trx {
    if input.trim().is_empty() {
        return Trx::Empty;
    }
    if chosen.is_some_and(|p| is_valid(p, input)) {
        return Trx::Valid;
    }
    let could = Provider::ALL
        .into_iter()
        .filter(|p| chosen.map_or(offered.get(slot(*p)).copied().unwrap_or(false), |c| c == *p))
        .any(|p| could_become_valid(p, input));
    if could && (typing || chosen.is_none()) {
        return Trx::Partial;
    }
    let letters = input
        .trim()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || digit_value(c).is_some());
    Trx::Invalid(if letters { TrxError::Length } else { TrxError::Character })
}

/// A shop's receiving number as the edge sends it: 11 ASCII digits from `01`.
fn is_number(n: &str) -> bool {
    n.len() == 11 && n.starts_with("01") && n.bytes().all(|b| b.is_ascii_digit())
}

/// The reference to write in the transfer: at most ten letters and digits.
fn is_reference(r: &str) -> bool {
    !r.is_empty() && r.len() <= 10 && r.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Widget {
    /// Draws `next_action.instructions` (`{amount, currency, reference, wallets, message,
    /// message_bn}`); false when they are not usable (then the screen stays hidden).
    pub(crate) fn show_manual(&self, next: &JsValue) -> bool {
        let ins = field(next, "instructions");
        let m = &self.view.manual;
        let amount = text_field(&ins, "amount").and_then(|a| wire_poisha(&a).map(|p| (a, p)));
        let reference = text_field(&ins, "reference").filter(|r| is_reference(r));
        let (Some((amount, poisha)), Some(reference)) = (amount, reference) else {
            return false;
        };
        let mut offered = [false; 2];
        let wallets = field(&ins, "wallets");
        if Array::is_array(&wallets) {
            for w in Array::from(&wallets).iter() {
                let p = text_field(&w, "provider").and_then(|s| s.parse::<Provider>().ok());
                let (Some(p), Some(n)) = (p, text_field(&w, "number").filter(|n| is_number(n))) else {
                    continue;
                };
                let i = slot(p);
                if let (Some(num), Some(copy), Some(o)) = (m.numbers.get(i), m.copy_numbers.get(i), offered.get_mut(i))
                {
                    say(num, &n);
                    let _ = copy.set_attribute("data-copy", &n);
                    *o = true;
                }
            }
        }
        if offered == [false, false] {
            return false;
        }
        for (((row, choice), radio), on) in m.rows.iter().zip(&m.choices).zip(&m.used).zip(offered) {
            show(row, on);
            show(choice, on);
            // One wallet to send to: it is the one used.
            if offered != [true, true] && on {
                radio.set_checked(true);
            }
        }
        let words = message(&ins, self.lang);
        say(&m.message, words.as_deref().unwrap_or(text(self.lang).manual));
        let mut shown = String::with_capacity(32);
        push_poisha(&mut shown, poisha, self.lang);
        say(&m.amount, &shown);
        // What a wallet app's amount field takes: "1250", or "1250.50" with poisha.
        let _ = m
            .copy_amount
            .set_attribute("data-copy", amount.strip_suffix(".00").unwrap_or(&amount));
        say(&m.reference, &reference);
        let _ = m.copy_reference.set_attribute("data-copy", &reference);
        self.st.borrow_mut().offered = offered;
        true
    }

    /// The screen just came (a tap, or this build taking over from a phone build's): reading
    /// starts at its first line, for a screen reader too.
    pub(crate) fn focus_manual(&self) {
        let _ = self.view.manual.message.focus();
    }

    /// This build says what review means itself.
    pub(crate) fn review_elsewhere(&self) -> bool {
        false
    }

    /// The radio the shopper checked.
    fn chosen_wallet(&self) -> Option<Provider> {
        Provider::ALL
            .into_iter()
            .zip(&self.view.manual.used)
            .find(|(_, r)| r.checked())
            .map(|(p, _)| p)
    }

    /// Typing in (or leaving) a field of the manual-transfer form.
    pub(crate) fn on_manual_input(&self, id: &str, typing: bool) {
        let m = &self.view.manual;
        match id {
            "ms" => self.show_phone(&m.sender, &m.sender_hint, judge(&m.sender.value(), typing)),
            "mx" => {
                self.check_trx(typing);
            }
            "ubkash" | "unagad" => {
                say_error(&m.used_hint, "", false);
                self.check_trx(true);
            }
            _ => {}
        }
    }

    /// Judges the TrxID field and says what is wrong under it.
    fn check_trx(&self, typing: bool) -> Trx {
        let m = &self.view.manual;
        let offered = self.st.borrow().offered;
        let trx = judge_trx(&m.trx.value(), self.chosen_wallet(), offered, typing);
        let t = text(self.lang);
        let words = match &trx {
            Trx::Valid => "✓",
            Trx::Invalid(e) => t.trx_errors.get(*e as usize).copied().unwrap_or(""),
            Trx::Empty | Trx::Partial => "",
        };
        hint_for(&m.trx, &m.trx_hint, words, matches!(trx, Trx::Invalid(_)));
        trx
    }

    /// The form's submit: every field checked as final, then
    /// `POST /v1/payments/{id}/manual_transfer`.
    pub(crate) fn submit_manual(self: &Rc<Self>) {
        if self.st.borrow().busy {
            return;
        }
        let m = &self.view.manual;
        let t = text(self.lang);
        let wallet = self.chosen_wallet();
        let missing = t.trx_errors.get(2).copied().unwrap_or("");
        say_error(
            &m.used_hint,
            if wallet.is_some() { "" } else { missing },
            wallet.is_none(),
        );
        let trx = self.check_trx(false);
        if trx == Trx::Empty {
            let words = t.trx_errors.get(TrxError::Length as usize).copied().unwrap_or("");
            hint_for(&m.trx, &m.trx_hint, words, true);
        }
        let sender = match judge(&m.sender.value(), false) {
            Typed::Empty => Typed::Invalid(PhoneError::WrongLength),
            typed => typed,
        };
        self.show_phone(&m.sender, &m.sender_hint, sender);
        let id = wallet.and_then(|p| normalize(p, &m.trx.value()));
        let (Some(p), Some(id), Typed::Valid(phone)) = (wallet, id, sender) else {
            // The first field that needs the shopper gets the focus.
            let first: &HtmlInputElement = match (wallet, trx) {
                (None, _) => m.used.iter().find(|r| !r.disabled()).unwrap_or(&m.trx),
                (_, Trx::Valid) => &m.sender,
                _ => &m.trx,
            };
            let _ = first.focus();
            return;
        };
        {
            let mut st = self.st.borrow_mut();
            st.busy = true;
            st.notice = None;
        }
        self.render();
        let w = Rc::clone(self);
        api::read(
            &api::manual_transfer(&self.cfg, p, &id, &phone),
            self.lang,
            Box::new(move |reply| w.done(reply, Call::ManualTransfer)),
        );
    }

    /// The edge's answer to the transfer: the payment's status (`requires_review`, or
    /// already decided), or a refusal in the page's language.
    pub(crate) fn on_submitted(self: &Rc<Self>, reply: Reply) {
        let t = text(self.lang);
        let notice = match reply {
            Reply::Ok(json) => return self.apply(&json),
            Reply::Refused(r) if r.code == "trx_id_already_used" => {
                let m = &self.view.manual;
                hint_for(&m.trx, &m.trx_hint, &r.message, true);
                let _ = m.trx.focus();
                None
            }
            Reply::Refused(r) if r.message.is_empty() => Some(String::from(t.unexpected)),
            Reply::Refused(r) => Some(r.message),
            Reply::Unreachable => {
                let offline = !web_sys::window().is_some_and(|w| w.navigator().on_line());
                Some(String::from(if offline { t.offline } else { t.unreachable }))
            }
        };
        self.st.borrow_mut().notice = notice;
        self.render();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Provider::{Bkash, Nagad};

    const BOTH: [bool; 2] = [true, true];

    #[test]
    fn a_trx_id_is_flagged_only_once_it_cannot_become_one() {
        assert_eq!(judge_trx("ABC!", None, BOTH, true), Trx::Invalid(TrxError::Character));
        assert_eq!(
            judge_trx("ABC!", Some(Bkash), BOTH, true),
            Trx::Invalid(TrxError::Character)
        );
        assert_eq!(judge_trx("CKP4", Some(Bkash), BOTH, true), Trx::Partial);
        assert_eq!(judge_trx("CKP4", None, BOTH, true), Trx::Partial);
        assert_eq!(judge_trx("", Some(Bkash), BOTH, false), Trx::Empty);
        assert_eq!(judge_trx("ckp40qz7tm", Some(Bkash), BOTH, true), Trx::Valid);
        // Nine characters fit bKash but not Nagad's eight.
        assert_eq!(
            judge_trx("CKP40QZ7T", Some(Nagad), BOTH, true),
            Trx::Invalid(TrxError::Length)
        );
        assert_eq!(judge_trx("CKP40QZ7T", None, BOTH, true), Trx::Partial);
        assert_eq!(
            judge_trx("CKP40QZ7T", None, [false, true], true),
            Trx::Invalid(TrxError::Length)
        );
    }

    #[test]
    fn leaving_the_field_makes_a_short_trx_id_an_error_once_the_wallet_is_known() {
        assert_eq!(
            judge_trx("CKP4", Some(Bkash), BOTH, false),
            Trx::Invalid(TrxError::Length)
        );
        assert_eq!(judge_trx("CKP4", None, BOTH, false), Trx::Partial);
        assert_eq!(judge_trx("০০০১৭৭yt", Some(Nagad), BOTH, false), Trx::Valid);
        assert_eq!(
            judge_trx("CKP4 0QZ7TM", Some(Bkash), BOTH, false),
            Trx::Invalid(TrxError::Character)
        );
    }

    #[test]
    fn numbers_and_references_are_checked_before_they_are_shown() {
        assert!(is_number("01929918378"));
        for bad in ["", "0192991837", "+8801929918378", "01929918378 ", "02929918378"] {
            assert!(!is_number(bad), "{bad:?}");
        }
        assert!(is_reference("0123456789"));
        assert!(is_reference("K3X9"));
        for bad in ["", "01234567890", "ABC-1", "ab c"] {
            assert!(!is_reference(bad), "{bad:?}");
        }
    }
}
