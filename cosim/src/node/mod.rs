//! The node emulator: an ISA v1 stack CPU with hardware processes, timed by a clock.
//!
//! A node's state advances in whole clock cycles: `cycle` is the clock edge at
//! which its next instruction issues, so its local time is `cycle * period`.
//! Every instruction costs the cycles the timing profile gives its ISA opcode
//! (NIC transfers add `nic_word` cycles per word moved; a switch between
//! processes costs `switch` cycles). A node woken by a message at time `t`
//! resumes at the first clock edge at or after `t`.
//!
//! Processes are scheduled cooperatively, round-robin: the running process
//! keeps the CPU until it waits, sleeps, yields, stalls on a full transmit
//! queue or exits; the next ready process (oldest first) then runs, and the
//! switch costs `switch` cycles whenever the process that runs differs from
//! the one that ran last.
//!
//! An *activation* runs from the edge at which an idle node wakes (or cycle 0)
//! to the edge at which it has no ready process left; the instruction that
//! ends it (a `wait`, `sleep`, `exit` or `halt`) is included.

pub mod activity;
mod cpu;
pub mod fault;
pub mod memory;
mod nic;
pub mod program;
pub mod stack_words;

use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

use aether_isa::{Addressing, TimingProfile};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::Serialize;

pub use activity::Activity;
pub use cpu::Exit;
pub use fault::{Fault, FaultKind, Stack};
pub use memory::Memory;
pub use nic::{NicOutcome, Quiet, Settling};
pub use program::Program;
pub use stack_words::StackWords;

use crate::local_io::Output;
use crate::local_io::barrier::Tap;
use crate::time::Time;

/// Per-node parameters, fixed for a run.
#[derive(Clone, Debug)]
pub struct NodeParams {
    /// Clock period in fs.
    pub period: Time,
    /// Data memory size in words.
    pub memory: u32,
    /// Data stack depth in words (per process).
    pub data_stack: u32,
    /// Return stack depth in words (per process).
    pub return_stack: u32,
    /// Most processes alive at once.
    pub processes: u32,
    /// Cycle budget per activation, if any.
    pub budget: Option<u64>,
    /// Whether exceeding the budget faults (otherwise it is counted as a deadline miss).
    pub budget_faults: bool,
    /// The timing profile.
    pub profile: Arc<TimingProfile>,
}

impl Default for NodeParams {
    fn default() -> Self {
        NodeParams {
            period: 1_000_000,
            memory: 16_384,
            data_stack: 64,
            return_stack: 64,
            processes: 8,
            budget: None,
            budget_faults: false,
            profile: default_profile(),
        }
    }
}

/// The shipped default timing profile, parsed once and shared by every node that uses it
/// (so that those nodes also share one decoded program).
pub fn default_profile() -> Arc<TimingProfile> {
    static DEFAULT: OnceLock<Arc<TimingProfile>> = OnceLock::new();
    DEFAULT
        .get_or_init(|| Arc::new(TimingProfile::default()))
        .clone()
}

/// A structured log record emitted by firmware (`emit`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogRecord {
    /// The emitting node.
    pub node: u32,
    /// Issue time of the `emit` (fs).
    pub time_fs: Time,
    /// The tag.
    pub tag: u32,
    /// The values, deepest first.
    pub values: Vec<u32>,
}

/// What a process is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcState {
    /// Running or waiting for its turn.
    Ready,
    /// Blocked in `wait` until a message arrives or the deadline cycle (if any).
    Waiting(Option<u64>),
    /// Asleep until the given cycle.
    Sleeping(u64),
    /// Finished.
    Done,
}

/// One hardware process: its own stacks and program counter.
#[derive(Clone, Debug)]
pub struct Process {
    /// Program counter.
    pub pc: u32,
    /// Data stack, bottom first.
    pub ds: StackWords,
    /// Return stack, bottom first.
    pub rs: StackWords,
    /// Scheduling state.
    pub state: ProcState,
}

/// What the whole node is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    /// Executing (or about to, at `cycle`).
    Running,
    /// The current process is refused by a full transmit queue since this cycle.
    Stalled(u64),
    /// No process is ready since this cycle.
    Idle(u64),
    /// Stopped by `halt` or because every process exited.
    Halted,
    /// Stopped by a fault.
    Faulted,
}

