//! `aether sweep`: run a scenario over a grid of keys in parallel and write the table
//! (docs/sizing.md).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use aether_cosim::sweep::{self, Axis, Grid, RunResult, Status, table};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::{assemble, fail};

/// Arguments of `aether sweep SCENARIO`.
#[derive(Args)]
pub struct SweepArgs {
    /// The scenario TOML file.
    pub scenario: PathBuf,
    /// A swept key and its values: `KEY=V1,V2,...`, `KEY=A..B:STEP` or `KEY=A..B*FACTOR`
    /// (keys as in docs/scenario.md, values in the key's own syntax); repeatable.
    #[arg(long = "set", value_name = "KEY=VALUES")]
    pub set: Vec<String>,
    /// Run every point with N seeds, from the scenario's own `seed` on.
    #[arg(long, value_name = "N")]
    pub seeds: Option<u64>,
    /// Runs at once (default: the machine's cores).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Output folder: sweep.csv, sweep.jsonl and sweep.json.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

fn progress(runs: usize) -> Option<ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(runs as u64);
        bar.set_style(
            ProgressStyle::with_template("[{bar:40}] {pos}/{len} runs, {msg}, ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message("0 failed");
        bar
    })
}

/// Runs `aether sweep`.
pub fn main(args: SweepArgs) -> ExitCode {
    let axes = match args
        .set
        .iter()
        .map(|s| Axis::parse(s))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let grid = match Grid::new(&args.scenario, axes, args.seeds) {
        Ok(g) => g,
        Err(e) => return fail(e),
    };
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    if workers == 0 {
        return fail("--workers: must be at least 1");
    }
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(workers).build() {
        Ok(p) => p,
        Err(e) => return fail(format!("--workers: {e}")),
    };
    let runs: Vec<usize> = (0..grid.len()).collect();
    let checked = pool.install(|| {
        runs.par_iter()
            .map(|&i| sweep::load(&grid.scenario, &grid.point(i), &assemble).map(drop))
            .collect::<Vec<_>>()
    });
    if let Some((i, Err(e))) = checked.iter().enumerate().find(|(_, r)| r.is_err()) {
        let point: Vec<String> = grid
            .point(i)
            .iter()
            .map(|(k, v)| format!("{k}={}", sweep::axis::cell(v)))
            .collect();
        return fail(format!("run {i} ({}): {e}", point.join(" ")));
    }
    let bar = progress(runs.len());
    let failed = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<RunResult> = pool.install(|| {
        runs.par_iter()
            .map(|&i| {
                let result = sweep::run(&grid.scenario, &grid.point(i), &assemble);
                if let Some(bar) = &bar {
                    if result.status != Status::Ok {
                        let n = failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        bar.set_message(format!("{n} failed"));
                    }
                    bar.inc(1);
                }
                result
            })
            .collect()
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let rows: Vec<_> = results
        .iter()
        .enumerate()
        .map(|(i, r)| grid.row(i, r))
        .collect();
    if let Err(e) = table::write(&args.out, &grid.manifest(), &grid.header(), &rows) {
        return fail(e);
    }
    let bad = results.iter().filter(|r| r.status != Status::Ok).count();
    eprintln!(
        "{} runs ({} not ok) written to {}",
        results.len(),
        bad,
        args.out.join(table::CSV).display()
    );
    ExitCode::SUCCESS
}
