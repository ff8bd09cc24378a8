//! The walker example (`programs/examples/walker`) through the real `aether` binary: over
//! generated paths and node values the walker's sum is the one computed here from the
//! scenario's inputs, it visits the path's nodes in order, every PING sent to its first
//! address (before, between and after its moves) reaches it exactly once through the
//! proxies, and the PING sent after it ended comes back from the path's last node; a bad
//! path gives a recorded fault, never a wrong sum.

use aether_tests::cosim_support::{example, log, report, scenario};
use aether_tests::fw_support::{self, Gen, words};

/// walker.s: log tags, limits and assertion codes.
const TAG_VISIT: u64 = 1;
const TAG_GOT: u64 = 2;
const TAG_RESULT: u64 = 3;
const TAG_SENT: u64 = 4;
const TAG_BACK: u64 = 5;
const TAG_DONE: u64 = 6;
const PATH_MAX: usize = 16;
const E_TRIP: u64 = 1;
const E_PINGER: u64 = 3;
/// walker.s's PING type with bit 31, RETURNED (docs/isa.md), set.
const RETURNED_PING: u64 = 0x8000_0001;
/// migrate.s's codes (docs/firmware.md).
const MIG_E_NODE: u64 = 0xA20;
const MIG_E_DOWN: u64 = 0xA22;

/// A walk: the nodes' values (node 0 starts), the path after node 0, and the pinger's PINGs
/// and their spacing in cycles.
struct Walk {
    values: Vec<u64>,
    path: Vec<u64>,
    trip_len: usize,
    pings: u64,
    gap: u64,
}

impl Walk {
    /// A walk generated from `seed`: 3 to 7 walk nodes, values below 1000, 1 to PATH_MAX
    /// hops to any walk node (staying put included), 2 to 12 PINGs 400 to 2400 cycles apart.
    fn generate(seed: u64) -> Walk {
        let mut g = Gen::new(seed);
        let nodes = 3 + g.below(5);
        let values = (0..nodes).map(|_| g.below(1000)).collect();
        let hops = 1 + g.below(PATH_MAX as u64) as usize;
        let path = (0..hops).map(|_| g.below(nodes)).collect();
        Walk {
            values,
            path,
            trip_len: hops,
            pings: 2 + g.below(11),
            gap: 400 + g.below(2001),
        }
    }

    /// The scenario: walk nodes 0.. with their values (node 0 also the trip), the pinger
    /// last.
    fn scenario(&self) -> String {
        let mut text = format!(
            "seed = 1\n[programs.walker]\nsources = [\"{}\"]\nlib = [\"{}\"]\n\n[defaults]\nprogram = \"walker\"\nprocesses = 20\n",
            example("walker/walker.s"),
            fw_support::lib_dir()
        );
        for (node, value) in self.values.iter().enumerate() {
            let mut data = format!("value = [{value}]");
            if node == 0 {
                let mut trip = vec![0, self.trip_len as u64, self.pings, 0];
                trip.extend(&self.path);
                data += &format!(", trip = [{}]", words(&trip));
            }
            text += &format!("\n[[nodes]]\nid = {node}\ndata = {{ {data} }}\n");
        }
        text += &format!(
            "\n[[nodes]]\nid = {}\nentry = \"pinger\"\ndata = {{ pings = [{}], gap = [{}] }}\n",
            self.values.len(),
            self.pings,
            self.gap
        );
        text
    }

    /// The nodes visited, in order, and the sum after each (wrapping at 32 bits).
    fn visits(&self) -> Vec<Vec<u64>> {
        let mut sum = 0u32;
        std::iter::once(0)
            .chain(self.path.iter().copied())
            .map(|node| {
                sum = sum.wrapping_add(self.values[node as usize] as u32);
                vec![node, u64::from(sum)]
            })
            .collect()
    }
}

fn run(walk: &Walk, code: i32) -> serde_json::Value {
    let (_dir, path) = scenario("walker.toml", &walk.scenario(), &[]);
    report(&path, &[], code)
}

/// The records of one tag as (node, time_fs, values).
fn tagged(rep: &serde_json::Value, tag: u64) -> Vec<(u64, u64, Vec<u64>)> {
    log(rep)
        .into_iter()
        .filter(|r| r.2 == tag)
        .map(|(node, t, _, v)| (node, t, v))
        .collect()
}

