//! `aether sweep`: run a scenario over a grid of keys in parallel and write the table
//! (docs/sizing.md).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use aether_cosim::sweep::axis::Magnitude;
use aether_cosim::sweep::frontier::{Answer, Search};
use aether_cosim::sweep::{self, Axis, Grid, RunResult, Status, table};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::{assemble, fail};

/// Arguments of `aether sweep SCENARIO` (or `aether sweep merge`).
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    /// Join shard outputs instead of running.
    #[command(subcommand)]
    pub command: Option<SweepCommand>,
    /// The scenario TOML file.
    #[arg(required = true)]
    pub scenario: Option<PathBuf>,
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
    /// Run only the K-th of N slices of the grid (runs `i` with `i % N == K`, K from 0);
    /// `aether sweep merge` joins the slices.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Deadline search: the largest acceptable value of `--metric` (`1us`, `800ns` for a
    /// column in ns; a plain number otherwise).
    #[arg(long, value_name = "VALUE", requires_all = ["metric", "minimize"])]
    pub deadline: Option<String>,
    /// The column the deadline applies to (e.g. `decode_latency_p99_ns`; `_ns` may be left off).
    #[arg(long, value_name = "COLUMN", requires = "deadline")]
    pub metric: Option<String>,
    /// Swept keys whose smaller values are cheaper, comma-separated: the frontier's axes.
    #[arg(
        long,
        value_name = "KEYS",
        requires = "deadline",
        value_delimiter = ','
    )]
    pub minimize: Vec<String>,
    /// Bisection steps along each `--minimize` key between the last failing and the first
    /// passing value.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub refine: u32,
    /// Also write `heatmap.svg`: run RUN's link utilization over its mesh or torus.
    #[arg(long, value_name = "RUN")]
    pub heatmap: Option<usize>,
    /// Output folder: sweep.csv, sweep.jsonl and sweep.json.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: Option<PathBuf>,
}

