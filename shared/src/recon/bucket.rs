//! Same-kind, same-amount ledger entries in time order, taken one by one, searched nearest
//! first. Taken entries are skipped through "next free" links (union-find with path
//! compression), so a crowd of equal amounts costs near-constant time per step, not a rescan.

pub(crate) struct Bucket {
    /// (at_ms, ledger index), sorted.
    entries: Vec<(i64, usize)>,
    /// Toward the first free position at or after p; p itself when free; `len` is the end.
    right: Vec<usize>,
    /// Shifted by one: toward the last free position at or before p is `left[p + 1]`; 0 is none.
    left: Vec<usize>,
}

impl Bucket {
    pub fn new(mut entries: Vec<(i64, usize)>) -> Bucket {
        entries.sort_unstable();
        let links = (0..=entries.len()).collect::<Vec<_>>();
        Bucket {
            entries,
            right: links.clone(),
            left: links,
        }
    }

    /// Takes the entry `ei` (at `at_ms`) out of every later search.
    pub fn take(&mut self, at_ms: i64, ei: usize) {
        if let Ok(p) = self.entries.binary_search(&(at_ms, ei)) {
            if let Some(link) = self.right.get_mut(p) {
                *link = p + 1;
            }
            if let Some(link) = self.left.get_mut(p + 1) {
                *link = p;
            }
        }
    }

    /// Calls `visit` with the free entries within `window_ms` of `at_ms`, nearest first
    /// (earlier first on equal distance), at most `max` of them.
    pub fn nearest(&mut self, at_ms: i64, window_ms: i64, max: usize, mut visit: impl FnMut(usize)) {
        let split = self.entries.partition_point(|&(t, _)| t < at_ms);
        let mut right = find(&mut self.right, split);
        let mut left = find(&mut self.left, split); // the last free position before split, shifted
        let distance = |entries: &[(i64, usize)], p: usize| {
            entries
                .get(p)
                .map(|&(t, ei)| (t.saturating_sub(at_ms).unsigned_abs(), ei))
                .filter(|&(d, _)| d <= window_ms.unsigned_abs())
        };
        for _ in 0..max {
            let l = left.checked_sub(1).and_then(|p| distance(&self.entries, p));
            let r = distance(&self.entries, right);
            let (ei, from_left) = match (l, r) {
                (None, None) => return,
                (Some((_, ei)), None) => (ei, true),
                (Some((dl, ei)), Some((dr, _))) if dl <= dr => (ei, true),
                (_, Some((_, ei))) => (ei, false),
            };
            visit(ei);
            if from_left {
                left = find(&mut self.left, left.saturating_sub(1));
            } else {
                right = find(&mut self.right, right + 1);
            }
        }
    }
}

/// The root of `x`'s chain of links, every link on the way pointed straight at it.
fn find(links: &mut [usize], x: usize) -> usize {
    let mut root = x;
    while let Some(&next) = links.get(root) {
        if next == root {
            break;
        }
        root = next;
    }
    let mut at = x;
    while at != root {
        let Some(link) = links.get_mut(at) else { break };
        at = core::mem::replace(link, root);
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(b: &mut Bucket, at: i64, max: usize) -> Vec<usize> {
        let mut seen = Vec::new();
        b.nearest(at, 100, max, |ei| seen.push(ei));
        seen
    }

    #[test]
    fn nearest_first_within_the_window_skipping_taken() {
        let mut b = Bucket::new(vec![(50, 5), (0, 0), (10, 1), (20, 2), (30, 3), (40, 4), (500, 9)]);
        assert_eq!(around(&mut b, 22, 10), [2, 3, 1, 4, 0, 5]);
        assert_eq!(around(&mut b, 22, 2), [2, 3]);
        b.take(20, 2);
        b.take(30, 3);
        b.take(30, 7); // not there: nothing happens
        assert_eq!(around(&mut b, 22, 3), [1, 4, 0]);
        for (t, ei) in [(0, 0), (10, 1), (40, 4), (50, 5)] {
            b.take(t, ei);
        }
        assert!(around(&mut b, 22, 10).is_empty());
        assert_eq!(around(&mut b, 450, 10), [9]);
        assert_eq!(around(&mut Bucket::new(Vec::new()), 0, 10), Vec::<usize>::new());
    }
}
