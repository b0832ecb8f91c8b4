//! A payment's outcome (B.6): written once, then the browser's GET redirect to
//! `merchantCallbackURL`, the ledger entry, and the server-to-server hint (B.9 [our choice]).

use bdpay_shared::provider::Provider;
use bdpay_shared::wire::nagad::{status_code, PaymentStatus, Redirect};
use bdpay_shared::wire::time::DhakaTime;
use serde_json::json;

use super::record;
use super::store::Payment;
use crate::faults::Injected;
use crate::ledger::Record;
use crate::Shared;

/// What the caller does once the lock is released: record, hint, redirect.
pub struct Done {
    pub redirect: Redirect,
    pub callback_url: String,
    record: Record,
}

/// Writes the outcome on `p` (which must still be on the page). `trx` is the issuer
/// reference of a success.
pub fn finish(p: &mut Payment, status: PaymentStatus, code: &str, now_ms: i64, trx: Option<String>) -> Done {
    p.status = status;
    p.status_code = Some(code.to_owned());
    if p.status == PaymentStatus::Success {
        p.issuer_ref = trx;
        p.issuer_ms = Some(now_ms);
    }
    done(p)
}

/// The redirect and ledger entry for `p`'s (already written) outcome.
pub fn done(p: &Payment) -> Done {
    let code = p.status_code.clone().unwrap_or_else(|| status_code::ABORTED.to_owned());
    let success = p.status == PaymentStatus::Success;
    let redirect = Redirect {
        merchant: p.merchant_id.clone(),
        order_id: p.order_id.clone(),
        payment_ref_id: p.reference.clone(),
        status: p.status.clone(),
        message: Some(status_code::message(&code).unwrap_or("Transaction failed").to_owned()),
        status_code: Some(code.clone()),
        payment_dt: p
            .issuer_ms
            .filter(|_| success)
            .map(|ms| DhakaTime::from_unix_millis(ms).compact()),
        issuer_payment_ref: p.issuer_ref.clone().filter(|_| success),
    };
    let record = Record {
        op: "payment",
        reference: Some(p.reference.clone()),
        trx_id: redirect.issuer_payment_ref.clone(),
        amount: p.amount.filter(|_| success).map(|m| m.to_string()),
        outcome: code,
        detail: Some(json!({
            "status": p.status.as_str(),
            "orderId": p.order_id,
            "wallet": p.wallet.map(|w| w.masked()),
        })),
    };
    Done {
        redirect,
        callback_url: p.callback_url.clone().unwrap_or_default(),
        record,
    }
}

/// Records the outcome, sends the hint, and answers the browser's next URL.
pub fn announce(s: &Shared, done: Done) -> String {
    record(s, done.record);
    let pairs = done.redirect.pairs();
    if let Some(base) = s.config.nagad_ipn_url.as_deref() {
        send_hint(s, with_query(base, &pairs), done.redirect.payment_ref_id.clone());
    }
    with_query(&done.callback_url, &pairs)
}

/// B.9 [our choice]: GET `Config::nagad_ipn_url` with the redirect's parameters, as if the
/// shopper's browser came back. Faults (op `ipn`): drop, duplicate; any other fault drops it.
fn send_hint(s: &Shared, url: String, reference: String) {
    let s = s.clone();
    tokio::spawn(async move {
        let times = match s.faults.enter(Provider::Nagad, "ipn", s.config.hang).await {
            None => 1,
            Some(Injected::WebhookDuplicate) => 2,
            Some(_) => 0,
        };
        if times == 0 {
            record(
                &s,
                Record {
                    op: "ipn",
                    reference: Some(reference.clone()),
                    outcome: "dropped".into(),
                    ..Record::default()
                },
            );
        }
        for _ in 0..times {
            let outcome = match s.http.get(&url).send().await {
                Ok(r) => r.status().as_u16().to_string(),
                Err(_) => "unreachable".to_owned(),
            };
            record(
                &s,
                Record {
                    op: "ipn",
                    reference: Some(reference.clone()),
                    outcome,
                    ..Record::default()
                },
            );
        }
    });
}

/// After `Config::nagad_page_ttl`, a payment still on the page is `Aborted` and announced
/// (verify and the page also expire it lazily, so a moved clock is honoured at once).
pub fn schedule_expiry(s: &Shared, reference: &str) {
    let (s, reference) = (s.clone(), reference.to_owned());
    tokio::spawn(async move {
        tokio::time::sleep(s.config.nagad_page_ttl).await;
        expire(&s, &reference);
    });
}

/// Expires `reference` if due; announces it when this call made the change.
pub fn expire(s: &Shared, reference: &str) {
    let now = s.clock.now_ms();
    let done = {
        let mut inner = s.nagad.lock();
        inner
            .payments
            .get_mut(reference)
            .and_then(|p| p.expire_if_due(now).then(|| done(p)))
    };
    if let Some(d) = done {
        announce(s, d);
    }
}

/// Appends `pairs` to `url`'s query (`&` if it already has one, B.12), before any `#fragment`.
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = String::with_capacity(base.len() + 200);
    out.push_str(base);
    let mut sep = if base.contains('?') {
        if base.ends_with(['?', '&']) {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    for (k, v) in pairs {
        out.push_str(sep);
        push_encoded(&mut out, k);
        out.push('=');
        push_encoded(&mut out, v);
        sep = "&";
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn push_encoded(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_appended_with_the_right_separator() {
        let pairs = [("status", "Aborted"), ("payment_ref_id", "MTE=")];
        assert_eq!(
            with_query("https://e.x/r", &pairs),
            "https://e.x/r?status=Aborted&payment_ref_id=MTE%3D"
        );
        assert_eq!(
            with_query("https://e.x/r?a=1", &pairs),
            "https://e.x/r?a=1&status=Aborted&payment_ref_id=MTE%3D"
        );
        assert_eq!(
            with_query("https://e.x/r?", &pairs[..1]),
            "https://e.x/r?status=Aborted"
        );
        assert_eq!(
            with_query("https://e.x/r#top", &pairs[..1]),
            "https://e.x/r?status=Aborted#top"
        );
        assert_eq!(
            with_query("https://e.x/", &[("message", "E Com Trx Failed.")]),
            "https://e.x/?message=E%20Com%20Trx%20Failed."
        );
    }
}
