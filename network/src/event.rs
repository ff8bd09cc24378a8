//! The queue of internal events, ordered by time then by scheduling order.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use crate::packet::PacketKey;
use crate::port::Direction;
use crate::time::Time;

/// Something the network does at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The packet is ready at a router to start on this link.
    Ready {
        /// The packet.
        packet: PacketKey,
        /// The link id it takes next.
        link: u32,
    },
    /// The packet is ready for a NIC port.
    Port {
        /// The packet.
        packet: PacketKey,
        /// The node whose NIC it is.
        node: u32,
        /// Out of the sender or into the receiver.
        direction: Direction,
    },
    /// The packet's last bit has reached its destination NIC (plus NIC latency).
    Deliver {
        /// The packet.
        packet: PacketKey,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    time: Time,
    seq: u64,
    event: Event,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: the earliest (time, seq) must compare greatest.
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Pending events; equal times come out in the order they were scheduled.
///
/// Most events are scheduled in time order (a delivery a fixed time after its send, the
/// sends in the engine's order), so those that come no earlier than the last one in `run`
/// are appended there, a ring buffer sorted by construction (a later push has a larger
/// sequence number), at the cost of one comparison; only the others go into the heap. The
/// earliest event is the earlier of the two fronts.
#[derive(Debug, Default)]
pub struct EventQueue {
    run: VecDeque<Entry>,
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl EventQueue {
    /// Schedules `event` at `time`.
    pub fn push(&mut self, time: Time, event: Event) {
        let entry = Entry {
            time,
            seq: self.seq,
            event,
        };
        self.seq += 1;
        match self.run.back() {
            Some(last) if last.time > time => self.heap.push(entry),
            _ => self.run.push_back(entry),
        }
    }

    /// The earliest event, and whether it is the front of `run` (else the top of `heap`).
    fn first(&self) -> Option<(&Entry, bool)> {
        match (self.run.front(), self.heap.peek()) {
            (Some(a), Some(b)) if b > a => Some((b, false)),
            (Some(a), _) => Some((a, true)),
            (None, b) => b.map(|b| (b, false)),
        }
    }

    /// The time of the earliest event.
    pub fn peek_time(&self) -> Option<Time> {
        self.first().map(|(e, _)| e.time)
    }

    /// Removes and returns the earliest event if it is due at or before `until`.
    pub fn pop_until(&mut self, until: Time) -> Option<(Time, Event)> {
        let (first, in_run) = self.first()?;
        if first.time > until {
            return None;
        }
        let entry = if in_run {
            self.run.pop_front()
        } else {
            self.heap.pop()
        };
        entry.map(|e| (e.time, e.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use slotmap::KeyData;

    fn deliver(n: u64) -> Event {
        Event::Deliver {
            packet: KeyData::from_ffi(n).into(),
        }
    }

    #[test]
    fn earliest_first_then_fifo() {
        let mut q = EventQueue::default();
        q.push(5, deliver(1));
        q.push(3, deliver(2));
        q.push(5, deliver(3));
        q.push(3, deliver(4));
        assert_eq!(q.peek_time(), Some(3));
        let order: Vec<_> = std::iter::from_fn(|| q.pop_until(10)).collect();
        assert_eq!(
            order,
            vec![
                (3, deliver(2)),
                (3, deliver(4)),
                (5, deliver(1)),
                (5, deliver(3))
            ]
        );
    }

    proptest! {
        /// The queue gives the same order as sorting by (time, scheduling order).
        #[test]
        fn matches_a_sorted_reference(steps in proptest::collection::vec((0u64..50, 0u8..4), 1..400)) {
            let mut q = EventQueue::default();
            let mut reference = std::collections::BTreeSet::new();
            let mut now = 0;
            for (seq, (delta, pops)) in (0u64..).zip(steps) {
                q.push(now + delta, deliver(seq));
                reference.insert((now + delta, seq));
                for _ in 0..pops {
                    let until = now + 10;
                    let expected = reference.first().copied().filter(|&(t, _)| t <= until);
                    prop_assert_eq!(q.peek_time(), reference.first().map(|&(t, _)| t));
                    let got = q.pop_until(until);
                    prop_assert_eq!(got, expected.map(|(t, n)| (t, deliver(n))));
                    if let Some(first) = expected {
                        reference.remove(&first);
                        now = first.0;
                    } else {
                        now = until;
                    }
                }
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
            q.push(t, deliver(n));
        }
        assert_eq!((q.run.len(), q.heap.len()), (4, 0));
        q.push(4, deliver(5));
        assert_eq!((q.run.len(), q.heap.len()), (4, 1));
        q.push(9, deliver(6));
        assert_eq!((q.run.len(), q.heap.len()), (5, 1));
        let order: Vec<_> = std::iter::from_fn(|| q.pop_until(9)).collect();
        let expected = [(3, 1), (3, 2), (4, 5), (5, 3), (9, 4), (9, 6)];
        assert_eq!(order, expected.map(|(t, n)| (t, deliver(n))));
    }

    #[test]
    fn pop_until_respects_bound() {
        let mut q = EventQueue::default();
        q.push(7, deliver(1));
        assert_eq!(q.pop_until(6), None);
        assert_eq!(q.pop_until(7), Some((7, deliver(1))));
    }
}
