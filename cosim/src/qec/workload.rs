//! The decoding workload (docs/decoders.md, "Readout, output and the firmware interface"
//! and "The decoding report"): each shot's detection events delivered to the nodes as
//! readouts, and the nodes' results checked shot by shot against the syndrome, the
//! actual observables and the host reference decoder.

use std::collections::BTreeMap;
use std::sync::Arc;

use aether_network::{Address, Message, Payload};

use super::graph::DecodingGraph;
use super::layout::Layout;
use super::sample::Samples;
use super::score::Score;
use super::unionfind;
use super::window::Windows;
use crate::local_io::barrier::Barrier;
use crate::local_io::{InputSource, Output};
use crate::report::decoding::{Backlog, DecodingReport, Latency};
use crate::sim::{Simulation, Station};
use crate::time::Time;

/// Message type of a readout: payload `[shot, layer, detector, fired]`.
pub const QEC_READOUT: u32 = 0x7F_FE00;
/// Message type of a result: payload `[shot, observable mask, n, edge_1 .. edge_n]`.
pub const QEC_RESULT: u32 = 0x7F_FE01;
/// Message type of a barrier release: payload `[epoch, OR of the epoch's values]`.
pub const QEC_BARRIER: u32 = 0x7F_FE02;

/// One output node's result for a shot: when it was sent, its mask and its edges.
type ShotResult = (Time, u64, Vec<u32>);
/// Each shot's results, by output node.
type ShotResults = Vec<BTreeMap<u32, ShotResult>>;

/// A decoding run: the problem, its shots, the readout timing and who reports results.
#[derive(Debug)]
pub struct Workload {
    /// The decoding graph.
    pub graph: DecodingGraph,
    /// Detectors on nodes.
    pub layout: Layout,
    /// The shots: detection events and actual observable flips.
    pub samples: Samples,
    /// Time between the ends of consecutive rounds (layers).
    pub round_period: Time,
    /// Time from a round's end to its readouts' arrival.
    pub readout_latency: Time,
    /// Time from an epoch's latest barrier contribution to its release.
    pub barrier_latency: Time,
    /// Nodes that report one result per shot.
    pub outputs: Vec<u16>,
    /// The central decoder node (holds `qec_graph`).
    pub central: u16,
    /// Compare every shot with the host reference decoder.
    pub check_reference: bool,
    /// The shot's windows: the reference decodes in them.
    pub windows: Windows,
    /// Per layer, the `(node, detector)` of every node with a detector in it.
    by_layer: Vec<Vec<(u16, u32)>>,
}

