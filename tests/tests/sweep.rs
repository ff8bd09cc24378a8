//! `aether sweep` through the real binary: rows equal single `aether run --json` reports,
//! outputs byte-identical for 1 and 2 workers, faulting runs kept as rows, bad keys and
//! values refused before anything runs.

use std::path::Path;

use aether_tests::cosim_support::{aether, report, sweep_rows as rows};
use aether_tests::workspace_root;
use serde_json::Value;

const RING: &str = "programs/examples/ring/ring.toml";

fn sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    aether_tests::cosim_support::sweep(RING, out, extra)
}

fn read(out: &Path, file: &str) -> Vec<u8> {
    std::fs::read(out.join(file)).expect("output file")
}

const GRID: &[&str] = &[
    "--set",
    "nodes[0].clock=100MHz,1GHz",
    "--set",
    "network.link.bandwidth=1Gbit/s..4Gbit/s*4",
    "--seeds",
    "2",
];

/// Sums and maxima of a report computed here, from docs/report.md's fields.
fn headline(r: &Value) -> [Value; 6] {
    let nodes = r["nodes"].as_array().expect("nodes");
    let sum = |items: &[Value], f: &dyn Fn(&Value) -> u64| items.iter().map(f).sum::<u64>();
    let links = r["network"]["links"].as_array().expect("links");
    let util = links
        .iter()
        .filter_map(|l| l["utilization"].as_f64())
        .fold(0.0, f64::max);
    [
        r["time_fs"].clone(),
        Value::from(sum(nodes, &|n| n["instructions"].as_u64().expect("u64"))),
        Value::from(sum(r["messages"].as_array().expect("messages"), &|m| {
            m["sent"].as_u64().expect("u64")
        })),
        Value::from(sum(
            r["network"]["nodes"].as_array().expect("net nodes"),
            &|n| n["bytes_sent"].as_u64().expect("u64"),
        )),
        Value::from(util),
        Value::from(r["faults"].as_array().expect("faults").len()),
    ]
}

#[test]
fn rows_equal_single_runs_and_workers_do_not_change_a_byte() {
    let dir = tempfile::tempdir().expect("tmp");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let mut a = GRID.to_vec();
    a.extend(["--workers", "1"]);
    sweep(&one, &a);
    let mut b = GRID.to_vec();
    b.extend(["--workers", "2"]);
    sweep(&two, &b);
    for file in ["sweep.csv", "sweep.jsonl", "sweep.json", "metric.svg"] {
        assert_eq!(
            read(&one, file),
            read(&two, file),
            "{file} differs between 1 and 2 workers"
        );
    }
    let rows = rows(&one);
    assert_eq!(rows.len(), 2 * 2 * 2);
    let csv = String::from_utf8(read(&one, "sweep.csv")).expect("utf-8");
    assert_eq!(csv.lines().count(), 1 + rows.len());
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["run"], Value::from(i));
        let clock = row["nodes[0].clock"].as_str().expect("clock");
        let bandwidth = row["network.link.bandwidth"].as_str().expect("bandwidth");
        let seed = row["seed"].as_u64().expect("seed");
        assert_eq!(clock, ["100MHz", "1GHz"][i / 4]);
        assert_eq!(bandwidth, ["1 Gbit/s", "4 Gbit/s"][i / 2 % 2]);
        assert_eq!(seed, [1, 2][i % 2], "seeds from the scenario's seed = 1");
        let single = report(
            Path::new(RING),
            &[
                "--set",
                &format!("nodes[0].clock={clock}"),
                "--set",
                &format!("network.link.bandwidth={bandwidth}"),
                "--set",
                &format!("seed={seed}"),
            ],
            0,
        );
        let names = [
            "time_fs",
            "instructions",
            "messages",
            "bytes",
            "link_utilization_max",
            "faults",
        ];
        for (name, want) in names.iter().zip(headline(&single)) {
            assert_eq!(row[name], want, "run {i}: {name}");
        }
        assert_eq!(row["status"], "ok");
        assert_eq!(row["time_ns"], single["time_ns"]);
    }
    assert_ne!(
        rows[0]["time_fs"], rows[7]["time_fs"],
        "the swept keys change the run"
    );
}

