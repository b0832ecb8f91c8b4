//! bKash's answers in our terms, without I/O: request bodies from our types, and every
//! reply (HTTP status + body) to a `Started`, an [`Outcome`] or a [`ProviderFailure`]
//! (docs/providers.md A.3–A.8, codes through shared's catalog per A.12).

use bdpay_shared::errors::catalog::Action;
use bdpay_shared::money::Money;
use bdpay_shared::phone::Msisdn;
use bdpay_shared::provider::Provider;
use bdpay_shared::wire::bkash::{
    CreateRequest, CreateResponse, Envelope, ExecuteResponse, QueryResponse, TransactionStatus, MODE_CHECKOUT, SUCCESS,
};
use bdpay_shared::wire::time::DhakaTime;
use serde_json::Value;

use crate::providers::failure::{coded, provider_id};
use crate::providers::{amounts_match, FailureKind, Outcome, ProviderFailure, Start, Started};

const P: Provider = Provider::Bkash;

/// The create body (A.5). `payerReference` is the shopper's wallet when we have it (bKash's
/// page pre-fills it), else our invoice: a neutral value that names no person.
pub(crate) fn create_request(p: &Start<'_>) -> CreateRequest {
    let payer_reference = match p.customer_phone {
        // Reviewed: personal data goes into the request body only, never a log.
        Some(phone) => phone.expose_digits().to_owned(),
        None => p.invoice.to_owned(),
    };
    CreateRequest {
        mode: MODE_CHECKOUT.to_owned(),
        payer_reference,
        callback_url: p.callback_url.to_owned(),
        amount: p.amount.to_string(),
        currency: "BDT".to_owned(),
        intent: "sale".to_owned(),
        merchant_invoice_number: p.invoice.to_owned(),
        merchant_association_info: None,
    }
}

/// The first reading of any tokenized reply: which of the four envelopes (A.3) came.
#[derive(Debug)]
pub(crate) enum Head {
    /// `statusCode == "0000"` (HTTP 2xx).
    Success,
    /// bKash refused with a code (envelopes 1–3).
    Coded(String),
    /// HTTP 401 (API Gateway): the id_token is expired or invalid.
    Unauthorized,
    /// No bKash answer we can act on: a failure already built (5xx, 429, gateway 4xx, garbage).
    Failed(ProviderFailure),
}

pub(crate) fn head(status: u16, body: &[u8]) -> Head {
    if status == 401 {
        return Head::Unauthorized;
    }
    let code = reply_code(body);
    let code = code.as_deref().map(str::trim);
    match (status, code) {
        (200..=299, Some(SUCCESS)) => Head::Success,
        (200..=499, Some(code)) if !code.is_empty() => Head::Coded(code.to_owned()),
        (429, _) => Head::Failed(ProviderFailure::unavailable(P, "http_429")),
        // Gateway 400 ("Invalid request body") names no field: our body was wrong.
        (400, _) => Head::Failed(ProviderFailure::internal(P, "http_400")),
        // "Missing Authentication Token": a wrong path, i.e. a wrong BKASH_BASE_URL.
        (403 | 404, _) => Head::Failed(ProviderFailure::config(
            P,
            if status == 403 { "http_403" } else { "http_404" },
        )),
        (200..=299, None) => Head::Failed(ProviderFailure::unavailable(P, "unreadable")),
        _ => Head::Failed(ProviderFailure::unavailable(P, &http_code(status))),
    }
}

/// bKash's "invalid app token" (A.12), answered with HTTP 200 by the tokenized endpoints.
pub(crate) const INVALID_APP_TOKEN: &str = "2079";

/// Whether bKash refused the id_token itself: HTTP 401 from API Gateway (A.2), or
/// `2079` "Invalid app Token" in any envelope on a 2xx. Either way the caller re-grants
/// once and retries once; only a second refusal is a configuration problem.
pub(crate) fn token_refused(status: u16, body: &[u8]) -> bool {
    status == 401
        || ((200..300).contains(&status) && reply_code(body).as_deref().map(str::trim) == Some(INVALID_APP_TOKEN))
}

