//! Tests of the network's timing, ordering, back-pressure and return to sender.
//! Expected times come from the formulas in `docs/network.md`, not from runs.

use super::*;
use crate::address::Address;
use crate::config::{GridConfig, LinkClassConfig, TopologyConfig};
use crate::header::HeaderLayout;
use crate::link::Window;
use crate::stats::TypeStats;
use crate::time::serialization_time;
use proptest::prelude::*;

pub(super) const BW: u64 = 1_000_000_000; // 1 Gbit/s: 1 bit = 1 ns = 1_000_000 fs
pub(super) const LAT: Time = 7_000_000;
pub(super) const ROUTER: Time = 3_000_000;

pub(super) fn config() -> NetworkConfig {
    NetworkConfig {
        link: LinkClassConfig {
            bandwidth: Some(BW),
            latency: Some(LAT),
            router: Some(ROUTER),
            ..LinkClassConfig::default()
        },
        ..NetworkConfig::default()
    }
}

pub(super) fn msg(
    src: u32,
    dst: u32,
    inbox: u16,
    reply_to: Option<Address>,
    len: usize,
) -> Message {
    Message {
        src,
        dst: Address::new(dst, inbox),
        reply_to,
        msg_type: 5,
        payload: (0..len as u32).collect(),
    }
}

/// Runs every pending event, returning the deliveries.
pub(super) fn drain(net: &mut Network) -> Vec<Delivery> {
    let mut out = Vec::new();
    while let Some(t) = net.next_event_time() {
        net.advance(t, &mut out);
    }
    out
}

pub(super) fn ser(bits: u64) -> Time {
    serialization_time(bits, BW)
}

#[test]
fn one_hop_store_and_forward_timing() {
    let mut net = Network::new(&config(), 4, 1).expect("valid");
    let t0 = 1_000;
    net.send(t0, msg(0, 3, 0, None, 10)).expect("sent");
    let bits = HeaderLayout::default().bits() + 32 * 10;
    // t = t0 + R + ceil(B / W) + L
    let expected = t0 + ROUTER + ser(bits) + LAT;
    assert_eq!(
        drain(&mut net),
        vec![Delivery {
            time: expected,
            node: 3,
            inbox: 0
        }]
    );
    let got = net.recv(3, 0).expect("open").expect("a message");
    assert_eq!(got, msg(0, 3, 0, None, 10));
}

#[test]
fn nic_latency_is_added_once() {
    let cfg = NetworkConfig {
        nic_latency: 11,
        ..config()
    };
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    let bits = HeaderLayout::default().bits();
    assert_eq!(drain(&mut net)[0].time, ROUTER + ser(bits) + LAT + 11);
}

#[test]
fn send_to_self_costs_only_nic_latency() {
    let cfg = NetworkConfig {
        nic_latency: 500,
        ..config()
    };
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    net.send(40, msg(1, 1, 0, None, 3)).expect("sent");
    assert_eq!(drain(&mut net)[0].time, 540);
    assert_eq!(net.poll(1, 0), Ok(1));
}

#[test]
fn two_packets_queue_on_one_link() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 4)).expect("sent");
    net.send(0, msg(0, 1, 0, None, 2)).expect("sent");
    let b1 = HeaderLayout::default().bits() + 128;
    let b2 = HeaderLayout::default().bits() + 64;
    // Both are ready at R; the second starts when the first has left: R + S1.
    let first = ROUTER + ser(b1) + LAT;
    let second = ROUTER + ser(b1) + ser(b2) + LAT;
    let times: Vec<_> = drain(&mut net).iter().map(|d| d.time).collect();
    assert_eq!(times, vec![first, second]);
    let stats = net.stats();
    assert_eq!(stats.nodes[1].latency_max, second);
    assert_eq!(stats.nodes[1].latency_mean, (first + second) as f64 / 2.0);
    assert_eq!(stats.links.len(), 1);
    assert_eq!(stats.links[0].packets, 2);
    assert_eq!(stats.links[0].bits, b1 + b2);
    assert_eq!(stats.links[0].busy, ser(b1) + ser(b2));
    assert_eq!(stats.links[0].queue_delay_max, ser(b1));
}

#[test]
fn order_is_kept_per_source_and_destination() {
    let cfg = NetworkConfig {
        tx_queue: 64,
        ..config()
    };
    let mut net = Network::new(&cfg, 5, 1).expect("valid");
    for round in 0..20u32 {
        for src in 1..5u32 {
            let mut m = msg(src, 0, 0, None, (round % 3) as usize);
            m.msg_type = round;
            net.send(u64::from(round) * 1_000, m).expect("sent");
        }
        let mut out = Vec::new();
        net.advance(u64::from(round) * 1_000, &mut out);
    }
    drain(&mut net);
    let mut last = [None::<u32>; 5];
    while let Some(m) = net.recv(0, 0).expect("open") {
        let prev = last[m.src as usize].replace(m.msg_type);
        assert!(
            prev.is_none_or(|p| p < m.msg_type),
            "out of order from {}",
            m.src
        );
    }
    assert!(last[1..].iter().all(|l| *l == Some(19)));
}

#[test]
fn unknown_inbox_returns_to_sender() {
    let mut net = Network::new(&config(), 3, 1).expect("valid");
    let reply = Address::new(0, 0);
    net.send(0, msg(0, 2, 9, Some(reply), 1)).expect("sent");
    let deliveries = drain(&mut net);
    let bits = HeaderLayout::default().bits() + 32;
    let one_way = ROUTER + ser(bits) + LAT;
    assert_eq!(
        deliveries,
        vec![Delivery {
            time: 2 * one_way,
            node: 0,
            inbox: 0
        }]
    );
    let back = net.recv(0, 0).expect("open").expect("returned");
    assert_eq!(back.msg_type, 5 | RETURNED);
    assert_eq!(back.src, 2);
    assert_eq!(back.reply_to, None);
    assert_eq!(back.payload[..], [0]);
    let stats = net.stats();
    assert_eq!(stats.nodes[2].bounced, 1);
    assert_eq!(stats.nodes[0].returned, 1);
    assert_eq!(stats.types[&5].returned, 1);
}

#[test]
fn closed_inbox_returns_to_sender_and_is_never_reused() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    let inbox = net.open(1).expect("opened");
    assert_eq!(inbox, 1);
    assert_eq!(net.open_inboxes(1), 2, "inbox 0 and the new one");
    net.close(0, 1, inbox).expect("closed");
    assert!(!net.is_open(1, inbox));
    assert_eq!(net.open_inboxes(1), 1);
    assert_eq!(net.open(1), Ok(2));
    assert_eq!(net.open_inboxes(1), 2);
    assert_eq!(net.open_inboxes(9), 0, "no such node");
    net.send(0, msg(0, 1, inbox, Some(Address::new(0, 0)), 0))
        .expect("sent");
    drain(&mut net);
    let back = net.recv(0, 0).expect("open").expect("returned");
    assert!(back.is_returned());
    assert_eq!(
        net.recv(1, inbox),
        Err(NicError::Closed { node: 1, inbox: 1 })
    );
}

#[test]
fn closing_returns_waiting_messages_in_order() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    let inbox = net.open(1).expect("opened");
    for ty in [1, 2] {
        let mut m = msg(0, 1, inbox, Some(Address::new(0, 0)), 0);
        m.msg_type = ty;
        net.send(0, m).expect("sent");
    }
    net.send(0, msg(0, 1, inbox, None, 0)).expect("sent");
    drain(&mut net);
    assert_eq!(net.poll(1, inbox), Ok(3));
    let now = net.clock();
    net.close(now, 1, inbox).expect("closed");
    drain(&mut net);
    let types: Vec<_> = std::iter::from_fn(|| net.recv(0, 0).expect("open"))
        .map(|m| m.msg_type)
        .collect();
    assert_eq!(types, vec![1 | RETURNED, 2 | RETURNED]);
    assert_eq!(net.stats().drops.undeliverable, 1);
}

#[test]
fn returned_messages_never_bounce() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    // The reply-to inbox does not exist either: the returned message is dropped.
    net.send(0, msg(0, 1, 4, Some(Address::new(0, 8)), 0))
        .expect("sent");
    drain(&mut net);
    let stats = net.stats();
    assert_eq!(stats.nodes[1].bounced, 1);
    assert_eq!(stats.nodes[0].bounced, 0);
    assert_eq!(stats.drops.undeliverable, 1);
    assert_eq!(stats.in_flight, 0);
}

