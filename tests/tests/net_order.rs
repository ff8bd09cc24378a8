//! Per-(source, destination) ordering under contention, through the real `aether`
//! binary and firmware (`programs/examples/net-order`): 15 senders on a 4x4 mesh send
//! 40 numbered messages each to node 0, which checks every source's sequence.

use aether_tests::cosim_support;

use aether_tests::workspace_root;
use cosim_support::{example, log, report, scenario};

const SENDERS: u64 = 15;
const COUNT: u64 = 40;
const RESULT: u64 = 20;
/// 160 header bits and one payload word.
const BITS: u64 = 160 + 32;

/// The collector's result record: (received, out of order, missing).
fn result(r: &serde_json::Value) -> Vec<u64> {
    let records: Vec<_> = log(r).into_iter().filter(|l| l.2 == RESULT).collect();
    assert_eq!(records.len(), 1, "one RESULT record: {records:?}");
    assert_eq!(records[0].0, 0, "emitted by the collector");
    records[0].3.clone()
}

#[test]
fn fifteen_senders_on_a_mesh_arrive_in_order_per_source() {
    let r = report(
        &workspace_root().join("programs/examples/net-order/order.toml"),
        &[],
        0,
    );
    assert_eq!(result(&r), vec![SENDERS * COUNT, 0, 0]);
    let net = &r["network"];
    assert_eq!(net["nodes"][0]["received"].as_u64(), Some(SENDERS * COUNT));
    // Dimension-order routes from (x, y) to (0, 0) take x + y hops; over the 4x4 grid
    // the hop counts add up to 2 * 4 * (0 + 1 + 2 + 3) = 48.
    let links = net["links"].as_array().expect("links");
    let crossings: u64 = links.iter().map(|l| l["packets"].as_u64().unwrap()).sum();
    assert_eq!(crossings, 48 * COUNT);
    for l in links {
        let packets = l["packets"].as_u64().unwrap();
        assert_eq!(l["bits"].as_u64(), Some(packets * BITS));
        assert_eq!(l["to"].as_u64().map(|t| t < 16), Some(true));
    }
    // Everything enters node 0 over the links from node 1 (row 0) and node 4 (column 0):
    // 3 * 40 packets from the rest of row 0, 12 * 40 from the other rows.
    let into = |from: u64| {
        links
            .iter()
            .find(|l| l["from"].as_u64() == Some(from) && l["to"].as_u64() == Some(0))
            .expect("a link into node 0")
    };
    assert_eq!(into(1)["packets"].as_u64(), Some(3 * COUNT));
    assert_eq!(into(4)["packets"].as_u64(), Some(12 * COUNT));
    // Contention: packets waited for the busiest link.
    assert!(into(4)["queue_delay_max"].as_u64().unwrap() > 0);
    assert!(into(4)["queue_delay_mean"].as_f64().unwrap() > 0.0);
}

#[test]
fn jitter_delays_packets_but_keeps_them_in_order() {
    let run = |jitter: &str| {
        let text = format!(
            "[programs.order]\nsources = [\"{}\"]\n[defaults]\nprogram = \"order\"\n\
             [[nodes]]\nid = 0\nentry = \"collector\"\n[[nodes]]\ncount = 8\nentry = \"sender\"\n\
             [network.topology]\nkind = \"torus\"\nwidth = 3\nheight = 3\n\
             [network.link]\nbandwidth = \"2 Gbit/s\"\nlatency = \"10 ns\"\njitter = \"{jitter}\"\n",
            example("net-order/order.s")
        );
        let (_dir, path) = scenario("jitter.toml", &text, &[]);
        let r = report(&path, &[], 0);
        assert_eq!(result(&r), vec![8 * COUNT, 0, 0], "jitter {jitter}");
        assert_eq!(r["network"]["drops"]["lost"].as_u64(), Some(0));
        let collector = &r["network"]["nodes"][0];
        (
            collector["latency_mean"].as_f64().expect("mean latency"),
            collector["latency_max"].as_u64().expect("max latency"),
        )
    };
    let (calm_mean, calm_max) = run("0 ns");
    let (mean, max) = run("300 ns");
    // Every route has one or two hops and each hop draws 0..=300 ns, 150 ns on average;
    // queueing absorbs part of it, but the mean delivery must rise by 100 ns at least.
    assert!(
        mean >= calm_mean + 100e6,
        "mean {mean} fs against {calm_mean} fs"
    );
    assert!(max > calm_max, "max {max} fs against {calm_max} fs");
}

#[test]
fn every_topology_and_switching_mode_keeps_each_source_in_order() {
    let networks = [
        "[network.topology]\nkind = \"quadtree\"\nwidth = 4\nheight = 4\n",
        "[network.topology]\nkind = \"tree\"\narity = 4\nswitches = true\n",
        "[network.topology]\nkind = \"tree\"\narity = 2\n",
        "[network]\nswitching = \"cut-through\"\n[network.topology]\nkind = \"torus\"\nwidth = 4\nheight = 4\n",
        "[network]\nnic_bandwidth = \"5 Gbit/s\"\ntx_queue = 1\n",
    ];
    for network in networks {
        let text = format!(
            "[programs.order]\nsources = [\"{}\"]\n[defaults]\nprogram = \"order\"\n\
             [[nodes]]\nid = 0\nentry = \"collector\"\n[[nodes]]\ncount = 15\nentry = \"sender\"\n\
             {network}[network.link]\nbandwidth = \"1 Gbit/s\"\n",
            example("net-order/order.s")
        );
        let (_dir, path) = scenario("topology.toml", &text, &[]);
        let r = report(&path, &[], 0);
        assert_eq!(result(&r), vec![SENDERS * COUNT, 0, 0], "{network}");
    }
}
