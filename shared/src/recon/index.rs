//! A hash index from a key to every ledger entry that has it, without a Vec per key.
//!
//! One `HashMap` from key to the first entry, and one `next` link per entry: a million
//! entries cost two allocations, not a million.

use std::collections::HashMap;
use std::hash::Hash;

const NONE: usize = usize::MAX;

pub(crate) struct Index<K> {
    head: HashMap<K, usize>,
    next: Vec<usize>,
}

impl<K: Hash + Eq> Index<K> {
    /// Indexes `(key, entry)` pairs, entries below `len`, with room for `keys` keys; the
    /// entries of one key come back in ascending order.
    pub fn build(len: usize, keys: usize, pairs: impl DoubleEndedIterator<Item = (K, usize)>) -> Index<K> {
        let mut head = HashMap::with_capacity(keys);
        let mut next = vec![NONE; len];
        // Pushed from the back, so each chain runs front to back.
        for (key, entry) in pairs.rev() {
            let previous = head.insert(key, entry).unwrap_or(NONE);
            if let Some(link) = next.get_mut(entry) {
                *link = previous;
            }
        }
        Index { head, next }
    }

    /// Every entry filed under `key`, in ascending order; `None` when there is none.
    pub fn lookup<'a>(&'a self, key: &K) -> Option<impl Iterator<Item = usize> + 'a> {
        let mut at = *self.head.get(key)?;
        Some(std::iter::from_fn(move || {
            let here = at;
            at = self.next.get(here).copied()?;
            Some(here)
        }))
    }

    /// Every entry filed under `key`, in ascending order.
    pub fn get<'a>(&'a self, key: &K) -> impl Iterator<Item = usize> + 'a {
        self.lookup(key).into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_lists_its_entries_in_order() {
        let index = Index::build(5, 2, [("a", 0), ("b", 1), ("a", 2), ("a", 4)].into_iter());
        assert_eq!(index.get(&"a").collect::<Vec<_>>(), [0, 2, 4]);
        assert_eq!(index.get(&"b").collect::<Vec<_>>(), [1]);
        assert_eq!(index.get(&"c").count(), 0);
        assert!(index.lookup(&"b").is_some() && index.lookup(&"c").is_none());
    }
}
