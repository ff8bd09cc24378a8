//! The decoding report: what a `[decoding]` run adds to the report (docs/report.md,
//! "Decoding").

use std::fmt::Write;

use serde::Serialize;

use crate::time::{FS_PER_NS, Time};

/// Bins of the latency histogram.
const HISTOGRAM_BINS: u64 = 8;
/// Failure reasons a report lists, at most.
const MAX_REASONS: usize = 10;

/// Shots, checks, logical errors, decode latency, backlog and traffic of a decoding run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DecodingReport {
    /// Shots in the run.
    pub shots: u64,
    /// Stabilizer nodes.
    pub nodes: u64,
    /// Layers (rounds with detectors) per shot.
    pub layers: u32,
    /// Round period (fs).
    pub round_period_fs: Time,
    /// Readout latency (fs).
    pub readout_latency_fs: Time,
    /// Readouts placed in inboxes.
    pub readouts: u64,
    /// Readouts lost (inbox 0 closed or full).
    pub readouts_lost: u64,
    /// Barrier epochs released.
    pub barriers: u64,
    /// Barrier release messages lost (the reply-to inbox closed or full).
    pub barriers_lost: u64,
    /// Shots every output node reported.
    pub decoded: u64,
    /// Shots some output node did not report.
    pub undecoded: u64,
    /// Output-port messages that are not a well-formed result of an output node.
    pub malformed_outputs: u64,
    /// Decoded shots whose correction does not reproduce the syndrome (or whose mask is
    /// not its edges' observables).
    pub unmatched: u64,
    /// Whether every shot was compared with the host reference decoder.
    pub reference_checked: bool,
    /// Decoded shots whose correction differs from the host reference's.
    pub reference_mismatches: u64,
    /// The host reference's growth rounds per decoded shot, mean (0 when not checked).
    pub growth_rounds_mean: f64,
    /// The host reference's most growth rounds of a decoded shot (0 when not checked).
    pub growth_rounds_max: u32,
    /// Decoded shots whose predicted observables differ from the actual ones.
    pub logical_errors: u64,
    /// `logical_errors / decoded`.
    pub logical_error_rate: f64,
    /// Lower end of its Wilson 95 % interval.
    pub low: f64,
    /// Upper end of its Wilson 95 % interval.
    pub high: f64,
    /// Decode latency of the decoded shots.
    pub latency: Latency,
    /// Shots that fell behind.
    pub backlog: Backlog,
    /// Network messages sent per shot.
    pub messages_per_shot: f64,
    /// Network bytes sent per shot.
    pub bytes_per_shot: f64,
    /// The first reasons the run failed (at most 10), empty when it passed.
    pub failures: Vec<String>,
}

/// Decode latency: from the end of a shot's last round to its last result.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    /// The decoder clock's period (fs): the central node's.
    pub clock_period_fs: Time,
    /// Mean (ns).
    pub mean_ns: f64,
    /// Median, nearest rank (ns).
    pub p50_ns: f64,
    /// 99th percentile, nearest rank (ns).
    pub p99_ns: f64,
    /// Largest (ns).
    pub max_ns: f64,
    /// Mean (decoder clock cycles).
    pub mean_cycles: f64,
    /// Median (cycles).
    pub p50_cycles: f64,
    /// 99th percentile (cycles).
    pub p99_cycles: f64,
    /// Largest (cycles).
    pub max_cycles: f64,
    /// Histogram: `(from_ns, to_ns, shots)`, 8 equal bins of whole femtoseconds from the
    /// smallest latency, the last holding the largest (1 bin when all are equal).
    pub histogram: Vec<(f64, f64, u64)>,
}

/// Shots that fell behind the rounds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Backlog {
    /// Shots decoded after the next shot's last round ended.
    pub late_shots: u64,
    /// The most shots whose rounds had ended but that were not yet decoded, at once.
    pub max_waiting: u64,
}

fn ns(fs: Time) -> f64 {
    fs as f64 / FS_PER_NS as f64
}

