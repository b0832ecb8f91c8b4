//! bKash and Nagad replies, any HTTP status and any body (edge `providers/bkash/interpret.rs`,
//! `providers/nagad/interpret.rs` through `bdpay_edge::fuzzing`): never panics; a non-2xx
//! reply never reads as money moved; what reaches logs and the ledger (provider codes,
//! transaction ids, payer numbers) stays short, plain and masked.
#![no_main]

use bdpay_edge::fuzzing::{self as edge, Ours, Read};
use bdpay_shared::money::Money;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&[hi, lo, pick], body)) = data.split_first_chunk::<3>() else {
        return;
    };
    // Mostly the statuses providers send, sometimes any u16.
    let status = match hi {
        0..=199 => [200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504][usize::from(lo) % 14],
        _ => u16::from_be_bytes([hi, lo]),
    };
    let Ok(amount) = Money::parse("1250.00") else {
        return;
    };
    let bkash = Ours {
        provider_ref: "TR0011aB3xQ9k1732522331412",
        invoice: "BDP20241125A0042",
        amount,
    };
    let nagad = Ours {
        provider_ref: "MTEyNTE0MDE=",
        invoice: "BDP20241125A0042",
        amount,
    };
    match pick % 8 {
        0 => {
            let _ = edge::bkash_head(status, body); // its Coded(..) is the raw code: not checked
        }
        1 => started(status, &edge::bkash_create(status, body)),
        2 => outcome(status, &edge::bkash_execute(status, body, bkash)),
        3 => outcome(status, &edge::bkash_query(status, body, bkash)),
        4 => started(status, &edge::nagad_complete(status, body)),
        5 => outcome(status, &edge::nagad_verify(status, body, nagad)),
        6 => logged(&edge::nagad_error(status, body)),
        _ => path_segment(body),
    }
});

/// A provider code, transaction id or masked number as it is logged: a short plain word.
fn plain_word(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

fn logged(read: &Read) {
    if let Some(code) = &read.provider_code {
        assert!(plain_word(code, 24), "provider code {code:?} would reach a log");
    }
}

fn outcome(status: u16, read: &Read) {
    logged(read);
    if read.word != "succeeded" {
        assert!(read.trx_id.is_none() && read.payer_masked.is_none(), "{read:?}");
        return;
    }
    assert!(
        (200..300).contains(&status),
        "HTTP {status} read as a succeeded payment"
    );
    let trx = read.trx_id.as_deref().unwrap_or_default();
    assert!(plain_word(trx, 16), "transaction id {trx:?}");
    if let Some(m) = &read.payer_masked {
        let digits = m.chars().filter(char::is_ascii_digit).count();
        assert!(
            m.starts_with("01XX") && digits <= 6 && m.len() == 8,
            "payer shown as {m:?}"
        );
    }
}

fn started(status: u16, read: &Read) {
    logged(read);
    if read.word == "ok" {
        assert!((200..300).contains(&status), "HTTP {status} read as started");
        let to = read.value.as_deref().unwrap_or_default();
        let parsed = url::Url::parse(to);
        assert!(
            parsed.is_ok_and(|u| matches!(u.scheme(), "https" | "http")),
            "the shopper would be sent to {to:?}"
        );
    }
}

fn path_segment(body: &[u8]) {
    let Ok(reference) = std::str::from_utf8(body) else {
        return;
    };
    let Some(segment) = edge::nagad_path_segment(reference) else {
        return;
    };
    assert!(
        segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"=-_%".contains(&b)),
        "{segment:?} would change the path"
    );
    assert_eq!(segment.replace("%2F", "/").replace("%2B", "+"), reference.trim());
}
