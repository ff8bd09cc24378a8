//! The single-node examples without a scenario of their own (`factorial`, `dispatch`,
//! `macros`), run through the real binaries on one node; each README's promise is
//! checked against a value this test computes itself, not against the source's constants.
//! Also: every example folder is run by some acceptance test.

use aether_tests::cosim_support::{example, log, report, scenario};
use aether_tests::workspace_root;

/// Runs `sources` (paths under programs/examples) on one node from `main`; returns the
/// report, after checking that the node halted without a fault.
fn run_one_node(sources: &[&str]) -> serde_json::Value {
    let list: Vec<String> = sources
        .iter()
        .map(|s| format!("\"{}\"", example(s)))
        .collect();
    let text = format!(
        "[programs.p]\nsources = [{}]\n[[nodes]]\nid = 0\nprogram = \"p\"\n",
        list.join(", ")
    );
    let (_dir, path) = scenario("one.toml", &text, &[]);
    let r = report(&path, &[], 0);
    assert_eq!(r["nodes"][0]["state"], "halted", "{r}");
    assert_eq!(r["faults"].as_array().map(Vec::len), Some(0), "{r}");
    r
}

/// The log as `(tag, values)`.
fn records(r: &serde_json::Value) -> Vec<(u64, Vec<u64>)> {
    log(r).into_iter().map(|(_, _, tag, v)| (tag, v)).collect()
}

#[test]
fn factorial_logs_n_factorial_for_n_up_to_12() {
    let r = run_one_node(&["factorial/factorial.s"]);
    let mut want = Vec::new();
    let mut product = 1u64;
    for n in 0..=12u64 {
        product *= n.max(1);
        want.push((1, vec![n, product]));
    }
    assert_eq!(want.last(), Some(&(1, vec![12, 479_001_600])));
    assert_eq!(records(&r), want);
}

#[test]
fn dispatch_runs_its_command_table() {
    let r = run_one_node(&["dispatch/main.s", "dispatch/handlers.s"]);
    // README: ((5 * 3) - 4), logged with tag 2; then that * 6 - 1, logged with tag 2
    // and again with tag 3.
    let first = 5 * 3 - 4;
    let second = first * 6 - 1;
    assert_eq!(
        records(&r),
        vec![(2, vec![first]), (2, vec![second]), (3, vec![second])]
    );
}

#[test]
fn macros_logs_ten_fibonacci_numbers_and_their_sum() {
    let r = run_one_node(&["macros/main.s"]);
    let mut fib = vec![0u64, 1];
    while fib.len() < 10 {
        fib.push(fib[fib.len() - 1] + fib[fib.len() - 2]);
    }
    let mut want: Vec<(u64, Vec<u64>)> = fib.iter().map(|&f| (3, vec![f])).collect();
    want.push((4, vec![fib.iter().sum()]));
    assert_eq!(records(&r), want);
}

#[test]
fn every_example_folder_is_named_by_an_acceptance_test() {
    let root = workspace_root();
    let mut tests = String::new();
    for file in std::fs::read_dir(root.join("tests/tests")).expect("tests folder") {
        let path = file.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            tests += &std::fs::read_to_string(&path).expect("a test file");
        }
    }
    for folder in std::fs::read_dir(root.join("programs/examples")).expect("examples") {
        let name = folder.expect("entry").file_name();
        let name = name.to_str().expect("a UTF-8 name");
        assert!(
            tests.contains(&format!("examples/{name}/")) || tests.contains(&format!("\"{name}/")),
            "no acceptance test names programs/examples/{name}"
        );
    }
}
