//! The hosted page's HTML: one server-rendered document per step, mobile-first (360 px),
//! Nagad's red-to-orange header, plain forms, no script, no external asset (the merchant's
//! logo URL is not fetched: a letter stands in). Everything taken from input is escaped.

use bdpay_shared::locale::{push_digits, Lang};

use super::store::{Locale, Payment};
use super::text::Text;
use super::PAGE_PATH;

const STYLE: &str = "*{box-sizing:border-box}\
body{margin:0;background:#f2f2f2;color:#222;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans Bengali',sans-serif}\
.wrap{max-width:440px;min-height:100vh;margin:0 auto;background:#fff;display:flex;flex-direction:column}\
header{background:linear-gradient(100deg,#EC1C24 0%,#F6921E 100%);color:#fff;padding:14px 16px;display:flex;align-items:center;justify-content:space-between}\
.brand{font-weight:800;font-size:25px;letter-spacing:-.3px}.brand span{font-weight:600;font-size:16px;margin-left:8px;opacity:.95}\
.tools{display:flex;align-items:center;gap:10px}.lang{color:#fff;font-size:14px;font-weight:700;text-decoration:none;border-bottom:1px solid rgba(255,255,255,.7)}\
.badge{font-size:11px;font-weight:700;background:rgba(255,255,255,.18);border:1px solid rgba(255,255,255,.8);border-radius:10px;padding:2px 8px}\
.card{margin:14px 14px 0;border:1px solid #eee;border-radius:12px;padding:12px;display:flex;gap:12px;align-items:center;box-shadow:0 1px 4px rgba(0,0,0,.07)}\
.logo{flex:none;width:46px;height:46px;border-radius:50%;background:#fff1e3;color:#EC1C24;font-weight:800;font-size:20px;display:flex;align-items:center;justify-content:center}\
.who{flex:1;min-width:0}.who b{display:block;overflow-wrap:anywhere}.who small{display:block;color:#666;font-size:13px;overflow-wrap:anywhere}\
.amount{font-size:19px;font-weight:800;color:#EC1C24;white-space:nowrap}\
.steps{display:flex;gap:6px;list-style:none;margin:16px 14px 0;padding:0}\
.steps li{flex:1;text-align:center;font-size:12px;color:#999;border-top:4px solid #eee;padding-top:4px}\
.steps li.on{color:#EC1C24;border-color:#F6921E;font-weight:700}.steps li.past{color:#666;border-color:#fbc48f}\
form{margin:0}.panel{padding:20px 16px 8px;display:flex;flex-direction:column;gap:12px}\
label{font-weight:700}.hint{font-size:13px;color:#666;margin-top:-6px}\
input{width:100%;font-size:22px;padding:12px;border:2px solid #ddd;border-radius:10px;text-align:center;letter-spacing:3px;color:#222;background:#fff}\
input:focus{outline:none;border-color:#F6921E}\
.error{background:#fdecea;color:#a8231b;border-left:4px solid #EC1C24;border-radius:8px;padding:10px 12px;font-size:14px}\
.primary{width:100%;padding:14px;border:0;border-radius:10px;background:#EC1C24;color:#fff;font-size:17px;font-weight:700;text-decoration:none;text-align:center;display:block}\
.secondary{display:block;text-align:center;color:#555;padding:12px;text-decoration:none;font-weight:600}\
.end{padding:32px 20px;text-align:center;display:flex;flex-direction:column;gap:12px;align-items:center}\
.end h1{font-size:22px;margin:0}.end p{margin:0;color:#555}\
.mark{width:72px;height:72px;border-radius:50%;color:#fff;font-size:38px;line-height:72px;font-weight:700}\
.ok{background:#1a9c54}.no{background:#EC1C24}.cx{background:#8a8a8a}\
footer{margin-top:auto;padding:12px 16px;font-size:12px;color:#777;text-align:center;border-top:1px solid #eee}";

pub use crate::html::esc;

/// The page's language for digits and money.
pub fn lang(locale: Locale) -> Lang {
    match locale {
        Locale::En => Lang::En,
        Locale::Bn => Lang::Bn,
    }
}

/// Digits in the page's script (the shopper's masked number, counts).
pub fn digits(text: &str, locale: Locale) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    push_digits(&mut out, text, lang(locale));
    out
}

/// A whole document around `main`: header (with the language switch, if any) and the sandbox footer.
pub fn document(t: &Text, switch_url: Option<&str>, main: &str) -> String {
    let switch = switch_url.map_or(String::new(), |u| {
        format!("<a class=\"lang\" href=\"{}\">{}</a>", esc(u), t.other_lang)
    });
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title><style>{STYLE}</style></head><body><div class=\"wrap\">\
<header><div class=\"brand\">Nagad<span>নগদ</span></div><div class=\"tools\">{switch}<span class=\"badge\">SANDBOX</span></div></header>\
{main}<footer>{sandbox}</footer></div></body></html>",
        lang = t.lang,
        title = t.title,
        sandbox = t.sandbox,
    )
}

