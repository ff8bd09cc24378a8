//! The queue of internal events, ordered by time then by scheduling order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use slotmap::{DefaultKey, SlotMap};

use crate::packet::Packet;
use crate::port::Direction;
use crate::ring::Ring;
use crate::time::Time;

/// Something the network does at a given time, with the packet it moves: every packet in
/// flight is held by the one event that moves it next.
#[derive(Debug, Clone)]
pub enum Event {
    /// The packet is ready at a router to start on this link.
    Ready {
        /// The packet.
        packet: Packet,
        /// The link id it takes next.
        link: u32,
    },
    /// The packet is ready for a NIC port.
    Port {
        /// The packet.
        packet: Packet,
        /// The node whose NIC it is.
        node: u32,
        /// Out of the sender or into the receiver.
        direction: Direction,
    },
    /// The packet's last bit has reached its destination NIC (plus NIC latency).
    Deliver {
        /// The packet.
        packet: Packet,
    },
}

/// An item of the sorted run, due at `time`, scheduled `seq`-th.
#[derive(Debug)]
struct Entry<T> {
    time: Time,
    seq: u64,
    item: T,
}

/// A heap entry: the item itself waits in [`EventQueue::parked`], so that the heap moves
/// only these few bytes whatever the item's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parked {
    time: Time,
    seq: u64,
    key: DefaultKey,
}

impl Ord for Parked {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: the earliest (time, seq) must compare greatest.
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

impl PartialOrd for Parked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Pending items (the network's [`Event`]s); equal times come out in the order they were
/// scheduled.
///
/// Most events are scheduled in time order (a delivery a fixed time after its send, the
/// sends in the engine's order), so those that come no earlier than the last one in `run`
/// are appended there, a ring buffer sorted by construction (a later push has a larger
/// sequence number), at the cost of one comparison; only the others go into the heap. The
/// earliest event is the earlier of the two fronts.
#[derive(Debug)]
pub struct EventQueue<T> {
    run: Ring<Entry<T>>,
    /// The time of the last item appended to `run` (its back while it has one).
    last: Time,
    heap: BinaryHeap<Parked>,
    /// The items of the heap's entries.
    parked: SlotMap<DefaultKey, T>,
    seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        Self {
            run: Ring::default(),
            last: 0,
            heap: BinaryHeap::new(),
            parked: SlotMap::new(),
            seq: 0,
        }
    }
}

impl<T> EventQueue<T> {
    /// Schedules `item` at `time`.
    #[inline(always)]
    pub fn push(&mut self, time: Time, item: T) {
        let seq = self.seq;
        self.seq += 1;
        if time >= self.last || self.run.len() == 0 {
            self.last = time;
            self.run.push_back(Entry { time, seq, item });
        } else {
            self.park(time, seq, item);
        }
    }

    /// Puts `item`, due before the last one of the run, in the heap.
    #[inline(never)]
    fn park(&mut self, time: Time, seq: u64, item: T) {
        let key = self.parked.insert(item);
        self.heap.push(Parked { time, seq, key });
    }

    /// The time of the earliest item, and whether it is the front of `run` (else the top
    /// of `heap`).
    #[inline(always)]
    fn first(&self) -> Option<(Time, bool)> {
        match (self.run.front(), self.heap.peek()) {
            (Some(a), Some(b)) if (b.time, b.seq) < (a.time, a.seq) => Some((b.time, false)),
            (Some(a), _) => Some((a.time, true)),
            (None, b) => b.map(|b| (b.time, false)),
        }
    }

    /// The time of the earliest item.
    #[inline(always)]
    pub fn peek_time(&self) -> Option<Time> {
        self.first().map(|(time, _)| time)
    }

    /// Removes and returns the earliest item if it is due at or before `until`.
    #[inline]
    pub fn pop_until(&mut self, until: Time) -> Option<(Time, T)> {
        let (time, in_run) = self.first()?;
        if time > until {
            return None;
        }
        if in_run {
            self.run.pop_front().map(|e| (e.time, e.item))
        } else {
            let top = self.heap.pop()?;
            self.parked.remove(top.key).map(|item| (top.time, item))
        }
    }

    /// Number of items scheduled.
    pub fn len(&self) -> usize {
        self.run.len() + self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn earliest_first_then_fifo() {
        let mut q = EventQueue::default();
        q.push(5, 1);
        q.push(3, 2);
        q.push(5, 3);
        q.push(3, 4);
        assert_eq!(q.peek_time(), Some(3));
        assert_eq!(q.len(), 4);
        let order: Vec<_> = std::iter::from_fn(|| q.pop_until(10)).collect();
        assert_eq!(order, vec![(3, 2), (3, 4), (5, 1), (5, 3)]);
        assert_eq!(q.len(), 0);
    }

    proptest! {
        /// The queue gives the same order as sorting by (time, scheduling order).
        #[test]
        fn matches_a_sorted_reference(steps in proptest::collection::vec((0u64..50, 0u8..4), 1..400)) {
            let mut q = EventQueue::default();
            let mut reference = std::collections::BTreeSet::new();
            let mut now = 0;
            for (seq, (delta, pops)) in (0u64..).zip(steps) {
                q.push(now + delta, seq);
                reference.insert((now + delta, seq));
                for _ in 0..pops {
                    let until = now + 10;
                    let expected = reference.first().copied().filter(|&(t, _)| t <= until);
                    prop_assert_eq!(q.peek_time(), reference.first().map(|&(t, _)| t));
                    prop_assert_eq!(q.pop_until(until), expected);
                    if let Some(first) = expected {
                        reference.remove(&first);
                        now = first.0;
                    } else {
                        now = until;
                    }
                }
                prop_assert_eq!(q.len(), reference.len());
            }
        }
    }

    /// As the queue's documentation says: an event no earlier than the last one in the
    /// sorted run (an equal time included) is appended to it; only an earlier one goes into
    /// the heap.
    #[test]
    fn events_in_time_order_stay_out_of_the_heap() {
        let mut q = EventQueue::default();
        for (n, t) in [(1, 3), (2, 3), (3, 5), (4, 9)] {
            q.push(t, n);
        }
        assert_eq!((q.run.len(), q.heap.len()), (4, 0));
        q.push(4, 5);
        assert_eq!((q.run.len(), q.heap.len(), q.parked.len()), (4, 1, 1));
        q.push(9, 6);
        assert_eq!((q.run.len(), q.heap.len()), (5, 1));
        let order: Vec<_> = std::iter::from_fn(|| q.pop_until(9)).collect();
        assert_eq!(order, [(3, 1), (3, 2), (4, 5), (5, 3), (9, 4), (9, 6)]);
        assert!(q.parked.is_empty());
    }

    #[test]
    fn pop_until_respects_bound() {
        let mut q = EventQueue::default();
        q.push(7, 1);
        assert_eq!(q.pop_until(6), None);
        assert_eq!(q.pop_until(7), Some((7, 1)));
    }
}
