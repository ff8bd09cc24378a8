//! Tests of authenticated packets (`[network.auth]`): the MAC's bits on every hop, the
//! NICs' cycles to compute and check it, and corrupted packets rejected at the receiving
//! NIC. Expected times come from the formulas in `docs/network.md`, worked out by hand.

use super::tests::{BW, LAT, ROUTER, config, drain, mesh, msg, ser};
use super::*;
use crate::auth::AuthConfig;
use crate::fault::Faults;
use crate::link::LinkParams;
use crate::time::serialization_time;

const MAC: u64 = 128;
const SIGN: u64 = 20;
const VERIFY: u64 = 30;
/// The sender's clock: 1 GHz.
const SENDER_PERIOD: Time = 1_000_000;
/// The receiver's clock: 400 MHz.
const RECEIVER_PERIOD: Time = 2_500_000;

fn authenticated(mut cfg: NetworkConfig) -> NetworkConfig {
    cfg.auth = Some(AuthConfig {
        mac: MAC as i64,
        sign: SIGN as i64,
        verify: VERIFY as i64,
    });
    cfg
}

/// A network of `nodes` nodes where node 0 runs at 1 GHz and node `dst` at 400 MHz.
fn network(cfg: &NetworkConfig, nodes: usize, dst: u32) -> Network {
    let mut net = Network::new(cfg, nodes, 1).expect("valid");
    net.set_nic_period(0, SENDER_PERIOD);
    net.set_nic_period(dst, RECEIVER_PERIOD);
    net
}

/// Bits of a packet of 7 payload words with the default header and the MAC.
const BITS: u64 = 160 + MAC + 32 * 7;

#[test]
fn store_and_forward_charges_the_mac_on_every_hop_and_the_nics_once() {
    // Node 0 to node 8 on a 3x3 mesh: k = 4 hops; nic_latency 11 fs.
    let cfg = authenticated(NetworkConfig {
        nic_latency: 11,
        ..mesh(3, 3)
    });
    let mut net = network(&cfg, 9, 8);
    let t0 = 123;
    net.send(t0, msg(0, 8, 0, None, 7)).expect("sent");
    // t = t0 + sign × P_src + k (R + ceil((B + M) / W) + L) + nic_latency + verify × P_dst,
    // at 1 Gbit/s one bit is 1 ns: 20 ns + 4 × (3 + 512 + 7) ns + 11 fs + 75 ns.
    let expected =
        t0 + SIGN * SENDER_PERIOD + 4 * (ROUTER + ser(BITS) + LAT) + 11 + VERIFY * RECEIVER_PERIOD;
    assert_eq!(
        expected,
        123 + 20_000_000 + 4 * 522_000_000 + 11 + 75_000_000
    );
    assert_eq!(drain(&mut net)[0].time, expected);
    let stats = net.stats();
    assert_eq!(stats.nodes[0].bits_sent, BITS);
    assert!(stats.links.iter().all(|l| l.bits == BITS));
    assert_eq!(stats.drops.auth_failed, Some(0));
    assert_eq!(stats.nodes[8].auth_failed, Some(0));
}

#[test]
fn cut_through_charges_the_mac_in_the_header_and_the_packet() {
    let cfg = authenticated(NetworkConfig {
        switching: Switching::CutThrough,
        ..mesh(3, 3)
    });
    let mut net = network(&cfg, 9, 8);
    net.send(0, msg(0, 8, 0, None, 7)).expect("sent");
    // t = sign × P_src + k (R + L) + (k − 1) H + S + verify × P_dst, H and S with the MAC.
    let header = ser(160 + MAC);
    let expected = SIGN * SENDER_PERIOD
        + 4 * (ROUTER + LAT)
        + 3 * header
        + ser(BITS)
        + VERIFY * RECEIVER_PERIOD;
    assert_eq!(drain(&mut net)[0].time, expected);
}

#[test]
fn nic_ports_start_after_the_mac_is_computed() {
    let port_bw = 2 * BW;
    let cfg = authenticated(NetworkConfig {
        nic_bandwidth: Some(port_bw),
        ..config()
    });
    let mut net = network(&cfg, 2, 1);
    net.send(0, msg(0, 1, 0, None, 7)).expect("sent");
    // t = sign × P_src + 2 S_nic + R + S + L + verify × P_dst (k = 1).
    let s_nic = serialization_time(BITS, port_bw);
    let expected =
        SIGN * SENDER_PERIOD + 2 * s_nic + ROUTER + ser(BITS) + LAT + VERIFY * RECEIVER_PERIOD;
    assert_eq!(drain(&mut net)[0].time, expected);
}

#[test]
fn a_message_to_oneself_is_not_authenticated() {
    let cfg = authenticated(NetworkConfig {
        nic_latency: 5,
        ..config()
    });
    let mut net = network(&cfg, 2, 0);
    net.send(40, msg(0, 0, 0, None, 1)).expect("sent");
    assert_eq!(drain(&mut net)[0].time, 45);
}