/// Cycle accounting of one node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Instructions retired.
    pub instructions: u64,
    /// Cycles spent executing instructions and switching processes.
    pub busy: u64,
    /// Cycles with no ready process.
    pub idle: u64,
    /// Cycles stalled on a full transmit queue.
    pub stalled: u64,
    /// Activations completed.
    pub activations: u64,
    /// Cycles of the longest activation.
    pub largest_activation: u64,
    /// Activations that exceeded the budget.
    pub deadline_misses: u64,
}

/// An emulated node.
#[derive(Debug)]
pub struct Node {
    /// Node id (also its network address when the run's addressing can name it, docs/isa.md).
    pub id: u32,
    /// Parameters.
    pub params: NodeParams,
    /// The predecoded program.
    pub program: Arc<Program>,
    /// Data memory.
    pub mem: Memory,
    /// Processes, indexed by pid.
    pub procs: Vec<Process>,
    /// The running (or last running) process.
    pub current: usize,
    ready: VecDeque<usize>,
    /// The clock edge at which the next instruction issues.
    pub cycle: u64,
    /// Cycle accounting.
    pub counters: Counters,
    activation_start: u64,
    /// Boxed: the generator's block buffer is large and cold, and would spread the fields
    /// every instruction and message touch over more cache lines.
    rng: Box<ChaCha8Rng>,
    /// Records emitted so far.
    pub log: Vec<LogRecord>,
    /// Number of nodes in the run (`nodes` instruction).
    pub nodes: u32,
    /// What the node is doing.
    pub state: NodeState,
    /// The fault that stopped it, if any.
    pub fault: Option<Fault>,
    /// Clock edge at which the `halt` or faulting instruction that stopped the node began.
    pub stopped_at: Option<u64>,
    /// Owner pid of each inbox id (index); `u32::MAX` when closed or never opened.
    owners: Vec<u32>,
    /// Instruction trace lines not yet handed to the simulation's trace sink, when tracing is on.
    pub trace: Option<Vec<String>>,
    /// Activations as `(start, end)` clock edges, when a timeline is recorded.
    pub timeline: Option<Vec<(u64, u64)>>,
    /// Stalls, process states and inbox occupancy over time, when waveforms are recorded.
    pub activity: Option<Box<Activity>>,
    /// Messages sent to the node's output port, when the port is on (`None`: a `send` to
    /// inbox [`output_port`](crate::local_io::output_port) enters the network as any other).
    pub outputs: Option<Vec<Output>>,
    /// The node's place on the run's barrier wire (a `send` to inbox
    /// [`barrier_port`](crate::local_io::barrier_port) contributes when it is on).
    pub barrier: Tap,
}

