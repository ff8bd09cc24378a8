//! The times of the network's engine events that are scheduled and not yet handled.

use std::collections::VecDeque;

use crate::time::Time;

/// Distinct times in increasing order; a few at once in practice, so a sorted ring buffer
/// (which keeps its storage: no allocation once traffic is steady).
#[derive(Debug, Default)]
pub struct NetWakes {
    times: VecDeque<Time>,
}

impl NetWakes {
    /// Adds `t`; false when it is already there.
    pub fn insert(&mut self, t: Time) -> bool {
        match self.times.back() {
            None => {}
            Some(&last) if last < t => {}
            Some(&last) if last == t => return false,
            Some(_) if self.times.front() == Some(&t) => return false,
            Some(_) => return self.insert_inside(t),
        }
        self.times.push_back(t);
        true
    }

    /// Adds `t`, which lies before the last time; false when it is already there.
    fn insert_inside(&mut self, t: Time) -> bool {
        match self.times.binary_search(&t) {
            Ok(_) => false,
            Err(i) => {
                self.times.insert(i, t);
                true
            }
        }
    }

    /// Removes `t` if it is there.
    pub fn remove(&mut self, t: Time) {
        if self.times.front() == Some(&t) {
            self.times.pop_front();
        } else if let Ok(i) = self.times.binary_search(&t) {
            self.times.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Behaves as a set of times.
        #[test]
        fn matches_a_btree_set(ops in proptest::collection::vec((any::<bool>(), 0u64..20), 0..200)) {
            let mut wakes = NetWakes::default();
            let mut reference = std::collections::BTreeSet::new();
            for (insert, t) in ops {
                if insert {
                    prop_assert_eq!(wakes.insert(t), reference.insert(t));
                } else {
                    wakes.remove(t);
                    reference.remove(&t);
                }
                prop_assert!(wakes.times.iter().eq(reference.iter()));
            }
        }
    }
}
