//! Fault injection through the real `aether` binary: a behavioural stimulus sends
//! numbered messages to the firmware collector of `programs/examples/net-order` over a
//! faulty link. Losses follow the configured probability within a stated statistical
//! bound, survivors stay in order, and a fixed seed reproduces the run byte for byte.

use aether_tests::cosim_support;

use cosim_support::{aether, example, log, report, scenario};

const COUNT: u64 = 2000;
const RESULT: u64 = 20;

fn lossy(fault: &str) -> String {
    format!(
        "seed = 7\n[programs.order]\nsources = [\"{}\"]\n\
         [[nodes]]\nid = 0\nprogram = \"order\"\nentry = \"collector\"\n\
         [[components]]\nkind = \"stimulus\"\nid = 1\ndst = {{ node = 0 }}\ntype = 1\n\
         sequence = true\nperiod = \"50 ns\"\ncount = {COUNT}\n\
         [network.link]\n{fault}\n",
        example("net-order/order.s")
    )
}

/// The collector's (received, out of order, missing).
fn collected(r: &serde_json::Value) -> (u64, u64, u64) {
    let records: Vec<_> = log(r).into_iter().filter(|l| l.2 == RESULT).collect();
    assert_eq!(records.len(), 1);
    let v = &records[0].3;
    (v[0], v[1], v[2])
}

/// Asserts that `observed` failures of `n` Bernoulli(p) trials lie within 5 standard
/// deviations of n * p: a correct model fails this with probability below 1e-6.
fn within_five_sigma(observed: u64, n: u64, p: f64) {
    let mean = n as f64 * p;
    let sigma = (n as f64 * p * (1.0 - p)).sqrt();
    assert!(
        (observed as f64 - mean).abs() <= 5.0 * sigma,
        "{observed} of {n} at p = {p}: expected {mean} +- {}",
        5.0 * sigma
    );
}

fn check_losses(r: &serde_json::Value, dropped: u64) {
    let (received, disorder, missing) = collected(r);
    assert_eq!(received + dropped, COUNT);
    assert_eq!(disorder, 0, "the survivors arrive in order");
    // Gaps show every loss but those after the last survivor (almost surely none of 10).
    assert!(
        missing <= dropped && dropped - missing < 10,
        "{missing} vs {dropped}"
    );
    assert_eq!(
        r["network"]["nodes"][0]["received"].as_u64(),
        Some(received)
    );
}

#[test]
fn drops_follow_the_probability_and_the_seed() {
    let (_dir, path) = scenario("drop.toml", &lossy("drop = 0.1"), &[]);
    let r = report(&path, &[], 0);
    let lost = r["network"]["drops"]["lost"].as_u64().expect("lost");
    within_five_sigma(lost, COUNT, 0.1);
    check_losses(&r, lost);
    let link = &r["network"]["links"][0];
    assert_eq!(link["lost"].as_u64(), Some(lost));
    assert_eq!(link["packets"].as_u64(), Some(COUNT));

    // The same seed drops the same packets: byte-identical reports.
    let path = path.to_str().expect("utf-8");
    let first = aether(&["run", path, "--json"]).stdout;
    let second = aether(&["run", path, "--json"]).stdout;
    assert!(!first.is_empty());
    assert_eq!(first, second);
    // Another seed drops others (it would take a coincidence of 1 in 10^8 not to).
    let other = report(std::path::Path::new(path), &["--seed", "8"], 0);
    assert_ne!(log(&other), log(&r));
    let lost = other["network"]["drops"]["lost"].as_u64().expect("lost");
    within_five_sigma(lost, COUNT, 0.1);
    check_losses(&other, lost);
}

#[test]
fn corrupted_packets_are_caught_by_the_crc_at_the_documented_rate() {
    // Each bit flips with probability q, so a 192-bit packet is corrupted with
    // probability 1 - (1 - q)^192 (docs/network.md) and dropped.
    let q: f64 = 5e-4;
    let (_dir, path) = scenario("ber.toml", &lossy("ber = 5e-4"), &[]);
    let r = report(&path, &[], 0);
    let corrupted = r["network"]["drops"]["corrupted"]
        .as_u64()
        .expect("corrupted");
    within_five_sigma(corrupted, COUNT, 1.0 - (1.0 - q).powi(192));
    assert_eq!(r["network"]["drops"]["lost"].as_u64(), Some(0));
    check_losses(&r, corrupted);
}

#[test]
fn a_down_window_delays_but_loses_nothing() {
    // Packets ready during [20 us, 30 us) wait for the link; all arrive, in order.
    let (_dir, path) = scenario(
        "down.toml",
        &lossy("down = [{ start = \"20 us\", end = \"30 us\" }]"),
        &[],
    );
    let r = report(&path, &[], 0);
    assert_eq!(collected(&r), (COUNT, 0, 0));
    // The first packet ready in the window waits for its end: 20 us is a send time
    // (a multiple of 50 ns), so it waits the whole 10 us.
    let link = &r["network"]["links"][0];
    assert_eq!(link["queue_delay_max"].as_u64(), Some(10_000_000_000));
}

#[test]
fn faults_belong_to_link_classes() {
    // 15 senders on a 4x4 mesh whose y links lose packets and whose x links do not.
    let text = format!(
        "seed = 5\n[programs.order]\nsources = [\"{}\"]\n[defaults]\nprogram = \"order\"\n\
         [[nodes]]\nid = 0\nentry = \"collector\"\n[[nodes]]\ncount = 15\nentry = \"sender\"\n\
         [network.topology]\nkind = \"mesh\"\nwidth = 4\nheight = 4\ny_class = \"lossy\"\n\
         [network.classes.lossy]\ndrop = 0.2\n",
        example("net-order/order.s")
    );
    let (_dir, path) = scenario("classes.toml", &text, &[]);
    let r = report(&path, &[], 0);
    let links = r["network"]["links"].as_array().expect("links");
    let lost = |class: &str| -> u64 {
        links
            .iter()
            .filter(|l| l["class"] == class)
            .map(|l| l["lost"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(lost("link"), 0);
    let total = r["network"]["drops"]["lost"].as_u64().expect("lost");
    assert_eq!(lost("lossy"), total);
    assert!(total > 0);
    let (received, disorder, _) = collected(&r);
    assert_eq!((received + total, disorder), (15 * 40, 0));
}
