//! Shared helpers of the `cosim_*` acceptance tests: the real `aether` binary and scenario files.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::workspace_root;

/// The `aether` binary of this workspace.
pub fn aether_bin() -> PathBuf {
    crate::binary("aether")
}

/// Runs `aether` with `args` from the workspace root.
pub fn aether(args: &[&str]) -> Output {
    assert_cmd::Command::new(aether_bin())
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("aether runs")
}

/// Runs `aether run SCENARIO --json` and parses the report; asserts the exit code.
pub fn report(scenario: &Path, extra: &[&str], code: i32) -> serde_json::Value {
    let mut args = vec!["run", scenario.to_str().expect("utf-8 path"), "--json"];
    args.extend_from_slice(extra);
    let out = aether(&args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// A scenario file `name` with `text` in a fresh temporary folder (kept alive by the guard).
pub fn scenario(name: &str, text: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (file, content) in files {
        std::fs::write(dir.path().join(file), content).expect("write file");
    }
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write scenario");
    (dir, path)
}

/// The path of an example folder's file, as a string usable inside a scenario.
pub fn example(rel: &str) -> String {
    workspace_root()
        .join("programs/examples")
        .join(rel)
        .display()
        .to_string()
}

/// Cycle cost of an instruction in the default timing profile.
pub fn cost(mnemonic: &str) -> u64 {
    let opcode = aether_isa::Opcode::from_mnemonic(mnemonic).expect("a mnemonic");
    u64::from(aether_isa::TimingProfile::default().cost(opcode))
}

/// Sum of the default costs of a sequence of instructions.
pub fn costs(mnemonics: &[&str]) -> u64 {
    mnemonics.iter().map(|m| cost(m)).sum()
}

/// Log records of a report as `(node, time_fs, tag, values)`.
pub fn log(report: &serde_json::Value) -> Vec<(u64, u64, u64, Vec<u64>)> {
    report["log"]
        .as_array()
        .expect("log array")
        .iter()
        .map(|r| {
            (
                r["node"].as_u64().expect("node"),
                r["time_fs"].as_u64().expect("time"),
                r["tag"].as_u64().expect("tag"),
                r["values"]
                    .as_array()
                    .expect("values")
                    .iter()
                    .map(|v| v.as_u64().expect("word"))
                    .collect(),
            )
        })
        .collect()
}

/// Messages sent by all nodes, from the report's network statistics.
pub fn messages_sent(report: &serde_json::Value) -> u64 {
    report["network"]["nodes"]
        .as_array()
        .expect("network nodes")
        .iter()
        .map(|n| n["sent"].as_u64().expect("sent"))
        .sum()
}

/// Runs `aether sweep SCENARIO --out OUT` with `extra` from the workspace root; asserts
/// exit 0.
pub fn sweep(scenario: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["sweep", scenario, "--out", out.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    let o = aether(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The rows of a sweep's `sweep.jsonl` in `out`.
pub fn sweep_rows(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("sweep.jsonl"))
        .expect("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect()
}