#[test]
fn full_inbox_returns_to_sender() {
    let cfg = NetworkConfig {
        inbox_capacity: 1,
        ..config()
    };
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    for _ in 0..2 {
        net.send(0, msg(0, 1, 0, Some(Address::new(0, 0)), 0))
            .expect("sent");
    }
    drain(&mut net);
    assert_eq!(net.poll(1, 0), Ok(1));
    assert_eq!(net.poll(0, 0), Ok(1));
    assert!(net.peek(0, 0).expect("open").expect("one").is_returned());
}

#[test]
fn placed_messages_skip_the_links_and_every_statistic() {
    let cfg = NetworkConfig {
        inbox_capacity: 2,
        ..config()
    };
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    let before = format!("{:?}", net.stats());
    for _ in 0..2 {
        net.place(5, msg(1, 0, 0, None, 4)).expect("placed");
    }
    assert_eq!(net.poll(0, 0), Ok(2), "in the inbox at once, no event");
    assert_eq!(net.next_event_time(), None);
    assert_eq!(
        net.place(5, msg(1, 0, 0, None, 4)),
        Err(NicError::Full { node: 0, inbox: 0 })
    );
    assert_eq!(
        net.place(5, msg(1, 1, 3, None, 0)),
        Err(NicError::NotOpened { node: 1, inbox: 3 })
    );
    assert_eq!(format!("{:?}", net.stats()), before, "nothing counted");
}

#[test]
fn full_transmit_queue_refuses_and_says_when_to_retry() {
    let cfg = NetworkConfig {
        tx_queue: 2,
        ..config()
    };
    let mut net = Network::new(&cfg, 3, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    net.send(0, msg(0, 2, 0, None, 0)).expect("sent");
    assert_eq!(net.send(0, msg(0, 1, 0, None, 0)), Err(SendError::Full));
    // Nothing scheduled yet: the first hops are due at R.
    assert_eq!(net.tx_free_at(0), Some(ROUTER));
    let mut out = Vec::new();
    net.advance(ROUTER, &mut out);
    // Two different links: both leave at R + S.
    let leave = ROUTER + ser(HeaderLayout::default().bits());
    assert_eq!(net.tx_free_at(0), Some(leave));
    assert_eq!(
        net.send(leave - 1, msg(0, 1, 0, None, 0)),
        Err(SendError::Full)
    );
    net.send(leave, msg(0, 1, 0, None, 0)).expect("room again");
    assert_eq!(net.stats().nodes[0].refused, 2);
    // Sends to itself skip the transmit queue.
    net.send(leave, msg(0, 0, 0, None, 0)).expect("self");
}

/// `accepts_later` promises only what `send` then does: with `pending` messages handed
/// over first, a send at any later time is taken; it refuses other nodes' and its own
/// addresses it cannot promise (unknown, itself, too long, a queue that may be full).
#[test]
fn accepts_later_promises_what_send_does() {
    let cfg = NetworkConfig {
        tx_queue: 2,
        ..config()
    };
    let mut net = Network::new(&cfg, 3, 1).expect("valid");
    let max = net.max_payload as usize;
    assert!(net.accepts_later(0, 0, 1, max, 0));
    assert!(!net.accepts_later(0, 0, 1, max + 1, 0), "too long");
    assert!(!net.accepts_later(0, 0, 3, 1, 0), "no node 3");
    assert!(!net.accepts_later(0, 3, 1, 1, 0), "no node 3 to send");
    assert!(!net.accepts_later(0, 0, 0, 1, 0), "to itself");
    assert!(net.accepts_later(0, 0, 1, 1, 1));
    assert!(
        !net.accepts_later(0, 0, 1, 1, 2),
        "two handed over first fill the queue"
    );
    // Promised with 0 and 1 pending: both sends, later, are taken; the queue is then full.
    net.send(5, msg(0, 1, 0, None, 1)).expect("promised");
    net.send(6, msg(0, 2, 0, None, 1)).expect("promised");
    assert!(!net.accepts_later(6, 0, 1, 1, 0));
    assert_eq!(net.send(6, msg(0, 1, 0, None, 1)), Err(SendError::Full));
    // Once the first hops are over the queue has room again.
    drain(&mut net);
    let t = net.clock();
    assert!(net.accepts_later(t, 0, 1, 1, 1));
    assert!(!net.accepts_later(t - 1, 0, 1, 1, 0), "before the clock");
    net.send(t, msg(0, 1, 0, None, 1)).expect("promised");
}

/// A send handed over by `send_accepted` (as `accepts_later` promised) is the same send:
/// the same deliveries at the same times and the same statistics.
#[test]
fn send_accepted_is_send() {
    let cfg = NetworkConfig {
        tx_queue: 2,
        ..config()
    };
    let mut nets = [(); 2].map(|_| Network::new(&cfg, 3, 1).expect("valid"));
    let sends = [(0, msg(0, 1, 0, None, 1)), (4, msg(0, 2, 0, None, 3))];
    for (t, m) in sends.clone() {
        nets[0].send(t, m).expect("promised");
    }
    for (t, m) in sends {
        nets[1].send_accepted(t, m);
    }
    let [a, b] = &mut nets;
    assert_eq!(drain(a), drain(b));
    assert_eq!(a.stats(), b.stats());
}

#[test]
fn bad_calls_are_errors() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    assert_eq!(
        net.send(0, msg(0, 2, 0, None, 0)),
        Err(SendError::UnknownDestination(2))
    );
    assert_eq!(
        net.send(0, msg(5, 1, 0, None, 0)),
        Err(SendError::Nic(NicError::UnknownNode(5)))
    );
    assert_eq!(
        net.poll(0, 3),
        Err(NicError::NotOpened { node: 0, inbox: 3 })
    );
    let mut out = Vec::new();
    net.advance(100, &mut out);
    assert_eq!(
        net.send(99, msg(0, 1, 0, None, 0)),
        Err(SendError::Nic(NicError::TimeWentBack {
            now: 99,
            clock: 100
        }))
    );
    let long = HeaderLayout::default().max_payload() as usize + 1;
    assert!(matches!(
        net.send(100, msg(0, 1, 0, None, long)),
        Err(SendError::TooLong { .. })
    ));
    assert!(Network::new(&config(), 0, 1).is_err());
}

pub(super) fn mesh(width: u32, height: u32) -> NetworkConfig {
    NetworkConfig {
        topology: TopologyConfig::Mesh(GridConfig {
            width,
            height,
            x_class: None,
            y_class: None,
        }),
        tx_queue: 1 << 20,
        ..config()
    }
}

#[test]
fn store_and_forward_over_k_hops() {
    // Node 0 to node 8 on a 3x3 mesh: k = 4 hops.
    let mut net = Network::new(&mesh(3, 3), 9, 1).expect("valid");
    let t0 = 123;
    net.send(t0, msg(0, 8, 0, None, 7)).expect("sent");
    let bits = HeaderLayout::default().bits() + 32 * 7;
    // t = t0 + k (R + S + L)
    let expected = t0 + 4 * (ROUTER + ser(bits) + LAT);
    assert_eq!(drain(&mut net)[0].time, expected);
    assert_eq!(net.stats().links.len(), 4);
}

#[test]
fn node_ids_past_65535_route_and_reply() {
    // A 1000x70 mesh of 70,000 nodes: node 69,999 sits at (999, 69), k = 999 + 69 hops
    // from node 0. Its message carries a reply-to of node 0; the reply comes back the
    // same k hops (XY routing on a full mesh is minimal both ways).
    let mut net = Network::new(&mesh(1000, 70), 70_000, 1).expect("valid");
    let far = 69_999;
    net.send(0, msg(far, 0, 0, Some(Address::new(far, 0)), 2))
        .expect("sent");
    let bits = HeaderLayout::default().bits() + 32 * 2;
    let one_way = 1068 * (ROUTER + ser(bits) + LAT);
    assert_eq!(
        drain(&mut net),
        vec![Delivery {
            time: one_way,
            node: 0,
            inbox: 0
        }]
    );
    let got = net.recv(0, 0).expect("open").expect("a message");
    assert_eq!((got.src, got.reply_to), (far, Some(Address::new(far, 0))));
    net.send(one_way, msg(0, far, 0, None, 2)).expect("sent");
    assert_eq!(drain(&mut net)[0].time, 2 * one_way);
    assert_eq!(net.stats().nodes[far as usize].received, 1);
    assert_eq!(net.route(far, 0).len(), 1069);
}

