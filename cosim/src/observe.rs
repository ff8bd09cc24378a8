//! Observability beyond the report: a progress indicator and a Chrome/Perfetto timeline.

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use crate::node::NodeState;
use crate::sim::{Outcome, Simulation, Station};
use crate::time::{FS_PER_NS, Time};

/// A progress indicator on stderr: a bar over simulated time when the run has a time
/// limit, a spinner otherwise. Only create it when stderr is a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar up to `until` (fs), or a spinner without a limit.
    pub fn new(until: Option<Time>) -> Progress {
        let bar = match until {
            Some(limit) => {
                let bar = ProgressBar::new(limit / FS_PER_NS);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} [{bar:40}] {pos}/{len} ns simulated, {msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar
            }
            None => {
                let bar = ProgressBar::new_spinner();
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {pos} ns simulated, {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar
            }
        };
        Progress { bar }
    }

    /// Clears the indicator.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress {
    /// Shows the simulated time reached and the events processed.
    pub fn update(&self, now: Time, events: u64) {
        self.bar.set_position(now / FS_PER_NS);
        self.bar.set_message(format!("{events} events"));
    }
}

fn us(t: Time) -> f64 {
    t as f64 / 1e9
}

/// The run's timeline in Chrome trace-event JSON: per node (one thread each) a slice per
/// activation, a slice per wait between activations, and instant events for its log
/// records and its fault; times in microseconds.
pub fn timeline_json(sim: &Simulation, outcome: &Outcome) -> String {
    let mut events: Vec<Value> = vec![json!({
        "name": "process_name", "ph": "M", "pid": 0, "args": {"name": "aether nodes"}
    })];
    for station in &sim.world.stations {
        let Station::Node(node) = station else {
            continue;
        };
        let tid = node.id;
        events.push(json!({
            "name": "thread_name", "ph": "M", "pid": 0, "tid": tid,
            "args": {"name": format!("node {tid}")}
        }));
        let period = node.params.period;
        let mut last_end = 0;
        for &(start, end) in node.timeline.as_deref().unwrap_or(&[]) {
            if start > last_end {
                events.push(json!({
                    "name": "wait", "cat": "idle", "ph": "X", "pid": 0, "tid": tid,
                    "ts": us(last_end.saturating_mul(period)), "dur": us((start - last_end).saturating_mul(period))
                }));
            }
            events.push(json!({
                "name": "activation", "cat": "busy", "ph": "X", "pid": 0, "tid": tid,
                "ts": us(start.saturating_mul(period)), "dur": us((end - start).saturating_mul(period)),
                "args": {"cycles": end - start}
            }));
            last_end = end;
        }
        let end = outcome.end_time / period;
        if matches!(node.state, NodeState::Idle(_)) && end > last_end {
            events.push(json!({
                "name": "wait", "cat": "idle", "ph": "X", "pid": 0, "tid": tid,
                "ts": us(last_end.saturating_mul(period)), "dur": us((end - last_end).saturating_mul(period))
            }));
        }
        for record in &node.log {
            events.push(json!({
                "name": format!("emit {}", record.tag), "cat": "log", "ph": "i", "s": "t",
                "pid": 0, "tid": tid, "ts": us(record.time_fs), "args": {"values": record.values}
            }));
        }
        if let Some(fault) = &node.fault {
            events.push(json!({
                "name": format!("fault: {}", fault.kind), "cat": "fault", "ph": "i", "s": "t",
                "pid": 0, "tid": tid, "ts": us(fault.time_fs),
                "args": {"message": fault.message, "pc": fault.pc, "source": fault.source}
            }));
        }
    }
    json!({ "traceEvents": events, "displayTimeUnit": "ns" }).to_string()
}
