//! Tests of the network's timing, ordering, back-pressure and return to sender.
//! Expected times come from the formulas in `docs/network.md`, not from runs.

use super::*;
use crate::address::Address;
use crate::config::LinkClassConfig;

const BW: u64 = 1_000_000_000; // 1 Gbit/s: 1 bit = 1 ns = 1_000_000 fs
const LAT: Time = 7_000_000;
const ROUTER: Time = 3_000_000;

fn config() -> NetworkConfig {
    NetworkConfig {
        link: LinkClassConfig {
            bandwidth: Some(BW),
            latency: Some(LAT),
            router: Some(ROUTER),
        },
        ..NetworkConfig::default()
    }
}

fn msg(src: u16, dst: u16, inbox: u16, reply_to: Option<Address>, len: usize) -> Message {
    Message {
        src,
        dst: Address::new(dst, inbox),
        reply_to,
        msg_type: 5,
        payload: (0..len as u32).collect(),
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

fn ser(bits: u64) -> Time {
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
        for src in 1..5u16 {
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
        let prev = last[usize::from(m.src)].replace(m.msg_type);
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
    assert_eq!(back.payload, vec![0]);
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
    net.close(0, 1, inbox).expect("closed");
    assert!(!net.is_open(1, inbox));
    assert_eq!(net.open(1), Ok(2));
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
