//! The bulk-credit file read back by a small parser of our own layout: every record 160 ASCII
//! characters, the fields where docs/beftn.md puts them, and a trailer equal to the credits.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::layout::{Field, Fill, DETAIL, HEADER, LAYOUT_ID, RECORD_WIDTH, TRAILER};
use super::*;
use crate::settlement::Date;

/// One record's fields by name: texts without their padding, numbers as digits.
type Record = BTreeMap<&'static str, String>;

struct Parsed {
    header: Record,
    details: Vec<Record>,
    trailer: Record,
}

fn read_record(line: &str, fields: &[Field]) -> Record {
    fields
        .iter()
        .map(|f| {
            let raw = &line[f.start - 1..f.start - 1 + f.width];
            let value = match f.fill {
                Fill::Text => raw.trim_end().to_owned(),
                Fill::Number => {
                    assert!(raw.bytes().all(|b| b.is_ascii_digit()), "{}: {raw:?}", f.name);
                    raw.to_owned()
                }
            };
            (f.name, value)
        })
        .collect()
}

/// Reads a file back, checking the shape every record must have.
fn parse(text: &str) -> Parsed {
    assert!(text.ends_with("\r\n"));
    let lines: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
    for line in &lines {
        assert_eq!(line.len(), RECORD_WIDTH, "{line:?}");
        assert!(line.bytes().all(|b| (0x20..0x7f).contains(&b)), "{line:?}");
    }
    let (first, rest) = lines.split_first().unwrap();
    let (last, middle) = rest.split_last().unwrap();
    assert!(first.starts_with('H') && last.starts_with('T'));
    assert!(middle.iter().all(|l| l.starts_with('D')));
    Parsed {
        header: read_record(first, &HEADER),
        details: middle.iter().map(|l| read_record(l, &DETAIL)).collect(),
        trailer: read_record(last, &TRAILER),
    }
}

fn num(r: &Record, name: &str) -> u64 {
    r[name].parse().unwrap()
}

fn originator() -> Originator {
    Originator {
        company_name: "bdpay Technologies Ltd.".into(),
        company_id: "BDPAY01".into(),
        account_number: "1051100012345".into(),
        routing_number: "090260434".into(),
    }
}

fn credit(payee: &str, name: &str, routing: &str, amount: i64) -> Credit {
    Credit {
        payee_id: payee.into(),
        name: name.into(),
        account_number: "0012345678901".into(),
        routing_number: routing.into(),
        amount,
        reference: "Settlement 2026-12-06 bKash".into(),
    }
}

fn credits() -> Vec<Credit> {
    vec![
        credit("pye_0000000000000000000000a1", "Rahim Traders", "225150135", 1_250_050),
        credit("pye_0000000000000000000000b2", "Café Déjà-vu", "047271571", 99),
        credit(
            "pye_0000000000000000000000c3",
            "Karim Uddin (করিম)",
            "140581184",
            500_000_000,
        ),
    ]
}

fn value_date() -> Date {
    Date::parse("2026-12-07").unwrap()
}

#[test]
fn the_file_reads_back_and_its_trailer_equals_the_credits() {
    let credits = credits();
    let text = file(&originator(), value_date(), "stl-20261206-bkash", &credits).unwrap();
    let p = parse(&text);

    assert_eq!(p.header["layout_id"], LAYOUT_ID);
    assert_eq!(p.header["value_date"], "20261207");
    assert_eq!(p.header["batch_id"], "stl-20261206-bkash");
    assert_eq!(p.header["company_name"], "BDPAY TECHNOLOGIES LTD.");
    assert_eq!(p.header["company_id"], "BDPAY01");
    assert_eq!(p.header["routing_number"], "090260434");
    assert_eq!(p.header["account_number"], "1051100012345");

    assert_eq!(p.details.len(), credits.len());
    for (i, (d, c)) in p.details.iter().zip(&credits).enumerate() {
        assert_eq!(num(d, "sequence"), i as u64 + 1);
        assert_eq!(d["payee_id"], c.payee_id);
        assert_eq!(d["routing_number"], c.routing_number);
        assert_eq!(d["account_number"], c.account_number);
        assert_eq!(num(d, "amount"), c.amount as u64);
        assert_eq!(d["reference"], "SETTLEMENT 2026-12-06 BKASH");
        assert_eq!(d["reserved"], "");
    }
    let names: Vec<_> = p.details.iter().map(|d| d["name"].as_str()).collect();
    assert_eq!(names, ["RAHIM TRADERS", "CAFE DEJA-VU", "KARIM UDDIN"]);

    let sum: u64 = p.details.iter().map(|d| num(d, "amount")).sum();
    let t = trailer(&credits).unwrap();
    assert_eq!(num(&p.trailer, "count"), 3);
    assert_eq!(num(&p.trailer, "total"), sum);
    assert_eq!(
        t,
        Trailer {
            count: 3,
            total: sum as i64,
            routing_hash: 225_150_135 + 47_271_571 + 140_581_184
        }
    );
    assert_eq!(p.trailer["routing_hash"], t.routing_hash_digits());
    assert_eq!(p.trailer["batch_id"], "stl-20261206-bkash");
}