#[test]
fn node_and_topology_limits_are_configuration_errors() {
    let too_many = Network::new(&mesh(4097, 4096), MAX_NODES + 1, 1).map(|_| ());
    assert!(
        matches!(&too_many, Err(ConfigError::Nodes(m)) if m.contains("1 to 16777216 nodes")),
        "{too_many:?}"
    );
    let grid = Network::new(&mesh(4097, 4096), 4, 1).map(|_| ());
    assert!(
        matches!(&grid, Err(ConfigError::Topology(m)) if m.contains("16777216 positions")),
        "{grid:?}"
    );
    let all = Network::new(&config(), (1 << 16) + 1, 1).map(|_| ());
    assert!(
        matches!(&all, Err(ConfigError::Topology(m)) if m.contains("at most 65536 nodes")),
        "{all:?}"
    );
}

#[test]
fn cut_through_over_k_hops() {
    let cfg = NetworkConfig {
        switching: Switching::CutThrough,
        ..mesh(4, 1)
    };
    let mut net = Network::new(&cfg, 4, 1).expect("valid");
    net.send(0, msg(0, 3, 0, None, 20)).expect("sent");
    let header = HeaderLayout::default().bits();
    let bits = header + 32 * 20;
    // t = t0 + k (R + L) + (k - 1) H + S
    let expected = 3 * (ROUTER + LAT) + 2 * ser(header) + ser(bits);
    assert_eq!(drain(&mut net)[0].time, expected);
}

#[test]
fn cut_through_onto_a_faster_link_waits_for_the_tail() {
    // Hop 1 at W, hop 2 at 4W: the tail cannot leave before it arrives.
    let mut cfg = NetworkConfig {
        switching: Switching::CutThrough,
        ..mesh(3, 1)
    };
    cfg.classes.insert(
        "fast".into(),
        LinkClassConfig {
            bandwidth: Some(4 * BW),
            ..LinkClassConfig::default()
        },
    );
    cfg.links.push(crate::config::LinkAssignment {
        from: 1,
        to: 2,
        class: "fast".into(),
        both: true,
    });
    let mut net = Network::new(&cfg, 3, 1).expect("valid");
    net.send(0, msg(0, 2, 0, None, 20)).expect("sent");
    let header = HeaderLayout::default().bits();
    let bits = header + 32 * 20;
    let s1 = ROUTER;
    let e1 = s1 + ser(bits);
    let s2 = s1 + ser(header) + LAT + ROUTER;
    let e2 = (s2 + serialization_time(bits, 4 * BW)).max(e1 + LAT);
    assert_eq!(e2, e1 + LAT, "the tail bound is the one that matters here");
    assert_eq!(drain(&mut net)[0].time, e2 + LAT);
}

#[test]
fn link_classes_per_axis() {
    let mut cfg = mesh(3, 2);
    if let TopologyConfig::Mesh(grid) = &mut cfg.topology {
        grid.y_class = Some("vertical".into());
    }
    cfg.classes.insert(
        "vertical".into(),
        LinkClassConfig {
            bandwidth: Some(BW / 2),
            latency: Some(2 * LAT),
            ..LinkClassConfig::default()
        },
    );
    let mut net = Network::new(&cfg, 6, 1).expect("valid");
    // (0,0) -> (2,1): two x hops then one y hop.
    net.send(0, msg(0, 5, 0, None, 1)).expect("sent");
    let bits = HeaderLayout::default().bits() + 32;
    let x_hop = ROUTER + ser(bits) + LAT;
    let y_hop = ROUTER + serialization_time(bits, BW / 2) + 2 * LAT;
    assert_eq!(drain(&mut net)[0].time, 2 * x_hop + y_hop);
    let classes: Vec<_> = net.stats().links.iter().map(|l| l.class.clone()).collect();
    assert_eq!(classes, vec!["link", "link", "vertical"]);
}

#[test]
fn packets_from_two_sources_queue_on_a_shared_link() {
    // 3x1 line: 0 -> 2 passes router 1, where 1 -> 2 traffic joins it.
    let mut net = Network::new(&mesh(3, 1), 3, 1).expect("valid");
    let bits = HeaderLayout::default().bits();
    let (s, r, l) = (ser(bits), ROUTER, LAT);
    net.send(0, msg(0, 2, 0, None, 0)).expect("sent");
    // Node 1's packet becomes ready on link 1->2 at the same time as node 0's
    // (2R + S + L); it was scheduled first, so it goes first.
    net.send(r + s + l, msg(1, 2, 0, None, 0)).expect("sent");
    let deliveries = drain(&mut net);
    assert_eq!(deliveries[0].time, 2 * r + 2 * s + 2 * l);
    assert_eq!(deliveries[1].time, 2 * r + 3 * s + 2 * l);
    assert_eq!(net.recv(2, 0).expect("open").expect("one").src, 1);
    let shared = net
        .stats()
        .links
        .into_iter()
        .find(|l| l.from == 1)
        .expect("used");
    assert_eq!(shared.packets, 2);
    assert_eq!(shared.queue_delay_max, s);
    assert_eq!(shared.queue_delay_mean, s as f64 / 2.0);
}

/// Sends `count` packets between pseudo-random pairs (a fixed LCG), each carrying
/// its sequence number per (src, dst) in payload word 0; returns how many were sent.
fn random_traffic(net: &mut Network, nodes: u32, count: u32, spacing: Time) -> u32 {
    let mut state = 12345u64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    let mut seq = vec![0u32; nodes as usize * nodes as usize];
    let mut out = Vec::new();
    for i in 0..count {
        let now = u64::from(i) * spacing;
        net.advance(now, &mut out);
        let src = next(u64::from(nodes)) as u32;
        let dst = next(u64::from(nodes)) as u32;
        let pair = src as usize * nodes as usize + dst as usize;
        let mut m = msg(src, dst, 0, None, next(6) as usize);
        m.payload.insert(0, seq[pair]);
        seq[pair] += 1;
        net.send(now, m).expect("sent");
    }
    count
}

/// Receives everything and checks sequence numbers per (src, dst) strictly increase.
fn check_order(net: &mut Network, nodes: u32) -> u32 {
    let mut received = 0;
    for dst in 0..nodes {
        let mut last = vec![None::<u32>; nodes as usize];
        while let Some(m) = net.recv(dst, 0).expect("open") {
            let prev = last[m.src as usize].replace(m.payload[0]);
            assert!(prev.is_none_or(|p| p + 1 == m.payload[0]), "gap or reorder");
            received += 1;
        }
    }
    received
}

#[test]
fn order_and_delivery_under_mesh_contention() {
    for switching in [Switching::StoreAndForward, Switching::CutThrough] {
        let cfg = NetworkConfig {
            switching,
            inbox_capacity: 1 << 20,
            ..mesh(4, 4)
        };
        let mut net = Network::new(&cfg, 16, 1).expect("valid");
        let sent = random_traffic(&mut net, 16, 3000, 20_000_000);
        drain(&mut net);
        assert_eq!(check_order(&mut net, 16), sent);
        let stats = net.stats();
        assert!(
            stats.links.iter().any(|l| l.queue_delay_max > 0),
            "no contention"
        );
        assert_eq!(stats.in_flight, 0);
    }
}

#[test]
fn jitter_never_reorders_a_pair() {
    for switching in [Switching::StoreAndForward, Switching::CutThrough] {
        let mut cfg = NetworkConfig {
            switching,
            inbox_capacity: 1 << 20,
            ..mesh(4, 4)
        };
        cfg.link.jitter = Some(50 * LAT);
        let mut net = Network::new(&cfg, 16, 9).expect("valid");
        let sent = random_traffic(&mut net, 16, 3000, 5_000_000);
        drain(&mut net);
        assert_eq!(check_order(&mut net, 16), sent);
    }
}

