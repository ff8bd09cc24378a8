//! The simulation: emulated nodes, behavioural components and the network, driven by the engine.
//!
//! Event targets: the network is component 0; the station (node or
//! component) with network id `i` is component `i + 1`. So at one time the
//! network's deliveries are handled before any station runs.
//!
//! Run-ahead: an emulated node executes as many instructions per event as it
//! can, until its next NIC or process instruction, a timer of one of its
//! processes, the time limit, or the end of its budget. Its instructions touch
//! nothing outside the node, and a NIC instruction or a timer is only handled
//! in an event at the node's own time, after every earlier event (so after
//! every delivery up to then). In
//! [`Stepping::Single`] mode every node executes exactly one instruction per
//! event instead; both modes give identical results (see the differential
//! tests). Stop conditions other than the time limit and exhaustion (a node
//! halting, a user predicate, stopping on the first fault) make the run use
//! single stepping so that the state at the stop is exact.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};

use aether_isa::Opcode;
use aether_network::{Delivery, Message, Network};

use crate::component::{Component, ComponentIo};
use crate::engine::{Engine, Model, Scheduler, StopReason};
use crate::local_io::barrier::{Barrier, Tap};
use crate::local_io::{InputSource, InputStats};
use crate::node::{Exit, LogRecord, NicOutcome, Node, NodeState, Quiet, Settling};
use crate::time::Time;
use sends::SendTimes;
use wakes::NetWakes;

/// How many instructions a node executes per event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stepping {
    /// Run ahead until the next externally visible action.
    RunAhead,
    /// One instruction per event (the reference path).
    Single,
}

/// A station on the network: an emulated node or a behavioural component.
pub enum Station {
    /// An emulated stack-CPU node.
    Node(Box<Node>),
    /// A behavioural component.
    Component(Box<dyn Component>),
}

/// An event of the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ev {
    /// Run the network's internal events up to now.
    Network,
    /// Continue a station at its own time.
    Resume,
    /// A station's timer.
    Timer,
    /// Hand the network the rest of the messages nodes sent ahead of the engine for this time
    /// (at the highest target: the others went just before the first event of a higher
    /// target than their sender's).
    Sends,
}

/// A node's clock edges at or after the run's time limit and its pause (fixed while the
/// node is driven).
#[derive(Clone, Copy)]
struct Edges {
    until: Option<u64>,
    pause: Option<u64>,
}

/// Most cycles a node runs ahead per event while progress is reported.
pub const PROGRESS_SLICE: u64 = 1 << 20;

/// Where instruction-trace lines go.
pub type TraceSink = Box<dyn FnMut(&str)>;

/// A user stop condition, checked after every event.
pub type Predicate = Box<dyn Fn(&World) -> bool>;

/// Everything the engine drives.
pub struct World {
    /// Stations by network node id.
    pub stations: Vec<Station>,
    resume_at: Vec<Option<Time>>,
    /// Each station's messages sent ahead of the engine, oldest first, each waiting for its
    /// send time's turn in [`SendTimes`].
    sent_ahead: Vec<VecDeque<(Time, Message)>>,
    send_times: SendTimes,
    timer_at: Vec<Option<Time>>,
    /// The network.
    pub net: Network,
    net_wakes: NetWakes,
    deliveries: Vec<Delivery>,
    /// Deliveries to each station placed in its inboxes whose owner has not yet been woken
    /// (in the network's event, while earlier ones are handled).
    unwoken: Vec<u32>,
    /// Whether a delivery to each station needs a look at it: false only for a node that,
    /// when last driven, had no waiting process (only its own `wait` makes one) and records
    /// no activity, so that a delivery there wakes nothing and is only counted. Set again
    /// for every station at the start of a run (the stations may have changed between runs).
    watched: Vec<bool>,
    /// Records logged by components.
    pub component_log: Vec<LogRecord>,
    stepping: Stepping,
    until: Option<Time>,
    stop_on_halt: Vec<u32>,
    stop_on_fault: bool,
    predicate: Option<Predicate>,
    stop_requested: bool,
    last_activity: Time,
    /// Receives the instruction-trace lines of traced nodes as they are produced.
    pub trace_sink: Option<TraceSink>,
    /// Most cycles a node runs ahead per event, if limited.
    slice: Option<u64>,
    /// Events that only the slice made (a node resumed where it would have run on).
    slice_events: u64,
    /// Stations whose pending resume only the slice (or a pause) made.
    slice_resume: Vec<bool>,
    /// A time at which the run pauses for inspection, if any: nodes run ahead no further
    /// than their first clock edge at or after it.
    pause: Option<Time>,
    /// Local inputs (readouts) the simulator places in inboxes, if any.
    inputs: Option<Box<dyn InputSource>>,
    /// What became of the local inputs.
    pub input_stats: InputStats,
    /// The barrier wire, if the run has one.
    pub barrier: Option<Barrier>,
}

