//! Back-pressure through the real `aether` binary and firmware
//! (`programs/examples/net-burst`): a burst of sends into a transmit queue of 2 packets
//! stalls the sender. The stalls, the delivery times and the finishing time are derived
//! here from docs/network.md ("Transmit queue and back-pressure": a packet holds its
//! slot until its last bit has left its first link; a refused send retries at the end
//! of the oldest packet's first hop, on the next clock edge) and the default cycle table.

mod cosim_support;

use aether_tests::workspace_root;
use cosim_support::{cost, costs, log, report, scenario};

const COUNT: u64 = 12;
const LEN: u64 = 8;
const DONE: u64 = 30;
const PERIOD: u64 = 1_000_000;
/// burst.s: before each `send`, and after it.
const PRE: &[&str] = &["dup", "storei", "push", "push", "push", "push", "push"];
const POST: &[&str] = &["addi", "dup", "jnz"];

/// What the formulas predict for one transmit-queue size.
struct Expected {
    deliveries: Vec<u64>,
    stalled_cycles: u64,
    refused: u64,
    emit: u64,
    end_cycle: u64,
}

fn expected(tx_queue: usize, bandwidth: u64, latency: u64) -> Expected {
    let bits = 160 + 32 * LEN;
    let serialization = (bits * 1_000_000_000_000_000).div_ceil(bandwidth);
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
    let mut cycle = cost("push");
    let mut ends: Vec<u64> = Vec::new();
    let (mut stalled_cycles, mut refused) = (0, 0);
    for k in 0..COUNT as usize {
        cycle += costs(PRE);
        if k >= tx_queue {
            let oldest_leaves = ends[k - tx_queue];
            if oldest_leaves > cycle * PERIOD {
                let retry = oldest_leaves.div_ceil(PERIOD);
                stalled_cycles += retry - cycle;
                refused += 1;
                cycle = retry;
            }
        }
        let start = (cycle * PERIOD).max(ends.last().copied().unwrap_or(0));
        ends.push(start + serialization);
        cycle += cost("send") + LEN * nic_word + costs(POST);
    }
    cycle += costs(&["drop", "push"]);
    Expected {
        deliveries: ends.iter().map(|e| e + latency).collect(),
        stalled_cycles,
        refused,
        emit: cycle * PERIOD,
        end_cycle: cycle + costs(&["emit", "halt"]),
    }
}

fn check(r: &serde_json::Value, want: &Expected) {
    let records = log(r);
    let sink: Vec<(u64, Vec<u64>)> = records
        .iter()
        .filter(|l| l.0 == 1)
        .map(|l| (l.1, l.3.clone()))
        .collect();
    let mut payload = vec![0; LEN as usize];
    let want_sink: Vec<(u64, Vec<u64>)> = want
        .deliveries
        .iter()
        .zip((1..=COUNT).rev())
        .map(|(&t, i)| {
            payload[0] = i;
            (t, payload.clone())
        })
        .collect();
    assert_eq!(sink, want_sink);
    let done: Vec<u64> = records
        .iter()
        .filter(|l| l.0 == 0 && l.2 == DONE)
        .map(|l| l.1)
        .collect();
    assert_eq!(done, vec![want.emit]);
    let node = &r["nodes"][0];
    assert_eq!(
        node["cycles"]["stalled"].as_u64(),
        Some(want.stalled_cycles)
    );
    assert_eq!(
        node["cycles"]["busy"].as_u64(),
        Some(want.end_cycle - want.stalled_cycles)
    );
    assert_eq!(
        r["network"]["nodes"][0]["refused"].as_u64(),
        Some(want.refused)
    );
    assert_eq!(r["network"]["nodes"][0]["sent"].as_u64(), Some(COUNT));
    assert_eq!(r["components"][0]["received"].as_u64(), Some(COUNT));
    let last = *want.deliveries.last().expect("deliveries");
    assert_eq!(
        r["time_fs"].as_u64(),
        Some(last.max(want.end_cycle * PERIOD))
    );
}

#[test]
fn a_burst_into_a_two_packet_queue_stalls_as_the_formula_says() {
    let r = report(
        &workspace_root().join("programs/examples/net-burst/burst.toml"),
        &[],
        0,
    );
    let want = expected(2, 1_000_000_000, 10_000_000);
    // 27-cycle sends against 416 ns packets: every send from the third on stalls.
    assert_eq!(want.refused, COUNT - 2);
    check(&r, &want);
}

#[test]
fn a_deeper_queue_stalls_later_and_less() {
    let text =
        std::fs::read_to_string(workspace_root().join("programs/examples/net-burst/burst.toml"))
            .expect("burst.toml")
            .replace("tx_queue = 2", "tx_queue = 5")
            .replace(
                "\"burst.s\"",
                &format!("\"{}\"", cosim_support::example("net-burst/burst.s")),
            );
    let (_dir, path) = scenario("burst5.toml", &text, &[]);
    let r = report(&path, &[], 0);
    let want = expected(5, 1_000_000_000, 10_000_000);
    assert_eq!(want.refused, COUNT - 5);
    assert!(want.stalled_cycles < expected(2, 1_000_000_000, 10_000_000).stalled_cycles);
    check(&r, &want);
}
