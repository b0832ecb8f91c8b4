//! The hosted wallet page `bkashURL` opens (A.4, A.15): wallet number, OTP, PIN, with Cancel
//! at every step, as plain HTML forms that POST back here and answer 303 (works in any
//! webview, no script). Success, failure and cancel end in the A.6 redirect to `callbackURL`.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use bdpay_shared::provider::Provider;
use serde::Deserialize;
use serde_json::json;

use super::store::{Payment, Stage, Step};
use super::{choices, record, view, PAGE_PATH};
use crate::faults::Injected;
use crate::ledger::Record;
use crate::Shared;

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(rename = "paymentId")]
    payment_id: Option<String>,
    hash: Option<String>,
}

/// Every step's form: hidden `paymentId` + `hash`, the step's input, and `action`.
#[derive(Deserialize)]
pub struct StepForm {
    #[serde(rename = "paymentId")]
    payment_id: Option<String>,
    hash: Option<String>,
    wallet: Option<String>,
    otp: Option<String>,
    pin: Option<String>,
    action: Option<String>,
}

fn see_other(url: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, url.to_owned())]).into_response()
}

fn page_url(s: &Shared, p: &Payment) -> String {
    format!(
        "{}/bkash{PAGE_PATH}?paymentId={}&hash={}&mode=0011&apiVersion=v1.2.0-beta/",
        s.config.public_origin, p.id, p.hash
    )
}

/// An injected fault on the page, as the shopper would meet it.
async fn fault(s: &Shared) -> Option<Response> {
    let f = s.faults.enter(Provider::Bkash, "page", s.config.hang).await?;
    let (status, code) = match f {
        Injected::Hung => (StatusCode::GATEWAY_TIMEOUT, "503".to_owned()),
        Injected::Down => (StatusCode::SERVICE_UNAVAILABLE, "503".to_owned()),
        Injected::Status(n) => (
            StatusCode::from_u16(n).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "9999".to_owned(),
        ),
        Injected::Code(c) | Injected::Code200(c) => (StatusCode::OK, c),
        Injected::WebhookDrop | Injected::WebhookDuplicate | Injected::AnswerLost => return None,
    };
    Some((status, Html(view::problem(&code))).into_response())
}

/// Looks the payment up by id and hash, ending an expired session first.
fn load(s: &Shared, id: Option<&str>, hash: Option<&str>) -> Option<Payment> {
    let now = s.clock.now_ms();
    let page_ttl = i64::try_from(s.config.bkash_page_ttl.as_millis()).unwrap_or(i64::MAX);
    let mut inner = s.bkash.lock();
    let p = inner.payments.get_mut(id?)?;
    if Some(p.hash.as_str()) != hash {
        return None;
    }
    if matches!(p.stage, Stage::Open) && now - p.created_ms > page_ttl {
        p.stage = Stage::Failed { code: "2019" };
    }
    Some(p.clone())
}

pub async fn show(
    State(s): State<Shared>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(r) = fault(&s).await {
        return r;
    }
    let Ok(Query(q)) = q else {
        return (StatusCode::BAD_REQUEST, Html(view::problem("2002"))).into_response();
    };
    let Some(p) = load(&s, q.payment_id.as_deref(), q.hash.as_deref()) else {
        return (StatusCode::NOT_FOUND, Html(view::problem("2002"))).into_response();
    };
    let html = match &p.stage {
        Stage::Open => view::step(&s.config.public_origin, &p, s.config.bkash_otp_ttl.as_secs()),
        Stage::Approved | Stage::Completed { .. } => view::finished(&p, "success", None),
        Stage::Cancelled => view::finished(&p, "cancel", None),
        Stage::Failed { code } => view::finished(&p, "failure", Some(code)),
    };
    Html(html).into_response()
}