/// A ready-to-run simulation.
pub struct Simulation {
    engine: Engine<Ev>,
    /// The simulated system.
    pub world: World,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Why it stopped.
    pub reason: StopReason,
    /// Simulated time at the end (fs): the time limit, or the latest time any node reached,
    /// any message was delivered or any component acted.
    pub end_time: Time,
    /// Engine events processed.
    pub events: u64,
}

/// Stop conditions of a run.
#[derive(Default)]
pub struct StopConditions {
    /// Time limit (fs): nothing happens at or after it.
    pub until: Option<Time>,
    /// Stop when any of these nodes halts.
    pub on_halt: Vec<u32>,
    /// Stop at the first fault of any node.
    pub on_fault: bool,
    /// Stop when this holds.
    pub predicate: Option<Predicate>,
}

impl Simulation {
    /// A simulation of `stations` on `net`; every node and component starts at time 0.
    pub fn new(
        stations: Vec<Station>,
        net: Network,
        stepping: Stepping,
        stop: StopConditions,
    ) -> Simulation {
        let n = stations.len();
        let exact_stop = !stop.on_halt.is_empty() || stop.on_fault || stop.predicate.is_some();
        let mut world = World {
            stations,
            resume_at: vec![None; n],
            sent_ahead: (0..n).map(|_| VecDeque::new()).collect(),
            send_times: SendTimes::default(),
            timer_at: vec![None; n],
            net,
            net_wakes: NetWakes::default(),
            deliveries: Vec::new(),
            unwoken: vec![0; n],
            watched: vec![true; n],
            component_log: Vec::new(),
            stepping: if exact_stop {
                Stepping::Single
            } else {
                stepping
            },
            until: stop.until,
            stop_on_halt: stop.on_halt,
            stop_on_fault: stop.on_fault,
            predicate: stop.predicate,
            stop_requested: false,
            last_activity: 0,
            trace_sink: None,
            slice: None,
            slice_events: 0,
            slice_resume: vec![false; n],
            pause: None,
            inputs: None,
            input_stats: InputStats::default(),
            barrier: None,
        };
        let mut engine = Engine::new();
        for i in 0..n {
            let first = match &mut world.stations[i] {
                Station::Node(_) => {
                    world.resume_at[i] = Some(0);
                    engine.schedule(0, target(i), Ev::Resume);
                    continue;
                }
                Station::Component(c) => c.start(),
            };
            if let Some(t) = first {
                world.timer_at[i] = Some(t);
                engine.schedule(t, target(i), Ev::Timer);
            }
        }
        Simulation { engine, world }
    }

    /// Gives the run a schedule of local inputs: each is placed in its inbox at its time,
    /// without crossing the network, and wakes the inbox's owner like a delivery.
    pub fn set_inputs(&mut self, inputs: Box<dyn InputSource>) {
        if let Some(t) = inputs.next_time()
            && self.world.net_wakes.insert(t)
        {
            self.engine.schedule(t, 0, Ev::Network);
        }
        self.world.inputs = Some(inputs);
    }

    /// Gives the run a barrier wire; nodes `0 .. n` of the wire must have
    /// [`Tap::On`] (docs/decoders.md, "The global OR wire (barrier)").
    pub fn set_barrier(&mut self, barrier: Barrier) {
        self.world.barrier = Some(barrier);
    }

    /// Adds a user stop condition, checked after every event; the run becomes single-step
    /// so that the state at the stop is exact.
    pub fn stop_when(&mut self, predicate: Predicate) {
        self.world.predicate = Some(predicate);
        self.world.stepping = Stepping::Single;
    }

    /// Runs to a stop condition.
    pub fn run(&mut self) -> Outcome {
        let until = self.world.until;
        self.world.watched.fill(true);
        let reason = self.engine.run(&mut self.world, until);
        self.finish(reason)
    }

