//! The times of the messages nodes sent ahead of the engine, and which stations sent them.
//!
//! A message a node sent ahead enters the network at its send time where the engine would
//! have handled the node's event there: after the events of lower targets at that time and
//! before those of higher ones. Instead of an engine event per message, the simulation keeps
//! the senders here per time and hands each message over just before the first event at
//! its time whose target is higher than its sender's (one engine event per distinct time,
//! at the highest target, hands over the rest). All the sends of a time are known before
//! the engine reaches it: a node sends ahead only at times after the engine's.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::BuildHasherDefault;

use crate::engine::queue::TimeHasher;
use crate::time::Time;

/// How many of the times sends were last noted at are remembered: a round's nodes send at
/// the same few times, one after the other.
const RECENT: usize = 8;

/// The stations with a message sent ahead, per send time; the current time's in station
/// order. Emptied lists are recycled, so steady traffic allocates nothing.
#[derive(Debug, Default)]
pub struct SendTimes {
    /// The slot of each waiting time's list.
    by_time: HashMap<Time, usize, BuildHasherDefault<TimeHasher>>,
    /// The lists, in use or spare.
    slots: Vec<Vec<u32>>,
    /// The spare slots (their lists empty).
    spare: Vec<usize>,
    /// Times sends were noted at lately, with their slots, so that most sends need no
    /// look-up; the oldest is replaced first.
    recent: [Option<(Time, usize)>; RECENT],
    oldest: usize,
    /// Where the search of `recent` starts.
    hint: usize,
    due: Vec<u32>,
    due_at: Option<Time>,
    next: usize,
}

impl SendTimes {
    /// Adds a send of station `station` at `at`, a time the engine has not reached; true
    /// when `at` is a new time (whose engine event the caller schedules).
    #[inline(always)]
    pub fn insert(&mut self, at: Time, station: u32) -> bool {
        // From the one after the last found: each sender goes through the same times.
        let known =
            (0..RECENT)
                .map(|k| (self.hint + k) % RECENT)
                .find_map(|k| match self.recent[k] {
                    Some((t, slot)) if t == at => Some((k, slot)),
                    _ => None,
                });
        if let Some((k, slot)) = known {
            self.hint = (k + 1) % RECENT;
            self.slots[slot].push(station);
            return false;
        }
        self.insert_new(at, station)
    }

    /// [`SendTimes::insert`] of a time not among the recent ones.
    #[inline(never)]
    fn insert_new(&mut self, at: Time, station: u32) -> bool {
        let (slot, new) = match self.by_time.entry(at) {
            Entry::Occupied(known) => (*known.get(), false),
            Entry::Vacant(new) => {
                let slot = self.spare.pop().unwrap_or_else(|| {
                    self.slots.push(Vec::new());
                    self.slots.len() - 1
                });
                (*new.insert(slot), true)
            }
        };
        self.slots[slot].push(station);
        self.recent[self.oldest] = Some((at, slot));
        self.oldest = (self.oldest + 1) % RECENT;
        self.hint = self.oldest;
        new
    }

    /// The next station whose send at `now` comes before an event of `target` at `now`
    /// (station `i` is target `i + 1`), taken from the list.
    pub fn next_before(&mut self, now: Time, target: u32) -> Option<u32> {
        if self.due_at != Some(now) {
            self.open(now);
        }
        let &station = self.due.get(self.next)?;
        (u64::from(station) + 1 < u64::from(target)).then(|| {
            self.next += 1;
            station
        })
    }

    /// Makes `now`'s senders, in station order, the ones handed over next.
    fn open(&mut self, now: Time) {
        self.due_at = Some(now);
        self.next = 0;
        let Some(slot) = self.by_time.remove(&now) else {
            self.due.clear();
            return;
        };
        for r in &mut self.recent {
            if r.is_some_and(|(t, _)| t == now) {
                *r = None;
            }
        }
        let stations = &mut self.slots[slot];
        // A few ascending runs (each round's nodes send ahead in station order), which the
        // stable sort merges.
        stations.sort();
        std::mem::swap(&mut self.due, stations);
        stations.clear();
        self.spare.push(slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senders_come_out_in_station_order_before_higher_targets_only() {
        let mut sends = SendTimes::default();
        assert!(sends.insert(20, 7));
        assert!(!sends.insert(20, 2));
        assert!(sends.insert(10, 4));
        assert!(!sends.insert(20, 5));
        // At 10: station 4 is target 5, so it goes before target 6 but not before 5.
        assert_eq!(sends.next_before(10, 5), None);
        assert_eq!(sends.next_before(10, 6), Some(4));
        assert_eq!(sends.next_before(10, u32::MAX), None);
        // At 20, before target 6: station 2 (target 3), not 5 (target 6); the rest after.
        assert_eq!(sends.next_before(20, 6), Some(2));
        assert_eq!(sends.next_before(20, 6), None);
        assert_eq!(sends.next_before(20, u32::MAX), Some(5));
        assert_eq!(sends.next_before(20, u32::MAX), Some(7));
        assert_eq!(sends.next_before(20, u32::MAX), None);
        // A time with no sends hands over nothing; each new time takes its own senders.
        assert_eq!(sends.next_before(30, u32::MAX), None);
        assert!(sends.insert(20, 1));
        assert_eq!(sends.next_before(20, u32::MAX), Some(1));
    }
}
