//! Back-pressure through the real `aether` binary and firmware
//! (`programs/examples/net-burst`): a burst of sends into a transmit queue of 2 packets
//! stalls the sender. The stalls, the delivery times and the finishing time are derived
//! here from docs/network.md ("Transmit queue and back-pressure": a packet holds its
//! slot until its last bit has left its first link; a refused send retries at the end
//! of the oldest packet's first hop, on the next clock edge) and the default cycle table.

use aether_tests::cosim_support;

use aether_tests::workspace_root;
use cosim_support::{cost, costs, log, report, scenario};

const COUNT: u64 = 12;
const LEN: u64 = 8;
const DONE: u64 = 30;
const PERIOD: u64 = 1_000_000;
/// burst.s: before each `send`, and after it.
const PRE: &[&str] = &["dup", "storei", "push", "push", "push", "push", "push"];
const POST: &[&str] = &["addi", "dup", "jnz"];
/// burst.toml's link: 1 Gbit/s, 10 ns.
const BANDWIDTH: u64 = 1_000_000_000;
const LATENCY: u64 = 10_000_000;

/// What the formulas predict for one transmit-queue size.
struct Expected {
    deliveries: Vec<u64>,
    stalled_cycles: u64,
    refused: u64,
    emit: u64,
    end_cycle: u64,
}

/// The run as the documented rules predict it, for a transmit queue of `tx_queue`
/// packets and a router time of `router` fs before the (single) hop. A send at time `t`
/// is refused while `tx_queue` packets have not finished their first hop (`end > t`);
/// it retries at the first edge at or after `tx_free_at`: the earliest ready time of a
/// packet not yet on its link (`ready > t`), or else the earliest end of a first hop.
fn expected(tx_queue: usize, router: u64) -> Expected {
    let serialization = aether_tests::serialization_fs(aether_tests::packet_bits(LEN), BANDWIDTH);
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
    let mut cycle = cost("push");
    let mut packets: Vec<(u64, u64)> = Vec::new(); // (ready, end) of each first hop
    let (mut stalled_cycles, mut refused) = (0, 0);
    for _ in 0..COUNT {
        cycle += costs(PRE);
        loop {
            let t = cycle * PERIOD;
            let queued: Vec<&(u64, u64)> = packets.iter().filter(|p| p.1 > t).collect();
            if queued.len() < tx_queue {
                break;
            }
            refused += 1;
            let free = queued
                .iter()
                .map(|&&(ready, end)| if ready > t { ready } else { end })
                .min()
                .expect("a queued packet");
            let retry = free.max(t + 1).div_ceil(PERIOD);
            stalled_cycles += retry - cycle;
            cycle = retry;
        }
        let ready = cycle * PERIOD + router;
        let start = ready.max(packets.last().map_or(0, |p| p.1));
        packets.push((ready, start + serialization));
        cycle += cost("send") + LEN * nic_word + costs(POST);
    }
    cycle += costs(&["drop", "push"]);
    Expected {
        deliveries: packets.iter().map(|p| p.1 + LATENCY).collect(),
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
    let want = expected(2, 0);
    // 27-cycle sends against 416 ns packets: every send from the third on stalls.
    assert_eq!(want.refused, COUNT - 2);
    check(&r, &want);
}

/// The bundled scenario with textual replacements, run through `aether`.
fn variant(replacements: &[(&str, &str)]) -> serde_json::Value {
    let mut text =
        std::fs::read_to_string(workspace_root().join("programs/examples/net-burst/burst.toml"))
            .expect("burst.toml");
    let source = format!("\"{}\"", cosim_support::example("net-burst/burst.s"));
    for (from, to) in replacements
        .iter()
        .chain(&[("\"burst.s\"", source.as_str())])
    {
        assert!(text.contains(from), "burst.toml has {from}");
        text = text.replace(from, to);
    }
    let (_dir, path) = scenario("variant.toml", &text, &[]);
    report(&path, &[], 0)
}

#[test]
fn a_deeper_queue_stalls_later_and_less() {
    let r = variant(&[("tx_queue = 2", "tx_queue = 5")]);
    let want = expected(5, 0);
    assert_eq!(want.refused, COUNT - 5);
    assert!(want.stalled_cycles < expected(2, 0).stalled_cycles);
    check(&r, &want);
}

#[test]
fn a_router_delay_makes_stalled_senders_retry_when_the_network_learns_the_end() {
    // With 100 ns of router time a refused send can find a packet not yet on its link;
    // it retries when that packet becomes ready (and usually is refused once more).
    let r = variant(&[(
        "latency = \"10 ns\"",
        "latency = \"10 ns\"\nrouter = \"100 ns\"",
    )]);
    let want = expected(2, 100_000_000);
    assert!(want.refused > COUNT - 2, "some sends are refused twice");
    check(&r, &want);
}
