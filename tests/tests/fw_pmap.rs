//! Parallel map with monitored workers (`programs/examples/pmap`) through the real `aether`
//! binary: every item's result equals f(x) = x * x + 1 computed here, a worker node that
//! really crashes (an assertion fault stops it) costs only retries, and the message report
//! counts one request and one EXIT notification per attempt.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};

/// `pmap.s`: items, inputs x = 3 i + 1, log tags, the flaky worker's assertion code.
const ITEMS: u64 = 20;
const TAG_RESULT: u64 = 1;
const TAG_FAILED: u64 = 2;
const TAG_TOTAL: u64 = 3;
const FLAKY_ASSERT: &str = "assertion 7";
const SQUARE: &str = "SQUARE";
const RPC_DONE: &str = "RPC_DONE";
const EXIT: &str = "EXIT";

fn f(i: u64) -> u64 {
    let x = 3 * i + 1;
    x * x + 1
}

/// Checks the master's log; returns the number of failed attempts.
fn check(r: &serde_json::Value) -> u64 {
    let mut results = vec![None; ITEMS as usize];
    let mut failed = 0;
    let mut total = Vec::new();
    for (node, _, tag, values) in log(r) {
        assert_eq!(node, 0);
        match tag {
            TAG_RESULT => {
                let i = values[0] as usize;
                assert!(results[i].is_none(), "item {i} finished twice");
                results[i] = Some(values[1]);
            }
            TAG_FAILED => failed += 1,
            TAG_TOTAL => total.push(values[0]),
            other => panic!("unexpected tag {other}"),
        }
    }
    for (i, got) in results.iter().enumerate() {
        assert_eq!(*got, Some(f(i as u64)), "item {i}");
    }
    assert_eq!(total, vec![(0..ITEMS).map(f).sum::<u64>()]);
    let sent = |t: &str| fw_support::count(r, t, "sent");
    assert_eq!(sent(SQUARE), ITEMS + failed, "one request per attempt");
    assert_eq!(sent(EXIT), ITEMS + failed, "one EXIT per caller");
    assert_eq!(sent(RPC_DONE), ITEMS, "answers for the successful attempts");
    // Every caller ended (its EXIT came) and closed its RPC inboxes: the master halts with
    // inbox 0 and itself; workers keep their dispatcher (a crashed one too: a fault closes
    // nothing).
    for n in r["nodes"].as_array().expect("nodes") {
        assert_eq!(n["open_inboxes"], 1, "node {}", n["id"]);
        assert_eq!(n["processes"], 1, "node {}", n["id"]);
    }
    failed
}

#[test]
fn a_crashing_worker_only_costs_retries() {
    let r = report(
        &workspace_root().join("programs/examples/pmap/pmap.toml"),
        &[],
        1,
    );
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1);
    assert_eq!(faults[0]["node"], 1);
    assert_eq!(faults[0]["kind"], "assertion");
    assert!(
        faults[0]["message"]
            .as_str()
            .expect("message")
            .contains(FLAKY_ASSERT)
    );
    assert!(
        check(&r) >= 1,
        "the request that crashed node 1 was retried"
    );
}

#[test]
fn healthy_workers_need_no_retry() {
    let text = format!(
        r#"
[programs.pmap]
sources = ["{src}"]
lib = ["{lib}"]

[defaults]
program = "pmap"

[[nodes]]
id = 0
entry = "master"

[[nodes]]
ids = [1, 2, 3]
entry = "worker"
"#,
        src = example("pmap/pmap.s"),
        lib = fw_support::lib_dir(),
    );
    let (_dir, path) = scenario("healthy.toml", &text, &[]);
    let r = report(&path, &[], 0);
    assert_eq!(check(&r), 0);
}
