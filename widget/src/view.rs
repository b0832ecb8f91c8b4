//! The widget's DOM, built once inside the loader's frame in a shadow root (the page's CSS
//! cannot reach in), then updated in place. The stylesheet is widget/widget.css, which the
//! loader brings; colours, radii and the font are CSS custom properties on the container.

use bdpay_shared::locale::Lang;
use bdpay_shared::provider::Provider;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The manual-transfer screen's rules, in the builds that have it (the rest of the stylesheet
/// is widget/widget.css, which the loader puts beside the frame).
#[cfg(feature = "manual")]
macro_rules! manual_css {
    () => {
        "<style>\
dl{margin:8px 0 0}\
.v{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:2px 8px;padding:8px 0;border-bottom:1px solid var(--bdpay-border,#d9e2ec)}\
dt{flex-basis:100%;font-size:.875em;color:var(--bdpay-muted,#52606d)}\
dd{margin:0;flex:1;display:flex;align-items:center;justify-content:space-between;gap:8px;font-size:1.125em;overflow-wrap:anywhere}\
.c{width:auto;min-height:44px;padding:6px 14px;justify-content:center;font-size:.875em;background:var(--bdpay-secondary,#e4e7eb);color:inherit}\
fieldset{border:0;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:0 20px}\
legend{font-size:.875em;padding:0;margin-bottom:2px}\
fieldset label{display:flex;align-items:center;gap:8px;min-height:44px;font-size:1em;margin:0}\
[type=radio]{width:22px;height:22px;margin:0}\
</style>"
    };
}
#[cfg(not(feature = "manual"))]
macro_rules! manual_css {
    () => {
        ""
    };
}

/// The QR code's rules, in the desktop's build that draws it (the loader's stylesheet,
/// widget/widget.css, is on every page and leaves them out).
#[cfg(feature = "qr")]
macro_rules! qr_css {
    () => {
        "<style>.q svg{width:176px;height:176px;flex:none}.q p{margin:0 0 8px}</style>"
    };
}
#[cfg(not(feature = "qr"))]
macro_rules! qr_css {
    () => {
        ""
    };
}

/// The manual-transfer screen: where to send what, copy buttons, then the shopper's form.
#[cfg(feature = "manual")]
macro_rules! manual_html {
    ($mb:literal, $mn:literal, $ma:literal, $mr:literal, $copy:literal, $used:literal, $trx:literal,
     $sender:literal, $submit:literal, $bkash:literal, $nagad:literal) => {
        concat!(
            "<div id=mt hidden><p id=mm class=y tabindex=-1></p><dl>",
            "<div class=v id=wbkash><dt id=lbkash>",
            $mb,
            "</dt><dd><b id=nbkash></b><button type=button class=c id=cbkash aria-describedby=lbkash>",
            $copy,
            "</button></dd></div><div class=v id=wnagad><dt id=lnagad>",
            $mn,
            "</dt><dd><b id=nnagad></b><button type=button class=c id=cnagad aria-describedby=lnagad>",
            $copy,
            "</button></dd></div><div class=v><dt id=la>",
            $ma,
            "</dt><dd><b id=ma></b><button type=button class=c id=ca aria-describedby=la>",
            $copy,
            "</button></dd></div><div class=v><dt id=lr>",
            $mr,
            "</dt><dd><b id=mr></b><button type=button class=c id=cr aria-describedby=lr>",
            $copy,
            "</button></dd></div></dl><p id=mk class=t aria-live=polite></p>",
            "<form id=mf novalidate><fieldset aria-describedby=mwt><legend>",
            $used,
            "</legend><label id=obkash><input type=radio name=mw id=ubkash value=bkash>",
            $bkash,
            "</label><label id=onagad><input type=radio name=mw id=unagad value=nagad>",
            $nagad,
            "</label></fieldset><div id=mwt class=t aria-live=polite></div><label for=mx>",
            $trx,
            "</label><input id=mx autocomplete=off autocapitalize=characters spellcheck=false maxlength=24 ",
            "aria-describedby=mxt><div id=mxt class=t aria-live=polite></div><label for=ms>",
            $sender,
            "</label><input id=ms type=tel inputmode=tel autocomplete=tel maxlength=20 aria-describedby=mst>",
            "<div id=mst class=t aria-live=polite></div><button id=mb class=pb>",
            $submit,
            "</button></form></div>"
        )
    };
}
#[cfg(not(feature = "manual"))]
macro_rules! manual_html {
    ($($word:literal),*) => {
        ""
    };
}

