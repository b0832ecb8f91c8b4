//! The hosted page's HTML: one server-rendered document per step, mobile-first (360 px),
//! bKash pink header, no script, no external asset. Everything shown from input is escaped.

use bdpay_shared::wire::bkash::status_message;

use super::choices;
use super::store::{Payment, Step};

const STYLE: &str = "*{box-sizing:border-box}\
body{margin:0;background:#ececec;color:#222;font:16px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans Bengali',sans-serif}\
.wrap{max-width:440px;min-height:100vh;margin:0 auto;background:#fff;display:flex;flex-direction:column}\
header{background:#E2136E;color:#fff;padding:12px 16px;display:flex;align-items:center;justify-content:space-between}\
.brand{font-weight:800;font-size:26px;letter-spacing:-.5px}.brand i{font-style:normal;font-weight:400;font-size:14px;opacity:.9;margin-left:6px}\
.badge{font-size:11px;font-weight:600;border:1px solid rgba(255,255,255,.75);border-radius:10px;padding:2px 8px}\
.merchant{display:flex;align-items:center;gap:12px;padding:16px}\
.logo{flex:none;width:46px;height:46px;border-radius:50%;background:#fde6f0;color:#E2136E;display:flex;align-items:center;justify-content:center;font-weight:700}\
.who{flex:1;min-width:0}.who b{display:block}.who small{display:block;color:#666;font-size:13px;overflow-wrap:anywhere}\
.amount{font-size:20px;font-weight:700;white-space:nowrap}\
form{margin:0;flex:1;display:flex;flex-direction:column}\
.panel{flex:1;background:#E2136E;color:#fff;padding:28px 22px;display:flex;flex-direction:column;gap:14px;text-align:center}\
.panel label{font-size:15px}\
.panel input{width:100%;font-size:20px;padding:12px;border:0;border-radius:4px;text-align:center;letter-spacing:2px;color:#222}\
.panel small{font-size:13px;opacity:.9}\
.error{background:#fff;color:#b00020;border-left:4px solid #b00020;border-radius:4px;padding:10px 12px;font-size:14px;text-align:left}\
.buttons{display:flex;flex-direction:row-reverse}\
.buttons button{flex:1;padding:16px 8px;border:0;font-size:16px;font-weight:700;letter-spacing:.5px;text-transform:uppercase}\
.confirm{background:#c4105e;color:#fff}.close{background:#d9d9d9;color:#333}\
.end{flex:1;padding:36px 22px;text-align:center;display:flex;flex-direction:column;gap:14px;align-items:center}\
.mark{width:72px;height:72px;border-radius:50%;color:#fff;font-size:40px;line-height:72px}\
.ok{background:#1a9c54}.no{background:#b00020}.cx{background:#777}\
.back{display:inline-block;background:#E2136E;color:#fff;text-decoration:none;padding:12px 22px;border-radius:4px;font-weight:700}\
footer{padding:10px 16px;font-size:12px;color:#666;text-align:center;border-top:1px solid #eee}";

pub use crate::html::esc;

fn document(title: &str, head_extra: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\"><title>{}</title>{head_extra}<style>{STYLE}</style></head>\
<body><div class=\"wrap\"><header><span class=\"brand\">bKash<i>Payment</i></span><span class=\"badge\">SANDBOX</span></header>\
{body}<footer>Helpline 16247 &middot; Test OTP {} &middot; PIN {}</footer></div></body></html>",
        esc(title),
        choices::OTP,
        choices::PIN
    )
}

fn merchant(p: &Payment) -> String {
    format!(
        "<section class=\"merchant\"><div class=\"logo\">DS</div><div class=\"who\"><b>{}</b><small>Invoice: {}</small></div>\
<div class=\"amount\">{}</div></section>",
        esc(choices::MERCHANT_NAME),
        esc(&p.invoice),
        esc(&p.amount.format_en())
    )
}

fn notice(p: &Payment) -> String {
    let Some(code) = p.notice else { return String::new() };
    let text = match code {
        "2014" => {
            let left = choices::PIN_TRIES.saturating_sub(p.pin_misses);
            format!("Wrong PIN. {left} attempt{} left.", if left == 1 { "" } else { "s" })
        }
        "2016" => "Wrong verification code. Please try again.".to_owned(),
        "2009" => "Invalid wallet number. Enter an 11-digit bKash account number.".to_owned(),
        c => status_message(c).unwrap_or("Something went wrong").to_owned(),
    };
    format!("<p class=\"error\" role=\"alert\">{} ({code})</p>", esc(&text))
}

