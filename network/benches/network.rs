//! Packets routed per second under uniform random traffic between 1024 nodes:
//! on a 32x32 mesh (the headline figure) and all-to-all (the default topology).

use std::hint::black_box;

use aether_network::{
    Address, Delivery, GridConfig, Message, Network, NetworkConfig, Payload, Time, TopologyConfig,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SIDE: u32 = 32;
const PACKETS: usize = 20_000;
/// One packet enters the network every nanosecond (about 15 % link load).
const SPACING: Time = 1_000_000;

fn network(topology: TopologyConfig) -> Network {
    let config = NetworkConfig {
        topology,
        tx_queue: 1 << 16,
        inbox_capacity: 1 << 16,
        ..NetworkConfig::default()
    };
    Network::new(&config, (SIDE * SIDE) as usize, 1).expect("valid network")
}

/// Uniform random (source, destination) pairs, distinct nodes.
fn traffic() -> Vec<(u32, u32)> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let nodes = SIDE * SIDE;
    (0..PACKETS)
        .map(|_| {
            let src = rng.random_range(0..nodes);
            let dst = (src + rng.random_range(1..nodes)) % nodes;
            (src, dst)
        })
        .collect()
}

/// Injects the traffic from the network's clock on, runs it to the end and empties
/// the inboxes; returns the number of deliveries.
fn run(net: &mut Network, pairs: &[(u32, u32)], delivered: &mut Vec<Delivery>) -> usize {
    delivered.clear();
    let base = net.clock();
    for (i, &(src, dst)) in pairs.iter().enumerate() {
        let now = base + i as Time * SPACING;
        net.advance(now, delivered);
        let msg = Message {
            src,
            dst: Address::new(dst, 0),
            reply_to: None,
            msg_type: 1,
            payload: Payload::from_elem(0, 4),
        };
        net.send(now, msg).expect("room");
    }
    while let Some(t) = net.next_event_time() {
        net.advance(t, delivered);
    }
    for d in delivered.iter() {
        black_box(net.recv(d.node, d.inbox).expect("open"));
    }
    delivered.len()
}

fn bench(c: &mut Criterion) {
    let pairs = traffic();
    let mesh = TopologyConfig::Mesh(GridConfig {
        width: SIDE,
        height: SIDE,
        x_class: None,
        y_class: None,
    });
    for (name, topology) in [
        ("mesh32x32", mesh),
        ("all_to_all_1024", TopologyConfig::default()),
    ] {
        let mut net = network(topology);
        let mut delivered = Vec::with_capacity(PACKETS);
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(PACKETS as u64));
        group.bench_function("uniform_random_packets", |b| {
            b.iter(|| assert_eq!(run(&mut net, &pairs, &mut delivered), PACKETS));
        });
        group.finish();
        let stats = net.stats();
        let hops: u64 = stats.links.iter().map(|l| l.packets).sum();
        let packets: u64 = stats.nodes.iter().map(|n| n.received).sum();
        println!(
            "{name}: mean hops per packet {:.2}, max link utilization {:.3}",
            hops as f64 / packets as f64,
            stats
                .links
                .iter()
                .map(|l| l.utilization)
                .fold(0.0, f64::max)
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
