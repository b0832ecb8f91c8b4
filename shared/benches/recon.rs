//! The reconciliation matcher at 10k, 100k and 1M lines a side, and a naive all-pairs loop
//! beside it for scale.
//!
//! `cargo bench -p bdpay-shared --features finance --bench recon`. The data is made first,
//! untimed: a ledger of payments and refunds, and the statement the provider would send for
//! it (times off by up to a minute, shuffled), with ~5 % of lines stripped of both ids so the
//! fuzzy path works, and a few lines missing, added or with another amount. Only `reconcile`
//! is timed: the median of 3 runs, one run at 1M.

use std::hint::black_box;
use std::time::Instant;

use bdpay_shared::provider::Provider;
use bdpay_shared::recon::{reconcile, statement, EntryKind, LedgerEntry, Outcome, StatementLine};
use bdpay_shared::wire::time::DhakaTime;

const T0: i64 = 1_732_471_200_000; // 2024-11-25 00:00 in Dhaka
const DAY_MS: i64 = 86_400_000;

/// xorshift64*: the same data on every run, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1_000) < per_mille
    }
}

fn ledger(n: usize, rng: &mut Rng) -> Vec<LedgerEntry> {
    let mut out: Vec<LedgerEntry> = Vec::with_capacity(n);
    for i in 0..n {
        let refund_of = if i > 0 && rng.chance(100) {
            out.get(rng.below(i as u64) as usize)
                .filter(|e| e.kind == EntryKind::Payment)
                .cloned()
        } else {
            None
        };
        let at_ms = T0 + rng.below(DAY_MS as u64) as i64;
        let wallet = (rng.chance(800)).then(|| format!("{:04}", rng.below(10_000)));
        let amount = 1_000 + rng.below(5_000_000) as i64;
        out.push(match refund_of {
            Some(p) => LedgerEntry {
                kind: EntryKind::Refund,
                refund_id: Some(format!("re_{i:024}")),
                trx_id: Some(format!("R{i:09}")),
                amount: (amount % p.amount).max(100),
                at_ms,
                ..p
            },
            None => LedgerEntry {
                kind: EntryKind::Payment,
                payment_id: format!("pay_{i:024}"),
                refund_id: None,
                trx_id: Some(format!("T{i:09}")),
                reference: Some(format!("TR0011{i:012}")),
                invoice: Some(format!("INV-{i}")),
                amount,
                at_ms,
                wallet_last4: wallet,
                settled: !rng.chance(2), // an attempt whose outcome was lost: the statement recovers it
            },
        });
    }
    out
}

fn statement_of(ledger: &[LedgerEntry], rng: &mut Rng) -> Vec<StatementLine> {
    let mut out = Vec::with_capacity(ledger.len() + ledger.len() / 100);
    for e in ledger {
        if rng.chance(5) {
            continue; // missing at the provider
        }
        let mut l = StatementLine {
            line: 0,
            kind: e.kind,
            trx_id: e.trx_id.clone(),
            reference: e.reference.clone(),
            invoice: e.invoice.clone(),
            original_trx_id: None,
            amount: e.amount,
            fee: e.amount * 185 / 10_000,
            at_ms: e.at_ms + rng.below(120_001) as i64 - 60_000,
            wallet_last4: e.wallet_last4.clone(),
        };
        if rng.chance(50) {
            l.trx_id = None;
            l.reference = None;
        } else if rng.chance(2) {
            l.amount += 100;
        }
        out.push(l);
        if rng.chance(5) {
            let extra = out.len();
            out.push(StatementLine {
                trx_id: Some(format!("X{extra:09}")),
                reference: None,
                ..e_line(e)
            });
        }
    }
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i as u64 + 1) as usize);
    }
    for (i, l) in out.iter_mut().enumerate() {
        l.line = i + 2;
    }
    out
}

fn e_line(e: &LedgerEntry) -> StatementLine {
    StatementLine {
        line: 0,
        kind: e.kind,
        trx_id: None,
        reference: None,
        invoice: None,
        original_trx_id: None,
        amount: e.amount + 1,
        fee: 0,
        at_ms: e.at_ms,
        wallet_last4: None,
    }
}

