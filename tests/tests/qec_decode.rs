//! `aether qec decode` through the real binary: the predictions and correction edges it
//! writes are the host reference's (`aether_cosim::qec::unionfind`), every correction
//! reproduces its shot's syndrome, both shot formats and weightings; a syndrome that
//! cannot be matched and a detection file of the wrong width are errors naming the file
//! and the shot, exit code 2.

use aether_cosim::qec::dem::Dem;
use aether_cosim::qec::graph::{DecodingGraph, Weighting};
use aether_cosim::qec::shots::{ShotFormat, read_shots};
use aether_cosim::qec::unionfind::{decode, syndrome_of};
use aether_tests::cosim_support::aether;

fn run(args: &[&str], code: i32) -> String {
    let out = aether(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{args:?}: stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn decode_writes_the_reference_predictions_and_edges() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (dem, dets, obs) = (
        dir.path().join("x.dem"),
        dir.path().join("d.b8"),
        dir.path().join("o.b8"),
    );
    let (pred, edges) = (dir.path().join("p.b8"), dir.path().join("e.txt"));
    run(
        &[
            "qec",
            "sample",
            "--distance",
            "5",
            "--noise",
            "phenomenological",
            "--p",
            "0.02",
            "--shots",
            "500",
            "--seed",
            "3",
            "--format",
            "b8",
            "--dem-out",
            s(&dem),
            "--dets-out",
            s(&dets),
            "--obs-out",
            s(&obs),
        ],
        0,
    );
    for (weights, weighting) in [
        ("unweighted", Weighting::Unweighted),
        ("log:10", Weighting::Log { resolution: 10 }),
    ] {
        run(
            &[
                "qec",
                "decode",
                "--dem",
                s(&dem),
                "--dets",
                s(&dets),
                "--out",
                s(&pred),
                "--format",
                "b8",
                "--weights",
                weights,
                "--edges-out",
                s(&edges),
            ],
            0,
        );
        let model = Dem::parse(&std::fs::read_to_string(&dem).expect("dem"), "x.dem").expect("DEM");
        let graph = DecodingGraph::from_dem(&model, weighting).expect("graph");
        let bits = model.detectors.len();
        let shots = read_shots(
            &std::fs::read(&dets).expect("dets"),
            ShotFormat::B8,
            bits,
            "d",
        )
        .expect("shots");
        let predicted = read_shots(&std::fs::read(&pred).expect("pred"), ShotFormat::B8, 1, "p")
            .expect("predictions");
        let lines = std::fs::read_to_string(&edges).expect("edges");
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!((predicted.len(), lines.len()), (500, 500));
        for (i, shot) in shots.iter().enumerate() {
            let fired: Vec<u32> = shot.iter_ones().map(|v| v as u32).collect();
            let host = decode(&graph, &fired).expect("matchable");
            let written: Vec<u32> = lines[i]
                .split_whitespace()
                .map(|e| e.parse().expect("an edge id"))
                .collect();
            assert_eq!(written, host.edges, "{weights} shot {i}");
            assert_eq!(syndrome_of(&graph, &written), fired, "{weights} shot {i}");
            assert_eq!(
                predicted[i][0],
                host.observables & 1 == 1,
                "{weights} shot {i}"
            );
        }
    }
}

#[test]
fn unmatchable_and_misshapen_shots_are_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dem = dir.path().join("pair.dem");
    std::fs::write(&dem, "error(0.1) D0 D1 L0\nerror(0.1) D1 D2\n").expect("write");
    let dets = dir.path().join("d.01");
    let pred = dir.path().join("p.01");
    let failure = |lines: &str| {
        std::fs::write(&dets, lines).expect("write");
        let args = [
            "qec",
            "decode",
            "--dem",
            s(&dem),
            "--dets",
            s(&dets),
            "--out",
            s(&pred),
        ];
        run(&args, 2)
    };
    let err = failure("110\n011\n100\n");
    assert!(
        err.contains("d.01: shot 3: the syndrome cannot be matched"),
        "{err}"
    );
    let err = failure("110\n0110\n");
    assert!(err.contains("d.01: shot 2"), "{err}");
}

/// docs/decoders.md's `aether qec decode` example runs as written (in a fresh folder),
/// and its scoring step reports a logical error count.
#[test]
fn the_docs_decode_example_runs() {
    let doc = std::fs::read_to_string(aether_tests::workspace_root().join("docs/decoders.md"))
        .expect("docs/decoders.md");
    let section = doc
        .split("## The reference decoder")
        .nth(1)
        .expect("the reference decoder's section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("an sh block");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut last = String::new();
    for line in block.replace("\\\n", " ").lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"aether"), "{line}");
        let out = assert_cmd::Command::new(aether_tests::cosim_support::aether_bin())
            .args(&words[1..])
            .current_dir(dir.path())
            .output()
            .expect("aether runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        last = String::from_utf8(out.stdout).expect("utf-8");
    }
    assert!(last.contains("logical errors"), "{last}");
    assert!(dir.path().join("edges.txt").exists());
}

/// `--distributed` runs the distributed decoder's protocol beside the reference and prints
/// its costs: the hand-worked shot of `qec::distributed`'s tests (two detectors on two
/// nodes, D0 fired) takes 6 supersteps, 12 `QEC_STEP` messages and 48 payload words
/// (docs/decoders.md, "The distributed decoder"); an empty shot 1 superstep, 2 messages
/// and 6 words; so two shots average 3.5, 7 and 27.
#[test]
fn decode_distributed_prints_the_protocols_costs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (dem, dets, pred) = (
        dir.path().join("hand.dem"),
        dir.path().join("d.01"),
        dir.path().join("p.01"),
    );
    std::fs::write(
        &dem,
        "detector(0, 0, 0) D0\ndetector(2, 0, 0) D1\n\
         error(0.1) D0 D1\nerror(0.1) D0\nerror(0.1) D1 L0\n",
    )
    .expect("write the DEM");
    std::fs::write(&dets, "10\n00\n").expect("write the shots");
    let out = aether(&[
        "qec",
        "decode",
        "--dem",
        s(&dem),
        "--dets",
        s(&dets),
        "--out",
        s(&pred),
        "--distributed",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "distributed protocol on 2 nodes: same corrections; supersteps mean 3.500, max 6; \
             per shot 7.0 QEC_STEP messages, 27.0 payload words"
        ),
        "{stdout}"
    );
}
