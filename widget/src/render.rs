//! Drawing a widget's state: which parts show, which are enabled, and their words.

use bdpay_shared::locale::push_poisha;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::PaymentStatus;
use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlInputElement};

use crate::amount::wire_poisha;
use crate::api::text_field;
use crate::phone::{suggests, Typed};
use crate::text::{self, push_with_provider, text, Doing};
use crate::view::{busy, flag, say, show, slot};
use crate::widget::{Phase, Trouble, Widget};

impl Widget {
    /// Draws the state: every part shown, hidden, enabled or worded from `State` alone.
    pub(crate) fn render(&self) {
        let st = self.st.borrow();
        if st.retired {
            return;
        }
        let t = text(self.lang);
        let v = &self.view;
        let phase = st.phase;
        let name = st.trouble.map_or(phase.name(), Trouble::name);
        let _ = self.host.set_attribute("data-bdpay-status", name);
        // Loading shows the form too: it is the loader's skeleton (widget/loader.js), and a
        // wallet tapped before the status came is confirmed once it says requires_method.
        let choosing = match phase {
            Phase::Loading => !st.resumed,
            Phase::Choose | Phase::Starting(_) => true,
            _ => false,
        };
        let offer = match phase {
            Phase::Final(PaymentStatus::Failed) => Some(t.try_other),
            Phase::Final(PaymentStatus::Cancelled | PaymentStatus::Expired) => Some(t.try_again_choose),
            _ => None,
        };
        // The amount line shows once an answer brought the amount (show_facts), never broken.
        if phase == Phase::Broken {
            show(&v.amount, false);
        }
        show(&v.form, choosing || offer.is_some());
        #[cfg(feature = "manual")]
        {
            show(&v.manual.root, phase == Phase::Manual);
            flag(&v.manual.submit, "disabled", st.busy);
            busy(&v.manual.submit, st.busy && phase == Phase::Manual);
        }
        show(&v.phone_box, choosing);
        #[cfg(feature = "manual")]
        {
            show(&v.part("nw"), st.need_nid);
            show(&v.part("aw"), st.need_alt);
            show(&v.part("of"), phase == Phase::Otp);
        }
        show(&v.offer, offer.is_some());
        say(&v.offer, offer.unwrap_or(""));
        let from_phone = suggests(st.phone, st.recommended_for);
        let failed = match phase {
            Phase::Final(PaymentStatus::Failed) => st.provider,
            _ => None,
        };
        let primary = failed.map(Provider::other).or(from_phone).or(st.recommended);
        // An unavailable wallet is disabled while the other one can take the payment. With
        // both down, both stay tappable (badged): the edge's answer is then the manual
        // transfer, where the shop offers it, or words saying no wallet works now.
        let one_on = st.available.contains(&true);
        let live = match phase {
            Phase::Loading => st.tapped.is_none(),
            Phase::Choose | Phase::Final(_) => !st.busy,
            _ => false,
        };
        for ((p, b), badge) in Provider::ALL.into_iter().zip(&v.buttons).zip(&v.badges) {
            let on = st.available.get(slot(p)).copied().unwrap_or(false);
            show(b, failed != Some(p));
            flag(b, "disabled", (!on && one_on) || !live);
            let tapped = phase == Phase::Loading && st.tapped == Some(p);
            busy(b, phase == Phase::Starting(p) || tapped);
            let words = if !on {
                Some(t.unavailable)
            } else if primary == Some(p) {
                Some(t.recommended)
            } else {
                None
            };
            show(badge, words.is_some());
            say(badge, words.unwrap_or(""));
        }
        let mut why = String::new();
        if choosing {
            match from_phone {
                Some(p) => push_with_provider(&mut why, self.lang, p, Doing::PhoneSuggests),
                None => why.push_str(st.reason.as_deref().unwrap_or("")),
            }
        }
        show(&v.reason, !why.is_empty());
        say(&v.reason, &why);
        // The typed number's operator favours a wallet: the line becomes a banner in its colour.
        set_provider(&v.reason, from_phone.filter(|_| choosing));
        let working = match phase {
            Phase::Starting(p) | Phase::Redirecting(p) => Some(Some(p)),
            Phase::Waiting => Some(st.provider),
            Phase::Otp if st.busy => Some(st.provider),
            Phase::Loading => Some(st.tapped),
            _ => None,
        };
        show(&v.progress, working.is_some() && st.trouble.is_none());
        set_provider(&v.progress, working.flatten());
        let mut line = String::with_capacity(160);
        if let Phase::Failover(to) = phase {
            let mut label = String::with_capacity(48);
            push_with_provider(&mut label, self.lang, to, Doing::ContinueTo);
            say(&v.onward, &label);
        }
        show(&v.onward, matches!(phase, Phase::Failover(_)));
        if let (Some(from), Phase::Failover(_) | Phase::Waiting) = (st.failover_from, phase) {
            // Said before the shopper leaves (a phone), or while a desktop waits on the QR code.
            text::push_failover(&mut line, self.lang, from, from.other());
            if phase == Phase::Waiting {
                line.push(' ');
            }
        }
        match (st.trouble, phase) {
            #[cfg(feature = "manual")]
            (Some(Trouble::Stalled), Phase::Review) => text::push_all(&mut line, &[t.review, " ", t.still_waiting]),
            (Some(Trouble::Offline), _) => line.push_str(t.offline),
            (Some(Trouble::Unreachable), _) => line.push_str(t.unreachable),
            (Some(Trouble::Stalled), _) => line.push_str(t.still_waiting),
            (None, Phase::Loading) => line.push_str(t.loading),
            (None, Phase::Choose) => line.push_str(t.choose),
            (None, Phase::Starting(p)) => push_with_provider(&mut line, self.lang, p, Doing::Starting),
            (None, Phase::Redirecting(p)) => push_with_provider(&mut line, self.lang, p, Doing::Redirecting),
            (None, Phase::Waiting) => line.push_str(t.waiting),
            // The code's form has its own prompt.
            (None, Phase::Failover(_) | Phase::Otp) => {}
            // The screen's own first line says what to do (show_manual); this line stays for
            // the answer to the form, under its button.
            (None, Phase::Manual) => {}
            (None, Phase::Review) => {
                line.push_str(text::final_status(self.lang, PaymentStatus::RequiresReview));
            }
            (None, Phase::Final(s)) => line.push_str(text::final_status(self.lang, s)),
            (None, Phase::Broken) => {}
        }
        if st.degraded && st.trouble.is_none() && matches!(phase, Phase::Choose | Phase::Waiting | Phase::Review) {
            text::push_all(&mut line, &[" ", t.slow]);
        }
        if st.notice.is_some() {
            line.push(' ');
        }
        say(&v.status, &line);
        say(&v.error, st.notice.as_deref().unwrap_or(""));
        show(&v.qr, phase == Phase::Waiting && st.redirect.is_some());
        show(&v.retry, st.trouble.is_some());
    }

