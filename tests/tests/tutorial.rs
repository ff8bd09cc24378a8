//! The program of docs/tutorial.md, run the way the tutorial runs it.

use aether_tests::cosim_support;

use aether_tests::workspace_root;
use cosim_support::{log, report};

#[test]
fn the_tutorial_client_logs_twice_its_request() {
    let scenario = workspace_root().join("programs/examples/pingpong/pingpong.toml");
    let r = report(&scenario, &[], 0);
    // The client (node 0) sends 21; the server doubles it; the client logs it under tag 1.
    let records: Vec<(u64, u64, Vec<u64>)> = log(&r)
        .into_iter()
        .map(|(node, _, tag, values)| (node, tag, values))
        .collect();
    assert_eq!(records, vec![(0, 1, vec![2 * 21])]);
    assert_eq!(r["nodes"][0]["state"], "halted");
    assert_eq!(r["nodes"][1]["state"], "idle");
    assert_eq!(cosim_support::messages_sent(&r), 2);
}

#[test]
fn the_tutorial_source_is_the_example_source() {
    let tutorial = std::fs::read_to_string(workspace_root().join("docs/tutorial.md"))
        .expect("docs/tutorial.md");
    let source =
        std::fs::read_to_string(workspace_root().join("programs/examples/pingpong/pingpong.s"))
            .expect("pingpong.s");
    assert!(
        tutorial.contains(&source),
        "docs/tutorial.md must quote programs/examples/pingpong/pingpong.s verbatim"
    );
}
