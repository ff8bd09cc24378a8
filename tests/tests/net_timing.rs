//! Exact timing of packets over mesh hops through the real `aether` binary and firmware
//! (`programs/examples/net-latency`). The expected femtoseconds come from docs/network.md
//! ("Links and timing": ready, start, end, arrival and tail of every hop, FIFO links)
//! and the instruction costs of docs/isa.md (default profile), not from a run.

use aether_tests::cosim_support;

use aether_tests::{HEADER_BITS, packet_bits, serialization_fs, workspace_root};
use cosim_support::{cost, costs, example, log, report, scenario};

const LEN: u64 = 4;
const PACKETS: usize = 2;
const ARRIVED: u64 = 40;

/// latency.s, sender: up to the first `send`, and from one `send` to the next.
const SENDER_START: &[&str] = &[
    "nodes", "addi", "push", "shl", "storei", "push", "push", "push", "push", "loadi", "push",
];
const SENDER_NEXT: &[&str] = &[
    "addi", "dup", "jnz", "push", "push", "push", "loadi", "push",
];
/// latency.s, receiver: before `wait`, after it up to `recv`, after `recv` up to `emit`,
/// and from `emit` back to `wait`.
const RX_START: &[&str] = &["push"];
const RX_TAKE: &[&str] = &["drop", "push", "push", "push"];
const RX_EMIT: &[&str] = &["push"];
const RX_AGAIN: &[&str] = &["emit", "jmp", "push"];

/// Link and node parameters of one run.
struct Params {
    period: u64,
    hops: usize,
    bandwidth: u64,
    latency: u64,
    router: u64,
    nic_latency: u64,
    cut_through: bool,
    /// Bandwidth of the NIC ports, when they are modelled.
    nic_bandwidth: Option<u64>,
}

/// One FIFO stage of a route: a link, or a NIC port (no latency, no router time).
struct Stage {
    serialization: u64,
    header: u64,
    latency: u64,
    router: u64,
    free: u64,
}

impl Stage {
    fn new(bandwidth: u64, latency: u64, router: u64) -> Stage {
        Stage {
            serialization: serialization_fs(packet_bits(LEN), bandwidth),
            header: serialization_fs(HEADER_BITS, bandwidth),
            latency,
            router,
            free: 0,
        }
    }
}

/// Per packet: (delivery time, queueing delay on the first link), by the documented
/// formulas: `start = max(ready, free)`; store-and-forward `end = start + S`,
/// `arrival = end + L`; cut-through `end = max(start + S, tail)`, `arrival = start + H + L`;
/// `tail = end + L`; `ready = arrival + R` of the next link; delivered at the last
/// stage's tail plus the NIC latency.
fn network_model(p: &Params, sends: &[u64]) -> Vec<(u64, u64)> {
    let port = |w: u64| Stage::new(w, 0, 0);
    let mut stages: Vec<Stage> = p.nic_bandwidth.map(port).into_iter().collect();
    let first_link = stages.len();
    stages.extend((0..p.hops).map(|_| Stage::new(p.bandwidth, p.latency, p.router)));
    stages.extend(p.nic_bandwidth.map(port));
    sends
        .iter()
        .map(|&t_send| {
            let (mut head, mut tail) = (t_send, t_send);
            let mut first_delay = 0;
            for (i, stage) in stages.iter_mut().enumerate() {
                let ready = head + stage.router;
                let start = ready.max(stage.free);
                if i == first_link {
                    first_delay = start - ready;
                }
                let end = if p.cut_through {
                    (start + stage.serialization).max(tail)
                } else {
                    start + stage.serialization
                };
                head = if p.cut_through {
                    start + stage.header + stage.latency
                } else {
                    end + stage.latency
                };
                tail = end + stage.latency;
                stage.free = end;
            }
            (tail + p.nic_latency, first_delay)
        })
        .collect()
}

/// Issue times of the receiver's `emit` for messages delivered at `deliveries`.
fn receiver_model(p: &Params, deliveries: &[u64]) -> Vec<u64> {
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
    let mut wait_issue = costs(RX_START);
    deliveries
        .iter()
        .map(|&d| {
            // A `wait` that finds nothing blocks after its own cost and resumes at the
            // first edge at or after the delivery; one that finds the message goes on.
            let resume = d.div_ceil(p.period).max(wait_issue + cost("wait"));
            let emit = resume + costs(RX_TAKE) + cost("recv") + LEN * nic_word + costs(RX_EMIT);
            wait_issue = emit + costs(RX_AGAIN);
            emit * p.period
        })
        .collect()
}

