//! Tree size and depth by convergecast (`programs/examples/tree-cast`, the paper's
//! Figure 8) on trees generated here, through the real `aether` binary: the root's answers
//! equal the size and depth computed on the host, and the message report counts one cast
//! and one reply per tree edge and per cast.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};
use fw_support::{Gen, lib_dir, words};

/// `tree.s`: log tags and message types.
const TAG_SIZE: u64 = 1;
const TAG_DEPTH: u64 = 2;
const TREE_SIZE: &str = "TREE_SIZE";
const TREE_DEPTH: &str = "TREE_DEPTH";
/// `cast.s`: CAST_REPLY = 0x7FFF01.
const CAST_REPLY: &str = "CAST_REPLY";

/// A rooted tree on nodes 0..n (root 0) given by each node's parent.
struct Tree {
    parent: Vec<usize>,
}

impl Tree {
    fn random(n: usize, seed: u64) -> Self {
        let mut g = Gen::new(seed);
        let parent = (0..n)
            .map(|i| {
                if i == 0 {
                    0
                } else {
                    g.below(i as u64) as usize
                }
            })
            .collect();
        Self { parent }
    }

    fn path(n: usize) -> Self {
        Self {
            parent: (0..n).map(|i| i.saturating_sub(1)).collect(),
        }
    }

    fn star(n: usize) -> Self {
        Self { parent: vec![0; n] }
    }

    fn size(&self) -> u64 {
        self.parent.len() as u64
    }

    /// The largest number of edges from the root to a node.
    fn depth(&self) -> u64 {
        (0..self.parent.len())
            .map(|mut v| {
                let mut d = 0;
                while v != 0 {
                    v = self.parent[v];
                    d += 1;
                }
                d
            })
            .max()
            .unwrap_or(0)
    }

    /// The `tree-data.s` text: children lists in compressed rows.
    fn data_file(&self) -> String {
        let n = self.parent.len();
        let mut first = vec![0];
        let mut kids = Vec::new();
        for v in 0..n {
            kids.extend((1..n).filter(|&c| self.parent[c] == v));
            first.push(kids.len());
        }
        let kids_line = if kids.is_empty() {
            "tree_kids: .space 1".to_string()
        } else {
            format!("tree_kids: .word {}", words(&kids))
        };
        format!(
            ".const TREE_N = {n}\n.data\ntree_first: .word {}\n{kids_line}\n",
            words(&first)
        )
    }
}

/// Runs tree.s on `tree` and returns the report; asserts the exit code.
fn run_code(tree: &Tree, code: i32) -> serde_json::Value {
    let n = tree.size();
    let text = format!(
        r#"
[programs.tree]
sources = ["{src}", "tree-data.s"]
lib = ["{lib}"]

[[nodes]]
count = {n}
program = "tree"
"#,
        src = example("tree-cast/tree.s"),
        lib = lib_dir(),
    );
    let (_dir, path) = scenario("tree.toml", &text, &[("tree-data.s", &tree.data_file())]);
    report(&path, &[], code)
}

/// tree.s: the assertion code of a node whose children's replies would not fit its inbox.
const KIDS_FIT: u64 = 1;

fn run(tree: &Tree) {
    let n = tree.size();
    let r = run_code(tree, 0);
    let mut size = Vec::new();
    let mut depth = Vec::new();
    for (node, _, tag, values) in log(&r) {
        assert_eq!(node, 0, "only the root reports");
        match tag {
            TAG_SIZE => size.push(values[0]),
            TAG_DEPTH => depth.push(values[0]),
            other => panic!("unexpected tag {other}"),
        }
    }
    assert_eq!(size, vec![n], "size of a {n}-node tree");
    assert_eq!(depth, vec![tree.depth()], "depth of a {n}-node tree");
    let sent = |t: &str| fw_support::count(&r, t, "sent");
    assert_eq!(sent(TREE_SIZE), n - 1);
    assert_eq!(sent(TREE_DEPTH), n - 1);
    assert_eq!(sent(CAST_REPLY), 2 * (n - 1));
    assert!(r["faults"].as_array().expect("faults").is_empty());
}

#[test]
fn the_bundled_tree_has_size_12_and_depth_4() {
    let r = report(
        &workspace_root().join("programs/examples/tree-cast/tree-cast.toml"),
        &[],
        0,
    );
    let answers: Vec<(u64, Vec<u64>)> = log(&r).into_iter().map(|(_, _, t, v)| (t, v)).collect();
    assert_eq!(answers, vec![(TAG_SIZE, vec![12]), (TAG_DEPTH, vec![4])]);
}

#[test]
fn random_trees_of_10_64_and_200_nodes() {
    for (n, seed) in [(10, 1), (64, 2), (200, 3)] {
        run(&Tree::random(n, seed));
    }
}

#[test]
fn a_single_node_a_path_and_a_star() {
    run(&Tree::path(1));
    run(&Tree::path(40));
    run(&Tree::star(50));
}

#[test]
fn stars_whose_replies_fit_the_inbox_succeed_and_larger_ones_fault() {
    // The default inbox holds 1,024 messages (docs/network.md); a node needs room for its
    // children's replies and one cast from its parent, so 1,023 children fit.
    run(&Tree::star(1000));
    run(&Tree::star(1024));
    let r = run_code(&Tree::star(1025), 1);
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0]["node"], 0);
    assert_eq!(faults[0]["kind"], "assertion");
    assert_eq!(faults[0]["message"], format!("assertion {KIDS_FIT} failed"));
    assert!(log(&r).is_empty(), "no answer is logged");
}
