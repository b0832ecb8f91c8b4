//! One widget on a page: its state, the shopper's clicks, and what each answer from the edge
//! does to the view and to the page's `bdpay:*` events.

use std::cell::RefCell;
use std::rc::Rc;

use bdpay_shared::locale::{push_poisha, Lang};
use bdpay_shared::provider::Provider;
use bdpay_shared::status::PaymentStatus;
use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use js_sys::{Array, Promise};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, EventTarget};

use crate::amount::wire_poisha;
use crate::api::{self, field, message, text_field, Reply};
use crate::config::{self, Config, ConfigError, Device};
use crate::events::{fire, Detail};
use crate::phone::{judge, provider_for, Typed};
use crate::poll;
use crate::text::{self, push_with_provider, text, Doing};
use crate::view::{flag, say, show, slot, View};

/// Where the shopper is in the flow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Loading,
    /// `requires_method`: the buttons are live.
    Choose,
    /// Confirm is in flight for this provider.
    Starting(Provider),
    /// On the way to the provider's page (same tab).
    Redirecting(Provider),
    /// `pending`: polling; on a desktop the link is shown as a QR code too.
    Waiting,
    Final(PaymentStatus),
    /// The widget cannot go on: bad attributes, a wrong secret, an unknown payment.
    Broken,
}

impl Phase {
    /// The container's `data-bdpay-status`.
    const fn name(self) -> &'static str {
        match self {
            Phase::Loading => "loading",
            Phase::Choose => "requires_method",
            Phase::Starting(_) => "confirming",
            Phase::Redirecting(_) => "redirecting",
            Phase::Waiting => "pending",
            Phase::Final(s) => s.as_str(),
            Phase::Broken => "error",
        }
    }
}

/// Something in the way that may pass: the flow resumes when it does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trouble {
    Offline,
    Unreachable,
    /// Pending for longer than the widget polls.
    Stalled,
}

impl Trouble {
    const fn name(self) -> &'static str {
        match self {
            Trouble::Offline => "offline",
            Trouble::Unreachable => "unreachable",
            Trouble::Stalled => "stalled",
        }
    }
}

struct State {
    phase: Phase,
    trouble: Option<Trouble>,
    /// The last status told to the page, so each event fires once.
    announced: Option<PaymentStatus>,
    /// The payment's provider (from the edge, or the shopper's choice).
    provider: Option<Provider>,
    recommended: Option<Provider>,
    reason: Option<String>,
    available: [bool; 2],
    phone: Typed,
    redirect: Option<String>,
    /// Words for the shopper under the status: a provider's error or a refusal.
    notice: Option<String>,
    code: Option<String>,
    attempt: u32,
    timer: Option<Timeout>,
    listeners: Vec<EventListener>,
    busy: bool,
    started: bool,
}

/// A mounted widget. Its listeners and timer hold it alive for as long as the page lives.
pub struct Widget {
    host: Element,
    lang: Lang,
    view: View,
    cfg: Config,
    st: RefCell<State>,
}

/// Mounts into `host`: reads the attributes, draws the skeleton, then loads the status
/// (from the loader's early request when there is one).
pub fn start(
    host: Element,
    script: Option<Element>,
    api: &str,
    device: &str,
    first: Option<Promise>,
) {
    let lang = config::lang(script.as_ref(), &host);
    let Some(view) = View::build(&host, lang) else {
        host.set_text_content(Some(text(lang).unexpected));
        return;
    };
    let cfg = match config::read(script.as_ref(), &host, api, device) {
        Ok(cfg) => cfg,
        Err(e) => return broken(&host, &view, lang, e),
    };
    let w = Rc::new(Widget {
        host,
        lang,
        view,
        cfg,
        st: RefCell::new(State {
            phase: Phase::Loading,
            trouble: None,
            announced: None,
            provider: None,
            recommended: None,
            reason: None,
            available: [true, true],
            phone: Typed::Empty,
            redirect: None,
            notice: None,
            code: None,
            attempt: 0,
            timer: None,
            listeners: Vec::new(),
            busy: true,
            started: false,
        }),
    });
    w.listen();
    w.render();
    let w2 = Rc::clone(&w);
    let pending = first.unwrap_or_else(|| api::status(&w2.cfg));
    api::read(&pending, lang, Box::new(move |reply| w2.done(reply, None)));
}

