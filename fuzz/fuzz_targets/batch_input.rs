//! Refund batch bodies, CSV or JSON (edge `batch/input.rs` through `bdpay_edge::fuzzing`):
//! never panics, and every line comes back numbered, either invalid with an error or queued
//! with exactly one valid target, a positive amount and a clean reason; CSV records written
//! back quoted read back the same.
#![no_main]

use bdpay_edge::fuzzing::{batch_parse, csv_records, MAX_BATCH_LINES};
use bdpay_shared::ids::{OrderId, PaymentId};
use libfuzzer_sys::fuzz_target;

const TYPES: [&str; 5] = [
    "text/csv",
    "application/json",
    "text/csv; charset=utf-8",
    "Application/JSON; charset=UTF-8",
    "text/plain",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, raw)) = data.split_first() else {
        return;
    };
    let content_type = TYPES[usize::from(pick) % TYPES.len()];
    if let Ok(text) = std::str::from_utf8(raw) {
        // The records, written back with every field quoted, read back the same.
        let records = csv_records(text);
        let mut written = String::new();
        for r in &records {
            let fields: Vec<String> = r.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
            written.push_str(&fields.join(","));
            written.push_str("\r\n");
        }
        assert_eq!(csv_records(&written), records, "{written:?}");
    }
    let Some(lines) = batch_parse(content_type, raw) else {
        return;
    };
    assert!(!lines.is_empty() && lines.len() <= MAX_BATCH_LINES);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(usize::try_from(l.line).ok(), Some(i + 1), "lines are numbered from 1");
        match l.state {
            "invalid" => {
                assert!(
                    l.error_code.is_some() && l.payment_id.is_none() && l.order_id.is_none(),
                    "{l:?}"
                );
            }
            "queued" => {
                assert!(l.error_code.is_none(), "{l:?}");
                match (&l.payment_id, &l.order_id) {
                    (Some(p), None) => assert!(PaymentId::parse(p).is_ok(), "{l:?}"),
                    (None, Some(o)) => assert!(OrderId::parse(o).is_ok(), "{l:?}"),
                    _ => panic!("a queued line needs exactly one target: {l:?}"),
                }
                assert!(l.amount.is_none_or(|m| !m.is_zero()), "{l:?}");
                if let Some(r) = &l.reason {
                    assert!(!r.is_empty() && r.trim() == r, "{l:?}");
                    assert!(r.chars().count() <= 255 && !r.chars().any(char::is_control), "{l:?}");
                }
            }
            other => panic!("a fresh batch line is {other:?}"),
        }
    }
});
