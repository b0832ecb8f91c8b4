//! What an answer from `/status` does: the payment's facts drawn, the phase moved, the
//! page told once per status with `bdpay:*` events.

use std::rc::Rc;

use bdpay_shared::device::Device;
use bdpay_shared::locale::Lang;
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::Reason;
use bdpay_shared::status::PaymentStatus;
use js_sys::Array;
use wasm_bindgen::JsValue;

use crate::api::{field, message, text_field, Refusal, Reply};
use crate::events::{fire, Detail};
use crate::text::text;
use crate::view::slot;
use crate::widget::{web_link, Phase, Trouble, Widget};

impl Widget {
    pub(crate) fn on_status(self: &Rc<Self>, reply: Reply) {
        match reply {
            Reply::Ok(json) => self.apply(&json),
            Reply::Refused(r) if !r.retryable => self.stop(r),
            Reply::Refused(_) | Reply::Unreachable => {
                let offline = !web_sys::window().is_some_and(|w| w.navigator().on_line());
                {
                    let mut st = self.st.borrow_mut();
                    st.trouble = Some(if offline {
                        Trouble::Offline
                    } else {
                        Trouble::Unreachable
                    });
                }
                // Offline too: the `online` event is what resumes at once, but some webviews
                // never send it, so the slow poll goes on.
                self.schedule();
                self.render();
            }
        }
    }

    /// A refusal the widget cannot get past (a wrong secret, an unknown payment, the risk
    /// rules' block): the words in the box and a `bdpay:failed` event, no retry.
    pub(crate) fn stop(&self, r: Refusal) {
        {
            let mut st = self.st.borrow_mut();
            st.phase = Phase::Broken;
            st.trouble = None;
            st.timer = None;
            st.notice = Some(if r.message.is_empty() {
                String::from(text(self.lang).unexpected)
            } else {
                r.message
            });
            st.code = Some(r.code);
        }
        self.render();
        let st = self.st.borrow();
        let d = Detail {
            payment: Some(self.cfg.payment.as_str()),
            status: "error",
            provider: None,
            code: st.code.as_deref(),
            message: st.notice.as_deref(),
        };
        fire(&self.host, "bdpay:failed", &d);
    }

