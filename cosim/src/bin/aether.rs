//! `aether`: run a scenario on the co-simulator.
//!
//! Exit codes: 0 the run completed and no node faulted; 1 the run completed
//! and at least one node faulted or a decoding run failed its checks (the
//! reasons go to stderr); 2 bad input (command line, scenario,
//! program, network) or an output file could not be written; 130 the run was
//! interrupted (SIGINT or SIGTERM) and the report of what ran was written.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aether_cosim::engine::StopReason;
use aether_cosim::inspect::{Dump, MemorySpec, check_memory};
use aether_cosim::observe::{Progress, timeline_json};
use aether_cosim::report::Report;
use aether_cosim::sim::{Station, Stepping};
use aether_cosim::time::parse_duration;
use aether_cosim::watch::{WatchSpec, Watches};
use aether_cosim::waveform::{self, Selection};
use aether_isa::Image;
use clap::{Parser, Subcommand};

#[path = "aether/allocator.rs"]
mod allocator;
#[path = "aether/qec.rs"]
mod qec;
#[path = "aether/sweep.rs"]
mod sweep;

/// aether co-simulator: cycle-timed stack-CPU nodes on a packet network.
#[derive(Parser)]
#[command(
    name = "aether",
    version,
    after_help = "Example:\n  aether run programs/examples/ring/ring.toml --json\n\n\
                  Exit status: 0 ok, 1 a node faulted, 2 bad input, 130 interrupted (Ctrl-C). See docs/scenario.md and docs/report.md."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (see docs/scenario.md) and print a summary or a JSON report (docs/report.md).
    ///
    /// Exit status: 0 = completed without faults, 1 = completed and some node faulted,
    /// 2 = bad input (arguments, scenario, programs, network) or unwritable output,
    /// 130 = interrupted by Ctrl-C (SIGINT) or SIGTERM: the report covers the run so far.
    Run {
        /// The scenario TOML file.
        scenario: PathBuf,
        /// Run seed, a whole number 0 ..= 2^64-1 (overrides the scenario's `seed`).
        #[arg(long, allow_hyphen_values = true, value_parser = parse_seed)]
        seed: Option<u64>,
        /// Print the JSON report instead of the human summary.
        #[arg(long)]
        json: bool,
        /// Time limit, e.g. `10us`, `2.5 ms`, or femtoseconds (overrides `stop.until`).
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
        /// Print an instruction trace of this node (with source lines) to stderr; repeatable.
        #[arg(long, value_name = "N")]
        trace_node: Vec<u32>,
        /// Write a Chrome/Perfetto trace-event timeline (activations and waits per node).
        #[arg(long, value_name = "FILE")]
        timeline: Option<PathBuf>,
        /// Write the run's waveforms as VCD (node states, processes, inboxes, links; see
        /// docs/debugging.md).
        #[arg(long, value_name = "FILE")]
        vcd: Option<PathBuf>,
        /// Show only these nodes in the VCD file, e.g. `0,3,8-11` (links touching them too).
        #[arg(long, value_name = "IDS", value_parser = Selection::parse, requires = "vcd")]
        vcd_nodes: Option<Selection>,
        /// Refuse to write a VCD file larger than this many MiB.
        #[arg(long, value_name = "MIB", default_value_t = 1024, requires = "vcd")]
        vcd_max_mib: u64,
        /// Dump every node's state (processes, stacks, inboxes, memory) at these times,
        /// e.g. `2us,3500ns` (docs/debugging.md); the dumps go into the report.
        #[arg(long, value_name = "TIME[,TIME...]", value_delimiter = ',')]
        dump_at: Vec<String>,
        /// Dump every node's state at the end of the run.
        #[arg(long)]
        dump_on_stop: bool,
        /// Show this memory in every dump: a data label or `START..END` (end excluded);
        /// repeatable.
        #[arg(long, value_name = "LABEL|START..END", value_parser = MemorySpec::parse)]
        dump_memory: Vec<MemorySpec>,
        /// Log every change of this memory (a data label or `START..END` of node NODE)
        /// with time, process, PC and source line; makes the run single-step; repeatable.
        #[arg(long, value_name = "NODE:LABEL", value_parser = WatchSpec::parse)]
        watch: Vec<WatchSpec>,
        /// Execute one instruction per event (the reference path; slower, same results).
        #[arg(long)]
        single_step: bool,
        /// Set a scenario key before loading, e.g. `defaults.clock=500MHz` (keys as in
        /// docs/scenario.md); repeatable. A sweep's row is reproduced with its keys.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Run a scenario over a grid of keys in parallel and write a table (docs/sizing.md).
    Sweep(sweep::SweepArgs),
    /// Decoding problems and shots in stim's formats (see docs/decoders.md).
    #[command(subcommand)]
    Qec(qec::QecCommand),
}

