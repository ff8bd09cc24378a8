//! Determinism through the real `aether` binary: the same scenario and seed give a
//! byte-identical JSON report, and single stepping gives the same results as run-ahead.

use aether_tests::cosim_support;

use cosim_support::aether;

fn json(args: &[&str]) -> Vec<u8> {
    let out = aether(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn same_scenario_and_seed_give_byte_identical_reports() {
    for scenario in [
        "programs/examples/ring/ring.toml",
        "programs/examples/factorial-server/factorial.toml",
    ] {
        let args = ["run", scenario, "--json", "--seed", "7"];
        let first = json(&args);
        assert!(!first.is_empty());
        assert_eq!(first, json(&args), "{scenario}");
    }
}

#[test]
fn single_stepping_reproduces_the_run_ahead_report() {
    for scenario in [
        "programs/examples/ring/ring.toml",
        "programs/examples/factorial-server/factorial.toml",
    ] {
        let parse = |bytes: Vec<u8>| {
            let mut v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            // Only the number of engine events may differ.
            v.as_object_mut().expect("object").remove("events");
            v
        };
        let fast = parse(json(&["run", scenario, "--json"]));
        let slow = parse(json(&["run", scenario, "--json", "--single-step"]));
        assert_eq!(fast, slow, "{scenario}");
    }
}

#[test]
fn trace_and_timeline_are_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let timeline = dir.path().join("timeline.json");
    let out = aether(&[
        "run",
        "programs/examples/ring/ring.toml",
        "--trace-node",
        "1",
        "--timeline",
        timeline.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let trace = String::from_utf8_lossy(&out.stderr);
    assert!(trace.contains("node 1 t=0fs pc=0"), "{trace}");
    assert!(trace.contains("ring.s:"), "source lines in the trace");
    assert!(!trace.contains("node 2 "), "only node 1 is traced");
    // Every instruction once, in the same order as on the single-step path.
    let single = aether(&[
        "run",
        "programs/examples/ring/ring.toml",
        "--trace-node",
        "1",
        "--single-step",
    ]);
    assert_eq!(out.stderr, single.stderr);
    let lines = trace.lines().count() as u64;
    let r = cosim_support::report(
        &aether_tests::workspace_root().join("programs/examples/ring/ring.toml"),
        &[],
        0,
    );
    assert_eq!(Some(lines), r["nodes"][1]["instructions"].as_u64());
    let text = std::fs::read_to_string(&timeline).expect("timeline written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("trace-event JSON");
    let events = v["traceEvents"].as_array().expect("traceEvents");
    // 8 ring nodes each have 4 laps' worth of activations (+1 start for everyone).
    let activations = events.iter().filter(|e| e["name"] == "activation").count();
    assert!(activations >= 8 * 4, "{activations}");
    assert!(events.iter().any(|e| e["name"] == "wait"));
    // Node 0's final record (tag 100) is an instant event on its thread.
    assert!(
        events
            .iter()
            .any(|e| e["name"] == "emit 100" && e["tid"] == 0 && e["ph"] == "i")
    );
}

#[test]
fn the_seed_drives_the_random_streams_and_nothing_else() {
    let firmware = ".entry main\nmain:\n    rand\n    rand\n    push 1\n    emit 2\n    halt\n";
    let text = "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\ncount = 3\nprogram = \"p\"\n";
    let (_dir, path) = cosim_support::scenario("rand.toml", text, &[("p.s", firmware)]);
    let path = path.to_str().expect("utf-8");
    let values = |seed: &str| -> Vec<serde_json::Value> {
        let bytes = json(&["run", path, "--json", "--seed", seed]);
        let report: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        report["log"]
            .as_array()
            .expect("log")
            .iter()
            .map(|r| r["values"].clone())
            .collect()
    };
    let one = values("1");
    assert_eq!(one, values("1"));
    let two = values("2");
    assert_ne!(one, two, "another seed, other numbers");
    // Each node has its own stream.
    assert_ne!(one[0], one[1]);
    assert_ne!(one[1], one[2]);
}