pub async fn submit(
    State(s): State<Shared>,
    Path(step): Path<String>,
    form: Result<Form<StepForm>, FormRejection>,
) -> Response {
    if let Some(r) = fault(&s).await {
        return r;
    }
    let Ok(Form(f)) = form else {
        return (StatusCode::BAD_REQUEST, Html(view::problem("2025"))).into_response();
    };
    let Some(p) = load(&s, f.payment_id.as_deref(), f.hash.as_deref()) else {
        return (StatusCode::NOT_FOUND, Html(view::problem("2002"))).into_response();
    };
    if !matches!(p.stage, Stage::Open) {
        return see_other(&page_url(&s, &p));
    }
    let posted = match step.as_str() {
        "wallet" => Step::Wallet,
        "otp" => Step::Otp,
        "pin" => Step::Pin,
        _ => return (StatusCode::NOT_FOUND, Html(view::problem("2002"))).into_response(),
    };
    let now = s.clock.now_ms();
    let cancel = f.action.as_deref() == Some("cancel");
    let outcome = {
        let mut inner = s.bkash.lock();
        let Some(p) = inner.payments.get_mut(&p.id) else {
            return see_other(&page_url(&s, &p));
        };
        advance(p, posted, &f, cancel, now, &s.config)
    };
    let done = |status: &str, outcome: &str| {
        record(
            &s,
            Record {
                op: "page",
                reference: Some(p.id.clone()),
                outcome: outcome.into(),
                detail: Some(json!({"status": status})),
                ..Record::default()
            },
        );
        see_other(&p.callback(status, true))
    };
    match outcome {
        Outcome::Again => see_other(&page_url(&s, &p)),
        Outcome::Ended(code) => {
            record(
                &s,
                Record {
                    op: "page",
                    reference: Some(p.id.clone()),
                    outcome: code.into(),
                    ..Record::default()
                },
            );
            see_other(&page_url(&s, &p))
        }
        Outcome::Redirect("success") => done("success", "approved"),
        Outcome::Redirect("cancel") => done("cancel", "cancelled"),
        Outcome::Redirect(_) => done("failure", "2015"),
    }
}

enum Outcome {
    /// Show the (next or same) step.
    Again,
    /// The payment failed on the page: the page explains, then returns to the merchant.
    Ended(&'static str),
    /// Straight back to the merchant with this `status`.
    Redirect(&'static str),
}

fn advance(p: &mut Payment, posted: Step, f: &StepForm, cancel: bool, now: i64, config: &crate::Config) -> Outcome {
    if cancel {
        p.stage = Stage::Cancelled;
        return Outcome::Redirect("cancel");
    }
    if posted != p.step {
        return Outcome::Again;
    }
    let input = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    match p.step {
        Step::Wallet => {
            let wallet = input(&f.wallet);
            if choices::is_wallet(&wallet) {
                p.wallet = Some(wallet);
                p.step = Step::Otp;
                p.otp_sent_ms = now;
                p.notice = None;
            } else {
                p.notice = Some("2009");
            }
        }
        Step::Otp => {
            let otp_ttl = i64::try_from(config.bkash_otp_ttl.as_millis()).unwrap_or(i64::MAX);
            if now - p.otp_sent_ms > otp_ttl {
                p.stage = Stage::Failed { code: "2018" };
                return Outcome::Ended("2018");
            }
            if input(&f.otp) == choices::OTP {
                p.step = Step::Pin;
                p.notice = None;
            } else {
                p.otp_misses += 1;
                if p.otp_misses >= choices::OTP_TRIES {
                    p.stage = Stage::Failed { code: "2017" };
                    return Outcome::Ended("2017");
                }
                p.notice = Some("2016");
            }
        }
        Step::Pin => {
            if input(&f.pin) == choices::PIN {
                p.stage = Stage::Approved;
                p.notice = None;
                return Outcome::Redirect("success");
            }
            p.pin_misses += 1;
            if p.pin_misses >= choices::PIN_TRIES {
                p.stage = Stage::Failed { code: "2015" };
                return Outcome::Redirect("failure");
            }
            p.notice = Some("2014");
        }
    }
    Outcome::Again
}
