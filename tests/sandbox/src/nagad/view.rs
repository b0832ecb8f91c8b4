//! What each page step shows: the payment's card, the step indicator and the form for where
//! the payment is, or how it ended with a link back to the merchant.

use bdpay_shared::wire::nagad::PaymentStatus;

use super::choices::MERCHANTS;
use super::html::{self, digits, Step};
use super::outcome;
use super::store::{Locale, Payment};
use super::text::text;

pub fn tries(what: &str, left: &str, n: u8, locale: Locale) -> String {
    format!("{what} {left} {}", digits(&n.to_string(), locale))
}

fn merchant_name(p: &Payment) -> &'static str {
    MERCHANTS
        .iter()
        .find(|m| m.id == p.merchant_id)
        .map_or("Merchant", |m| m.name)
}

/// The step the payment is at, with an optional error line.
pub fn step(p: &Payment, error: Option<String>) -> String {
    let t = text(p.locale);
    let (at, step) = match p.status {
        PaymentStatus::OtpSent => {
            let masked = p.wallet.map(|w| digits(&w.masked(), p.locale)).unwrap_or_default();
            let intro = format!(
                "<div class=\"hint\">{} <b>{}</b></div>",
                t.otp_sent_to,
                html::esc(&masked)
            );
            (
                1,
                Step {
                    action: "otp",
                    field: "otp",
                    label: t.enter_otp,
                    intro,
                    hint: "",
                    input: ("text", "numeric", "one-time-code", 6),
                    error,
                },
            )
        }
        PaymentStatus::OtpVerified | PaymentStatus::PinGiven => (
            2,
            Step {
                action: "pin",
                field: "pin",
                label: t.enter_pin,
                intro: String::new(),
                hint: t.pin_hint,
                input: ("password", "numeric", "off", 4),
                error,
            },
        ),
        _ => (
            0,
            Step {
                action: "number",
                field: "number",
                label: t.enter_number,
                intro: String::new(),
                hint: t.number_hint,
                input: ("tel", "tel", "tel", 17),
                error,
            },
        ),
    };
    let main = format!(
        "{}{}{}",
        html::card(p, t, merchant_name(p)),
        html::steps(t, at),
        html::step_form(p, t, &step)
    );
    let switch = format!("{}?locale={}", html::page_url(p), t.other_locale);
    html::document(t, Some(&switch), &main)
}

/// A payment already past the page: say how it ended, link back to the merchant.
pub fn ended(p: &Payment) -> String {
    let t = text(p.locale);
    let (mark, title) = match p.status {
        PaymentStatus::Success => (("ok", "✓"), t.done_success),
        PaymentStatus::Aborted => (("cx", "×"), t.done_aborted),
        ref s if s.is_refund_word() => (("cx", "↺"), t.done_refunded),
        _ => (("no", "!"), t.done_failed),
    };
    let done = outcome::done(p);
    let detail = done.redirect.message.clone().unwrap_or_default();
    let back = outcome::with_query(&done.callback_url, &done.redirect.pairs());
    let main = format!(
        "{}{}",
        html::card(p, t, merchant_name(p)),
        html::end(t, mark, title, &detail, Some(&back))
    );
    html::document(t, None, &main)
}

/// Cancel, asked once more, under the payment's card.
pub fn confirm_cancel(p: &Payment) -> String {
    let t = text(p.locale);
    let main = format!("{}{}", html::card(p, t, merchant_name(p)), html::confirm_cancel(p, t));
    html::document(t, None, &main)
}
