//! The discrete-event engine: integer time, events `(time, target)`, a horizon and stop conditions.
//!
//! # Order of simultaneous events
//!
//! Events are processed in increasing time. All events that share a time `t`
//! are processed in *rounds*: when `t` becomes current, every event already
//! scheduled for `t` is taken out of the queue and processed in increasing
//! `(target, seq)` order, where `target` is the component id and `seq` the
//! global scheduling sequence number. Events that handlers schedule for the
//! same time `t` while a round runs form the next round at `t`, ordered the
//! same way. The order therefore depends only on what was scheduled, never on
//! hashing, threads or memory addresses.
//!
//! # Horizon
//!
//! The engine's current time is its horizon: history before it is fixed and
//! nothing may be scheduled before it (a request to do so is moved to the
//! horizon).

pub mod queue;

pub use queue::{BucketQueue, Scheduled};

use crate::time::Time;

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// No event was left.
    Exhausted,
    /// The next event lies at or after the time limit.
    TimeLimit,
    /// The model asked to stop (a node halted or faulted, or a user condition held).
    Model,
    /// The user interrupted the run (SIGINT or SIGTERM); it stopped between events.
    Interrupted,
}

/// Where handlers schedule new events.
pub struct Scheduler<'a, E> {
    queue: &'a mut BucketQueue<E>,
    now: Time,
}

impl<E> Scheduler<'_, E> {
    /// The current time (the horizon).
    pub fn now(&self) -> Time {
        self.now
    }

    /// Schedules `payload` for `target` at `time` (moved up to the horizon if earlier).
    pub fn schedule(&mut self, time: Time, target: u32, payload: E) {
        self.queue.push(time.max(self.now), target, payload);
    }

    /// The earliest time of any event still waiting (this round's events excluded).
    pub fn next_time(&self) -> Option<Time> {
        self.queue.peek_time()
    }
}

/// A simulated system driven by the engine.
pub trait Model {
    /// The payload of this model's events.
    type Event;

    /// Handles one event at time `now`.
    fn handle(
        &mut self,
        now: Time,
        target: u32,
        event: Self::Event,
        sched: &mut Scheduler<'_, Self::Event>,
    );

    /// Whether the run should stop now; checked after every event.
    fn should_stop(&self) -> bool {
        false
    }
}

/// The event engine: a bucket queue, the current time and counters.
pub struct Engine<E> {
    queue: BucketQueue<E>,
    round: Vec<Scheduled<E>>,
    now: Time,
    processed: u64,
}

impl<E> Default for Engine<E> {
    fn default() -> Self {
        Engine {
            queue: BucketQueue::new(),
            round: Vec::new(),
            now: 0,
            processed: 0,
        }
    }
}

impl<E> Engine<E> {
    /// An engine at time 0 with no events.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current time (the horizon).
    pub fn now(&self) -> Time {
        self.now
    }

    /// Events processed so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Schedules an event before or between runs.
    pub fn schedule(&mut self, time: Time, target: u32, payload: E) {
        self.queue.push(time.max(self.now), target, payload);
    }

    /// Runs events until the queue is empty, the next event is at or after `until`, or the model stops.
    pub fn run<M: Model<Event = E>>(&mut self, model: &mut M, until: Option<Time>) -> StopReason {
        loop {
            if let Some(reason) = self.run_for(model, until, u64::MAX) {
                return reason;
            }
        }
    }