    /// A status answer: what the edge knows about the payment, drawn and announced.
    pub(crate) fn apply(self: &Rc<Self>, json: &JsValue) {
        let Some(status) = text_field(json, "status").and_then(|s| s.parse::<PaymentStatus>().ok()) else {
            return self.on_status(Reply::Unreachable);
        };
        self.show_facts(json);
        self.show_risk(json, status);
        let (start, entering) = {
            let mut st = self.st.borrow_mut();
            st.trouble = None;
            st.provider = text_field(json, "provider")
                .and_then(|s| s.parse().ok())
                .or(st.provider);
            let avail = field(json, "providers");
            if Array::is_array(&avail) {
                // Each entry: `available`, and the wallet's health `state` (up, degraded, down)
                // where the edge tracks it. A down wallet is unavailable whatever else it says;
                // a wallet the list leaves out is unavailable too.
                st.available = [false, false];
                st.degraded = false;
                for e in Array::from(&avail).iter() {
                    let state = text_field(&e, "state");
                    let on = field(&e, "available").as_bool() != Some(false) && state.as_deref() != Some("down");
                    st.degraded |= state.as_deref() == Some("degraded");
                    let p = text_field(&e, "provider").and_then(|s| s.parse::<Provider>().ok());
                    if let Some(a) = p.and_then(|p| st.available.get_mut(slot(p))) {
                        *a = on;
                    }
                }
            }
            let rec = field(json, "recommended");
            if let Some(p) = text_field(&rec, "provider").and_then(|s| s.parse().ok()) {
                st.recommended = Some(p);
                st.recommended_for = text_field(&rec, "code").and_then(|c| Reason::from_code(&c));
            }
            let reason_key = match self.lang {
                Lang::Bn => "reason_bn",
                Lang::En => "reason",
            };
            st.reason = text_field(&rec, reason_key).or_else(|| text_field(&rec, "reason"));
            let err = field(json, "error");
            st.notice = message(&err, self.lang);
            st.code = text_field(&err, "code");
            let next = field(json, "next_action");
            if let Some(url) = web_link(text_field(&next, "url")) {
                st.redirect = Some(url);
            }
            // A build that took over while the payment waits (a desktop's, with the QR code)
            // says which wallet did not answer, as the first build did from confirm's answer.
            #[cfg(feature = "manual")]
            if let Some(from) = text_field(&next, "failover_from").and_then(|p| p.parse().ok()) {
                st.failover_from = Some(from);
            }
            drop(st);
            // A step-up waits for its code (after a reload: the code's form again).
            let otp = status.may_confirm() && text_field(&next, "type").as_deref() == Some("otp");
            if otp {
                self.enter_otp(&next);
            }
            // The manual-transfer instructions stand while the payment waits for a transfer.
            let manual = (status.may_confirm()
                && text_field(&next, "type").as_deref() == Some("manual_transfer")
                && self.show_manual(&next))
                || (status == PaymentStatus::RequiresReview && self.review_elsewhere());
            let mut st = self.st.borrow_mut();
            let entering = manual && st.phase != Phase::Manual;
            // A wallet tapped while loading counts only if the payment still waits for one.
            let tapped = st.tapped.take();
            let start = match status {
                _ if otp => None,
                _ if manual => {
                    st.phase = Phase::Manual;
                    None
                }
                PaymentStatus::RequiresMethod => {
                    st.phase = Phase::Choose;
                    // The shopper's tap first, then the page's `data-start` (once); not once
                    // another build took over (lazy.rs): that one starts it.
                    let start = tapped
                        .or(self.cfg.start.filter(|_| !st.started))
                        .filter(|_| !st.retired);
                    st.started = true;
                    start
                }
                PaymentStatus::Pending => {
                    st.phase = Phase::Waiting;
                    None
                }
                PaymentStatus::RequiresReview => {
                    if st.phase != Phase::Review {
                        st.attempt = 0; // the review's own backoff, from the start
                    }
                    st.phase = Phase::Review;
                    None
                }
                s => {
                    st.phase = Phase::Final(s);
                    st.timer = None;
                    None
                }
            };
            (start, entering)
        };
        let (phase, p, url) = {
            let st = self.st.borrow();
            (st.phase, st.provider, st.redirect.clone())
        };
        if let (Phase::Waiting, Some(p), Some(url)) = (phase, p, url) {
            self.show_link(p, &url, self.cfg.device == Device::Desktop);
        }
        if matches!(phase, Phase::Waiting | Phase::Review) {
            self.schedule();
        }
        self.render();
        if entering {
            self.focus_manual();
        }
        self.announce(status);
        if let Some(p) = start {
            self.confirm(p);
        }
    }

    /// Tells the page, once per status: `bdpay:status`, then the outcome's own event.
    pub(crate) fn announce(&self, status: PaymentStatus) {
        let (provider, code, notice) = {
            let mut st = self.st.borrow_mut();
            if st.announced == Some(status) || st.retired {
                return;
            }
            st.announced = Some(status);
            (st.provider, st.code.clone(), st.notice.clone())
        };
        let d = Detail {
            payment: Some(self.cfg.payment.as_str()),
            status: status.as_str(),
            provider: provider.map(Provider::as_str),
            code: code.as_deref(),
            message: notice.as_deref(),
        };
        fire(&self.host, "bdpay:status", &d);
        let outcome = match status {
            PaymentStatus::Succeeded => Some("bdpay:succeeded"),
            PaymentStatus::Failed | PaymentStatus::Expired => Some("bdpay:failed"),
            PaymentStatus::Cancelled => Some("bdpay:cancelled"),
            _ => None,
        };
        if let Some(name) = outcome {
            fire(&self.host, name, &d);
        }
    }
}
