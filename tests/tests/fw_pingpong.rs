//! Termite's ping-pong and ring benchmarks (`programs/examples/pingpong-bench`) through the
//! real `aether` binary: the time of a trip, for messages of 0, 10, 100 and 1000 words,
//! equals the sum of docs/network.md's delivery formula for every leg (rounded up to the
//! receiver's next clock edge, docs/scenario.md) and the cycles of the instructions `bench.s`
//! runs between a wake-up and its next `send`, priced by the default timing profile with
//! `nic.word` cycles per payload word moved. Also with NIC ports, store-and-forward and
//! cut-through.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use std::path::{Path, PathBuf};

use aether_tests::{HEADER_BITS, packet_bits, serialization_fs, workspace_root};
use cosim_support::{costs, example, log, report, scenario};

/// `bench.s`: message sizes, trips per size, the log tag.
const SIZES: [u64; 4] = [0, 10, 100, 1000];
const ROUNDS: u64 = 8;
const TAG_TRIPS: u64 = 1;

/// `pingpong.toml` and `ring.toml`: 1 GHz nodes (1 ns = 1,000,000 fs periods), links of
/// 3 Gbit/s, 10 ns latency and 1 ns router time, 2 ns NIC latency.
const PERIOD_FS: u64 = 1_000_000;
const BANDWIDTH: u64 = 3_000_000_000;
const LATENCY_FS: u64 = 10_000_000;
const ROUTER_FS: u64 = 1_000_000;
const NIC_LATENCY_FS: u64 = 2_000_000;

/// NIC ports (docs/network.md, `nic_bandwidth`) and the switching mode.
#[derive(Clone, Copy)]
struct Ports {
    bandwidth: u64,
    cut_through: bool,
}

/// One leg over an all-to-all link with no contention, from the sender's `send` edge to
/// the receiver's first clock edge at or after the delivery. Without ports both switching
/// modes give `R + S + L + nic_latency`; store-and-forward ports add `2 × S_nic`; with
/// cut-through ports the header leads: the link starts after `H_nic + R`, the input port
/// after `H + L` more, and each stage ends no sooner than the tail reaches it.
fn leg_fs(words: u64, ports: Option<Ports>) -> u64 {
    delivery_fs(words, ports).next_multiple_of(PERIOD_FS)
}

/// From a `send` to the delivery, in fs (docs/network.md), one all-to-all hop.
fn delivery_fs(words: u64, ports: Option<Ports>) -> u64 {
    let bits = packet_bits(words);
    let s = serialization_fs(bits, BANDWIDTH);
    let delivered = match ports {
        None => ROUTER_FS + s + LATENCY_FS,
        Some(p) if !p.cut_through => {
            2 * serialization_fs(bits, p.bandwidth) + ROUTER_FS + s + LATENCY_FS
        }
        Some(p) => {
            let s_nic = serialization_fs(bits, p.bandwidth);
            let h_nic = serialization_fs(HEADER_BITS, p.bandwidth);
            let h = serialization_fs(HEADER_BITS, BANDWIDTH);
            let link_start = h_nic + ROUTER_FS;
            let link_tail = (link_start + s).max(s_nic) + LATENCY_FS;
            let port_start = link_start + h + LATENCY_FS;
            (port_start + s_nic).max(link_tail)
        }
    };
    delivered + NIC_LATENCY_FS
}

/// `ping`'s instructions from the trip's top to its `send`.
const PING_BEFORE_SEND: [&str; 5] = ["push", "loadi", "push", "loadi", "push"];

/// Cycles from a wake-up to the `send` that passes the token on, for `words` payload words.
/// `relay`: from `drop` (after `wait`) to `send`; `ping`: from `drop` to the next trip's
/// `send`, through the loop's count-down.
fn relay_cycles(words: u64) -> u64 {
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
    costs(&[
        "drop", "push", "push", "push", "push", "recv", "push", "loadi", "push",
    ]) + words * nic_word
}
fn ping_cycles(words: u64) -> u64 {
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
    costs(&[
        "drop", "push", "push", "push", "recv", "drop", "loadi", "addi", "dup", "storei", "jnz",
    ]) + costs(&PING_BEFORE_SEND)
        + words * nic_word
}

