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

/// docs/tutorial.md step 6: at 50 MHz the run ends at 1280 ns instead of 660 ns, every
/// node's busy cycles are unchanged; so with T = cycles × period + network, the network's
/// time is 2 × 660 − 1280 = 40 ns in both runs and its share falls.
#[test]
fn halving_the_clocks_doubles_the_compute_time_but_not_the_network_time() {
    let example = workspace_root().join("programs/examples/pingpong");
    let text = std::fs::read_to_string(example.join("pingpong.toml"))
        .expect("pingpong.toml")
        .replace(
            "\"pingpong.s\"",
            &format!("{:?}", example.join("pingpong.s")),
        )
        .replace("clock = \"100 MHz\"", "clock = \"50 MHz\"");
    let (_dir, halved) = cosim_support::scenario("halved.toml", &text, &[]);
    let fast = report(&example.join("pingpong.toml"), &[], 0);
    let slow = report(&halved, &[], 0);
    const NS: u64 = 1_000_000;
    assert_eq!(fast["time_fs"].as_u64(), Some(660 * NS));
    assert_eq!(slow["time_fs"].as_u64(), Some(1280 * NS));
    for node in 0..2 {
        assert_eq!(
            fast["nodes"][node]["cycles"]["busy"],
            slow["nodes"][node]["cycles"]["busy"]
        );
    }
}
