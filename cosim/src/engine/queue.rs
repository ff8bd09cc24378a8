//! The event queue: one bucket per distinct time (aether's Remark 2).
//!
//! Many nodes share one clock, so many events share one time. Instead of a
//! binary heap ordered by `(time, key)`, which pays `O(log n)` comparisons per
//! event, the queue keeps one bucket (a plain vector) per distinct time, found
//! through a hash map, and a binary heap of the distinct times. Scheduling is an
//! amortised `O(1)` push onto the bucket of its time (plus one heap push per
//! distinct time); popping takes a whole bucket at once, which the engine then
//! orders by `(target, seq)`. Emptied bucket vectors are recycled, each with room for
//! the most events one time has held, and neither the map nor the heap gives back its
//! storage, so a steady state allocates nothing.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::time::Time;

/// One scheduled event: when, for whom, its order key and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheduled<E> {
    /// When the event happens.
    pub time: Time,
    /// The component the event is for (its id is the first tie-break key).
    pub target: u32,
    /// Scheduling sequence number (the second tie-break key); in a round being run, the
    /// engine's order key instead (see `Engine::run_for`).
    pub seq: u64,
    /// What happens.
    pub payload: E,
}

/// Hashes a time with the splitmix64 finaliser: times are multiples of clock periods,
/// whose low bits are often all zero, and the map needs every bit mixed into the low ones.
#[derive(Default)]
pub(crate) struct TimeHasher(u64);

impl Hasher for TimeHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A priority queue of events keyed by time, with one FIFO bucket per distinct time.
#[derive(Debug)]
pub struct BucketQueue<E> {
    times: BinaryHeap<Reverse<Time>>,
    /// The slot of each waiting time's bucket.
    buckets: HashMap<Time, usize, BuildHasherDefault<TimeHasher>>,
    /// The buckets, in use or spare.
    slots: Vec<Vec<Scheduled<E>>>,
    /// The spare slots (their buckets empty).
    spare: Vec<usize>,
    /// The time and slot of the bucket pushed to last: events come in runs of one time
    /// (many nodes share a clock), which then need no look-up.
    last: Option<(Time, usize)>,
    /// The most events one time has held: every bucket, spare or in use, has room for
    /// at least this many, so a steady state's buckets never grow.
    widest: usize,
    len: usize,
    next_seq: u64,
}

impl<E> Default for BucketQueue<E> {
    fn default() -> Self {
        BucketQueue {
            times: BinaryHeap::new(),
            buckets: HashMap::default(),
            slots: Vec::new(),
            spare: Vec::new(),
            last: None,
            widest: 0,
            len: 0,
            next_seq: 0,
        }
    }
}