/// bKash's code in any envelope (A.3), also when a message field is missing.
pub(crate) fn reply_code(body: &[u8]) -> Option<String> {
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(body) {
        return envelope.code().map(str::to_owned);
    }
    let v: Value = serde_json::from_slice(body).ok()?;
    ["statusCode", "errorCode", "externalCode"]
        .iter()
        .find_map(|k| text(&v, k))
        .map(str::to_owned)
}

/// `http_503` for a status we have no better word for.
pub(crate) fn http_code(status: u16) -> String {
    let mut s = String::from("http_");
    s.push_str(&status.to_string());
    s
}

/// A create reply → where to send the shopper.
pub(crate) fn read_create(status: u16, body: &[u8]) -> Result<Started, ProviderFailure> {
    match head(status, body) {
        Head::Success => {}
        Head::Coded(code) => return Err(coded_failure(&code)),
        Head::Unauthorized => return Err(ProviderFailure::config(P, "unauthorized")),
        Head::Failed(f) => return Err(f),
    }
    let (payment_id, url) = match serde_json::from_slice::<CreateResponse>(body) {
        Ok(r) => (r.payment_id, r.bkash_url),
        // Only two fields matter here; read them even if an optional one is missing.
        Err(_) => {
            let v: Value = serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))?;
            (
                text(&v, "paymentID").unwrap_or_default().to_owned(),
                text(&v, "bkashURL").unwrap_or_default().to_owned(),
            )
        }
    };
    let url_ok = matches!(url::Url::parse(&url), Ok(u) if matches!(u.scheme(), "https" | "http"));
    if payment_id.trim().is_empty() || !url_ok {
        return Err(ProviderFailure::unavailable(P, "unreadable"));
    }
    Ok(Started {
        provider_ref: payment_id,
        redirect_url: url,
    })
}

/// What an execute reply asks of us next.
#[derive(Debug)]
pub(crate) enum Executed {
    /// Final: succeeded or failed for good.
    Done(Outcome),
    /// Not a failure by itself (2062 "already completed", an unclear 0000): query, never
    /// execute again.
    Requery,
    /// 2056 / 2060: the payment was not in a state to execute (the shopper has not
    /// finished): nothing was executed, so no query is needed and the payment stays open.
    Nothing,
    /// No decision (5xx, 9999, config): do not execute again; `check` later or alert.
    Failed(ProviderFailure),
}

/// Execute codes that mean "nothing was executed" (A.12): 2056 invalid payment state,
/// 2060 execution prerequisite not met (the shopper has not finished the page).
const NOT_EXECUTED: [&str; 2] = ["2056", "2060"];

/// An execute reply (A.7) for the payment `ours`.
pub(crate) fn read_execute(status: u16, body: &[u8], ours: &Expect<'_>) -> Executed {
    match head(status, body) {
        Head::Success => {}
        Head::Coded(code) if NOT_EXECUTED.contains(&code.as_str()) => return Executed::Nothing,
        Head::Coded(code) => {
            let c = coded_or_unknown(&code);
            return match (c.action, c.failure.kind) {
                (Action::Requery, _) => Executed::Requery,
                (_, FailureKind::Declined) => Executed::Done(Outcome::Failed(c.failure)),
                _ => Executed::Failed(c.failure),
            };
        }
        Head::Unauthorized => return Executed::Failed(ProviderFailure::config(P, "unauthorized")),
        // A 2xx we cannot read after execute: the money may have moved; ask.
        Head::Failed(_) if (200..300).contains(&status) => return Executed::Requery,
        Head::Failed(f) => return Executed::Failed(as_unknown(f)),
    }
    let Ok(r) = serde_json::from_slice::<ExecuteResponse>(body) else {
        return Executed::Requery;
    };
    if r.transaction_status != TransactionStatus::Completed {
        return Executed::Requery;
    }
    let payer_masked = Msisdn::parse(&r.customer_msisdn).ok().map(|m| m.masked());
    let seen = Seen {
        payment_id: &r.payment_id,
        invoice: Some(&r.merchant_invoice_number),
        amount: &r.amount,
        trx_id: Some(&r.trx_id),
        time: Some(&r.payment_execute_time),
        currency: Some(&r.currency),
    };
    match succeeded(&seen, ours, payer_masked) {
        Ok(outcome) => Executed::Done(outcome),
        Err(f) => Executed::Failed(f),
    }
}

