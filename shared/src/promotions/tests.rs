//! The promotion rules, one table each, with their boundaries; the wire shapes; the labels.

use super::*;
use crate::locale::Lang;
use Provider::{Bkash, Nagad};

fn tk(s: &str) -> Money {
    s.parse().unwrap()
}

fn cash(s: &str) -> Option<Offer> {
    Some(Offer {
        kind: OfferKind::Cashback,
        amount: tk(s),
    })
}

fn free(s: &str) -> Option<Offer> {
    Some(Offer {
        kind: OfferKind::CommissionFree,
        amount: tk(s),
    })
}

#[test]
fn bkash_is_commission_free_up_to_3000_inclusive() {
    let rows = [
        ("0.01", free("0.01")),
        ("2999.99", free("2999.99")),
        ("3000.00", free("3000.00")),
        ("3000.01", None),
        ("500000", None),
    ];
    for (amount, want) in rows {
        assert_eq!(offer(&DEFAULTS, Bkash, tk(amount)), want, "{amount}");
    }
}

#[test]
fn nagad_gives_half_a_percent_back_from_8000_inclusive() {
    let rows = [
        ("7999.99", None),
        ("8000.00", cash("40.00")),
        ("8000.99", cash("40.00")), // 40.00495
        ("8001.00", cash("40.01")), // 40.005: half rounds up
        ("9000", cash("45.00")),
        ("500000", cash("2500.00")),
        ("100", None),
    ];
    for (amount, want) in rows {
        assert_eq!(offer(&DEFAULTS, Nagad, tk(amount)), want, "{amount}");
    }
}

#[test]
fn cashback_rounds_half_up_and_refuses_nothing_or_nonsense() {
    let rows: [(&str, u16, Option<&str>); 8] = [
        ("0.99", 50, None),              // 0.00495 rounds to nothing
        ("1.00", 50, Some("0.01")),      // 0.005 rounds up
        ("1.00", 49, None),              // 0.0049
        ("100", 10_000, Some("100.00")), // all of it
        ("100", 10_001, None),           // more than all of it: a mistake
        ("100", 0, None),
        ("999999999.99", 10_000, Some("999999999.99")),
        ("333.33", 1, Some("0.03")), // 0.033333
    ];
    for (amount, bp, want) in rows {
        assert_eq!(cashback(tk(amount), bp), want.map(tk), "{amount} × {bp} bp");
    }
}

#[test]
fn the_first_promotion_that_applies_makes_the_offer() {
    let promos = [
        Promotion {
            provider: Nagad,
            kind: PromotionKind::Cashback {
                basis_points: 100,
                from: tk("20000"),
            },
        },
        Promotion {
            provider: Nagad,
            kind: PromotionKind::CommissionFree { up_to: tk("1000") },
        },
        DEFAULTS[1],
    ];
    assert_eq!(offer(&promos, Nagad, tk("20000")), cash("200.00"));
    assert_eq!(offer(&promos, Nagad, tk("9000")), cash("45.00"));
    assert_eq!(offer(&promos, Nagad, tk("500")), free("500.00"));
    assert_eq!(offer(&promos, Nagad, tk("5000")), None);
    assert_eq!(offer(&promos, Bkash, tk("500")), None, "no bKash promotion here");
    assert_eq!(offer(&[], Bkash, tk("500")), None);
}

#[test]
fn the_status_answer_carries_each_wallet_s_offer() {
    let json = serde_json::to_value(offers(&DEFAULTS, tk("9000"))).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"nagad": {"kind": "cashback", "amount": "45.00"}})
    );
    let both = offers(&DEFAULTS, tk("2500"));
    assert_eq!(both.of(Bkash), free("2500.00"));
    assert_eq!(both.of(Nagad), None);
    let back: Offers = serde_json::from_value(serde_json::to_value(both).unwrap()).unwrap();
    assert_eq!(back, both);
}

#[test]
fn a_merchant_s_promotions_read_from_json() {
    let json = r#"[{"provider": "bkash", "kind": "commission_free", "up_to": "3000.00"},
                   {"provider": "nagad", "kind": "cashback", "basis_points": 50, "from": "8000.00"}]"#;
    let promos: Vec<Promotion> = serde_json::from_str(json).unwrap();
    assert_eq!(promos, defaults());
    let again: Vec<Promotion> = serde_json::from_str(&serde_json::to_string(&promos).unwrap()).unwrap();
    assert_eq!(again, promos);
    for bad in [
        r#"[{"provider": "bkash", "kind": "discount", "up_to": "3000.00"}]"#,
        r#"[{"provider": "bkash", "kind": "commission_free", "up_to": 3000}]"#,
        r#"[{"provider": "rocket", "kind": "commission_free", "up_to": "3000.00"}]"#,
        r#"[{"provider": "nagad", "kind": "cashback", "basis_points": -5, "from": "8000.00"}]"#,
    ] {
        assert!(serde_json::from_str::<Vec<Promotion>>(bad).is_err(), "{bad}");
    }
}

#[test]
fn buttons_show_the_offer_in_the_shopper_s_language() {
    let rows = [
        (cash("40.00"), Lang::Bn, "৳৪০.০০ ক্যাশব্যাক"),
        (cash("40.00"), Lang::En, "৳40.00 cashback"),
        (cash("2500.00"), Lang::Bn, "৳২,৫০০.০০ ক্যাশব্যাক"),
        (free("2500.00"), Lang::Bn, "কমিশন ছাড়া"),
        (free("2500.00"), Lang::En, "Commission-free"),
    ];
    for (offer, lang, want) in rows {
        let offer = offer.unwrap();
        assert_eq!(format_offer(offer, lang), want);
        let mut wire = String::new();
        push_offer_text(&mut wire, offer.kind, &offer.amount.to_string(), lang).unwrap();
        assert_eq!(wire, want, "from the wire form");
        let mut poisha = String::new();
        push_offer_poisha(&mut poisha, offer.kind, offer.amount.poisha().unsigned_abs(), lang);
        assert_eq!(poisha, want, "from poisha");
    }
}

#[test]
fn a_bad_wire_amount_appends_nothing() {
    let mut out = String::from("নগদ ");
    assert!(push_offer_text(&mut out, OfferKind::Cashback, "40,00", Lang::Bn).is_err());
    assert_eq!(out, "নগদ ");
    assert_eq!(OfferKind::from_name("cashback"), Some(OfferKind::Cashback));
    assert_eq!(OfferKind::from_name("commission_free"), Some(OfferKind::CommissionFree));
    assert_eq!(OfferKind::from_name("Cashback"), None);
    for k in [OfferKind::Cashback, OfferKind::CommissionFree] {
        assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
    }
}

#[test]
fn routing_hears_of_an_offer_only_when_one_wallet_alone_makes_it() {
    let d = defaults();
    let at = |s: &str| offers(&d, s.parse().unwrap()).only_one();
    assert_eq!(at("3000.00"), Some(Provider::Bkash));
    assert_eq!(at("5000.00"), None, "neither");
    assert_eq!(at("8000.00"), Some(Provider::Nagad));
    let both = [
        DEFAULTS[0],
        Promotion {
            provider: Provider::Nagad,
            kind: PromotionKind::CommissionFree {
                up_to: "5000.00".parse().unwrap(),
            },
        },
    ];
    assert_eq!(offers(&both, "100.00".parse().unwrap()).only_one(), None, "both");
}