/// One trip of the token round `nodes` nodes (2: a ping-pong round trip), in fs.
fn trip_fs(nodes: u64, words: u64, ports: Option<Ports>) -> u64 {
    nodes * leg_fs(words, ports)
        + ((nodes - 1) * relay_cycles(words) + ping_cycles(words)) * PERIOD_FS
}

/// Runs a scenario of `bench.s` on `nodes` nodes and checks every size's time and the
/// message report.
fn check(scenario: &Path, nodes: u64, ports: Option<Ports>) {
    let r = report(scenario, &[], 0);
    let records: Vec<(u64, u64)> = log(&r)
        .into_iter()
        .filter(|(node, _, tag, _)| *node == 0 && *tag == TAG_TRIPS)
        .map(|(_, _, _, v)| (v[0], v[1]))
        .collect();
    assert_eq!(records.iter().map(|x| x.0).collect::<Vec<_>>(), SIZES);
    // `now; storei t0` run once before the first trip; the closing `now` issues where
    // the next trip's first instruction would.
    let setup_fs = costs(&["now", "storei"]) * PERIOD_FS;
    for &(size, ns) in &records {
        assert_eq!(
            ns * 1_000_000,
            setup_fs + ROUNDS * trip_fs(nodes, size, ports),
            "{}: {size} words",
            scenario.display()
        );
    }
    let legs = ROUNDS * nodes * SIZES.len() as u64;
    assert_eq!(fw_support::count(&r, "TOKEN", "sent"), legs);
    assert_eq!(fw_support::count(&r, "TOKEN", "delivered"), legs);
    let bits: u64 = SIZES
        .iter()
        .map(|s| ROUNDS * nodes * (HEADER_BITS + 32 * s))
        .sum();
    assert_eq!(fw_support::count(&r, "TOKEN", "bits"), bits);
    assert!(r["faults"].as_array().expect("faults").is_empty());
}

/// One of the example's scenarios.
fn bundled(name: &str) -> PathBuf {
    workspace_root()
        .join("programs/examples/pingpong-bench")
        .join(name)
}

#[test]
fn a_ping_pong_round_trip_costs_two_legs_and_the_counted_instructions() {
    check(&bundled("pingpong.toml"), 2, None);
}

#[test]
fn a_ring_trip_costs_eight_legs_and_the_counted_instructions() {
    check(&bundled("ring.toml"), 8, None);
}

#[test]
fn the_formulas_by_hand() {
    // 160 bits at 3 Gbit/s: ceil(53,333,333.3) fs; with 1 + 10 + 2 ns the leg ends at
    // 66.33 ns, so the receiver runs from the 67 ns edge. relay: 17 cycles, ping: 27.
    assert_eq!(leg_fs(0, None), 67 * PERIOD_FS);
    assert_eq!(relay_cycles(0), 17);
    assert_eq!(ping_cycles(0), 27);
    assert_eq!(trip_fs(2, 0, None), (2 * 67 + 17 + 27) * PERIOD_FS);
    // 10 words (480 bits) with 4 Gbit/s ports: 120 ns per port, 160 ns on the link.
    // Store-and-forward: 120 + 1 + 160 + 10 + 120 + 2 = 413 ns. Cut-through: the header
    // leaves the port at 40 ns, the link starts at 41 ns; the input port ends at
    // max(41 + 53.33 + 10 + 120, 41 + 160 + 10) = 224.33 ns, delivery at 226.33 ns.
    let ports = |cut_through| {
        Some(Ports {
            bandwidth: 4_000_000_000,
            cut_through,
        })
    };
    assert_eq!(leg_fs(10, ports(false)), 413 * PERIOD_FS);
    assert_eq!(leg_fs(10, ports(true)), 227 * PERIOD_FS);
}

