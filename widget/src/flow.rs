//! What the shopper's choice sets going: confirm (the step-up's code too: step_up.rs), the way
//! to the provider's page, the poll and its backoff, retry and the phone going offline and back.

use std::rc::Rc;

use bdpay_shared::device::Device;
use bdpay_shared::provider::Provider;
use bdpay_shared::status::PaymentStatus;

use crate::api::{self, field, text_field, Fields, Reply};
use crate::phone::{judge, Typed};
use crate::poll;
use crate::text::text;
use crate::view::slot;
use crate::widget::{web_link, Call, Phase, Trouble, Widget};

impl Widget {
    pub(crate) fn confirm(self: &Rc<Self>, p: Provider) {
        let Some(fields) = self.fields() else {
            return;
        };
        let before = {
            let mut st = self.st.borrow_mut();
            if st.busy {
                return;
            }
            st.busy = true;
            let before = st.phase;
            // "Send a new code" keeps the code's form in view while it goes.
            if before != Phase::Otp {
                st.phase = Phase::Starting(p);
            }
            st.provider = Some(p);
            st.notice = None;
            st.trouble = None;
            before
        };
        self.render();
        let w = Rc::clone(self);
        let pending = api::confirm(&self.cfg, Some(p), fields, &self.device);
        api::read(
            &pending,
            self.lang,
            Box::new(move |reply| w.done(reply, Call::Confirm(p, before))),
        );
    }

    /// What confirm carries from the form, checked: `None`, with the field to correct focused
    /// and its hint said, when something is wrong.
    pub(crate) fn fields(&self) -> Option<Fields> {
        let typed = judge(&self.view.phone.value(), false);
        self.st.borrow_mut().phone = typed;
        let phone = match typed {
            Typed::Invalid(_) => {
                self.show_phone(&self.view.phone, &self.view.phone_hint, typed);
                let _ = self.view.phone.focus();
                return None;
            }
            Typed::Valid(m) => Some(m),
            Typed::Empty | Typed::Partial => None,
        };
        // The phone builds ask for nothing else.
        #[cfg_attr(not(feature = "manual"), allow(unused_mut, clippy::needless_update))]
        let mut fields = Fields {
            phone,
            ..Fields::default()
        };
        #[cfg(feature = "manual")]
        if !self.compliance(&mut fields) {
            return None;
        }
        Some(fields)
    }

    pub(crate) fn on_confirm(self: &Rc<Self>, p: Provider, reply: Reply, before: Phase) {
        let t = text(self.lang);
        match reply {
            Reply::Ok(json) => {
                let next = field(&json, "next_action");
                let kind = text_field(&next, "type");
                if kind.as_deref() == Some("otp") {
                    // A step-up: the edge sent a code by SMS (step_up.rs; a phone build hands over).
                    return self.enter_otp(&next);
                }
                if kind.as_deref() == Some("manual_transfer") {
                    // No wallet can take the payment: the shopper sends the money by hand.
                    if self.show_manual(&next) {
                        self.st.borrow_mut().phase = Phase::Manual;
                        self.render();
                        return self.focus_manual();
                    }
                    return self.back(before, Some(String::from(t.unexpected)));
                }
                let status = text_field(&json, "status").and_then(|s| s.parse::<PaymentStatus>().ok());
                let url = web_link(text_field(&json, "redirect_url"));
                let chosen = text_field(&json, "provider").and_then(|s| s.parse().ok()).unwrap_or(p);
                // The wallet tapped did not answer and the edge started the other one
                // (docs/design.md, "Widget → edge": failover).
                let from = text_field(&json, "failover_from")
                    .and_then(|s| s.parse::<Provider>().ok())
                    .filter(|f| *f != chosen);
                match (status, url) {
                    (Some(PaymentStatus::Pending), Some(url)) => self.go(chosen, url, from),
                    (Some(s), _) if s.is_final() => self.reload(),
                    _ => self.back(before, Some(String::from(t.bad_link))),
                }
            }
            Reply::Refused(r) if r.code == "invalid_state" => self.reload(),
            // Refused by the risk rules (or three wrong codes): no retry.
            Reply::Refused(r) if r.code == "risk_blocked" => self.stop(r),
            Reply::Refused(r) => {
                if r.code == "provider_unavailable" {
                    if let Some(a) = self.st.borrow_mut().available.get_mut(slot(p)) {
                        *a = false;
                    }
                }
                // Offer the other wallet: it becomes the recommended one. Not for a wrong
                // code or a rate limit, which the other wallet would meet as well.
                if before != Phase::Otp && r.code != "rate_limited" {
                    self.st.borrow_mut().recommended = Some(p.other());
                }
                let words = if r.message.is_empty() {
                    String::from(t.unexpected)
                } else {
                    r.message
                };
                self.back(before, Some(words));
            }
            Reply::Unreachable => {
                let offline = !web_sys::window().is_some_and(|w| w.navigator().on_line());
                self.back(
                    before,
                    Some(String::from(if offline { t.offline } else { t.unreachable })),
                );
            }
        }
    }

