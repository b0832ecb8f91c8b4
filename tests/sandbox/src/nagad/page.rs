//! The hosted page (B.6, B.12): Nagad number → OTP → PIN, or Cancel, then a GET redirect to
//! `merchantCallbackURL` with B.6's parameters. Plain forms, one POST per step.

use std::collections::HashMap;

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use bdpay_shared::locale::digit_value;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::nagad::{status_code, PaymentStatus};

use super::choices::{self, WalletRule, MAX_AMOUNT_POISHA, MIN_AMOUNT_POISHA, OTP_TRIES, PIN_TRIES};
use super::html;
use super::outcome::{self, Done};
use super::store::{Locale, Payment};
use super::text::{text, Text, EN};
use super::view;
use crate::faults::Injected;
use crate::Shared;

type Fields = Result<Form<HashMap<String, String>>, FormRejection>;

/// What a page request ends in, decided under the lock.
enum Next {
    Show(StatusCode, String),
    Finished(Box<Done>),
}

fn respond(s: &Shared, next: Next) -> Response {
    match next {
        Next::Show(status, body) => (status, [(CACHE_CONTROL, "no-store")], Html(body)).into_response(),
        Next::Finished(done) => {
            let url = outcome::announce(s, *done);
            (StatusCode::FOUND, [(LOCATION, url)]).into_response()
        }
    }
}

fn simple(t: &Text, status: StatusCode, title: &str) -> Next {
    Next::Show(
        status,
        html::document(t, None, &html::end(t, ("no", "!"), title, "", None)),
    )
}

/// The page of a faulted (down, stalled, erroring) Nagad, in the payment's language.
fn down(p: &Payment, status: StatusCode) -> Next {
    let t = text(p.locale);
    simple(t, status, t.unavailable)
}