#[test]
fn nic_ports_in_both_switching_modes() {
    // pingpong.toml with NIC ports of 4 Gbit/s.
    let bundled_text = std::fs::read_to_string(bundled("pingpong.toml")).expect("pingpong.toml");
    for (switching, cut_through) in [("store-and-forward", false), ("cut-through", true)] {
        let text = bundled_text
            .replace(
                "sources = [\"bench.s\"]",
                &format!("sources = [\"{}\"]", example("pingpong-bench/bench.s")),
            )
            .replace(
                "[network]\n",
                &format!("[network]\nswitching = \"{switching}\"\nnic_bandwidth = \"4 Gbit/s\"\n"),
            );
        assert!(text.contains("nic_bandwidth") && text.contains("pingpong-bench/bench.s"));
        let (_dir, path) = scenario("ports.toml", &text, &[]);
        let ports = Ports {
            bandwidth: 4_000_000_000,
            cut_through,
        };
        check(&path, 2, Some(ports));
    }
}

#[test]
fn single_stepping_reproduces_the_benchmarks() {
    // Run-ahead must not change anything but the engine's event count (docs/scenario.md).
    for name in ["pingpong.toml", "ring.toml"] {
        let [fast, slow] = [&[][..], &["--single-step"][..]].map(|extra| {
            let mut r = report(&bundled(name), extra, 0);
            r.as_object_mut().expect("object").remove("events");
            r
        });
        assert_eq!(fast, slow, "{name}");
    }
}

/// The closing `now` (fs) of one size's trips that began with `now` at `start_fs`, when
/// the relay's clock period is `relay_period`: a host model of the two loops in which every
/// wake-up waits for the receiver's own next clock edge (multiples of its period).
fn ping_pong_end_fs(start_fs: u64, words: u64, relay_period: u64) -> u64 {
    let leg = delivery_fs(words, None);
    let before_send = costs(&PING_BEFORE_SEND) * PERIOD_FS;
    let mut send = start_fs + costs(&["now", "storei"]) * PERIOD_FS + before_send;
    for _ in 0..ROUNDS {
        let relay_send =
            (send + leg).next_multiple_of(relay_period) + relay_cycles(words) * relay_period;
        send = (relay_send + leg).next_multiple_of(PERIOD_FS) + ping_cycles(words) * PERIOD_FS;
    }
    send - before_send
}

#[test]
fn a_slow_relay_wakes_on_its_own_clock_edges() {
    // pingpong.toml with node 1 at 300 MHz: a period of round(10^15 / 3e8) = 3,333,333 fs,
    // so its wake-ups and sends fall between node 0's edges.
    let relay_period = 3_333_333;
    let text = std::fs::read_to_string(bundled("pingpong.toml"))
        .expect("pingpong.toml")
        .replace(
            "sources = [\"bench.s\"]",
            &format!("sources = [\"{}\"]", example("pingpong-bench/bench.s")),
        )
        .replace(
            "entry = \"relay\"\nclock = \"1 GHz\"",
            "entry = \"relay\"\nclock = \"300 MHz\"",
        );
    assert!(text.contains("300 MHz"));
    let (_dir, path) = scenario("slow.toml", &text, &[]);
    let r = report(&path, &[], 0);
    let records: Vec<(u64, Vec<u64>)> = log(&r)
        .into_iter()
        .filter(|(node, _, tag, _)| *node == 0 && *tag == TAG_TRIPS)
        .map(|(_, time, _, v)| (time, v))
        .collect();
    assert_eq!(records.len(), SIZES.len());
    for (time, v) in records {
        let (size, ns) = (v[0], v[1]);
        // `emit` issues after `now; loadi t0; sub; loadi size; swap; push TAG_TRIPS`.
        let end = time - costs(&["now", "loadi", "sub", "loadi", "swap", "push"]) * PERIOD_FS;
        let start = end - ns * 1_000_000;
        assert_eq!(
            ping_pong_end_fs(start, size, relay_period),
            end,
            "{size} words"
        );
    }
}
