//! The run report: what `aether run` prints, as a human summary or as JSON
//! (schema in `docs/report.md`).

pub mod decoding;
mod pretty;
mod traffic;

use serde::Serialize;

pub use traffic::{MessageCount, SUMMARY_ROWS, message_counts, type_names};

use aether_network::NetworkStats;

use crate::engine::StopReason;
use crate::inspect::Dump;
use crate::node::{Fault, LogRecord, NodeState, ProcState};
use crate::sim::{Outcome, Simulation, Station};
use crate::time::{FS_PER_NS, Time};
use crate::watch::WatchRecord;

/// Above this many nodes the human summary lists only those with the longest activations.
pub const SUMMARY_NODES: usize = 32;

/// Version of the JSON report schema.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole report of one run.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub schema: u32,
    /// The scenario file.
    pub scenario: String,
    /// Run seed.
    pub seed: u64,
    /// Why the run stopped.
    pub stop_reason: StopReason,
    /// Simulated time at the end (fs).
    pub time_fs: Time,
    /// Simulated time at the end (ns, for reading).
    pub time_ns: f64,
    /// Engine events processed.
    pub events: u64,
    /// Emulated nodes, by id.
    pub nodes: Vec<NodeReport>,
    /// Behavioural components, by id.
    pub components: Vec<ComponentReport>,
    /// Every fault, in time order.
    pub faults: Vec<Fault>,
    /// The structured log, ordered by time, then node, then emission order.
    pub log: Vec<LogEntry>,
    /// aether's message report: counts by message type, named from the programs.
    pub messages: Vec<MessageCount>,
    /// Network statistics (links that carried nothing are left out).
    pub network: NetworkStats,
    /// The decoding workload's report, in a run with a `[decoding]` section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoding: Option<decoding::DecodingReport>,
    /// Node state dumps (`--dump-at`, `--dump-on-stop`), in time order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dumps: Vec<Dump>,
    /// Changes of watched memory words (`--watch`), in time order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub watches: Vec<WatchRecord>,
}

/// How the scenario names a node: its program and its clock as configured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeLabel {
    /// Program name.
    pub program: String,
    /// Clock (Hz) as configured.
    pub clock_hz: u64,
}

/// Per-node figures.
#[derive(Debug, Serialize)]
pub struct NodeReport {
    /// Node id.
    pub id: u32,
    /// Program name.
    pub program: String,
    /// Clock (Hz) as configured.
    pub clock_hz: u64,
    /// Clock period (fs).
    pub period_fs: Time,
    /// Final state.
    pub state: &'static str,
    /// Instructions retired.
    pub instructions: u64,
    /// Cycle accounting.
    pub cycles: CycleReport,
    /// Completed activations.
    pub activations: u64,
    /// The longest activation.
    pub largest_activation: Span,
    /// Cycle budget per activation, if any.
    pub budget: Option<u64>,
    /// Activations over budget.
    pub deadline_misses: u64,
    /// The fault that stopped the node, if any.
    pub fault: Option<Fault>,
    /// Inboxes open at the end of the run (inbox 0 included while open).
    pub open_inboxes: usize,
    /// Processes that had not exited at the end of the run.
    pub processes: usize,
}

/// Busy, idle and stalled cycles.
#[derive(Debug, Serialize)]
pub struct CycleReport {
    /// Executing instructions or switching processes.
    pub busy: u64,
    /// No ready process.
    pub idle: u64,
    /// Stalled on a full transmit queue.
    pub stalled: u64,
}

/// A length in cycles and nanoseconds.
#[derive(Debug, Serialize)]
pub struct Span {
    /// Cycles.
    pub cycles: u64,
    /// Nanoseconds at the node's clock.
    pub ns: f64,
}

/// Per-component figures.
#[derive(Debug, Serialize)]
pub struct ComponentReport {
    /// Station id.
    pub id: u32,
    /// Component kind.
    pub kind: &'static str,
    /// Messages sent.
    pub sent: u64,
    /// Messages received.
    pub received: u64,
}

/// One log record.
#[derive(Debug, Serialize)]
pub struct LogEntry {
    /// Emitting node.
    pub node: u32,
    /// Time (fs).
    pub time_fs: Time,
    /// Tag.
    pub tag: u32,
    /// Values (as unsigned words).
    pub values: Vec<u32>,
}

/// The report's name of a node state.
pub(crate) fn state_name(state: NodeState) -> &'static str {
    match state {
        NodeState::Running => "running",
        NodeState::Stalled(_) => "stalled",
        NodeState::Idle(_) => "idle",
        NodeState::Halted => "halted",
        NodeState::Faulted => "faulted",
    }
}

