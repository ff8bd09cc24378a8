//! Authenticated packets through the real `aether` binary and firmware
//! (`programs/examples/net-auth`): the one-way latency with and without a MAC from the
//! formula of docs/network.md ("Authenticated packets"), worked out here; which packets
//! fail authentication under a fixed seed from a host model of the seeded fault stream;
//! bad `[network.auth]` values as errors with exit code 2.

use aether_network::intact_probability;
use aether_tests::cosim_support::{aether, log, report, scenario};
use aether_tests::{packet_bits, serialization_fs, workspace_root};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PACKETS: u64 = 100;
const LEN: u64 = 4;
const ARRIVED: u64 = 40;
/// 4x3 mesh, node 0 to node 11: 3 hops in x, 2 in y.
const HOPS: u64 = 5;
const BANDWIDTH: u64 = 1_000_000_000;
const LATENCY: u64 = 20_000_000;
const ROUTER: u64 = 5_000_000;
const NIC_LATENCY: u64 = 3_000_000;
/// 250 MHz.
const PERIOD: u64 = 4_000_000;
const MAC: u64 = 128;
const SIGN: u64 = 20;
const VERIFY: u64 = 20;
const BER: f64 = 1e-4;
const NOISY_SEED: u64 = 7;

fn run(name: &str) -> serde_json::Value {
    let path = workspace_root().join(format!("programs/examples/net-auth/{name}.toml"));
    report(&path, &[], 0)
}

/// One-way latency of a lone packet with `mac` MAC bits and the NICs' `sign` and `verify`
/// cycles: `sign × P + k × (R + ceil((B + M) / W) + L) + nic_latency + verify × P`.
fn lone_latency(mac: u64, sign: u64, verify: u64) -> u64 {
    let s = serialization_fs(packet_bits(LEN) + mac, BANDWIDTH);
    sign * PERIOD + HOPS * (ROUTER + s + LATENCY) + NIC_LATENCY + verify * PERIOD
}

/// A whole number of femtoseconds as nanoseconds with thousands separators ("2,368 ns").
fn ns(fs: u64) -> String {
    assert!(
        fs.is_multiple_of(1_000_000),
        "{fs} fs is not a whole number of ns"
    );
    let digits = (fs / 1_000_000).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + " ns"
}

#[test]
fn authentication_costs_the_documented_latency_and_bits() {
    let plain = run("plain");
    let auth = run("auth");
    let (without, with) = (lone_latency(0, 0, 0), lone_latency(MAC, SIGN, VERIFY));
    for (r, latency, mac) in [(&plain, without, 0), (&auth, with, MAC)] {
        let receiver = &r["network"]["nodes"][11];
        assert_eq!(receiver["received"], PACKETS, "{receiver}");
        assert_eq!(receiver["latency_max"], latency);
        assert_eq!(receiver["latency_mean"].as_f64(), Some(latency as f64));
        let bits = PACKETS * (packet_bits(LEN) + mac);
        assert_eq!(r["network"]["nodes"][0]["bits_sent"], bits);
        let seqs: Vec<Vec<u64>> = log(r).into_iter().map(|(_, _, _, v)| v).collect();
        assert_eq!(seqs, (0..PACKETS).map(|i| vec![i]).collect::<Vec<_>>());
    }
    // Without the table the report has no authentication keys at all.
    assert!(!plain.to_string().contains("auth_failed"));
    assert_eq!(auth["network"]["drops"]["auth_failed"], 0);
    assert_eq!(auth["network"]["nodes"][11]["auth_failed"], 0);
    // The README quotes both latencies and their difference.
    let readme =
        std::fs::read_to_string(workspace_root().join("programs/examples/net-auth/README.md"))
            .expect("README");
    for figure in [ns(without), ns(with), ns(with - without)] {
        assert!(readme.contains(&figure), "README lacks {figure}");
    }
    let percent = ((with - without) * 100 + without / 2) / without;
    assert!(
        readme.contains(&format!("({percent} %)")),
        "README lacks {percent} %"
    );
}