/// Runs `f` on the token's payment after faults and expiry; the shared start of every handler.
async fn with_payment(s: &Shared, token: &str, f: impl FnOnce(&mut Payment, i64) -> Next) -> Response {
    let fault = s
        .faults
        .enter(bdpay_shared::provider::Provider::Nagad, "page", s.config.hang)
        .await;
    let reference = s.nagad.lock().tokens.get(token).cloned();
    if let Some(r) = &reference {
        outcome::expire(s, r);
    }
    let now = s.clock.now_ms();
    let next = {
        let mut inner = s.nagad.lock();
        match inner.by_token(token) {
            None => simple(&EN, StatusCode::NOT_FOUND, EN.not_found),
            Some(p) => match fault {
                Some(Injected::Hung) => down(p, StatusCode::GATEWAY_TIMEOUT),
                Some(Injected::Down) => down(p, StatusCode::SERVICE_UNAVAILABLE),
                Some(Injected::Status(n)) => {
                    down(p, StatusCode::from_u16(n).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
                }
                // Any code on the page: the payment fails with it (exercises unknown shopper codes).
                Some(Injected::Code(c)) if p.on_page() => {
                    Next::Finished(Box::new(outcome::finish(p, PaymentStatus::Failed, &c, now, None)))
                }
                _ if !p.on_page() => ended(p),
                _ => f(p, now),
            },
        }
    };
    respond(s, next)
}

/// `GET /nagad/check-out/{token}[?locale=EN|BN]`: the current step.
pub async fn show(
    State(s): State<Shared>,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    with_payment(&s, &token, |p, _| {
        match q.get("locale").map(|l| l.to_ascii_uppercase()).as_deref() {
            Some("BN") => p.locale = Locale::Bn,
            Some("EN") => p.locale = Locale::En,
            _ => {}
        }
        if p.status == PaymentStatus::Ready {
            p.status = PaymentStatus::InProgress;
        }
        render(p, None)
    })
    .await
}

/// `POST /nagad/check-out/{token}/{number|otp|pin}`.
pub async fn submit(State(s): State<Shared>, Path((token, step)): Path<(String, String)>, fields: Fields) -> Response {
    let fields = fields.map(|Form(f)| f).unwrap_or_default();
    let value = |k: &str| fields.get(k).map(String::as_str).unwrap_or("").to_owned();
    with_payment(&s, &token, |p, now| {
        let t = text(p.locale);
        match (step.as_str(), &p.status) {
            ("number", PaymentStatus::Ready | PaymentStatus::InProgress | PaymentStatus::OtpSent) => {
                match Msisdn::parse(&value("number")) {
                    Ok(number) => {
                        p.wallet = Some(number);
                        p.otp_misses = 0;
                        p.status = PaymentStatus::OtpSent;
                        render(p, None)
                    }
                    Err(_) => render(p, Some(t.bad_number.to_owned())),
                }
            }
            ("otp", PaymentStatus::OtpSent) if ascii_digits(&value("otp")) == choices::OTP => {
                p.status = PaymentStatus::OtpVerified;
                render(p, None)
            }
            ("otp", PaymentStatus::OtpSent) => {
                p.otp_misses = p.otp_misses.saturating_add(1);
                if p.otp_misses >= OTP_TRIES {
                    return Next::Finished(Box::new(outcome::finish(
                        p,
                        PaymentStatus::Failed,
                        status_code::OTP_LIMIT,
                        now,
                        None,
                    )));
                }
                render(
                    p,
                    Some(view::tries(
                        t.wrong_otp,
                        t.tries_left,
                        OTP_TRIES - p.otp_misses,
                        p.locale,
                    )),
                )
            }
            ("pin", PaymentStatus::OtpVerified) if ascii_digits(&value("pin")) == choices::PIN => {
                p.status = PaymentStatus::PinGiven;
                let trx = match s.variants.trx_id_len(Provider::Nagad, &p.reference) {
                    Some(len) => crate::variants::long_id(len),
                    None => s.nagad.next_trx_id(),
                };
                Next::Finished(Box::new(pay(p, now, trx)))
            }
            ("pin", PaymentStatus::OtpVerified) => {
                p.pin_misses = p.pin_misses.saturating_add(1);
                if p.pin_misses >= PIN_TRIES {
                    return Next::Finished(Box::new(outcome::finish(
                        p,
                        PaymentStatus::Failed,
                        status_code::PIN_LIMIT,
                        now,
                        None,
                    )));
                }
                render(
                    p,
                    Some(view::tries(
                        t.wrong_pin,
                        t.tries_left,
                        PIN_TRIES - p.pin_misses,
                        p.locale,
                    )),
                )
            }
            // A step out of order (back button, replay): show where the payment really is.
            _ => render(p, None),
        }
    })
    .await
}

/// `GET /nagad/check-out/{token}/cancel`: are you sure?
pub async fn confirm_cancel(State(s): State<Shared>, Path(token): Path<String>) -> Response {
    with_payment(&s, &token, |p, _| Next::Show(StatusCode::OK, view::confirm_cancel(p))).await
}

/// `POST /nagad/check-out/{token}/cancel`: `Aborted`, `00_0000_001`.
pub async fn submit_cancel(State(s): State<Shared>, Path(token): Path<String>) -> Response {
    with_payment(&s, &token, |p, now| {
        Next::Finished(Box::new(outcome::finish(
            p,
            PaymentStatus::Aborted,
            status_code::ABORTED,
            now,
            None,
        )))
    })
    .await
}

/// The right PIN: the wallet's rule and the amount limits decide (B.11, B.12).
fn pay(p: &mut Payment, now: i64, trx: String) -> Done {
    let poisha = p.amount.map_or(0, |m| m.poisha());
    let rule = p
        .wallet
        .map_or(WalletRule::Succeeds, |w| choices::wallet_rule(w.expose_digits()));
    match rule {
        WalletRule::Fails(code) => outcome::finish(p, PaymentStatus::Failed, code, now, None),
        _ if !(MIN_AMOUNT_POISHA..=MAX_AMOUNT_POISHA).contains(&poisha) => {
            outcome::finish(p, PaymentStatus::Failed, status_code::OVER_LIMIT, now, None)
        }
        rule => {
            p.hang_next_verify = rule == WalletRule::SucceedsVerifyHangsOnce;
            outcome::finish(p, PaymentStatus::Success, status_code::SUCCESS, now, Some(trx))
        }
    }
}

/// `"1 2 3"`, `"১২৩"` → `"123"` (shoppers type spaces and use Bangla keyboards); anything
/// else in it makes the whole input wrong.
fn ascii_digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        match digit_value(c) {
            Some(d) => out.push(char::from(b'0' + d)),
            None => return String::new(),
        }
    }
    out
}

fn render(p: &Payment, error: Option<String>) -> Next {
    Next::Show(StatusCode::OK, view::step(p, error))
}

fn ended(p: &Payment) -> Next {
    Next::Show(StatusCode::OK, view::ended(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shoppers_digits_are_normalised() {
        assert_eq!(ascii_digits("১২৩৪"), "1234");
        assert_eq!(ascii_digits(" 12 34 "), "1234");
        assert_eq!(ascii_digits("12a34"), "");
    }
}