/// A query reply (A.8): `Completed` → succeeded, `Initiated` → pending (bKash shows
/// cancelled, failed and abandoned payments as `Initiated`; our own clock expires them).
pub(crate) fn read_query(status: u16, body: &[u8], ours: &Expect<'_>) -> Result<Outcome, ProviderFailure> {
    match head(status, body) {
        Head::Success => {}
        Head::Coded(code) => {
            let c = coded_or_unknown(&code);
            return match (c.action, c.failure.kind) {
                (Action::Requery, _) => Err(as_unknown(c.failure)),
                (_, FailureKind::Declined) => Ok(Outcome::Failed(c.failure)),
                _ => Err(c.failure),
            };
        }
        Head::Unauthorized => return Err(ProviderFailure::config(P, "unauthorized")),
        Head::Failed(f) => return Err(as_unknown(f)),
    }
    let owned;
    let (status_word, seen) = match serde_json::from_slice::<QueryResponse>(body) {
        Ok(r) => {
            owned = r;
            let seen = Seen {
                payment_id: &owned.payment_id,
                invoice: Some(&owned.merchant_invoice),
                amount: &owned.amount,
                trx_id: owned.trx_id.as_deref(),
                time: owned.payment_execute_time.as_deref(),
                currency: Some(&owned.currency),
            };
            (owned.transaction_status, seen)
        }
        Err(_) => return read_query_loose(body, ours),
    };
    match status_word {
        TransactionStatus::Completed => succeeded(&seen, ours, None),
        TransactionStatus::Initiated | TransactionStatus::Authorized => Ok(Outcome::Pending),
        TransactionStatus::Unknown => Err(ProviderFailure::unavailable(P, "unknown_status")),
    }
}

/// A query reply that shared's `QueryResponse` could not read (a field missing): only the
/// fields that decide are taken.
fn read_query_loose(body: &[u8], ours: &Expect<'_>) -> Result<Outcome, ProviderFailure> {
    let v: Value = serde_json::from_slice(body).map_err(|_| ProviderFailure::unavailable(P, "unreadable"))?;
    match text(&v, "transactionStatus") {
        Some("Completed") => {
            let seen = Seen {
                payment_id: text(&v, "paymentID").unwrap_or_default(),
                invoice: text(&v, "merchantInvoice").or_else(|| text(&v, "merchantInvoiceNumber")),
                amount: text(&v, "amount").unwrap_or_default(),
                trx_id: text(&v, "trxID"),
                time: text(&v, "paymentExecuteTime"),
                currency: text(&v, "currency"),
            };
            succeeded(&seen, ours, None)
        }
        Some("Initiated" | "Authorized") => Ok(Outcome::Pending),
        _ => Err(ProviderFailure::unavailable(P, "unreadable")),
    }
}

/// What we expect a completed payment to show.
pub(crate) struct Expect<'a> {
    pub payment_id: &'a str,
    pub invoice: &'a str,
    pub amount: Money,
}

/// The fields of a completed payment that we check.
struct Seen<'a> {
    payment_id: &'a str,
    invoice: Option<&'a str>,
    amount: &'a str,
    trx_id: Option<&'a str>,
    time: Option<&'a str>,
    /// Must be `BDT` when present (an empty string counts as absent).
    currency: Option<&'a str>,
}

