//! Tree size and depth by convergecast (`programs/examples/tree-cast`, the paper's
//! Figure 8) on trees generated here, through the real `aether` binary: the root's answers
//! equal the size and depth computed on the host, and the message report counts one cast
//! and one reply per tree edge and per cast, on random trees, stars of up to 5,000 nodes
//! and paths of up to 5,000 nodes, in the default inbox and memory.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};
use fw_support::{Gen, lib_dir};

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

    /// The `tree-data.s` text (the largest number of children, at least 1 so that
    /// `kids` has room) and the `tree.nodes` per-node data (docs/scenario.md): each
    /// node's number of children and their ids.
    fn data_files(&self) -> (String, String) {
        let n = self.parent.len();
        let mut kids = vec![Vec::new(); n];
        for c in 1..n {
            kids[self.parent[c]].push(c);
        }
        let most = kids.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let mut nodes = String::new();
        for (v, list) in kids.iter().enumerate() {
            nodes += &format!("{v} nkids: {}\n", list.len());
            if !list.is_empty() {
                let ids: String = list.iter().map(|c| format!(" {c}")).collect();
                nodes += &format!("{v} kids:{ids}\n");
            }
        }
        (format!(".const TREE_MAXKIDS = {most}\n"), nodes)
    }
}

/// Runs tree.s on `tree` with extra scenario tables and returns the report.
fn run_with(tree: &Tree, extra: &str) -> serde_json::Value {
    let (_dir, path) = write(tree, extra);
    report(&path, &[], 0)
}

/// Writes a scenario running tree.s on `tree` with extra scenario tables: its folder
/// (kept while the handle lives) and path.
fn write(tree: &Tree, extra: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let n = tree.size();
    let text = format!(
        r#"
node_data = ["tree.nodes"]

[programs.tree]
sources = ["{src}", "tree-data.s"]
lib = ["{lib}"]

[[nodes]]
count = {n}
program = "tree"

{extra}"#,
        src = example("tree-cast/tree.s"),
        lib = lib_dir(),
    );
    let (consts, nodes) = tree.data_files();
    scenario(
        "tree.toml",
        &text,
        &[("tree-data.s", &consts), ("tree.nodes", &nodes)],
    )
}

fn run(tree: &Tree) {
    check(tree, "");
}

/// Runs tree.s on `tree` (with extra scenario tables): the root logs the host's size
/// and depth once each, one cast and one reply per edge and cast, no fault.
fn check(tree: &Tree, extra: &str) {
    let n = tree.size();
    let r = run_with(tree, extra);
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

/// tree.s: casts a node has out at once, so its inbox holds at most WINDOW replies and
/// one cast from its parent.
const WINDOW: u64 = 16;

#[test]
fn stars_of_1000_and_5000_nodes_in_the_default_inbox_and_memory() {
    // Unpaced, the root of a 1,000-node star met 999 replies at once and its 1,024-message
    // inbox (docs/network.md) returned some; 5,000 nodes did not fit the memory at all.
    for n in [1000, 1024, 1025, 5000] {
        run(&Tree::star(n));
    }
}

#[test]
fn paced_casts_fit_an_inbox_of_window_plus_one() {
    // An inbox of WINDOW + 1 messages holds every reply the root has out and a cast: a
    // 1,000-node star still answers, so no reply was returned for want of room.
    let inbox = format!("[network]\ninbox_capacity = {}\n", WINDOW + 1);
    check(&Tree::star(1000), &inbox);
    check(&Tree::random(300, 4), &inbox);
}

/// tree.s: the assertion code of a node whose answer came back for want of room.
const REPLY_LOST: u64 = 1;

#[test]
fn an_inbox_smaller_than_the_window_faults_rather_than_answer_nothing() {
    // With room for 8 messages the root's inbox returns some of the 16 replies it has
    // out; each comes back to its sender, which faults: exit 1, no answer logged.
    let (_dir, path) = write(&Tree::star(100), "[network]\ninbox_capacity = 8\n");
    let r = report(&path, &[], 1);
    let faults = r["faults"].as_array().expect("faults");
    assert!(!faults.is_empty());
    for f in faults {
        assert_ne!(f["node"], 0, "the leaves fault, not the root");
        assert_eq!(f["message"], format!("assertion {REPLY_LOST} failed"));
    }
    assert!(log(&r).is_empty(), "no answer is logged");
}

#[test]
fn long_paths_and_a_large_random_tree() {
    run(&Tree::path(2000));
    run(&Tree::path(5000));
    run(&Tree::random(5000, 5));
}

#[test]
fn children_that_do_not_fit_the_memory_are_a_scenario_error() {
    // In 1,024 words, a 1,100-node star's 1,099 children have no room: exit 2 and a
    // message, never a run that ends without an answer.
    let (_dir, path) = write(&Tree::star(1100), "[defaults]\nmemory = 1024\n");
    let out = cosim_support::aether(&["run", path.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("memory"), "{stderr}");
}
