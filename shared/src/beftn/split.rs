//! Splitting a settled amount between payees by basis points, so the parts always add up to the
//! whole: each part is rounded down and the remainder goes to the largest share.

use core::fmt;

/// All the shares together: 100 %.
pub const WHOLE_BP: u32 = 10_000;

/// Why shares cannot split an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SplitError {
    NoShares,
    /// The basis points do not add up to 10000.
    NotWhole,
    /// A payee appears twice.
    Duplicate,
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SplitError::NoShares => "shares: at least one payee is needed",
            SplitError::NotWhole => "shares: basis points must add up to 10000 (100 %)",
            SplitError::Duplicate => "shares: each payee may appear once",
        })
    }
}

impl std::error::Error for SplitError {}

/// Splits `net` poisha by `shares` (payee, basis points; together 10000), in the order given.
///
/// Each part is `net × bp / 10000` rounded down; what rounding left over (less than one poisha
/// per payee) goes to the largest share, the first listed when several are equally large. The
/// parts add up to `net` exactly, also when `net` is negative (a debt is split the same way).
pub fn split<T: Clone + PartialEq>(net: i64, shares: &[(T, u32)]) -> Result<Vec<(T, i64)>, SplitError> {
    if shares.is_empty() {
        return Err(SplitError::NoShares);
    }
    let total: u64 = shares.iter().map(|(_, bp)| u64::from(*bp)).sum();
    if total != u64::from(WHOLE_BP) {
        return Err(SplitError::NotWhole);
    }
    for (i, (payee, _)) in shares.iter().enumerate() {
        if shares.iter().skip(i + 1).any(|(other, _)| other == payee) {
            return Err(SplitError::Duplicate);
        }
    }
    let mut parts: Vec<(T, i64)> = shares
        .iter()
        .map(|(payee, bp)| {
            let part = (i128::from(net) * i128::from(*bp)).div_euclid(i128::from(WHOLE_BP));
            // |part| ≤ |net|, so it fits.
            (payee.clone(), i64::try_from(part).unwrap_or(0))
        })
        .collect();
    let given: i128 = parts.iter().map(|(_, p)| i128::from(*p)).sum();
    let remainder = i64::try_from(i128::from(net) - given).unwrap_or(0);
    let largest = shares.iter().enumerate().fold(0, |best, (i, (_, bp))| {
        if *bp > shares.get(best).map_or(0, |s| s.1) {
            i
        } else {
            best
        }
    });
    if let Some((_, part)) = parts.get_mut(largest) {
        *part += remainder;
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn remainders_go_to_the_largest_share() {
        let shares = [("a", 3_333), ("b", 3_334), ("c", 3_333)];
        assert_eq!(split(100, &shares), Ok(vec![("a", 33), ("b", 34), ("c", 33)]));
        // 1000 poisha at 33.33 / 33.34 / 33.33 %: 333.3, 333.4, 333.3 → 333, 334 (333 + 1), 333.
        assert_eq!(split(1_000, &shares), Ok(vec![("a", 333), ("b", 334), ("c", 333)]));
        // Equal shares: the first listed takes the remainder.
        assert_eq!(
            split(101, &[("x", 5_000), ("y", 5_000)]),
            Ok(vec![("x", 51), ("y", 50)])
        );
        assert_eq!(split(7, &[("only", 10_000)]), Ok(vec![("only", 7)]));
        assert_eq!(split(10, &[("x", 0), ("y", 10_000)]), Ok(vec![("x", 0), ("y", 10)]));
        // A debt rounds down too: -50.5 → -51 each, and the first takes the poisha back.
        assert_eq!(
            split(-101, &[("x", 5_000), ("y", 5_000)]),
            Ok(vec![("x", -50), ("y", -51)])
        );
    }

    #[test]
    fn refuses_shares_that_are_not_100_percent_or_repeat_a_payee() {
        assert_eq!(split::<&str>(100, &[]), Err(SplitError::NoShares));
        assert_eq!(split(100, &[("a", 5_000), ("b", 4_999)]), Err(SplitError::NotWhole));
        assert_eq!(split(100, &[("a", u32::MAX), ("b", 1)]), Err(SplitError::NotWhole));
        assert_eq!(split(100, &[("a", 5_000), ("a", 5_000)]), Err(SplitError::Duplicate));
    }

    /// 1 to 10 shares of random basis points adding up to 10000.
    fn shares() -> impl Strategy<Value = Vec<(usize, u32)>> {
        prop::collection::vec(0u32..=WHOLE_BP, 0..10).prop_map(|mut cuts| {
            cuts.push(0);
            cuts.push(WHOLE_BP);
            cuts.sort_unstable();
            cuts.windows(2).map(|w| w[1] - w[0]).enumerate().collect()
        })
    }

    proptest! {
        #[test]
        fn parts_always_add_up_to_the_whole(net in any::<i64>(), shares in shares()) {
            let parts = split(net, &shares).unwrap();
            prop_assert_eq!(parts.len(), shares.len());
            let sum: i128 = parts.iter().map(|(_, p)| i128::from(*p)).sum();
            prop_assert_eq!(sum, i128::from(net));
            for ((payee, part), (want, bp)) in parts.iter().zip(&shares) {
                prop_assert_eq!(payee, want);
                // Each part is its exact share, rounded down, plus (for one payee) under one
                // poisha per payee.
                let exact = i128::from(net) * i128::from(*bp);
                let floor = exact.div_euclid(i128::from(WHOLE_BP));
                prop_assert!(i128::from(*part) >= floor);
                prop_assert!(i128::from(*part) - floor < shares.len() as i128 + 1);
                if net >= 0 { prop_assert!(*part >= 0); }
            }
        }
    }
}