fn succeeded(seen: &Seen<'_>, ours: &Expect<'_>, payer_masked: Option<String>) -> Result<Outcome, ProviderFailure> {
    if !seen.payment_id.is_empty() && seen.payment_id != ours.payment_id {
        return Err(ProviderFailure::mismatch(P, "payment_mismatch"));
    }
    if seen.invoice.is_some_and(|i| !i.is_empty() && i != ours.invoice) {
        return Err(ProviderFailure::mismatch(P, "order_mismatch"));
    }
    if !amounts_match(seen.amount, ours.amount) {
        return Err(ProviderFailure::mismatch(P, "amount_mismatch"));
    }
    if seen
        .currency
        .map(str::trim)
        .is_some_and(|c| !c.is_empty() && c != "BDT")
    {
        return Err(ProviderFailure::mismatch(P, "currency_mismatch"));
    }
    let Some(trx_id) = seen.trx_id.and_then(provider_id) else {
        return Err(ProviderFailure::unavailable(P, "unreadable"));
    };
    let paid_at_ms = seen.time.and_then(DhakaTime::parse).map(DhakaTime::to_unix_millis);
    Ok(Outcome::Succeeded {
        trx_id: trx_id.to_owned(),
        paid_at_ms,
        payer_masked,
    })
}

fn coded_or_unknown(code: &str) -> crate::providers::failure::Coded {
    coded(P, code).unwrap_or(crate::providers::failure::Coded {
        failure: ProviderFailure::unavailable(P, "unreadable"),
        action: Action::Retry,
    })
}

fn coded_failure(code: &str) -> ProviderFailure {
    coded_or_unknown(code).failure
}

