//! The streaming distributed decoder (`programs/decoders/distributed/stream.s`) in sliding
//! windows, end to end through the `[decoding]` section's `window` and `commit` keys: every
//! shot equals the windowed host reference (the workload's check), and the run's barrier
//! epochs, `QEC_STEP` messages and payload words equal the windowed host model's
//! (`aether_cosim::qec::distributed::Distributed::windowed`); a bad window is a scenario
//! error, a decoder that decodes whole shots refuses a window, and rounds shorter than a
//! window's decoding show in the backlog.

use aether_cosim::qec::distributed::Distributed;
use aether_cosim::qec::graph::DecodingGraph;
use aether_cosim::qec::layout::Layout;
use aether_cosim::qec::surface::Noise;
use aether_cosim::qec::window::Windows;
use aether_tests::cosim_support::scenario;
use aether_tests::fw_support::count;
use aether_tests::qec_support::{all_as_reference, run_json, surface};
use aether_tests::{HEADER_BITS, workspace_root};

/// The seed of every scenario here (the sampler's too).
const SEED: u64 = 3;

/// A scenario running `file` of the distributed decoder on every stabilizer node, with
/// `decoding` keys under `[decoding]`.
fn text(file: &str, decoding: &str) -> String {
    let dir = workspace_root().join("programs/decoders/distributed");
    let lib = workspace_root().join("programs/lib");
    format!(
        "seed = {SEED}\n[programs.distributed]\nsources = [\"{}\"]\nlib = [\"{}\"]\n\
         [defaults]\nclock = \"250 MHz\"\n[network]\ninbox_capacity = 1000000\n[decoding]\n\
         program = \"distributed\"\noutputs = \"all\"\nreadout_latency = \"20 ns\"\n\
         barrier_latency = \"20 ns\"\ncode = \"rotated-surface\"\nnoise = \"phenomenological\"\n\
         {decoding}",
        dir.join(file).display(),
        lib.display()
    )
}

/// Runs a scenario text; its exit code, report and stderr.
fn run(text: &str) -> (i32, serde_json::Value) {
    let (_dir, path) = scenario("stream.toml", text, &[]);
    run_json(&path, &[])
}

/// `[supersteps, QEC_STEP messages, payload words]` of the windowed model over `shots`.
fn model(graph: &DecodingGraph, shots: &[Vec<u32>], window: u32, commit: u32) -> [u64; 3] {
    let layout = Layout::new(graph).expect("a layout");
    let windows =
        Windows::new(graph, &layout.layer_of, layout.layers, window, commit).expect("windows");
    let model = Distributed::windowed(graph, &layout, &windows).expect("a model");
    shots.iter().fold([0; 3], |[s, m, w], fired| {
        let run = model.decode(fired).expect("the model decodes the shot");
        [
            s + u64::from(run.supersteps),
            m + run.messages,
            w + run.words,
        ]
    })
}

/// Runs `shots` shots of distance `d` at `p` in windows of `window` committing `commit`,
/// rounds every `period`, checks them against the windowed reference and model; the report.
fn streamed(
    d: u32,
    p: f64,
    shots: usize,
    window: u32,
    commit: u32,
    period: &str,
) -> serde_json::Value {
    let keys = format!(
        "distance = {d}\np = {p}\nshots = {shots}\nround_period = \"{period}\"\n\
         window = {window}\ncommit = {commit}\n"
    );
    let (status, r) = run(&text("stream.s", &keys));
    assert_eq!(status, 0, "{} {}", r["decoding"]["failures"], r["faults"]);
    all_as_reference(&r, shots as u64);
    let (graph, fired) = surface(d, Noise::Phenomenological, p, shots, SEED);
    let sent = count(&r, "QEC_STEP", "sent");
    let words = (count(&r, "QEC_STEP", "bits") - HEADER_BITS * sent) / 32;
    let barriers = r["decoding"]["barriers"].as_u64().expect("barriers");
    assert_eq!(
        [barriers, sent, words],
        model(&graph, &fired, window, commit),
        "d {d} W {window} C {commit}: [barrier epochs, QEC_STEP messages, payload words]"
    );
    r
}

