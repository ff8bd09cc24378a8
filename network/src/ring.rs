//! A first-in first-out ring buffer that writes an item straight into its slot: the
//! standard `VecDeque` builds a large item on the stack and copies it in through a call.

/// Items in the order they were pushed. The slots are `Option`s (`None` when free) and
/// their number a power of two, so that an index wraps with a mask.
#[derive(Debug)]
pub struct Ring<T> {
    slots: Vec<Option<T>>,
    /// The slot of the first item.
    head: usize,
    len: usize,
}

impl<T> Default for Ring<T> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            head: 0,
            len: 0,
        }
    }
}

impl<T> Ring<T> {
    /// The slot `k` places after the first item's.
    #[inline(always)]
    fn slot(&self, k: usize) -> usize {
        (self.head + k) & (self.slots.len().wrapping_sub(1))
    }

    /// Appends `item`.
    #[inline(always)]
    pub fn push_back(&mut self, item: T) {
        if self.len == self.slots.len() {
            self.grow();
        }
        let at = self.slot(self.len);
        self.slots[at] = Some(item);
        self.len += 1;
    }

    /// Doubles the slots (16 at first), the items moved to the start in order.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let capacity = (self.slots.len() * 2).max(16);
        let mut slots = Vec::with_capacity(capacity);
        for k in 0..self.len {
            let at = self.slot(k);
            slots.push(self.slots[at].take());
        }
        slots.resize_with(capacity, || None);
        self.slots = slots;
        self.head = 0;
    }

    /// The first item.
    #[inline(always)]
    pub fn front(&self) -> Option<&T> {
        if self.len == 0 {
            return None;
        }
        self.slots[self.head].as_ref()
    }

    /// Removes and returns the first item.
    #[inline(always)]
    pub fn pop_front(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        let item = self.slots[self.head].take();
        self.head = self.slot(1);
        self.len -= 1;
        item
    }

    /// Number of items.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::VecDeque;

    proptest! {
        /// The ring behaves as a `VecDeque` used at both ends the same way, across growth
        /// with the items wrapped around the end of the slots.
        #[test]
        fn matches_a_vec_deque(steps in proptest::collection::vec(0u8..3, 1..400)) {
            let mut ring = Ring::default();
            let mut reference = VecDeque::new();
            for (n, step) in steps.into_iter().enumerate() {
                if step == 0 {
                    prop_assert_eq!(ring.pop_front(), reference.pop_front());
                } else {
                    ring.push_back(n);
                    reference.push_back(n);
                }
                prop_assert_eq!(ring.len(), reference.len());
                prop_assert_eq!(ring.front(), reference.front());
            }
        }
    }
}