    /// Runs to a stop condition, calling `progress(now, events)` every few hundred events,
    /// and stops there with [`StopReason::Interrupted`] once `interrupted` is set.
    ///
    /// So that progress shows (and an interruption is seen) even when nodes compute for
    /// long without an event, a node runs ahead at most [`PROGRESS_SLICE`] cycles per
    /// event; results, the event count included, are the same as [`Simulation::run`]'s.
    pub fn run_with(&mut self, progress: &dyn Fn(Time, u64), interrupted: &AtomicBool) -> Outcome {
        self.run_pausing(&[], &mut |_, _| {}, progress, interrupted)
    }

    /// Like [`Simulation::run_with`], and calls `on_pause(world, t)` for each time `t` of
    /// `pauses` (increasing) before the time limit: once every event before `t` has been
    /// handled and every node has executed every instruction issuing before `t`, before
    /// anything at or after `t` (docs/debugging.md, "Inspection"). A run that ends by
    /// exhaustion first pauses at the remaining times in its final state; one that stops
    /// otherwise (a stop condition, an interruption) before a time does not pause there.
    pub fn run_pausing(
        &mut self,
        pauses: &[Time],
        on_pause: &mut dyn FnMut(&World, Time),
        progress: &dyn Fn(Time, u64),
        interrupted: &AtomicBool,
    ) -> Outcome {
        let until = self.world.until;
        self.world.slice = Some(PROGRESS_SLICE);
        self.world.watched.fill(true);
        let mut pauses = pauses
            .iter()
            .copied()
            .filter(|&p| until.is_none_or(|u| p < u))
            .peekable();
        let reason = loop {
            self.world.pause = pauses.peek().copied();
            let limit = match (until, self.world.pause) {
                (Some(u), Some(p)) => Some(u.min(p)),
                (u, p) => u.or(p),
            };
            if let Some(reason) = self.engine.run_for(&mut self.world, limit, 1 << 8) {
                match (reason, self.world.pause) {
                    (StopReason::TimeLimit, Some(p)) if limit == Some(p) => {
                        on_pause(&self.world, p);
                        pauses.next();
                        continue;
                    }
                    (StopReason::Exhausted, _) => {
                        for p in pauses.by_ref() {
                            on_pause(&self.world, p);
                        }
                    }
                    _ => {}
                }
                break reason;
            }
            if interrupted.load(Ordering::Relaxed) {
                break StopReason::Interrupted;
            }
            progress(self.engine.now(), self.events());
        };
        self.world.slice = None;
        self.world.pause = None;
        self.finish(reason)
    }

    /// Events processed, less those only progress slices made.
    fn events(&self) -> u64 {
        self.engine.processed() - self.world.slice_events
    }

    /// The outcome of a run that stopped for `reason`; idle time is counted up to its end.
    fn finish(&mut self, reason: StopReason) -> Outcome {
        let mut end_time = self.world.last_activity;
        for station in &self.world.stations {
            if let Station::Node(node) = station {
                end_time = end_time.max(node.time());
            }
        }
        if reason == StopReason::TimeLimit {
            end_time = self.world.until.unwrap_or(end_time);
        }
        for station in &mut self.world.stations {
            if let Station::Node(node) = station {
                let end = node.edge_at_or_after(end_time);
                node.finish(end);
            }
        }
        Outcome {
            reason,
            end_time,
            events: self.events(),
        }
    }
}

fn target(station: usize) -> u32 {
    station as u32 + 1
}

/// Notes station `i`'s message sent ahead at `at`, scheduling the [`Ev::Sends`] of a new time.
#[inline]
fn note_send(sends: &mut SendTimes, i: usize, at: Time, sched: &mut Scheduler<'_, Ev>) {
    if sends.insert(at, i as u32) {
        sched.schedule(at, u32::MAX, Ev::Sends);
    }
}

/// Whether performing `opcode` can give the network an internal event or change the time of
/// the next local input: a `send` (a packet, or a barrier contribution), a `close` or an
/// `exit` (messages returned to sender). The other NIC and process instructions only read
/// or take what is already there.
fn schedules_network(opcode: aether_isa::Opcode) -> bool {
    use aether_isa::Opcode;
    matches!(opcode, Opcode::Send | Opcode::Close | Opcode::Exit)
}

