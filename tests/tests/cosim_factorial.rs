//! The factorial server example through the real `aether` binary.

use aether_tests::cosim_support;

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
    let sent = cosim_support::messages_sent(&r);
    assert_eq!(sent, 6);
}

#[test]
fn a_behavioural_stimulus_and_sink_drive_the_emulated_server() {
    // Mixed fidelity: node 0 runs the server firmware; a stimulus (node 1) sends four FACT
    // requests whose payload is its sequence number, with the sink (node 2) as reply-to;
    // the sink logs each FACT_REPLY (tag 2) it receives.
    let text = format!(
        r#"
[programs.factorial]
sources = ["{protocol}", "{server}", "{client}"]

[[nodes]]
id = 0
program = "factorial"
entry = "server"

[[components]]
kind = "stimulus"
id = 1
dst = {{ node = 0, inbox = 0 }}
reply_to = {{ node = 2, inbox = 0 }}
type = 1
payload = []
sequence = true
start = "100 ns"
period = "1 us"
count = 4

[[components]]
kind = "sink"
id = 2
"#,
        protocol = cosim_support::example("factorial-server/protocol.s"),
        server = cosim_support::example("factorial-server/server.s"),
        client = cosim_support::example("factorial-server/client.s"),
    );
    let (_dir, path) = cosim_support::scenario("mixed.toml", &text, &[]);
    let r = report(&path, &[], 0);
    // The stimulus payload is its sequence number 0, 1, 2, 3: the sink gets 0!, 1!, 2!, 3!.
    let replies: Vec<(u64, u64, Vec<u64>)> = log(&r)
        .into_iter()
        .map(|(node, _, tag, values)| (node, tag, values))
        .collect();
    assert_eq!(
        replies,
        vec![
            (2, 2, vec![1]),
            (2, 2, vec![1]),
            (2, 2, vec![2]),
            (2, 2, vec![6]),
        ]
    );
    assert_eq!(r["components"][0]["kind"], "stimulus");
    assert_eq!(r["components"][0]["sent"].as_u64(), Some(4));
    assert_eq!(r["components"][1]["received"].as_u64(), Some(4));
}
