//! The supervised factorial server (`programs/examples/supervisor`, Termite's section 5.3)
//! through the real `aether` binary: poisoned requests crash the server process, the
//! supervisor restarts it under the same public address, and every client still gets
//! every other answer right (checked against factorials computed here), also with lost
//! packets. Requests waiting in a crashed server's inbox come back to their senders.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};

/// `supervisor.s`: the clients' inputs (negative ones are poison) and log tags.
const NUMBERS: [i64; 8] = [5, 10, -1, 12, 8, -3, 7, 3];
const TAG_FACT: u64 = 1;
const TAG_POISON: u64 = 2;
const TAG_RESTART: u64 = 3;
/// `rpc.s`: rpc_call's failures as unsigned words.
const RPC_TIMEOUT: u64 = u32::MAX as u64;
const RPC_RETURNED: u64 = u32::MAX as u64 - 1;

fn factorial(n: u64) -> u64 {
    (1..=n).product::<u64>() % (1 << 32)
}

/// Checks one run with clients on `clients`; returns (restarts, poisons that timed out).
fn check(r: &serde_json::Value, clients: &[u64]) -> (u64, u64) {
    let mut answers = vec![Vec::new(); clients.len()];
    let mut poisons = vec![0; clients.len()];
    let mut restarts = Vec::new();
    let mut timed_out = 0;
    for (node, _, tag, values) in log(r) {
        let client = clients.iter().position(|&c| c == node);
        match (tag, client) {
            (TAG_FACT, Some(c)) => answers[c].push((values[0], values[1])),
            (TAG_POISON, Some(c)) => {
                poisons[c] += 1;
                assert!(
                    values[0] == RPC_TIMEOUT || values[0] == RPC_RETURNED,
                    "a poisoned request gets no answer"
                );
                timed_out += u64::from(values[0] == RPC_TIMEOUT);
            }
            (TAG_RESTART, None) if node == 0 => restarts.push(values[0]),
            other => panic!("unexpected record {other:?} from node {node}"),
        }
    }
    let expected: Vec<(u64, u64)> = NUMBERS
        .iter()
        .filter(|&&n| n >= 0)
        .map(|&n| (n as u64, factorial(n as u64)))
        .collect();
    for (c, got) in answers.iter().enumerate() {
        assert_eq!(got, &expected, "client {}", clients[c]);
    }
    let poison = NUMBERS.iter().filter(|&&n| n < 0).count() as u64;
    assert!(poisons.iter().all(|&p| p == poison));
    let k = restarts.len() as u64;
    assert_eq!(restarts, (1..=k).collect::<Vec<_>>(), "restarts counted up");
    assert_eq!(
        fw_support::count(r, "EXIT", "sent"),
        k,
        "one EXIT per crash"
    );
    assert!(k >= 1, "the server crashed at least once");
    // `supervisor.s`: node 0 keeps inbox 0 (the supervisor, process 0) and the private inbox
    // of the server running at the end; each crashed server closed its own and ended. The
    // clients halt with inbox 0 alone (rpc_call closes its reply inboxes).
    for n in r["nodes"].as_array().expect("nodes") {
        let kept = if n["id"] == 0 { 2 } else { 1 };
        assert_eq!(n["open_inboxes"], kept, "node {}", n["id"]);
        assert_eq!(n["processes"], kept, "node {}", n["id"]);
    }
    (k, timed_out)
}

#[test]
fn the_server_survives_every_poisoned_request() {
    let r = report(
        &workspace_root().join("programs/examples/supervisor/supervisor.toml"),
        &[],
        0,
    );
    let (restarts, timed_out) = check(&r, &[1, 2]);
    // Without losses a poison either crashed the server (its caller times out) or came back
    // to sender from the crashed server's inbox.
    assert_eq!(restarts, timed_out);
    assert!(fw_support::count(&r, "FACT", "returned") >= 1);
}

#[test]
fn with_lost_packets_the_clients_still_get_every_answer() {
    let text = format!(
        r#"
[programs.sup]
sources = ["{src}"]
lib = ["{lib}"]

[defaults]
program = "sup"

[[nodes]]
id = 0
entry = "supervisor"

[[nodes]]
ids = [1, 2, 3]
entry = "client"

[network.link]
drop = 0.2
"#,
        src = example("supervisor/supervisor.s"),
        lib = fw_support::lib_dir(),
    );
    let (_dir, path) = scenario("lossy.toml", &text, &[]);
    let mut lost = 0;
    for seed in 1..=4 {
        let r = report(&path, &["--seed", &seed.to_string()], 0);
        let (restarts, timed_out) = check(&r, &[1, 2, 3]);
        assert!(restarts <= timed_out, "a crash times its poison out");
        lost += r["network"]["drops"]["lost"].as_u64().expect("lost");
    }
    assert!(lost > 0, "the faults dropped nothing");
}