/// The compliance fields (step_up.rs): the NID, another number. In the builds with the
/// manual-transfer screen.
#[cfg(feature = "manual")]
macro_rules! compliance_html {
    ($nid:literal, $alt:literal) => {
        concat!(
            "<div id=nw hidden><label for=n>",
            $nid,
            "</label><input id=n inputmode=numeric autocomplete=off maxlength=24 aria-describedby=nt>",
            "<div id=nt class=t aria-live=polite></div></div><div id=aw hidden><label for=ap>",
            $alt,
            "</label><input id=ap type=tel inputmode=tel autocomplete=off maxlength=20 aria-describedby=at>",
            "<div id=at class=t aria-live=polite></div></div>"
        )
    };
}
#[cfg(not(feature = "manual"))]
macro_rules! compliance_html {
    ($($word:literal),*) => {
        ""
    };
}

/// The step-up's form (step_up.rs): the prompt, the code, verify, send a new code.
#[cfg(feature = "manual")]
macro_rules! otp_html {
    ($verify:literal, $resend:literal) => {
        concat!(
            "<form id=of novalidate hidden><label for=oc id=ol></label>",
            "<input id=oc inputmode=numeric autocomplete=one-time-code maxlength=12 aria-describedby=ot>",
            "<div id=ot class=t aria-live=polite></div><button id=os class=pb>",
            $verify,
            "</button><button type=button id=or class=k>",
            $resend,
            "</button></form>"
        )
    };
}
#[cfg(not(feature = "manual"))]
macro_rules! otp_html {
    ($($word:literal),*) => {
        ""
    };
}

/// Everything inside the frame (`#w`) for one language, as one literal: no string building in
/// the wasm.
/// `$m` are the manual-transfer screen's words: the two wallets' number labels, amount,
/// reference, copy, the wallet used, TrxID, the sender's number, submit.
macro_rules! skeleton {
    ($total:literal, $phone:literal, $bkash:literal, $nagad:literal, $pay:literal, $retry:literal,
     $nid:literal, $alt:literal, $verify:literal, $resend:literal,
     [$mb:literal, $mn:literal, $ma:literal, $mr:literal, $copy:literal, $used:literal, $trx:literal,
      $sender:literal, $submit:literal]) => {
        concat!(
            manual_css!(),
            qr_css!(),
            "<div class=h><span id=m></span><span id=o></span></div>",
            "<div class=a id=a hidden><small>",
            $total,
            "</small><span id=av></span></div>",
            "<form id=f novalidate><div id=pw><label for=p>",
            $phone,
            "</label>",
            "<input id=p type=tel inputmode=tel autocomplete=tel maxlength=20 aria-describedby=pt>",
            "<div id=pt class=t aria-live=polite></div>",
            compliance_html!($nid, $alt),
            "</div><p id=z class=z hidden></p><div class=b>",
            "<button type=button aria-describedby=y id=bbkash data-provider=bkash><span><b>",
            $bkash,
            "</b>",
            $pay,
            "<small id=xbkash hidden></small></span><span class=r hidden id=rbkash></span></button>",
            "<button type=button aria-describedby=y id=bnagad data-provider=nagad><span><b>",
            $nagad,
            "</b>",
            $pay,
            "<small id=xnagad hidden></small></span><span class=r hidden id=rnagad></span></button></div></form>",
            otp_html!($verify, $resend),
            manual_html!($mb, $mn, $ma, $mr, $copy, $used, $trx, $sender, $submit, $bkash, $nagad),
            "<p id=y class=y hidden></p><div id=g class=g hidden><i></i></div>",
            "<p id=s class=s role=status aria-live=polite><span id=s1></span><span id=e class=e></span></p>",
            "<button type=button id=fo class=pb hidden></button>",
            "<div id=q class=q hidden><span id=qc></span><div><p id=qt></p><a id=ql></a></div></div>",
            "<button type=button id=k class=k hidden>",
            $retry,
            "</button>"
        )
    };
}