/// The statement as bKash's layout writes it (refunds negative).
fn bkash_csv(lines: &[StatementLine]) -> String {
    let taka = |p: i64| format!("{}{}.{:02}", if p < 0 { "-" } else { "" }, p.abs() / 100, p.abs() % 100);
    let mut out = String::from(
        "type,trx_id,payment_id,invoice,amount,fee,net,settlement_date,completed_time,original_trx_id,wallet\r\n",
    );
    for l in lines {
        let signed = l.kind.signed(l.amount);
        let kind = if l.kind == EntryKind::Payment {
            "payment"
        } else {
            "refund"
        };
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        let wallet = l.wallet_last4.as_ref().map_or(String::new(), |w| format!("01XX{w}"));
        out.push_str(&format!(
            "{kind},{},{},{},{},{},{},2024-11-26,{},,{wallet}\r\n",
            text(&l.trx_id),
            text(&l.reference),
            text(&l.invoice),
            taka(signed),
            taka(l.fee),
            taka(signed - l.fee),
            DhakaTime::from_unix_millis(l.at_ms).bkash(),
        ));
    }
    out
}

/// The way not to do it: for each line, every ledger entry is looked at.
fn all_pairs(ledger: &[LedgerEntry], statement: &[StatementLine]) -> usize {
    let mut used = vec![false; ledger.len()];
    let mut paired = 0;
    for l in statement {
        let same = |e: &LedgerEntry| {
            e.kind == l.kind
                && ((l.trx_id.is_some() && e.trx_id == l.trx_id)
                    || (l.reference.is_some() && e.reference == l.reference))
        };
        let mut found = ledger.iter().enumerate().position(|(i, e)| !used[i] && same(e));
        if found.is_none() && l.trx_id.is_none() && l.reference.is_none() {
            found = ledger
                .iter()
                .enumerate()
                .filter(|(i, e)| !used[*i] && e.kind == l.kind && e.amount == l.amount)
                .min_by_key(|(_, e)| (e.at_ms - l.at_ms).abs())
                .map(|(i, _)| i);
        }
        if let Some(i) = found {
            used[i] = true;
            paired += 1;
        }
    }
    paired
}

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1_000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(0.0)
}

fn counts(o: &Outcome) -> String {
    let s = &o.summary;
    format!(
        "matched {}, fuzzy_matched {}, needs_review {}, missing_at_provider {}, missing_in_ledger {}, amount_mismatch {}",
        s.matched, s.fuzzy_matched, s.needs_review, s.missing_at_provider, s.missing_in_ledger, s.amount_mismatch
    )
}

fn main() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut matcher_10k = 0.0;
    for (n, runs) in [(10_000, 3), (100_000, 3), (1_000_000, 1)] {
        let ledger = ledger(n, &mut rng);
        let statement = statement_of(&ledger, &mut rng);
        let mut outcome = None;
        let ms = median_ms(runs, || {
            outcome = Some(reconcile(black_box(&ledger), black_box(&statement)))
        });
        println!("recon matcher {n} x {n}: {ms:.1} ms");
        if n == 10_000 {
            matcher_10k = ms;
        }
        if let Some(o) = outcome.filter(|_| n == 1_000_000) {
            println!("  ({n} lines: {})", counts(&o));
            let text = bkash_csv(&statement);
            let start = Instant::now();
            let parsed = statement::parse(Provider::Bkash, black_box(&text)).map_or(0, |l| l.len());
            let ms = start.elapsed().as_secs_f64() * 1_000.0;
            println!(
                "  (parsing those {parsed} lines from a {} MB bKash CSV: {ms:.0} ms)",
                text.len() >> 20
            );
        }
    }
    let ledger = ledger(10_000, &mut rng);
    let statement = statement_of(&ledger, &mut rng);
    let ms = median_ms(1, || {
        black_box(all_pairs(black_box(&ledger), black_box(&statement)));
    });
    println!("recon all-pairs 10000 x 10000: {ms:.1} ms");
    println!(
        "recon all-pairs / matcher at 10000: {:.0}x",
        ms / matcher_10k.max(0.001)
    );
}
