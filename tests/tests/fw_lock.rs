//! Writers and a reader under the broadcast lock (`programs/examples/lock`, the paper's
//! Figure 9) through the real `aether` binary: the reader receives every payload of every
//! writer, each writer's payloads arrive in order and are never interleaved with another's,
//! every lock and release request is answered (message report), and after the last release
//! no node has an inbox or a process more than it started with (report's `open_inboxes`,
//! `processes`).

use aether_tests::cosim_support;
use aether_tests::fw_support;

use std::collections::BTreeSet;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};

/// `writers.s`: payloads per writer and log tags; `lock.s` / `rpc.s`: message types.
const PAYLOADS: u64 = 6;
const TAG_WRITE: u64 = 1;
const TAG_DONE: u64 = 2;
const LOCK: &str = "LOCK";
const RELEASE: &str = "RELEASE";
const RPC_DONE: &str = "RPC_DONE";

/// Checks one run with `direct` writers locking the reader and `via_hub` locking the hub.
fn check(r: &serde_json::Value, direct: &[u64], via_hub: &[u64]) {
    let writers: BTreeSet<u64> = direct.iter().chain(via_hub).copied().collect();
    let mut writes = Vec::new();
    let mut done = BTreeSet::new();
    for (node, _, tag, values) in log(r) {
        match tag {
            TAG_WRITE => {
                assert_eq!(node, 0, "only the reader logs writes");
                writes.push((values[0], values[1]));
            }
            TAG_DONE => {
                assert!(done.insert(node), "writer {node} finished twice");
            }
            other => panic!("unexpected tag {other}"),
        }
    }
    assert_eq!(done, writers, "every writer finishes");
    // The reader's log is one block of PAYLOADS writes per writer, in payload order.
    assert_eq!(writes.len() as u64, PAYLOADS * writers.len() as u64);
    let mut seen = BTreeSet::new();
    for block in writes.chunks(PAYLOADS as usize) {
        let w = block[0].0;
        assert!(seen.insert(w), "writer {w}'s payloads are split");
        let expected: Vec<(u64, u64)> = (0..PAYLOADS).map(|k| (w, w * 100 + k)).collect();
        assert_eq!(block, expected.as_slice(), "writer {w}'s block");
    }
    let sent = |t: &str| fw_support::count(r, t, "sent");
    // Each writer releases its lock once; each hub lock also releases the reader once.
    assert_eq!(sent(RELEASE), writers.len() as u64 + via_hub.len() as u64);
    assert_eq!(
        sent(RPC_DONE),
        sent(LOCK) + sent(RELEASE),
        "every request answered"
    );
    assert_eq!(sent("WRITE"), PAYLOADS * writers.len() as u64);
    assert!(r["faults"].as_array().expect("faults").is_empty());
    no_leaks(r, &writers);
}

/// aether's lock guarantee, that no inbox leaks: `writers.s` opens no inbox of its own, so
/// every node starts and must end with inbox 0 alone open; the lock's private inboxes, the
/// RPCs' reply inboxes and the subordinate workers are all gone after the last release.
/// The reader and the hub end idle in their dispatchers (process 0 only), the writers halted
/// after `lock_release` returned (process 0 only).
fn no_leaks(r: &serde_json::Value, writers: &BTreeSet<u64>) {
    let nodes = r["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 2 + writers.len());
    for n in nodes {
        let id = n["id"].as_u64().expect("id");
        let state = if writers.contains(&id) {
            "halted"
        } else {
            "idle"
        };
        assert_eq!(n["state"], state, "node {id}");
        assert_eq!(n["open_inboxes"], 1, "node {id}: inbox 0 alone is open");
        assert_eq!(n["processes"], 1, "node {id}: process 0 alone is left");
    }
}

#[test]
fn the_bundled_four_writers_over_several_seeds() {
    let path = workspace_root().join("programs/examples/lock/lock.toml");
    for seed in 1..=4 {
        let r = report(&path, &["--seed", &seed.to_string()], 0);
        check(&r, &[2, 3], &[4, 5]);
    }
}

#[test]
fn ten_writers_half_of_them_through_the_hub() {
    let text = format!(
        r#"
[programs.lock]
sources = ["{src}"]
lib = ["{lib}"]

[defaults]
program = "lock"

[[nodes]]
id = 0
entry = "reader"

[[nodes]]
id = 1
entry = "hub"

[[nodes]]
ids = [2, 4, 6, 8, 10]
entry = "writer"

[[nodes]]
ids = [3, 5, 7, 9, 11]
entry = "writer_hub"
"#,
        src = example("lock/writers.s"),
        lib = fw_support::lib_dir(),
    );
    let (_dir, path) = scenario("ten.toml", &text, &[]);
    for seed in [7, 8] {
        let r = report(&path, &["--seed", &seed.to_string()], 0);
        check(&r, &[2, 4, 6, 8, 10], &[3, 5, 7, 9, 11]);
    }
}