    /// Like [`Engine::run`], but pauses (returning `None`) at the end of the first round
    /// after which at least `events` events were processed by this call. Pausing never
    /// changes the order of events.
    pub fn run_for<M: Model<Event = E>>(
        &mut self,
        model: &mut M,
        until: Option<Time>,
        events: u64,
    ) -> Option<StopReason> {
        let _span = tracing::debug_span!("engine_run", until).entered();
        let budget_end = self.processed.saturating_add(events);
        let mut round = std::mem::take(&mut self.round);
        let reason = loop {
            if self.processed >= budget_end {
                break None;
            }
            let Some(time) = self.queue.peek_time() else {
                break Some(StopReason::Exhausted);
            };
            if until.is_some_and(|limit| time >= limit) {
                break Some(StopReason::TimeLimit);
            }
            self.queue.pop_bucket(&mut round);
            order_round(&mut round);
            self.now = time;
            tracing::trace!(time, events = round.len(), "round");
            let mut stopped = false;
            let mut pending = round.drain(..);
            for event in pending.by_ref() {
                let mut sched = Scheduler {
                    queue: &mut self.queue,
                    now: time,
                };
                model.handle(time, event.target, event.payload, &mut sched);
                self.processed += 1;
                if model.should_stop() {
                    stopped = true;
                    break;
                }
            }
            let rest: Vec<Scheduled<E>> = pending.collect();
            for event in rest {
                self.queue.push(event.time, event.target, event.payload);
            }
            if stopped {
                break Some(StopReason::Model);
            }
        };
        self.round = round;
        reason
    }
}

