//! Waveforms of a run as a VCD file (`aether run --vcd FILE`, docs/debugging.md).
//!
//! Per emulated node: its state (the report's busy, idle and stalled accounting, plus
//! halted and faulted), each process's activity and the messages waiting in its inboxes;
//! per link that carried a packet: whether it is transmitting and how many packets wait
//! for it. The changes are recorded during the run ([`record`]) and written after it
//! ([`write_vcd`]), sorted by time, in the coarsest power-of-ten unit that holds every
//! change time exactly.

use std::io::{self, Write};

use vcd::{IdCode, TimescaleUnit, Value};

use crate::node::{Node, NodeState, ProcState};
use crate::sim::{Outcome, Simulation, Station};
use crate::time::Time;

/// Which nodes a waveform shows (links are shown when either end is a shown node).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Every emulated node and every link.
    #[default]
    All,
    /// These node ids, sorted.
    Nodes(Vec<u32>),
}

impl Selection {
    /// Parses `0,3,8-11` (ids and inclusive ranges) into a selection.
    pub fn parse(text: &str) -> Result<Selection, String> {
        let mut ids = Vec::new();
        for part in text.split(',').map(str::trim) {
            let id = |s: &str| {
                s.trim()
                    .parse::<u32>()
                    .map_err(|_| format!("`{s}` in `{text}` is not a node id"))
            };
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (id(a)?, id(b)?);
                    if a > b {
                        return Err(format!("the range `{part}` in `{text}` is empty"));
                    }
                    ids.extend(a..=b);
                }
                None => ids.push(id(part)?),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(Selection::Nodes(ids))
    }

    /// Whether node (or router) `id` is shown.
    pub fn shows(&self, id: u32) -> bool {
        match self {
            Selection::All => true,
            Selection::Nodes(ids) => ids.binary_search(&id).is_ok(),
        }
    }
}

/// Turns on what the waveform needs: every shown node's timeline and activity, and the
/// network's hop record. Fails when a selected id is not an emulated node.
pub fn record(sim: &mut Simulation, selection: &Selection) -> Result<(), String> {
    if let Selection::Nodes(ids) = selection {
        for &id in ids {
            match sim.world.stations.get(id as usize) {
                Some(Station::Node(_)) => {}
                _ => return Err(format!("{id} is not an emulated node")),
            }
        }
    }
    for station in &mut sim.world.stations {
        if let Station::Node(node) = station
            && selection.shows(node.id)
        {
            node.timeline.get_or_insert_default();
            node.activity.get_or_insert_default();
        }
    }
    sim.world.net.record_hops();
    Ok(())
}

/// A node's state as the `state` signal encodes it (docs/debugging.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Idle = 0,
    Busy = 1,
    Stalled = 2,
    Halted = 3,
    Faulted = 4,
}

/// A process's activity as its `state` signal encodes it (docs/debugging.md).
fn proc_code(state: ProcState, on_cpu: bool, node: Option<Shown>) -> u64 {
    let stopped = matches!(node, Some(Shown::Halted | Shown::Faulted));
    match (state, on_cpu, node) {
        (ProcState::Done, _, _) => 5,
        (_, _, _) if stopped => 6,
        (ProcState::Ready, true, Some(Shown::Busy)) => 1,
        (ProcState::Ready, true, Some(Shown::Stalled)) => 2,
        (ProcState::Ready, _, _) => 0,
        (ProcState::Waiting(_), _, _) => 3,
        (ProcState::Sleeping(_), _, _) => 4,
    }
}

/// One variable of the file.
struct Var {
    /// Scope path below the top scope `aether`.
    scope: Vec<String>,
    name: &'static str,
    width: u32,
}

/// A value change: `None` is `x` (unknown).
type Change = (Time, usize, Option<u64>);

/// The variables and changes of a run.
#[derive(Default)]
struct Waves {
    vars: Vec<Var>,
    changes: Vec<Change>,
}

impl Waves {
    fn var(&mut self, scope: Vec<String>, name: &'static str, width: u32) -> usize {
        self.vars.push(Var { scope, name, width });
        self.vars.len() - 1
    }

