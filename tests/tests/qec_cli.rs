//! `aether qec sample|graph|score` through the real binary: stim's files in, stim's formats
//! out, and bad input (syntax, range, hyperedges, shot shapes) as errors naming file and
//! line or shot, exit code 2.

use std::collections::BTreeMap;
use std::path::Path;

use aether_tests::cosim_support::{aether, aether_bin};
use aether_tests::workspace_root;

const FIXTURES: &str = "programs/decoders/fixtures";

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn ok(args: &[&str]) -> String {
    let out = aether(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: stderr: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn fails(args: &[&str], needles: &[&str]) {
    let out = aether(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: mentions `{needle}`: {stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A flat DEM's error lines as targets -> probability, and its detector lines.
fn dem_lines(text: &str) -> (BTreeMap<String, f64>, Vec<String>) {
    let mut errors = BTreeMap::new();
    let mut detectors = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("error(") {
            let (p, targets) = rest.split_once(')').expect("error(p) targets");
            errors.insert(targets.trim().to_string(), p.parse().expect("probability"));
        } else if line.starts_with("detector") {
            detectors.push(line.to_string());
        }
    }
    (errors, detectors)
}

#[test]
fn sample_writes_stims_dem_and_shots_deterministically() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str| dir.path().join(name);
    let run = |dets: &str, obs: &str, format: &str, seed: &str| {
        ok(&[
            "qec",
            "sample",
            "--distance",
            "5",
            "--rounds",
            "1",
            "--noise",
            "code-capacity",
            "--p",
            "0.05",
            "--shots",
            "1000",
            "--seed",
            seed,
            "--dem-out",
            path_str(&file("x.dem")),
            "--dets-out",
            path_str(&file(dets)),
            "--obs-out",
            path_str(&file(obs)),
            "--format",
            format,
        ])
    };
    let summary = run("d.01", "o.01", "01", "1");
    assert!(summary.contains("1000 shots"), "{summary}");
    // The DEM is stim's, up to the order of lines and digits of probabilities.
    let ours = dem_lines(&std::fs::read_to_string(file("x.dem")).unwrap());
    let stim_text =
        std::fs::read_to_string(workspace_root().join(fixture("surface_d5_code_capacity.dem")))
            .unwrap();
    let stim = dem_lines(&stim_text);
    assert_eq!(ours.1, stim.1, "detector lines");
    assert_eq!(
        ours.0.keys().collect::<Vec<_>>(),
        stim.0.keys().collect::<Vec<_>>()
    );
    for (targets, p) in &ours.0 {
        assert!((p - stim.0[targets]).abs() <= 1e-12 * p, "{targets}");
    }
    // 1000 lines of 24 detector bits and of 1 observable bit.
    let dets = std::fs::read_to_string(file("d.01")).unwrap();
    assert_eq!(dets.lines().count(), 1000);
    assert!(dets.lines().all(|l| l.len() == 24));
    // Same seed, same bytes; b8 packs the same shots into 3 bytes and 1 byte per shot.
    run("d2.01", "o2.01", "01", "1");
    assert_eq!(
        std::fs::read(file("d.01")).unwrap(),
        std::fs::read(file("d2.01")).unwrap()
    );
    run("d.b8", "o.b8", "b8", "1");
    assert_eq!(std::fs::read(file("d.b8")).unwrap().len(), 3000);
    assert_eq!(std::fs::read(file("o.b8")).unwrap().len(), 1000);
    run("d3.01", "o3.01", "01", "2");
    assert_ne!(
        std::fs::read(file("d.01")).unwrap(),
        std::fs::read(file("d3.01")).unwrap()
    );
    // Predicting "no flip" on every shot scores the shots whose observable flipped.
    let flips = std::fs::read_to_string(file("o.01"))
        .unwrap()
        .matches('1')
        .count();
    std::fs::write(file("zero.01"), "0\n".repeat(1000)).unwrap();
    let score = ok(&[
        "qec",
        "score",
        "--obs",
        path_str(&file("o.01")),
        "--pred",
        path_str(&file("zero.01")),
    ]);
    assert!(
        score.contains(&format!("logical errors {flips}\n")),
        "{score}"
    );
}

#[test]
fn sample_reads_any_dem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dets = dir.path().join("d.b8");
    let obs = dir.path().join("o.b8");
    let summary = ok(&[
        "qec",
        "sample",
        "--dem",
        &fixture("surface_d7_phenomenological.dem"),
        "--shots",
        "10",
        "--dets-out",
        path_str(&dets),
        "--obs-out",
        path_str(&obs),
        "--format",
        "b8",
    ]);
    // 336 detectors (from the manifest): 42 bytes per shot.
    assert!(summary.contains("336 detectors"), "{summary}");
    assert_eq!(std::fs::read(&dets).unwrap().len(), 420);
}

/// PyMatching's predictions on stim's shots: the logical errors the fixture script counted.
#[test]
fn score_counts_pymatchings_errors() {
    let manifest = std::fs::read_to_string(workspace_root().join(fixture("manifest.txt"))).unwrap();
    let said = manifest
        .lines()
        .find_map(|l| l.strip_prefix("# surface_d3_code_capacity: pymatching predicts "))
        .expect("manifest line");
    let errors = said.split_whitespace().next().unwrap();
    let score = ok(&[
        "qec",
        "score",
        "--obs",
        &fixture("surface_d3_code_capacity.obs.01"),
        "--pred",
        &fixture("surface_d3_code_capacity.pymatching.01"),
    ]);
    assert!(
        score.starts_with(&format!("shots 100\nlogical errors {errors}\n")),
        "{score}"
    );
    let b8 = ok(&[
        "qec",
        "score",
        "--obs",
        &fixture("surface_d3_code_capacity.obs.b8"),
        "--pred",
        &fixture("surface_d3_code_capacity.obs.b8"),
        "--format",
        "b8",
    ]);
    assert!(b8.starts_with("shots 100\nlogical errors 0\n"), "{b8}");
}

#[test]
fn graph_reads_stims_dems() {
    let out = ok(&[
        "qec",
        "graph",
        "--dem",
        &fixture("surface_d3_phenomenological.dem"),
    ]);
    assert!(
        out.contains(": 24 detectors (0 inert), 1 observables;"),
        "{out}"
    );
}

#[test]
fn bad_input_names_file_and_line_or_shot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let sample_dem = |dem: &str, needles: &[&str]| {
        fails(
            &[
                "qec",
                "sample",
                "--dem",
                dem,
                "--shots",
                "1",
                "--dets-out",
                &out("d"),
                "--obs-out",
                &out("o"),
            ],
            needles,
        );
    };
    let syntax = write("syntax.dem", b"error(0.1) D0 D1\nerror(0.1 D1\n");
    sample_dem(&syntax, &["syntax.dem:2:", "`(` is never closed"]);
    let range = write("range.dem", b"error(0.1) D0\n\nerror(0.1) D0 D4000000\n");
    sample_dem(
        &range,
        &["range.dem:3:", "detector index 4000000 is out of range"],
    );
    fails(
        &[
            "qec",
            "graph",
            "--dem",
            &fixture("surface_d3_circuit_undecomposed.dem"),
        ],
        &[
            "surface_d3_circuit_undecomposed.dem:5:",
            "hyperedge",
            "decompose_errors=True",
        ],
    );
    let wide = write("wide.01", b"0\n1\n01\n0\n");
    let zeros = write("zeros.01", b"0\n0\n0\n0\n");
    fails(
        &["qec", "score", "--obs", &wide, "--pred", &zeros],
        &["wide.01: shot 3: line 3 has 2 bits, expected 1"],
    );
    let short = write("short.b8", &[0, 1, 0]);
    let pred = write("pred.b8", &[0, 0, 0, 0]);
    fails(
        &[
            "qec",
            "score",
            "--obs",
            &short,
            "--pred",
            &pred,
            "--format",
            "b8",
            "--observables",
            "9",
        ],
        &["short.b8: shot 2: the file ends after 1 of this shot's 2 bytes"],
    );
    fails(
        &[
            "qec",
            "score",
            "--obs",
            &zeros,
            "--pred",
            &write("three.01", b"0\n0\n0\n"),
        ],
        &["has 4 shots but"],
    );
    fails(
        &[
            "qec",
            "sample",
            "--distance",
            "4",
            "--p",
            "0.1",
            "--shots",
            "1",
            "--dets-out",
            &out("d"),
            "--obs-out",
            &out("o"),
        ],
        &["distance 4 must be odd"],
    );
    fails(
        &[
            "qec",
            "sample",
            "--dem",
            &out("missing.dem"),
            "--shots",
            "1",
            "--dets-out",
            &out("d"),
            "--obs-out",
            &out("o"),
        ],
        &["missing.dem"],
    );
    fails(
        &[
            "qec", "score", "--obs", &zeros, "--pred", &zeros, "--format", "b9",
        ],
        &["unknown shot format `b9`"],
    );
}

/// The fenced block of `lang` that follows `heading` in `text`.
fn block_after<'a>(text: &'a str, heading: &str, lang: &str) -> &'a str {
    let from = text.find(heading).expect("heading") + heading.len();
    let fence = format!("```{lang}\n");
    let start = from + text[from..].find(&fence).expect("block") + fence.len();
    let end = start + text[start..].find("```").expect("block end");
    &text[start..end]
}

/// docs/decoders.md's command-line example, run as written, prints what the doc shows.
#[test]
fn the_docs_command_line_example_runs() {
    let doc = std::fs::read_to_string(workspace_root().join("docs/decoders.md")).unwrap();
    let commands = block_after(&doc, "### Command line", "sh").replace("\\\n", " ");
    let expected = block_after(&doc, "### Command line", "text");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut printed = String::new();
    for line in commands.lines().filter(|l| !l.starts_with('#')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "aether", "{line}");
        // Repository paths are relative to the root; outputs go to a fresh folder.
        let args: Vec<String> = words[1..]
            .iter()
            .map(|w| match w.starts_with("programs/") {
                true => workspace_root().join(w).to_str().unwrap().to_string(),
                false => w.to_string(),
            })
            .collect();
        let out = assert_cmd::Command::new(aether_bin())
            .args(&args)
            .current_dir(dir.path())
            .output()
            .expect("aether runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        printed.push_str(&String::from_utf8(out.stdout).unwrap());
    }
    assert_eq!(printed, expected);
}
