//! Counters by message type: the first type counted is kept apart from the hash map, so a
//! run of one message type (the common case) counts every send and delivery without hashing.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

use crate::link::IdHasher;
use crate::stats::TypeStats;

/// The counters of every message type counted so far.
#[derive(Debug, Default)]
pub(super) struct TypeCounts {
    /// The first type counted.
    first: Option<u32>,
    /// Its counters.
    first_stats: TypeStats,
    /// The counters of every other type.
    others: HashMap<u32, TypeStats, BuildHasherDefault<IdHasher>>,
}

impl TypeCounts {
    /// The counters of `msg_type`, zero when it is first counted.
    #[inline]
    pub(super) fn of(&mut self, msg_type: u32) -> &mut TypeStats {
        if self.first == Some(msg_type) {
            return &mut self.first_stats;
        }
        self.of_other(msg_type)
    }

    /// [`TypeCounts::of`] for a type that is not the first one counted (or for the first).
    #[cold]
    fn of_other(&mut self, msg_type: u32) -> &mut TypeStats {
        if self.first.is_none() {
            self.first = Some(msg_type);
            return &mut self.first_stats;
        }
        self.others.entry(msg_type).or_default()
    }

    /// Every type's counters, by type.
    pub(super) fn snapshot(&self) -> BTreeMap<u32, TypeStats> {
        let first = self.first.map(|t| (t, self.first_stats.clone()));
        let others = self.others.iter().map(|(&t, s)| (t, s.clone()));
        first.into_iter().chain(others).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first type and the others count alike and come out sorted by type.
    #[test]
    fn every_type_counts_apart_and_comes_out_sorted() {
        let mut counts = TypeCounts::default();
        for t in [7, 3, 7, 9, 3, 7] {
            counts.of(t).sent += 1;
        }
        counts.of(9).returned += 1;
        let snapshot: Vec<_> = counts
            .snapshot()
            .into_iter()
            .map(|(t, s)| (t, s.sent, s.returned))
            .collect();
        assert_eq!(snapshot, vec![(3, 2, 0), (7, 3, 0), (9, 1, 1)]);
    }
}
