//! Fault injection against a host model of docs/network.md's "Faults and their
//! guarantees": one ChaCha8 stream seeded with the run seed, drawn when a packet
//! starts a hop, in event order, only for the faults the link's class has. With a
//! single fault in the class, each hop makes exactly one draw, so the host model
//! replays the stream and predicts which packets are lost and every delivery time
//! to the femtosecond.

use aether_network::{
    Address, Delivery, GridConfig, HeaderLayout, LinkClassConfig, Message, Network, NetworkConfig,
    Payload, Time, TopologyConfig, serialization_time,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BW: u64 = 1_000_000_000;
const LAT: Time = 7_000_000;
const ROUTER: Time = 3_000_000;

/// Links of 1 Gbit/s, 7 ns latency and 3 ns router time, with roomy queues.
fn config(link: LinkClassConfig) -> NetworkConfig {
    NetworkConfig {
        link: LinkClassConfig {
            bandwidth: Some(BW),
            latency: Some(LAT),
            router: Some(ROUTER),
            ..link
        },
        tx_queue: 1 << 20,
        inbox_capacity: 1 << 20,
        ..NetworkConfig::default()
    }
}

/// A header-only message numbered `i` (one payload word) from `src` to `dst`'s inbox 0.
fn numbered(src: u32, dst: u32, i: u32) -> Message {
    Message {
        src,
        dst: Address::new(dst, 0),
        reply_to: None,
        msg_type: 1,
        payload: Payload::from_slice(&[i]),
    }
}

/// Runs every pending event, returning the deliveries.
fn drain(net: &mut Network) -> Vec<Delivery> {
    let mut out = Vec::new();
    while let Some(t) = net.next_event_time() {
        net.advance(t, &mut out);
    }
    out
}

/// The numbers of the messages waiting in `node`'s inbox 0, oldest first.
fn received(net: &mut Network, node: u32) -> Vec<u32> {
    std::iter::from_fn(|| net.recv(node, 0).expect("inbox 0 is open"))
        .map(|m| m.payload[0])
        .collect()
}

#[test]
fn the_packets_lost_are_those_the_seeded_stream_picks() {
    for (seed, p) in [(42u64, 0.3), (7, 0.05), (1234, 0.9)] {
        let n = 4000;
        let mut net = Network::new(
            &config(LinkClassConfig {
                drop: Some(p),
                ..LinkClassConfig::default()
            }),
            2,
            seed,
        )
        .expect("valid");
        for i in 0..n {
            net.send(0, numbered(0, 1, i)).expect("sent");
        }
        drain(&mut net);
        let mut stream = ChaCha8Rng::seed_from_u64(seed);
        let survivors: Vec<u32> = (0..n).filter(|_| !stream.random_bool(p)).collect();
        let lost = u64::from(n) - survivors.len() as u64;
        assert_eq!(received(&mut net, 1), survivors, "seed {seed}, p {p}");
        let stats = net.stats();
        assert_eq!((stats.drops.lost, stats.links[0].lost), (lost, lost));
        // The link still spends S carrying a lost packet.
        let s = serialization_time(net.packet_bits(1), BW);
        assert_eq!(stats.links[0].busy, u64::from(n) * s);
    }
}

#[test]
fn every_hop_adds_the_jitter_the_seeded_stream_draws() {
    let jitter: Time = 4_000_000;
    let seed = 99;
    let bits = HeaderLayout::default().bits() + 32;
    let hop = ROUTER + serialization_time(bits, BW) + LAT;
    // Packets 1 µs apart never meet on a link, so no FIFO rule raises an arrival.
    let spacing: Time = 1_000_000_000;
    for hops in [1u64, 3] {
        let mut cfg = config(LinkClassConfig {
            jitter: Some(jitter),
            ..LinkClassConfig::default()
        });
        let nodes = hops as usize + 1;
        if hops > 1 {
            cfg.topology = TopologyConfig::Mesh(GridConfig {
                width: nodes as u32,
                height: 1,
                x_class: None,
                y_class: None,
            });
        }
        let mut net = Network::new(&cfg, nodes, seed).expect("valid");
        let dst = hops as u32;
        let mut stream = ChaCha8Rng::seed_from_u64(seed);
        let mut want = Vec::new();
        let mut got = Vec::new();
        for i in 0..500u32 {
            let t0 = u64::from(i) * spacing;
            net.send(t0, numbered(0, dst, i)).expect("sent");
            let extra: Time = (0..hops).map(|_| stream.random_range(0..=jitter)).sum();
            want.push(t0 + hops * hop + extra);
            while let Some(t) = net.next_event_time().filter(|&t| t < t0 + spacing) {
                let mut out = Vec::new();
                net.advance(t, &mut out);
                got.extend(out.iter().map(|d| d.time));
            }
        }
        assert_eq!(got, want, "{hops} hops");
        // The draws spread over 0..=J per hop: their mean is within 10 % of hops·J/2.
        let mean = (got
            .iter()
            .zip(0u64..)
            .map(|(t, i)| t - i * spacing)
            .sum::<u64>() as f64
            / got.len() as f64)
            - (hops * hop) as f64;
        let half = (hops * jitter) as f64 / 2.0;
        assert!(
            (mean - half).abs() < 0.1 * half,
            "mean jitter {mean} for {hops} hops"
        );
    }
}
