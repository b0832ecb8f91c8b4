//! Create (A.5), execute (A.7) and query (A.8), with the codes A.12 and A.15 fix for the
//! sandbox. A payment belongs to the credential set that created it (A.18).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bdpay_shared::money::Money;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{
    status_message, CreateResponse, ExecuteResponse, QueryResponse, TransactionStatus, VerificationStatus,
    MODE_CHECKOUT, SUCCESS,
};
use bdpay_shared::wire::time::DhakaTime;
use serde_json::json;

use super::choices::{self, Credential, WalletRule};
use super::errors::{self, Flavor};
use super::store::{new_hash, new_signature, Payment, Stage, Step};
use super::{api, record, sns, PAGE_PATH};
use crate::ledger::Record;
use crate::Shared;

const T: Flavor = Flavor::Tokenized;

pub(super) fn ok_message() -> String {
    status_message(SUCCESS).unwrap_or("Successful").to_owned()
}

pub(super) fn bkash_time(ms: i64) -> String {
    DhakaTime::from_unix_millis(ms).bkash()
}

pub(super) fn finish(r: Result<Response, Response>) -> Response {
    r.unwrap_or_else(|e| e)
}

pub async fn create(State(s): State<Shared>, h: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    finish(create_inner(&s, &h, body).await)
}

async fn create_inner(s: &Shared, h: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, Response> {
    // A fault rule may name the invoice (our payment id): only that payment's create fails.
    let invoice = body
        .as_ref()
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(b).ok())
        .and_then(|m| m.get("merchantInvoiceNumber")?.as_str().map(str::to_owned));
    api::faults_for(s, "create", T, invoice.as_deref()).await?;
    let merchant = api::authorize(s, h, T)?;
    let map = api::object(body)?;
    let refuse = |c: &str| {
        record(
            s,
            Record {
                op: "create",
                outcome: c.into(),
                ..Record::default()
            },
        );
        errors::code(c)
    };
    let mut fields = Vec::with_capacity(7);
    for key in [
        "mode",
        "payerReference",
        "callbackURL",
        "amount",
        "currency",
        "intent",
        "merchantInvoiceNumber",
    ] {
        match api::text(&map, key)? {
            Some(v) if !v.is_empty() => fields.push(v),
            _ => return Err(refuse("2065")),
        }
    }
    let [mode, payer, callback, amount_text, currency, intent, invoice] = fields[..] else {
        return Err(refuse("2065"));
    };
    let association = api::text(&map, "merchantAssociationInfo")?;
    let limit = |v: &str| v.chars().count() <= choices::MAX_FIELD_LEN;
    if mode != MODE_CHECKOUT {
        return Err(refuse(if matches!(mode, "0000" | "0001") {
            "2064"
        } else {
            "2063"
        }));
    }
    if !limit(payer) {
        return Err(refuse("2048"));
    }
    let url_ok = (callback.starts_with("https://") || callback.starts_with("http://"))
        && !callback.contains(char::is_whitespace);
    if !limit(callback) || !url_ok {
        return Err(refuse("2049"));
    }
    let amount = match Money::parse(amount_text) {
        Ok(m) if (choices::MIN_AMOUNT_POISHA..=choices::MAX_AMOUNT_POISHA).contains(&m.poisha()) => m,
        _ => return Err(refuse("2006")),
    };
    if currency != "BDT" {
        return Err(refuse("2007"));
    }
    if intent != "sale" {
        return Err(refuse("2008"));
    }
    if !limit(invoice) || invoice.contains(['<', '>', '&']) {
        return Err(refuse("2031"));
    }
    if association.is_some_and(|a| !limit(a)) {
        return Err(refuse("2025"));
    }
    let now = s.clock.now_ms();
    let payment = {
        let mut inner = s.bkash.lock();
        let p = Payment {
            id: inner.new_payment_id(now),
            merchant,
            hash: new_hash(),
            signature: new_signature(),
            created_ms: now,
            amount_text: amount_text.to_owned(),
            amount,
            invoice: invoice.to_owned(),
            payer_reference: payer.to_owned(),
            callback_url: callback.to_owned(),
            stage: Stage::Open,
            step: Step::Wallet,
            wallet: None,
            otp_sent_ms: 0,
            otp_misses: 0,
            pin_misses: 0,
            notice: None,
            refunds: Vec::new(),
        };
        inner.payments.insert(p.id.clone(), p.clone());
        p
    };
    let detail = json!({"amount": payment.amount_text, "invoice": payment.invoice, "merchant": merchant.username});
    record(
        s,
        Record {
            op: "create",
            reference: Some(payment.id.clone()),
            outcome: "ok".into(),
            detail: Some(detail),
            ..Record::default()
        },
    );
    let bkash_url = format!(
        "{}/bkash{PAGE_PATH}?paymentId={}&hash={}&mode=0011&apiVersion=v1.2.0-beta/",
        s.config.public_origin, payment.id, payment.hash
    );
    Ok(Json(CreateResponse {
        status_code: SUCCESS.to_owned(),
        status_message: ok_message(),
        payment_id: payment.id.clone(),
        bkash_url,
        callback_url: payment.callback_url.clone(),
        success_callback_url: payment.callback("success", false),
        failure_callback_url: payment.callback("failure", false),
        cancelled_callback_url: payment.callback("cancel", false),
        amount: payment.amount_text.clone(),
        intent: "sale".to_owned(),
        currency: "BDT".to_owned(),
        payment_create_time: bkash_time(now),
        transaction_status: TransactionStatus::Initiated,
        merchant_invoice_number: payment.invoice,
    })
    .into_response())
}

