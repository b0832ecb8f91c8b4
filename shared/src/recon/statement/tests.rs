//! Statements as the sandbox exports them, reordered, with wallets, and broken line by line.

use proptest::prelude::*;

use super::*;
use crate::wire::time::DhakaTime;

const BKASH: &str = "type,trx_id,payment_id,invoice,amount,fee,net,settlement_date,completed_time,original_trx_id\r\n\
payment,9KQ2X7PL0A,TR0011abcDEF1732521931412,INV-1001,1250.00,23.13,1226.87,2024-11-26,2024-11-25T14:07:02:118 GMT+0600,\r\n\
refund,7ZZ1RF00QA,TR0011abcDEF1732521931412,INV-1001,-250.00,0.00,-250.00,2024-11-26,2024-11-25T16:10:00:000 GMT+0600,9KQ2X7PL0A\r\n";

const NAGAD: &str = "type,trx_id,payment_ref_id,order_id,issuer_payment_ref,merchant_reference,amount,fee,net,time,settlement_date\r\n\
payment,0001AZ09,MDC1125140531412ABCD,ORD1001,0001AZ09,,1250.00,18.75,1231.25,2024-11-25 14:07:02,2024-11-26\r\n\
refund,0002CN01,MDC1125140531412ABCD,ORD1001,0001AZ09,abc123def456ghi789jk,-250.00,0.00,-250.00,2024-11-25 16:10:00,2024-11-26\r\n";

fn ms(s: &str) -> i64 {
    DhakaTime::parse(s).map(DhakaTime::to_unix_millis).unwrap()
}

fn error(provider: Provider, text: &str) -> StatementError {
    parse(provider, text).unwrap_err()
}

#[test]
fn reads_a_bkash_statement_as_the_sandbox_writes_it() {
    let lines = parse(Provider::Bkash, BKASH).unwrap();
    assert_eq!(
        lines,
        [
            StatementLine {
                line: 2,
                kind: EntryKind::Payment,
                trx_id: Some("9KQ2X7PL0A".into()),
                reference: Some("TR0011abcDEF1732521931412".into()),
                invoice: Some("INV-1001".into()),
                original_trx_id: None,
                amount: 125_000,
                fee: 2_313,
                at_ms: ms("2024-11-25T14:07:02:118 GMT+0600"),
                wallet_last4: None,
            },
            StatementLine {
                line: 3,
                kind: EntryKind::Refund,
                trx_id: Some("7ZZ1RF00QA".into()),
                reference: Some("TR0011abcDEF1732521931412".into()),
                invoice: Some("INV-1001".into()),
                original_trx_id: Some("9KQ2X7PL0A".into()),
                amount: 25_000,
                fee: 0,
                at_ms: ms("2024-11-25 16:10:00"),
                wallet_last4: None,
            },
        ]
    );
    assert_eq!(lines.first().map(|l| l.at_ms), Some(1_732_522_022_118));
}

#[test]
fn reads_a_nagad_statement_as_the_sandbox_writes_it() {
    let lines = parse(Provider::Nagad, NAGAD).unwrap();
    let [payment, refund] = lines.as_slice() else {
        panic!("{lines:?}")
    };
    assert_eq!(
        (payment.line, payment.kind, payment.amount, payment.fee),
        (2, EntryKind::Payment, 125_000, 1_875)
    );
    assert_eq!(payment.trx_id.as_deref(), Some("0001AZ09"));
    assert_eq!(payment.reference.as_deref(), Some("MDC1125140531412ABCD"));
    assert_eq!(payment.invoice.as_deref(), Some("ORD1001"));
    assert_eq!(
        (payment.original_trx_id.as_deref(), payment.at_ms),
        (None, ms("2024-11-25 14:07:02"))
    );
    assert_eq!((refund.kind, refund.amount, refund.fee), (EntryKind::Refund, 25_000, 0));
    assert_eq!(refund.trx_id.as_deref(), Some("0002CN01"));
    assert_eq!(refund.original_trx_id.as_deref(), Some("0001AZ09"));
    // A payment's issuer reference stands in for a blank trx_id.
    let blank = NAGAD.replacen("payment,0001AZ09,", "payment,,", 1);
    let lines = parse(Provider::Nagad, &blank).unwrap();
    assert_eq!(lines.first().and_then(|l| l.trx_id.as_deref()), Some("0001AZ09"));
}