impl Model for World {
    type Event = Ev;

    fn handle(&mut self, now: Time, target: u32, event: Ev, sched: &mut Scheduler<'_, Ev>) {
        let mut sent = false;
        while let Some(sender) = self.send_times.next_before(now, target) {
            self.on_send(sender as usize, now, sched);
            sent = true;
        }
        if sent {
            self.arm_network(sched);
        }
        let station = target.saturating_sub(1) as usize;
        match event {
            Ev::Network => {
                self.net_wakes.remove(now);
                self.sync_network(now, sched);
            }
            Ev::Resume => {
                if std::mem::take(&mut self.slice_resume[station]) {
                    self.slice_events += 1;
                }
                self.on_resume(station, now, sched)
            }
            Ev::Timer => self.on_timer(station, now, sched),
            Ev::Sends => {}
        }
    }

    fn should_stop(&self) -> bool {
        self.stop_requested || self.predicate.as_ref().is_some_and(|p| p(self))
    }
}

impl World {
    /// A node continues at its own time `now` (a stalled one retries its `send`).
    fn on_resume(&mut self, i: usize, now: Time, sched: &mut Scheduler<'_, Ev>) {
        if self.resume_at[i] != Some(now) {
            return;
        }
        self.resume_at[i] = None;
        if let Station::Node(node) = &mut self.stations[i]
            && let NodeState::Stalled(since) = node.state
        {
            let at = node.edge_at_or_after(now);
            node.note_stall(since, at);
            node.counters.stalled += at - since;
            node.cycle = at;
            node.state = NodeState::Running;
        }
        self.drive(i, Some(now), sched);
    }

    /// The oldest message node `i` sent ahead of the engine enters the network at `now`,
    /// its send time, in the place of the event in which the node would have sent it. The
    /// caller arms the network's wake-up after the last of the sends it hands over.
    fn on_send(&mut self, i: usize, now: Time, sched: &mut Scheduler<'_, Ev>) {
        self.sync_network(now, sched);
        let Some((_, msg)) = self.sent_ahead[i].pop_front() else {
            return;
        };
        self.net.send_accepted(now, msg);
    }

    /// A station's timer expires. A running or stalled node fires its own timers between
    /// instructions, so only an idle node is handled here.
    fn on_timer(&mut self, i: usize, now: Time, sched: &mut Scheduler<'_, Ev>) {
        if self.timer_at[i] != Some(now) {
            return;
        }
        self.timer_at[i] = None;
        match &mut self.stations[i] {
            Station::Node(node) => {
                if !matches!(node.state, NodeState::Idle(_)) {
                    return;
                }
                // A delivery at this very time wakes its process before the timer does.
                self.sync_network(now, sched);
                let Some(node) = self.node_mut(i) else {
                    return;
                };
                if !matches!(node.state, NodeState::Idle(_)) {
                    return;
                }
                let edge = node.edge_at_or_after(now);
                node.fire_timers(edge);
                if node.state == NodeState::Running {
                    self.resume(i, sched);
                } else {
                    self.arm_timer(i, sched);
                }
            }
            Station::Component(c) => {
                let mut io = ComponentIo {
                    now,
                    node: i as u32,
                    net: &mut self.net,
                    log: &mut self.component_log,
                };
                let next = c.on_timer(&mut io);
                self.last_activity = now;
                self.set_component_timer(i, next, sched);
                self.arm_network(sched);
            }
        }
    }

    fn node_mut(&mut self, i: usize) -> Option<&mut Node> {
        match &mut self.stations[i] {
            Station::Node(node) => Some(node),
            Station::Component(_) => None,
        }
    }

    /// The time of the next local input (a readout or a barrier release), if any.
    fn next_input(&self) -> Option<Time> {
        let input = self.inputs.as_ref().and_then(|i| i.next_time());
        let release = self.barrier.as_ref().and_then(|b| b.next_time());
        input.into_iter().chain(release).min()
    }

    /// Makes sure the network's next internal event and the next local input are in the
    /// engine queue (both are handled by the network's event, so before any station).
    fn arm_network(&mut self, sched: &mut Scheduler<'_, Ev>) {
        for t in [self.net.next_event_time(), self.next_input()]
            .into_iter()
            .flatten()
        {
            if self.net_wakes.insert(t) {
                sched.schedule(t, 0, Ev::Network);
            }
        }
    }

