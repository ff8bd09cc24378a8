//! Flooding with echo on meshes (`programs/examples/flood`) through the real `aether`
//! binary: every node is reached exactly once, from a grid neighbour, the first-reach
//! edges form a tree rooted at node 0, the root counts every node, and the message report
//! shows the echo algorithm's exact message counts, computed here from the grid's edges.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use cosim_support::{example, log, report, scenario};

/// `flood.s`: log tags and the FLOOD message type; `cast.s`: CAST_REPLY = 0x7FFF01.
const TAG_REACHED: u64 = 1;
const TAG_COUNT: u64 = 2;
const FLOOD: &str = "FLOOD";
const CAST_REPLY: &str = "CAST_REPLY";

fn neighbours(w: u64, h: u64, v: u64) -> Vec<u64> {
    let (x, y) = (v % w, v / w);
    let mut out = Vec::new();
    if x > 0 {
        out.push(v - 1);
    }
    if x + 1 < w {
        out.push(v + 1);
    }
    if y > 0 {
        out.push(v - w);
    }
    if y + 1 < h {
        out.push(v + w);
    }
    out
}

fn flood(w: u64, h: u64, drop: f64) -> serde_json::Value {
    let n = w * h;
    let faults = if drop > 0.0 {
        format!("[network.link]\ndrop = {drop}\n")
    } else {
        String::new()
    };
    let text = format!(
        r#"
[programs.flood]
sources = ["{src}", "mesh-size.s"]
lib = ["{lib}"]

[[grids]]
width = {w}
height = {h}
program = "flood"

[network.topology]
kind = "mesh"
width = {w}
height = {h}
{faults}"#,
        src = example("flood/flood.s"),
        lib = fw_support::lib_dir(),
    );
    let size = format!(".const MESH_W = {w}\n");
    let (_dir, path) = scenario("flood.toml", &text, &[("mesh-size.s", &size)]);
    let r = report(&path, &[], 0);
    assert_eq!(r["nodes"].as_array().expect("nodes").len() as u64, n);
    r
}

fn check(w: u64, h: u64) {
    let n = w * h;
    let r = flood(w, h, 0.0);
    let mut parent = vec![None; n as usize];
    let mut count = Vec::new();
    for (node, _, tag, values) in log(&r) {
        match tag {
            TAG_REACHED => {
                assert!(parent[node as usize].is_none(), "node {node} reached twice");
                assert!(neighbours(w, h, node).contains(&values[0]));
                parent[node as usize] = Some(values[0]);
            }
            TAG_COUNT => {
                assert_eq!(node, 0);
                count.push(values[0]);
            }
            other => panic!("unexpected tag {other}"),
        }
    }
    assert_eq!(count, vec![n], "{w}x{h}: the root counts every node");
    for v in 1..n {
        let mut u = v;
        for _ in 0..n {
            if u == 0 {
                break;
            }
            u = parent[u as usize].unwrap_or_else(|| panic!("node {u} never reached"));
        }
        assert_eq!(u, 0, "node {v}'s first-reach chain ends at the root");
    }
    let edges = (0..n)
        .map(|v| neighbours(w, h, v).len() as u64)
        .sum::<u64>()
        / 2;
    let casts = 2 * edges - (n - 1);
    let sent = |t: &str| fw_support::count(&r, t, "sent");
    assert_eq!(sent(FLOOD), casts, "{w}x{h}: FLOOD messages");
    assert_eq!(sent(CAST_REPLY), casts, "{w}x{h}: answers");
}

#[test]
fn meshes_of_1_16_64_and_128_nodes() {
    check(1, 1);
    check(4, 4);
    check(8, 8);
    check(16, 8);
}

#[test]
fn a_line_is_a_one_row_mesh() {
    check(12, 1);
}

#[test]
fn with_lost_packets_the_flood_does_not_claim_to_finish() {
    // The echo algorithm has no retransmission (docs/firmware.md): with drops the root may
    // never count, but no node is reached twice and nothing faults.
    // A node answers its parent only once every neighbour it flooded has answered, so one
    // lost FLOOD or answer keeps its whole chain of ancestors, the root included, waiting.
    let r = flood(8, 8, 0.2);
    let mut reached = vec![0; 64];
    let mut counts = Vec::new();
    for (node, _, tag, values) in log(&r) {
        match tag {
            TAG_REACHED => reached[node as usize] += 1,
            TAG_COUNT => counts.push((node, values[0])),
            other => panic!("unexpected tag {other}"),
        }
    }
    assert!(reached.iter().all(|&k| k <= 1));
    assert!(r["network"]["drops"]["lost"].as_u64().expect("lost") > 0);
    assert_eq!(
        counts,
        vec![],
        "the root claims a count despite lost packets"
    );
    assert_eq!(r["faults"].as_array().map(Vec::len), Some(0));
}
