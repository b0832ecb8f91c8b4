//! The day's bulk credits: each payee's share of the day's settleable net, per provider and
//! in total, so the file's trailer is exactly the day's net. A payment's money goes to the
//! payee its `metadata.payee` names; the rest is split by the payees' default shares. Pure,
//! host-tested; the route writes the file (`shared::beftn`).

use std::collections::BTreeMap;

use bdpay_shared::beftn;

use super::payees::Payee;
use super::settleable::Row;

/// Why money cannot be paid out as asked.
#[derive(Debug, PartialEq, Eq)]
pub enum Unpayable {
    NoPayee,
    /// Unassigned money, and the payees' default shares do not make 100 %.
    SharesIncomplete {
        total_bp: i64,
    },
}

impl Unpayable {
    pub fn message(&self) -> String {
        match self {
            Unpayable::NoPayee => "register a payee first (POST /v1/payees): there is money to pay out and nobody to pay".into(),
            Unpayable::SharesIncomplete { total_bp } => format!(
                "payments without metadata.payee are split by the payees' default shares, which add up to {}.{:02} %, not 100 %",
                total_bp / 100,
                total_bp % 100
            ),
        }
    }
}

/// One provider's settlement day: its lines and its net (after the provider's fees and
/// refunds, and Nagad's expedite fee).
pub struct ProviderDay<'a> {
    pub rows: &'a [Row],
    pub net: i64,
}

/// Poisha per payee id (every payee in `payees` that gets something), summing exactly to
/// the days' nets.
pub fn allocate(days: &[ProviderDay<'_>], payees: &[Payee]) -> Result<BTreeMap<String, i64>, Unpayable> {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for day in days {
        // The lines' own net per payee (None: unassigned), before the day's own adjustments.
        let mut per: BTreeMap<Option<String>, i64> = BTreeMap::new();
        for r in day.rows {
            let named = r.payee.as_ref().filter(|p| payees.iter().any(|x| &x.id == *p)).cloned();
            let net = if r.kind == "refund" {
                -r.amount_poisha
            } else {
                r.amount_poisha - r.fee_poisha
            };
            *per.entry(named).or_default() += net;
        }
        if day.net == 0 && per.values().all(|v| *v == 0) {
            continue;
        }
        // Unassigned money goes by the default shares.
        if let Some(unassigned) = per.remove(&None).filter(|v| *v != 0) {
            for (id, part) in by_shares(unassigned, payees)? {
                *per.entry(Some(id)).or_default() += part;
            }
        }
        // The day's net may differ from the lines' (Nagad's expedite fee): spread the
        // difference in proportion, to the poisha.
        let lines_total: i64 = per.values().sum();
        let weights: Vec<(String, i64)> = per.into_iter().filter_map(|(k, v)| k.map(|k| (k, v))).collect();
        let parts = proportional(day.net, lines_total, &weights);
        for (id, v) in parts {
            *out.entry(id).or_default() += v;
        }
    }
    Ok(out)
}

/// `amount` split by the payees' default shares (or all to the only payee).
fn by_shares(amount: i64, payees: &[Payee]) -> Result<Vec<(String, i64)>, Unpayable> {
    if payees.is_empty() {
        return Err(Unpayable::NoPayee);
    }
    let shared: Vec<(String, u32)> = payees
        .iter()
        .filter_map(|p| p.share_bp.map(|bp| (p.id.clone(), u32::try_from(bp).unwrap_or(0))))
        .collect();
    if shared.is_empty() && payees.len() == 1 {
        return Ok(payees.iter().map(|p| (p.id.clone(), amount)).collect());
    }
    beftn::split(amount, &shared).map_err(|_| Unpayable::SharesIncomplete {
        total_bp: shared.iter().map(|(_, bp)| i64::from(*bp)).sum(),
    })
}

