//! The factorial server example through the real `aether` binary.

mod cosim_support;

use aether_tests::workspace_root;
use cosim_support::{log, report};

#[test]
fn the_client_gets_10_12_and_8_factorial_from_the_server() {
    let scenario = workspace_root().join("programs/examples/factorial-server/factorial.toml");
    let r = report(&scenario, &[], 0);
    // FACT_REPLY = 2 in protocol.s; the client (node 1) emits (n, n!).
    let answers: Vec<(u64, u64, Vec<u64>)> = log(&r)
        .into_iter()
        .map(|(node, _, tag, values)| (node, tag, values))
        .collect();
    assert_eq!(
        answers,
        vec![
            (1, 2, vec![10, 3_628_800]),
            (1, 2, vec![12, 479_001_600]),
            (1, 2, vec![8, 40_320]),
        ]
    );
    assert_eq!(r["stop_reason"], "exhausted");
    assert_eq!(r["nodes"][1]["state"], "halted");
    assert_eq!(r["nodes"][0]["state"], "idle");
    assert!(r["faults"].as_array().expect("faults").is_empty());
    // Three requests and three replies crossed the network.
    let sent: u64 = r["network"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["sent"].as_u64().expect("sent"))
        .sum();
    assert_eq!(sent, 6);
}