impl Latency {
    /// The statistics of `latencies` (fs), with cycles of a clock of period `period` fs.
    pub fn of(latencies: &[Time], period: Time) -> Latency {
        let mut sorted = latencies.to_vec();
        sorted.sort_unstable();
        let Some(&max) = sorted.last() else {
            return Latency {
                clock_period_fs: period,
                ..Latency::default()
            };
        };
        let rank = |q: u64| sorted[((q * sorted.len() as u64).div_ceil(100) as usize).max(1) - 1];
        let mean = sorted.iter().map(|&t| u128::from(t)).sum::<u128>() as f64 / sorted.len() as f64;
        let cycles = |fs: f64| fs / period as f64;
        let min = sorted[0];
        // Bins of `width` fs from `min`; the last one holds `max`.
        let bins = if max == min { 1 } else { HISTOGRAM_BINS };
        let width = (max - min) / bins + 1;
        let histogram = (0..bins)
            .map(|i| {
                let (from, to) = (min + i * width, min + (i + 1) * width);
                let count = sorted.iter().filter(|&&t| t >= from && t < to).count() as u64;
                (ns(from), ns(to), count)
            })
            .collect();
        Latency {
            clock_period_fs: period,
            mean_ns: mean / FS_PER_NS as f64,
            p50_ns: ns(rank(50)),
            p99_ns: ns(rank(99)),
            max_ns: ns(max),
            mean_cycles: cycles(mean),
            p50_cycles: cycles(rank(50) as f64),
            p99_cycles: cycles(rank(99) as f64),
            max_cycles: cycles(max as f64),
            histogram,
        }
    }
}

impl DecodingReport {
    /// Records a reason the run failed (the first few are kept).
    pub fn reason(&mut self, why: String) {
        if self.failures.len() < MAX_REASONS {
            self.failures.push(why);
        }
    }

    /// True when some shot is undecoded, unmatched, differs from the reference, or some
    /// output was malformed: the run must exit non-zero.
    pub fn failed(&self) -> bool {
        self.undecoded + self.malformed_outputs + self.unmatched + self.reference_mismatches > 0
    }

    /// The human summary's decoding section.
    pub fn summary(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "decoding: {} shots on {} nodes, {} layers per shot, round period {} ns, readout latency {} ns",
            self.shots,
            self.nodes,
            self.layers,
            ns(self.round_period_fs),
            ns(self.readout_latency_fs)
        );
        let _ = writeln!(
            out,
            "  decoded {}, undecoded {}, malformed outputs {}, unmatched corrections {}, reference mismatches {}{}",
            self.decoded,
            self.undecoded,
            self.malformed_outputs,
            self.unmatched,
            self.reference_mismatches,
            if self.reference_checked {
                ""
            } else {
                " (not checked)"
            }
        );
        let _ = writeln!(
            out,
            "  logical errors {} of {} (rate {:.4}, 95 % interval {:.4} .. {:.4})",
            self.logical_errors, self.decoded, self.logical_error_rate, self.low, self.high
        );
        if self.reference_checked {
            let _ = writeln!(
                out,
                "  growth rounds per shot (host reference): mean {:.3}, max {}",
                self.growth_rounds_mean, self.growth_rounds_max
            );
        }
        let l = &self.latency;
        let _ = writeln!(
            out,
            "  decode latency ns: mean {:.1}, p50 {:.1}, p99 {:.1}, max {:.1}; cycles at {} fs: mean {:.1}, p50 {:.0}, p99 {:.0}, max {:.0}",
            l.mean_ns,
            l.p50_ns,
            l.p99_ns,
            l.max_ns,
            l.clock_period_fs,
            l.mean_cycles,
            l.p50_cycles,
            l.p99_cycles,
            l.max_cycles
        );
        let most = l.histogram.iter().map(|b| b.2).max().unwrap_or(0).max(1);
        for (from, to, count) in &l.histogram {
            let bar = "#".repeat((count * 40).div_ceil(most) as usize);
            let _ = writeln!(out, "  {from:>10.1} .. {to:>10.1} ns {count:>7} {bar}");
        }
        let _ = writeln!(
            out,
            "  backlog: {} late shots, at most {} shots waiting; {:.1} messages and {:.1} bytes per shot; {} readouts ({} lost)",
            self.backlog.late_shots,
            self.backlog.max_waiting,
            self.messages_per_shot,
            self.bytes_per_shot,
            self.readouts,
            self.readouts_lost
        );
        if self.barriers + self.barriers_lost > 0 {
            let _ = writeln!(
                out,
                "  barrier: {} epochs released ({} release messages lost)",
                self.barriers, self.barriers_lost
            );
        }
        for why in &self.failures {
            let _ = writeln!(out, "  FAILED {why}");
        }
    }
}