/// The per-node random stream's seed: a mix of the run seed and the node id.
fn node_seed(seed: u64, node: u32) -> u64 {
    let mut z = seed ^ (u64::from(node) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Node {
    /// A node that starts process 0 at `entry` at cycle 0, with the image's data loaded.
    ///
    /// Fails when the image's data does not fit the memory or the entry is outside the code.
    pub fn new(
        id: u32,
        params: NodeParams,
        program: Arc<Program>,
        entry: u32,
        nodes: u32,
        seed: u64,
    ) -> Result<Node, String> {
        let data = &program.image.data;
        if data.len() > params.memory as usize {
            return Err(format!(
                "node {id}: the image's {} data words do not fit a memory of {} words",
                data.len(),
                params.memory
            ));
        }
        if entry >= program.code_len() {
            return Err(format!(
                "node {id}: entry address {entry} is outside the code"
            ));
        }
        let mem = Memory::new(params.memory, data).map_err(|e| format!("node {id}: {e}"))?;
        let first = Process {
            pc: entry,
            ds: StackWords::default(),
            rs: StackWords::default(),
            state: ProcState::Ready,
        };
        // Room for a spawned process and for the owners of three more inboxes (an RPC's
        // reply inboxes) without moving either list.
        let mut procs = Vec::with_capacity(2);
        procs.push(first);
        let mut owners = Vec::with_capacity(4);
        owners.push(0);
        Ok(Node {
            id,
            params,
            program,
            mem,
            procs,
            current: 0,
            ready: VecDeque::new(),
            cycle: 0,
            counters: Counters::default(),
            activation_start: 0,
            rng: Box::new(ChaCha8Rng::seed_from_u64(node_seed(seed, id))),
            log: Vec::new(),
            nodes,
            state: NodeState::Running,
            fault: None,
            stopped_at: None,
            owners,
            trace: None,
            timeline: None,
            activity: None,
            outputs: None,
            barrier: Tap::Off,
        })
    }

    /// Local time of the next issue: `cycle * period`.
    pub fn time(&self) -> Time {
        self.cycle.saturating_mul(self.params.period)
    }

    /// The first clock edge at or after time `t`.
    pub fn edge_at_or_after(&self, t: Time) -> u64 {
        t.div_ceil(self.params.period)
    }

    /// Whether the node stopped for good (halted or faulted).
    pub fn is_stopped(&self) -> bool {
        matches!(self.state, NodeState::Halted | NodeState::Faulted)
    }

    /// Whether a delivery waking a process at clock edge `edge` still finds the node running:
    /// a node that ran ahead and stopped later than `edge` was still running then.
    pub fn running_at(&self, edge: u64) -> bool {
        !self.is_stopped() || self.stopped_at.is_some_and(|s| edge <= s)
    }

    /// Records `kind` at the current process's PC and stops the node.
    pub fn raise(&mut self, kind: FaultKind) {
        let pc = self.procs[self.current].pc;
        tracing::debug!(node = self.id, pc, %kind, "fault");
        self.fault = Some(Fault {
            node: self.id,
            time_fs: self.time(),
            pc,
            pid: self.current as u32,
            source: self.program.source(pc),
            kind: kind.class(),
            message: kind.to_string(),
        });
        self.stopped_at = Some(self.cycle);
        self.close_activation();
        self.state = NodeState::Faulted;
    }

    /// Charges `cycles` of busy time (instruction costs outside the fast loop, switches).
    pub fn charge(&mut self, cycles: u64) {
        self.cycle += cycles;
        self.counters.busy += cycles;
    }

    fn close_activation(&mut self) {
        let length = self.cycle - self.activation_start;
        let c = &mut self.counters;
        c.activations += 1;
        c.largest_activation = c.largest_activation.max(length);
        if self.params.budget.is_some_and(|b| length > b) {
            c.deadline_misses += 1;
        }
        if let Some(spans) = self.timeline.as_mut() {
            spans.push((self.activation_start, self.cycle));
        }
    }

    /// The cycle at which the current activation exceeds its budget, if budgets fault.
    pub fn budget_limit(&self) -> Option<u64> {
        match self.params.budget {
            Some(b) if self.params.budget_faults => Some(self.activation_start + b + 1),
            _ => None,
        }
    }

    /// Faults if the current activation has used more than its budget (when budgets fault).
    pub fn check_budget(&mut self) -> bool {
        if self.budget_limit().is_some_and(|limit| self.cycle >= limit) {
            let budget = self.params.budget.unwrap_or_default();
            self.raise(FaultKind::Budget(budget));
            return false;
        }
        true
    }

    /// Makes the next ready process current (charging a switch if it differs), or goes idle.
    /// Returns false when the node is left idle or halted.
    pub fn schedule_next(&mut self) -> bool {
        match self.ready.pop_front() {
            Some(pid) => {
                self.switch_to(pid);
                true
            }
            None => {
                self.close_activation();
                self.state = if self.procs.iter().all(|p| p.state == ProcState::Done) {
                    NodeState::Halted
                } else {
                    NodeState::Idle(self.cycle)
                };
                false
            }
        }
    }

    fn switch_to(&mut self, pid: usize) {
        if pid != self.current {
            self.current = pid;
            if let Some(a) = self.activity.as_mut() {
                a.current.push((self.cycle, pid as u32));
            }
            self.charge(u64::from(self.params.profile.switch));
        }
    }

    /// Blocks the current process in `state` and moves on; false if the node is left idle.
    pub fn block_current(&mut self, state: ProcState) -> bool {
        self.procs[self.current].state = state;
        self.note_proc(self.cycle, self.current);
        self.schedule_next()
    }

    /// Yields: the current process goes to the back of the ready queue.
    pub fn yield_current(&mut self) {
        if let Some(pid) = self.ready.pop_front() {
            self.ready.push_back(self.current);
            self.switch_to(pid);
        }
    }

    /// Starts a new ready process at `addr` with `arg` on its data stack; returns its pid.
    pub fn spawn(&mut self, addr: u32, arg: u32) -> Result<u32, FaultKind> {
        let alive = self
            .procs
            .iter()
            .filter(|p| p.state != ProcState::Done)
            .count();
        if alive >= self.params.processes as usize {
            return Err(FaultKind::TooManyProcesses(self.params.processes));
        }
        if addr >= self.program.code_len() {
            return Err(FaultKind::CodeRange(addr));
        }
        let pid = self.procs.len();
        // The buffer at its configured depth at once: the interpreter's first
        // `StackWords::room` then fills it without moving it.
        let mut ds = Vec::with_capacity(self.params.data_stack as usize);
        ds.push(arg);
        self.procs.push(Process {
            pc: addr,
            ds: StackWords::from(ds),
            rs: StackWords::default(),
            state: ProcState::Ready,
        });
        self.ready.push_back(pid);
        self.note_proc(self.cycle, pid);
        Ok(pid as u32)
    }

    /// The earliest timer (wait deadline or sleep end) of any blocked process.
    pub fn next_timer(&self) -> Option<u64> {
        self.procs
            .iter()
            .filter_map(|p| match p.state {
                ProcState::Waiting(deadline) => deadline,
                ProcState::Sleeping(until) => Some(until),
                _ => None,
            })
            .min()
    }

    /// Wakes process `pid` (pushing `got` for a `wait`) at clock edge `at`.
    /// An idle node resumes at `at`, starting a new activation.
    pub fn wake(&mut self, pid: usize, at: u64, got: Option<u32>) {
        let proc = &mut self.procs[pid];
        if let Some(flag) = got {
            proc.ds.push(flag);
        }
        proc.state = ProcState::Ready;
        if let NodeState::Idle(since) = self.state {
            let at = at.max(self.cycle);
            self.note_proc(at, pid);
            self.counters.idle += at - since;
            self.cycle = at;
            self.activation_start = at;
            self.state = NodeState::Running;
            self.switch_to(pid);
        } else {
            self.note_proc(at, pid);
            self.ready.push_back(pid);
        }
    }

    /// Wakes every process whose timer is due at edge `at`, earliest deadline first
    /// (then lowest pid).
    pub fn fire_timers(&mut self, at: u64) {
        while let Some((due, pid)) = self
            .procs
            .iter()
            .enumerate()
            .filter_map(|(pid, p)| match p.state {
                ProcState::Waiting(Some(deadline)) => Some((deadline, pid)),
                ProcState::Sleeping(until) => Some((until, pid)),
                _ => None,
            })
            .filter(|&(due, _)| due <= at)
            .min()
        {
            let got = matches!(self.procs[pid].state, ProcState::Waiting(_)).then_some(0);
            self.wake(pid, due, got);
        }
    }

    /// The addressing of the node's image, which is the run's (docs/scenario.md, Limits).
    pub fn addressing(&self) -> Addressing {
        self.program.image.addressing
    }

    /// How many inbox ids the node has been given (inbox 0 and every `open`): the NIC hands
    /// them out in order and never reuses one, so this is also the next id `open` gets.
    pub fn inbox_ids_used(&self) -> usize {
        self.owners.len()
    }

    /// The process owning inbox `inbox`, if it is open.
    pub fn owner(&self, inbox: u16) -> Option<usize> {
        match self.owners.get(usize::from(inbox)) {
            Some(&pid) if pid != u32::MAX => Some(pid as usize),
            _ => None,
        }
    }

    /// Open inboxes owned by `pid`.
    pub fn inboxes_of(&self, pid: usize) -> impl Iterator<Item = u16> + '_ {
        self.owners
            .iter()
            .enumerate()
            .filter(move |&(_, &owner)| owner == pid as u32)
            .map(|(inbox, _)| inbox as u16)
    }

    fn set_owner(&mut self, inbox: u16, pid: Option<usize>) {
        let i = usize::from(inbox);
        if self.owners.len() <= i {
            self.owners.resize(i + 1, u32::MAX);
        }
        self.owners[i] = pid.map_or(u32::MAX, |p| p as u32);
    }

    /// Ends the run for this node at edge `end`: idle or stalled time up to it is counted,
    /// and an activation still in progress counts towards the largest activation and the
    /// deadline misses (but not towards the completed activations) and ends the timeline.
    pub fn finish(&mut self, end: u64) {
        let in_progress = match self.state {
            NodeState::Idle(since) => {
                self.counters.idle += end.saturating_sub(since);
                None
            }
            NodeState::Stalled(since) => {
                self.counters.stalled += end.saturating_sub(since);
                self.note_stall(since, end.max(since));
                Some(end.max(since))
            }
            NodeState::Running => Some(self.cycle),
            NodeState::Halted | NodeState::Faulted => None,
        };
        if let Some(last) = in_progress {
            let length = last.saturating_sub(self.activation_start);
            let c = &mut self.counters;
            c.largest_activation = c.largest_activation.max(length);
            if self.params.budget.is_some_and(|b| length > b) {
                c.deadline_misses += 1;
            }
            if let Some(spans) = self.timeline.as_mut() {
                spans.push((self.activation_start, last.max(self.activation_start)));
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
