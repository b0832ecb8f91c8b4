//! One widget on a page: its state, mounting it, and the shopper's clicks and typing.
//! The flow is in `flow.rs`, answers from `/status` in `answer.rs`, drawing in `render.rs`.

use crate::cell::RefCell;
use std::rc::Rc;

use bdpay_shared::locale::Lang;
use bdpay_shared::provider::Provider;
use bdpay_shared::routing::Reason;
use bdpay_shared::status::PaymentStatus;
use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use js_sys::Promise;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, EventTarget};

use crate::api;
use crate::config::{self, Config, ConfigError};
use crate::events::{fire, Detail};
use crate::phone::{judge, suggests, Typed};
use crate::text::text;
use crate::view::{say, show, slot, View};

/// Where the shopper is in the flow.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Loading,
    /// `requires_method`: the buttons are live.
    Choose,
    /// Confirm is in flight for this provider.
    Starting(Provider),
    /// On the way to the provider's page (same tab).
    Redirecting(Provider),
    /// The wallet chosen did not answer and the edge moved the payment to this one: the
    /// shopper reads why and continues with a tap (phones; a desktop shows it while waiting).
    Failover(Provider),
    /// `pending`: polling; on a desktop the link is shown as a QR code too.
    Waiting,
    /// No wallet can take the payment: send the money by hand and quote its TrxID.
    Manual,
    /// A step-up: the shopper types the one-time code the edge sent by SMS (step_up.rs).
    #[cfg_attr(not(feature = "manual"), allow(dead_code))]
    Otp,
    /// `requires_review`: the transfer is quoted; polling until the shop decides.
    Review,
    Final(PaymentStatus),
    /// The widget cannot go on: bad attributes, a wrong secret, an unknown payment.
    Broken,
}

impl Phase {
    /// The container's `data-bdpay-status`.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Phase::Loading => "loading",
            Phase::Choose => "requires_method",
            Phase::Starting(_) => "confirming",
            Phase::Redirecting(_) => "redirecting",
            Phase::Failover(_) => "failover",
            Phase::Waiting => "pending",
            Phase::Manual => "manual_transfer",
            Phase::Otp => "otp",
            Phase::Review => "requires_review",
            Phase::Final(s) => s.as_str(),
            Phase::Broken => "error",
        }
    }
}

/// Something in the way that may pass: the flow resumes when it does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trouble {
    Offline,
    Unreachable,
    /// Pending for longer than the widget polls.
    Stalled,
}

impl Trouble {
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Trouble::Offline => "offline",
            Trouble::Unreachable => "unreachable",
            Trouble::Stalled => "stalled",
        }
    }
}

pub(crate) struct State {
    pub(crate) phase: Phase,
    pub(crate) trouble: Option<Trouble>,
    /// The last status told to the page, so each event fires once.
    pub(crate) announced: Option<PaymentStatus>,
    /// The payment's provider (from the edge, or the shopper's choice).
    pub(crate) provider: Option<Provider>,
    pub(crate) recommended: Option<Provider>,
    /// Why the edge recommended it (its routing reason, read from the code).
    pub(crate) recommended_for: Option<Reason>,
    pub(crate) reason: Option<String>,
    pub(crate) available: [bool; 2],
    /// A provider's health is `degraded`: polls every 10 s and says confirming may be slow.
    pub(crate) degraded: bool,
    /// The wallet the edge failed over from, for the sentence that says so.
    pub(crate) failover_from: Option<Provider>,
    /// The manual transfer's wallets that the shop can receive into.
    #[cfg(feature = "manual")]
    pub(crate) offered: [bool; 2],
    pub(crate) phone: Typed,
    /// The merchant asks this payment for the shopper's NID and another number (`compliance`).
    #[cfg(feature = "manual")]
    pub(crate) need_nid: bool,
    #[cfg(feature = "manual")]
    pub(crate) need_alt: bool,
    pub(crate) redirect: Option<String>,
    /// Words for the shopper under the status: a provider's error or a refusal.
    pub(crate) notice: Option<String>,
    pub(crate) code: Option<String>,
    pub(crate) attempt: u32,
    pub(crate) timer: Option<Timeout>,
    pub(crate) listeners: Vec<EventListener>,
    pub(crate) busy: bool,
    pub(crate) started: bool,
    /// A wallet tapped while the status was on its way (in the loader's skeleton or in the
    /// widget's own loading view): confirmed as soon as the status says `requires_method`.
    pub(crate) tapped: Option<Provider>,
    /// This build took over from another (lazy.rs), or is handing over: loading shows the
    /// progress line alone, since the wallets are not what the payment waits for.
    pub(crate) resumed: bool,
    /// Another widget took over the container (lazy.rs): this one stays silent.
    pub(crate) retired: bool,
}

