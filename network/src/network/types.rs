//! Counters by message type: the first type counted is kept apart from the hash map, and its
//! sends, bits and deliveries are not counted at all but found from the nodes' totals less
//! the other types' counts, so a run of one message type (the common case) counts every
//! send and delivery with one comparison.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

use crate::link::IdHasher;
use crate::stats::TypeStats;

/// No type counted yet (message types are 32-bit).
const NONE: u64 = u64::MAX;

/// The counters of every message type counted so far.
#[derive(Debug)]
pub(super) struct TypeCounts {
    /// The first type counted, or [`NONE`].
    first: u64,
    /// Its messages returned to sender (its other counters come from the totals).
    first_returned: u64,
    /// The counters of every other type.
    others: HashMap<u32, TypeStats, BuildHasherDefault<IdHasher>>,
}

impl Default for TypeCounts {
    fn default() -> Self {
        Self {
            first: NONE,
            first_returned: 0,
            others: HashMap::default(),
        }
    }
}

/// What the nodes counted, summed over all types: messages sent and their bits, and those
/// placed in an inbox that were not returned ones.
#[derive(Debug, Default)]
pub(super) struct Totals {
    pub(super) sent: u64,
    pub(super) bits: u64,
    pub(super) delivered: u64,
}

impl TypeCounts {
    /// A message of `msg_type` and `bits` bits was sent.
    #[inline(always)]
    pub(super) fn sent(&mut self, msg_type: u32, bits: u64) {
        if u64::from(msg_type) != self.first {
            self.sent_other(msg_type, bits);
        }
    }

    /// [`TypeCounts::sent`] of a type other than the first (or of the first type itself).
    #[cold]
    #[inline(never)]
    fn sent_other(&mut self, msg_type: u32, bits: u64) {
        if self.first == NONE {
            self.first = u64::from(msg_type);
            return;
        }
        let stats = self.others.entry(msg_type).or_default();
        stats.sent += 1;
        stats.bits += bits;
    }

    /// A message of `msg_type`, not a returned one, was placed in an inbox.
    #[inline(always)]
    pub(super) fn delivered(&mut self, msg_type: u32) {
        if u64::from(msg_type) != self.first {
            self.delivered_other(msg_type);
        }
    }

    /// [`TypeCounts::delivered`] of a type other than the first.
    #[cold]
    #[inline(never)]
    fn delivered_other(&mut self, msg_type: u32) {
        self.others.entry(msg_type).or_default().delivered += 1;
    }

    /// A message of `msg_type` was returned to its sender.
    pub(super) fn returned(&mut self, msg_type: u32) {
        if u64::from(msg_type) == self.first {
            self.first_returned += 1;
        } else {
            self.others.entry(msg_type).or_default().returned += 1;
        }
    }

    /// Every type's counters, by type, the first type's from the nodes' `totals`.
    pub(super) fn snapshot(&self, totals: &Totals) -> BTreeMap<u32, TypeStats> {
        let mut types: BTreeMap<u32, TypeStats> =
            self.others.iter().map(|(&t, s)| (t, s.clone())).collect();
        if let Ok(first) = u32::try_from(self.first) {
            let others = |count: fn(&TypeStats) -> u64| types.values().map(count).sum::<u64>();
            let stats = TypeStats {
                sent: totals.sent - others(|s| s.sent),
                bits: totals.bits - others(|s| s.bits),
                delivered: totals.delivered - others(|s| s.delivered),
                returned: self.first_returned,
            };
            types.insert(first, stats);
        }
        types
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first type and the others count alike and come out sorted by type, the first
    /// type's sends, bits and deliveries being the totals less the others'.
    #[test]
    fn every_type_counts_apart_and_comes_out_sorted() {
        let mut counts = TypeCounts::default();
        let mut totals = Totals::default();
        for t in [7, 3, 7, 9, 3, 7] {
            counts.sent(t, u64::from(t));
            totals.sent += 1;
            totals.bits += u64::from(t);
        }
        for t in [7, 9, 7] {
            counts.delivered(t);
            totals.delivered += 1;
        }
        counts.returned(9);
        counts.returned(7);
        let snapshot: Vec<_> = counts
            .snapshot(&totals)
            .into_iter()
            .map(|(t, s)| (t, s.sent, s.bits, s.delivered, s.returned))
            .collect();
        assert_eq!(
            snapshot,
            vec![(3, 2, 6, 0, 0), (7, 3, 21, 2, 1), (9, 1, 9, 1, 1)]
        );
    }
}