/// Attributes that cannot start a payment: words in the box and a `bdpay:failed` event.
fn broken(host: &Element, view: &View, lang: Lang, e: ConfigError) {
    let t = text(lang);
    for el in [&view.form, &view.amount] {
        show(el, false);
    }
    say(
        &view.error,
        match e {
            ConfigError::NoPayment => t.no_payment,
            ConfigError::BadPayment => t.bad_payment,
            ConfigError::NoSecret => t.no_secret,
            ConfigError::BadSecret => t.bad_secret,
        },
    );
    let _ = host.set_attribute("data-bdpay-status", "error");
    web_sys::console::error_2(&JsValue::from_str("bdpay:"), &JsValue::from_str(e.code()));
    fire(
        host,
        "bdpay:failed",
        &Detail {
            payment: None,
            status: "error",
            provider: None,
            code: Some(e.code()),
            message: None,
        },
    );
}

/// Only links to web pages are followed: never `javascript:` or `data:`.
fn web_link(url: Option<String>) -> Option<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}

/// The other wallet.
const fn other(p: Provider) -> Provider {
    match p {
        Provider::Bkash => Provider::Nagad,
        Provider::Nagad => Provider::Bkash,
    }
}

impl Widget {
    /// One delegated listener per event kind on the shadow root, and two on the window.
    fn listen(self: &Rc<Self>) {
        let win: Option<EventTarget> = web_sys::window().map(Into::into);
        let root: &EventTarget = &self.view.root;
        let mut ls = Vec::with_capacity(6);
        let kinds = [
            (Some(root), "click"),
            (Some(root), "input"),
            (Some(root), "focusout"),
            (Some(root), "submit"),
        ];
        let online = [(win.as_ref(), "online"), (win.as_ref(), "offline")];
        for (target, kind) in kinds.into_iter().chain(online) {
            let Some(target) = target else { continue };
            let w = Rc::clone(self);
            let opts = EventListenerOptions::enable_prevent_default();
            ls.push(EventListener::new_with_options(
                target,
                kind,
                opts,
                move |e| w.on_event(e),
            ));
        }
        self.st.borrow_mut().listeners = ls;
    }

    fn on_event(self: &Rc<Self>, e: &Event) {
        let kind = e.type_();
        // The window's events have no element behind them.
        match kind.as_str() {
            "online" => return self.set_offline(false),
            "offline" => return self.set_offline(true),
            _ => {}
        }
        let el: Option<Element> = e.target().map(JsCast::unchecked_into);
        match kind.as_str() {
            "input" => self.on_phone(true),
            "focusout" if el.as_ref().is_some_and(|t| t.id() == "p") => self.on_phone(false),
            "submit" => {
                e.prevent_default();
                if let Some(p) = self.primary() {
                    self.choose(p);
                }
            }
            "click" => {
                let button = el.and_then(|t| t.closest("button").ok().flatten());
                let provider = button
                    .as_ref()
                    .and_then(|b| b.get_attribute("data-provider"));
                match provider.and_then(|p| p.parse().ok()) {
                    Some(p) => self.choose(p),
                    None if button.is_some_and(|b| b.id() == "k") => self.retry(),
                    None => {}
                }
            }
            _ => {}
        }
    }

    /// The provider a click on "Enter" means: the phone's operator's, else the edge's pick.
    fn primary(&self) -> Option<Provider> {
        let st = self.st.borrow();
        let from_phone = match st.phone {
            Typed::Valid(m) => Some(provider_for(m.operator())),
            _ => None,
        };
        from_phone
            .or(st.recommended)
            .filter(|p| st.available.get(slot(*p)).copied().unwrap_or(false))
    }