#[test]
fn names_and_references_are_cut_to_their_fields() {
    let mut c = credit("p1", &"Abdullah Al Mamun ".repeat(5), "225150135", 100);
    c.reference = "x".repeat(200);
    let mut orig = originator();
    orig.company_name = "A Very Long Company Name That Does Not Fit In Thirty Five".into();
    let p = parse(&file(&orig, value_date(), "b1", &[c]).unwrap());
    assert_eq!(p.details[0]["name"], "ABDULLAH AL MAMUN ABDULLAH AL MAMUN");
    assert_eq!(p.details[0]["reference"], "X".repeat(35));
    assert_eq!(p.header["company_name"], "A VERY LONG COMPANY NAME THAT DOES");
}

#[test]
fn each_problem_names_its_credit_and_field() {
    let ok = credits();
    let with = |i: usize, f: fn(&mut Credit)| {
        let mut cs = ok.clone();
        f(&mut cs[i]);
        file(&originator(), value_date(), "b1", &cs).unwrap_err()
    };
    let field_of = |e: FileError| match e {
        FileError::Credit { index, field, .. } => (index, field),
        other => panic!("{other}"),
    };
    assert_eq!(
        field_of(with(1, |c| c.routing_number = "047271572".into())),
        (1, "routing_number")
    );
    assert_eq!(
        field_of(with(2, |c| c.account_number = "12-34".into())),
        (2, "account_number")
    );
    assert_eq!(field_of(with(0, |c| c.amount = 0)), (0, "amount"));
    assert_eq!(field_of(with(0, |c| c.amount = -5)), (0, "amount"));
    assert_eq!(
        field_of(with(0, |c| c.amount = crate::money::MAX_POISHA + 1)),
        (0, "amount")
    );
    assert_eq!(field_of(with(2, |c| c.name = "করিম উদ্দিন".into())), (2, "name"));
    assert_eq!(field_of(with(1, |c| c.payee_id = "pye 1".into())), (1, "payee_id"));
    assert_eq!(field_of(with(1, |c| c.payee_id = "p".repeat(33))), (1, "payee_id"));
    let e = with(1, |c| c.routing_number = "047271572".into());
    assert_eq!(
        e.to_string(),
        "credits[1].routing_number: routing number's last digit does not match the others; copy it again from the cheque book or the bank"
    );

    assert_eq!(file(&originator(), value_date(), "b1", &[]), Err(FileError::NoCredits));
    assert!(matches!(
        file(&originator(), value_date(), "b 1", &ok),
        Err(FileError::BatchId(_))
    ));
    assert!(matches!(
        file(&originator(), value_date(), "", &ok),
        Err(FileError::BatchId(_))
    ));
    let mut orig = originator();
    orig.routing_number = "09026043".into();
    assert_eq!(
        file(&orig, value_date(), "b1", &ok),
        Err(FileError::Originator {
            field: "routing_number",
            problem: "routing number must be exactly 9 digits"
        })
    );
    orig = originator();
    orig.company_id = "a".repeat(21);
    assert!(matches!(
        file(&orig, value_date(), "b1", &ok),
        Err(FileError::Originator {
            field: "company_id",
            ..
        })
    ));
    assert_eq!(trailer(&[]), Err(FileError::NoCredits));
}

#[test]
fn the_trailer_has_a_json_shape() {
    let t = trailer(&credits()).unwrap();
    assert_eq!(
        serde_json::to_value(t).unwrap(),
        serde_json::json!({"count": 3, "total": "5012501.49", "total_poisha": 501_250_149_i64,
            "routing_hash": "0413002890"})
    );
}

proptest! {
    #[test]
    fn any_valid_credits_read_back_with_a_matching_trailer(
        items in prop::collection::vec(("\\PC{0,60}", 1i64..=crate::money::MAX_POISHA, 0usize..4), 1..20)
    ) {
        let routings = ["225150135", "047271571", "140581184", "025060009"];
        let credits: Vec<Credit> = items
            .iter()
            .enumerate()
            .map(|(i, (name, amount, r))| credit(&format!("p{i}"), &format!("Payee {name}"), routings[*r], *amount))
            .collect();
        let p = parse(&file(&originator(), value_date(), "b1", &credits).unwrap());
        let sum: u64 = p.details.iter().map(|d| num(d, "amount")).sum();
        prop_assert_eq!(num(&p.trailer, "total"), sum);
        prop_assert_eq!(num(&p.trailer, "count"), credits.len() as u64);
        prop_assert_eq!(sum, credits.iter().map(|c| c.amount as u64).sum::<u64>());
        for d in &p.details {
            prop_assert!(d["name"].starts_with("PAYEE") && d["name"].len() <= 35);
        }
    }

    #[test]
    fn parsers_never_panic(s in "\\PC*") {
        let _ = RoutingNumber::parse(&s);
        let _ = AccountNumber::parse(&s);
        let _ = crate::settlement::Date::parse(&s);
        let _ = crate::settlement::Calendar::parse(&s);
    }
}
