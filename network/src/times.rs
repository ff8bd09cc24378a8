//! A small multiset of times with its earliest and latest: a NIC's first hops that have not
//! ended, whose number its transmit queue bounds.

use crate::time::Time;

/// Times in no order, with their earliest and latest (`Time::MAX` and 0 when empty), so
/// that dropping those at or before a time is one comparison when all or none of them go,
/// as they most often do.
#[derive(Debug)]
pub struct Times {
    times: Vec<Time>,
    min: Time,
    max: Time,
}

impl Default for Times {
    fn default() -> Self {
        Self {
            times: Vec::new(),
            min: Time::MAX,
            max: 0,
        }
    }
}

impl Times {
    /// Adds `t`.
    #[inline(always)]
    pub fn push(&mut self, t: Time) {
        self.min = self.min.min(t);
        self.max = self.max.max(t);
        self.times.push(t);
    }

    /// Removes the times at or before `now`.
    #[inline(always)]
    pub fn drop_until(&mut self, now: Time) {
        if now < self.min {
            return;
        }
        if now >= self.max {
            self.times.clear();
            (self.min, self.max) = (Time::MAX, 0);
            return;
        }
        self.drop_some(now);
    }

    /// [`Times::drop_until`] of a time between the earliest and the latest.
    #[cold]
    #[inline(never)]
    fn drop_some(&mut self, now: Time) {
        self.times.retain(|&t| t > now);
        self.min = self.times.iter().copied().min().unwrap_or(Time::MAX);
        self.max = self.times.iter().copied().max().unwrap_or(0);
    }

    /// The earliest time.
    #[inline(always)]
    pub fn first(&self) -> Option<Time> {
        (!self.times.is_empty()).then_some(self.min)
    }

    /// Number of times.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Number of times after `now`.
    #[inline(always)]
    pub fn after(&self, now: Time) -> usize {
        if now >= self.max {
            0
        } else if now < self.min {
            self.times.len()
        } else {
            self.times.iter().filter(|&&t| t > now).count()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The set answers as a plain list of its times does, whatever the order they come
        /// in and are dropped.
        #[test]
        fn matches_a_list(steps in proptest::collection::vec((0u64..40, 0u8..3), 1..300)) {
            let mut times = Times::default();
            let mut reference: Vec<Time> = Vec::new();
            for (t, op) in steps {
                if op == 0 {
                    times.drop_until(t);
                    reference.retain(|&x| x > t);
                } else {
                    times.push(t);
                    reference.push(t);
                }
                prop_assert_eq!(times.first(), reference.iter().copied().min());
                prop_assert_eq!(times.len(), reference.len());
                prop_assert_eq!(times.after(t), reference.iter().filter(|&&x| x > t).count());
            }
        }
    }
}