    /// Places the local inputs due at `t` in their inboxes, readouts before barrier
    /// releases, recording each as a delivery.
    fn place_inputs(&mut self, t: Time, deliveries: &mut Vec<Delivery>) {
        let mut due = Vec::new();
        if let Some(inputs) = self.inputs.as_mut().filter(|i| i.next_time() == Some(t)) {
            inputs.pop(&mut due);
            Self::place(
                &mut self.net,
                t,
                due.drain(..),
                &mut self.input_stats,
                deliveries,
            );
        }
        if let Some(wire) = self.barrier.as_mut().filter(|b| b.next_time() == Some(t)) {
            wire.pop(&mut due);
            Self::place(&mut self.net, t, due.drain(..), &mut wire.stats, deliveries);
        }
    }

    /// Places `msgs` in their inboxes at `t`, counting them in `stats`.
    fn place(
        net: &mut Network,
        t: Time,
        msgs: impl Iterator<Item = aether_network::Message>,
        stats: &mut InputStats,
        deliveries: &mut Vec<Delivery>,
    ) {
        for msg in msgs {
            let (node, inbox) = (msg.dst.node, msg.dst.inbox);
            match net.place(t, msg) {
                Ok(()) => {
                    stats.placed += 1;
                    deliveries.push(Delivery {
                        time: t,
                        node,
                        inbox,
                    });
                }
                Err(e) => {
                    tracing::debug!(node, inbox, error = %e, "local input lost");
                    stats.lost += 1;
                }
            }
        }
    }

    /// Runs the network up to `now`, placing the local inputs due on the way, and wakes
    /// the owners of delivered messages.
    #[inline]
    fn sync_network(&mut self, now: Time, sched: &mut Scheduler<'_, Ev>) {
        let due = |t: Option<Time>| t.is_some_and(|t| t <= now);
        if due(self.net.next_event_time()) || due(self.next_input()) {
            self.run_network(now, sched);
        } else if self.net.clock() < now {
            // Nothing to run or place: only the clock moves, and what is armed stays armed.
            self.net.advance(now, &mut self.deliveries);
        }
    }

    /// [`World::sync_network`] when a network event or a local input is due by `now`.
    #[inline(never)]
    fn run_network(&mut self, now: Time, sched: &mut Scheduler<'_, Ev>) {
        let mut deliveries = std::mem::take(&mut self.deliveries);
        while let Some(t) = self.next_input().filter(|&t| t <= now) {
            self.net.advance(t, &mut deliveries);
            self.place_inputs(t, &mut deliveries);
        }
        self.net.advance(now, &mut deliveries);
        for d in &deliveries {
            self.unwoken[d.node as usize] += 1;
        }
        for d in deliveries.drain(..) {
            self.last_activity = self.last_activity.max(d.time);
            let i = d.node as usize;
            self.unwoken[i] -= 1;
            if !self.watched[i] {
                continue;
            }
            match &mut self.stations[i] {
                Station::Node(node) => {
                    node.note_inbox(d.time, 1);
                    let Some(pid) = node.owner(d.inbox) else {
                        continue;
                    };
                    let edge = node.edge_at_or_after(d.time);
                    if !matches!(node.procs[pid].state, crate::node::ProcState::Waiting(_))
                        || !node.running_at(edge)
                    {
                        continue;
                    }
                    let was_idle = matches!(node.state, NodeState::Idle(_));
                    node.wake(pid, edge, Some(1));
                    let traced = node.trace.is_some();
                    if was_idle && self.stepping == Stepping::RunAhead && !traced {
                        // Its instructions up to the next visible one touch nothing outside
                        // the node: run them now instead of in an event of their own.
                        self.drive(i, None, sched);
                    } else if was_idle {
                        self.resume(i, sched);
                    }
                }
                Station::Component(c) => {
                    let mut io = ComponentIo {
                        now,
                        node: d.node,
                        net: &mut self.net,
                        log: &mut self.component_log,
                    };
                    let mut wake = None;
                    while let Ok(Some(msg)) = io.net.recv(d.node, d.inbox) {
                        wake = c.on_message(&mut io, msg).or(wake);
                    }
                    if let Some(t) = wake {
                        self.set_component_timer(i, Some(t.max(now)), sched);
                    }
                }
            }
        }
        self.deliveries = deliveries;
        self.arm_network(sched);
    }