impl Report {
    /// Builds the report of a finished run; `label(id)` names node `id`'s program and clock.
    pub fn new(
        scenario: &str,
        seed: u64,
        sim: &Simulation,
        outcome: &Outcome,
        label: &dyn Fn(u32) -> NodeLabel,
    ) -> Report {
        let mut nodes = Vec::with_capacity(sim.world.stations.len());
        let mut components = Vec::new();
        let mut faults = Vec::new();
        let mut log: Vec<&LogRecord> = sim.world.component_log.iter().collect();
        for (i, station) in sim.world.stations.iter().enumerate() {
            match station {
                Station::Node(n) => {
                    let c = &n.counters;
                    let period = n.params.period;
                    let NodeLabel { program, clock_hz } = label(n.id);
                    nodes.push(NodeReport {
                        id: n.id,
                        program,
                        clock_hz,
                        period_fs: period,
                        state: state_name(n.state),
                        instructions: c.instructions,
                        cycles: CycleReport {
                            busy: c.busy,
                            idle: c.idle,
                            stalled: c.stalled,
                        },
                        activations: c.activations,
                        largest_activation: Span {
                            cycles: c.largest_activation,
                            ns: c.largest_activation.saturating_mul(period) as f64
                                / FS_PER_NS as f64,
                        },
                        budget: n.params.budget,
                        deadline_misses: c.deadline_misses,
                        fault: n.fault.clone(),
                        open_inboxes: sim.world.net.open_inboxes(n.id),
                        processes: n
                            .procs
                            .iter()
                            .filter(|p| p.state != ProcState::Done)
                            .count(),
                    });
                    faults.extend(n.fault.clone());
                    log.extend(n.log.iter());
                }
                Station::Component(comp) => {
                    let s = comp.stats();
                    components.push(ComponentReport {
                        id: i as u32,
                        kind: comp.kind(),
                        sent: s.sent,
                        received: s.received,
                    });
                }
            }
        }
        faults.sort_by_key(|f| (f.time_fs, f.node));
        log.sort_by_key(|r| (r.time_fs, r.node));
        let mut network = sim.world.net.stats().ending_at(outcome.end_time);
        network.links.retain(|l| l.packets > 0);
        let messages = message_counts(&network, &type_names(sim));
        Report {
            schema: SCHEMA_VERSION,
            scenario: scenario.to_string(),
            seed,
            stop_reason: outcome.reason,
            time_fs: outcome.end_time,
            time_ns: outcome.end_time as f64 / FS_PER_NS as f64,
            events: outcome.events,
            nodes,
            components,
            faults,
            log: log
                .into_iter()
                .map(|r| LogEntry {
                    node: r.node,
                    time_fs: r.time_fs,
                    tag: r.tag,
                    values: r.values.clone(),
                })
                .collect(),
            messages,
            network,
            decoding: None,
            dumps: Vec::new(),
            watches: Vec::new(),
        }
    }

    /// Writes the report as pretty-printed JSON and a newline to `out`, as it goes (a
    /// million nodes' report is about 850 MB, never held whole in memory).
    pub fn write_json(&self, out: impl std::io::Write) -> std::io::Result<()> {
        Ok(pretty::write(out, self)?)
    }

    /// A human-readable summary.
    pub fn summary(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "scenario {} (seed {}): stopped ({:?}) at {} fs = {:.3} ns after {} events",
            self.scenario, self.seed, self.stop_reason, self.time_fs, self.time_ns, self.events
        );
        let _ = writeln!(
            out,
            "{:>5} {:<12} {:>9} {:>12} {:>12} {:>12} {:>10} {:>14} {:>7}",
            "node",
            "program",
            "state",
            "instrs",
            "busy",
            "idle",
            "stalled",
            "max activation",
            "misses"
        );
        let mut shown: Vec<&NodeReport> = self.nodes.iter().collect();
        if shown.len() > SUMMARY_NODES {
            // The nodes that matter for a deadline: the longest activations first.
            shown.sort_by_key(|n| (std::cmp::Reverse(n.largest_activation.cycles), n.id));
            shown.truncate(SUMMARY_NODES / 2);
        }
        for n in shown {
            let _ = writeln!(
                out,
                "{:>5} {:<12} {:>9} {:>12} {:>12} {:>12} {:>10} {:>8} cyc {:>9.1} ns {:>4}",
                n.id,
                n.program,
                n.state,
                n.instructions,
                n.cycles.busy,
                n.cycles.idle,
                n.cycles.stalled,
                n.largest_activation.cycles,
                n.largest_activation.ns,
                n.deadline_misses
            );
        }
        if self.nodes.len() > SUMMARY_NODES {
            let instructions: u64 = self.nodes.iter().map(|n| n.instructions).sum();
            let misses: u64 = self.nodes.iter().map(|n| n.deadline_misses).sum();
            let _ = writeln!(
                out,
                "  ... {} nodes in all (the {} with the longest activations shown; all in --json): \
                 {instructions} instructions, {misses} deadline misses",
                self.nodes.len(),
                SUMMARY_NODES / 2
            );
        }
        for c in &self.components {
            let _ = writeln!(
                out,
                "component {} {}: sent {}, received {}",
                c.id, c.kind, c.sent, c.received
            );
        }
        traffic::summary(&mut out, &self.network, &self.messages);
        for f in &self.faults {
            let _ = writeln!(
                out,
                "FAULT node {} at {} fs, pc {} ({}): {}",
                f.node,
                f.time_fs,
                f.pc,
                f.source.as_deref().unwrap_or("no source"),
                f.message
            );
        }
        if let Some(d) = &self.decoding {
            d.summary(&mut out);
        }
        for dump in &self.dumps {
            out.push_str(&dump.text());
        }
        if !self.watches.is_empty() {
            let _ = writeln!(out, "watches ({} changes):", self.watches.len());
            for w in &self.watches {
                let _ = writeln!(
                    out,
                    "  node {} {} @{}: {} -> {} at {} fs by proc {} pc {} ({})",
                    w.node,
                    w.what,
                    w.addr,
                    w.old as i32,
                    w.new as i32,
                    w.time_fs,
                    w.pid,
                    w.pc,
                    w.source.as_deref().unwrap_or("no source")
                );
            }
        }
        if !self.log.is_empty() {
            let _ = writeln!(out, "log ({} records):", self.log.len());
            for r in self.log.iter().take(50) {
                let values: Vec<String> = r.values.iter().map(|v| v.to_string()).collect();
                let _ = writeln!(
                    out,
                    "  node {} t={} fs tag {}: {}",
                    r.node,
                    r.time_fs,
                    r.tag,
                    values.join(" ")
                );
            }
            if self.log.len() > 50 {
                let _ = writeln!(out, "  ... {} more (see --json)", self.log.len() - 50);
            }
        }
        out
    }
}