/// A mounted widget. Its listeners and timer hold it alive for as long as the page lives.
pub struct Widget {
    pub(crate) host: Element,
    pub(crate) lang: Lang,
    pub(crate) view: View,
    pub(crate) cfg: Config,
    pub(crate) st: RefCell<State>,
    /// The device id confirm carries: the loader's promise, worked out while the widget
    /// loads (docs/device-id.md); it resolves to `null` where there is none.
    pub(crate) device: Promise,
    /// The loader's way to the build with the manual-transfer screen (lazy.rs).
    #[cfg(not(feature = "manual"))]
    pub(crate) more: Option<js_sys::Function>,
}

/// What the loader hands over with `mount` (lib.rs says what each is).
pub struct Loaded {
    first: Option<Promise>,
    more: Option<js_sys::Function>,
    device_id: Promise,
    tapped: Option<Provider>,
    resumed: bool,
}

impl Loaded {
    /// Reads the loader's object; whatever is missing or of another kind is left out.
    pub fn read(loaded: &JsValue) -> Loaded {
        let first = api::field(loaded, "first");
        let more = api::field(loaded, "more");
        let device_id = api::field(loaded, "device_id");
        Loaded {
            first: first.is_object().then(|| first.unchecked_into()),
            more: more.is_function().then(|| more.unchecked_into()),
            device_id: if device_id.is_object() {
                device_id.unchecked_into()
            } else {
                Promise::resolve(&JsValue::NULL)
            },
            tapped: api::text_field(loaded, "tapped").and_then(|p| p.parse().ok()),
            resumed: api::field(loaded, "resumed").as_bool() == Some(true),
        }
    }
}

/// Mounts into `host`: reads the attributes, draws the skeleton, then loads the status
/// (from the loader's early request when there is one).
pub fn start(host: Element, script: Option<Element>, api: &str, device: &str, loaded: Loaded) {
    let Loaded {
        first,
        more,
        device_id,
        tapped,
        resumed,
    } = loaded;
    #[cfg(feature = "manual")]
    let _ = more; // this build has the screen
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
        device: device_id,
        st: RefCell::new(State {
            phase: Phase::Loading,
            trouble: None,
            announced: None,
            provider: None,
            recommended: None,
            recommended_for: None,
            reason: None,
            available: [true, true],
            degraded: false,
            failover_from: None,
            #[cfg(feature = "manual")]
            offered: [false, false],
            phone: Typed::Empty,
            #[cfg(feature = "manual")]
            need_nid: false,
            #[cfg(feature = "manual")]
            need_alt: false,
            redirect: None,
            notice: None,
            code: None,
            attempt: 0,
            timer: None,
            listeners: Vec::new(),
            busy: true,
            started: false,
            tapped,
            resumed,
            retired: false,
        }),
        #[cfg(not(feature = "manual"))]
        more,
    });
    w.listen();
    // A number typed into the skeleton came over (View::build): judged as if just typed.
    if w.view.phone.value().is_empty() {
        w.render();
    } else {
        w.on_phone(true);
    }
    let w2 = Rc::clone(&w);
    let pending = first.unwrap_or_else(|| api::status(&w2.cfg));
    api::read(&pending, lang, Box::new(move |reply| w2.done(reply, Call::Status)));
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
pub(crate) fn web_link(url: Option<String>) -> Option<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}