#[test]
fn a_nic_without_a_clock_takes_no_time() {
    let cfg = authenticated(config());
    let mut net = Network::new(&cfg, 2, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 7)).expect("sent");
    assert_eq!(drain(&mut net)[0].time, ROUTER + ser(BITS) + LAT);
}

#[test]
fn corrupted_packets_travel_on_and_fail_at_the_receiving_nic() {
    for switching in [Switching::StoreAndForward, Switching::CutThrough] {
        let mut cfg = authenticated(NetworkConfig {
            switching,
            ..mesh(3, 1)
        });
        cfg.link.ber = Some(1.0);
        let mut net = network(&cfg, 3, 2);
        net.send(0, msg(0, 2, 0, None, 0)).expect("sent");
        assert!(drain(&mut net).is_empty());
        let stats = net.stats();
        assert_eq!(stats.drops.auth_failed, Some(1));
        assert_eq!(stats.drops.corrupted, 0);
        assert_eq!(stats.nodes[2].auth_failed, Some(1));
        assert_eq!(stats.nodes[2].received, 0);
        // Both links carried it (a router does not check it) and corrupted it.
        let counts: Vec<_> = stats
            .links
            .iter()
            .map(|l| (l.packets, l.corrupted))
            .collect();
        assert_eq!(counts, vec![(1, 1); 2]);
        assert_eq!(stats.in_flight, 0);
    }
}

#[test]
fn failed_checks_match_a_host_model_of_the_fault_stream() {
    // One link, packets sent one at a time: each packet is one corruption draw, in send
    // order, so the host's own `Faults` with the same seed says which ones fail.
    let (seed, n, ber) = (2026, 2_000u32, 2e-4);
    let mut cfg = authenticated(NetworkConfig {
        tx_queue: 1 << 20,
        inbox_capacity: 1 << 20,
        ..config()
    });
    cfg.link.ber = Some(ber);
    let mut net = Network::new(&cfg, 2, seed).expect("valid");
    for i in 0..n {
        let mut m = msg(0, 1, 0, None, 6);
        m.payload.push(i);
        net.send(0, m).expect("sent");
    }
    drain(&mut net);
    let params = LinkParams {
        ber,
        ..LinkParams::default()
    };
    let mut host = Faults::new(seed);
    let failed: Vec<u32> = (0..n)
        .filter(|_| host.hop(&params, BITS).corrupted)
        .collect();
    let stats = net.stats();
    assert!(!failed.is_empty(), "the test draws some corruption");
    assert_eq!(stats.drops.auth_failed, Some(failed.len() as u64));
    assert_eq!(stats.nodes[1].auth_failed, Some(failed.len() as u64));
    let delivered: Vec<u32> = std::iter::from_fn(|| net.recv(1, 0).expect("open"))
        .map(|m| m.payload[6])
        .collect();
    let expected: Vec<u32> = (0..n).filter(|i| !failed.contains(i)).collect();
    assert_eq!(delivered, expected);
}

#[test]
fn without_auth_the_report_has_no_auth_fields() {
    let mut net = Network::new(&config(), 2, 1).expect("valid");
    net.send(0, msg(0, 1, 0, None, 1)).expect("sent");
    drain(&mut net);
    let json = serde_json::to_string(&net.stats()).expect("serializes");
    assert!(!json.contains("auth"), "{json}");
    let mut net = Network::new(&authenticated(config()), 2, 1).expect("valid");
    drain(&mut net);
    let json = serde_json::to_string(&net.stats()).expect("serializes");
    assert!(json.contains("\"auth_failed\":0"), "{json}");
}

#[test]
fn bad_auth_tables_are_configuration_errors() {
    for (table, reason) in [
        ("mac = 0", "mac must be 1 to 4096 bits, not 0"),
        ("mac = -64", "not -64"),
        ("mac = 100000", "not 100000"),
        ("mac = 64\nsign = -3", "sign must be 0 to 1000000 cycles"),
        (
            "mac = 64\nverify = 2000000",
            "verify must be 0 to 1000000 cycles",
        ),
    ] {
        let cfg: NetworkConfig = toml::from_str(&format!("[auth]\n{table}")).expect("parses");
        let err = Network::new(&cfg, 2, 1).expect_err("refused").to_string();
        assert!(err.contains(reason), "{table}: {err}");
    }
    assert!(toml::from_str::<NetworkConfig>("[auth]\nsign = 3").is_err());
    assert!(toml::from_str::<NetworkConfig>("[auth]\nmac = 8\nkey = 3").is_err());
    assert!(toml::from_str::<NetworkConfig>("[header]\nmac = 8").is_err());
}
