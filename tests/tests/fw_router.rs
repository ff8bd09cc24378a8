//! The Router example (`programs/examples/router`) through the real `aether` binary, checked
//! from its log alone against the layout its README documents: every generated message is
//! delivered by the endpoint of its address or dropped once with a reason, delivered ones
//! took at least as many hops as the Manhattan distance and the latency the log's times
//! give; every census has one record per site, each site's occupant where the cell rules
//! allow it, never more cell processes than the node holds; and a seed gives one report,
//! byte for byte, another seed another.

use std::collections::{BTreeMap, BTreeSet};

use aether_tests::cosim_support::{aether, log};

/// The scenario, relative to the workspace root.
const SCENARIO: &str = "programs/examples/router/router.toml";

/// router.s: the grid, the endpoint lattice, the addresses inputs draw and the limits.
const W: u64 = 9;
const H: u64 = 9;
const EX0: u64 = 2;
const EY0: u64 = 3;
const S: u64 = 2;
const AX: u64 = 4;
const AY: u64 = 3;
const QUOTA: u64 = 8;
const TURN: u64 = 400;
/// router.s: cycles between censuses, in us at the scenario's 1 GHz.
const CENSUS_US: usize = 6;
/// router.toml: processes per node; the daemon and the census take two of them.
const PROCESSES: u64 = 8;

/// router.s: log tags.
const TAG_GEN: u64 = 1;
const TAG_DELIVER: u64 = 2;
const TAG_DROP: u64 = 3;
const TAG_CENSUS: u64 = 4;
/// router.s: drop reasons.
const NO_ROOM: u64 = 1;
const NO_ENDPOINT: u64 = 2;
const EXPIRED: u64 = 3;
/// router.s: cell types.
const EMPTY: u64 = 0;
const WALL: u64 = 1;
const FLUID: u64 = 2;
const INPUT: u64 = 3;
const ENDPOINT: u64 = 4;
const MESSAGE: u64 = 5;

/// A site's coordinates.
fn xy(node: u64) -> (u64, u64) {
    (node % W, node / W)
}

/// On the fence: the grid's rim.
fn on_rim(node: u64) -> bool {
    let (x, y) = xy(node);
    x == 0 || y == 0 || x == W - 1 || y == H - 1
}

/// An input's site: the row above the bottom wall, even x inside the fence.
fn input_site(node: u64) -> bool {
    let (x, y) = xy(node);
    y == 1 && x % 2 == 0 && !on_rim(node)
}

/// The site of the endpoint with address (ex, ey), if it is inside the fence.
fn endpoint_site(ex: u64, ey: u64) -> Option<u64> {
    let (x, y) = (EX0 + S * ex, EY0 + S * ey);
    (x < W - 1 && y < H - 1).then_some(y * W + x)
}

/// The endpoint sites with their addresses.
fn endpoints() -> BTreeMap<u64, (u64, u64)> {
    let mut sites = BTreeMap::new();
    for ex in 0..W {
        for ey in 0..H {
            if let Some(site) = endpoint_site(ex, ey) {
                sites.insert(site, (ex, ey));
            }
        }
    }
    sites
}

fn manhattan(a: u64, b: u64) -> u64 {
    let ((ax, ay), (bx, by)) = (xy(a), xy(b));
    ax.abs_diff(bx) + ay.abs_diff(by)
}