#[test]
fn columns_may_come_in_any_order_with_a_wallet_anywhere() {
    let text = "wallet,completed_time,original_trx_id,net,amount,fee,type,invoice,settlement_date,payment_id,trx_id\n\
01XX4567,2024-11-25T14:07:02:118 GMT+0600,,1226.87,1250.00,23.13,payment,\"INV,1001\",2024-11-26,P1,T1\n\
,2024-11-25T15:00:00:000 GMT+0600,,100.00,100.00,0.00,payment,,,P2,\n\n\n";
    let lines = parse(Provider::Bkash, text).unwrap();
    let [a, b] = lines.as_slice() else { panic!("{lines:?}") };
    assert_eq!(
        (a.wallet_last4.as_deref(), a.invoice.as_deref(), a.amount),
        (Some("4567"), Some("INV,1001"), 125_000)
    );
    assert_eq!(
        (
            b.line,
            b.wallet_last4.as_deref(),
            b.trx_id.as_deref(),
            b.invoice.as_deref()
        ),
        (3, None, None, None)
    );
    let nagad = NAGAD
        .replace("settlement_date\r\n", "settlement_date,wallet\r\n")
        .replace("2024-11-26\r\n", "2024-11-26,01XX0042\r\n");
    let lines = parse(Provider::Nagad, &nagad).unwrap();
    assert!(lines.iter().all(|l| l.wallet_last4.as_deref() == Some("0042")));
}

#[test]
fn blank_lines_and_a_byte_order_mark_are_fine_and_lines_keep_their_numbers() {
    let text = format!(
        "\u{feff}{}\r\n\r\n,,,,,,,,,\r\n",
        BKASH.replace("\r\nrefund", "\r\n\r\nrefund")
    );
    let lines = parse(Provider::Bkash, &text).unwrap();
    assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 4]);
    let broken = BKASH
        .replace("\r\nrefund", "\r\n\r\nrefund")
        .replace("-250.00,0.00", "-250.00,x");
    assert_eq!(error(Provider::Bkash, &broken).line, 4);
}

#[test]
fn a_header_that_is_not_the_providers_is_refused_on_line_1() {
    let e = error(Provider::Bkash, NAGAD);
    assert_eq!(
        e.to_string(),
        "line 1: unknown column layout: this is a Nagad statement header, expected bKash"
    );
    let e = error(Provider::Nagad, BKASH);
    assert_eq!((e.line, e.message.contains("this is a bKash statement")), (1, true));
    let extra = BKASH.replacen("original_trx_id", "original_trx_id,customer_msisdn", 1);
    let e = error(Provider::Bkash, &extra);
    assert_eq!(
        e.to_string(),
        "line 1: unknown column layout: column \"customer_msisdn\" is not in a bKash statement"
    );
    let e = error(Provider::Bkash, &BKASH.replacen("fee,", "", 1));
    assert_eq!(e.to_string(), "line 1: unknown column layout: missing column \"fee\"");
    let e = error(Provider::Bkash, &BKASH.replacen("fee,", "fee,fee,", 1));
    assert_eq!(
        e.to_string(),
        "line 1: unknown column layout: column \"fee\" appears twice"
    );
    for empty in ["", "\r\n\r\n", "\u{feff}"] {
        assert_eq!(
            error(Provider::Nagad, empty).to_string(),
            "line 1: the statement is empty: no header line"
        );
    }
    assert!(parse(
        Provider::Nagad,
        "type,trx_id,payment_ref_id,order_id,issuer_payment_ref,merchant_reference,amount,fee,net,time,settlement_date"
    )
    .unwrap()
    .is_empty());
}

