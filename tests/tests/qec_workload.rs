//! The decoding workload through the real `aether` binary (docs/decoders.md, "Readout,
//! output and the firmware interface"; docs/report.md, "Decoding"): readouts at the
//! hand-computed times, results off the network, a wrong correction failing the run, run-
//! ahead equal to single stepping, a golden decoding report, and per-node data errors.
//! The decoder is the stand-in `tests/decoding/empty.s`: every node reports an empty
//! correction (or edge 0) on the readout of a shot's last layer.

use std::io::Write;

use aether_tests::cosim_support::{aether, costs, report, scenario};
use aether_tests::workspace_root;

/// `tests/decoding/small.toml`: two nodes, two layers, three shots, 250 MHz, P = 500 ns,
/// readout latency 40 ns.
const SMALL: &str = "tests/decoding/small.toml";
const PERIOD_FS: u64 = 4_000_000;

/// Cycles from the wake-up on the last detector's readout to the `send` of the result in
/// `empty.s` and `qec_output` (programs/lib/qec.s): the 4-word readout's `recv` moves
/// 4 words.
fn reaction_cycles() -> u64 {
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
    costs(&[
        "drop", "push", "push", "push", "recv", "drop", "loadi", "loadi", "push", "add", "load",
        "eq", "jz",
    ]) + 4 * nic_word
        + costs(&["loadi", "storei", "push", "call"])
        + costs(&[
            "dup", "addi", "load", "addi", "push", "nodeid", "push", "shl", "push", "or", "push",
        ])
}

fn small_text(program: &str, extra: &str) -> String {
    let text = std::fs::read_to_string(workspace_root().join(SMALL)).expect("small.toml");
    let dir = workspace_root().join("tests/decoding");
    text.replace(
        "\"right.s\"",
        &format!("\"{}\"", dir.join(program).display()),
    )
    .replace(
        "\"empty.s\"",
        &format!("\"{}\"", dir.join("empty.s").display()),
    )
    .replace(
        "../../programs/lib",
        &workspace_root().join("programs/lib").display().to_string(),
    )
    .replace("two_layers", &dir.join("two_layers").display().to_string())
        + extra
}

#[test]
fn readouts_arrive_at_the_end_of_each_round_plus_the_latency() {
    let r = report(&workspace_root().join(SMALL), &[], 0);
    let d = &r["decoding"];
    // Shot s's last round (layer 1 of 2) ends at (2 s + 2) * 500 ns; its readout arrives
    // 40 ns later and the node reports after reaction_cycles() at 4 ns.
    let latency_fs = 40_000_000 + reaction_cycles() * PERIOD_FS;
    for key in ["mean_ns", "p50_ns", "p99_ns", "max_ns"] {
        assert_eq!(
            d["latency"][key].as_f64(),
            Some(latency_fs as f64 / 1e6),
            "{key}"
        );
    }
    assert_eq!(
        d["latency"]["max_cycles"].as_f64(),
        Some((latency_fs / PERIOD_FS) as f64)
    );
    // Two nodes, each with a detector in both layers, three shots.
    assert_eq!(d["readouts"], 12);
    assert_eq!(d["layers"], 2);
    assert_eq!(d["decoded"], 3);
}

#[test]
fn readouts_and_results_never_touch_the_network_counters() {
    let r = report(&workspace_root().join(SMALL), &[], 0);
    for n in r["network"]["nodes"].as_array().expect("nodes") {
        for key in ["sent", "received", "bits_sent", "bits_received", "bounced"] {
            assert_eq!(n[key], 0, "{key}");
        }
    }
    assert_eq!(r["messages"].as_array().map(Vec::len), Some(0));
    assert_eq!(r["decoding"]["messages_per_shot"], 0.0);
    assert_eq!(r["decoding"]["bytes_per_shot"], 0.0);
}