/// Runs the example with `seed`; the JSON report's bytes.
fn run(seed: u64) -> Vec<u8> {
    let out = aether(&["run", SCENARIO, "--json", "--seed", &seed.to_string()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// What the messages' records add up to.
#[derive(Debug, Default)]
struct Outcome {
    generated: u64,
    delivered: u64,
    dropped: BTreeMap<u64, u64>,
}

/// Checks the message records of one run's log; returns the counts.
fn check_messages(records: &[(u64, u64, u64, Vec<u64>)]) -> Outcome {
    let endpoints = endpoints();
    // id -> (input node, time, address)
    let mut generated = BTreeMap::new();
    let mut per_input: BTreeMap<u64, u64> = BTreeMap::new();
    let mut finished = BTreeSet::new();
    let mut outcome = Outcome::default();
    for (node, time, tag, values) in records {
        match *tag {
            TAG_GEN => {
                let [id, ex, ey] = values[..] else {
                    panic!("GEN {values:?}")
                };
                assert!(input_site(*node), "GEN from node {node}, not an input site");
                assert_eq!(id >> 8, *node, "message id {id} names its input");
                assert!(
                    ex < AX && ey < AY,
                    "address ({ex}, {ey}) out of the drawn range"
                );
                assert!(
                    generated.insert(id, (*node, *time, ex, ey)).is_none(),
                    "id {id} generated twice"
                );
                *per_input.entry(*node).or_default() += 1;
                outcome.generated += 1;
            }
            TAG_DELIVER => {
                let [id, ex, ey, hops, latency_ns] = values[..] else {
                    panic!("DELIVER {values:?}")
                };
                let (input, born, gx, gy) = generated[&id];
                assert!(finished.insert(id), "message {id} finished twice");
                assert_eq!(
                    (ex, ey),
                    (gx, gy),
                    "message {id} delivered for another address"
                );
                assert_eq!(
                    endpoints.get(node),
                    Some(&(gx, gy)),
                    "message {id} for ({gx}, {gy}) consumed at node {node}"
                );
                assert!(
                    hops >= manhattan(input, *node) && hops >= 1,
                    "message {id}: {hops} hops from node {input} to node {node}"
                );
                // The firmware's latency runs from `now` just after GEN to `now` just
                // before DELIVER; each hop waits at least one turn.
                let log_ns = (time - born) / 1_000_000;
                assert!(
                    latency_ns <= log_ns && log_ns <= latency_ns + 50,
                    "message {id}: latency {latency_ns} ns, the log says {log_ns} ns"
                );
                assert!(
                    latency_ns >= (hops - 1) * TURN,
                    "message {id}: {hops} hops in {latency_ns} ns"
                );
                outcome.delivered += 1;
            }
            TAG_DROP => {
                let [id, reason, hops] = values[..] else {
                    panic!("DROP {values:?}")
                };
                let (input, _, ex, ey) = generated[&id];
                assert!(finished.insert(id), "message {id} finished twice");
                match reason {
                    NO_ROOM => {
                        assert_eq!(*node, input, "NO_ROOM is logged by the input");
                        assert_eq!(hops, 0, "a message without room never moved");
                    }
                    NO_ENDPOINT => {
                        assert_eq!(endpoint_site(ex, ey), None, "({ex}, {ey}) has an endpoint")
                    }
                    EXPIRED => assert!(hops >= 1),
                    other => panic!("message {id} dropped for reason {other}"),
                }
                *outcome.dropped.entry(reason).or_default() += 1;
            }
            TAG_CENSUS => {}
            other => panic!("unknown tag {other}"),
        }
    }
    let unfinished: Vec<_> = generated
        .keys()
        .filter(|id| !finished.contains(id))
        .collect();
    assert!(
        unfinished.is_empty(),
        "neither delivered nor dropped: {unfinished:?}"
    );
    let dropped: u64 = outcome.dropped.values().sum();
    assert_eq!(outcome.generated, outcome.delivered + dropped);
    let inputs: Vec<u64> = (0..W * H).filter(|&n| input_site(n)).collect();
    assert_eq!(per_input.keys().copied().collect::<Vec<_>>(), inputs);
    assert!(per_input.values().all(|&n| n == QUOTA), "{per_input:?}");
    outcome
}

/// Checks every census of one run's log; returns the population of each type per round.
fn check_census(records: &[(u64, u64, u64, Vec<u64>)]) -> Vec<BTreeMap<u64, u64>> {
    let endpoints = endpoints();
    let mut rounds: BTreeMap<u64, BTreeMap<u64, u64>> = BTreeMap::new();
    for (node, _, tag, values) in records.iter().filter(|r| r.2 == TAG_CENSUS) {
        let [round, cell, live] = values[..] else {
            panic!("CENSUS {values:?}")
        };
        assert!(
            rounds
                .entry(round)
                .or_default()
                .insert(*node, cell)
                .is_none(),
            "node {node} counted twice in round {round} (tag {tag})"
        );
        assert!(live <= PROCESSES - 2, "node {node}: {live} cell processes");
        let allowed = match cell {
            EMPTY => true,
            WALL => on_rim(*node),
            FLUID => !on_rim(*node),
            INPUT => input_site(*node),
            ENDPOINT => endpoints.contains_key(node),
            MESSAGE => !on_rim(*node) && !input_site(*node) && !endpoints.contains_key(node),
            other => panic!("node {node}: cell type {other}"),
        };
        assert!(allowed, "round {round}: cell {cell} on node {node}");
    }
    assert_eq!(
        rounds.keys().copied().collect::<Vec<_>>(),
        (1..=rounds.len() as u64).collect::<Vec<_>>()
    );
    rounds
        .values()
        .map(|sites| {
            assert_eq!(
                sites.len() as u64,
                W * H,
                "every site reports once per round"
            );
            let mut population = BTreeMap::new();
            for cell in sites.values() {
                *population.entry(*cell).or_default() += 1;
            }
            let occupied = W * H - population.get(&EMPTY).copied().unwrap_or(0);
            assert!(occupied <= W * H);
            population
        })
        .collect()
}

#[test]
fn every_message_is_delivered_to_its_endpoint_or_dropped_with_a_reason() {
    let mut delivered = 0;
    for seed in 1..=4 {
        let report: serde_json::Value = serde_json::from_slice(&run(seed)).expect("JSON");
        assert_eq!(
            report["faults"].as_array().map(Vec::len),
            Some(0),
            "seed {seed}"
        );
        let records = log(&report);
        let outcome = check_messages(&records);
        assert!(outcome.generated > 0, "seed {seed}: {outcome:?}");
        delivered += outcome.delivered;
        // The router is whole at the end: the fence, the lattice, the inputs, fluid
        // everywhere else and no message left.
        let last = check_census(&records).pop().expect("a census");
        let fence = 2 * (W + H) - 4;
        let lattice = endpoints().len() as u64;
        let inputs = (0..W * H).filter(|&n| input_site(n)).count() as u64;
        let want = BTreeMap::from([
            (WALL, fence),
            (FLUID, W * H - fence - lattice - inputs),
            (INPUT, inputs),
            (ENDPOINT, lattice),
        ]);
        assert_eq!(last, want, "seed {seed}");
    }
    assert!(delivered > 0);
}

#[test]
fn a_seed_gives_one_report_and_another_seed_another() {
    let first = run(1);
    assert!(first == run(1), "two runs of seed 1 differ");
    assert!(first != run(2), "seeds 1 and 2 give the same report");
}

#[test]
fn the_readme_quotes_seed_1s_figures() {
    let report: serde_json::Value = serde_json::from_slice(&run(1)).expect("JSON");
    let records = log(&report);
    let outcome = check_messages(&records);
    let readme = std::fs::read_to_string(
        aether_tests::workspace_root().join("programs/examples/router/README.md"),
    )
    .expect("README");
    let words = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let dropped = |reason| outcome.dropped.get(&reason).copied().unwrap_or(0);
    let sentence = format!(
        "{} messages are generated: {} delivered, {} dropped for no room and {} for no endpoint",
        outcome.generated,
        outcome.delivered,
        dropped(NO_ROOM),
        dropped(NO_ENDPOINT)
    );
    assert_eq!(dropped(EXPIRED), 0);
    assert!(words.contains(&sentence), "README lacks: {sentence}");
    const NAMES: [&str; 6] = ["empty", "wall", "fluid", "input", "endpoint", "message"];
    for (round, population) in check_census(&records).iter().enumerate() {
        let counts: Vec<String> = population
            .iter()
            .map(|(cell, n)| format!("{} {n}", NAMES[*cell as usize]))
            .collect();
        let line = format!("{} us: {}", CENSUS_US * (round + 1), counts.join(", "));
        assert!(readme.lines().any(|l| l == line), "README lacks: {line}");
    }
}
