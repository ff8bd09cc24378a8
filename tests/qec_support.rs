//! Shared helpers of the `fw_qec_*` acceptance tests: surface-code problems.

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
