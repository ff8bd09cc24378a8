//! Every bundled example scenario's `--json` report, and those of the decoders, pinned in
//! `tests/golden/reports/` without the engine's event count (the one field speed work may
//! change): timing, ordering, logs and statistics stay byte-identical. (The bench scenarios'
//! reports are megabytes each: `bench/same_reports.sh OLD_COMMIT` compares them, and these,
//! between two commits.) After a change that is meant to
//! alter a report, regenerate with
//! `UPDATE_GOLDENFILES=1 cargo test -p aether-tests --test example_reports` and review the diff.

use std::io::Write;
use std::path::{Path, PathBuf};

use aether_tests::cosim_support::aether;
use aether_tests::workspace_root;
use goldenfile::Mint;

/// The `.toml` files directly in `folder`, relative to the workspace root.
fn scenarios_in(folder: &Path) -> Vec<PathBuf> {
    let root = workspace_root();
    let Ok(files) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    files
        .map(|file| file.expect("entry").path())
        .filter(|file| file.extension().is_some_and(|e| e == "toml"))
        .map(|file| file.strip_prefix(&root).expect("inside").to_path_buf())
        .collect()
}

/// Every `programs/examples/*/*.toml` and `programs/decoders/*/*.toml`, relative to the
/// workspace root, sorted.
fn example_scenarios() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut found = Vec::new();
    for parent in ["programs/examples", "programs/decoders"] {
        for folder in std::fs::read_dir(root.join(parent)).expect("programs folder") {
            found.extend(scenarios_in(&folder.expect("entry").path()));
        }
    }
    found.sort();
    found
}

/// The golden file name of an example scenario: `<folder>-<stem>.json`.
fn golden_name(scenario: &Path) -> String {
    let folder = scenario
        .parent()
        .and_then(Path::file_name)
        .expect("in a folder");
    let stem = scenario.file_stem().expect("a file name");
    format!(
        "{}-{}.json",
        folder.to_string_lossy(),
        stem.to_string_lossy()
    )
}

#[test]
fn every_example_report_matches_its_golden_file_but_for_the_event_count() {
    let scenarios = example_scenarios();
    assert!(scenarios.len() >= 20, "found {scenarios:?}");
    let golden_dir = workspace_root().join("tests/golden/reports");
    let mut mint = Mint::new(&golden_dir);
    for scenario in &scenarios {
        let name = golden_name(scenario);
        if std::env::var_os("UPDATE_GOLDENFILES").is_none() {
            assert!(
                golden_dir.join(&name).is_file(),
                "{name} is missing: create it with `UPDATE_GOLDENFILES=1 cargo test -p aether-tests --test example_reports` and review it"
            );
        }
        let out = aether(&["run", scenario.to_str().expect("utf-8"), "--json"]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: stderr: {}",
            scenario.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        report
            .as_object_mut()
            .expect("an object")
            .remove("events")
            .expect("an event count");
        let mut golden = mint.new_goldenfile(&name).expect("golden file");
        let text = serde_json::to_string_pretty(&report).expect("serializes");
        writeln!(golden, "exit code {:?}", out.status.code()).expect("write");
        golden.write_all(text.as_bytes()).expect("write");
        golden.write_all(b"\n").expect("write");
    }
}