/// What execute decided under the lock.
enum Decision {
    Refuse(String),
    Completed { payment: Box<Payment>, hang: bool },
}

pub async fn execute(State(s): State<Shared>, h: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    finish(execute_inner(&s, &h, body).await)
}

async fn execute_inner(s: &Shared, h: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, Response> {
    api::faults(s, "execute", T).await?;
    let merchant = api::authorize(s, h, T)?;
    let map = api::object(body)?;
    let id = match api::required(&map, "paymentID", T) {
        Ok(id) => id.to_owned(),
        Err(r) => {
            record(
                s,
                Record {
                    op: "execute",
                    outcome: "2065".into(),
                    ..Record::default()
                },
            );
            return Err(r);
        }
    };
    let now = s.clock.now_ms();
    let decision = decide(s, &id, merchant, now);
    match decision {
        Decision::Refuse(code) => {
            record(
                s,
                Record {
                    op: "execute",
                    reference: Some(id),
                    outcome: code.clone(),
                    ..Record::default()
                },
            );
            Err(errors::code(&code))
        }
        Decision::Completed { payment, hang } => {
            let trx = payment.trx_id().unwrap_or_default().to_owned();
            let wallet = payment.wallet.clone().unwrap_or_default();
            let detail = json!({"wallet": choices::mask(&wallet), "hang": hang});
            record(
                s,
                Record {
                    op: "execute",
                    reference: Some(id.clone()),
                    trx_id: Some(trx.clone()),
                    amount: Some(payment.amount.to_string()),
                    outcome: "ok".into(),
                    detail: Some(detail),
                },
            );
            sns::notify(s, &payment);
            if hang {
                tokio::time::sleep(s.config.hang).await;
            }
            Ok(Json(ExecuteResponse {
                status_code: SUCCESS.to_owned(),
                status_message: ok_message(),
                payment_id: id,
                payer_reference: payment.payer_reference.clone(),
                customer_msisdn: wallet,
                trx_id: trx,
                amount: payment.amount_text.clone(),
                transaction_status: TransactionStatus::Completed,
                payment_execute_time: bkash_time(payment.completed_ms().unwrap_or(now)),
                currency: "BDT".to_owned(),
                intent: "sale".to_owned(),
                merchant_invoice_number: payment.invoice.clone(),
            })
            .into_response())
        }
    }
}

fn decide(s: &Shared, id: &str, merchant: &Credential, now: i64) -> Decision {
    let refuse = |c: &str| Decision::Refuse(c.to_owned());
    let mut inner = s.bkash.lock();
    let Some(p) = inner.payments.get(id).filter(|p| p.merchant == merchant) else {
        return refuse("2002");
    };
    let age = now - p.created_ms;
    let page_ttl = i64::try_from(s.config.bkash_page_ttl.as_millis()).unwrap_or(i64::MAX);
    match &p.stage {
        Stage::Completed { .. } => return refuse("2062"),
        Stage::Cancelled | Stage::Failed { .. } => return refuse("2056"),
        _ if age > choices::EXECUTE_MAX_AGE_MS => return refuse("2056"),
        // The page session ran out before the shopper finished: expired, not merely early.
        Stage::Open if age > page_ttl => return refuse("2056"),
        Stage::Open => return refuse("2060"),
        Stage::Approved => {}
    }
    let wallet = p.wallet.clone().unwrap_or_default();
    let hang = match choices::wallet_rule(&wallet) {
        WalletRule::Fails(code) => return refuse(code),
        WalletRule::Code(code) if code != SUCCESS => return Decision::Refuse(code),
        WalletRule::HangsThenCompletes => true,
        WalletRule::Code(_) | WalletRule::Succeeds => false,
    };
    let debit = (wallet, p.amount.poisha());
    if inner
        .last_debit
        .get(&debit)
        .is_some_and(|at| now - at < choices::DUPLICATE_WINDOW_MS)
    {
        return refuse("2029");
    }
    inner.last_debit.insert(debit, now);
    let trx_id = match s.variants.trx_id_len(Provider::Bkash, id) {
        Some(len) => crate::variants::long_id(len),
        None => inner.new_trx_id(),
    };
    inner.by_trx.insert(trx_id.clone(), id.to_owned());
    match inner.payments.get_mut(id) {
        Some(p) => {
            p.stage = Stage::Completed { trx_id, at_ms: now };
            Decision::Completed {
                payment: Box::new(p.clone()),
                hang,
            }
        }
        None => refuse("2002"),
    }
}

pub async fn query(State(s): State<Shared>, h: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    finish(query_inner(&s, &h, body).await)
}

async fn query_inner(s: &Shared, h: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, Response> {
    api::faults(s, "query", T).await?;
    let merchant = api::authorize(s, h, T)?;
    let map = api::object(body)?;
    let id = api::required(&map, "paymentID", T)?;
    let Some(p) = s
        .bkash
        .lock()
        .payments
        .get(id)
        .filter(|p| p.merchant == merchant)
        .cloned()
    else {
        return Err(errors::code("2002"));
    };
    let completed = p.is_completed();
    Ok(Json(QueryResponse {
        status_code: SUCCESS.to_owned(),
        status_message: ok_message(),
        payment_id: p.id.clone(),
        mode: MODE_CHECKOUT.to_owned(),
        payment_create_time: bkash_time(p.created_ms),
        payment_execute_time: p.completed_ms().map(bkash_time),
        amount: p.amount_text.clone(),
        currency: "BDT".to_owned(),
        intent: "sale".to_owned(),
        merchant_invoice: p.invoice.clone(),
        trx_id: p.trx_id().map(str::to_owned),
        transaction_status: if completed {
            TransactionStatus::Completed
        } else {
            TransactionStatus::Initiated
        },
        verification_status: Some(if p.is_verified() {
            VerificationStatus::Complete
        } else {
            VerificationStatus::Incomplete
        }),
        payer_reference: Some(p.payer_reference.clone()),
        max_refundable_amount: None,
    })
    .into_response())
}
