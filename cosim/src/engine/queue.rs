//! The event queue: one bucket per distinct time (aether's Remark 2).
//!
//! Many nodes share one clock, so many events share one time. Instead of a
//! binary heap ordered by `(time, key)`, which pays `O(log n)` comparisons per
//! event, the queue keeps one bucket per distinct time, found through a hash map,
//! and a binary heap of the distinct times. Scheduling is an amortised `O(1)` push
//! onto the bucket of its time (plus one heap push per distinct time); popping takes
//! a whole bucket at once, which the engine then orders by `(target, seq)`. A bucket
//! is a list of fixed-size chunks drawn from one pool: a crowded time takes more
//! chunks instead of copying its events into a larger vector, a quiet one holds one
//! chunk, and emptied chunks go back to the pool. Neither the pool, the map nor the
//! heap gives back its storage, so a steady state allocates nothing.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::time::Time;

/// Events per chunk of a bucket.
const CHUNK: usize = 64;

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

/// The first and the last chunk of a waiting time's bucket.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    first: usize,
    last: usize,
}

/// A priority queue of events keyed by time, with one FIFO bucket per distinct time.
#[derive(Debug)]
pub struct BucketQueue<E> {
    times: BinaryHeap<Reverse<Time>>,
    /// The chunks of each waiting time's bucket.
    buckets: HashMap<Time, Bucket, BuildHasherDefault<TimeHasher>>,
    /// The chunks, in use or spare; each has room for [`CHUNK`] events and never grows.
    chunks: Vec<Vec<Scheduled<E>>>,
    /// The chunk after each chunk in its bucket (meaningless for a bucket's last).
    next: Vec<usize>,
    /// The spare chunks (empty).
    spare: Vec<usize>,
    /// The time pushed to last and the last chunk of its bucket: events come in runs of
    /// one time (many nodes share a clock), which then need no look-up.
    last: Option<(Time, usize)>,
    len: usize,
    next_seq: u64,
}

impl<E> Default for BucketQueue<E> {
    fn default() -> Self {
        BucketQueue {
            times: BinaryHeap::new(),
            buckets: HashMap::default(),
            chunks: Vec::new(),
            next: Vec::new(),
            spare: Vec::new(),
            last: None,
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
        let chunk = match self.last {
            Some((last, chunk)) if last == time => chunk,
            _ => self.last_chunk(time),
        };
        if self.chunks[chunk].len() < CHUNK {
            self.chunks[chunk].push(event);
        } else {
            self.push_chunk(time, chunk, event);
        }
        self.len += 1;
        seq
    }

    /// The last chunk of `time`'s bucket, a spare one if the time is new; remembered as
    /// the last.
    fn last_chunk(&mut self, time: Time) -> usize {
        let chunk = match self.buckets.entry(time) {
            Entry::Occupied(known) => known.get().last,
            Entry::Vacant(new) => {
                let chunk = Self::spare_chunk(&mut self.spare, &mut self.chunks, &mut self.next);
                self.times.push(Reverse(time));
                new.insert(Bucket {
                    first: chunk,
                    last: chunk,
                })
                .last
            }
        };
        self.last = Some((time, chunk));
        chunk
    }

    /// Appends `event` to `time`'s bucket in a new chunk after `full`, its last one.
    #[cold]
    #[inline(never)]
    fn push_chunk(&mut self, time: Time, full: usize, event: Scheduled<E>) {
        let chunk = Self::spare_chunk(&mut self.spare, &mut self.chunks, &mut self.next);
        self.next[full] = chunk;
        if let Some(bucket) = self.buckets.get_mut(&time) {
            bucket.last = chunk;
        }
        self.chunks[chunk].push(event);
        self.last = Some((time, chunk));
    }

    /// A spare chunk, or a new one if there is none.
    fn spare_chunk(
        spare: &mut Vec<usize>,
        chunks: &mut Vec<Vec<Scheduled<E>>>,
        next: &mut Vec<usize>,
    ) -> usize {
        spare.pop().unwrap_or_else(|| {
            chunks.push(Vec::with_capacity(CHUNK));
            next.push(0);
            chunks.len() - 1
        })
    }

    /// The earliest time with an event waiting.
    pub fn peek_time(&self) -> Option<Time> {
        self.times.peek().map(|t| t.0)
    }

    /// Moves every event of the earliest time into `out` (cleared first), in scheduling order.
    pub fn pop_bucket(&mut self, out: &mut Vec<Scheduled<E>>) -> Option<Time> {
        out.clear();
        let Reverse(time) = self.times.pop()?;
        let bucket = self.buckets.remove(&time)?;
        if self.last.is_some_and(|(last, _)| last == time) {
            self.last = None;
        }
        let mut chunk = bucket.first;
        loop {
            out.append(&mut self.chunks[chunk]);
            self.spare.push(chunk);
            if chunk == bucket.last {
                break;
            }
            chunk = self.next[chunk];
        }
        self.len -= out.len();
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

    /// A crowded time takes several chunks, in order, and gives them back: the same
    /// rounds again take no new chunk.
    #[test]
    fn crowded_times_take_chunks_from_the_pool_and_give_them_back() {
        let mut q = BucketQueue::new();
        let mut out = Vec::new();
        for round in 0..2 {
            for n in 0..3 * CHUNK as u32 {
                q.push(10, n, ());
                q.push(20 + u64::from(n % 3), n, ());
            }
            assert_eq!(q.pop_bucket(&mut out), Some(10));
            let targets: Vec<u32> = out.iter().map(|e| e.target).collect();
            assert_eq!(targets, (0..3 * CHUNK as u32).collect::<Vec<_>>());
            for t in 20..23 {
                assert_eq!(q.pop_bucket(&mut out), Some(t));
                assert_eq!(out.len(), CHUNK);
            }
            assert!(q.is_empty());
            assert_eq!(q.chunks.len(), 6, "round {round}");
            assert!(q.chunks.iter().all(|c| c.capacity() == CHUNK));
        }
    }

    /// Fed the states of splitmix64 seeded with 0 (multiples of its increment
    /// `0x9e3779b97f4a7c15`), the hasher gives that generator's published first four
    /// outputs, whether the state comes as a `u64` or as its big-endian bytes.
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