#[test]
fn the_walker_sums_its_path_and_every_ping_reaches_it_or_comes_back() {
    // (sent before the first move ended, between moves, after the last move) over all seeds.
    let mut phases = [0u64; 3];
    for seed in 0..10 {
        let walk = Walk::generate(seed);
        let what = format!(
            "seed {seed}: path {:?}, values {:?}",
            walk.path, walk.values
        );
        let rep = run(&walk, 0);
        let visits = tagged(&rep, TAG_VISIT);
        let want = walk.visits();
        assert_eq!(
            visits.iter().map(|v| v.2.clone()).collect::<Vec<_>>(),
            want,
            "{what}: visits and running sums"
        );
        assert!(
            visits.iter().all(|(node, _, v)| *node == v[0]),
            "{what}: each visit logged on its node"
        );
        let sum = want.last().expect("a visit")[1];
        let last = *walk.path.last().expect("a hop");
        assert_eq!(
            tagged(&rep, TAG_RESULT),
            vec![(
                last,
                tagged(&rep, TAG_RESULT)[0].1,
                vec![sum, walk.pings, last]
            )],
            "{what}: the walker's result on the last node"
        );
        assert_eq!(
            tagged(&rep, TAG_DONE)
                .iter()
                .map(|r| r.2.clone())
                .collect::<Vec<_>>(),
            vec![vec![sum]],
            "{what}: the pinger heard the sum"
        );
        let hops = walk.path.len() as u64;
        assert_eq!(
            fw_support::count(&rep, "MIGRATE", "delivered"),
            hops,
            "{what}"
        );
        assert_eq!(
            fw_support::count(&rep, "MIG_LANDED", "delivered"),
            hops,
            "{what}"
        );

        // Every PING 0 .. pings - 1 is taken exactly once, after it was sent, on a node the
        // walker was on at the time; the last one (number `pings`) comes back from `last`.
        let sent: Vec<(u64, u64)> = tagged(&rep, TAG_SENT)
            .into_iter()
            .map(|(_, t, v)| (v[0], t))
            .collect();
        let numbers: Vec<u64> = sent.iter().map(|s| s.0).collect();
        assert_eq!(
            numbers,
            (0..=walk.pings).collect::<Vec<_>>(),
            "{what}: PINGs sent"
        );
        let mut got: Vec<(u64, u64, u64)> = tagged(&rep, TAG_GOT)
            .into_iter()
            .map(|(node, t, v)| {
                assert_eq!(node, v[1], "{what}");
                (v[0], node, t)
            })
            .collect();
        got.sort_unstable();
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            (0..walk.pings).collect::<Vec<_>>(),
            "{what}: every PING taken once"
        );
        for &(k, node, t) in &got {
            assert!(
                t > sent[k as usize].1,
                "{what}: PING {k} taken before it was sent"
            );
            // The visit in progress when it was taken: the last one logged at or before t.
            let at = visits
                .iter()
                .rev()
                .find(|v| v.1 <= t)
                .expect("a visit before");
            assert_eq!(node, at.0, "{what}: PING {k} taken off the walker's node");
        }
        assert_eq!(
            tagged(&rep, TAG_BACK)
                .iter()
                .map(|r| r.2.clone())
                .collect::<Vec<_>>(),
            vec![vec![RETURNED_PING, last, walk.pings]],
            "{what}: the PING sent after the end came back from the last node"
        );
        assert_eq!(fw_support::count(&rep, "PING", "returned"), 1, "{what}");
        for &(_, t) in &sent[..walk.pings as usize] {
            let phase = if t < visits[1].1 {
                0
            } else if t < visits.last().expect("a visit").1 {
                1
            } else {
                2
            };
            phases[phase] += 1;
        }
    }
    assert!(
        phases.iter().all(|&p| p > 0),
        "PINGs sent before the first move landed, between moves and after the last: {phases:?}"
    );
}