impl<E> BucketQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of events waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is waiting.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Schedules `payload` for `target` at `time`; returns its sequence number.
    #[inline]
    pub fn push(&mut self, time: Time, target: u32, payload: E) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        let event = Scheduled {
            time,
            target,
            seq,
            payload,
        };
        let slot = match self.last {
            Some((last, slot)) if last == time => slot,
            _ => self.slot(time),
        };
        let bucket = &mut self.slots[slot];
        bucket.push(event);
        let held = bucket.len();
        if held > self.widest {
            self.widen(held);
        }
        self.len += 1;
        seq
    }

    /// The slot of `time`'s bucket, a spare one if the time is new; remembered as the last.
    fn slot(&mut self, time: Time) -> usize {
        let slot = match self.buckets.entry(time) {
            Entry::Occupied(known) => *known.get(),
            Entry::Vacant(new) => {
                let slot = self.spare.pop().unwrap_or_else(|| {
                    self.slots.push(Vec::new());
                    self.slots.len() - 1
                });
                self.slots[slot].reserve(self.widest);
                self.times.push(Reverse(time));
                *new.insert(slot)
            }
        };
        self.last = Some((time, slot));
        slot
    }

    /// Records `held` as the most events of one time, and gives every spare bucket room
    /// for that many (those in use get it when they come back): a later time as crowded
    /// then finds its bucket wide enough, and a steady state's buckets never grow.
    fn widen(&mut self, held: usize) {
        self.widest = held;
        for &slot in &self.spare {
            self.slots[slot].reserve(held);
        }
    }

    /// The earliest time with an event waiting.
    pub fn peek_time(&self) -> Option<Time> {
        self.times.peek().map(|t| t.0)
    }

    /// Moves every event of the earliest time into `out` (cleared first), in scheduling order.
    pub fn pop_bucket(&mut self, out: &mut Vec<Scheduled<E>>) -> Option<Time> {
        out.clear();
        let Reverse(time) = self.times.pop()?;
        let slot = self.buckets.remove(&time)?;
        if self.last.is_some_and(|(last, _)| last == time) {
            self.last = None;
        }
        let bucket = &mut self.slots[slot];
        self.len -= bucket.len();
        out.append(bucket);
        bucket.reserve(self.widest);
        self.spare.push(slot);
        Some(time)
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_come_out_in_time_order_and_fifo_within() {
        let mut q = BucketQueue::new();
        q.push(20, 1, 'a');
        q.push(10, 5, 'b');
        q.push(20, 0, 'c');
        q.push(10, 2, 'd');
        assert_eq!(q.len(), 4);
        assert!(!q.is_empty());
        assert_eq!(q.peek_time(), Some(10));
        let mut out = Vec::new();
        assert_eq!(q.pop_bucket(&mut out), Some(10));
        assert_eq!(
            out.iter().map(|e| e.payload).collect::<Vec<_>>(),
            vec!['b', 'd']
        );
        assert_eq!(q.pop_bucket(&mut out), Some(20));
        assert_eq!(
            out.iter().map(|e| (e.payload, e.seq)).collect::<Vec<_>>(),
            vec![('a', 0), ('c', 2)]
        );
        assert!(q.is_empty());
        assert_eq!(q.pop_bucket(&mut out), None);
    }

    /// Fed the states of splitmix64 seeded with 0 (multiples of its increment
    /// `0x9e3779b97f4a7c15`), the hasher gives that generator's published first four
    /// outputs, whether the state comes as a `u64` or as its big-endian bytes.
    #[test]
    fn every_bucket_a_new_time_takes_has_room_for_the_most_one_time_held() {
        let mut q = BucketQueue::new();
        for t in 0..3 {
            q.push(t, 0, ());
        }
        for _ in 0..99 {
            q.push(1, 0, ());
        }
        let mut out = Vec::new();
        q.pop_bucket(&mut out);
        q.pop_bucket(&mut out);
        assert_eq!(out.len(), 100);
        assert_eq!(q.spare.len(), 2);
        assert!(
            q.spare.iter().all(|&s| q.slots[s].capacity() >= 100),
            "spares widened"
        );
        let capacity = |q: &BucketQueue<()>, t: Time| q.slots[q.buckets[&t]].capacity();
        q.push(7, 0, ());
        q.push(8, 0, ());
        assert!(capacity(&q, 7) >= 100 && capacity(&q, 8) >= 100);
        q.push(9, 0, ());
        assert!(capacity(&q, 9) >= 100, "a new bucket too");
    }

    #[test]
    fn the_time_hasher_is_the_splitmix64_finaliser() {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let outputs: [u64; 4] = [
            0xE220_A839_7B1D_CDAF,
            0x6E78_9E6A_A1B9_65F4,
            0x06C4_5D18_8009_454F,
            0xF88B_B8A8_724C_81EC,
        ];
        for (k, want) in (1u64..).zip(outputs) {
            let state = GAMMA.wrapping_mul(k);
            let mut h = TimeHasher::default();
            h.write_u64(state);
            assert_eq!(h.finish(), want, "write_u64, output {k}");
            let mut h = TimeHasher::default();
            h.write(&state.to_be_bytes());
            assert_eq!(h.finish(), want, "write, output {k}");
        }
    }
}
