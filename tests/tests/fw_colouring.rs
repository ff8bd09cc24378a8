//! Randomized 3-colouring of a line (`programs/examples/colouring`, the paper's Figure 7)
//! through the real `aether` binary, on lines of several lengths and seeds: every node
//! logs one colour in 0..3, neighbours differ, and the message report counts exactly the
//! queries the logged round numbers imply (one per neighbour per round, each answered).

use aether_tests::cosim_support;
use aether_tests::fw_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};

/// `colouring.s`: the log tag and the query type; `rpc.s`: RPC_DONE = 0x7FFF00.
const TAG_COLOUR: u64 = 1;
const COLOUR_QUERY: &str = "COLOUR_QUERY";
const RPC_DONE: &str = "RPC_DONE";

fn line(n: u64, seed: u64) {
    let text = format!(
        r#"
[programs.colouring]
sources = ["{src}"]
lib = ["{lib}"]

[[nodes]]
count = {n}
program = "colouring"
"#,
        src = example("colouring/colouring.s"),
        lib = fw_support::lib_dir(),
    );
    let (_dir, path) = scenario("line.toml", &text, &[]);
    let r = report(&path, &["--seed", &seed.to_string()], 0);
    check_colouring(&r, n, &format!("seed {seed}"));
}

/// Checks that the `n` nodes of a line each logged one colour in 0..3, that neighbours
/// differ, and that the message report counts one query and one answer per neighbour
/// per logged round.
fn check_colouring(r: &serde_json::Value, n: u64, what: &str) {
    let mut colour = vec![None; n as usize];
    let mut rounds = vec![0; n as usize];
    for (node, _, tag, values) in log(r) {
        assert_eq!(tag, TAG_COLOUR);
        assert!(
            colour[node as usize].is_none(),
            "node {node} coloured twice"
        );
        assert!(values[0] < 3, "colour {} out of range", values[0]);
        colour[node as usize] = Some(values[0]);
        rounds[node as usize] = values[1];
    }
    let colour: Vec<u64> = colour
        .into_iter()
        .enumerate()
        .map(|(i, c)| c.unwrap_or_else(|| panic!("node {i} of {n} never stopped ({what})")))
        .collect();
    for i in 1..colour.len() {
        assert_ne!(
            colour[i - 1],
            colour[i],
            "nodes {} and {i} (n {n}, {what})",
            i - 1
        );
    }
    let degree = |i: u64| u64::from(i > 0) + u64::from(i + 1 < n);
    let queries: u64 = (0..n).map(|i| rounds[i as usize] * degree(i)).sum();
    let sent = |t: &str| fw_support::count(r, t, "sent");
    assert_eq!(sent(COLOUR_QUERY), queries);
    assert_eq!(sent(RPC_DONE), queries);
}

#[test]
fn the_bundled_16_node_line_is_properly_coloured() {
    let r = report(
        &workspace_root().join("programs/examples/colouring/colouring.toml"),
        &[],
        0,
    );
    check_colouring(&r, 16, "colouring.toml");
}

#[test]
fn lines_of_4_16_64_and_256_nodes_over_several_seeds() {
    for n in [4, 16, 64, 256] {
        for seed in 1..=3 {
            line(n, seed);
        }
    }
}

#[test]
fn a_single_node_needs_one_round() {
    line(1, 7);
}
