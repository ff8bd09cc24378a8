//! The barrier wire through the real `aether` binary (docs/decoders.md, "The global OR
//! wire (barrier)"): a release `barrier_latency` after the latest contribution, computed by
//! hand from the instruction costs; the OR of the values; epochs kept apart when a node
//! contributes early; a release to an inbox never opened counted as lost; the cost of
//! `qec_barrier` as docs/decoders.md gives it; run-ahead equal to single stepping; and the
//! `barrier_latency` key through `--set` and `aether sweep`.
//!
//! The firmware is `tests/decoding/barrier.s` on the two nodes of `two_layers.dem`
//! (`tests/decoding/barrier.toml`, 250 MHz).

use std::path::Path;

use aether_tests::cosim_support::{aether, costs, log, report, sweep, sweep_rows};

const SCENARIO: &str = "tests/decoding/barrier.toml";
const PERIOD_NS: u64 = 4;
const FS_PER_NS: u64 = 1_000_000;
/// `SKEW` of barrier.s: node k starts k * SKEW cycles late.
const SKEW: u64 = 100;
/// docs/decoders.md: `qec_barrier`'s `send` issues 16 cycles after its first instruction;
/// the routine costs 27 + 1 through its `ret`, and the `call` adds 2.
const TO_SEND: u64 = 16;
const ROUTINE: u64 = 27 + 1;
const CALL: u64 = 2;

fn run(extra: &[&str]) -> serde_json::Value {
    report(Path::new(SCENARIO), extra, 0)
}

/// Node 0's log of the release of `epoch` (tag 2), as `(time_fs, W)`.
fn release_log(r: &serde_json::Value, node: u64, epoch: u64) -> Option<(u64, u64)> {
    log(r)
        .into_iter()
        .find(|(n, _, tag, v)| *n == node && *tag == 2 && v[0] == epoch)
        .map(|(_, t, _, v)| (t, v[1]))
}

/// When node 0 logs epoch 0's release with a wire of `latency_ns`. Node 1's contribution
/// is the latest: its `send` issues after barrier.s's start (open, drop, nodeid, push,
/// mul, sleep, then SKEW cycles asleep), cycles, storei, push, nodeid, shl, push, call,
/// and TO_SEND cycles of qec_barrier. Node 0 is waiting by then (its two contributions
/// end long before), so the release wakes it at its time, and `take` runs drop, 3 pushes,
/// recv (8 + 2 words), drop, loadi, loadi, push before the emit.
fn epoch0_logged_fs(latency_ns: u64) -> u64 {
    let issue = costs(&["open", "drop", "nodeid", "push", "mul", "sleep"])
        + SKEW
        + costs(&["cycles", "storei", "push", "nodeid", "shl", "push", "call"])
        + TO_SEND;
    let release_fs = issue * PERIOD_NS * FS_PER_NS + latency_ns * FS_PER_NS;
    let take = costs(&[
        "drop", "push", "push", "push", "recv", "drop", "loadi", "loadi", "push",
    ]) + 2;
    release_fs + take * PERIOD_NS * FS_PER_NS
}

#[test]
fn a_release_comes_barrier_latency_after_the_latest_contribution() {
    let r = run(&[]);
    assert_eq!(
        release_log(&r, 0, 0),
        Some((epoch0_logged_fs(20), 1 | 2)),
        "the default latency is 20 ns; W = 1 << 0 | 1 << 1"
    );
    let r = run(&["--set", "decoding.barrier_latency=\"100 ns\""]);
    assert_eq!(release_log(&r, 0, 0), Some((epoch0_logged_fs(100), 1 | 2)));
}

#[test]
fn epochs_stay_apart_and_a_release_to_an_inbox_never_opened_is_lost() {
    let r = run(&[]);
    // Node 0 contributed 4 to epoch 1 before node 1's first contribution: epoch 0 is
    // still 1 | 2, and epoch 1 is 4 | 8.
    for node in [0, 1] {
        assert_eq!(release_log(&r, node, 0).map(|x| x.1), Some(1 | 2));
        assert_eq!(release_log(&r, node, 1).map(|x| x.1), Some(4 | 8));
    }
    // Epoch 2: node 0 takes 16 | 32; node 1 named inbox 7, never opened.
    assert_eq!(release_log(&r, 0, 2).map(|x| x.1), Some(16 | 32));
    assert_eq!(release_log(&r, 1, 2), None);
    let d = &r["decoding"];
    assert_eq!(d["barriers"], 3);
    assert_eq!(d["barriers_lost"], 1);
    assert_eq!(d["decoded"], 3, "the run goes on to decode every shot");
    assert_eq!(
        r["network"]["nodes"][0]["sent"], 0,
        "the wire is off the network"
    );
}

#[test]
fn qec_barrier_costs_what_docs_decoders_md_says() {
    // Tag 1 logs the cycles from `cycles` before the arguments to `cycles` after the call.
    let want = costs(&["cycles", "storei", "push", "nodeid", "shl", "push"]) + CALL + ROUTINE;
    let r = run(&[]);
    let logged: Vec<u64> = log(&r)
        .into_iter()
        .filter(|(_, _, tag, _)| *tag == 1)
        .map(|(_, _, _, v)| v[0])
        .collect();
    assert_eq!(logged, [want, want]);
}

#[test]
fn run_ahead_equals_single_stepping_on_the_barrier_wire() {
    let [fast, slow] = [&[][..], &["--single-step"][..]].map(|extra| {
        let mut r = run(extra);
        r.as_object_mut().expect("object").remove("events");
        r
    });
    assert_eq!(fast, slow);
}

#[test]
fn barrier_latency_is_a_positive_time_for_run_and_sweep() {
    for (value, says) in [
        ("\"0 ns\"", "decoding.barrier_latency: must be positive"),
        ("\"soon\"", "decoding.barrier_latency"),
    ] {
        let set = format!("decoding.barrier_latency={value}");
        let o = aether(&["run", SCENARIO, "--set", &set]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{value}: {stderr}");
        assert!(stderr.contains(says), "{value}: {stderr}");
    }
    let dir = tempfile::tempdir().expect("tmp");
    sweep(
        SCENARIO,
        dir.path(),
        &["--set", "decoding.barrier_latency=20ns,100ns"],
    );
    let latencies: Vec<serde_json::Value> = sweep_rows(dir.path())
        .iter()
        .map(|row| row["decoding.barrier_latency"].clone())
        .collect();
    assert_eq!(latencies, ["20ns", "100ns"]);
}