#[test]
fn a_faulting_run_is_a_row_and_the_sweep_goes_on() {
    let dir = tempfile::tempdir().expect("tmp");
    // The ring's longest activation is 63 cycles (docs/sizing.md): a budget of 10 faults
    // node 0, one of 1000 does not.
    sweep(
        dir.path(),
        &[
            "--set",
            "nodes[0].budget=10,1000",
            "--set",
            "nodes[0].budget_mode=fault",
        ],
    );
    let rows = rows(dir.path());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["status"], "faulted");
    assert_eq!(rows[0]["faults"], 1);
    assert!(
        rows[0]["error"]
            .as_str()
            .expect("error text")
            .starts_with("node 0:"),
        "{}",
        rows[0]
    );
    assert_eq!(rows[1]["status"], "ok");
    assert_eq!(rows[1]["faults"], 0);
    assert_eq!(rows[1]["error"], Value::Null);
}

#[test]
fn bad_keys_and_values_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let o = out.to_str().expect("utf-8");
    for (set, says) in [
        (
            "nodes[0].clock=1GHz,fast",
            "nodes[0].clock: cannot read `fast`",
        ),
        ("nodes[0].clok=1", "unknown field `clok`"),
        ("nodes[5].clock=1GHz", "nodes: has 1 entries, no [5]"),
        ("seed=1..3:0", "--set seed=1..3:0"),
    ] {
        let r = aether(&["sweep", RING, "--set", set, "--out", o]);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{set}: {stderr}");
        assert!(stderr.contains(says), "{set}: {stderr}");
        assert!(!out.exists(), "{set}: nothing is written");
    }
}

