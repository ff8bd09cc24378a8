//! Shared helpers of the `fw_qec_*` acceptance tests: surface-code problems.

use std::path::Path;

use aether_cosim::qec::graph::{DecodingGraph, Weighting};
use aether_cosim::qec::sample::sample;
use aether_cosim::qec::surface::{Noise, SurfaceCode};

/// The rotated surface code's unweighted decoding graph (one round for code capacity,
/// `distance` rounds for phenomenological noise) and the fired detectors of `shots`
/// sampled shots (seeded with `seed`).
pub fn surface(
    distance: u32,
    noise: Noise,
    p: f64,
    shots: usize,
    seed: u64,
) -> (DecodingGraph, Vec<Vec<u32>>) {
    let code = SurfaceCode {
        distance,
        rounds: noise.default_rounds(distance),
        noise,
        p,
    };
    let dem = code.dem().expect("a surface code DEM");
    let graph = DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph");
    let fired = sample(&dem, shots, seed)
        .detectors
        .iter()
        .map(|shot| shot.iter_ones().map(|v| v as u32).collect())
        .collect();
    (graph, fired)
}

/// Runs `aether run --json` on a scenario file with `extra` arguments; its exit code and
/// report.
pub fn run_json(path: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["run", path.to_str().expect("utf-8 path"), "--json"];
    args.extend_from_slice(extra);
    let out = crate::cosim_support::aether(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let r = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (out.status.code().expect("an exit code"), r)
}

/// Checks that a decoding run decoded all its `shots` exactly as the host reference
/// decodes them, lost no readout or barrier release, and had no fault.
pub fn all_as_reference(r: &serde_json::Value, shots: u64) {
    let d = &r["decoding"];
    assert_eq!(d["decoded"], shots, "{}", d["failures"]);
    assert_eq!(d["reference_checked"], true);
    for key in [
        "undecoded",
        "unmatched",
        "reference_mismatches",
        "malformed_outputs",
        "readouts_lost",
        "barriers_lost",
    ] {
        assert_eq!(d[key], 0, "{key}: {}", d["failures"]);
    }
    assert_eq!(
        r["faults"].as_array().map(Vec::len),
        Some(0),
        "{}",
        r["faults"]
    );
}