#[test]
fn down_window_delays_without_loss() {
    let mut cfg = config();
    let end = 1_000_000_000;
    cfg.link.down = Some(vec![Window { start: 0, end }]);
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    let bits = HeaderLayout::default().bits();
    assert_eq!(drain(&mut net)[0].time, end + ser(bits) + LAT);
    assert_eq!(net.stats().links[0].queue_delay_max, end - ROUTER);
}

/// Sends `n` numbered packets 0 -> 1 on a lossy link; returns the numbers delivered.
fn lossy_run(seed: u64, n: u32, p: f64) -> Vec<u32> {
    let mut cfg = NetworkConfig {
        tx_queue: 1 << 20,
        inbox_capacity: 1 << 20,
        ..config()
    };
    cfg.link.drop = Some(p);
    let mut net = Network::new(&cfg, 2, seed).expect("valid");
    for i in 0..n {
        let mut m = msg(0, 1, 0, None, 0);
        m.payload.push(i);
        net.send(0, m).expect("sent");
    }
    drain(&mut net);
    let stats = net.stats();
    let got: Vec<u32> = std::iter::from_fn(|| net.recv(1, 0).expect("open"))
        .map(|m| m.payload[0])
        .collect();
    assert_eq!(stats.drops.lost + got.len() as u64, u64::from(n));
    assert_eq!(stats.links[0].lost, stats.drops.lost);
    got
}

#[test]
fn drop_rate_over_the_network_is_within_four_sigma_and_repeatable() {
    // At p = 0.5 a 10 % error in p moves the count by 10 sigma.
    let (n, p) = (10_000u32, 0.5);
    let got = lossy_run(42, n, p);
    let lost = f64::from(n) - got.len() as f64;
    let sigma = (f64::from(n) * p * (1.0 - p)).sqrt();
    assert!(
        (lost - f64::from(n) * p).abs() <= 4.0 * sigma,
        "lost {lost}"
    );
    assert!(
        got.windows(2).all(|w| w[0] < w[1]),
        "survivors stay in order"
    );
    assert_eq!(lossy_run(42, n, p), got, "same seed, same drops");
    assert_ne!(lossy_run(43, n, p), got);
}

#[test]
fn corruption_is_caught_at_the_next_router_or_the_nic() {
    for (switching, links_used) in [(Switching::StoreAndForward, 1), (Switching::CutThrough, 2)] {
        let mut cfg = NetworkConfig {
            switching,
            ..mesh(3, 1)
        };
        cfg.link.ber = Some(1.0);
        let mut net = Network::new(&cfg, 3, 1).expect("valid");
        net.send(0, msg(0, 2, 0, None, 0)).expect("sent");
        assert!(drain(&mut net).is_empty());
        let stats = net.stats();
        assert_eq!(stats.drops.corrupted, 1);
        assert_eq!(stats.links.len(), links_used);
        // docs/network.md, Faults: counted in drops.corrupted and each link's corrupted.
        let counts: Vec<_> = stats
            .links
            .iter()
            .map(|l| (l.packets, l.corrupted))
            .collect();
        assert_eq!(counts, vec![(1, 1); links_used]);
        assert_eq!(stats.in_flight, 0);
    }
}

#[test]
fn stats_serialize_to_json() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 1)).expect("sent");
    drain(&mut net);
    let json = serde_json::to_value(net.stats()).expect("serializes");
    assert_eq!(json["nodes"][0]["sent"], 1);
    // 160 header bits + 32 payload bits = 24 bytes.
    assert_eq!(json["nodes"][1]["bytes_received"], 24);
    assert_eq!(json["types"]["5"]["delivered"], 1);
    assert_eq!(json["types"]["5"]["bits"], 192);
    assert_eq!(json["links"][0]["packets"], 1);
}

#[test]
fn zero_capacities_are_rejected() {
    for cfg in [
        NetworkConfig {
            tx_queue: 0,
            ..config()
        },
        NetworkConfig {
            inbox_capacity: 0,
            ..config()
        },
    ] {
        assert!(Network::new(&cfg, 2, 1).is_err());
    }
}

#[test]
fn graph_file_topology_end_to_end() {
    // Nodes 0..3 on a line through switch 4: 0 - 4 - 1, 4 - 2 (slow), 2 - 3.
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::write(dir.join("g.txt"), "0 4\n4 1\n4 2 class=slow\n2 3\n").expect("written");
    let mut cfg = NetworkConfig {
        topology: TopologyConfig::Graph {
            file: "g.txt".into(),
        },
        ..config()
    };
    cfg.classes.insert(
        "slow".into(),
        LinkClassConfig {
            latency: Some(5 * LAT),
            ..LinkClassConfig::default()
        },
    );
    cfg.resolve_paths(dir);
    let mut net = Network::new(&cfg, 4, 1).expect("valid");
    net.send(0, msg(0, 3, 0, None, 0)).expect("sent");
    let s = ser(HeaderLayout::default().bits());
    // Hops 0-4, 4-2 (slow), 2-3.
    let expected = 3 * (ROUTER + s) + LAT + 5 * LAT + LAT;
    assert_eq!(drain(&mut net)[0].time, expected);
    assert_eq!(net.stats().routers, 5);
    assert_eq!(net.route(0, 3), vec![0, 4, 2, 3]);
    let missing = NetworkConfig {
        topology: TopologyConfig::Graph {
            file: dir.join("none.txt"),
        },
        ..config()
    };
    assert!(matches!(
        Network::new(&missing, 4, 1),
        Err(ConfigError::Graph { .. })
    ));
}

#[test]
fn torus_and_tree_deliver_with_hop_counted_timing() {
    let bits = HeaderLayout::default().bits();
    let hop = ROUTER + ser(bits) + LAT;
    let torus = NetworkConfig {
        topology: TopologyConfig::Torus(GridConfig {
            width: 5,
            height: 5,
            x_class: None,
            y_class: None,
        }),
        ..config()
    };
    // (0,0) -> (4,4) is one hop each way round on a 5x5 torus.
    let mut net = Network::new(&torus, 25, 1).expect("valid");
    net.send(0, msg(0, 24, 0, None, 0)).expect("sent");
    assert_eq!(drain(&mut net)[0].time, 2 * hop);
    let quadtree = NetworkConfig {
        topology: TopologyConfig::Tree {
            arity: 4,
            switches: true,
            class: None,
        },
        ..config()
    };
    // Leaves 0 and 15 of a 16-leaf quadtree: up two switches, down two.
    let mut net = Network::new(&quadtree, 16, 1).expect("valid");
    net.send(0, msg(0, 15, 0, None, 0)).expect("sent");
    assert_eq!(drain(&mut net)[0].time, 4 * hop);
}

#[test]
fn bad_topologies_are_config_errors() {
    let small = NetworkConfig {
        topology: TopologyConfig::Mesh(GridConfig {
            width: 2,
            height: 2,
            x_class: Some("nope".into()),
            y_class: None,
        }),
        ..config()
    };
    assert!(matches!(
        Network::new(&small, 5, 1),
        Err(ConfigError::Topology(_))
    ));
    assert_eq!(
        Network::new(&small, 4, 1).err(),
        Some(ConfigError::UnknownClass("nope".into()))
    );
    let mut cfg = config();
    cfg.links.push(crate::config::LinkAssignment {
        from: 0,
        to: 0,
        class: "link".into(),
        both: false,
    });
    assert_eq!(
        Network::new(&cfg, 2, 1).err(),
        Some(ConfigError::NoSuchLink { from: 0, to: 0 })
    );
}

/// A plan counts the nodes it was made for, not its routers: 5 nodes on a 3x2 mesh
/// leave position 5 as a switch (docs/network.md, Topologies and routing), and every
/// network built from the plan has the same 5 nodes.
#[test]
fn a_plan_counts_its_nodes_not_its_routers() {
    let plan = NetworkPlan::new(&mesh(3, 2), 5).expect("valid");
    assert_eq!(plan.nodes(), 5);
    assert_eq!(plan.topology.routers, 6);
    for seed in [1, 2] {
        assert_eq!(Network::from_plan(&plan, seed).nodes(), 5);
    }
}

