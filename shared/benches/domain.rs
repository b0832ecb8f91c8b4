//! Benchmarks for the domain's hot paths: amount parsing and formatting, phone parsing and masking.
//!
//! `cargo bench -p bdpay-shared --bench domain` (about half a minute).

use std::hint::black_box;
use std::time::Duration;

use bdpay_shared::locale::Lang;
use bdpay_shared::money::Money;
use bdpay_shared::phone::Msisdn;
use criterion::{criterion_group, criterion_main, Criterion};

fn money(c: &mut Criterion) {
    let mut group = c.benchmark_group("money");
    group.bench_function("parse 1250.50", |b| b.iter(|| Money::parse(black_box("1250.50"))));
    group.bench_function("parse 999999999.99", |b| {
        b.iter(|| Money::parse(black_box("999999999.99")))
    });
    group.bench_function("parse refused 1,250", |b| b.iter(|| Money::parse(black_box("1,250"))));
    let m = Money::parse("1234567.89").unwrap_or(Money::ZERO);
    group.bench_function("display 1234567.89", |b| b.iter(|| black_box(m).to_string()));
    group.bench_function("format_en 1234567.89", |b| b.iter(|| black_box(m).format_en()));
    group.bench_function("format_bn 1234567.89", |b| b.iter(|| black_box(m).format_bn()));
    let mut out = String::with_capacity(64);
    group.bench_function("push_amount bn (string level)", |b| {
        b.iter(|| {
            out.clear();
            let _ = bdpay_shared::money::push_amount(&mut out, black_box("1234567.89"), Lang::Bn);
        })
    });
    group.finish();
}

fn phone(c: &mut Criterion) {
    let mut group = c.benchmark_group("phone");
    group.bench_function("parse plain", |b| b.iter(|| Msisdn::parse(black_box("01712345678"))));
    group.bench_function("parse +880 spaced", |b| {
        b.iter(|| Msisdn::parse(black_box("+880 1712-345678")))
    });
    group.bench_function("parse Bangla digits", |b| {
        b.iter(|| Msisdn::parse(black_box("০১৭১২৩৪৫৬৭৮")))
    });
    group.bench_function("parse refused", |b| b.iter(|| Msisdn::parse(black_box("0121234567x"))));
    if let Ok(p) = Msisdn::parse("01712345678") {
        group.bench_function("masked", |b| b.iter(|| black_box(p).masked()));
        group.bench_function("display (masked)", |b| b.iter(|| black_box(p).to_string()));
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = money, phone
}
criterion_main!(benches);