    fn set_component_timer(&mut self, i: usize, next: Option<Time>, sched: &mut Scheduler<'_, Ev>) {
        if next != self.timer_at[i] {
            self.timer_at[i] = next;
            if let Some(t) = next {
                sched.schedule(t, target(i), Ev::Timer);
            }
        }
    }

    /// Schedules a node's resume event at its own time.
    fn resume(&mut self, i: usize, sched: &mut Scheduler<'_, Ev>) {
        let Some(node) = self.node_mut(i) else {
            return;
        };
        let t = node.time();
        if self.resume_at[i] != Some(t) {
            self.resume_at[i] = Some(t);
            sched.schedule(t, target(i), Ev::Resume);
        }
    }

    /// Schedules an idle node's timer event for its earliest pending timer.
    #[inline(always)]
    fn arm_timer(&mut self, i: usize, sched: &mut Scheduler<'_, Ev>) {
        let Some(node) = self.node_mut(i) else {
            return;
        };
        if !matches!(node.state, NodeState::Idle(_)) {
            return;
        }
        let next = node
            .next_timer()
            .map(|c| c.saturating_mul(node.params.period));
        if next.is_some() && next != self.timer_at[i] {
            self.timer_at[i] = next;
            if let Some(t) = next {
                sched.schedule(t, target(i), Ev::Timer);
            }
        }
    }

    /// The clock edges of `node` at or after the time limit and the pause, if any.
    fn edges(&self, node: &Node) -> Edges {
        Edges {
            until: self.until.map(|u| node.edge_at_or_after(u)),
            pause: self.pause.map(|p| node.edge_at_or_after(p)),
        }
    }

    /// The first cycle at which the node must stop running ahead, and the one but for the
    /// progress slice and a pause (later when only they put the stop there); `edges` are the
    /// node's [`World::edges`].
    fn stop_cycle(&self, node: &Node, timer: Option<u64>, edges: Edges) -> (u64, u64) {
        let mut stop = match self.stepping {
            Stepping::Single => node.cycle + 1,
            Stepping::RunAhead => u64::MAX,
        };
        if let Some(until) = edges.until {
            stop = stop.min(until);
        }
        if let Some(limit) = node.budget_limit() {
            stop = stop.min(limit);
        }
        if let Some(timer) = timer {
            stop = stop.min(timer);
        }
        let slice = self.slice.map(|s| node.cycle + s);
        let cut = slice.into_iter().chain(edges.pause).min();
        (cut.map_or(stop, |cut| cut.min(stop)), stop)
    }

    /// Asks the run to stop when node `i` has halted or faulted and the run stops on that
    /// (never when running ahead: such a run single-steps).
    #[inline(always)]
    fn note_stop(&mut self, i: usize) {
        if self.stop_on_halt.is_empty() && !self.stop_on_fault {
            return;
        }
        let Station::Node(node) = &self.stations[i] else {
            return;
        };
        match node.state {
            NodeState::Halted if self.stop_on_halt.contains(&(i as u32)) => {
                self.stop_requested = true
            }
            NodeState::Faulted if self.stop_on_fault => self.stop_requested = true,
            _ => {}
        }
    }

    /// Whether node `i` is at the engine's time `now`; if so the network is brought up to
    /// `now` (every earlier event has been handled), otherwise the node is rescheduled at
    /// its own time. Visible actions (NIC instructions, timers) happen only after `true`.
    /// `None` stands for a node driven from inside the network's event, which may not act
    /// at any time: it is always rescheduled.
    fn synchronise(&mut self, i: usize, now: Option<Time>, sched: &mut Scheduler<'_, Ev>) -> bool {
        let Some(now) = now.filter(|&t| self.node_mut(i).is_some_and(|node| node.time() == t))
        else {
            self.resume(i, sched);
            return false;
        };
        self.sync_network(now, sched);
        true
    }

    /// Whether node `i` may perform `opcode` at its own time without an event there, the
    /// engine being at `now`: when running ahead, untraced (trace lines keep their order), and
    /// the instruction's result cannot change before then ([`Node::settled`]); a `recv` also
    /// needs every local input (which no packet count bounds) to come after it.
    fn settled(&self, i: usize, opcode: Opcode, now: Time) -> bool {
        let Station::Node(node) = &self.stations[i] else {
            return false;
        };
        // A `send` is neither settled nor decided alone: it always takes its event.
        if opcode == Opcode::Send || self.stepping != Stepping::RunAhead || node.trace.is_some() {
            return false;
        }
        let inputs_after = || self.next_input().is_none_or(|t| t > node.time());
        (node.settled(opcode, &self.net, now) && (opcode != Opcode::Recv || inputs_after()))
            || (node.decided_alone(opcode, &self.net) && self.quiet(i, now))
    }