/// After execute, "declined" from a 4xx gateway body is still no decision about money.
fn as_unknown(mut f: ProviderFailure) -> ProviderFailure {
    if f.kind == FailureKind::Declined {
        f.kind = FailureKind::Unknown;
        f.retryable = true;
    }
    f
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdpay_shared::errors::ErrorCode;
    use bdpay_shared::ids::PaymentId;

    const EXECUTED: &str = r#"{"statusCode":"0000","statusMessage":"Successful",
 "paymentID":"TR0011aB3xQ9k1732522331412","payerReference":"01770618575",
 "customerMsisdn":"01770618575","trxID":"CKP40QZ7TM","amount":"1250.00",
 "transactionStatus":"Completed","paymentExecuteTime":"2024-11-25T14:07:02:118 GMT+0600",
 "currency":"BDT","intent":"sale","merchantInvoiceNumber":"BDP20241125A0042"}"#;

    const QUERIED: &str = r#"{"statusCode":"0000","statusMessage":"Successful",
 "paymentID":"TR0011aB3xQ9k1732522331412","mode":"0011",
 "paymentCreateTime":"2024-11-25T14:05:31:412 GMT+0600",
 "paymentExecuteTime":"2024-11-25T14:07:02:118 GMT+0600",
 "amount":"1250.00","currency":"BDT","intent":"sale",
 "merchantInvoice":"BDP20241125A0042","trxID":"CKP40QZ7TM",
 "transactionStatus":"Completed","verificationStatus":"Complete",
 "payerReference":"01770618575"}"#;

    fn ours(amount: &str) -> Expect<'static> {
        Expect {
            payment_id: "TR0011aB3xQ9k1732522331412",
            invoice: "BDP20241125A0042",
            amount: Money::parse(amount).unwrap(),
        }
    }

    #[test]
    fn create_body_uses_the_phone_or_the_invoice() {
        let id = PaymentId::from_random([7; 15]);
        let phone = Msisdn::parse("01770618575").unwrap();
        let mut start = Start {
            payment_id: &id,
            amount: Money::parse("1250").unwrap(),
            invoice: "BDP20241125A0042",
            callback_url: "https://edge.example/v1/return/bkash?payment=pay_x",
            customer_phone: Some(&phone),
            shopper_ip: None,
            device: crate::providers::Device::MobileWeb,
            merchant_name: "Demo Shop",
            now_ms: 0,
        };
        let body = serde_json::to_value(create_request(&start)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"mode":"0011","payerReference":"01770618575","callbackURL":"https://edge.example/v1/return/bkash?payment=pay_x",
                "amount":"1250.00","currency":"BDT","intent":"sale","merchantInvoiceNumber":"BDP20241125A0042"})
        );
        start.customer_phone = None;
        assert_eq!(create_request(&start).payer_reference, "BDP20241125A0042");
    }

    #[test]
    fn create_reply_gives_the_page() {
        let body = br#"{"statusCode":"0000","statusMessage":"Successful","paymentID":"TR0011x","bkashURL":"https://sandbox.payment.bkash.com/?paymentId=TR0011x"}"#;
        let s = read_create(200, body).unwrap();
        assert_eq!(
            (s.provider_ref.as_str(), s.redirect_url.as_str()),
            ("TR0011x", "https://sandbox.payment.bkash.com/?paymentId=TR0011x")
        );
        let f = read_create(200, br#"{"statusCode":"2006","statusMessage":"Invalid amount"}"#).unwrap_err();
        assert_eq!(
            (f.kind, f.code, f.provider_code.as_deref()),
            (FailureKind::Declined, ErrorCode::InvalidAmount, Some("2006"))
        );
        assert_eq!(
            read_create(
                200,
                br#"{"statusCode":"0000","paymentID":"x","bkashURL":"javascript:alert(1)"}"#
            )
            .unwrap_err()
            .kind,
            FailureKind::Unknown
        );
        assert_eq!(
            read_create(403, br#"{"message":"Missing Authentication Token"}"#)
                .unwrap_err()
                .kind,
            FailureKind::Config
        );
        assert_eq!(
            read_create(200, br#"{"statusCode":"2001","statusMessage":"Invalid App Key"}"#)
                .unwrap_err()
                .kind,
            FailureKind::Config
        );
    }

    #[test]
    fn execute_completed_succeeds_with_the_trx_id_and_a_masked_payer() {
        let Executed::Done(Outcome::Succeeded {
            trx_id,
            paid_at_ms,
            payer_masked,
        }) = read_execute(200, EXECUTED.as_bytes(), &ours("1250"))
        else {
            panic!("not succeeded")
        };
        assert_eq!(trx_id, "CKP40QZ7TM");
        assert_eq!(paid_at_ms, Some(1_732_522_022_118));
        assert_eq!(payer_masked.as_deref(), Some("01XX8575"));
    }

    #[test]
    fn execute_amount_mismatch_needs_a_person() {
        let Executed::Failed(f) = read_execute(200, EXECUTED.as_bytes(), &ours("1250.01")) else {
            panic!()
        };
        assert_eq!(
            (f.kind, f.provider_code.as_deref(), f.retryable),
            (FailureKind::Mismatch, Some("amount_mismatch"), false)
        );
        let other_invoice = EXECUTED.replace("BDP20241125A0042", "BDP20241125A0043");
        let Executed::Failed(f) = read_execute(200, other_invoice.as_bytes(), &ours("1250")) else {
            panic!()
        };
        assert_eq!(f.provider_code.as_deref(), Some("order_mismatch"));
    }

    #[test]
    fn another_currency_is_a_mismatch_on_execute_and_query() {
        let usd = EXECUTED.replace(r#""currency":"BDT""#, r#""currency":"USD""#);
        let Executed::Failed(f) = read_execute(200, usd.as_bytes(), &ours("1250")) else {
            panic!()
        };
        assert_eq!(
            (f.kind, f.provider_code.as_deref()),
            (FailureKind::Mismatch, Some("currency_mismatch"))
        );
        let usd = QUERIED.replace(r#""currency":"BDT""#, r#""currency":"USD""#);
        let f = read_query(200, usd.as_bytes(), &ours("1250")).unwrap_err();
        assert_eq!(
            (f.kind, f.provider_code.as_deref()),
            (FailureKind::Mismatch, Some("currency_mismatch"))
        );
        let sparse = r#"{"statusCode":"0000","paymentID":"TR0011aB3xQ9k1732522331412","amount":"1250.00","trxID":"CKP40QZ7TM","transactionStatus":"Completed","currency":"usd"}"#;
        assert_eq!(
            read_query(200, sparse.as_bytes(), &ours("1250"))
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("currency_mismatch")
        );
    }

    #[test]
    fn long_trx_ids_up_to_64_are_read_and_longer_ones_are_not() {
        for len in [17, 40, 64] {
            let trx = "T".repeat(len);
            let body = EXECUTED.replace("CKP40QZ7TM", &trx);
            let Executed::Done(Outcome::Succeeded { trx_id, .. }) = read_execute(200, body.as_bytes(), &ours("1250"))
            else {
                panic!("{len}")
            };
            assert_eq!(trx_id, trx);
            let body = QUERIED.replace("CKP40QZ7TM", &trx);
            assert!(matches!(
                read_query(200, body.as_bytes(), &ours("1250")),
                Ok(Outcome::Succeeded { .. })
            ));
        }
        for bad in ["T".repeat(65), "CKP40 QZ7TM".into(), "CKP<40>".into()] {
            let body = QUERIED.replace("CKP40QZ7TM", &bad);
            assert_eq!(
                read_query(200, body.as_bytes(), &ours("1250")).unwrap_err().kind,
                FailureKind::Unknown,
                "{bad}"
            );
        }
    }

    #[test]
    fn not_in_a_state_to_execute_means_nothing_was_executed() {
        for code in ["2056", "2060"] {
            let body = format!(r#"{{"statusCode":"{code}","statusMessage":"x"}}"#);
            assert!(
                matches!(read_execute(200, body.as_bytes(), &ours("1250")), Executed::Nothing),
                "{code}"
            );
            let old = format!(r#"{{"errorCode":"{code}","errorMessage":"x"}}"#);
            assert!(matches!(
                read_execute(200, old.as_bytes(), &ours("1250")),
                Executed::Nothing
            ));
        }
    }

    #[test]
    fn an_invalid_app_token_is_refused_like_a_401() {
        assert!(token_refused(401, br#"{"message":"Unauthorized"}"#));
        assert!(token_refused(
            200,
            br#"{"statusCode":"2079","statusMessage":"Invalid app Token"}"#
        ));
        assert!(token_refused(
            200,
            br#"{"errorCode":"2079","errorMessage":"Invalid app Token"}"#
        ));
        assert!(!token_refused(
            200,
            br#"{"statusCode":"2001","statusMessage":"Invalid App Key"}"#
        ));
        assert!(!token_refused(200, EXECUTED.as_bytes()));
        assert!(!token_refused(503, br#"{"statusCode":"2079"}"#));
    }

    #[test]
    fn already_completed_and_state_codes_requery() {
        for code in ["2062", "2117", "2068"] {
            let body = format!(r#"{{"statusCode":"{code}","statusMessage":"x"}}"#);
            assert!(
                matches!(read_execute(200, body.as_bytes(), &ours("1250")), Executed::Requery),
                "{code}"
            );
        }
        let unclear = EXECUTED.replace("Completed", "Initiated");
        assert!(matches!(
            read_execute(200, unclear.as_bytes(), &ours("1250")),
            Executed::Requery
        ));
        assert!(matches!(
            read_execute(200, br#"{"statusCode":"0000"}"#, &ours("1250")),
            Executed::Requery
        ));
        assert!(
            matches!(read_execute(200, b"<html>", &ours("1250")), Executed::Requery),
            "unreadable 200: ask"
        );
    }

    #[test]
    fn shopper_refusals_fail_the_payment() {
        for (code, want) in [
            ("2023", ErrorCode::InsufficientBalance),
            ("2037", ErrorCode::WalletBlocked),
            ("2029", ErrorCode::DuplicateTransaction),
        ] {
            let body = format!(r#"{{"statusCode":"{code}","statusMessage":"x"}}"#);
            let Executed::Done(Outcome::Failed(f)) = read_execute(200, body.as_bytes(), &ours("1250")) else {
                panic!("{code}")
            };
            assert_eq!(
                (f.kind, f.code, f.provider_code.as_deref()),
                (FailureKind::Declined, want, Some(code))
            );
        }
        let old = br#"{"errorCode":"2023","errorMessage":"Insufficient Balance"}"#;
        assert!(matches!(
            read_execute(200, old, &ours("1250")),
            Executed::Done(Outcome::Failed(_))
        ));
    }

    #[test]
    fn faults_on_execute_are_unknown_never_final() {
        for (status, body) in [
            (200, &br#"{"statusCode":"9999","statusMessage":"System Error"}"#[..]),
            (503, b"oops"),
            (502, br#"{"message":"Bad Gateway"}"#),
            (429, br#"{"message":"Too Many Requests"}"#),
        ] {
            let Executed::Failed(f) = read_execute(status, body, &ours("1250")) else {
                panic!("{status}")
            };
            assert_eq!(f.kind, FailureKind::Unknown, "{status}");
            assert!(f.retryable);
        }
        let Executed::Failed(f) = read_execute(400, br#"{"message":"Invalid request body"}"#, &ours("1250")) else {
            panic!()
        };
        assert_eq!(
            f.kind,
            FailureKind::Unknown,
            "a gateway 400 after execute decides nothing"
        );
        assert!(matches!(
            head(401, br#"{"message":"Unauthorized"}"#),
            Head::Unauthorized
        ));
    }

    #[test]
    fn query_reads_completed_initiated_and_variants() {
        let Ok(Outcome::Succeeded {
            trx_id, payer_masked, ..
        }) = read_query(200, QUERIED.as_bytes(), &ours("1250.00"))
        else {
            panic!()
        };
        assert_eq!((trx_id.as_str(), payer_masked), ("CKP40QZ7TM", None));
        let echoed = QUERIED.replace(r#""amount":"1250.00""#, r#""amount":"1250""#);
        assert!(
            matches!(
                read_query(200, echoed.as_bytes(), &ours("1250")),
                Ok(Outcome::Succeeded { .. })
            ),
            "15 == 15.00"
        );
        let initiated = r#"{"statusCode":"0000","statusMessage":"Successful","paymentID":"TR0011aB3xQ9k1732522331412","mode":"0011",
 "paymentCreateTime":"t","amount":"1250","currency":"BDT","intent":"sale","merchantInvoiceNumber":"BDP20241125A0042",
 "transactionStatus":"Initiated","userVerificationStatus":"Incomplete"}"#;
        assert!(matches!(
            read_query(200, initiated.as_bytes(), &ours("1250")),
            Ok(Outcome::Pending)
        ));
        let sparse = r#"{"statusCode":"0000","paymentID":"TR0011aB3xQ9k1732522331412","amount":"1250.00","trxID":"CKP40QZ7TM","transactionStatus":"Completed"}"#;
        assert!(
            matches!(
                read_query(200, sparse.as_bytes(), &ours("1250")),
                Ok(Outcome::Succeeded { .. })
            ),
            "a missing field is tolerated"
        );
        let wrong = QUERIED.replace("1250.00", "1.00");
        assert_eq!(
            read_query(200, wrong.as_bytes(), &ours("1250"))
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("amount_mismatch")
        );
        assert!(matches!(
            read_query(
                200,
                br#"{"statusCode":"2002","statusMessage":"Invalid Payment ID"}"#,
                &ours("1250")
            ),
            Ok(Outcome::Failed(_))
        ));
        assert_eq!(
            read_query(504, b"", &ours("1250"))
                .unwrap_err()
                .provider_code
                .as_deref(),
            Some("http_504")
        );
    }
}