proptest! {
    /// A lone packet on a line of k hops arrives when the closed forms say.
    #[test]
    fn lone_packet_timing_matches_the_closed_forms(
        k in 1u32..8,
        words in 0usize..64,
        bandwidth in 1_000_000u64..100_000_000_000,
        latency in 0u64..1_000_000_000,
        router in 0u64..100_000_000,
        nic in 0u64..10_000_000,
        t0 in 0u64..1_000_000_000,
        cut_through: bool,
        ports: bool,
    ) {
        let cfg = NetworkConfig {
            switching: if cut_through { Switching::CutThrough } else { Switching::StoreAndForward },
            nic_latency: nic,
            nic_bandwidth: ports.then_some(bandwidth),
            link: LinkClassConfig {
                bandwidth: Some(bandwidth),
                latency: Some(latency),
                router: Some(router),
                ..LinkClassConfig::default()
            },
            ..mesh(k + 1, 1)
        };
        let mut net = Network::new(&cfg, k as usize + 1, 1).expect("valid");
        net.send(t0, msg(0, k, 0, None, words)).expect("sent");
        let header = HeaderLayout::default().bits();
        let s = serialization_time(header + 32 * words as u64, bandwidth);
        let h = serialization_time(header, bandwidth);
        let k = u64::from(k);
        // NIC ports as fast as the links add a header each (cut-through) or a
        // whole packet each (store-and-forward).
        let port = u64::from(ports);
        let expected = if cut_through {
            t0 + k * (router + latency) + (k - 1 + 2 * port) * h + s + nic
        } else {
            t0 + k * (router + s + latency) + 2 * port * s + nic
        };
        prop_assert_eq!(drain(&mut net)[0].time, expected);
    }
}

#[test]
fn the_largest_all_to_all_keeps_only_used_links() {
    let nodes = 1 << 16;
    let mut cfg = config();
    cfg.classes.insert(
        "slow".into(),
        LinkClassConfig {
            latency: Some(2 * LAT),
            ..LinkClassConfig::default()
        },
    );
    cfg.links.push(crate::config::LinkAssignment {
        from: 65_535,
        to: 0,
        class: "slow".into(),
        both: false,
    });
    let mut net = Network::new(&cfg, nodes, 1).expect("valid");
    net.send(0, msg(0, 65_535, 0, None, 0)).expect("sent");
    net.send(0, msg(65_535, 0, 0, None, 0)).expect("sent");
    let s = ser(HeaderLayout::default().bits());
    let times: Vec<_> = drain(&mut net).iter().map(|d| d.time).collect();
    assert_eq!(times, vec![ROUTER + s + LAT, ROUTER + s + 2 * LAT]);
    let links = net.stats().links;
    assert_eq!(links.len(), 2);
    assert_eq!(
        (links[0].from, links[0].to, links[0].class.as_str()),
        (0, 65_535, "link")
    );
    assert_eq!(
        (links[1].from, links[1].to, links[1].class.as_str()),
        (65_535, 0, "slow")
    );
}

#[test]
fn a_network_can_move_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Network>();
}

/// One step of a random workload.
#[derive(Debug, Clone)]
enum Op {
    Open(u32),
    Close(u32, u16),
    Send {
        src: u32,
        dst: u32,
        inbox: u16,
        reply: Option<(u32, u16)>,
        words: usize,
    },
    Advance(Time),
    Recv(u32, u16),
}

fn op(nodes: u32) -> impl Strategy<Value = Op> {
    let node = 0..nodes;
    let inbox = 0u16..4;
    prop_oneof![
        node.clone().prop_map(Op::Open),
        (node.clone(), inbox.clone()).prop_map(|(n, i)| Op::Close(n, i)),
        (
            node.clone(),
            node.clone(),
            inbox.clone(),
            proptest::option::of((node.clone(), inbox.clone())),
            0usize..8
        )
            .prop_map(|(src, dst, inbox, reply, words)| Op::Send {
                src,
                dst,
                inbox,
                reply,
                words
            }),
        (0u64..200_000_000).prop_map(Op::Advance),
        (node, inbox).prop_map(|(n, i)| Op::Recv(n, i)),
    ]
}

proptest! {
    /// Whatever the workload, nothing panics and every message is accounted for:
    /// each send, and each message taken back out of a closed inbox, ends exactly
    /// once as placed, lost, corrupted or undeliverable (a bounce passes it on).
    #[test]
    fn every_packet_is_accounted_for(
        ops in proptest::collection::vec(op(6), 1..200),
        cut_through: bool,
        ports: bool,
        seed: u64,
    ) {
        let mut cfg = NetworkConfig {
            switching: if cut_through { Switching::CutThrough } else { Switching::StoreAndForward },
            nic_bandwidth: ports.then_some(BW / 3),
            tx_queue: 3,
            inbox_capacity: 2,
            ..mesh(3, 2)
        };
        cfg.link.drop = Some(0.05);
        cfg.link.ber = Some(1e-4);
        cfg.link.jitter = Some(LAT);
        cfg.link.down = Some(vec![Window { start: 50_000_000, end: 90_000_000 }]);
        let mut net = Network::new(&cfg, 6, seed).expect("valid");
        let mut now = 0;
        let mut out = Vec::new();
        let mut closed_out = 0u64;
        for op in ops {
            match op {
                Op::Open(n) => {
                    net.open(n).expect("ids left");
                }
                Op::Close(n, i) => {
                    let waiting = net.poll(n, i).unwrap_or(0) as u64;
                    if net.close(now, n, i).is_ok() {
                        closed_out += waiting;
                    }
                }
                Op::Send { src, dst, inbox, reply, words } => {
                    let msg = Message {
                        src,
                        dst: Address::new(dst, inbox),
                        reply_to: reply.map(|(n, i)| Address::new(n, i)),
                        msg_type: src,
                        payload: Payload::from_elem(7, words),
                    };
                    match net.send(now, msg) {
                        Ok(()) | Err(SendError::Full) => {}
                        Err(e) => prop_assert!(false, "unexpected {e}"),
                    }
                }
                Op::Advance(dt) => {
                    now += dt;
                    net.advance(now, &mut out);
                    prop_assert!(out.iter().all(|d| d.time <= now));
                }
                Op::Recv(n, i) => {
                    let _ = net.recv(n, i);
                }
            }
        }
        drain(&mut net);
        let s = net.stats();
        let sent: u64 = s.nodes.iter().map(|n| n.sent).sum();
        let received: u64 = s.nodes.iter().map(|n| n.received).sum();
        prop_assert_eq!(s.in_flight, 0);
        prop_assert_eq!(
            sent + closed_out,
            received + s.drops.lost + s.drops.corrupted + s.drops.undeliverable
        );
    }
}

/// `config()` with NIC ports of bandwidth `BW / 2`.
fn with_ports(cfg: NetworkConfig) -> NetworkConfig {
    NetworkConfig {
        nic_bandwidth: Some(BW / 2),
        ..cfg
    }
}

#[test]
fn nic_ports_add_their_serialization_at_both_ends() {
    let mut net = Network::new(&with_ports(config()), 2, 1).expect("valid");
    net.send(5, msg(0, 1, 0, None, 3)).expect("sent");
    let bits = HeaderLayout::default().bits() + 96;
    let port = serialization_time(bits, BW / 2);
    // t = t0 + 2 S_nic + k (R + S + L), k = 1
    assert_eq!(
        drain(&mut net)[0].time,
        5 + 2 * port + ROUTER + ser(bits) + LAT
    );
    let stats = net.stats();
    let out = stats.nodes[0].nic_out.clone().expect("modelled");
    assert_eq!((out.packets, out.busy), (1, port));
    assert_eq!(stats.nodes[1].nic_in.clone().expect("modelled").packets, 1);
    assert_eq!(
        Network::new(&config(), 2, 1).expect("valid").stats().nodes[0].nic_out,
        None
    );
}

/// Sends two header-only messages at time 0 between the given (src, dst) pairs on
/// a 3-node all-to-all network with NIC ports; returns the network, the delivery
/// times, one port serialization time and the one-way time without ports.
fn two_through_ports(pairs: [(u32, u32); 2]) -> (Network, Vec<Time>, Time, Time) {
    let mut net = Network::new(&with_ports(config()), 3, 1).expect("valid");
    for (src, dst) in pairs {
        net.send(0, msg(src, dst, 0, None, 0)).expect("sent");
    }
    let bits = HeaderLayout::default().bits();
    let times = drain(&mut net).iter().map(|d| d.time).collect();
    (
        net,
        times,
        serialization_time(bits, BW / 2),
        ROUTER + ser(bits) + LAT,
    )
}