#[test]
fn each_bad_field_is_named_with_its_line_and_value() {
    let payment = BKASH.lines().nth(1).unwrap();
    let cases = [
        ("1250.00,23.13", "1,250.00,23.13", "expected 10 fields as in the header, found 11"),
        ("1250.00,", "1250.005,", "amount \"1250.005\" is not an amount such as 1250.00 (amount has more than 2 decimal places)"),
        ("23.13,", "23.1a,", "fee \"23.1a\" is not an amount"),
        ("payment,", "chargeback,", "type \"chargeback\" is not payment or refund"),
        ("1250.00,23.13,1226.87", "-1250.00,23.13,-1273.13", "amount \"-1250.00\" is negative on a payment"),
        ("1250.00,23.13,1226.87", "0.00,0.00,0.00", "amount \"0.00\" must not be zero"),
        ("23.13,1226.87", "-1.00,1251.00", "fee \"-1.00\" is negative"),
        ("1226.87", "1226.88", "net \"1226.88\" is not amount minus fee (1226.87)"),
        ("2024-11-26", "26/11/2024", "settlement_date \"26/11/2024\" is not a date such as 2024-11-26"),
        (":118 GMT+0600", ":118 GMT+0000", "completed_time \"2024-11-25T14:07:02:118 GMT+0000\" is not a Dhaka time such as 2024-11-25T14:07:02:118 GMT+0600"),
    ];
    for (from, to, want) in cases {
        let e = error(
            Provider::Bkash,
            &BKASH.replacen(payment, &payment.replacen(from, to, 1), 1),
        );
        assert_eq!(e.line, 2, "{to}");
        assert!(e.message.starts_with(want), "{} does not start with {want}", e.message);
        assert!(e.to_string().starts_with("line 2: "));
    }
    let wallet = NAGAD
        .replace("settlement_date\r\n", "settlement_date,wallet\r\n")
        .replacen("2024-11-26\r\n", "2024-11-26,\r\n", 1)
        .replacen("2024-11-26\r\n", "2024-11-26,01XX42\r\n", 1);
    let e = error(Provider::Nagad, &wallet);
    assert_eq!(
        e.to_string(),
        "line 3: wallet \"01XX42\" is not a masked wallet such as 01XX4567"
    );
    let e = error(
        Provider::Nagad,
        &NAGAD.replace("2024-11-25 16:10:00", "2024-11-25 25:10:00"),
    );
    assert_eq!(
        e.to_string(),
        "line 3: time \"2024-11-25 25:10:00\" is not a Dhaka time such as 2024-11-25 14:07:02"
    );
}

#[test]
fn more_lines_than_the_cap_are_refused() {
    let body = BKASH.lines().nth(1).unwrap();
    let text = format!("{}\n{}", BKASH.lines().next().unwrap(), format!("{body}\n").repeat(4));
    assert_eq!(parse_at_most(Provider::Bkash, &text, 4).map(|l| l.len()), Ok(4));
    let e = parse_at_most(Provider::Bkash, &text, 3).unwrap_err();
    assert_eq!(e.to_string(), "line 5: the statement has more than 3 lines");
    assert_eq!(MAX_LINES, 2_000_000);
}

proptest! {
    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}", nagad in any::<bool>()) {
        let provider = if nagad { Provider::Nagad } else { Provider::Bkash };
        let _ = parse(provider, &text);
        let _ = parse(provider, &format!("{}{text}", BKASH));
    }

    #[test]
    fn amounts_round_trip_through_the_file(poisha in 1i64..99_999_999_999, fee_bp in 0i64..500, refund in any::<bool>()) {
        let fee = if refund { 0 } else { poisha * fee_bp / 10_000 };
        let signed = if refund { -poisha } else { poisha };
        let row = format!(
            "{},T,P,I,{},{},{},2024-11-26,2024-11-25T14:07:02:118 GMT+0600,",
            if refund { "refund" } else { "payment" },
            fields::taka(signed),
            fields::taka(fee),
            fields::taka(signed - fee),
        );
        let header = BKASH.lines().next().unwrap_or("");
        let lines = parse(Provider::Bkash, &format!("{header}\n{row}\n")).unwrap();
        prop_assert_eq!(lines.first().map(|l| (l.amount, l.fee)), Some((poisha, fee)));
    }
}
