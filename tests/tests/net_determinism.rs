//! The network examples through the real `aether` binary: run-ahead and single stepping
//! give the same report (back-pressure stalls, bounces, faults and contention included),
//! and the same seed gives a byte-identical one.

use aether_tests::cosim_support;

use cosim_support::aether;

const EXAMPLES: [&str; 4] = [
    "programs/examples/net-order/order.toml",
    "programs/examples/net-bounce/bounce.toml",
    "programs/examples/net-burst/burst.toml",
    "programs/examples/net-latency/latency.toml",
];

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

/// The report without the engine's event count, the one field stepping may change.
fn without_events(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).expect("JSON");
    v.as_object_mut().expect("object").remove("events");
    v
}

#[test]
fn single_stepping_reproduces_every_network_example() {
    for scenario in EXAMPLES {
        let fast = without_events(&json(&["run", scenario, "--json"]));
        let slow = without_events(&json(&["run", scenario, "--json", "--single-step"]));
        assert_eq!(fast, slow, "{scenario}");
    }
}

#[test]
fn a_lossy_jittery_mesh_is_reproduced_by_its_seed_and_by_single_stepping() {
    let text = std::fs::read_to_string(
        aether_tests::workspace_root().join("programs/examples/net-order/order.toml"),
    )
    .expect("order.toml")
    .replace(
        "\"order.s\"",
        &format!("\"{}\"", cosim_support::example("net-order/order.s")),
    )
    .replace(
        "latency = \"10 ns\"",
        "latency = \"10 ns\"\ndrop = 0.05\njitter = \"40 ns\"",
    );
    let (_dir, path) = cosim_support::scenario("lossy.toml", &text, &[]);
    let path = path.to_str().expect("utf-8");
    let first = json(&["run", path, "--json", "--seed", "3"]);
    assert_eq!(first, json(&["run", path, "--json", "--seed", "3"]));
    let slow = json(&["run", path, "--json", "--seed", "3", "--single-step"]);
    assert_eq!(without_events(&first), without_events(&slow));
    let report = without_events(&first);
    assert!(report["network"]["drops"]["lost"].as_u64().expect("lost") > 0);
}
