//! The screens a risk decision may put in a payment's way (issue #16, docs/risk.md): the
//! compliance fields (the shopper's NID and another mobile number, when the merchant asks)
//! and the step-up, the one-time code the edge sent by SMS. In the builds with the
//! manual-transfer screen; a phone build hands over to one of them (lazy.rs).
//!
//! The NID and the other number leave the widget only in confirm's body: never in a log, an
//! event or an attribute of the page.

use std::rc::Rc;

use bdpay_shared::phone::{Msisdn, PhoneError};
use bdpay_shared::provider::Provider;
use bdpay_shared::risk::nid::{self, Nid, NidError};
use bdpay_shared::risk::otp::OtpCode;
use wasm_bindgen::JsValue;

use crate::api::{self, text_field, Fields};
use crate::phone::{judge, Typed};
use crate::render::hint_for;
use crate::text::{self, text};
use crate::view::say;
use crate::widget::{Call, Phase, Widget};

impl Widget {
    /// Which compliance fields the payment asks for (risk.rs read them).
    pub(crate) fn ask_compliance(&self, nid: bool, alt: bool) {
        let mut st = self.st.borrow_mut();
        st.need_nid = nid;
        st.need_alt = alt;
    }

    /// The NID field's hint; the number when it is one. While `typing`, an empty or short
    /// number is not an error yet.
    pub(crate) fn on_nid(&self, typing: bool) -> Option<Nid> {
        let input = self.view.input("n");
        let got = nid::parse(&input.value());
        let words = match got {
            Ok(_) => "",
            Err(NidError::Empty | NidError::WrongLength) if typing => "",
            Err(e) => text::nid_error(self.lang, e),
        };
        hint_for(&input, &self.view.part("nt"), words, !words.is_empty());
        got.ok()
    }

    /// The other number's hint, with the phone field's checks; the number when it is one.
    /// It is asked for, so empty is an error once the shopper leaves the field.
    pub(crate) fn on_alt(&self, typing: bool) -> Option<Msisdn> {
        let input = self.view.input("ap");
        let typed = match judge(&input.value(), typing) {
            Typed::Empty if !typing => Typed::Invalid(PhoneError::WrongLength),
            t => t,
        };
        self.show_phone(&input, &self.view.part("at"), typed);
        match typed {
            Typed::Valid(m) => Some(m),
            _ => None,
        }
    }

    /// Adds the compliance fields the payment asks for to `fields`; false, with the first
    /// one to correct focused and its hint said, when one is wrong or missing.
    pub(crate) fn compliance(&self, fields: &mut Fields) -> bool {
        let (need_nid, need_alt) = {
            let st = self.st.borrow();
            (st.need_nid, st.need_alt)
        };
        fields.nid = if need_nid { self.on_nid(false) } else { None };
        fields.alt_phone = if need_alt { self.on_alt(false) } else { None };
        let bad = if need_nid && fields.nid.is_none() {
            "n"
        } else if need_alt && fields.alt_phone.is_none() {
            "ap"
        } else {
            return true;
        };
        // "Send a new code" after a reload finds the fields empty: back to the form.
        let mut st = self.st.borrow_mut();
        if st.phase == Phase::Otp {
            st.phase = Phase::Choose;
            drop(st);
            self.render();
        }
        let _ = self.view.input(bad).focus();
        false
    }

    /// The step-up: `next` is `{"type": "otp", "sent_to": "01XX…4567", "expires_at", "tries_left"}`.
    pub(crate) fn enter_otp(&self, next: &JsValue) {
        let v = &self.view;
        let mut prompt = String::with_capacity(96);
        text::push_otp_prompt(&mut prompt, self.lang, text_field(next, "sent_to").as_deref());
        say(&v.part("ol"), &prompt);
        let code = v.input("oc");
        code.set_value("");
        hint_for(&code, &v.part("ot"), "", false);
        self.st.borrow_mut().phase = Phase::Otp;
        self.render();
        let _ = code.focus();
    }

    /// The code's form sent: six digits (ASCII or Bangla, spaces ignored) go to the edge.
    pub(crate) fn submit_otp(self: &Rc<Self>) {
        let input = self.view.input("oc");
        let hint = self.view.part("ot");
        let Ok(code) = OtpCode::parse(&input.value()) else {
            hint_for(&input, &hint, text(self.lang).otp_bad, true);
            let _ = input.focus();
            return;
        };
        hint_for(&input, &hint, "", false);
        let p = {
            let mut st = self.st.borrow_mut();
            if st.busy || st.phase != Phase::Otp {
                return;
            }
            st.busy = true;
            st.notice = None;
            st.provider.or(st.recommended).unwrap_or(Provider::Bkash)
        };
        self.render();
        let w = Rc::clone(self);
        // The right code is answered as a confirm is: on to the wallet's page.
        api::read(
            &api::otp(&self.cfg, code.expose_digits()),
            self.lang,
            Box::new(move |reply| w.done(reply, Call::Confirm(p, Phase::Otp))),
        );
    }

    /// "Send a new code": confirm again with the same body.
    pub(crate) fn resend(self: &Rc<Self>) {
        let p = {
            let st = self.st.borrow();
            if st.phase != Phase::Otp {
                return;
            }
            st.provider.or(st.recommended)
        };
        if let Some(p) = p {
            self.confirm(p);
        }
    }
}