    fn choose(self: &Rc<Self>, p: Provider) {
        let phase = self.st.borrow().phase;
        match phase {
            Phase::Choose => self.confirm(p),
            Phase::Final(_) => {
                // A final payment cannot be confirmed again: the page may start a new one.
                let status = phase.name();
                let d = Detail {
                    payment: Some(self.cfg.payment.as_str()),
                    status,
                    provider: Some(p.as_str()),
                    code: None,
                    message: None,
                };
                if fire(&self.host, "bdpay:retry", &d) {
                    self.confirm(p);
                }
            }
            _ => {}
        }
    }

    fn on_phone(&self, typing: bool) {
        let value = self.view.phone.value();
        let typed = judge(&value, typing);
        self.st.borrow_mut().phone = typed;
        self.show_phone(typed);
        self.render();
    }

    fn show_phone(&self, typed: Typed) {
        let v = &self.view;
        let mut hint = String::with_capacity(64);
        match typed {
            Typed::Valid(m) => {
                let op = m.operator();
                text::push_all(
                    &mut hint,
                    &[
                        "✓ ",
                        text::operator_name(self.lang, op),
                        " ",
                        text(self.lang).phone_ok,
                    ],
                );
            }
            Typed::Invalid(e) => hint.push_str(text::phone_error(self.lang, e)),
            Typed::Empty | Typed::Partial => {}
        }
        say(&v.phone_hint, &hint);
        let bad = matches!(typed, Typed::Invalid(_));
        let _ = v
            .phone_hint
            .set_attribute("class", if bad { "t x" } else { "t" });
        let _ = v
            .phone
            .set_attribute("aria-invalid", if bad { "true" } else { "false" });
    }

    fn confirm(self: &Rc<Self>, p: Provider) {
        let typed = judge(&self.view.phone.value(), false);
        if let Typed::Invalid(_) = typed {
            self.st.borrow_mut().phone = typed;
            self.show_phone(typed);
            let _ = self.view.phone.focus();
            return;
        }
        let before = {
            let mut st = self.st.borrow_mut();
            if st.busy {
                return;
            }
            st.busy = true;
            st.phone = typed;
            let before = st.phase;
            st.phase = Phase::Starting(p);
            st.provider = Some(p);
            st.notice = None;
            st.trouble = None;
            before
        };
        self.render();
        let phone = match typed {
            Typed::Valid(m) => Some(m),
            _ => None,
        };
        let w = Rc::clone(self);
        let pending = api::confirm(&self.cfg, Some(p), phone.as_ref());
        api::read(
            &pending,
            self.lang,
            Box::new(move |reply| w.done(reply, Some((p, before)))),
        );
    }