/// `aether sweep` subcommands.
#[derive(Subcommand)]
pub enum SweepCommand {
    /// Join the output folders of `--shard K/N` sweeps into the files one unsharded sweep writes.
    Merge {
        /// The shards' output folders.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

fn shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard {text}: expected K/N with 0 <= K < N");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The `--metric` column and the search, checked against the grid.
fn deadline(
    grid: &Grid,
    deadline: &str,
    metric: &str,
    minimize: &[String],
    refine: u32,
) -> Result<(&'static sweep::columns::Column, Search), String> {
    let column = sweep::COLUMNS
        .iter()
        .find(|c| c.name == metric)
        .or_else(|| {
            sweep::COLUMNS
                .iter()
                .find(|c| c.name == format!("{metric}_ns"))
        })
        .ok_or_else(|| format!("--metric {metric}: no such column (docs/sizing.md lists them)"))?;
    let bad = || {
        format!(
            "--deadline {deadline}: not a number (with a time unit for `{}`)",
            column.name
        )
    };
    let m = Magnitude::parse(deadline).ok_or_else(bad)?;
    let value = match (column.name.rsplit('_').next(), m.unit.as_str()) {
        (_, "") => m.number,
        (Some("ns"), u) if !u.ends_with("Hz") && !u.ends_with("bit/s") => m.base() / 1e6,
        (Some("fs"), u) if !u.ends_with("Hz") && !u.ends_with("bit/s") => m.base(),
        _ => return Err(bad()),
    };
    let mut axes = Vec::new();
    for key in minimize {
        let i = grid
            .axes
            .iter()
            .position(|a| a.key == *key && key != "seed")
            .ok_or_else(|| format!("--minimize {key}: not a swept key (give it with --set)"))?;
        if let Some(v) = grid.axes[i]
            .values
            .iter()
            .find(|v| sweep::axis::numeric(v).is_none())
        {
            return Err(format!(
                "--minimize {key}: the value {} is not a number",
                sweep::axis::cell(v)
            ));
        }
        if axes.contains(&i) {
            return Err(format!("--minimize {key}: given twice"));
        }
        axes.push(i);
    }
    if axes.is_empty() {
        return Err("--minimize: give the keys to minimize".to_string());
    }
    Ok((
        column,
        Search {
            minimize: axes,
            deadline: value,
            refine,
        },
    ))
}

/// `frontier.svg`, or `frontier-1.svg`, ... one per group of the other swept keys.
fn frontier_plots(
    grid: &Grid,
    search: &Search,
    column: &str,
    runs: &[(Vec<sweep::Setting>, Option<f64>)],
    answer: &Answer,
    out: &std::path::Path,
) -> Result<(), String> {
    let keys: Vec<&str> = search
        .minimize
        .iter()
        .map(|&i| grid.axes[i].key.as_str())
        .collect();
    let group_of = |s: &[sweep::Setting]| -> Vec<sweep::Setting> {
        s.iter()
            .filter(|(k, _)| k != "seed" && !keys.contains(&k.as_str()))
            .cloned()
            .collect()
    };
    let mut groups: Vec<Vec<sweep::Setting>> = Vec::new();
    for (s, _) in runs {
        let g = group_of(s);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    for (i, group) in groups.iter().enumerate() {
        let name = if groups.len() == 1 {
            "frontier.svg".to_string()
        } else {
            format!("frontier-{}.svg", i + 1)
        };
        let title: String = group
            .iter()
            .map(|(k, v)| format!("{k}={}, ", sweep::axis::cell(v)))
            .collect();
        let mine: Vec<_> = runs
            .iter()
            .filter(|(s, _)| group_of(s) == *group)
            .cloned()
            .collect();
        let front: Vec<_> = answer
            .frontier
            .iter()
            .filter(|p| p.group == *group)
            .cloned()
            .collect();
        sweep::plot::frontier(
            grid,
            &title,
            &keys,
            column,
            search.deadline,
            &mine,
            &front,
            &out.join(name),
        )?;
    }
    Ok(())
}

/// The frontier as a table, then the contradictions of monotonicity.
fn frontier_text(grid: &Grid, search: &Search, metric: &str, answer: &Answer) -> String {
    use std::fmt::Write;
    let mut out = format!("frontier: {metric} <= {}\n", search.deadline);
    let keys: Vec<&str> = search
        .minimize
        .iter()
        .map(|&i| grid.axes[i].key.as_str())
        .collect();
    let _ = writeln!(
        out,
        "{:<24} {:>20} {:>16} refined",
        "group",
        keys.join(" "),
        metric
    );
    if answer.frontier.is_empty() {
        out += "no point meets the deadline\n";
    }
    for p in &answer.frontier {
        let cells = |s: &[sweep::Setting]| {
            s.iter()
                .map(|(_, v)| sweep::axis::cell(v))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let group = p
            .group
            .iter()
            .map(|(k, v)| format!("{k}={}", sweep::axis::cell(v)))
            .collect::<Vec<_>>()
            .join(" ");
        let group = if group.is_empty() {
            "-".to_string()
        } else {
            group
        };
        let _ = writeln!(
            out,
            "{group:<24} {:>20} {:>16} {}",
            cells(&p.point),
            p.metric,
            if p.refined { "yes" } else { "no" }
        );
    }
    let _ = writeln!(out, "{} bisection runs", answer.refined.len());
    if answer.contradictions.is_empty() {
        out += "monotone: no run contradicts it\n";
    }
    for c in &answer.contradictions {
        let _ = writeln!(out, "not monotone: {c}");
    }
    out
}

fn merge(shards: &[PathBuf], out: &std::path::Path) -> ExitCode {
    let mut manifest = None;
    let mut rows: Vec<Option<Vec<serde_json::Value>>> = Vec::new();
    for dir in shards {
        let (m, shard_rows) = match table::read(dir) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        let runs = m["runs"].as_u64().unwrap_or_default() as usize;
        match &manifest {
            None => {
                rows = vec![None; runs];
                manifest = Some(m);
            }
            Some(first) if *first != m => {
                return fail(format!(
                    "{}: a shard of another sweep (its sweep.json differs from {}'s)",
                    dir.display(),
                    shards[0].display()
                ));
            }
            Some(_) => {}
        }
        for row in shard_rows {
            let run = row.first().and_then(serde_json::Value::as_u64);
            match run.map(|r| r as usize).filter(|&r| r < rows.len()) {
                Some(r) if rows[r].is_none() => rows[r] = Some(row),
                Some(r) => return fail(format!("{}: run {r} is in two shards", dir.display())),
                None => return fail(format!("{}: a row without a valid `run`", dir.display())),
            }
        }
    }
    let Some(manifest) = manifest else {
        return fail("merge: no shard given");
    };
    if let Some(missing) = rows.iter().position(Option::is_none) {
        let count = rows.iter().filter(|r| r.is_none()).count();
        return fail(format!(
            "merge: {count} runs missing (the first is run {missing}): a shard was not given or did not finish"
        ));
    }
    let header = table::columns(&manifest).unwrap_or_default();
    let rows: Vec<_> = rows.into_iter().flatten().collect();
    if let Err(e) = table::write(out, &manifest, &header, &rows) {
        return fail(e);
    }
    if let Some(grid) = Grid::from_manifest(&manifest)
        && let Err(e) =
            sweep::plot::metric(&grid, &header, &rows, "time_ns", &out.join("metric.svg"))
    {
        return fail(e);
    }
    eprintln!(
        "{} runs merged into {}",
        rows.len(),
        out.join(table::CSV).display()
    );
    ExitCode::SUCCESS
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

/// The run `--heatmap` names and its grid, refused when it is not one of `runs` or its
/// topology is not a mesh or torus.
fn heatmap_shape(
    grid: &Grid,
    runs: &[usize],
    i: usize,
) -> Result<(usize, sweep::heatmap::Shape), String> {
    if !runs.contains(&i) {
        return Err(format!(
            "--heatmap {i}: no such run in this sweep (runs 0 to {}{})",
            grid.len() - 1,
            if runs.len() < grid.len() {
                ", this shard's only"
            } else {
                ""
            }
        ));
    }
    let scenario = sweep::load(&grid.scenario, &grid.point(i), &assemble)?;
    sweep::heatmap::Shape::of(&scenario.network.topology).map(|s| (i, s))
}

/// Runs `aether sweep`.
pub fn main(args: SweepArgs) -> ExitCode {
    let (scenario, out) = match (args.command, args.scenario, args.out) {
        (Some(SweepCommand::Merge { shards, out }), _, _) => return merge(&shards, &out),
        (None, Some(scenario), Some(out)) => (scenario, out),
        (None, _, _) => return fail("sweep: give a SCENARIO and --out DIR"),
    };
    let (k, n) = match args.shard.as_deref().map(shard).transpose() {
        Ok(s) => s.unwrap_or((0, 1)),
        Err(e) => return fail(e),
    };
    let axes = match args
        .set
        .iter()
        .map(|s| Axis::parse(s))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let grid = match Grid::new(&scenario, axes, args.seeds) {
        Ok(g) => g,
        Err(e) => return fail(e),
    };
    let search = match args.deadline.as_deref().map(|d| {
        deadline(
            &grid,
            d,
            args.metric.as_deref().unwrap_or_default(),
            &args.minimize,
            args.refine,
        )
    }) {
        Some(Ok(_)) if n > 1 => {
            return fail("--deadline: a sharded sweep cannot search (it has only some runs)");
        }
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return fail(e),
        None => None,
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
    let images = sweep::Images::new(assemble);
    let assemble = |sources: &[PathBuf], libs: &[PathBuf]| images.assemble(sources, libs);
    let runs: Vec<usize> = (k..grid.len()).step_by(n).collect();
    let checked = pool.install(|| {
        runs.par_iter()
            .map(|&i| sweep::load(&grid.scenario, &grid.point(i), &assemble).map(drop))
            .collect::<Vec<_>>()
    });
    if let Some((&i, Err(e))) = runs.iter().zip(&checked).find(|(_, r)| r.is_err()) {
        let point: Vec<String> = grid
            .point(i)
            .iter()
            .map(|(k, v)| format!("{k}={}", sweep::axis::cell(v)))
            .collect();
        return fail(format!("run {i} ({}): {e}", point.join(" ")));
    }
    let heatmap = match args
        .heatmap
        .map(|i| heatmap_shape(&grid, &runs, i))
        .transpose()
    {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
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
    let rows: Vec<_> = runs
        .iter()
        .zip(&results)
        .map(|(&i, r)| grid.row(i, r))
        .collect();
    if let Err(e) = table::write(&out, &grid.manifest(), &grid.header(), &rows) {
        return fail(e);
    }
    if let Some((column, search)) = &search {
        let metric = |r: &RunResult| {
            (r.status == Status::Ok)
                .then(|| r.report.as_ref().and_then(|rep| column.read(rep).as_f64()))
                .flatten()
        };
        let metrics: Vec<Option<f64>> = results.iter().map(metric).collect();
        let mut refined_rows = Vec::new();
        let answer = search.run(&grid, &metrics, &mut |points| {
            let done: Vec<RunResult> = pool.install(|| {
                points
                    .par_iter()
                    .map(|p| sweep::run(&grid.scenario, p, &assemble))
                    .collect()
            });
            for (p, r) in points.iter().zip(&done) {
                refined_rows.push(grid.row_of(grid.len() + refined_rows.len(), p, r));
            }
            done.iter().map(metric).collect()
        });
        let text = frontier_text(&grid, search, column.name, &answer);
        let runs: Vec<(Vec<sweep::Setting>, Option<f64>)> = (0..grid.len())
            .map(|i| (grid.point(i), metrics[i]))
            .chain(answer.refined.iter().cloned())
            .collect();
        if let Err(e) = frontier_plots(&grid, search, column.name, &runs, &answer, &out) {
            return fail(e);
        }
        let files = [
            ("refined.csv", table::csv(&grid.header(), &refined_rows)),
            ("refined.jsonl", table::jsonl(&grid.header(), &refined_rows)),
            ("frontier.txt", text.clone()),
        ];
        for (name, body) in files {
            if let Err(e) = std::fs::write(out.join(name), body) {
                return fail(format!("{}: {e}", out.join(name).display()));
            }
        }
        print!("{text}");
    }
    let plotted = search.as_ref().map_or("time_ns", |(c, _)| c.name);
    if let Err(e) = sweep::plot::metric(
        &grid,
        &grid.header(),
        &rows,
        plotted,
        &out.join("metric.svg"),
    ) {
        return fail(e);
    }
    if let Some((i, shape)) = heatmap {
        let at = runs.iter().position(|&r| r == i);
        let report = at.and_then(|p| results[p].report.as_ref());
        let Some(report) = report else {
            return fail(format!("--heatmap {i}: the run has no report"));
        };
        let title = format!("run {i}: link utilization");
        if let Err(e) = sweep::heatmap::write(report, &shape, &title, &out.join("heatmap.svg")) {
            return fail(e);
        }
    }
    let bad = results.iter().filter(|r| r.status != Status::Ok).count();
    eprintln!(
        "{} runs ({} not ok) written to {}",
        results.len(),
        bad,
        out.join(table::CSV).display()
    );
    let failed = results
        .iter()
        .filter(|r| r.status == Status::Failed)
        .count();
    if failed > 0 {
        eprintln!(
            "error: {failed} runs failed a decoding check (a wrong or missing answer); \
             their rows say why"
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