#[test]
fn a_wrong_correction_fails_the_run_and_says_why() {
    let (_dir, path) = scenario("wrong.toml", &small_text("wrong.s", ""), &[]);
    let out = aether(&["run", path.to_str().expect("utf-8"), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: decoding: shot 0: the correction (edges [0, 0]"),
        "{stderr}"
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    // Both nodes report edge 0: every shot's correction has it twice.
    assert_eq!(r["decoding"]["unmatched"], 3);
    assert_eq!(r["decoding"]["reference_mismatches"], 3);
}

#[test]
fn run_ahead_equals_single_stepping_on_a_decoding_run() {
    let text = small_text("right.s", "");
    let text = text.replace(
        "dem = \"",
        "code = \"rotated-surface\"\ndistance = 3\nnoise = \"phenomenological\"\np = 0.02\nshots = 20\n#",
    );
    let text = text
        .replace("dets =", "#")
        .replace("obs =", "#")
        .replace("outputs = \"all\"", "outputs = [0]");
    let (_dir, path) = scenario("d3.toml", &text, &[]);
    let [fast, slow] = [&[][..], &["--single-step"][..]].map(|extra| {
        let mut r = report(&path, extra, 1);
        r.as_object_mut().expect("object").remove("events");
        r
    });
    assert!(
        !fast["decoding"]["failures"]
            .as_array()
            .expect("failures")
            .is_empty(),
        "some shot has events, which empty.s gets wrong"
    );
    assert_eq!(fast, slow);
}

#[test]
fn the_small_decoding_report_is_golden_and_byte_identical() {
    let run = || {
        let out = aether(&["run", SMALL, "--json"]);
        assert_eq!(out.status.code(), Some(0));
        out.stdout
    };
    let first = run();
    assert_eq!(first, run(), "same scenario and seed: same bytes");
    let mut r: serde_json::Value = serde_json::from_slice(&first).expect("JSON");
    r.as_object_mut().expect("object").remove("events");
    let mut mint = goldenfile::Mint::new(workspace_root().join("tests/golden/decoding"));
    let mut file = mint.new_goldenfile("small.json").expect("golden file");
    writeln!(file, "{}", serde_json::to_string_pretty(&r).expect("JSON")).expect("write");
    let summary = aether(&["run", SMALL]);
    let mut file = mint.new_goldenfile("small.txt").expect("golden file");
    let text = String::from_utf8_lossy(&summary.stdout);
    // The summary's first line counts engine events, which speed work may change.
    let body: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    file.write_all(body.as_bytes()).expect("write");
}

#[test]
fn per_node_data_that_does_not_fit_or_has_no_label_is_bad_input() {
    let lib = workspace_root().join("programs/lib").display().to_string();
    let src = workspace_root()
        .join("tests/decoding/empty.s")
        .display()
        .to_string();
    let right = workspace_root()
        .join("tests/decoding/right.s")
        .display()
        .to_string();
    let base = format!(
        "[programs.p]\nsources = [\"{right}\", \"{src}\"]\nlib = [\"{lib}\"]\n[[nodes]]\nprogram = \"p\"\n"
    );
    for (extra, needle) in [
        (
            "data = { nope = [1] }\n",
            "node 0: data at `nope` (program `p`): the program has no data label `nope`",
        ),
        (
            "data = { buf = [1, 2, 3, 4, 5, 6, 7, 8, 9] }\n",
            "node 0: data at `buf` (program `p`): 9 words at `buf` do not fit before the next data label `res`: room for 8",
        ),
    ] {
        let (_dir, path) = scenario("bad.toml", &format!("{base}{extra}"), &[]);
        let out = aether(&["run", path.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "`{needle}` not in {stderr}");
    }
}

#[test]
fn bad_decoding_sections_name_the_key() {
    for (from, to, needle) in [
        (
            "round_period = \"500 ns\"",
            "round_period = \"soon\"",
            "decoding.round_period",
        ),
        (
            "outputs = \"all\"",
            "outputs = [7]",
            "decoding.outputs: 7 is not an emulated node",
        ),
        (
            "outputs = \"all\"",
            "outputs = \"all\"\ncentral = 9",
            "decoding.central: 9 is not an emulated node",
        ),
        (
            "outputs = \"all\"",
            "weights = \"heavy\"",
            "decoding.weights: unknown weighting `heavy`",
        ),
        (
            "outputs = \"all\"",
            "distance = 3",
            "decoding.distance: not with `dem`",
        ),
        (
            "outputs = \"all\"",
            "topology = \"ring\"",
            "decoding.topology: `ring`",
        ),
    ] {
        let text = small_text("right.s", "").replace(from, to);
        let (_dir, path) = scenario("bad.toml", &text, &[]);
        let out = aether(&["run", path.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2), "{to}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "`{needle}` not in {stderr}");
    }
}

#[test]
fn the_bundled_default_decodes_every_shot_as_the_host_reference() {
    // README.md's main command: d = 5 code capacity, p = 0.05, 1,000 shots, seed 1.
    let r = report(
        &workspace_root().join("programs/decoders/central/surface_d5.toml"),
        &[],
        0,
    );
    let d = &r["decoding"];
    assert_eq!(d["decoded"], 1000);
    for key in [
        "undecoded",
        "unmatched",
        "reference_mismatches",
        "malformed_outputs",
    ] {
        assert_eq!(d[key], 0, "{key}");
    }
    let shots: u64 = d["latency"]["histogram"]
        .as_array()
        .expect("histogram")
        .iter()
        .map(|b| b[2].as_u64().expect("count"))
        .sum();
    assert_eq!(shots, 1000);
    // The same shots through the host CLI: `aether qec sample` with the scenario's seed,
    // the reference `decode`, and `score`.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str| dir.path().join(name).display().to_string();
    let run = |args: &[&str]| {
        let out = aether(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&[
        "qec",
        "sample",
        "--distance",
        "5",
        "--rounds",
        "1",
        "--noise",
        "code-capacity",
        "--p",
        "0.05",
        "--shots",
        "1000",
        "--seed",
        "1",
        "--dem-out",
        &file("x.dem"),
        "--dets-out",
        &file("d.01"),
        "--obs-out",
        &file("o.01"),
    ]);
    let decoded = run(&[
        "qec",
        "decode",
        "--dem",
        &file("x.dem"),
        "--dets",
        &file("d.01"),
        "--out",
        &file("p.01"),
    ]);
    let rounds = format!(
        "growth rounds mean {:.3}, max {};",
        d["growth_rounds_mean"].as_f64().expect("a mean"),
        d["growth_rounds_max"]
    );
    assert!(decoded.contains(&rounds), "`{rounds}` not in {decoded}");
    let score = run(&[
        "qec",
        "score",
        "--obs",
        &file("o.01"),
        "--pred",
        &file("p.01"),
    ]);
    let errors = format!("logical errors {}\n", d["logical_errors"]);
    assert!(score.contains(&errors), "`{errors}` not in {score}");
}

#[test]
fn a_separate_decoder_node_on_the_scenarios_network() {
    // d = 3 phenomenological: 8 stabilizer nodes (ids 0 .. 7); the central decoder is a
    // ninth node placed by [[nodes]] (the next id, 8), on the default all-to-all network.
    let central = workspace_root().join("programs/decoders/central/central.s");
    let lib = workspace_root().join("programs/lib");
    let text = format!(
        r#"seed = 2
[programs.central]
sources = ["{}"]
lib = ["{}"]
[defaults]
clock = "250 MHz"
memory = 262144
[[nodes]]
program = "central"
entry = "central"
[decoding]
program = "central"
code = "rotated-surface"
distance = 3
noise = "phenomenological"
p = 0.01
shots = 50
central = 8
round_period = "10 us"
topology = "scenario"
"#,
        central.display(),
        lib.display()
    );
    let (_dir, path) = scenario("extra.toml", &text, &[]);
    let r = report(&path, &[], 0);
    let d = &r["decoding"];
    assert_eq!(
        (d["nodes"].as_u64(), d["decoded"].as_u64()),
        (Some(8), Some(50))
    );
    assert_eq!(d["failures"].as_array().map(Vec::len), Some(0));
    // Every stabilizer node sends one QEC_DETECTIONS per shot over the network.
    assert_eq!(d["messages_per_shot"], 8.0);
    assert_eq!(r["nodes"].as_array().map(Vec::len), Some(9));
}