#[test]
fn the_shipped_scenario_sums_136() {
    let rep = report(std::path::Path::new(&example("walker/walker.toml")), &[], 0);
    // walker.toml: values 5, 12, 23, 40, 7, 9 of nodes 0..5, path 0 3 1 5 3 2 4.
    let values = [5u64, 12, 23, 40, 7, 9];
    let path = [0usize, 3, 1, 5, 3, 2, 4];
    let sum: u64 = path.iter().map(|&n| values[n]).sum();
    let result = tagged(&rep, TAG_RESULT);
    assert_eq!(result.len(), 1);
    assert_eq!(result[0].2, vec![sum, 10, 4]);
    assert_eq!(sum, 136, "the README's figure");
}

/// The one fault of node `node`: (kind, message, source).
fn fault_of(rep: &serde_json::Value, node: u64) -> (String, String, String) {
    let faults: Vec<&serde_json::Value> = rep["faults"]
        .as_array()
        .expect("faults")
        .iter()
        .filter(|f| f["node"] == node)
        .collect();
    assert_eq!(faults.len(), 1, "{faults:?}");
    let f = faults[0];
    (
        f["kind"].as_str().expect("kind").into(),
        f["message"].as_str().expect("message").into(),
        f["source"].as_str().expect("source").into(),
    )
}

/// The code address and `file:line` of the instruction `text` in the example's golden
/// listing (`programs/examples/walker/golden/walker.lst`).
fn listed(text: &str) -> (u64, String) {
    let listing = std::fs::read_to_string(
        aether_tests::workspace_root().join("programs/examples/walker/golden/walker.lst"),
    )
    .expect("the golden listing");
    let row = listing
        .lines()
        .find(|l| l.starts_with("C ") && l.trim_end().ends_with(text))
        .unwrap_or_else(|| panic!("no listing row for {text:?}"));
    let fields: Vec<&str> = row.split_whitespace().collect();
    let pc = u64::from_str_radix(fields[1], 16).expect("a hex address");
    let place = fields[3].to_string();
    (pc, place)
}

#[test]
fn a_bad_path_faults_instead_of_summing() {
    // A hop to a node that is not in the run: MIG_E_NODE on the node the walker is on.
    let mut walk = Walk::generate(3);
    walk.path = vec![1, 2, 40, 1];
    walk.trip_len = 4;
    let rep = run(&walk, 1);
    let (kind, message, source) = fault_of(&rep, 2);
    assert_eq!(kind, "assertion");
    assert_eq!(message, format!("assertion {MIG_E_NODE} failed"));
    // The fault's PC and line are the ones the example's golden listing gives its check.
    let (pc, line) = listed("assert MIG_E_NODE");
    assert!(
        source.ends_with(&format!("{line}:5")),
        "{source}, want {line}"
    );
    let fault = &rep["faults"][0];
    assert_eq!(fault["pc"].as_u64(), Some(pc));
    // ... raised after the walker's visit of node 2, the last thing it logged.
    let visits = tagged(&rep, TAG_VISIT);
    assert_eq!(visits.last().map(|v| v.0), Some(2));
    assert!(fault["time_fs"].as_u64() > visits.last().map(|v| v.1));
    assert!(tagged(&rep, TAG_RESULT).is_empty(), "no sum");

    // A hop to the pinger, which runs no mig_daemon: the pinger meets a MIGRATE where it
    // waits for DONE (E_PINGER), and the walker's node times out (MIG_E_DOWN).
    let pinger = walk.values.len() as u64;
    walk.path = vec![1, pinger];
    walk.trip_len = 2;
    let rep = run(&walk, 1);
    let (_, message, source) = fault_of(&rep, 1);
    assert_eq!(message, format!("assertion {MIG_E_DOWN} failed"));
    assert!(source.contains("migrate.s:"), "{source}");
    let (_, message, source) = fault_of(&rep, pinger);
    assert_eq!(message, format!("assertion {E_PINGER} failed"));
    assert!(source.contains("walker.s:"), "{source}");
    assert!(tagged(&rep, TAG_RESULT).is_empty(), "no sum");

    // A trip longer than the path room: E_TRIP before the first step.
    walk.path = vec![1; PATH_MAX];
    walk.trip_len = PATH_MAX + 1;
    let rep = run(&walk, 1);
    let (_, message, source) = fault_of(&rep, 0);
    assert_eq!(message, format!("assertion {E_TRIP} failed"));
    assert!(source.contains("walker.s:"), "{source}");
    assert!(tagged(&rep, TAG_VISIT).is_empty(), "no visit");
}
