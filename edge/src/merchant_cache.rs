//! What this isolate remembers of a merchant in one mode for a few seconds: the values the
//! status poll needs every second (which wallets are set up, the checkout settings), so it
//! does not go to D1 each time. A handful of merchants per isolate; a change made through
//! this isolate is forgotten at once, other isolates see it within the time given.

use crate::providers::Mode;

/// More merchants than this in one isolate are read each time, not remembered.
const MAX_MERCHANTS: usize = 64;

/// One value per (merchant, mode), fresh for `ttl_ms` after it was read.
pub struct MerchantCache<V> {
    ttl_ms: i64,
    /// (merchant, mode, read at, value)
    entries: Vec<(String, Mode, i64, V)>,
}

impl<V: Clone> MerchantCache<V> {
    pub const fn new(ttl_ms: i64) -> Self {
        MerchantCache {
            ttl_ms,
            entries: Vec::new(),
        }
    }

    /// The value read for `merchant_id` in `mode` within the last `ttl_ms` (never one read
    /// "later" than `now`: a clock that went back makes it stale).
    pub fn get(&self, merchant_id: &str, mode: Mode, now: i64) -> Option<V> {
        self.entries
            .iter()
            .find(|(m, md, at, _)| m == merchant_id && *md == mode && (0..self.ttl_ms).contains(&(now - at)))
            .map(|(_, _, _, v)| v.clone())
    }

    /// Remembers `value` as read at `now`, in place of any older one; stale entries go.
    pub fn put(&mut self, merchant_id: &str, mode: Mode, now: i64, value: V) {
        self.forget(merchant_id, mode);
        let ttl_ms = self.ttl_ms;
        self.entries.retain(|(_, _, at, _)| now - at < ttl_ms);
        if self.entries.len() < MAX_MERCHANTS {
            self.entries.push((merchant_id.to_owned(), mode, now, value));
        }
    }

    pub fn forget(&mut self, merchant_id: &str, mode: Mode) {
        self.entries.retain(|(m, md, _, _)| !(m == merchant_id && *md == mode));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_fresh_for_its_time_and_per_merchant_and_mode() {
        let mut c = MerchantCache::new(5_000);
        c.put("mer_a", Mode::Test, 1_000, 1);
        assert_eq!(c.get("mer_a", Mode::Test, 5_999), Some(1));
        assert_eq!(c.get("mer_a", Mode::Test, 6_000), None, "stale");
        assert_eq!(c.get("mer_a", Mode::Test, 999), None, "the clock went back");
        assert_eq!(c.get("mer_a", Mode::Live, 2_000), None);
        assert_eq!(c.get("mer_b", Mode::Test, 2_000), None);
        c.put("mer_a", Mode::Test, 2_000, 2);
        assert_eq!(c.get("mer_a", Mode::Test, 2_500), Some(2), "replaced, not added");
        c.forget("mer_a", Mode::Test);
        assert_eq!(c.get("mer_a", Mode::Test, 2_500), None);
    }

    #[test]
    fn at_most_64_merchants_are_remembered() {
        let mut c = MerchantCache::new(5_000);
        for i in 0..70 {
            c.put(&format!("mer_{i}"), Mode::Test, 1_000, i);
        }
        assert_eq!(c.get("mer_63", Mode::Test, 1_000), Some(63));
        assert_eq!(c.get("mer_64", Mode::Test, 1_000), None);
        c.put("mer_64", Mode::Test, 7_000, 64);
        assert_eq!(c.get("mer_64", Mode::Test, 7_000), Some(64), "the stale ones made room");
    }
}