/// The packets a host model of the network's fault stream corrupts: one ChaCha8 stream
/// seeded with the run seed, one corruption draw per hop in event order (each packet's
/// hops all come before the next packet is sent), a packet failing when any hop corrupts it.
fn host_failures() -> Vec<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(NOISY_SEED);
    let p = 1.0 - intact_probability(BER, packet_bits(LEN) + MAC);
    (0..PACKETS)
        .filter(|_| {
            let corrupted: Vec<bool> = (0..HOPS).map(|_| rng.random_bool(p)).collect();
            corrupted.contains(&true)
        })
        .collect()
}

#[test]
fn corrupted_packets_fail_authentication_as_the_host_model_says() {
    let r = run("noisy");
    let failed = host_failures();
    assert!(
        !failed.is_empty() && failed.len() < PACKETS as usize,
        "the seed corrupts some packets and not all: {failed:?}"
    );
    let n = failed.len() as u64;
    assert_eq!(r["network"]["drops"]["auth_failed"], n);
    assert_eq!(r["network"]["drops"]["corrupted"], 0);
    assert_eq!(r["network"]["nodes"][11]["auth_failed"], n);
    assert_eq!(r["network"]["nodes"][11]["received"], PACKETS - n);
    let arrived: Vec<u64> = log(&r)
        .into_iter()
        .map(|(node, _, tag, values)| {
            assert_eq!((node, tag), (11, ARRIVED));
            values[0]
        })
        .collect();
    let survivors: Vec<u64> = (0..PACKETS).filter(|i| !failed.contains(i)).collect();
    assert_eq!(arrived, survivors);
    // Every link of the route carried every packet: a router does not drop a corrupted one.
    for link in r["network"]["links"].as_array().expect("links") {
        assert_eq!(link["packets"], PACKETS, "{link}");
    }
    let out = aether(&["run", "programs/examples/net-auth/noisy.toml"]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(&format!(
            "{} delivered, 0 returned to sender, 0 undeliverable, 0 lost, 0 corrupted, {n} failed authentication, 0 in flight",
            PACKETS - n
        )),
        "{summary}"
    );
    let row = summary
        .lines()
        .skip_while(|l| !l.ends_with("auth failed"))
        .find(|l| l.split_whitespace().next() == Some("11"))
        .expect("node 11's row in the traffic table");
    assert_eq!(
        row.split_whitespace().last(),
        Some(n.to_string().as_str()),
        "{row}"
    );
}

#[test]
fn bad_auth_values_are_errors_with_exit_code_2() {
    let base =
        std::fs::read_to_string(workspace_root().join("programs/examples/net-auth/plain.toml"))
            .expect("plain.toml");
    let source =
        std::fs::read_to_string(workspace_root().join("programs/examples/net-auth/auth.s"))
            .expect("auth.s");
    for (table, reason) in [
        (
            "[network.auth]\nmac = -128",
            "mac must be 1 to 4096 bits, not -128",
        ),
        (
            "[network.auth]\nmac = 1000000",
            "mac must be 1 to 4096 bits, not 1000000",
        ),
        (
            "[network.auth]\nmac = 0",
            "mac must be 1 to 4096 bits, not 0",
        ),
        (
            "[network.auth]\nmac = 64\nsign = -1",
            "sign must be 0 to 1000000 cycles, not -1",
        ),
        (
            "[network.auth]\nmac = 64\nverify = 99999999999",
            "verify must be 0 to 1000000 cycles",
        ),
        ("[network.auth]\nsign = 4", "mac"),
        ("[network.header]\nmac = 64", "mac"),
    ] {
        let text = format!("{base}\n{table}\n");
        let (_dir, path) = scenario("bad.toml", &text, &[("auth.s", &source)]);
        let out = aether(&["run", path.to_str().expect("utf-8")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{table}: {stderr}");
        assert!(stderr.contains(reason), "{table}: {stderr}");
        assert!(!stderr.contains("panicked"), "{table}: {stderr}");
    }
}