/// `total` split in proportion to `weights` (out of `weights_total`), largest remainders
/// first, so the parts always add up to `total` exactly.
pub fn proportional(total: i64, weights_total: i64, weights: &[(String, i64)]) -> Vec<(String, i64)> {
    if weights.is_empty() {
        return Vec::new();
    }
    if weights_total == 0 {
        // Nothing to weigh by: all to the first (the days' adjustments alone).
        let mut out: Vec<(String, i64)> = weights.iter().map(|(k, _)| (k.clone(), 0)).collect();
        if let Some(first) = out.first_mut() {
            first.1 = total;
        }
        return out;
    }
    let (t, wt) = (i128::from(total), i128::from(weights_total));
    let mut parts: Vec<(String, i64, i128)> = weights
        .iter()
        .map(|(k, w)| {
            let exact = t * i128::from(*w);
            let floor = exact.div_euclid(wt);
            (k.clone(), i64::try_from(floor).unwrap_or(0), exact.rem_euclid(wt))
        })
        .collect();
    let mut left = total - parts.iter().map(|p| p.1).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(parts.get(i).map_or(0, |p| p.2)), i));
    for i in order.into_iter().cycle() {
        if left <= 0 {
            break;
        }
        if let Some(p) = parts.get_mut(i) {
            p.1 += 1;
            left -= 1;
        }
    }
    parts.into_iter().map(|(k, v, _)| (k, v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payee(id: &str, share_bp: Option<i64>) -> Payee {
        Payee {
            id: id.into(),
            name: id.into(),
            account_enc: String::new(),
            account_last4: "0000".into(),
            routing_number: String::new(),
            share_bp,
            created_at: 0,
        }
    }

    fn row(kind: &str, amount: i64, fee: i64, payee: Option<&str>) -> Row {
        Row {
            line: 0,
            provider: "bkash".into(),
            kind: kind.into(),
            payment_id: "pay_x".into(),
            amount_poisha: amount,
            fee_poisha: fee,
            at: 0,
            payee: payee.map(Into::into),
            ..Row::default()
        }
    }

    #[test]
    fn named_payees_get_their_payments_and_the_rest_goes_by_shares() {
        let payees = [payee("pye_a", Some(10_000)), payee("pye_b", None)];
        let rows = [
            row("payment", 100_000, 1_850, None),
            row("payment", 50_000, 925, Some("pye_b")),
            row("refund", 10_000, 0, None),
        ];
        let net = 100_000 - 1_850 + 50_000 - 925 - 10_000;
        let got = allocate(&[ProviderDay { rows: &rows, net }], &payees).unwrap();
        assert_eq!(got["pye_a"], 100_000 - 1_850 - 10_000);
        assert_eq!(got["pye_b"], 50_000 - 925);
        assert_eq!(got.values().sum::<i64>(), net);
    }

    #[test]
    fn a_days_own_fee_is_spread_and_the_parts_add_up_exactly() {
        let payees = [
            payee("pye_a", Some(3_333)),
            payee("pye_b", Some(3_333)),
            payee("pye_c", Some(3_334)),
        ];
        let rows = [row("payment", 100_001, 0, None)];
        // Nagad expedite: 0.15 % of gross off the day's net.
        let net = 100_001 - 150;
        let got = allocate(&[ProviderDay { rows: &rows, net }], &payees).unwrap();
        assert_eq!(got.values().sum::<i64>(), net);
        assert!(got.values().all(|v| (33_000..34_000).contains(v)), "{got:?}");
    }

    #[test]
    fn unassigned_money_needs_a_payee_and_full_shares() {
        let rows = [row("payment", 1_000, 0, None)];
        let day = [ProviderDay {
            rows: &rows,
            net: 1_000,
        }];
        assert_eq!(allocate(&day, &[]), Err(Unpayable::NoPayee));
        let half = [payee("pye_a", Some(5_000)), payee("pye_b", None)];
        assert_eq!(
            allocate(&day, &half),
            Err(Unpayable::SharesIncomplete { total_bp: 5_000 })
        );
        let only = [payee("pye_a", None)];
        assert_eq!(allocate(&day, &only).unwrap()["pye_a"], 1_000);
        // A payee id that is not one of ours counts as unassigned.
        let stray = [row("payment", 1_000, 0, Some("pye_gone"))];
        assert_eq!(
            allocate(
                &[ProviderDay {
                    rows: &stray,
                    net: 1_000
                }],
                &only
            )
            .unwrap()["pye_a"],
            1_000
        );
    }

    #[test]
    fn a_payee_whose_refunds_exceed_its_payments_gets_a_negative_part() {
        // The route leaves such a payee out of the file (`held_back`); the parts still add up.
        let payees = [payee("pye_a", Some(10_000)), payee("pye_b", None)];
        let rows = [
            row("payment", 100_000, 1_000, None),
            row("refund", 30_000, 0, Some("pye_b")),
        ];
        let net = 100_000 - 1_000 - 30_000;
        let got = allocate(&[ProviderDay { rows: &rows, net }], &payees).unwrap();
        assert_eq!((got["pye_a"], got["pye_b"]), (99_000, -30_000));
        assert_eq!(got.values().sum::<i64>(), net);
    }

    #[test]
    fn proportional_parts_always_sum_to_the_total() {
        for total in [-7, 0, 1, 99, 100_003] {
            let w = [("a".to_owned(), 1), ("b".to_owned(), 1), ("c".to_owned(), 1)];
            let parts = proportional(total, 3, &w);
            assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), total, "{total}");
        }
    }
}