#[test]
fn three_shards_merged_equal_the_unsharded_sweep() {
    let dir = tempfile::tempdir().expect("tmp");
    let whole = dir.path().join("whole");
    sweep(&whole, GRID);
    let shards: Vec<_> = (0..3)
        .map(|k| dir.path().join(format!("shard-{k}")))
        .collect();
    for (k, shard) in shards.iter().enumerate() {
        let mut args = GRID.to_vec();
        let slice = format!("{k}/3");
        args.extend(["--shard", &slice]);
        sweep(shard, &args);
        let runs: Vec<u64> = rows(shard)
            .iter()
            .map(|r| r["run"].as_u64().expect("run"))
            .collect();
        let want: Vec<u64> = (0..8).filter(|i| i % 3 == k as u64).collect();
        assert_eq!(runs, want, "shard {k}/3 runs every third run");
    }
    let merged = dir.path().join("merged");
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();
    let (m, a, b, c) = (s(&merged), s(&shards[2]), s(&shards[0]), s(&shards[1]));
    let o = aether(&["sweep", "merge", &a, &b, &c, "--out", &m]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for file in ["sweep.csv", "sweep.jsonl", "sweep.json", "metric.svg"] {
        assert_eq!(read(&whole, file), read(&merged, file), "{file}");
    }
    let o = aether(&["sweep", "merge", &a, &b, "--out", &m]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("3 runs missing (the first is run 1)"));
    let o = aether(&["sweep", "merge", &a, &a, &b, &c, "--out", &m]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run 2 is in two shards"));
}

#[test]
fn the_deadline_search_bisects_to_the_thinnest_link_and_reports_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let search = |out: &Path, workers: &str| {
        sweep(
            out,
            &[
                "--set",
                "network.link.bandwidth=1Gbit/s..16Gbit/s*2",
                "--deadline",
                "3us",
                "--metric",
                "time",
                "--minimize",
                "network.link.bandwidth",
                "--refine",
                "5",
                "--workers",
                workers,
            ],
        )
    };
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let printed = search(&one, "1");
    search(&two, "2");
    for file in [
        "sweep.csv",
        "sweep.jsonl",
        "refined.csv",
        "refined.jsonl",
        "frontier.txt",
        "frontier.svg",
        "metric.svg",
    ] {
        assert_eq!(read(&one, file), read(&two, file), "{file}");
    }
    let text = String::from_utf8(read(&one, "frontier.txt")).expect("utf-8");
    let svg = |f: &str| String::from_utf8(read(&one, f)).expect("utf-8 svg");
    assert!(svg("frontier.svg").contains("network.link.bandwidth (bit/s)"));
    assert!(
        svg("metric.svg").contains("time_ns (ns)"),
        "the metric is plotted against the key"
    );
    assert_eq!(String::from_utf8_lossy(&printed.stdout), text);
    assert!(text.contains("monotone: no run contradicts it"), "{text}");
    // Every run, grid or bisection, as (bandwidth in bit/s, time in ns).
    let bits = |v: &Value| {
        let s = v.as_str().expect("bandwidth");
        let (n, unit) = s.split_once(' ').expect("number and unit");
        n.parse::<f64>().expect("number") * if unit == "Gbit/s" { 1e9 } else { 1.0 }
    };
    let mut runs: Vec<(f64, f64)> = rows(&one)
        .iter()
        .chain(
            &std::fs::read_to_string(one.join("refined.jsonl"))
                .expect("refined")
                .lines()
                .map(|l| serde_json::from_str(l).expect("row"))
                .collect::<Vec<Value>>(),
        )
        .map(|r| {
            (
                bits(&r["network.link.bandwidth"]),
                r["time_ns"].as_f64().expect("time"),
            )
        })
        .collect();
    assert_eq!(
        runs.len(),
        5 + 5,
        "5 grid runs and 5 bisection steps on one line"
    );
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let first_ok = runs
        .iter()
        .position(|r| r.1 <= 3000.0)
        .expect("some run meets 3 us");
    assert!(
        runs[first_ok..].iter().all(|r| r.1 <= 3000.0),
        "monotone in the bandwidth: {runs:?}"
    );
    let (least, above) = (runs[first_ok].0, runs[first_ok - 1].0);
    let line = text.lines().nth(2).expect("the frontier's line");
    assert!(line.starts_with('-') && line.ends_with("yes"), "{line}");
    assert!(
        line.contains(&format!("{least} bit/s")),
        "the frontier is the least passing bandwidth {least}: {text}"
    );
    assert!(
        least - above <= 8e9 / 32.0,
        "5 steps close a 4..8 Gbit/s gap to 1/32 of it"
    );
    let single = report(
        Path::new(RING),
        &["--set", &format!("network.link.bandwidth={least} bit/s")],
        0,
    );
    assert_eq!(single["time_ns"].as_f64(), Some(runs[first_ok].1));
}

#[test]
fn decoding_rows_carry_the_decoding_report() {
    let dir = tempfile::tempdir().expect("tmp");
    let scenario = "programs/decoders/central/surface_d5.toml";
    aether_tests::cosim_support::sweep(
        scenario,
        dir.path(),
        &[
            "--set",
            "decoding.shots=20",
            "--set",
            "defaults.clock=100MHz,250MHz",
        ],
    );
    for (i, row) in rows(dir.path()).iter().enumerate() {
        let clock = ["100MHz", "250MHz"][i];
        let single = report(
            Path::new(scenario),
            &[
                "--set",
                "decoding.shots=20",
                "--set",
                &format!("defaults.clock={clock}"),
            ],
            0,
        );
        let d = &single["decoding"];
        assert_eq!(
            row["decode_latency_p99_ns"], d["latency"]["p99_ns"],
            "{clock}"
        );
        assert_eq!(
            row["decode_latency_max_cycles"], d["latency"]["max_cycles"],
            "{clock}"
        );
        assert_eq!(
            row["decode_late_shots"], d["backlog"]["late_shots"],
            "{clock}"
        );
        assert_eq!(row["logical_errors"], d["logical_errors"], "{clock}");
        assert_eq!(row["decode_shots"], 20);
    }
}

const HALO: &str = "programs/examples/halo/halo.toml";

#[test]
fn heatmap_draws_each_link_of_the_chosen_run_coloured_by_its_report() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("hm");
    let set = "network.link.bandwidth=1Gbit/s,2Gbit/s";
    let o = aether(&[
        "sweep",
        HALO,
        "--set",
        set,
        "--heatmap",
        "1",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = report(
        Path::new(HALO),
        &["--set", "network.link.bandwidth=2Gbit/s"],
        0,
    );
    let links = r["network"]["links"].as_array().expect("links");
    assert!(!links.is_empty());
    // docs/sizing.md: rgb(255, round(255 (1 - u)), round(255 (1 - u))).
    let expected: Vec<String> = links
        .iter()
        .map(|l| {
            let u = l["utilization"].as_f64().expect("utilization");
            let rest = (255.0 * (1.0 - u)).round() as u8;
            format!("#FF{rest:02X}{rest:02X}")
        })
        .collect();
    let svg = String::from_utf8(read(&out, "heatmap.svg")).expect("utf-8");
    let strokes: Vec<String> = svg
        .lines()
        .filter(|l| l.contains("stroke-width=\"6\""))
        .filter_map(|l| l.split("stroke=\"").nth(1).map(|s| s[..7].to_string()))
        .collect();
    assert_eq!(strokes, expected);
    let labels: Vec<String> = svg
        .lines()
        .filter(|l| {
            l.strip_suffix('%')
                .is_some_and(|v| v.parse::<f64>().is_ok())
        })
        .map(String::from)
        .collect();
    let want: Vec<String> = links
        .iter()
        .map(|l| format!("{:.1}%", l["utilization"].as_f64().expect("u") * 100.0))
        .collect();
    assert_eq!(labels, want);
    assert!(svg.contains("x (grid column)") && svg.contains("y (grid row)"));
}

#[test]
fn heatmap_refuses_a_missing_run_and_a_non_grid_topology() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("bad");
    let o = aether(&[
        "sweep",
        HALO,
        "--heatmap",
        "1",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--heatmap 1: no such run"));
    assert!(!out.join("sweep.csv").exists(), "refused before running");
    let o = aether(&[
        "sweep",
        RING,
        "--heatmap",
        "0",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a mesh or torus"));
}

/// `tests/decoding/small.toml` (decoded by the stand-in `empty.s`, which answers every shot
/// with an empty correction) over two shot files: `two_layers.dets.01` has no detection
/// event, so every empty correction is right; `fires.dets.01` fires D0 and D1 (node 0,
/// both layers) in shot 1, which the empty correction does not reproduce.
#[test]
fn a_failed_decoding_check_exits_1_after_writing_every_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let scenario = "tests/decoding/small.toml";
    let o = aether(&[
        "sweep",
        scenario,
        "--set",
        "decoding.dets=two_layers.dets.01,fires.dets.01",
        "--set",
        "defaults.clock=250MHz,500MHz",
        "--deadline",
        "1us",
        "--metric",
        "decode_latency_p99",
        "--minimize",
        "defaults.clock",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("error: 2 runs failed a decoding check"),
        "{stderr}"
    );
    for file in [
        "sweep.csv",
        "sweep.jsonl",
        "sweep.json",
        "metric.svg",
        "frontier.txt",
        "refined.csv",
        "refined.jsonl",
        "frontier-1.svg",
        "frontier-2.svg",
    ] {
        assert!(out.join(file).is_file(), "{file} is written");
    }
    let csv = String::from_utf8(read(&out, "sweep.csv")).expect("utf-8");
    assert_eq!(csv.lines().count(), 1 + 4, "a header and every run");
    let rows = rows(&out);
    assert_eq!(rows.len(), 4);
    let shot_1 =
        "shot 1: the correction (edges [], mask 0x0) does not reproduce the syndrome [0, 1]";
    for (i, row) in rows.iter().enumerate() {
        let (dets, clock) = (
            ["two_layers.dets.01", "fires.dets.01"][i / 2],
            ["250MHz", "500MHz"][i % 2],
        );
        assert_eq!(row["decoding.dets"], dets, "run {i}");
        let single = report(
            Path::new(scenario),
            &[
                "--set",
                &format!("decoding.dets={dets}"),
                "--set",
                &format!("defaults.clock={clock}"),
            ],
            if i < 2 { 0 } else { 1 },
        );
        let failures = single["decoding"]["failures"].as_array().expect("failures");
        assert_eq!(row["decode_shots"], 3, "run {i}");
        assert_eq!(
            row["decode_latency_p99_ns"], single["decoding"]["latency"]["p99_ns"],
            "run {i}"
        );
        if i < 2 {
            assert_eq!(row["status"], "ok", "run {i}");
            assert_eq!(row["error"], Value::Null, "run {i}");
            assert!(failures.is_empty(), "run {i}");
        } else {
            assert_eq!(row["status"], "failed", "run {i}");
            let error = row["error"].as_str().expect("error text");
            assert!(error.starts_with(shot_1), "run {i}: {error}");
            assert_eq!(Some(error), failures[0].as_str(), "run {i}");
        }
    }
    let frontier = String::from_utf8(read(&out, "frontier.txt")).expect("utf-8");
    assert!(
        frontier.contains("decoding.dets=two_layers.dets.01") && !frontier.contains("fires"),
        "a failed run never meets the deadline: {frontier}"
    );
}

/// A number with its unit (`800 MHz`, `350000000 Hz`, `8 Gbit/s`) in Hz or bit/s.
fn base_units(number: &str, unit: &str) -> f64 {
    let scale = match unit {
        "Hz" | "bit/s" => 1.0,
        "MHz" => 1e6,
        "Gbit/s" => 1e9,
        other => panic!("unit {other}"),
    };
    number.parse::<f64>().expect("number") * scale
}

/// The grid of the two-key search below, in Hz and bit/s.
const CLOCKS: [f64; 4] = [1e8, 2e8, 4e8, 8e8];
const BANDWIDTHS: [f64; 4] = [1e9, 2e9, 4e9, 8e9];

#[test]
fn the_deadline_search_bisects_every_minimized_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("two");
    sweep(
        &out,
        &[
            "--set",
            "nodes[0].clock=100MHz..800MHz*2",
            "--set",
            "network.link.bandwidth=1Gbit/s..8Gbit/s*2",
            "--deadline",
            "6us",
            "--metric",
            "time",
            "--minimize",
            "nodes[0].clock,network.link.bandwidth",
            "--refine",
            "3",
        ],
    );
    // Every run, grid and bisection, as (clock in Hz, bandwidth in bit/s, time in ns).
    let split = |v: &Value| {
        let (n, u) = v.as_str().expect("value").split_once(' ').expect("unit");
        base_units(n, u)
    };
    let refined: Vec<Value> = std::fs::read_to_string(out.join("refined.jsonl"))
        .expect("refined")
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect();
    let runs: Vec<(f64, f64, f64)> = rows(&out)
        .iter()
        .chain(&refined)
        .map(|r| {
            (
                split(&r["nodes[0].clock"]),
                split(&r["network.link.bandwidth"]),
                r["time_ns"].as_f64().expect("time"),
            )
        })
        .collect();
    // By the grid (sweep.csv): along the clock, 200 -> 400 MHz crosses 6 us at 4 and 8
    // Gbit/s and 400 -> 800 MHz at 2 Gbit/s; along the bandwidth, 2 -> 4 Gbit/s at 400 MHz
    // and 1 -> 2 Gbit/s at 800 MHz: five lines of 3 steps.
    assert_eq!(refined.len(), 5 * 3);
    let text = String::from_utf8(read(&out, "frontier.txt")).expect("utf-8");
    assert!(text.contains("monotone: no run contradicts it"), "{text}");
    let frontier: Vec<(f64, f64, f64)> = text
        .lines()
        .filter(|l| l.starts_with("- "))
        .map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            (
                base_units(t[1], t[2]),
                base_units(t[3], t[4]),
                t[5].parse().expect("metric"),
            )
        })
        .collect();
    assert!(frontier.len() >= 2, "{text}");
    for &(clock, bandwidth, time) in &frontier {
        assert!(time <= 6000.0);
        let single = report(
            Path::new(RING),
            &[
                "--set",
                &format!("nodes[0].clock={clock} Hz"),
                "--set",
                &format!("network.link.bandwidth={bandwidth} bit/s"),
            ],
            0,
        );
        assert_eq!(
            single["time_ns"].as_f64(),
            Some(time),
            "{clock} {bandwidth}"
        );
        // Along each key, the next cheaper run of its line misses the deadline; along the
        // key bisection refined (its value is off the grid), within an eighth (3 halvings)
        // of the grid's widest gap (400 MHz, 4 Gbit/s).
        let cheaper_clock = runs
            .iter()
            .filter(|r| r.1 == bandwidth && r.0 < clock)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|r| (r.2, clock - r.0, !CLOCKS.contains(&clock), 4e8));
        let cheaper_bandwidth = runs
            .iter()
            .filter(|r| r.0 == clock && r.1 < bandwidth)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|r| (r.2, bandwidth - r.1, !BANDWIDTHS.contains(&bandwidth), 4e9));
        for (time, gap, refined, widest) in [cheaper_clock, cheaper_bandwidth].into_iter().flatten()
        {
            assert!(time > 6000.0, "{clock} {bandwidth}: {time}");
            assert!(
                !refined || gap <= widest / 8.0,
                "{clock} {bandwidth}: gap {gap}"
            );
        }
        for &(c, b, _) in &frontier {
            assert!(
                (c, b) == (clock, bandwidth) || c > clock || b > bandwidth,
                "({c}, {b}) dominates ({clock}, {bandwidth})"
            );
        }
    }
    assert!(
        frontier.iter().any(|p| !CLOCKS.contains(&p.0))
            && frontier.iter().any(|p| !BANDWIDTHS.contains(&p.1)),
        "bisection refined both keys: {text}"
    );
}