impl Workload {
    /// A workload over `graph` placed as `layout`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        graph: DecodingGraph,
        layout: Layout,
        samples: Samples,
        round_period: Time,
        readout_latency: Time,
        barrier_latency: Time,
        outputs: Vec<u16>,
        central: u16,
        check_reference: bool,
        windows: Windows,
    ) -> Workload {
        let mut by_layer = vec![Vec::new(); layout.layers as usize];
        for (node, detectors) in layout.detectors.iter().enumerate() {
            for &v in detectors {
                by_layer[layout.layer_of[v as usize] as usize].push((node as u16, v));
            }
        }
        Workload {
            graph,
            layout,
            samples,
            round_period,
            readout_latency,
            barrier_latency,
            outputs,
            central,
            check_reference,
            windows,
            by_layer,
        }
    }

    /// Number of shots.
    pub fn shots(&self) -> usize {
        self.samples.detectors.len()
    }

    /// The end of round (layer) `index = shot * L + layer`, counted from the run's start.
    fn round_end(&self, index: u64) -> Time {
        (index + 1).saturating_mul(self.round_period)
    }

    /// The end of the last round of `shot` that brings readouts (the last layer with a
    /// detector on a node), from which its decode latency counts.
    pub fn shot_end(&self, shot: usize) -> Time {
        let layers = self.by_layer.len() as u64;
        let last = self
            .by_layer
            .iter()
            .rposition(|l| !l.is_empty())
            .unwrap_or(0) as u64;
        self.round_end(shot as u64 * layers + last)
    }

    /// The readouts of every shot, as local inputs of the nodes' inbox 0.
    pub fn readouts(self: &Arc<Self>) -> Readouts {
        Readouts {
            workload: self.clone(),
            next: 0,
        }
    }

    /// The barrier wire over the stabilizer nodes, releasing `QEC_BARRIER` messages.
    pub fn barrier(&self) -> Barrier {
        Barrier::new(
            self.layout.nodes() as u16,
            self.barrier_latency,
            QEC_BARRIER,
        )
    }

    /// Checks the results the nodes sent to their output ports in a finished run.
    pub fn check(&self, sim: &Simulation) -> DecodingReport {
        let mut outputs: Vec<&Output> = Vec::new();
        let mut period = None;
        for station in &sim.world.stations {
            if let Station::Node(node) = station {
                outputs.extend(node.outputs.iter().flatten());
                if node.id == u32::from(self.central) {
                    period = Some(node.params.period);
                }
            }
        }
        outputs.sort_by_key(|o| (o.time, o.node));
        let net = sim.world.net.stats();
        let shots = self.shots() as u64;
        let per_shot = |total: u64| total as f64 / shots.max(1) as f64;
        let mut report = DecodingReport {
            shots,
            nodes: self.layout.nodes() as u64,
            layers: self.layout.layers,
            round_period_fs: self.round_period,
            readout_latency_fs: self.readout_latency,
            readouts: sim.world.input_stats.placed,
            readouts_lost: sim.world.input_stats.lost,
            barriers: sim.world.barrier.as_ref().map_or(0, |b| b.released),
            barriers_lost: sim.world.barrier.as_ref().map_or(0, |b| b.stats.lost),
            messages_per_shot: per_shot(net.nodes.iter().map(|n| n.sent).sum()),
            bytes_per_shot: per_shot(net.nodes.iter().map(|n| n.bytes_sent).sum()),
            reference_checked: self.check_reference,
            ..DecodingReport::default()
        };
        let results = self.collect(&outputs, &mut report);
        let mut latencies = Vec::new();
        let mut finished = Vec::new();
        for (shot, reported) in results.iter().enumerate() {
            if reported.len() < self.outputs.len() {
                report.undecoded += 1;
                report.reason(format!(
                    "shot {shot}: {} of {} output nodes reported",
                    reported.len(),
                    self.outputs.len()
                ));
                continue;
            }
            report.decoded += 1;
            let done = reported.values().map(|r| r.0).max().unwrap_or_default();
            latencies.push(done.saturating_sub(self.shot_end(shot)));
            finished.push((self.shot_end(shot), done));
            self.check_shot(shot, reported, &mut report);
        }
        if report.decoded > 0 {
            report.growth_rounds_mean /= report.decoded as f64;
            let score = Score::new(report.decoded, report.logical_errors);
            (report.logical_error_rate, report.low, report.high) =
                (score.rate, score.low, score.high);
        }
        report.latency = Latency::of(&latencies, period.unwrap_or(1));
        let span = u64::from(self.layout.layers).saturating_mul(self.round_period);
        report.backlog = backlog(&finished, span);
        report
    }

    /// Each shot's results by output node, `(time, mask, edges)`; malformed ones counted.
    fn collect(&self, outputs: &[&Output], report: &mut DecodingReport) -> ShotResults {
        let mut results: ShotResults = vec![BTreeMap::new(); self.shots()];
        let edges = self.graph.edges.len() as u32;
        for o in outputs {
            let p = &o.payload;
            let problem = if o.msg_type != QEC_RESULT {
                Some(format!("message type {:#x} is not QEC_RESULT", o.msg_type))
            } else if !u16::try_from(o.node).is_ok_and(|n| self.outputs.contains(&n)) {
                Some("not an output node".to_string())
            } else if p.len() < 3 || p[2] as usize != p.len() - 3 {
                Some(format!(
                    "payload of {} words is not [shot, mask, n, n edges]",
                    p.len()
                ))
            } else if p[0] as usize >= self.shots() {
                Some(format!("shot {} does not exist", p[0]))
            } else if let Some(e) = p[3..].iter().find(|&&e| e >= edges) {
                Some(format!("edge {e} does not exist"))
            } else if results[p[0] as usize].contains_key(&o.node) {
                Some(format!("a second result for shot {}", p[0]))
            } else {
                None
            };
            match problem {
                Some(why) => {
                    report.malformed_outputs += 1;
                    report.reason(format!("node {} at {} fs: {why}", o.node, o.time));
                }
                None => {
                    results[p[0] as usize]
                        .insert(o.node, (o.time, u64::from(p[1]), p[3..].to_vec()));
                }
            }
        }
        results
    }

    /// Checks one decoded shot: syndrome, observables, reference.
    fn check_shot(
        &self,
        shot: usize,
        reported: &BTreeMap<u32, ShotResult>,
        report: &mut DecodingReport,
    ) {
        let mut edges: Vec<u32> = reported
            .values()
            .flat_map(|r| r.2.iter().copied())
            .collect();
        edges.sort_unstable();
        let mask = reported.values().fold(0, |m, r| m ^ r.1);
        let fired: Vec<u32> = self.samples.detectors[shot]
            .iter_ones()
            .map(|v| v as u32)
            .collect();
        let edge_mask = edges
            .iter()
            .fold(0, |m, &e| m ^ self.graph.edges[e as usize].observables);
        let twice = edges.windows(2).any(|w| w[0] == w[1]);
        if twice || unionfind::syndrome_of(&self.graph, &edges) != fired || edge_mask != mask {
            report.unmatched += 1;
            report.reason(format!(
                "shot {shot}: the correction (edges {edges:?}, mask {mask:#x}) does not reproduce \
                 the syndrome {fired:?} and its edges' observables, or reports an edge twice"
            ));
        }
        let actual = self.samples.observables[shot]
            .iter_ones()
            .fold(0u64, |m, i| m | 1 << i);
        if mask != actual {
            report.logical_errors += 1;
        }
        if self.check_reference {
            let reference = self.windows.decode(&self.graph, &fired);
            if let Ok(c) = &reference {
                report.growth_rounds_mean += f64::from(c.growth_rounds);
                report.growth_rounds_max = report.growth_rounds_max.max(c.growth_rounds);
            }
            let same = reference.is_ok_and(|c| c.edges == edges && c.observables == mask);
            if !same {
                report.reference_mismatches += 1;
                report.reason(format!(
                    "shot {shot}: the correction (edges {edges:?}) differs from the host reference's"
                ));
            }
        }
    }
}

