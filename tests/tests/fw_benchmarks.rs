//! Termite's ping-pong and ring benchmarks (`programs/examples/benchmarks`) through the real
//! `aether` binary, message sizes 0 to 1000 words. The links carry 32 Gbit/s, so a payload
//! word adds exactly 1 ns of serialization (docs/network.md: `ceil(bits * 1e15 /
//! bandwidth)`), and at 1 GHz `recv` adds `nic.word` cycles = 1 ns per word moved. A `send`
//! acts on the network when it issues (docs/scenario.md), so its word cycles overlap the
//! flight. Each message leg therefore grows by (1 ns flight + 1 ns receive) per word.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use aether_tests::workspace_root;
use cosim_support::{log, report};

const SIZES: [u64; 5] = [0, 1, 10, 100, 1000];
/// `bench.s`: round trips per size, laps per size, log tags.
const ROUNDS: u64 = 10;
const LAPS: u64 = 4;
const TAG_PINGPONG: u64 = 1;
const TAG_RING: u64 = 2;
const RING_NODES: u64 = 8;

/// Extra ns one message leg takes per payload word: serialization plus the receiver's copy.
fn per_word_leg_ns() -> u64 {
    let serialization_fs = aether_tests::serialization_fs(32, 32_000_000_000);
    let nic_word_fs = u64::from(aether_isa::TimingProfile::default().nic_word) * 1_000_000;
    (serialization_fs + nic_word_fs) / 1_000_000
}

/// The (size, ns) records of one tag, in order.
fn timings(r: &serde_json::Value, tag: u64) -> Vec<(u64, u64)> {
    log(r)
        .into_iter()
        .filter(|(node, _, t, _)| *node == 0 && *t == tag)
        .map(|(_, _, _, v)| (v[0], v[1]))
        .collect()
}

#[test]
fn ping_pong_time_grows_by_two_legs_per_word() {
    let r = report(
        &workspace_root().join("programs/examples/benchmarks/pingpong.toml"),
        &[],
        0,
    );
    let t = timings(&r, TAG_PINGPONG);
    assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), SIZES);
    let base = t[0].1;
    for (size, ns) in t {
        assert_eq!(
            ns - base,
            ROUNDS * 2 * size * per_word_leg_ns(),
            "size {size}"
        );
    }
    // One TOKEN each way per round trip, 160 header bits plus 32 per word.
    assert_eq!(
        fw_support::count(&r, "TOKEN", "sent"),
        2 * ROUNDS * SIZES.len() as u64
    );
    let bits: u64 = SIZES.iter().map(|s| 2 * ROUNDS * (160 + 32 * s)).sum();
    assert_eq!(fw_support::count(&r, "TOKEN", "bits"), bits);
}

#[test]
fn ring_time_grows_by_one_leg_per_hop_and_word() {
    let r = report(
        &workspace_root().join("programs/examples/benchmarks/ring.toml"),
        &[],
        0,
    );
    let t = timings(&r, TAG_RING);
    assert_eq!(t.iter().map(|x| x.0).collect::<Vec<_>>(), SIZES);
    let base = t[0].1;
    for (size, ns) in t {
        assert_eq!(
            ns - base,
            LAPS * RING_NODES * size * per_word_leg_ns(),
            "size {size}"
        );
    }
    assert_eq!(
        fw_support::count(&r, "TOKEN", "sent"),
        LAPS * RING_NODES * SIZES.len() as u64
    );
}