#[test]
fn nic_output_port_serializes_sends_to_different_nodes() {
    let (_, times, port, link) = two_through_ports([(0, 1), (0, 2)]);
    assert_eq!(times, vec![2 * port + link, 3 * port + link]);
}

#[test]
fn nic_input_port_serializes_arrivals_from_different_nodes() {
    let (net, times, port, link) = two_through_ports([(1, 0), (2, 0)]);
    assert_eq!(times, vec![2 * port + link, 3 * port + link]);
    let stats = net.stats();
    let input = stats.nodes[0].nic_in.as_ref().expect("modelled");
    assert_eq!(input.queue_delay_max, port);
}

#[test]
fn nic_port_queue_delays_are_the_waits_of_a_fifo_server() {
    // k header-only sends at t = 0 through node 0's output port wait 0, P, .., (k-1) P;
    // node 1 then receives them P apart, so its input port never waits.
    let k = 7;
    let mut net = Network::new(&with_ports(config()), 2, 1).expect("valid");
    for _ in 0..k {
        net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    }
    drain(&mut net);
    let port = serialization_time(HeaderLayout::default().bits(), BW / 2);
    let stats = net.stats();
    let out = stats.nodes[0].nic_out.as_ref().expect("modelled");
    assert_eq!((out.packets, out.busy), (k, k * port));
    assert_eq!(out.queue_delay_max, (k - 1) * port);
    assert_eq!(out.queue_delay_mean, ((k - 1) * port) as f64 / 2.0);
    let into = stats.nodes[1].nic_in.as_ref().expect("modelled");
    assert_eq!((into.packets, into.queue_delay_max), (k, 0));
    assert_eq!(into.queue_delay_mean, 0.0);
    // Two senders at once: the second arrival waits one P at node 0's input port.
    let (net, ..) = two_through_ports([(1, 0), (2, 0)]);
    let stats = net.stats();
    let into = stats.nodes[0].nic_in.as_ref().expect("modelled");
    assert_eq!(into.queue_delay_mean, port as f64 / 2.0);
}

#[test]
fn nic_ports_under_cut_through_cost_a_header_each() {
    // Ports as fast as the links: t = t0 + k (R + L) + (k + 1) H + S.
    let cfg = NetworkConfig {
        switching: Switching::CutThrough,
        nic_bandwidth: Some(BW),
        ..mesh(4, 1)
    };
    let mut net = Network::new(&cfg, 4, 1).expect("valid");
    net.send(0, msg(0, 3, 0, None, 9)).expect("sent");
    let header = HeaderLayout::default().bits();
    let (h, s) = (ser(header), ser(header + 32 * 9));
    assert_eq!(drain(&mut net)[0].time, 3 * (ROUTER + LAT) + 4 * h + s);
}

#[test]
fn with_nic_ports_a_transmit_slot_frees_when_the_packet_leaves_the_nic() {
    let cfg = NetworkConfig {
        tx_queue: 1,
        ..with_ports(config())
    };
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    assert_eq!(net.send(0, msg(0, 1, 0, None, 0)), Err(SendError::Full));
    // The port crossing is due at the clock with nothing before it, so the network decided
    // it at the send: the slot's end is known at once.
    let port = serialization_time(HeaderLayout::default().bits(), BW / 2);
    assert_eq!(net.tx_free_at(0), Some(port));
    net.advance(0, &mut Vec::new());
    assert_eq!(net.tx_free_at(0), Some(port));
    net.send(port, msg(0, 1, 0, None, 0)).expect("room again");
}

#[test]
fn heap_payloads_are_reused_from_received_and_dropped_messages() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    let long = INLINE_WORDS + 2;
    assert!(!net.payload_buffer(long).spilled(), "nothing to reuse yet");
    net.send(0, msg(0, 1, 0, None, long)).expect("sent");
    drain(&mut net);
    let got = net.recv(1, 0).expect("open").expect("delivered");
    let at = got.payload.as_ptr();
    net.recycle(got.payload);
    let reused = net.payload_buffer(long);
    assert_eq!(
        (reused.len(), reused.as_ptr()),
        (0, at),
        "the same heap payload, emptied"
    );
    // A message to a closed inbox without a reply-to is dropped; its heap payload is kept.
    let later = net.clock();
    net.send(later, msg(0, 1, 9, None, long + 1)).expect("sent");
    drain(&mut net);
    assert_eq!(net.stats().drops.undeliverable, 1);
    assert!(net.payload_buffer(long).capacity() > long);
}

#[test]
fn short_payloads_are_inline_and_never_take_a_heap_payload() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    net.recycle(Payload::from_elem(7, INLINE_WORDS + 1));
    let short = net.payload_buffer(INLINE_WORDS);
    assert!(!short.spilled(), "inline");
    net.send(0, msg(0, 1, 0, None, INLINE_WORDS)).expect("sent");
    drain(&mut net);
    let got = net.recv(1, 0).expect("open").expect("delivered");
    assert!(!got.payload.spilled());
    net.recycle(got.payload);
    assert!(
        net.payload_buffer(INLINE_WORDS + 1).spilled(),
        "the heap payload is still there"
    );
    assert!(
        !net.payload_buffer(INLINE_WORDS + 1).spilled(),
        "and only it"
    );
}

/// `quiet_until`: no delivery to a node comes before its earliest scheduled one, nor
/// sooner after `now` than the last crossing allows (link latency, a bare header's
/// serialization at the fastest bandwidth, the NIC latency; router time not counted).
/// A bare header sent at `now` over a link with no router time meets the bound exactly.
#[test]
fn quiet_until_is_a_tight_lower_bound_on_deliveries() {
    let header = ser(HeaderLayout::default().bits());
    let cfg = NetworkConfig {
        nic_latency: 11,
        ..config()
    };
    let reach = LAT + header + 11;
    let mut net = Network::new(&cfg, 4, 1).expect("valid");
    assert_eq!(net.quiet_until(3, 0), reach);
    let t0 = 1_000;
    net.send(t0, msg(0, 3, 0, None, 1)).expect("sent");
    // Ready for the link at t0 + R; the one-word packet arrives after the bound from then.
    let delivery = t0 + ROUTER + ser(HeaderLayout::default().bits() + 32) + LAT + 11;
    assert_eq!(net.quiet_until(3, t0), t0 + reach);
    let mut out = Vec::new();
    net.advance(t0 + ROUTER, &mut out);
    assert_eq!(net.quiet_until(3, t0 + ROUTER), t0 + ROUTER + reach);
    assert!(delivery < t0 + ROUTER + 40_000_000 + reach);
    assert_eq!(net.quiet_until(3, t0 + ROUTER + 40_000_000), delivery);
    assert_eq!(
        net.quiet_until(2, t0 + ROUTER + 40_000_000),
        t0 + ROUTER + 40_000_000 + reach,
        "a packet for node 3 does not bound node 2"
    );
    assert_eq!(drain(&mut net)[0].time, delivery);
    assert_eq!(net.quiet_until(3, delivery), delivery + reach);

    let no_router = NetworkConfig {
        link: LinkClassConfig {
            router: Some(0),
            ..cfg.link.clone()
        },
        ..cfg.clone()
    };
    let mut net = Network::new(&no_router, 4, 1).expect("valid");
    net.send(t0, msg(0, 3, 0, None, 0)).expect("sent");
    assert_eq!(drain(&mut net)[0].time, t0 + reach);

    let ports = NetworkConfig {
        nic_bandwidth: Some(BW / 2),
        ..cfg
    };
    let net = Network::new(&ports, 4, 1).expect("valid");
    let port_header = serialization_time(HeaderLayout::default().bits(), BW / 2);
    assert_eq!(net.quiet_until(3, t0), t0 + port_header + 11);
}

