//! Termite's ping-pong and ring benchmarks (`programs/examples/pingpong-bench`) through the
//! real `aether` binary: the time of a trip, for messages of 0, 10, 100 and 1000 words,
//! equals the sum of docs/network.md's delivery formula for every leg (rounded up to the
//! receiver's next clock edge, docs/scenario.md) and the cycles of the instructions `bench.s`
//! runs between a wake-up and its next `send`, priced by the default timing profile with
//! `nic.word` cycles per payload word moved.

mod cosim_support;
mod fw_support;

use aether_tests::workspace_root;
use cosim_support::{costs, log, report};

/// `bench.s`: message sizes, trips per size, the log tag.
const SIZES: [u64; 4] = [0, 10, 100, 1000];
const ROUNDS: u64 = 8;
const TAG_TRIPS: u64 = 1;

/// `pingpong.toml` and `ring.toml`: 1 GHz nodes (1 ns = 1,000,000 fs periods), links of
/// 3 Gbit/s, 10 ns latency and 1 ns router time, 2 ns NIC latency.
const PERIOD_FS: u64 = 1_000_000;
const BANDWIDTH: u128 = 3_000_000_000;
const LATENCY_FS: u64 = 10_000_000;
const ROUTER_FS: u64 = 1_000_000;
const NIC_LATENCY_FS: u64 = 2_000_000;
/// The default packet header (docs/network.md): 160 bits.
const HEADER_BITS: u64 = 160;

/// One leg over an all-to-all link with no contention: `R + S + L + nic_latency`, from the
/// sender's `send` edge to the receiver's first clock edge at or after the delivery.
fn leg_fs(words: u64) -> u64 {
    let bits = u128::from(HEADER_BITS + 32 * words);
    let serialization =
        u64::try_from((bits * 1_000_000_000_000_000).div_ceil(BANDWIDTH)).expect("fits in u64");
    (ROUTER_FS + serialization + LATENCY_FS + NIC_LATENCY_FS).next_multiple_of(PERIOD_FS)
}

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
        "push", "loadi", "push", "loadi", "push",
    ]) + words * nic_word
}

/// One trip of the token round `nodes` nodes (2: a ping-pong round trip), in fs.
fn trip_fs(nodes: u64, words: u64) -> u64 {
    nodes * leg_fs(words) + ((nodes - 1) * relay_cycles(words) + ping_cycles(words)) * PERIOD_FS
}

/// Runs an example scenario and checks every size's time and the message report.
fn check(scenario: &str, nodes: u64) -> Vec<(u64, u64)> {
    let r = report(
        &workspace_root()
            .join("programs/examples/pingpong-bench")
            .join(scenario),
        &[],
        0,
    );
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
            setup_fs + ROUNDS * trip_fs(nodes, size),
            "{scenario}: {size} words"
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
    records
}

#[test]
fn a_ping_pong_round_trip_costs_two_legs_and_the_counted_instructions() {
    check("pingpong.toml", 2);
}

#[test]
fn a_ring_trip_costs_eight_legs_and_the_counted_instructions() {
    check("ring.toml", 8);
}

#[test]
fn the_formula_by_hand_for_an_empty_message() {
    // 160 bits at 3 Gbit/s: ceil(53,333,333.3) fs; with 1 + 10 + 2 ns the leg ends at
    // 66.33 ns, so the receiver runs from the 67 ns edge. relay: 17 cycles, ping: 27.
    assert_eq!(leg_fs(0), 67 * PERIOD_FS);
    assert_eq!(relay_cycles(0), 17);
    assert_eq!(ping_cycles(0), 27);
    assert_eq!(trip_fs(2, 0), (2 * 67 + 17 + 27) * PERIOD_FS);
}