    /// Whether nothing can reach node `i` up to its own time, the engine being at `now`:
    /// no delivery ([`Network::quiet_until`]: every station's next `send` is at or after
    /// `now`), no local input, no barrier release (one comes at least the wire's latency
    /// after a contribution), and no message already placed whose wake-up is still to
    /// come (it could wake a process that an early `wait` blocked). Then what the node does up to its time depends on nothing
    /// outside it, save for a `send` (links it shares) and for what [`Node::decided_alone`]
    /// excludes, and needs no event at the node's time.
    fn quiet(&self, i: usize, now: Time) -> bool {
        let Station::Node(node) = &self.stations[i] else {
            return false;
        };
        self.quiet_bounds(i, now)
            .holds(&self.net, i as u32, node.time())
    }

    /// What bounds the deliveries to station `i` besides the network's packets, the engine
    /// being at `now` (see [`World::quiet`]).
    fn quiet_bounds(&self, i: usize, now: Time) -> Quiet {
        Quiet {
            now,
            next_input: self.next_input(),
            barrier: self.barrier.as_ref().map(|wire| wire.latency()),
            wake_pending: self.unwoken[i] != 0,
        }
    }

    /// Whether node `i`'s time is at or past the time limit: single stepping would resume it
    /// there, in an event that never comes, so running ahead must not go on (nor check the
    /// budget) either.
    fn past_until(&self, i: usize) -> bool {
        let Station::Node(node) = &self.stations[i] else {
            return false;
        };
        self.until.is_some_and(|until| node.time() >= until)
    }

    /// Performs the `send` at node `i`'s PC ahead of the engine when the node's time is after
    /// the engine's and the network is sure to take the message then ([`Node::send_ahead`]),
    /// before the time limit and the pause: the message waits in `sent_ahead` for its turn
    /// at that time ([`SendTimes`]), the place in the engine's order of the resume event the
    /// node would have been given there, so the network sees the same calls in the same
    /// order. Whether it did (the node runs on). `now` is the node's event time (`None`:
    /// driven from the network's event).
    fn send_ahead(&mut self, i: usize, now: Option<Time>, sched: &mut Scheduler<'_, Ev>) -> bool {
        let engine = sched.now();
        let pending = self.sent_ahead[i].len();
        let (until, pause) = (self.until, self.pause);
        let Station::Node(node) = &mut self.stations[i] else {
            return false;
        };
        let at = node.time();
        let before = |limit: Option<Time>| limit.is_none_or(|limit| at < limit);
        if now == Some(at) || at <= engine || !before(until) || !before(pause) {
            return false;
        }
        let Some(msg) = node.send_ahead(&mut self.net, engine, pending) else {
            return false;
        };
        self.sent_ahead[i].push_back((at, msg));
        note_send(&mut self.send_times, i, at, sched);
        true
    }