    /// A phone field's hint and `aria-invalid`: the shopper's optional number or, on the
    /// manual-transfer form, the number the money was sent from.
    pub(crate) fn show_phone(&self, input: &HtmlInputElement, hint_el: &Element, typed: Typed) {
        let mut hint = String::with_capacity(64);
        match typed {
            Typed::Valid(m) => {
                let op = m.operator();
                text::push_all(
                    &mut hint,
                    &["✓ ", text::operator_name(self.lang, op), " ", text(self.lang).phone_ok],
                );
            }
            Typed::Invalid(e) => hint.push_str(text::phone_error(self.lang, e)),
            Typed::Empty | Typed::Partial => {}
        }
        hint_for(input, hint_el, &hint, matches!(typed, Typed::Invalid(_)));
    }

    /// The provider's link: a QR code on a desktop, a plain link on a phone.
    pub(crate) fn show_link(&self, p: Provider, url: &str, desktop: bool) {
        // A desktop's QR code is drawn by the build with the encoder (lazy.rs): that one takes
        // over and finds the link in the status.
        #[cfg(not(any(feature = "qr", feature = "manual")))]
        if desktop && self.hand_over() {
            return;
        }
        let v = &self.view;
        let t = text(self.lang);
        let _ = v.qr_link.set_attribute("href", url);
        let mut svg = String::new();
        let drawn = desktop && crate::qr::push_svg(&mut svg, url);
        v.qr_code.set_inner_html(&svg);
        show(&v.qr_code, drawn);
        say(&v.qr_text, if drawn { t.scan } else { "" });
        show(&v.qr_text, drawn);
        let mut label = String::with_capacity(48);
        if drawn {
            label.push_str(t.continue_here);
        } else {
            push_with_provider(&mut label, self.lang, p, Doing::PayWith);
        }
        say(&v.qr_link, &label);
    }

    /// Merchant, order and amount: the amount in the page's digits with lakh grouping.
    pub(crate) fn show_facts(&self, json: &JsValue) {
        let v = &self.view;
        if let Some(m) = text_field(json, "merchant_name") {
            say(&v.merchant, &m);
        }
        if let Some(o) = text_field(json, "order_id") {
            let mut s = String::with_capacity(o.len() + 16);
            text::push_all(&mut s, &[text(self.lang).order, " ", &o]);
            say(&v.order, &s);
        }
        if let Some(a) = text_field(json, "amount") {
            let mut s = String::with_capacity(48);
            if let Some(poisha) = wire_poisha(&a) {
                push_poisha(&mut s, poisha, self.lang);
                say(&v.amount_value, &s);
                show(&v.amount, true);
            }
        }
    }
}

/// An element's `data-provider`, or none.
fn set_provider(el: &Element, p: Option<Provider>) {
    let _ = match p {
        Some(p) => el.set_attribute("data-provider", p.as_str()),
        None => el.remove_attribute("data-provider"),
    };
}

/// Words under a field, red and `aria-invalid` when `bad`.
pub(crate) fn hint_for(input: &HtmlInputElement, hint_el: &Element, words: &str, bad: bool) {
    say_error(hint_el, words, bad);
    let _ = input.set_attribute("aria-invalid", if bad { "true" } else { "false" });
}

/// Words under a field, red when `bad`.
pub(crate) fn say_error(hint_el: &Element, words: &str, bad: bool) {
    say(hint_el, words);
    let _ = hint_el.set_attribute("class", if bad { "t x" } else { "t" });
}
