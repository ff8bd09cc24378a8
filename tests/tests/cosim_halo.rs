//! The halo-exchange example on a mesh through the real `aether` binary: every node's
//! final value equals a reference model of the same update rule computed here.

use aether_tests::cosim_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};

const WIDTH: usize = 4;
const ROUNDS: usize = 3;

/// `v' = v + sum of the grid neighbours' v`, from `v = id + 1`, wrapping at 32 bits.
fn reference(height: usize) -> Vec<u64> {
    let n = WIDTH * height;
    let mut v: Vec<u32> = (1..=n as u32).collect();
    for _ in 0..ROUNDS {
        v = (0..n)
            .map(|i| {
                let (x, y) = (i % WIDTH, i / WIDTH);
                let mut s = v[i];
                if x > 0 {
                    s = s.wrapping_add(v[i - 1]);
                }
                if x + 1 < WIDTH {
                    s = s.wrapping_add(v[i + 1]);
                }
                if y > 0 {
                    s = s.wrapping_add(v[i - WIDTH]);
                }
                if y + 1 < height {
                    s = s.wrapping_add(v[i + WIDTH]);
                }
                s
            })
            .collect();
    }
    v.into_iter().map(u64::from).collect()
}

fn results(r: &serde_json::Value) -> Vec<u64> {
    let mut by_node: Vec<(u64, u64)> = log(r)
        .into_iter()
        .map(|(node, _, tag, values)| {
            assert_eq!(tag, 7, "RESULT records only");
            (node, values[0])
        })
        .collect();
    by_node.sort();
    by_node.into_iter().map(|(_, v)| v).collect()
}

#[test]
fn the_bundled_halo_matches_the_reference_model() {
    let r = report(
        &workspace_root().join("programs/examples/halo/halo.toml"),
        &[],
        0,
    );
    assert_eq!(results(&r), reference(4));
    // Each round every node sends to each neighbour: 2 * (3 * 4 + 4 * 3) = 48 per round.
    assert_eq!(r["network"]["nodes"].as_array().expect("nodes").len(), 16);
    let sent = cosim_support::messages_sent(&r);
    assert_eq!(sent, 48 * ROUNDS as u64);
}

#[test]
fn a_taller_grid_on_mixed_clocks_and_slow_links_matches_too() {
    let text = format!(
        r#"
[programs.halo]
sources = ["{}"]

[[grids]]
width = 4
height = 3
program = "halo"
entry = "halo"
clock = "250 MHz"

[[grids]]
width = 4
height = 2
program = "halo"
entry = "halo"
clock = "1.5 GHz"

[network.topology]
kind = "mesh"
width = 4
height = 5

[network.link]
bandwidth = "100 Mbit/s"
latency = "40 ns"
"#,
        example("halo/halo.s")
    );
    let (_dir, path) = scenario("halo.toml", &text, &[]);
    let fast = report(&path, &[], 0);
    assert_eq!(results(&fast), reference(5));
    // The second grid (ids 12..20) runs at 1.5 GHz: period round(1e15 / 1.5e9) = 666,667 fs.
    assert_eq!(fast["nodes"][12]["clock_hz"].as_u64(), Some(1_500_000_000));
    assert_eq!(fast["nodes"][12]["period_fs"].as_u64(), Some(666_667));
    assert_eq!(fast["nodes"][11]["period_fs"].as_u64(), Some(4_000_000));
    let mut slow = report(&path, &["--single-step"], 0);
    let mut fast = fast;
    fast.as_object_mut().expect("object").remove("events");
    slow.as_object_mut().expect("object").remove("events");
    assert_eq!(fast, slow);
}