    /// Runs node `i`, whose local time is `now` (`None`: driven from the network's event,
    /// see [`World::synchronise`]), until it needs another event.
    fn drive(&mut self, i: usize, now: Option<Time>, sched: &mut Scheduler<'_, Ev>) {
        let Station::Node(node) = &self.stations[i] else {
            return;
        };
        let edges = self.edges(node);
        loop {
            let Station::Node(node) = &self.stations[i] else {
                return;
            };
            if node.state != NodeState::Running {
                break;
            }
            let mut timer = node.next_timer();
            if timer.is_some_and(|t| t <= node.cycle) {
                // A timer firing is visible: a delivery could wake the same process first.
                let alone = self.stepping == Stepping::RunAhead
                    && node.trace.is_none()
                    && self.quiet(i, sched.now());
                if !alone && !self.synchronise(i, now, sched) {
                    break;
                }
                let Some(node) = self.node_mut(i) else {
                    return;
                };
                let cycle = node.cycle;
                node.fire_timers(cycle);
                timer = node.next_timer();
            }
            let Station::Node(node) = &self.stations[i] else {
                return;
            };
            let (stop, firm) = self.stop_cycle(node, timer, edges);
            // The settled NIC instructions on the way need no visit here (see `Settling`).
            let lend = self.stepping == Stepping::RunAhead
                && node.trace.is_none()
                && node.activity.is_none();
            let quiet = self.quiet_bounds(i, sched.now());
            let Station::Node(node) = &mut self.stations[i] else {
                return;
            };
            let sent = &mut self.sent_ahead[i];
            let sent_before = sent.len();
            let mut settling = lend.then(|| Settling {
                net: &mut self.net,
                quiet,
                stop,
                bound: edges.pause.map_or(firm, |pause| pause.min(firm)),
                slice: self.slice,
                sent,
            });
            let exit = node.run_settling(stop, settling.as_mut());
            // Only the progress slice or a pause put the node's last stop cycle there.
            let sliced = settling.map_or(stop, |s| s.stop) < firm;
            // The sends performed in the loop, each where its resume event would have been.
            for &(at, _) in self.sent_ahead[i].range(sent_before..) {
                note_send(&mut self.send_times, i, at, sched);
            }
            match exit {
                Exit::Limit => {
                    if node.check_budget() {
                        self.slice_resume[i] = sliced;
                        self.resume(i, sched);
                    }
                    break;
                }
                Exit::Halt => break,
                Exit::Fault(kind) => {
                    node.raise(kind);
                    break;
                }
                Exit::Outside(Opcode::Send) if lend && self.send_ahead(i, now, sched) => {
                    // As after any NIC instruction: past the time limit the node goes no further.
                    if self.past_until(i) {
                        self.resume(i, sched);
                        break;
                    }
                }
                Exit::Outside(opcode) => {
                    if !self.settled(i, opcode, sched.now()) && !self.synchronise(i, now, sched) {
                        break;
                    }
                    let Station::Node(node) = &mut self.stations[i] else {
                        return;
                    };
                    let at = node.time();
                    let takes = node.activity.is_some()
                        && matches!(opcode, Opcode::Recv | Opcode::Close | Opcode::Exit);
                    let before = if takes {
                        node.waiting_messages(&self.net)
                    } else {
                        0
                    };
                    let outcome = node.outside(opcode, at, &mut self.net);
                    if takes {
                        let change = node.waiting_messages(&self.net) - before;
                        node.note_inbox(at, change);
                    }
                    if let (Some(wire), Tap::On(pending)) =
                        (self.barrier.as_mut(), &mut node.barrier)
                    {
                        for c in pending.drain(..) {
                            wire.contribute(i as u32, c);
                        }
                    }
                    let running = node.state == NodeState::Running;
                    let retry_at = match outcome {
                        NicOutcome::Stall(retry) => node
                            .edge_at_or_after(retry)
                            .saturating_mul(node.params.period),
                        _ => 0,
                    };
                    if schedules_network(opcode) {
                        self.arm_network(sched);
                    }
                    match outcome {
                        // Still running: the next iteration runs ahead of `now`; an outside
                        // instruction there reschedules the node at its own time.
                        NicOutcome::Continue | NicOutcome::Blocked if running => {
                            if self.stepping == Stepping::Single || self.past_until(i) {
                                self.resume(i, sched);
                                break;
                            }
                        }
                        NicOutcome::Stall(_) => {
                            self.resume_at[i] = Some(retry_at);
                            sched.schedule(retry_at, target(i), Ev::Resume);
                            break;
                        }
                        _ => break,
                    }
                }
            }
        }
        self.note_stop(i);
        self.arm_timer(i, sched);
        self.flush_trace(i);
        if let Station::Node(node) = &self.stations[i] {
            self.watched[i] = node.activity.is_some()
                || node
                    .procs
                    .iter()
                    .any(|p| matches!(p.state, crate::node::ProcState::Waiting(_)));
        }
    }

    /// Hands the trace lines node `i` has produced to the trace sink.
    fn flush_trace(&mut self, i: usize) {
        if let (Some(sink), Station::Node(node)) = (self.trace_sink.as_mut(), &mut self.stations[i])
            && let Some(lines) = node.trace.as_mut()
        {
            for line in lines.drain(..) {
                sink(&line);
            }
        }
    }
}

mod sends;
#[cfg(test)]
mod tests;
mod wakes;