#[test]
fn recorded_hops_are_each_links_ready_start_and_end_from_the_call_on() {
    // A 3x1 mesh: node 0 to node 2 takes link 0 -> 1, then 1 -> 2. Two packets of B bits
    // sent together: both are ready for the first link at R; the second starts when the
    // first has left (R + S). Each reaches router 1 at its end + L and is ready for the
    // second link R later (docs/network.md, store-and-forward).
    let mut net = Network::new(&mesh(3, 1), 3, 1).expect("valid");
    assert_eq!(net.nodes(), 3);
    assert_eq!((net.route(0, 2), net.route(2, 2)), (vec![0, 1, 2], vec![2]));
    assert_eq!(
        (net.route(0, 3), net.route(3, 0)),
        (vec![], vec![]),
        "no node 3"
    );
    net.send(0, msg(0, 2, 0, None, 1)).expect("sent");
    drain(&mut net);
    assert_eq!(net.hops(), &[], "nothing recorded before record_hops");
    net.record_hops();
    let t0 = net.clock();
    net.send(t0, msg(0, 2, 0, None, 1)).expect("sent");
    net.send(t0, msg(0, 2, 0, None, 1)).expect("sent");
    drain(&mut net);
    let id = |from, to| {
        let stats = net.stats();
        let link = stats.links.iter().find(|l| (l.from, l.to) == (from, to));
        link.expect("a used link").id
    };
    let (first, second) = (id(0, 1), id(1, 2));
    let s = ser(HeaderLayout::default().bits() + 32);
    let (r, l) = (ROUTER, LAT);
    let hop = |link, ready, start| Hop {
        link,
        ready: t0 + ready,
        start: t0 + start,
        end: t0 + start + s,
    };
    assert_eq!(
        net.hops(),
        &[
            hop(first, r, r),
            hop(first, r, r + s),
            hop(second, 2 * r + s + l, 2 * r + s + l),
            hop(second, 2 * r + 2 * s + l, 2 * r + 2 * s + l),
        ]
    );
}

#[test]
fn the_longest_payload_is_what_the_length_field_describes() {
    // docs/network.md: at most 2^length - 1 words; a 4-bit length field allows 15.
    let cfg = NetworkConfig {
        header: HeaderLayout {
            length: 4,
            ..HeaderLayout::default()
        },
        ..config()
    };
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 15)).expect("15 words fit");
    assert_eq!(
        net.send(0, msg(0, 1, 0, None, 16)),
        Err(SendError::TooLong { len: 16, max: 15 })
    );
    assert_eq!(drain(&mut net).len(), 1);
    assert_eq!(
        net.recv(1, 0).expect("open").map(|m| m.payload.len()),
        Some(15)
    );
}

#[test]
fn node_and_type_counters_add_up_by_hand() {
    // Node 0 sends two messages of type 5 (1 and 3 words) to node 1's inbox 0 and one of
    // type 9 (no payload) to its inbox 7, never opened, with reply-to node 0: node 1
    // returns it. Headers of 163 bits make the byte counts round up (docs/network.md,
    // Statistics).
    let cfg = NetworkConfig {
        header: HeaderLayout {
            framing: 3,
            ..HeaderLayout::default()
        },
        ..config()
    };
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    let h = 163;
    net.send(0, msg(0, 1, 0, None, 1)).expect("sent");
    net.send(0, msg(0, 1, 0, None, 3)).expect("sent");
    let mut back = msg(0, 1, 7, Some(Address::new(0, 0)), 0);
    back.msg_type = 9;
    net.send(0, back).expect("sent");
    let (s1, s3, s0) = (ser(h + 32), ser(h + 96), ser(h));
    let (r, l) = (ROUTER, LAT);
    // All three queue on link 0 -> 1; the third bounces when it arrives (t3) and crosses
    // link 1 -> 0.
    let t3 = r + s1 + s3 + s0 + l;
    let at = |time, node| Delivery {
        time,
        node,
        inbox: 0,
    };
    assert_eq!(
        drain(&mut net),
        vec![
            at(r + s1 + l, 1),
            at(r + s1 + s3 + l, 1),
            at(t3 + r + s0 + l, 0)
        ]
    );
    let stats = net.stats();
    let sender = NodeStats {
        sent: 3,
        received: 1,
        bits_sent: 3 * h + 128,
        bits_received: h,
        bytes_sent: 78,
        bytes_received: 21,
        bounced: 0,
        returned: 1,
        refused: 0,
        latency_max: r + s0 + l,
        latency_mean: (r + s0 + l) as f64,
        nic_out: None,
        nic_in: None,
        auth_failed: None,
    };
    let receiver = NodeStats {
        sent: 0,
        received: 2,
        bits_sent: 0,
        bits_received: 2 * h + 128,
        bytes_sent: 0,
        bytes_received: 57,
        bounced: 1,
        returned: 0,
        refused: 0,
        latency_max: r + s1 + s3 + l,
        latency_mean: (2 * r + 2 * s1 + s3 + 2 * l) as f64 / 2.0,
        nic_out: None,
        nic_in: None,
        auth_failed: None,
    };
    assert_eq!(stats.nodes, vec![sender, receiver]);
    let of = |sent, bits, delivered, returned| TypeStats {
        sent,
        bits,
        delivered,
        returned,
    };
    assert_eq!(
        stats.types.into_iter().collect::<Vec<_>>(),
        vec![(5, of(2, 2 * h + 128, 2, 0)), (9, of(1, h, 0, 1))]
    );
    assert_eq!(stats.drops, DropStats::default());
    assert_eq!((stats.in_flight, stats.time), (0, t3 + r + s0 + l));
}

#[test]
fn a_take_is_settled_while_the_inbox_has_room_for_every_possible_arrival() {
    // Network::recv_settled: the inbox holds a message, and its length plus twice the
    // deliveries possible until `at` (packets in flight to the node, plus, per incoming
    // link, span / hold + 1 where hold is a bare header's serialization at the fastest
    // bandwidth) fits the capacity. In a 3-node all-to-all node 1 has 2 incoming links.
    let hold = ser(HeaderLayout::default().bits());
    let net_of = |inbox_capacity| {
        let cfg = NetworkConfig {
            inbox_capacity,
            ..config()
        };
        let mut net = Network::new(&cfg, 3, 1).expect("valid");
        assert!(!net.recv_settled(1, 0, 0, 0), "an empty inbox");
        net.place(0, msg(0, 1, 0, None, 0)).expect("room");
        net
    };
    // 1 waiting + 2 x (2 links x 1 packet) = 5.
    let mut net = net_of(5);
    assert!(net.recv_settled(1, 0, 0, 0));
    assert!(net.recv_settled(1, 0, 10, 10 + hold - 1));
    // 2 packets per link: 1 + 2 x 4 = 9.
    assert!(!net.recv_settled(1, 0, 10, 10 + hold));
    assert!(!net.recv_settled(1, 0, 10, 9), "a time before now");
    assert!(!net.recv_settled(1, 1, 0, 0), "an inbox never opened");
    assert!(!net.recv_settled(3, 0, 0, 0), "no such node");
    let mut nine = net_of(9);
    assert!(nine.recv_settled(1, 0, 10, 10 + hold));
    assert!(
        !nine.recv_settled(1, 0, 10, 10 + 2 * hold),
        "1 + 2 x 6 = 13"
    );
    // A packet in flight to node 1 counts too: 1 + 2 x (1 + 2) = 7.
    net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    assert!(!net.recv_settled(1, 0, 0, 0));
    let mut seven = net_of(7);
    seven.send(0, msg(2, 1, 0, None, 0)).expect("sent");
    assert!(seven.recv_settled(1, 0, 0, 0));
    let _ = (drain(&mut net), drain(&mut nine), drain(&mut seven));
    assert!(
        seven.recv_settled(1, 0, 0, 0),
        "delivered: 2 waiting + 2 x 2 = 6"
    );
}