/// Which call an answer is for.
pub(crate) enum Call {
    Status,
    /// Confirm, with the wallet tapped and the phase it was tapped in.
    Confirm(Provider, Phase),
    #[cfg(feature = "manual")]
    ManualTransfer,
}

impl Widget {
    /// One delegated listener per event kind on the shadow root, and two on the window.
    pub(crate) fn listen(self: &Rc<Self>) {
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
            ls.push(EventListener::new_with_options(target, kind, opts, move |e| {
                w.on_event(e)
            }));
        }
        self.st.borrow_mut().listeners = ls;
    }

    pub(crate) fn on_event(self: &Rc<Self>, e: &Event) {
        let kind = e.type_();
        // The window's events have no element behind them.
        match kind.as_str() {
            "online" => return self.set_offline(false),
            "offline" => return self.set_offline(true),
            _ => {}
        }
        let el: Option<Element> = e.target().map(JsCast::unchecked_into);
        let id = el.as_ref().map(Element::id).unwrap_or_default();
        match kind.as_str() {
            "input" if id == "p" => self.on_phone(true),
            "focusout" if id == "p" => self.on_phone(false),
            #[cfg(feature = "manual")]
            "input" | "focusout" if id == "n" => {
                self.on_nid(kind == "input");
            }
            #[cfg(feature = "manual")]
            "input" | "focusout" if id == "ap" => {
                self.on_alt(kind == "input");
            }
            #[cfg(feature = "manual")]
            "submit" if id == "of" => {
                e.prevent_default();
                self.submit_otp();
            }
            #[cfg(feature = "manual")]
            "input" => self.on_manual_input(&id, true),
            #[cfg(feature = "manual")]
            "focusout" => self.on_manual_input(&id, false),
            #[cfg(feature = "manual")]
            "submit" if id == "mf" => {
                e.prevent_default();
                self.submit_manual();
            }
            "submit" => {
                e.prevent_default();
                if let Some(p) = self.primary() {
                    self.choose(p);
                }
            }
            "click" => {
                let Some(button) = el.and_then(|t| t.closest("button").ok().flatten()) else {
                    return;
                };
                let provider = button.get_attribute("data-provider");
                match provider.and_then(|p| p.parse().ok()) {
                    Some(p) => self.choose(p),
                    None => match button.id().as_str() {
                        "k" => self.retry(),
                        "fo" => self.onward(),
                        #[cfg(feature = "manual")]
                        "or" => self.resend(),
                        #[cfg(feature = "manual")]
                        _ => {
                            if let Some(value) = button.get_attribute("data-copy") {
                                self.copy(&button, &value);
                            }
                        }
                        #[cfg(not(feature = "manual"))]
                        _ => {}
                    },
                }
            }
            _ => {}
        }
    }

    /// The provider a click on "Enter" means: the phone's operator's, else the edge's pick.
    pub(crate) fn primary(&self) -> Option<Provider> {
        let st = self.st.borrow();
        suggests(st.phone, st.recommended_for)
            .or(st.recommended)
            .filter(|p| st.available.get(slot(*p)).copied().unwrap_or(false))
    }

    pub(crate) fn choose(self: &Rc<Self>, p: Provider) {
        let phase = self.st.borrow().phase;
        match phase {
            Phase::Loading => {
                let first = self.st.borrow().tapped.is_none();
                if first {
                    self.st.borrow_mut().tapped = Some(p);
                    self.render();
                }
            }
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

    pub(crate) fn on_phone(&self, typing: bool) {
        let value = self.view.phone.value();
        let typed = judge(&value, typing);
        self.st.borrow_mut().phone = typed;
        self.show_phone(&self.view.phone, &self.view.phone_hint, typed);
        self.render();
    }
}