/// Late shots and the most shots waiting at once (docs/report.md): `finished` holds each
/// decoded shot's `(end of last round, decode done)`; `span` is one shot's rounds.
fn backlog(finished: &[(Time, Time)], span: Time) -> Backlog {
    let late = finished
        .iter()
        .filter(|(end, done)| *done > end + span)
        .count() as u64;
    // +1 at each end of rounds, -1 at each decode; a decode at the very time a shot's
    // rounds end is counted first.
    let mut events: Vec<(Time, i64)> = finished
        .iter()
        .flat_map(|&(end, done)| [(end, 1), (done, -1)])
        .collect();
    events.sort_by_key(|&(t, delta)| (t, delta));
    let (mut waiting, mut most) = (0i64, 0i64);
    for (_, delta) in events {
        waiting += delta;
        most = most.max(waiting);
    }
    Backlog {
        late_shots: late,
        max_waiting: most as u64,
    }
}

/// The readouts of a workload, in time order: at the end of each round plus the readout
/// latency, one `QEC_READOUT` per node with a detector in that layer, in node order.
pub struct Readouts {
    workload: Arc<Workload>,
    /// The next round: `shot * L + layer`.
    next: u64,
}

impl InputSource for Readouts {
    fn next_time(&self) -> Option<Time> {
        let w = &self.workload;
        let rounds = w.shots() as u64 * u64::from(w.layout.layers);
        (self.next < rounds).then(|| w.round_end(self.next).saturating_add(w.readout_latency))
    }

    fn pop(&mut self, out: &mut Vec<Message>) {
        let w = &self.workload;
        let layers = u64::from(w.layout.layers);
        let (shot, layer) = (self.next / layers, self.next % layers);
        let Some(fired) = w.samples.detectors.get(shot as usize) else {
            return;
        };
        for &(node, v) in &w.by_layer[layer as usize] {
            out.push(Message {
                src: u32::from(node),
                dst: Address::new(u32::from(node), 0),
                reply_to: None,
                msg_type: QEC_READOUT,
                payload: Payload::from_slice(&[
                    shot as u32,
                    layer as u32,
                    v,
                    u32::from(fired[v as usize]),
                ]),
            });
        }
        self.next += 1;
    }
}

#[cfg(test)]
mod tests;