    /// A node's state, processes and inbox occupancy.
    fn node(&mut self, node: &Node, end_time: Time) {
        let (Some(spans), Some(activity)) = (node.timeline.as_deref(), node.activity.as_deref())
        else {
            return;
        };
        let period = node.params.period;
        let scope = vec![format!("node_{}", node.id)];
        let state = self.var(scope.clone(), "state", 3);
        let inbox = self.var(scope.clone(), "inbox", 32);
        let procs: Vec<usize> = (0..node.procs.len())
            .map(|pid| {
                let mut s = scope.clone();
                s.push(format!("proc_{pid}"));
                self.var(s, "state", 3)
            })
            .collect();

        // The node's state: activations (less their stalls) busy, the gaps idle, a
        // final halt or fault from the end of the last activation, unknown after the
        // node's accounting ends.
        let mut states: Vec<(u64, Option<Shown>)> = Vec::new();
        let mut stalls = activity.stalls.iter().peekable();
        for &(s, e) in spans {
            states.push((s, Some(Shown::Busy)));
            while let Some(&&(a, b)) = stalls.peek().filter(|&&&(a, _)| a <= e) {
                states.push((a, Some(Shown::Stalled)));
                states.push((b, Some(Shown::Busy)));
                stalls.next();
            }
            states.push((e, Some(Shown::Idle)));
        }
        let last = spans.last().map_or(0, |&(_, e)| e);
        let end = node.edge_at_or_after(end_time);
        match node.state {
            NodeState::Halted => states.push((last, Some(Shown::Halted))),
            NodeState::Faulted => states.push((last, Some(Shown::Faulted))),
            NodeState::Running => states.push((node.cycle, None)),
            NodeState::Idle(_) => states.push((end, None)),
            NodeState::Stalled(since) => states.push((end.max(since), None)),
        }

        // Everything that changes a process's shown activity, by clock edge.
        enum Step {
            Node(Option<Shown>),
            Proc(u32, ProcState),
            Cpu(u32),
        }
        let mut steps: Vec<(u64, Step)> = states
            .into_iter()
            .map(|(c, s)| (c, Step::Node(s)))
            .chain(activity.current.iter().map(|&(c, p)| (c, Step::Cpu(p))))
            .chain(
                activity
                    .procs
                    .iter()
                    .map(|&(c, p, s)| (c, Step::Proc(p, s))),
            )
            .collect();
        steps.sort_by_key(|&(c, _)| c);
        let mut shown = Some(Shown::Busy);
        let mut cpu = 0u32;
        let mut proc_states: Vec<Option<ProcState>> = vec![None; node.procs.len()];
        proc_states[0] = Some(ProcState::Ready);
        steps.insert(0, (0, Step::Node(shown)));
        for at in steps.chunk_by(|a, b| a.0 == b.0) {
            for (_, step) in at {
                match *step {
                    Step::Node(s) => shown = s,
                    Step::Proc(p, s) => proc_states[p as usize] = Some(s),
                    Step::Cpu(p) => cpu = p,
                }
            }
            let t = at[0].0.saturating_mul(period);
            self.changes.push((t, state, shown.map(|s| s as u64)));
            for (pid, &var) in procs.iter().enumerate() {
                let code = proc_states[pid].map(|s| proc_code(s, pid as u32 == cpu, shown));
                self.changes.push((t, var, code));
            }
        }

        self.changes.push((0, inbox, Some(0)));
        let mut inbox_log = activity.inbox.clone();
        inbox_log.sort_by_key(|&(t, _)| t);
        let mut waiting = 0i64;
        for (t, change) in inbox_log {
            waiting += change;
            self.changes.push((t, inbox, u64::try_from(waiting).ok()));
        }
    }

    /// The links that carried a packet: busy while transmitting, the packets waiting.
    fn links(&mut self, sim: &Simulation, selection: &Selection) {
        let stats = sim.world.net.stats();
        let mut index = std::collections::BTreeMap::new();
        for link in stats.links {
            if !(selection.shows(link.from) || selection.shows(link.to)) {
                continue;
            }
            let scope = vec![format!("link_{}_{}_{}", link.id, link.from, link.to)];
            let busy = self.var(scope.clone(), "busy", 1);
            let queue = self.var(scope, "queue", 32);
            index.insert(link.id, (busy, queue, Vec::new(), Vec::new()));
        }
        for hop in sim.world.net.hops() {
            if let Some((_, _, spans, waits)) = index.get_mut(&hop.link) {
                spans.push((hop.start, hop.end));
                waits.push((hop.ready, 1i64));
                waits.push((hop.start, -1i64));
            }
        }
        for (busy, queue, spans, mut waits) in index.into_values() {
            self.changes.push((0, busy, Some(0)));
            for (start, end) in spans.into_iter().filter(|(s, e)| s < e) {
                self.changes.push((start, busy, Some(1)));
                self.changes.push((end, busy, Some(0)));
            }
            // At one time, a packet that leaves is counted before one that arrives.
            waits.sort_by_key(|&(t, change)| (t, change));
            self.changes.push((0, queue, Some(0)));
            let mut waiting = 0i64;
            for (t, change) in waits {
                waiting += change;
                self.changes.push((t, queue, u64::try_from(waiting).ok()));
            }
        }
    }
}

/// A writer that counts the bytes written and fails past a limit.
struct Bounded<W> {
    inner: W,
    written: u64,
    limit: u64,
}