/// Merchant, order and amount, as every step shows them.
pub fn card(p: &Payment, t: &Text, merchant_name: &str) -> String {
    let name = p
        .info
        .service_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(merchant_name);
    let initial = name
        .chars()
        .find(|c| c.is_alphanumeric())
        .map_or('N', |c| c.to_uppercase().next().unwrap_or(c));
    let (label, value) = match (&p.info.additional_field_value, p.locale) {
        (Some(v), Locale::Bn) => (
            p.info.additional_field_name_bn.as_deref().unwrap_or(t.order),
            v.as_str(),
        ),
        (Some(v), Locale::En) => (
            p.info.additional_field_name_en.as_deref().unwrap_or(t.order),
            v.as_str(),
        ),
        (None, _) => (t.order, p.order_id.as_str()),
    };
    let amount = p.amount.map(|m| m.format(lang(p.locale))).unwrap_or_default();
    format!(
        "<section class=\"card\" aria-label=\"{merchant}\"><div class=\"logo\" aria-hidden=\"true\">{initial}</div>\
<div class=\"who\"><b>{name}</b><small>{label}: {value}</small></div>\
<div class=\"amount\" aria-label=\"{amount_label}\">{amount}</div></section>",
        merchant = t.merchant,
        initial = esc(&initial.to_string()),
        name = esc(name),
        label = esc(label),
        value = esc(value),
        amount_label = t.amount,
    )
}

/// The three-step indicator; `at` is 0 (number), 1 (OTP) or 2 (PIN).
pub fn steps(t: &Text, at: usize) -> String {
    let mut out = String::from("<ol class=\"steps\">");
    for (i, name) in t.steps.iter().enumerate() {
        let class = if i == at {
            "on"
        } else if i < at {
            "past"
        } else {
            ""
        };
        out.push_str(&format!("<li class=\"{class}\">{name}</li>"));
    }
    out.push_str("</ol>");
    out
}

/// One input step: a form posting `field` to `{page}/{action}`.
pub struct Step<'a> {
    pub action: &'a str,
    pub field: &'a str,
    pub label: &'a str,
    /// Extra lines above the input (already HTML).
    pub intro: String,
    pub hint: &'a str,
    /// `type`, `inputmode`, `autocomplete`, `maxlength`.
    pub input: (&'a str, &'a str, &'a str, u8),
    pub error: Option<String>,
}

pub fn step_form(p: &Payment, t: &Text, step: &Step<'_>) -> String {
    let page = page_url(p);
    let error = step.error.as_deref().map_or(String::new(), |e| {
        format!("<div class=\"error\" role=\"alert\">{}</div>", esc(e))
    });
    let (kind, mode, complete, max) = step.input;
    let hint = if step.hint.is_empty() {
        String::new()
    } else {
        format!("<div class=\"hint\">{}</div>", step.hint)
    };
    format!(
        "<form method=\"post\" action=\"{page}/{action}\"><div class=\"panel\">{intro}{error}\
<label for=\"f\">{label}</label>{hint}\
<input id=\"f\" name=\"{field}\" type=\"{kind}\" inputmode=\"{mode}\" autocomplete=\"{complete}\" maxlength=\"{max}\" required autofocus>\
<button class=\"primary\" type=\"submit\">{proceed}</button>\
<a class=\"secondary\" href=\"{page}/cancel\">{cancel}</a></div></form>",
        action = step.action,
        intro = step.intro,
        label = step.label,
        field = step.field,
        proceed = t.proceed,
        cancel = t.cancel,
    )
}

pub fn confirm_cancel(p: &Payment, t: &Text) -> String {
    let page = page_url(p);
    format!(
        "<form method=\"post\" action=\"{page}/cancel\"><div class=\"end\"><div class=\"mark cx\" aria-hidden=\"true\">?</div>\
<h1>{title}</h1><p>{body}</p><button class=\"primary\" type=\"submit\" name=\"confirm\" value=\"yes\">{yes}</button>\
<a class=\"secondary\" href=\"{page}\">{keep}</a></div></form>",
        title = t.cancel_title,
        body = t.cancel_body,
        yes = t.yes_cancel,
        keep = t.keep_paying,
    )
}

/// An end page: `mark` class (`ok`, `no`, `cx`), its symbol, title, detail, optional return link.
pub fn end(t: &Text, mark: (&str, &str), title: &str, detail: &str, back: Option<&str>) -> String {
    let link = back.map_or(String::new(), |u| {
        format!("<a class=\"primary\" href=\"{}\">{}</a>", esc(u), t.back)
    });
    format!(
        "<div class=\"end\" role=\"status\"><div class=\"mark {}\" aria-hidden=\"true\">{}</div><h1>{}</h1><p>{}</p>{link}</div>",
        mark.0,
        mark.1,
        esc(title),
        esc(detail),
    )
}

/// `/nagad/check-out/{token}`.
pub fn page_url(p: &Payment) -> String {
    format!("/nagad{PAGE_PATH}/{}", esc(p.token.as_deref().unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_break_out() {
        assert_eq!(
            esc("<script>\"a\"&'b'</script>"),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn card_shows_merchant_text_escaped_and_amount_in_the_pages_digits() {
        let mut p = Payment::new("r".into(), "683002007104225", "ORDER1", "c".into(), 0);
        p.amount = bdpay_shared::money::Money::parse("1250").ok();
        p.info.service_name = Some("<b>Shop</b>".into());
        let html = card(&p, &super::super::text::EN, "Demo Shop");
        assert!(html.contains("&lt;b&gt;Shop&lt;/b&gt;") && html.contains("1,250.00") && html.contains("ORDER1"));
        p.locale = Locale::Bn;
        assert!(card(&p, &super::super::text::BN, "Demo Shop").contains("১,২৫০.০০"));
    }
}