#[test]
fn windows_equal_the_windowed_reference_and_model() {
    for (d, shots) in [(3, 120), (5, 60), (7, 30)] {
        for (window, commit) in [(1, 1), (2, 1), (3, 2), (d + 1, d + 1)] {
            streamed(d, 0.02, shots, window, commit, "50 us");
        }
    }
}

#[test]
fn one_window_of_the_whole_shot_decodes_as_dist_s() {
    // W = L: the streaming program gives the unwindowed reference's corrections and the
    // whole-shot decoder's supersteps and messages.
    let keys = "distance = 5\np = 0.02\nshots = 40\nround_period = \"50 us\"\n";
    let (s1, whole) = run(&text("dist.s", keys));
    let (s2, streamed) = run(&text("stream.s", keys));
    assert_eq!((s1, s2), (0, 0));
    all_as_reference(&streamed, 40);
    for ty in ["sent", "bits"] {
        assert_eq!(
            count(&whole, "QEC_STEP", ty),
            count(&streamed, "QEC_STEP", ty)
        );
    }
    assert_eq!(
        whole["decoding"]["barriers"],
        streamed["decoding"]["barriers"]
    );
}

#[test]
fn bad_windows_are_scenario_errors() {
    let base = "distance = 3\np = 0.02\nshots = 2\n";
    for (keys, says) in [
        ("window = 0\n", "decoding.window: must be at least 1 round"),
        (
            "window = 2\ncommit = 3\n",
            "decoding.commit: 3 rounds out of a window of 2",
        ),
        (
            "window = 2\ncommit = 0\n",
            "decoding.commit: 0 rounds out of a window of 2",
        ),
        ("commit = 1\n", "decoding.commit: only with `window`"),
    ] {
        let (_dir, path) = scenario(
            "stream.toml",
            &text("stream.s", &format!("{base}{keys}")),
            &[],
        );
        let out = aether_tests::cosim_support::aether(&["run", path.to_str().expect("utf-8")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{keys}: {stderr}");
        assert!(stderr.contains(says), "{keys}: {stderr}");
    }
}

#[test]
fn whole_shot_decoders_refuse_a_window() {
    let keys = "distance = 3\np = 0.02\nshots = 2\nwindow = 2\ncommit = 1\n";
    let (_dir, path) = scenario("dist.toml", &text("dist.s", keys), &[]);
    let out = aether_tests::cosim_support::aether(&["run", path.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("has no data label `qec_window`: its decoder decodes whole shots"),
        "{stderr}"
    );
    let central = workspace_root().join("programs/decoders/central/central.s");
    let lib = workspace_root().join("programs/lib");
    let text = format!(
        "[programs.central]\nsources = [\"{}\"]\nlib = [\"{}\"]\n[defaults]\nmemory = 262144\n\
         [decoding]\nprogram = \"central\"\ncode = \"rotated-surface\"\n\
         noise = \"phenomenological\"\n{keys}",
        central.display(),
        lib.display()
    );
    let (_dir, path) = scenario("central.toml", &text, &[]);
    let out = aether_tests::cosim_support::aether(&["run", path.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("program `central` of node 0 has no data label `qec_window`"),
        "{stderr}"
    );
}

#[test]
fn rounds_shorter_than_a_window_show_in_the_backlog() {
    // d = 5, windows of 2 rounds committing 1: at 200 us rounds every window is done before
    // the next round ends; at 1 us (a window takes several supersteps of microseconds
    // each) the decoder falls behind and shots wait.
    let slow = streamed(5, 0.02, 40, 2, 1, "200 us");
    let fast = streamed(5, 0.02, 40, 2, 1, "1 us");
    let late = |r: &serde_json::Value| r["decoding"]["backlog"]["late_shots"].as_u64();
    assert_eq!(late(&slow), Some(0));
    assert!(late(&fast) > Some(10), "{}", fast["decoding"]["backlog"]);
}

/// The scale, once: 2,000 shots per (d, noise) for d = 3 .. 9 in windows of 3
/// rounds committing 1 (`cargo test -p aether-tests --test fw_qec_stream -- --ignored`).
#[test]
#[ignore = "minutes: run once and quoted in docs/decoders.md"]
fn two_thousand_shots_per_distance_in_windows() {
    for p in [0.005, 0.02] {
        for d in [3, 5, 7, 9] {
            streamed(d, p, 2000, 3, 1, "200 us");
        }
    }
}
