//! The Termite ring through the real `aether` binary: the finishing time is computed
//! here by hand from the default cycle table, the clock period and the network's
//! all-to-all latency formula `t_send + router + ceil(bits * 1e15 / bandwidth) + latency
//! + nic_latency` (docs/network.md), with 160 header bits plus 32 bits per payload word.

use aether_tests::cosim_support;

use aether_tests::{packet_bits, serialization_fs, workspace_root};
use cosim_support::{costs, example, log, report, scenario};

/// `ring.s`: from node 0's start to its first `send` (the `.forward` path included).
const START: &[&str] = &[
    "nodeid", "jnz", "nodes", "push", "mul", "jmp", // node 0 computes N * LAPS
];
/// `.forward` up to the `send` instruction.
const FORWARD: &[&str] = &[
    "storei", "push", "push", "push", "nodeid", "addi", "nodes", "mod", "push", "shl", "push",
];
/// After waking in `wait`: take the token and decide (without the recv's word transfer).
const RECEIVE: &[&str] = &[
    "drop", "push", "push", "push", "recv", "drop", "loadi", "addi", "dup", "jz",
];
/// `.done` up to the `emit`.
const DONE: &[&str] = &["nodes", "push", "mul", "push"];

const LAPS: u64 = 4;

struct Ring {
    nodes: u64,
    period: u64,
    flight: u64,
}

impl Ring {
    /// Issue time of node 0's final `emit`.
    fn finish(&self) -> u64 {
        let p = self.period;
        let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
        let receive = costs(RECEIVE) + nic_word;
        let mut send = (costs(START) + costs(FORWARD)) * p;
        let hops = self.nodes * LAPS;
        let mut wake = 0;
        for hop in 1..=hops {
            let arrival = send + self.flight;
            wake = arrival.div_ceil(p) * p;
            if hop < hops {
                send = wake + (receive + costs(FORWARD)) * p;
            }
        }
        wake + (receive + costs(DONE)) * p
    }
}

#[test]
fn the_bundled_ring_finishes_at_the_hand_computed_time() {
    // 8 nodes at 1 GHz; default links: 10 Gbit/s, 10 ns, no router or NIC latency.
    let ring = Ring {
        nodes: 8,
        period: 1_000_000,
        flight: serialization_fs(packet_bits(1), 10_000_000_000) + 10_000_000,
    };
    let r = report(
        &workspace_root().join("programs/examples/ring/ring.toml"),
        &[],
        0,
    );
    let finish = ring.finish();
    assert_eq!(log(&r), vec![(0, finish, 100, vec![8 * LAPS])]);
    // emit (4) and halt (1) follow; the run ends when node 0 halts.
    assert_eq!(
        r["time_fs"].as_u64(),
        Some(finish + costs(&["emit", "halt"]) * ring.period)
    );
    assert_eq!(r["nodes"][0]["state"], "halted");
}

#[test]
fn a_slow_ring_on_slow_links_finishes_at_the_hand_computed_time() {
    // 300 MHz: period round(1e15 / 3e8) = 3,333,333 fs, which does not divide the
    // flight time, so every wake-up rounds up to the next clock edge.
    let text = format!(
        r#"
[programs.ring]
sources = ["{}"]

[[nodes]]
count = 5
program = "ring"
entry = "ring"
clock = "300 MHz"

[network]
nic_latency = "3 ns"

[network.link]
bandwidth = "1 Gbit/s"
latency = "7 ns"
router = "2 ns"
"#,
        example("ring/ring.s")
    );
    let (_dir, path) = scenario("slow-ring.toml", &text, &[]);
    let ring = Ring {
        nodes: 5,
        period: 3_333_333,
        flight: 2_000_000 + serialization_fs(packet_bits(1), 1_000_000_000) + 7_000_000 + 3_000_000,
    };
    let r = report(&path, &[], 0);
    assert_eq!(log(&r), vec![(0, ring.finish(), 100, vec![5 * LAPS])]);
    assert_eq!(r["nodes"][3]["period_fs"].as_u64(), Some(3_333_333));
}

#[test]
fn a_ring_on_a_ring_shaped_graph_takes_one_hop_per_pass() {
    // The graph file (relative to the scenario) links each node to the next, so every
    // pass of the token crosses exactly one default link, as on the all-to-all network.
    let text = format!(
        "[programs.ring]\nsources = [\"{}\"]\n[[nodes]]\ncount = 5\nprogram = \"ring\"\nentry = \"ring\"\n\
         [network.topology]\nkind = \"graph\"\nfile = \"ring.graph\"\n",
        example("ring/ring.s")
    );
    let graph = "# five nodes in a cycle\n0 1\n1 2\n2 3\n3 4\n4 0\n";
    let (_dir, path) = scenario("graph-ring.toml", &text, &[("ring.graph", graph)]);
    let ring = Ring {
        nodes: 5,
        period: 1_000_000,
        flight: serialization_fs(packet_bits(1), 10_000_000_000) + 10_000_000,
    };
    let r = report(&path, &[], 0);
    assert_eq!(log(&r), vec![(0, ring.finish(), 100, vec![5 * LAPS])]);
}
