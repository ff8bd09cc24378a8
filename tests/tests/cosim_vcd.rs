//! `aether run --vcd`: the waveform file parses with the `vcd` crate, and the time each
//! node spends busy, idle and stalled and each link spends transmitting, summed from the
//! file's transitions, equals the report's figures (docs/debugging.md).

use std::collections::BTreeMap;
use std::path::Path;

use aether_tests::cosim_support;

use cosim_support::{aether, costs, example, report, scenario};

/// A parsed waveform file: the time step in fs, each variable's changes (fs, value;
/// `None` for a value with `x`), and the last timestamp.
struct Waves {
    step: u64,
    signals: BTreeMap<String, Vec<(u64, Option<u64>)>>,
    end: u64,
}

fn read_waves(path: &Path) -> Waves {
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("the VCD file"));
    let mut parser = vcd::Parser::new(file);
    let header = parser.parse_header().expect("a VCD header");
    let (mult, unit) = header.timescale.expect("a timescale");
    let step = u64::from(mult) * (1_000_000_000_000_000 / unit.divisor());
    let mut names = BTreeMap::new();
    fn walk(items: &[vcd::ScopeItem], path: &str, names: &mut BTreeMap<vcd::IdCode, String>) {
        for item in items {
            match item {
                vcd::ScopeItem::Scope(s) => {
                    walk(&s.items, &format!("{path}{}.", s.identifier), names)
                }
                vcd::ScopeItem::Var(v) => {
                    names.insert(v.code, format!("{path}{}", v.reference));
                }
                _ => {}
            }
        }
    }
    walk(&header.items, "", &mut names);
    let mut signals: BTreeMap<String, Vec<(u64, Option<u64>)>> = BTreeMap::new();
    let mut now = 0;
    fn value(bits: impl Iterator<Item = vcd::Value>) -> Option<u64> {
        let mut acc = 0u64;
        for b in bits {
            acc = match b {
                vcd::Value::V0 => acc << 1,
                vcd::Value::V1 => acc << 1 | 1,
                vcd::Value::X | vcd::Value::Z => return None,
            };
        }
        Some(acc)
    }
    for command in parser {
        let (code, v) = match command.expect("a VCD command") {
            vcd::Command::Timestamp(t) => {
                now = t * step;
                continue;
            }
            vcd::Command::ChangeScalar(code, b) => (code, value(std::iter::once(b))),
            vcd::Command::ChangeVector(code, bits) => (code, value(bits.iter())),
            _ => continue,
        };
        signals
            .entry(names[&code].clone())
            .or_default()
            .push((now, v));
    }
    Waves {
        step,
        signals,
        end: now,
    }
}

impl Waves {
    fn changes(&self, name: &str) -> &[(u64, Option<u64>)] {
        self.signals
            .get(name)
            .unwrap_or_else(|| panic!("no signal {name}"))
    }

    /// Time (fs) the signal spends at `value` up to the file's last timestamp.
    fn time_at(&self, name: &str, value: u64) -> u64 {
        let changes = self.changes(name);
        let ends = changes.iter().skip(1).map(|c| c.0).chain([self.end]);
        changes
            .iter()
            .zip(ends)
            .filter(|((_, v), _)| *v == Some(value))
            .map(|((start, _), end)| end - start)
            .sum()
    }
}