#[test]
fn with_nic_ports_settling_counts_the_input_port_too() {
    // With ports of 4 Gbit/s a bare header holds the input port 40 ns, a link 160 ns:
    // within a span, at most min(2 x (span / 160 ns + 1), span / 40 ns + 1) arrivals.
    let cfg = |inbox_capacity| NetworkConfig {
        inbox_capacity,
        nic_bandwidth: Some(4 * BW),
        ..config()
    };
    let (port, link) = (
        ser(HeaderLayout::default().bits()) / 4,
        ser(HeaderLayout::default().bits()),
    );
    let mut three = Network::new(&cfg(3), 3, 1).expect("valid");
    three.place(0, msg(0, 1, 0, None, 0)).expect("room");
    assert!(three.recv_settled(1, 0, 0, port - 1), "1 + 2 x 1 = 3");
    assert!(!three.recv_settled(1, 0, 0, port), "1 + 2 x 2 = 5");
    let mut five = Network::new(&cfg(5), 3, 1).expect("valid");
    five.place(0, msg(0, 1, 0, None, 0)).expect("room");
    assert!(
        five.recv_settled(1, 0, 0, link - 1),
        "links bound it: 1 + 2 x 2"
    );
    assert!(!five.recv_settled(1, 0, 0, link), "1 + 2 x min(4, 5) = 9");
}

#[test]
fn the_transmit_queue_holds_each_packet_until_its_first_hop_ends() {
    // docs/network.md, Transmit queue: a packet takes a slot from its send until its last
    // bit has left on its first link. Three packets on one link end their first hops at
    // R + S, R + 2S and R + 3S; a message to oneself takes no slot.
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    for _ in 0..3 {
        net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    }
    net.send(0, msg(1, 1, 0, None, 0)).expect("to itself");
    assert_eq!((net.tx_queued(0, 0), net.tx_queued(1, 0)), (3, 0));
    net.advance(ROUTER, &mut Vec::new());
    let s = ser(HeaderLayout::default().bits());
    let queued: Vec<_> = [s - 1, s, 2 * s - 1, 2 * s, 3 * s]
        .iter()
        .map(|&t| net.tx_queued(0, ROUTER + t))
        .collect();
    assert_eq!(queued, vec![3, 2, 2, 1, 0]);
    assert_eq!(net.tx_queued(2, 0), 0, "no such node");
}

#[test]
fn at_most_max_spare_heap_payloads_are_kept_and_never_inline_ones() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    let long = INLINE_WORDS + 1;
    net.recycle(Payload::with_capacity(long));
    net.recycle(Payload::new());
    assert!(
        net.payload_buffer(long).capacity() >= long,
        "an inline payload is not kept"
    );
    for _ in 0..=MAX_SPARE {
        net.recycle(Payload::from_elem(1, long));
    }
    let kept = std::iter::from_fn(|| Some(net.payload_buffer(long)))
        .take_while(|v| v.spilled())
        .count();
    assert_eq!(kept, MAX_SPARE);
}

#[test]
fn a_lost_packet_no_longer_counts_as_in_flight_to_its_node() {
    // Every hop loses its packet (drop = 1): once lost, the packet is not among the
    // arrivals Network::recv_settled counts (1 waiting + 2 x 2 links = 5).
    let cfg = NetworkConfig {
        link: LinkClassConfig {
            drop: Some(1.0),
            ..config().link
        },
        inbox_capacity: 5,
        ..config()
    };
    let mut net = Network::new(&cfg, 3, 1).expect("valid");
    net.place(0, msg(0, 1, 0, None, 0)).expect("room");
    net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    assert!(!net.recv_settled(1, 0, 0, 0), "1 + 2 x (1 + 2) = 7");
    assert_eq!(drain(&mut net), vec![]);
    assert_eq!(net.stats().drops.lost, 1);
    let now = net.clock();
    assert!(net.recv_settled(1, 0, now, now));
}

#[test]
fn inboxes_are_open_from_open_until_close() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    assert!(net.is_open(1, 0), "inbox 0 is open from the start");
    assert!(!net.is_open(1, 1), "never opened");
    assert_eq!(net.open(1), Ok(1));
    assert!(net.is_open(1, 1));
    assert_eq!(net.open_inboxes(1), 2);
    net.close(0, 1, 0).expect("open");
    assert!(!net.is_open(1, 0), "closed");
    assert_eq!((net.open_inboxes(1), net.open_inboxes(0)), (1, 1));
    assert!(!net.is_open(2, 0), "no such node");
    assert_eq!(net.open_inboxes(2), 0);
}

#[test]
fn a_returned_message_takes_no_transmit_slot_of_the_bouncing_node() {
    // docs/network.md, Transmit queue: messages a NIC returns to sender do not take a
    // slot. Node 1 returns a message at t1 = R + S + L; it crosses link 1 -> 0 from
    // t1 + R to t1 + R + S, while node 1, with a queue of one, can still send.
    let cfg = NetworkConfig {
        tx_queue: 1,
        ..config()
    };
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    net.send(0, msg(0, 1, 7, Some(Address::new(0, 0)), 0))
        .expect("sent");
    let s = ser(HeaderLayout::default().bits());
    let crossing = (ROUTER + s + LAT) + ROUTER;
    net.advance(crossing, &mut Vec::new());
    assert_eq!(net.stats().nodes[1].bounced, 1);
    assert_eq!(net.tx_queued(1, crossing), 0);
    net.send(crossing, msg(1, 0, 0, None, 0))
        .expect("a free slot");
}

#[test]
fn the_input_port_takes_packets_as_they_arrive_not_as_their_hops_started() {
    // docs/network.md, NIC ports: the input port starts at max(arrival_k, port free).
    // Ports of 100 Gbit/s on links of 1 Gbit/s, a 3x1 mesh: node 0 sends 100 words to
    // node 1 at 0, node 2 a bare header at 100 ns, after the first packet's hop started.
    // The short packet arrives long before the long one and crosses the port first.
    let cfg = NetworkConfig {
        nic_bandwidth: Some(100 * BW),
        ..mesh(3, 1)
    };
    let mut net = Network::new(&cfg, 3, 1).expect("valid");
    let h = HeaderLayout::default().bits();
    let port = |bits| serialization_time(bits, 100 * BW);
    net.send(0, msg(0, 1, 0, None, 100)).expect("sent");
    let t1 = 100_000_000;
    net.advance(t1, &mut Vec::new());
    net.send(t1, msg(2, 1, 0, None, 0)).expect("sent");
    let long = h + 3200;
    let arrival = |t0, bits| t0 + port(bits) + ROUTER + ser(bits) + LAT;
    assert_eq!(
        drain(&mut net).iter().map(|d| d.time).collect::<Vec<_>>(),
        vec![arrival(t1, h) + port(h), arrival(0, long) + port(long)]
    );
}

#[test]
fn a_first_hop_due_at_once_is_taken_at_the_send_unless_another_event_is_due_then() {
    // docs/network.md, Transmit queue: a first hop due at the network's clock with no other
    // internal event due by then is taken at the send, so tx_free_at is the end of its
    // serialization; otherwise it waits for its turn and tx_free_at is its ready time.
    // No router time, so a first hop is due at the send.
    let cfg = NetworkConfig {
        link: LinkClassConfig {
            router: Some(0),
            ..config().link
        },
        tx_queue: 1,
        ..config()
    };
    let mut net = Network::new(&cfg, 5, 1).expect("valid");
    let s = ser(HeaderLayout::default().bits());
    net.send(0, msg(0, 1, 0, None, 0)).expect("sent");
    assert_eq!(net.tx_free_at(0), Some(s), "nothing else due");
    net.send(0, msg(2, 1, 0, None, 0)).expect("sent");
    assert_eq!(net.tx_free_at(2), Some(s), "only a later delivery due");
    // A message to oneself without NIC latency is due at once: the next hop waits.
    net.send(0, msg(3, 3, 0, None, 0)).expect("sent");
    net.send(0, msg(4, 1, 0, None, 0)).expect("sent");
    assert_eq!(
        net.tx_free_at(4),
        Some(0),
        "a delivery due at the same time"
    );
    assert_eq!(drain(&mut net).len(), 4);
}

#[test]
fn a_reply_to_address_on_no_node_is_dropped_and_counted() {
    // docs/network.md, Return to sender: a reply-to address on a node that does not
    // exist is dropped and counted (as undeliverable); nothing is returned.
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    net.send(0, msg(0, 1, 7, Some(Address::new(2, 0)), 0))
        .expect("sent");
    assert_eq!(drain(&mut net), vec![]);
    let stats = net.stats();
    assert_eq!(stats.drops.undeliverable, 1);
    assert_eq!((stats.nodes[1].bounced, stats.in_flight), (0, 0));
}