    fn on_confirm(self: &Rc<Self>, p: Provider, reply: Reply, before: Phase) {
        let t = text(self.lang);
        match reply {
            Reply::Ok(json) => {
                let status =
                    text_field(&json, "status").and_then(|s| s.parse::<PaymentStatus>().ok());
                let url = web_link(text_field(&json, "redirect_url"));
                let chosen = text_field(&json, "provider")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(p);
                match (status, url) {
                    (Some(PaymentStatus::Pending), Some(url)) => self.go(chosen, url),
                    (Some(s), _) if s.is_final() => self.reload(),
                    _ => self.back(before, Some(String::from(t.bad_link))),
                }
            }
            Reply::Refused(r) if r.code == "invalid_state" => self.reload(),
            Reply::Refused(r) => {
                if r.code == "provider_unavailable" {
                    if let Some(a) = self.st.borrow_mut().available.get_mut(slot(p)) {
                        *a = false;
                    }
                }
                // Offer the other wallet: it becomes the recommended one.
                self.st.borrow_mut().recommended = Some(other(p));
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
                    Some(String::from(if offline {
                        t.offline
                    } else {
                        t.unreachable
                    })),
                );
            }
        }
    }

    /// Back to where the shopper clicked, with words on why it did not start.
    fn back(&self, before: Phase, notice: Option<String>) {
        {
            let mut st = self.st.borrow_mut();
            st.phase = before;
            st.notice = notice;
        }
        self.render();
    }

    /// Confirmed: to the provider's page in this tab, or on a desktop, a QR code and a wait.
    fn go(self: &Rc<Self>, p: Provider, url: String) {
        let desktop = self.cfg.device == Device::Desktop;
        self.show_link(p, &url, desktop);
        {
            let mut st = self.st.borrow_mut();
            st.provider = Some(p);
            st.redirect = Some(url.clone());
            st.attempt = 0;
            st.phase = if desktop {
                Phase::Waiting
            } else {
                Phase::Redirecting(p)
            };
        }
        self.render();
        self.announce(PaymentStatus::Pending);
        if desktop {
            self.schedule();
        } else if let Some(w) = web_sys::window() {
            let _ = w.location().assign(&url);
        }
    }

    /// The provider's link: a QR code on a desktop, a plain link on a phone.
    fn show_link(&self, p: Provider, url: &str, desktop: bool) {
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

    fn reload(self: &Rc<Self>) {
        {
            let mut st = self.st.borrow_mut();
            st.phase = Phase::Loading;
            st.timer = None;
        }
        self.render();
        self.poll_now();
    }

    /// Asks the edge for the status now (a timer, the retry button, the phone back online).
    pub fn poll_now(self: &Rc<Self>) {
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
            Box::new(move |reply| w.done(reply, None)),
        );
    }

    /// Every answer from the edge comes here: a confirm's (with what was clicked and where
    /// from) or a status.
    fn done(self: &Rc<Self>, reply: Reply, confirmed: Option<(Provider, Phase)>) {
        self.st.borrow_mut().busy = false;
        match confirmed {
            Some((p, before)) => self.on_confirm(p, reply, before),
            None => self.on_status(reply),
        }
    }

    fn schedule(self: &Rc<Self>) {
        let mut st = self.st.borrow_mut();
        if st.attempt >= poll::MAX_POLLS {
            st.trouble = Some(Trouble::Stalled);
            st.timer = None;
            return;
        }
        st.timer = Some(poll::after(self, st.attempt));
        st.attempt = st.attempt.saturating_add(1);
    }

    fn retry(self: &Rc<Self>) {
        {
            let mut st = self.st.borrow_mut();
            st.attempt = 0;
            st.timer = None;
        }
        self.poll_now();
    }

    fn set_offline(self: &Rc<Self>, offline: bool) {
        let resume = {
            let mut st = self.st.borrow_mut();
            let waiting =
                matches!(st.phase, Phase::Loading | Phase::Waiting) || st.trouble.is_some();
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

    fn on_status(self: &Rc<Self>, reply: Reply) {
        match reply {
            Reply::Ok(json) => self.apply(&json),
            Reply::Refused(r) if !r.retryable => {
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

    /// A status answer: what the edge knows about the payment, drawn and announced.
    fn apply(self: &Rc<Self>, json: &JsValue) {
        let Some(status) = text_field(json, "status").and_then(|s| s.parse::<PaymentStatus>().ok())
        else {
            return self.on_status(Reply::Unreachable);
        };
        self.show_facts(json);
        let start = {
            let mut st = self.st.borrow_mut();
            st.trouble = None;
            st.provider = text_field(json, "provider")
                .and_then(|s| s.parse().ok())
                .or(st.provider);
            let avail = field(json, "providers");
            if Array::is_array(&avail) {
                let list = Array::from(&avail);
                for p in Provider::ALL {
                    let on = list.iter().any(|e| {
                        text_field(&e, "provider").as_deref() == Some(p.as_str())
                            && field(&e, "available").as_bool() != Some(false)
                    });
                    if let Some(a) = st.available.get_mut(slot(p)) {
                        *a = on;
                    }
                }
            }
            let rec = field(json, "recommended");
            st.recommended = text_field(&rec, "provider")
                .and_then(|s| s.parse().ok())
                .or(st.recommended);
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
            match status {
                PaymentStatus::RequiresMethod => {
                    st.phase = Phase::Choose;
                    let start = self.cfg.start.filter(|_| !st.started);
                    st.started = true;
                    start
                }
                PaymentStatus::Pending => {
                    st.phase = Phase::Waiting;
                    None
                }
                s => {
                    st.phase = Phase::Final(s);
                    st.timer = None;
                    None
                }
            }
        };
        if status == PaymentStatus::Pending {
            let (p, url) = {
                let st = self.st.borrow();
                (st.provider, st.redirect.clone())
            };
            if let (Some(p), Some(url)) = (p, url) {
                self.show_link(p, &url, self.cfg.device == Device::Desktop);
            }
            self.schedule();
        }
        self.render();
        self.announce(status);
        if let Some(p) = start {
            self.confirm(p);
        }
    }

    /// Merchant, order and amount: the amount in the page's digits with lakh grouping.
    fn show_facts(&self, json: &JsValue) {
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
            }
        }
    }

    /// Tells the page, once per status: `bdpay:status`, then the outcome's own event.
    fn announce(&self, status: PaymentStatus) {
        let (provider, code, notice) = {
            let mut st = self.st.borrow_mut();
            if st.announced == Some(status) {
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

    /// Draws the state: every part shown, hidden, enabled or worded from `State` alone.
    fn render(&self) {
        let st = self.st.borrow();
        let t = text(self.lang);
        let v = &self.view;
        let phase = st.phase;
        let name = st.trouble.map_or(phase.name(), Trouble::name);
        let _ = self.host.set_attribute("data-bdpay-status", name);
        let choosing = matches!(phase, Phase::Choose | Phase::Starting(_));
        let offer = match phase {
            Phase::Final(PaymentStatus::Failed) => Some(t.try_other),
            Phase::Final(PaymentStatus::Cancelled | PaymentStatus::Expired) => {
                Some(t.try_again_choose)
            }
            _ => None,
        };
        show(&v.amount, phase != Phase::Broken);
        show(&v.form, choosing || offer.is_some());
        show(&v.phone_box, choosing);
        show(&v.offer, offer.is_some());
        say(&v.offer, offer.unwrap_or(""));
        let from_phone = match st.phone {
            Typed::Valid(m) => Some(provider_for(m.operator())),
            _ => None,
        };
        let failed = match phase {
            Phase::Final(PaymentStatus::Failed) => st.provider,
            _ => None,
        };
        let primary = failed.map(other).or(from_phone).or(st.recommended);
        for ((p, b), badge) in Provider::ALL.into_iter().zip(&v.buttons).zip(&v.badges) {
            let on = st.available.get(slot(p)).copied().unwrap_or(false);
            show(b, failed != Some(p));
            flag(
                b,
                "disabled",
                !on || st.busy || !matches!(phase, Phase::Choose | Phase::Final(_)),
            );
            flag(b, "aria-busy", phase == Phase::Starting(p));
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
        let working = match phase {
            Phase::Starting(p) | Phase::Redirecting(p) => Some(Some(p)),
            Phase::Waiting => Some(st.provider),
            Phase::Loading => Some(None),
            _ => None,
        };
        show(&v.progress, working.is_some() && st.trouble.is_none());
        match working.flatten() {
            Some(p) => {
                let _ = v.progress.set_attribute("data-provider", p.as_str());
            }
            None => {
                let _ = v.progress.remove_attribute("data-provider");
            }
        }
        let mut line = String::with_capacity(96);
        match (st.trouble, phase) {
            (Some(Trouble::Offline), _) => line.push_str(t.offline),
            (Some(Trouble::Unreachable), _) => line.push_str(t.unreachable),
            (Some(Trouble::Stalled), _) => line.push_str(t.still_waiting),
            (None, Phase::Loading) => line.push_str(t.loading),
            (None, Phase::Choose) => line.push_str(t.choose),
            (None, Phase::Starting(p)) => {
                push_with_provider(&mut line, self.lang, p, Doing::Starting)
            }
            (None, Phase::Redirecting(p)) => {
                push_with_provider(&mut line, self.lang, p, Doing::Redirecting)
            }
            (None, Phase::Waiting) => line.push_str(t.waiting),
            (None, Phase::Final(s)) => line.push_str(text::final_status(self.lang, s)),
            (None, Phase::Broken) => {}
        }
        if st.notice.is_some() {
            line.push(' ');
        }
        say(&v.status, &line);
        say(&v.error, st.notice.as_deref().unwrap_or(""));
        show(&v.qr, phase == Phase::Waiting && st.redirect.is_some());
        show(&v.retry, st.trouble.is_some());
    }
}