/// Runs `aether run SCENARIO --json --vcd FILE extra` and returns the report and the file.
fn run_with_vcd(scenario: &Path, extra: &[&str]) -> (serde_json::Value, Waves, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("run.vcd");
    let mut args = vec!["--vcd", file.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    let r = report(scenario, &args, 0);
    (
        r,
        read_waves(&file),
        std::fs::read(&file).expect("VCD bytes"),
    )
}

fn check_against_report(scenario: &Path) {
    let (r, waves, bytes) = run_with_vcd(scenario, &[]);
    for node in r["nodes"].as_array().expect("nodes") {
        let id = node["id"].as_u64().expect("id");
        let period = node["period_fs"].as_u64().expect("period");
        let state = format!("aether.node_{id}.state");
        for (code, field) in [(0, "idle"), (1, "busy"), (2, "stalled")] {
            assert_eq!(
                waves.time_at(&state, code),
                node["cycles"][field].as_u64().expect("cycles") * period,
                "{}: node {id} {field}",
                scenario.display()
            );
        }
    }
    let links = r["network"]["links"].as_array().expect("links");
    for link in links {
        let name = format!(
            "aether.link_{}_{}_{}.busy",
            link["id"], link["from"], link["to"]
        );
        assert_eq!(
            waves.time_at(&name, 1),
            link["busy"].as_u64().expect("busy"),
            "{}: {name}",
            scenario.display()
        );
    }
    let shown = waves
        .signals
        .keys()
        .filter(|k| k.ends_with(".busy"))
        .count();
    assert_eq!(shown, links.len(), "one busy signal per link that carried");
    // Same scenario and seed: the same bytes, and single stepping records the same waves.
    let (_, _, again) = run_with_vcd(scenario, &[]);
    assert!(
        again == bytes,
        "{}: a second run differs",
        scenario.display()
    );
    let (_, _, single) = run_with_vcd(scenario, &["--single-step"]);
    assert!(
        single == bytes,
        "{}: single stepping differs",
        scenario.display()
    );
}

#[test]
fn node_and_link_busy_times_in_the_waveform_equal_the_report() {
    // Messages on all-to-all links (ring), a sender stalled by a full transmit queue
    // (net-burst), processes (workers), queueing on a mesh (net-order).
    for rel in [
        "ring/ring.toml",
        "net-burst/burst.toml",
        "workers/workers.toml",
        "net-order/order.toml",
    ] {
        check_against_report(Path::new(&example(rel)));
    }
}

const LOOP: &str = "
.entry main
main:
    push 10
.loop:
    addi -1
    dup
    jnz .loop
    drop
    halt
";

#[test]
fn one_node_counting_down_is_busy_until_its_halt() {
    let text = "[programs.loop]\nsources = [\"loop.s\"]\n[[nodes]]\nprogram = \"loop\"\nclock = \"250 MHz\"\n";
    let (_dir, path) = scenario("loop.toml", text, &[("loop.s", LOOP)]);
    let (r, waves, bytes) = run_with_vcd(&path, &[]);
    let instructions = 1 + 3 * 10 + 2;
    assert_eq!(r["nodes"][0]["instructions"].as_u64(), Some(instructions));
    // 250 MHz: a 4 ns period, so every change falls on whole nanoseconds.
    let end = (costs(&["push", "drop", "halt"]) + 10 * costs(&["addi", "dup", "jnz"])) * 4_000_000;
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains("$timescale 1 ns $end"), "{text}");
    assert_eq!(waves.step, 1_000_000);
    // Busy (1) from 0 until the end of `halt`, then halted (3); its process runs (1),
    // then is stopped with its node (6); no message ever waits.
    assert_eq!(
        waves.changes("aether.node_0.state"),
        [(0, Some(1)), (end, Some(3))]
    );
    assert_eq!(
        waves.changes("aether.node_0.proc_0.state"),
        [(0, Some(1)), (end, Some(6))]
    );
    assert_eq!(waves.changes("aether.node_0.inbox"), [(0, Some(0))]);
    assert_eq!(waves.end, end);
    assert_eq!(r["time_fs"].as_u64(), Some(end));
}

#[test]
fn bad_waveform_options_are_exit_2_and_leave_no_file() {
    let ring = example("ring/ring.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("w.vcd");
    let file = file.to_str().expect("utf-8");
    for (extra, says) in [
        (vec!["--vcd-nodes", "99"], "99 is not an emulated node"),
        (vec!["--vcd-nodes", "3-1"], "is empty"),
        (vec!["--vcd-nodes", "one"], "is not a node id"),
        (vec!["--vcd-max-mib", "0"], "would exceed 0 bytes"),
    ] {
        let mut args = vec!["run", ring.as_str(), "--vcd", file];
        args.extend(extra.iter().copied());
        let out = aether(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(says), "{extra:?}: {stderr}");
        assert!(!Path::new(file).exists(), "{extra:?} left a file");
    }
}

#[test]
fn selected_nodes_keep_only_their_signals_and_links() {
    let ring = example("ring/ring.toml");
    let (r, waves, _) = run_with_vcd(Path::new(&ring), &["--vcd-nodes", "2-3"]);
    let nodes: Vec<&str> = waves
        .signals
        .keys()
        .filter_map(|k| k.strip_suffix(".state"))
        .filter(|k| !k.contains("proc"))
        .collect();
    assert_eq!(nodes, ["aether.node_2", "aether.node_3"]);
    let touching = r["network"]["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter(|l| {
            [2, 3].contains(&l["from"].as_u64().unwrap_or(0))
                || [2, 3].contains(&l["to"].as_u64().unwrap_or(0))
        })
        .count();
    let shown = waves
        .signals
        .keys()
        .filter(|k| k.ends_with(".busy"))
        .count();
    assert_eq!(shown, touching);
}
