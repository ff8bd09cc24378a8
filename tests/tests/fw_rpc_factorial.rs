//! The RPC factorial example (`programs/examples/rpc-factorial`) through the real `aether`
//! binary: answers checked against factorials computed here, a request to a closed inbox
//! seen by the caller as returned to sender, and recovery from lost packets.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};

/// `protocol.s`: log tags of the client.
const TAG_FACT: u64 = 1;
const TAG_PROBE: u64 = 2;
/// `rpc.s`: rpc_call's result for a request that came back to sender, as an unsigned word.
const RPC_RETURNED: u64 = (-2i32) as u32 as u64;
const RPC_TIMEOUT: u64 = (-1i32) as u32 as u64;

fn factorial(n: u64) -> u64 {
    (1..=n).product::<u64>() % (1 << 32)
}

/// The client's (n, n!) answers and its failed attempts, in log order.
fn answers(r: &serde_json::Value) -> (Vec<(u64, u64)>, u64) {
    let mut got = Vec::new();
    let mut failed = 0;
    for (node, _, tag, values) in log(r) {
        if tag == TAG_FACT {
            assert_eq!(node, 1);
            got.push((values[0], values[1]));
            failed += values[2];
        }
    }
    (got, failed)
}

fn expected() -> Vec<(u64, u64)> {
    [10, 12, 8].iter().map(|&n| (n, factorial(n))).collect()
}

#[test]
fn the_client_gets_factorials_and_sees_a_returned_request() {
    let scenario = workspace_root().join("programs/examples/rpc-factorial/rpc-factorial.toml");
    let r = report(&scenario, &[], 0);
    let (got, failed) = answers(&r);
    assert_eq!(got, expected());
    assert_eq!(got[0].1, 3_628_800);
    assert_eq!(failed, 0);
    let probe: Vec<Vec<u64>> = log(&r)
        .into_iter()
        .filter(|(_, _, tag, _)| *tag == TAG_PROBE)
        .map(|(_, _, _, v)| v)
        .collect();
    assert_eq!(probe, vec![vec![RPC_RETURNED]]);
    // Message report: 4 FACT requests (the probe included, returned once) and 3 RPC_DONE answers.
    assert_eq!(fw_support::count(&r, "FACT", "sent"), 4);
    assert_eq!(fw_support::count(&r, "FACT", "returned"), 1);
    assert_eq!(fw_support::count(&r, "RPC_DONE", "sent"), 3);
    assert_eq!(r["network"]["nodes"][0]["bounced"], 1);
}

#[test]
fn lost_requests_and_answers_are_retried_until_every_answer_is_right() {
    let text = format!(
        r#"
[programs.fact]
sources = ["{p}", "{s}", "{c}"]
lib = ["{lib}"]

[defaults]
program = "fact"

[[nodes]]
id = 0
entry = "server"

[[nodes]]
id = 1
entry = "client"
clock = "250 MHz"

[network.link]
drop = 0.3
"#,
        p = example("rpc-factorial/protocol.s"),
        s = example("rpc-factorial/server.s"),
        c = example("rpc-factorial/client.s"),
        lib = fw_support::lib_dir(),
    );
    let (_dir, path) = scenario("lossy.toml", &text, &[]);
    let mut lost_total = 0;
    let mut failed_total = 0;
    for seed in 1..=4 {
        let r = report(&path, &["--seed", &seed.to_string()], 0);
        let (got, failed) = answers(&r);
        assert_eq!(got, expected(), "seed {seed}");
        let probe = log(&r)
            .into_iter()
            .find(|(_, _, tag, _)| *tag == TAG_PROBE)
            .expect("probe record");
        // A lost probe or bounce times out instead of coming back.
        assert!(probe.3 == vec![RPC_RETURNED] || probe.3 == vec![RPC_TIMEOUT]);
        lost_total += r["network"]["drops"]["lost"].as_u64().expect("lost");
        failed_total += failed;
    }
    assert!(lost_total > 0, "the faults dropped nothing");
    assert!(failed_total > 0, "no call needed a retry");
}