/// A run seed, or what a seed is.
fn parse_seed(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| {
        format!(
            "`{text}` is not a seed: give a whole number 0 ..= {}",
            u64::MAX
        )
    })
}

fn assemble(sources: &[PathBuf], libs: &[PathBuf]) -> Result<Image, String> {
    let options = aether_asm::Options {
        lib_dirs: libs.to_vec(),
    };
    aether_asm::assemble_files(sources, &options).map_err(|d| d.render())
}

fn init_tracing() {
    let level = match std::env::var("AETHER_LOG").as_deref() {
        Ok("trace") => tracing::Level::TRACE,
        Ok("debug") => tracing::Level::DEBUG,
        Ok("info") => tracing::Level::INFO,
        Ok("warn") => tracing::Level::WARN,
        _ => tracing::Level::ERROR,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

#[allow(clippy::too_many_arguments)]
fn run(
    path: &Path,
    seed: Option<u64>,
    json: bool,
    until: Option<String>,
    trace_nodes: &[u32],
    timeline: Option<PathBuf>,
    single_step: bool,
    set: &[String],
    vcd: Option<Waves>,
    inspection: Inspection,
) -> ExitCode {
    // Watched from the start, so a signal during setup still ends with a report.
    let interrupted = match interruption() {
        Ok(flag) => flag,
        Err(e) => return fail(format!("cannot watch for Ctrl-C: {e}")),
    };
    let settings = match set
        .iter()
        .map(|s| match aether_cosim::sweep::Axis::parse(s) {
            Ok(a) if a.values.len() == 1 => Ok((a.key, a.values[0].clone())),
            Ok(_) => Err(format!(
                "--set {s}: give one value (`aether sweep` takes several)"
            )),
            Err(e) => Err(e),
        })
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let scenario = match aether_cosim::sweep::load(path, &settings, &assemble) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let until = match until.as_deref().map(parse_duration).transpose() {
        Ok(u) => u,
        Err(e) => return fail(format!("--until: {e}")),
    };
    let seed = seed.unwrap_or(scenario.seed);
    let stepping = if single_step {
        Stepping::Single
    } else {
        Stepping::RunAhead
    };
    let mut sim = match scenario.build(seed, until, stepping) {
        Ok(sim) => sim,
        Err(e) => return fail(e),
    };
    for &id in trace_nodes {
        match sim.world.stations.get_mut(id as usize) {
            Some(Station::Node(node)) => node.trace = Some(Vec::new()),
            _ => return fail(format!("--trace-node: {id} is not an emulated node")),
        }
    }
    if !trace_nodes.is_empty() {
        sim.world.trace_sink = Some(Box::new(|line: &str| eprintln!("{line}")));
    }
    if timeline.is_some() {
        for station in &mut sim.world.stations {
            if let Station::Node(node) = station {
                node.timeline = Some(Vec::new());
            }
        }
    }
    if let Some(w) = &vcd
        && let Err(e) = waveform::record(&mut sim, &w.selection)
    {
        return fail(format!("--vcd-nodes: {e}"));
    }
    let limit = until.or(scenario.until);
    let mut dump_times = Vec::new();
    for text in &inspection.at {
        match parse_duration(text) {
            Ok(t) if limit.is_some_and(|l| t >= l) => {
                return fail(format!(
                    "--dump-at {text}: at or after the time limit ({} fs)",
                    limit.unwrap_or_default()
                ));
            }
            Ok(t) => dump_times.push(t),
            Err(e) => return fail(format!("--dump-at {text}: {e}")),
        }
    }
    dump_times.sort_unstable();
    dump_times.dedup();
    if !inspection.memory.is_empty() && dump_times.is_empty() && !inspection.on_stop {
        return fail("--dump-memory: give --dump-at or --dump-on-stop too");
    }
    if let Err(e) = check_memory(&sim.world, &inspection.memory) {
        return fail(format!("--dump-memory: {e}"));
    }
    let watches = match Watches::install(&mut sim, &inspection.watch) {
        Ok(w) => w,
        Err(e) => return fail(format!("--watch: {e}")),
    };
    let mut dumps = Vec::new();
    let terminal = std::io::stderr().is_terminal();
    if terminal && limit.is_none() {
        eprintln!(
            "no time limit: the run ends when no event is left; press Ctrl-C to stop it and get the report so far"
        );
    }
    let progress = terminal.then(|| Progress::new(limit));
    let outcome = sim.run_pausing(
        &dump_times,
        &mut |world, t| dumps.push(Dump::take(world, t, "at", &inspection.memory)),
        &|now, events| {
            if let Some(p) = &progress {
                p.update(now, events);
            }
        },
        &interrupted,
    );
    if let Some(p) = progress {
        p.finish();
    }
    if dumps.len() < dump_times.len() {
        eprintln!(
            "note: the run stopped ({:?}) at {} fs, before {} of the --dump-at times",
            outcome.reason,
            outcome.end_time,
            dump_times.len() - dumps.len()
        );
    }
    if inspection.on_stop {
        dumps.push(Dump::take(
            &sim.world,
            outcome.end_time,
            "stop",
            &inspection.memory,
        ));
    }
    if let Some(file) = timeline
        && let Err(e) = std::fs::write(&file, timeline_json(&sim, &outcome))
    {
        return fail(format!("--timeline {}: {e}", file.display()));
    }
    if let Some(w) = &vcd
        && let Err(e) = w.write(&sim, &outcome)
    {
        return fail(format!("--vcd {}: {e}", w.file.display()));
    }
    let mut report = Report::new(&path.display().to_string(), seed, &sim, &outcome, &|id| {
        scenario.label(id)
    });
    report.decoding = scenario.decoding.as_ref().map(|w| w.check(&sim));
    report.dumps = dumps;
    report.watches = watches.records();
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = if json {
        report.write_json(&mut stdout)
    } else {
        stdout.write_all(report.summary().as_bytes())
    };
    if let Err(e) = written.and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return fail(format!("cannot write the report: {e}"));
    }
    for f in &report.faults {
        eprintln!(
            "fault: node {} at {} fs ({}): {}",
            f.node,
            f.time_fs,
            f.source.as_deref().unwrap_or("no source"),
            f.message
        );
    }
    let decoding_failed = report.decoding.as_ref().is_some_and(|d| {
        for why in &d.failures {
            eprintln!("error: decoding: {why}");
        }
        d.failed()
    });
    // The process ends here: freeing the simulation (every node, inbox and link), its
    // report and its scenario one allocation at a time would cost more than writing the
    // report.
    let faulted = !report.faults.is_empty();
    std::mem::forget(sim);
    std::mem::forget(scenario);
    std::mem::forget(report);
    if outcome.reason == StopReason::Interrupted {
        eprintln!(
            "interrupted at {} fs: the report covers the run up to there",
            outcome.end_time
        );
        ExitCode::from(INTERRUPTED)
    } else if !faulted && !decoding_failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What `--dump-at`, `--dump-on-stop` and `--dump-memory` ask for.
struct Inspection {
    at: Vec<String>,
    on_stop: bool,
    memory: Vec<MemorySpec>,
    watch: Vec<WatchSpec>,
}

/// Where and what `--vcd` writes.
struct Waves {
    file: PathBuf,
    selection: Selection,
    max_bytes: u64,
}

impl Waves {
    /// Writes the file; a partial file is removed when writing fails.
    fn write(
        &self,
        sim: &aether_cosim::sim::Simulation,
        outcome: &aether_cosim::sim::Outcome,
    ) -> std::io::Result<()> {
        let out = std::fs::File::create(&self.file)?;
        let written = waveform::write_vcd(sim, outcome, &self.selection, out, self.max_bytes);
        if written.is_err() {
            let _ = std::fs::remove_file(&self.file);
        }
        written.map_err(|e| {
            std::io::Error::other(format!(
                "{e} (show fewer nodes with --vcd-nodes, a shorter run with --until, or raise --vcd-max-mib)"
            ))
        })
    }
}

/// Exit code of a run stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;

/// A flag that SIGINT or SIGTERM sets; a second signal ends the process at once.
fn interruption() -> Result<Arc<AtomicBool>, ctrlc::Error> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = Arc::clone(&flag);
    ctrlc::set_handler(move || {
        if set.swap(true, Ordering::Relaxed) {
            std::process::exit(i32::from(INTERRUPTED));
        }
    })?;
    Ok(flag)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Command::Run {
            scenario,
            seed,
            json,
            until,
            trace_node,
            timeline,
            single_step,
            set,
            vcd,
            vcd_nodes,
            vcd_max_mib,
            dump_at,
            dump_on_stop,
            dump_memory,
            watch,
        } => run(
            &scenario,
            seed,
            json,
            until,
            &trace_node,
            timeline,
            single_step,
            &set,
            vcd.map(|file| Waves {
                file,
                selection: vcd_nodes.unwrap_or_default(),
                max_bytes: vcd_max_mib.saturating_mul(1 << 20),
            }),
            Inspection {
                at: dump_at,
                on_stop: dump_on_stop,
                memory: dump_memory,
                watch,
            },
        ),
        Command::Sweep(args) => sweep::main(args),
        Command::Qec(command) => qec::main(command),
    }
}