fn sends(p: &Params) -> Vec<u64> {
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
    let first = costs(SENDER_START);
    let step = cost("send") + LEN * nic_word + costs(SENDER_NEXT);
    (0..PACKETS as u64)
        .map(|i| (first + i * step) * p.period)
        .collect()
}

fn check(r: &serde_json::Value, p: &Params) {
    let net = network_model(p, &sends(p));
    let deliveries: Vec<u64> = net.iter().map(|n| n.0).collect();
    let want: Vec<(u64, u64, u64, Vec<u64>)> = receiver_model(p, &deliveries)
        .into_iter()
        .map(|t| (11, t, ARRIVED, vec![LEN]))
        .collect();
    assert_eq!(log(r), want);
    // The second packet waited for the first on the first link, and nowhere else.
    assert!(net[1].1 > 0);
    let links = r["network"]["links"].as_array().expect("links");
    assert_eq!(links.len(), p.hops);
    let end = r["time_fs"].as_u64().expect("time") as f64;
    assert_eq!(r["network"]["time"].as_u64(), r["time_fs"].as_u64());
    for l in links {
        assert_eq!(l["packets"].as_u64(), Some(PACKETS as u64));
        // Utilization is busy time over the whole run.
        let busy = l["busy"].as_u64().expect("busy") as f64;
        let utilization = l["utilization"].as_f64().expect("utilization");
        assert!(
            (utilization - busy / end).abs() < 1e-12,
            "{utilization} vs {busy} / {end}"
        );
        let delay = if l["from"].as_u64() == Some(0) {
            net[1].1
        } else {
            0
        };
        assert_eq!(l["queue_delay_max"].as_u64(), Some(delay), "link {l}");
    }
    let route: Vec<(u64, u64)> = links
        .iter()
        .map(|l| (l["from"].as_u64().unwrap(), l["to"].as_u64().unwrap()))
        .collect();
    for hop in [(0, 1), (1, 2), (2, 3), (3, 7), (7, 11)] {
        assert!(
            route.contains(&hop),
            "dimension order takes {hop:?}: {route:?}"
        );
    }
}

fn bundled() -> Params {
    Params {
        period: 3_333_333,
        hops: 3 + 2,
        bandwidth: 1_000_000_000,
        latency: 20_000_000,
        router: 5_000_000,
        nic_latency: 3_000_000,
        cut_through: false,
        nic_bandwidth: None,
    }
}

#[test]
fn store_and_forward_over_five_mesh_hops_is_exact() {
    let r = report(
        &workspace_root().join("programs/examples/net-latency/latency.toml"),
        &[],
        0,
    );
    check(&r, &bundled());
}

/// The bundled scenario with textual replacements, run through `aether`.
fn variant(replacements: &[(&str, &str)]) -> serde_json::Value {
    let mut text = std::fs::read_to_string(
        workspace_root().join("programs/examples/net-latency/latency.toml"),
    )
    .expect("latency.toml");
    let source = format!("\"{}\"", example("net-latency/latency.s"));
    for (from, to) in replacements
        .iter()
        .chain(&[("\"latency.s\"", source.as_str())])
    {
        assert!(text.contains(from), "latency.toml has {from}");
        text = text.replace(from, to);
    }
    let (_dir, path) = scenario("variant.toml", &text, &[]);
    report(&path, &[], 0)
}

#[test]
fn cut_through_over_five_mesh_hops_is_exact() {
    let r = variant(&[("\"store-and-forward\"", "\"cut-through\"")]);
    let params = Params {
        cut_through: true,
        ..bundled()
    };
    check(&r, &params);
}

#[test]
fn a_fast_clock_and_a_fast_link_are_exact_too() {
    let r = variant(&[
        ("\"300 MHz\"", "\"1 GHz\""),
        ("\"1 Gbit/s\"", "\"10 Gbit/s\""),
    ]);
    let params = Params {
        period: 1_000_000,
        bandwidth: 10_000_000_000,
        ..bundled()
    };
    check(&r, &params);
}

#[test]
fn nic_ports_add_their_own_fifo_stages_in_both_modes() {
    for (mode, cut_through) in [("\"store-and-forward\"", false), ("\"cut-through\"", true)] {
        let r = variant(&[
            ("\"store-and-forward\"", mode),
            (
                "nic_latency = \"3 ns\"",
                "nic_latency = \"3 ns\"\nnic_bandwidth = \"2 Gbit/s\"",
            ),
        ]);
        let params = Params {
            cut_through,
            nic_bandwidth: Some(2_000_000_000),
            ..bundled()
        };
        check(&r, &params);
    }
}