#[cfg(feature = "bn")]
const BN: &str = skeleton!(
    "মোট",
    "মোবাইল নম্বর (ঐচ্ছিক)",
    "বিকাশ",
    "নগদ",
    "পেমেন্ট করুন",
    "আবার চেষ্টা করুন",
    "জাতীয় পরিচয়পত্র (NID) নম্বর",
    "বিকল্প মোবাইল নম্বর",
    "যাচাই করুন",
    "নতুন কোড পাঠান",
    [
        "বিকাশ নম্বর (সেন্ড মানি)",
        "নগদ নম্বর (সেন্ড মানি)",
        "টাকার পরিমাণ",
        "রেফারেন্স (ট্রান্সফারে এটি লিখুন)",
        "কপি",
        "যে ওয়ালেট থেকে পাঠিয়েছেন",
        "ট্রানজ্যাকশন আইডি (TrxID, এসএমএস-এ পাবেন)",
        "যে নম্বর থেকে পাঠিয়েছেন",
        "জমা দিন"
    ]
);
#[cfg(feature = "en")]
const EN: &str = skeleton!(
    "Total",
    "Mobile number (optional)",
    "bKash",
    "Nagad",
    "Pay",
    "Try again",
    "National ID (NID) number",
    "Another mobile number",
    "Verify",
    "Send a new code",
    [
        "bKash number (Send Money)",
        "Nagad number (Send Money)",
        "Amount",
        "Reference (write it in the transfer)",
        "Copy",
        "The wallet you sent from",
        "Transaction ID (TrxID, in the SMS)",
        "The number you sent from",
        "Submit"
    ]
);

/// The skeleton of a build without the page's language (see `text::ANY`).
#[cfg(feature = "bn")]
const ANY: &str = BN;
#[cfg(all(feature = "en", not(feature = "bn")))]
const ANY: &str = EN;

/// The parts of the widget the flow updates.
pub struct View {
    /// Where the widget listens: every event of its parts passes here.
    pub root: ShadowRoot,
    pub merchant: Element,
    pub order: Element,
    pub amount: Element,
    pub amount_value: Element,
    pub phone_box: Element,
    pub phone: HtmlInputElement,
    pub phone_hint: Element,
    pub form: Element,
    pub offer: Element,
    pub buttons: [HtmlElement; 2],
    pub badges: [Element; 2],
    pub reason: Element,
    pub progress: Element,
    pub status: Element,
    pub error: Element,
    pub qr: Element,
    pub qr_code: Element,
    pub qr_text: Element,
    pub qr_link: Element,
    pub retry: HtmlElement,
    /// "Continue to Nagad" after a failover (phones).
    pub onward: HtmlElement,
    #[cfg(feature = "manual")]
    pub manual: crate::manual_view::Manual,
}

/// The index of a provider in [`View::buttons`].
#[must_use]
pub const fn slot(p: Provider) -> usize {
    match p {
        Provider::Bkash => 0,
        Provider::Nagad => 1,
    }
}

/// The shadow root of `host`: the loader's (it painted the skeleton) or a new one.
#[must_use]
pub fn shadow(host: &Element) -> Option<ShadowRoot> {
    host.shadow_root()
        .or_else(|| host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).ok())
}

/// The frame the widget draws in, when the loader did not paint one (its own has the stylesheet
/// beside it, widget/widget.css).
const FRAME: &str = "<div id=w class=w part=widget></div>";