/// The current step of an open payment.
pub fn step(origin: &str, p: &Payment, otp_ttl_secs: u64) -> String {
    let masked = p.wallet.as_deref().map(choices::mask).unwrap_or_default();
    let (name, field) = match p.step {
        Step::Wallet => {
            let prefill = if choices::is_wallet(&p.payer_reference) { p.payer_reference.as_str() } else { "" };
            ("wallet", format!(
                "<label for=\"f\">Your bKash Account number</label>\
<input id=\"f\" name=\"wallet\" type=\"tel\" inputmode=\"numeric\" autocomplete=\"tel\" maxlength=\"11\" placeholder=\"e.g 01XXXXXXXXX\" value=\"{}\" autofocus>\
<small>By clicking on Confirm, you are agreeing to the terms &amp; conditions</small>",
                esc(prefill)
            ))
        }
        Step::Otp => ("otp", format!(
            "<label for=\"f\">Enter verification code sent to {}</label>\
<input id=\"f\" name=\"otp\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"6\" placeholder=\"bKash Verification Code\" autofocus>\
<small>The code expires in {} seconds.</small>",
            esc(&masked), otp_ttl_secs
        )),
        Step::Pin => ("pin", format!(
            "<label for=\"f\">Enter PIN of your bKash Account number ({})</label>\
<input id=\"f\" name=\"pin\" type=\"password\" inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"5\" placeholder=\"Enter PIN\" autofocus>",
            esc(&masked)
        )),
    };
    let body = format!(
        "{}<form method=\"post\" action=\"{}/bkash{}/{name}\"><input type=\"hidden\" name=\"paymentId\" value=\"{}\">\
<input type=\"hidden\" name=\"hash\" value=\"{}\"><div class=\"panel\">{}{field}</div>\
<div class=\"buttons\"><button class=\"confirm\" name=\"action\" value=\"confirm\">Confirm</button>\
<button class=\"close\" name=\"action\" value=\"cancel\" formnovalidate>Close</button></div></form>",
        merchant(p),
        esc(origin),
        super::PAGE_PATH,
        esc(&p.id),
        esc(&p.hash),
        notice(p)
    );
    document("bKash Payment", "", &body)
}

/// The end of the page's part: back to the merchant with `status`, after a short pause.
pub fn finished(p: &Payment, status: &str, code: Option<&str>) -> String {
    let target = esc(&p.callback(status, true));
    let (mark, class, line) = match (status, code) {
        ("success", _) => ("&#10003;", "ok", "Payment verified.".to_owned()),
        ("cancel", _) => ("&#10005;", "cx", "Payment cancelled.".to_owned()),
        (_, Some(c)) => (
            "!",
            "no",
            format!("{} ({c})", status_message(c).unwrap_or("Payment failed")),
        ),
        _ => ("!", "no", "Payment failed.".to_owned()),
    };
    let body = format!(
        "{}<div class=\"end\"><div class=\"mark {class}\">{mark}</div><p role=\"status\">{}</p>\
<p>Returning to {}&hellip;</p><a class=\"back\" href=\"{target}\">Return to merchant</a></div>",
        merchant(p),
        esc(&line),
        esc(choices::MERCHANT_NAME)
    );
    document(
        "bKash Payment",
        &format!("<meta http-equiv=\"refresh\" content=\"5;url={target}\">"),
        &body,
    )
}

/// A page with no payment to show (bad link, outage).
pub fn problem(code: &str) -> String {
    let line = match code {
        "2002" => "This payment link is not valid or has expired.".to_owned(),
        "503" => "bKash is unavailable right now. Please try again later.".to_owned(),
        c => format!("{} ({c})", status_message(c).unwrap_or("Something went wrong")),
    };
    let body = format!(
        "<div class=\"end\"><div class=\"mark no\">!</div><p role=\"alert\">{}</p></div>",
        esc(&line)
    );
    document("bKash Payment", "", &body)
}
