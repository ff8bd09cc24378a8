//! A NIC's queues of times: a min-heap whose first few entries live inside the NIC's own
//! record, so that the usual handful of pending times costs no access to memory elsewhere.

use smallvec::SmallVec;

use crate::time::Time;

/// Times kept inline before the heap spills to an allocation: a node rarely has more
/// packets in its transmit queue, or deliveries scheduled to it, at once.
const INLINE: usize = 4;

/// A multiset of times, smallest first out (a binary min-heap).
#[derive(Debug, Clone, Default)]
pub struct TimeHeap {
    heap: SmallVec<[Time; INLINE]>,
}

impl TimeHeap {
    /// Number of times held.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// The smallest time.
    pub fn peek(&self) -> Option<Time> {
        self.heap.first().copied()
    }

    /// Every time held, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = Time> + '_ {
        self.heap.iter().copied()
    }

    /// Adds `t`.
    pub fn push(&mut self, t: Time) {
        self.heap.push(t);
        // Sifted on the slice, which decides once whether the times are inline.
        let heap = self.heap.as_mut_slice();
        let mut i = heap.len() - 1;
        while i > 0 {
            let parent = (i - 1) / 2;
            if heap[parent] <= t {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = t;
    }

    /// Removes and returns the smallest time.
    pub fn pop(&mut self) -> Option<Time> {
        let last = self.heap.pop()?;
        let heap = self.heap.as_mut_slice();
        let Some(&top) = heap.first() else {
            return Some(last);
        };
        let n = heap.len();
        let mut i = 0;
        loop {
            let left = 2 * i + 1;
            if left >= n {
                break;
            }
            let right = left + 1;
            let child = if right < n && heap[right] < heap[left] {
                right
            } else {
                left
            };
            if heap[child] >= last {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        Some(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    proptest! {
        /// Gives what a standard binary heap of the same times gives, inline and spilled.
        #[test]
        fn matches_a_binary_heap(ops in proptest::collection::vec(proptest::option::of(0u64..30), 0..300)) {
            let mut heap = TimeHeap::default();
            let mut reference = BinaryHeap::new();
            for op in ops {
                match op {
                    Some(t) => {
                        heap.push(t);
                        reference.push(Reverse(t));
                    }
                    None => prop_assert_eq!(heap.pop(), reference.pop().map(|r| r.0)),
                }
                prop_assert_eq!(heap.peek(), reference.peek().map(|r| r.0));
                prop_assert_eq!(heap.len(), reference.len());
                let mut held: Vec<Time> = heap.iter().collect();
                let mut want: Vec<Time> = reference.iter().map(|r| r.0).collect();
                held.sort_unstable();
                want.sort_unstable();
                prop_assert_eq!(held, want);
            }
        }
    }
}