impl View {
    /// Writes the skeleton into the frame in `host`'s shadow root and finds its parts.
    ///
    /// The frame is the loader's (it painted the skeleton there, stylesheet beside it) or, when
    /// another build hands over (lazy.rs), the previous build's. What the shopper typed into
    /// the phone field there carries over, and so does the focus: the shopper may have started
    /// typing before the wasm arrived.
    #[must_use]
    pub fn build(host: &Element, lang: Lang) -> Option<View> {
        let root = shadow(host)?;
        let frame = match root.get_element_by_id("w") {
            Some(frame) => frame,
            None => {
                root.set_inner_html(FRAME);
                root.get_element_by_id("w")?
            }
        };
        let typed = root
            .get_element_by_id("p")
            .map(|p| p.unchecked_into::<HtmlInputElement>().value())
            .unwrap_or_default();
        let focused = root.active_element().is_some_and(|a| a.id() == "p");
        frame.set_inner_html(match lang {
            #[cfg(feature = "bn")]
            Lang::Bn => BN,
            #[cfg(feature = "en")]
            Lang::En => EN,
            #[allow(unreachable_patterns)]
            _ => ANY,
        });
        // Our own skeleton: every id is an element we wrote (a browser test finds them all).
        // Looked up without `?`: an early return per part would make the compiler write the
        // drop of all parts found so far at each one.
        let host = root.host();
        let el = |id: &str| root.get_element_by_id(id).unwrap_or_else(|| host.clone());
        let html = |id: &str| el(id).unchecked_into::<HtmlElement>();
        let phone: HtmlInputElement = el("p").unchecked_into();
        if !typed.is_empty() {
            phone.set_value(&typed);
        }
        if focused {
            let _ = phone.focus();
        }
        Some(View {
            root: root.clone(),
            merchant: el("m"),
            order: el("o"),
            amount: el("a"),
            amount_value: el("av"),
            phone_box: el("pw"),
            phone,
            phone_hint: el("pt"),
            form: el("f"),
            offer: el("z"),
            badges: [el("rbkash"), el("rnagad")],
            buttons: [html("bbkash"), html("bnagad")],
            reason: el("y"),
            progress: el("g"),
            status: el("s1"),
            error: el("e"),
            qr: el("q"),
            qr_code: el("qc"),
            qr_text: el("qt"),
            qr_link: el("ql"),
            retry: html("k"),
            onward: html("fo"),
            #[cfg(feature = "manual")]
            manual: crate::manual_view::Manual::find(&root),
        })
    }
}

impl View {
    /// A part found when needed, for the parts only some payments use (risk.rs): the offers
    /// `xbkash`/`xnagad`, the compliance fields `nw` `n` `nt` (NID) and `aw` `ap` `at` (another
    /// number), the code's form `of` `ol` `oc` `ot`. Each is in the skeleton (a browser test
    /// finds them all); a missing one would be the container.
    #[must_use]
    pub fn part(&self, id: &str) -> Element {
        self.root.get_element_by_id(id).unwrap_or_else(|| self.root.host())
    }

    /// An input of [`View::part`]'s.
    #[cfg(feature = "manual")]
    #[must_use]
    pub fn input(&self, id: &str) -> HtmlInputElement {
        self.part(id).unchecked_into()
    }
}

/// Shows or hides an element (the `hidden` attribute).
pub fn show(el: &Element, visible: bool) {
    let _ = el.toggle_attribute_with_force("hidden", !visible);
}

/// Sets an element's text (never HTML: the words may come from the network).
pub fn say(el: &Element, s: &str) {
    el.set_text_content(Some(s));
}

/// `aria-busy="true"`, or none: ARIA reads an empty `aria-busy` as false, so [`flag`] will not do.
pub fn busy(el: &Element, on: bool) {
    let _ = if on {
        el.set_attribute("aria-busy", "true")
    } else {
        el.remove_attribute("aria-busy")
    };
}

/// Sets or removes a boolean attribute.
pub fn flag(el: &Element, name: &str, on: bool) {
    let _ = el.toggle_attribute_with_force(name, on);
}