/// Orders a round (the events of one time, in scheduling order) by target, then scheduling
/// order. Often the targets are in order already; otherwise each event's `seq` becomes one
/// integer key, its target above its place in the round, which sorts faster than the pair.
fn order_round<E>(round: &mut [Scheduled<E>]) {
    if round.is_sorted_by_key(|e| e.target) {
        return;
    }
    if u32::try_from(round.len()).is_err() {
        round.sort_unstable_by_key(|e| (e.target, e.seq));
        return;
    }
    for (place, e) in round.iter_mut().enumerate() {
        e.seq = (u64::from(e.target) << 32) | place as u64;
    }
    round.sort_unstable_by_key(|e| e.seq);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the order events are handled in; each event may reschedule itself.
    struct Recorder {
        seen: Vec<(Time, u32, &'static str)>,
        stop_after: usize,
    }

    impl Model for Recorder {
        type Event = &'static str;
        fn handle(
            &mut self,
            now: Time,
            target: u32,
            event: &'static str,
            sched: &mut Scheduler<'_, &'static str>,
        ) {
            self.seen.push((now, target, event));
            if event == "again" {
                sched.schedule(now, 0, "same-time");
                sched.schedule(now - 1, 9, "past");
            }
        }
        fn should_stop(&self) -> bool {
            self.seen.len() >= self.stop_after
        }
    }

    #[test]
    fn simultaneous_events_follow_target_then_sequence_in_rounds() {
        let mut engine = Engine::new();
        engine.schedule(5, 3, "c");
        engine.schedule(5, 1, "again");
        engine.schedule(5, 1, "b");
        engine.schedule(2, 7, "a");
        let mut model = Recorder {
            seen: vec![],
            stop_after: usize::MAX,
        };
        assert_eq!(engine.run(&mut model, None), StopReason::Exhausted);
        assert_eq!(
            model.seen,
            vec![
                (2, 7, "a"),
                (5, 1, "again"),
                (5, 1, "b"),
                (5, 3, "c"),
                (5, 0, "same-time"),
                (5, 9, "past"),
            ]
        );
        assert_eq!(engine.processed(), 6);
    }

    #[test]
    fn time_limit_and_model_stop_leave_later_events_queued() {
        let mut engine = Engine::new();
        for t in [1, 2, 3, 10] {
            engine.schedule(t, 0, "x");
        }
        let mut model = Recorder {
            seen: vec![],
            stop_after: 2,
        };
        assert_eq!(engine.run(&mut model, Some(10)), StopReason::Model);
        assert_eq!(model.seen.len(), 2);
        model.stop_after = usize::MAX;
        assert_eq!(engine.run(&mut model, Some(10)), StopReason::TimeLimit);
        assert_eq!(model.seen.len(), 3);
        assert_eq!(engine.now(), 3);
        assert_eq!(engine.run(&mut model, None), StopReason::Exhausted);
        assert_eq!(model.seen.last(), Some(&(10, 0, "x")));
    }

    /// Records, per event, the scheduler's view: its time and the next waiting time.
    struct Observer {
        seen: Vec<(Time, u32, Time, Option<Time>)>,
    }

    impl Model for Observer {
        type Event = u32;
        fn handle(&mut self, now: Time, target: u32, event: u32, sched: &mut Scheduler<'_, u32>) {
            self.seen
                .push((now, target, sched.now(), sched.next_time()));
            if event > 0 {
                sched.schedule(now + 10, target, event - 1);
            }
        }
    }

    #[test]
    fn the_scheduler_shows_the_horizon_and_the_next_waiting_time() {
        let mut engine = Engine::new();
        engine.schedule(4, 1, 1);
        engine.schedule(7, 2, 0);
        let mut model = Observer { seen: vec![] };
        assert_eq!(engine.run(&mut model, None), StopReason::Exhausted);
        // At 4 the event for 1 schedules itself at 14; the one at 7 is next until then.
        assert_eq!(
            model.seen,
            vec![(4, 1, 4, Some(7)), (7, 2, 7, Some(14)), (14, 1, 14, None)]
        );
        assert_eq!((engine.now(), engine.processed()), (14, 3));
        // Between runs a request before the horizon moves up to it.
        engine.schedule(3, 5, 0);
        assert_eq!(engine.run(&mut model, None), StopReason::Exhausted);
        assert_eq!(model.seen.last(), Some(&(14, 5, 14, None)));
    }

    #[test]
    fn run_for_pauses_after_whole_rounds_without_changing_the_order() {
        let schedule = |engine: &mut Engine<&'static str>| {
            for (t, target, name) in [
                (1, 2, "a"),
                (1, 1, "b"),
                (1, 3, "c"),
                (2, 0, "d"),
                (3, 0, "e"),
            ] {
                engine.schedule(t, target, name);
            }
        };
        let mut whole = Engine::new();
        schedule(&mut whole);
        let mut reference = Recorder {
            seen: vec![],
            stop_after: usize::MAX,
        };
        assert_eq!(whole.run(&mut reference, None), StopReason::Exhausted);

        let mut paused = Engine::new();
        schedule(&mut paused);
        let mut model = Recorder {
            seen: vec![],
            stop_after: usize::MAX,
        };
        // One event asked: the whole first round (3 events) runs, then it pauses.
        assert_eq!(paused.run_for(&mut model, None, 1), None);
        assert_eq!(paused.processed(), 3);
        assert_eq!(paused.run_for(&mut model, None, 0), None);
        assert_eq!(paused.processed(), 3);
        assert_eq!(paused.run_for(&mut model, None, 1), None);
        assert_eq!(paused.processed(), 4);
        assert_eq!(
            paused.run_for(&mut model, Some(3), 5),
            Some(StopReason::TimeLimit)
        );
        assert_eq!(
            paused.run_for(&mut model, None, 5),
            Some(StopReason::Exhausted)
        );
        assert_eq!(model.seen, reference.seen);
        assert_eq!(paused.processed(), 5);
    }

    #[test]
    fn a_stop_inside_a_round_keeps_the_rest_of_the_round_in_order() {
        let mut engine = Engine::new();
        for (target, name) in [(4, "d"), (2, "b"), (3, "c"), (1, "a")] {
            engine.schedule(5, target, name);
        }
        let mut model = Recorder {
            seen: vec![],
            stop_after: 2,
        };
        assert_eq!(engine.run(&mut model, None), StopReason::Model);
        assert_eq!(engine.processed(), 2);
        model.stop_after = usize::MAX;
        assert_eq!(engine.run(&mut model, None), StopReason::Exhausted);
        let names: Vec<&str> = model.seen.iter().map(|s| s.2).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(engine.processed(), 4);
    }
}