    /// Back to where the shopper clicked, with words on why it did not start.
    pub(crate) fn back(&self, before: Phase, notice: Option<String>) {
        {
            let mut st = self.st.borrow_mut();
            st.phase = before;
            st.notice = notice;
        }
        self.render();
    }

    /// Confirmed: to the provider's page in this tab, or on a desktop, a QR code and a wait.
    /// After a failover (`from`) a phone first says that `from` did not answer and waits for
    /// a tap on "Continue to …": no timer, so a slow reader or a screen reader hears it all
    /// and the shopper agrees to the other wallet before its page loads.
    pub(crate) fn go(self: &Rc<Self>, p: Provider, url: String, from: Option<Provider>) {
        let desktop = self.cfg.device == Device::Desktop;
        self.show_link(p, &url, desktop);
        if self.st.borrow().retired {
            return; // the build with the QR code took over (lazy.rs)
        }
        {
            let mut st = self.st.borrow_mut();
            st.provider = Some(p);
            st.redirect = Some(url.clone());
            st.attempt = 0;
            st.failover_from = from;
            if let Some(a) = from.and_then(|f| st.available.get_mut(slot(f))) {
                *a = false;
            }
            st.phase = match (desktop, from) {
                (true, _) => Phase::Waiting,
                (false, Some(_)) => Phase::Failover(p),
                (false, None) => Phase::Redirecting(p),
            };
        }
        self.render();
        self.announce(PaymentStatus::Pending);
        if desktop {
            self.schedule();
        } else if from.is_some() {
            let _ = self.view.onward.focus();
        } else if let Some(w) = web_sys::window() {
            let _ = w.location().assign(&url);
        }
    }

    /// "Continue to Nagad" after a failover: to the wallet's page.
    pub(crate) fn onward(&self) {
        let url = {
            let mut st = self.st.borrow_mut();
            let Phase::Failover(p) = st.phase else { return };
            st.phase = Phase::Redirecting(p);
            st.redirect.clone()
        };
        self.render();
        if let (Some(w), Some(url)) = (web_sys::window(), url) {
            let _ = w.location().assign(&url);
        }
    }

    pub(crate) fn reload(self: &Rc<Self>) {
        {
            let mut st = self.st.borrow_mut();
            st.phase = Phase::Loading;
            st.timer = None;
        }
        self.render();
        self.poll_now();
    }

    /// Asks the edge for the status now (a timer, the retry button, the phone back online).
    pub(crate) fn poll_now(self: &Rc<Self>) {
        {
            let mut st = self.st.borrow_mut();
            if st.busy {
                return;
            }
            st.busy = true;
        }
        let w = Rc::clone(self);
        api::read(
            &api::status(&self.cfg),
            self.lang,
            Box::new(move |reply| w.done(reply, Call::Status)),
        );
    }

    /// Every answer from the edge comes here.
    pub(crate) fn done(self: &Rc<Self>, reply: Reply, call: Call) {
        {
            let mut st = self.st.borrow_mut();
            if st.retired {
                return;
            }
            st.busy = false;
        }
        match call {
            Call::Status => self.on_status(reply),
            Call::Confirm(p, before) => self.on_confirm(p, reply, before),
            #[cfg(feature = "manual")]
            Call::ManualTransfer => self.on_submitted(reply),
        }
    }

    pub(crate) fn schedule(self: &Rc<Self>) {
        let mut st = self.st.borrow_mut();
        if st.retired {
            return;
        }
        if st.attempt >= poll::MAX_POLLS {
            st.trouble = Some(Trouble::Stalled);
            st.timer = None;
            return;
        }
        st.timer = Some(poll::after(self, st.attempt, st.degraded));
        st.attempt = st.attempt.saturating_add(1);
    }

    pub(crate) fn retry(self: &Rc<Self>) {
        {
            let mut st = self.st.borrow_mut();
            st.attempt = 0;
            st.timer = None;
        }
        self.poll_now();
    }

    pub(crate) fn set_offline(self: &Rc<Self>, offline: bool) {
        let resume = {
            let mut st = self.st.borrow_mut();
            let waiting = matches!(st.phase, Phase::Loading | Phase::Waiting | Phase::Review) || st.trouble.is_some();
            if offline {
                if waiting {
                    st.trouble = Some(Trouble::Offline);
                }
                false
            } else {
                if st.trouble == Some(Trouble::Offline) {
                    st.trouble = None;
                }
                waiting
            }
        };
        self.render();
        if resume {
            self.retry();
        }
    }
}
