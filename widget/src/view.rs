//! The widget's DOM, built once inside a shadow root (the page's CSS cannot reach in), then
//! updated in place. Colours, radii and the font are CSS custom properties on the container.

use bdpay_shared::locale::Lang;
use bdpay_shared::provider::Provider;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// Every custom property has its default here; a merchant sets them on the container.
macro_rules! css {
    () => {
        "\
:host{display:block;color:var(--bdpay-text,#1f2933);\
font:var(--bdpay-font-size,16px)/1.45 var(--bdpay-font,system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans Bengali',sans-serif)}\
*{box-sizing:border-box}\
.w{background:var(--bdpay-bg,#fff);border:1px solid var(--bdpay-border,#d9e2ec);border-radius:var(--bdpay-radius,12px);padding:16px;max-width:480px}\
.h{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 12px;color:var(--bdpay-muted,#52606d);font-size:.875em}\
.a{font-size:1.75em;font-weight:700;margin:2px 0 12px;overflow-wrap:anywhere}\
.a small{font-size:.5em;font-weight:400;color:var(--bdpay-muted,#52606d);margin-inline-end:6px}\
label{display:block;font-size:.875em;margin-bottom:4px}\
input{width:100%;font:inherit;padding:10px 12px;border:1px solid var(--bdpay-input-border,#9aa5b1);border-radius:var(--bdpay-radius-small,8px);background:var(--bdpay-input-bg,#fff);color:inherit}\
input[aria-invalid=true]{border-color:var(--bdpay-error,#b42318)}\
.t{min-height:1.45em;font-size:.875em;color:var(--bdpay-muted,#52606d);margin:4px 0 10px}\
.t.x{color:var(--bdpay-error,#b42318)}\
.b{display:grid;gap:10px}\
button{font:inherit;cursor:pointer;border:0;border-radius:var(--bdpay-radius,12px);padding:10px 16px;min-height:48px;width:100%;\
display:flex;align-items:center;justify-content:space-between;gap:8px;text-align:start}\
[data-provider=bkash]{background:var(--bdpay-bkash,#F47B20);color:var(--bdpay-bkash-text,#1b1b1b)}\
[data-provider=nagad]{background:var(--bdpay-nagad,#D6141F);color:var(--bdpay-nagad-text,#fff)}\
button:disabled{opacity:.5;cursor:default}\
:focus-visible{outline:3px solid var(--bdpay-focus,#1d4ed8);outline-offset:2px}\
b{font-weight:700;margin-inline-end:6px}\
.r{font-size:.75em;background:var(--bdpay-badge-bg,#fff);color:var(--bdpay-badge-text,#1f2933);border-radius:999px;padding:2px 8px;white-space:nowrap}\
.y{font-size:.875em;color:var(--bdpay-muted,#52606d);margin:8px 0 0}\
.g{height:6px;border-radius:3px;background:var(--bdpay-track,#e4e7eb);overflow:hidden;margin-top:12px}\
.g i{display:block;height:100%;width:40%;background:var(--bdpay-progress,#52606d);animation:m 1.2s ease-in-out infinite alternate}\
.g[data-provider=bkash] i{background:var(--bdpay-bkash-progress,#F47B20)}\
.g[data-provider=nagad] i{background:var(--bdpay-nagad-progress,#28A745)}\
.g[data-provider]{background:var(--bdpay-track,#e4e7eb)}\
@keyframes m{from{transform:translateX(-20%)}to{transform:translateX(170%)}}\
@media (prefers-reduced-motion:reduce){.g i{animation:none;width:100%;opacity:.7}}\
.s{margin:12px 0 0;font-weight:600}\
.e{display:block;font-weight:400;color:var(--bdpay-error,#b42318)}\
.z{margin:12px 0 8px}\
.q{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin-top:12px}\
.q svg{width:176px;height:176px;flex:none}\
.q p{margin:0 0 8px}\
a{color:var(--bdpay-link,#1d4ed8)}\
.k{margin-top:12px;justify-content:center;background:var(--bdpay-secondary,#e4e7eb);color:inherit}\
.pb{margin-top:12px;justify-content:center;font-weight:600;background:var(--bdpay-primary,#1f2933);color:var(--bdpay-primary-text,#fff)}\
button small{display:block;font-size:.8125em;font-weight:600}\
.y[data-provider]{padding:8px 12px;border-radius:8px;background:var(--bdpay-banner-bg,#f0f4f8);border-inline-start:4px solid var(--bdpay-nagad,#D6141F)}\
.y[data-provider=bkash]{border-color:var(--bdpay-bkash,#F47B20)}\
[hidden]{display:none!important}"
    };
}

/// The manual-transfer screen's rules, in the builds that have it.
#[cfg(feature = "manual")]
macro_rules! manual_css {
    () => {
        "\
dl{margin:8px 0 0}\
.v{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:2px 8px;padding:8px 0;border-bottom:1px solid var(--bdpay-border,#d9e2ec)}\
dt{flex-basis:100%;font-size:.875em;color:var(--bdpay-muted,#52606d)}\
dd{margin:0;flex:1;display:flex;align-items:center;justify-content:space-between;gap:8px;font-size:1.125em;overflow-wrap:anywhere}\
.c{width:auto;min-height:44px;padding:6px 14px;justify-content:center;font-size:.875em;background:var(--bdpay-secondary,#e4e7eb);color:inherit}\
fieldset{border:0;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:0 20px}\
legend{font-size:.875em;padding:0;margin-bottom:2px}\
fieldset label{display:flex;align-items:center;gap:8px;min-height:44px;font-size:1em;margin:0}\
[type=radio]{width:22px;height:22px;margin:0}\
"
    };
}
#[cfg(not(feature = "manual"))]
macro_rules! manual_css {
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

/// The whole shadow tree for one language, as one literal: no string building in the wasm.
/// `$m` are the manual-transfer screen's words: the two wallets' number labels, amount,
/// reference, copy, the wallet used, TrxID, the sender's number, submit.
macro_rules! skeleton {
    ($total:literal, $phone:literal, $bkash:literal, $nagad:literal, $pay:literal, $retry:literal,
     $nid:literal, $alt:literal, $verify:literal, $resend:literal,
     [$mb:literal, $mn:literal, $ma:literal, $mr:literal, $copy:literal, $used:literal, $trx:literal,
      $sender:literal, $submit:literal]) => {
        concat!(
            "<style>",
            css!(),
            manual_css!(),
            "</style><div class=w part=widget><div class=h><span id=m></span><span id=o></span></div>",
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
            "</button></div>"
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

/// The shadow root of `host`: the loader's (it painted the loading line) or a new one.
#[must_use]
pub fn shadow(host: &Element) -> Option<ShadowRoot> {
    host.shadow_root()
        .or_else(|| host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).ok())
}

impl View {
    /// Writes the skeleton into `host`'s shadow root and finds its parts.
    #[must_use]
    pub fn build(host: &Element, lang: Lang) -> Option<View> {
        let root = shadow(host)?;
        root.set_inner_html(match lang {
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
        Some(View {
            root: root.clone(),
            merchant: el("m"),
            order: el("o"),
            amount: el("a"),
            amount_value: el("av"),
            phone_box: el("pw"),
            phone: el("p").unchecked_into(),
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

/// Sets or removes a boolean attribute.
pub fn flag(el: &Element, name: &str, on: bool) {
    let _ = el.toggle_attribute_with_force(name, on);
}
