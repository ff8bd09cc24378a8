//! Ctrl-C (SIGINT) and SIGTERM stop `aether run` between events: the report and the timeline
//! of what ran so far are written, `stop_reason` is `interrupted`, the exit code is 130
//! (docs/report.md, "Exit codes").

use aether_tests::cosim_support::{aether_bin, cost, scenario};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Two nodes looping forever at 1 GHz (period 1,000,000 fs), with no time limit.
const ENDLESS: &str = "[programs.p]\nsources = [\"loop.s\"]\n[defaults]\nclock = \"1 GHz\"\n[[nodes]]\ncount = 2\nprogram = \"p\"\n";
const LOOP: &str = ".entry main\nmain:\n    jmp main\n";
const PERIOD_FS: u64 = 1_000_000;

fn interrupt(signal: &str) {
    let (dir, path) = scenario("endless.toml", ENDLESS, &[("loop.s", LOOP)]);
    let report_path = dir.path().join("report.json");
    let timeline_path = dir.path().join("timeline.json");
    let child = Command::new(aether_bin())
        .arg("run")
        .arg(&path)
        .arg("--json")
        .arg("--timeline")
        .arg(&timeline_path)
        .stdout(std::fs::File::create(&report_path).expect("report file"))
        .stderr(Stdio::piped())
        .spawn()
        .expect("aether starts");
    std::thread::sleep(Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("aether ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "stderr: {stderr}");
    assert!(stderr.contains("interrupted at"), "{stderr}");

    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report_path).expect("report written"))
            .expect("a complete JSON report");
    assert_eq!(report["stop_reason"], "interrupted");
    let nodes = report["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 2);
    let mut latest = 0;
    for node in nodes {
        let instructions = node["instructions"].as_u64().expect("instructions");
        let busy = node["cycles"]["busy"].as_u64().expect("busy");
        assert!(instructions > 0, "the run got going before the signal");
        assert_eq!(busy, instructions * cost("jmp"), "only `jmp` ran");
        assert_eq!(node["state"], "running");
        latest = latest.max(busy * PERIOD_FS);
    }
    assert_eq!(report["time_fs"].as_u64(), Some(latest));
    let timeline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&timeline_path).expect("timeline written"))
            .expect("a complete JSON timeline");
    assert!(
        timeline["traceEvents"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
}

#[test]
fn sigint_writes_the_report_so_far_and_exits_130() {
    interrupt("-INT");
}

#[test]
fn sigterm_does_the_same() {
    interrupt("-TERM");
}