impl<W: Write> Write for Bounded<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written += buf.len() as u64;
        if self.written > self.limit {
            return Err(io::Error::other(format!(
                "the VCD file would exceed {} bytes",
                self.limit
            )));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The largest power of ten (at most 10^15) that divides every time, and its VCD unit.
fn timescale(times: impl Iterator<Item = Time>) -> (u64, u32, TimescaleUnit) {
    let gcd = |mut a: u64, mut b: u64| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let g = times.fold(0, gcd);
    let mut exp = 0u32;
    while exp < 15 && g != 0 && g % 10u64.pow(exp + 1) == 0 {
        exp += 1;
    }
    let unit = match exp / 3 {
        0 => TimescaleUnit::FS,
        1 => TimescaleUnit::PS,
        2 => TimescaleUnit::NS,
        3 => TimescaleUnit::US,
        4 => TimescaleUnit::MS,
        _ => TimescaleUnit::S,
    };
    (10u64.pow(exp), 10u32.pow(exp % 3), unit)
}

/// The bits of `value` without leading zeros (VCD extends a shorter value with zeros).
fn bits(value: Option<u64>) -> Vec<Value> {
    match value {
        None => vec![Value::X],
        Some(0) => vec![Value::V0],
        Some(v) => (0..64 - v.leading_zeros())
            .rev()
            .map(|b| {
                if v >> b & 1 == 1 {
                    Value::V1
                } else {
                    Value::V0
                }
            })
            .collect(),
    }
}

/// Writes the run's waveforms as VCD to `out`, failing once more than `limit` bytes would
/// be written. The run must have been prepared with [`record`].
pub fn write_vcd(
    sim: &Simulation,
    outcome: &Outcome,
    selection: &Selection,
    out: impl Write,
    limit: u64,
) -> io::Result<()> {
    let mut waves = Waves::default();
    for station in &sim.world.stations {
        if let Station::Node(node) = station
            && selection.shows(node.id)
        {
            waves.node(node, outcome.end_time);
        }
    }
    waves.links(sim, selection);
    let Waves { vars, mut changes } = waves;
    changes.sort_by_key(|&(t, _, _)| t);
    let end = changes
        .last()
        .map_or(0, |&(t, _, _)| t)
        .max(outcome.end_time);
    let (step, mult, unit) = timescale(changes.iter().map(|&(t, _, _)| t).chain([end]));

    let mut w = vcd::Writer::new(Bounded {
        inner: io::BufWriter::new(out),
        written: 0,
        limit,
    });
    w.comment("aether run waveforms: signal meanings in docs/debugging.md")?;
    w.timescale(mult, unit)?;
    w.add_module("aether")?;
    let mut ids: Vec<IdCode> = Vec::with_capacity(vars.len());
    let mut open: Vec<String> = Vec::new();
    for var in &vars {
        let common = open
            .iter()
            .zip(&var.scope)
            .take_while(|(a, b)| a == b)
            .count();
        while open.len() > common {
            w.upscope()?;
            open.pop();
        }
        for s in &var.scope[common..] {
            w.add_module(s)?;
            open.push(s.clone());
        }
        ids.push(w.add_wire(var.width, var.name)?);
    }
    for _ in 0..=open.len() {
        w.upscope()?;
    }
    w.enddefinitions()?;

    // Sorted by time, then variable; the sort is stable, so the change recorded last
    // for a variable at a time is the one that holds.
    changes.sort_by_key(|&(t, var, _)| (t, var));
    let mut groups = changes.chunk_by(|a, b| a.0 == b.0).peekable();
    let zero = groups.next_if(|g| g[0].0 == 0).unwrap_or_default();
    // Every variable gets a value at time 0: unknown unless it has one then.
    let mut now: Vec<Option<u64>> = vec![None; vars.len()];
    for same in zero.chunk_by(|a, b| a.1 == b.1) {
        if let Some(&(_, var, value)) = same.last() {
            now[var] = value;
        }
    }
    w.timestamp(0)?;
    w.begin(vcd::SimulationCommand::Dumpvars)?;
    for (var, &value) in now.iter().enumerate() {
        emit(&mut w, ids[var], vars[var].width, value)?;
    }
    w.end()?;
    let mut written = 0;
    for group in groups {
        let t = group[0].0;
        for same in group.chunk_by(|a, b| a.1 == b.1) {
            let Some(&(_, var, value)) = same.last() else {
                continue;
            };
            if now[var] == value {
                continue;
            }
            if written != t {
                w.timestamp(t / step)?;
                written = t;
            }
            now[var] = value;
            emit(&mut w, ids[var], vars[var].width, value)?;
        }
    }
    if end > written {
        w.timestamp(end / step)?;
    }
    w.writer().flush()
}

fn emit<W: Write>(
    w: &mut vcd::Writer<W>,
    id: IdCode,
    width: u32,
    value: Option<u64>,
) -> io::Result<()> {
    if width == 1 {
        w.change_scalar(id, bits(value)[0])
    } else {
        w.change_vector(id, bits(value))
    }
}