/// docs/sizing.md's ring examples: each `aether sweep` command of the ring followed by a
/// `frontier:` block prints that block, and the first example's table is its `sweep.csv`.
#[test]
fn the_ring_examples_of_docs_sizing_md_are_what_the_binary_prints() {
    let doc = std::fs::read_to_string(workspace_root().join("docs/sizing.md")).expect("doc");
    let blocks: Vec<&str> = doc
        .split("```text\n")
        .skip(1)
        .map(|b| b.split("```").next().expect("a closed block"))
        .collect();
    let dir = tempfile::tempdir().expect("tmp");
    let mut checked = 0;
    for (i, block) in blocks.iter().enumerate() {
        let Some(command) = block.strip_prefix("aether sweep programs/examples/ring/ring.toml")
        else {
            continue;
        };
        let out = dir.path().join(format!("example-{i}"));
        let mut args = vec!["sweep", RING];
        let words: Vec<&str> = command.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "--out").expect("--out");
        args.extend(&words[..at]);
        args.extend(["--out", out.to_str().expect("utf-8")]);
        let o = aether(&args);
        assert_eq!(o.status.code(), Some(0), "{block}");
        match blocks.get(i + 1) {
            Some(next) if next.starts_with("frontier:") => {
                assert_eq!(String::from_utf8_lossy(&o.stdout), *next, "{block}");
            }
            _ => {
                // The table after the command: | clock | bandwidth | time_ns |.
                let after = &doc[doc.find(block).expect("block")..];
                let table: Vec<Vec<&str>> = after
                    .lines()
                    .filter(|l| l.starts_with("| 1"))
                    .take(4)
                    .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
                    .collect();
                let got: Vec<Vec<String>> = rows(&out)
                    .iter()
                    .map(|r| {
                        ["nodes[0].clock", "network.link.bandwidth", "time_ns"]
                            .map(|k| sweep_cell(&r[k]))
                            .to_vec()
                    })
                    .collect();
                assert_eq!(got, table, "{block}");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 3, "the doc's three ring examples");
}

/// A row's value as docs/sizing.md's tables write it (strings unquoted).
fn sweep_cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// docs/sizing.md's worked example writes the files checked in under `docs/sizing/`, byte
/// for byte.
#[test]
fn the_worked_example_of_docs_sizing_md_writes_the_checked_in_files() {
    let doc = std::fs::read_to_string(workspace_root().join("docs/sizing.md")).expect("doc");
    let command = doc
        .lines()
        .find(|l| l.starts_with("aether sweep ") && l.ends_with("--out docs/sizing"))
        .expect("the worked example's command");
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().to_str().expect("utf-8");
    let mut args: Vec<&str> = command
        .strip_suffix("docs/sizing")
        .expect("--out")
        .split_whitespace()
        .skip(1)
        .collect();
    args.push(out);
    let o = aether(&args);
    assert_eq!(o.status.code(), Some(0), "{command}");
    let checked_in = workspace_root().join("docs/sizing");
    let mut files = 0;
    for entry in std::fs::read_dir(&checked_in).expect("docs/sizing") {
        let name = entry.expect("entry").file_name();
        let want = std::fs::read(checked_in.join(&name)).expect("checked-in file");
        assert!(
            std::fs::read(dir.path().join(&name)).ok() == Some(want),
            "docs/sizing/{} differs from what the command writes (run it to update)",
            name.to_string_lossy()
        );
        files += 1;
    }
    assert_eq!(
        files, 6,
        "sweep.csv, frontier.txt, metric.svg, frontier-1..3.svg"
    );
}
