//! Shared helpers of the `fw_qec_*` acceptance tests: surface-code problems and the words
//! of `qec_graph` (docs/decoders.md, "Per-node data").

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
    let rounds = match noise {
        Noise::CodeCapacity => 1,
        Noise::Phenomenological => distance,
    };
    let code = SurfaceCode {
        distance,
        rounds,
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

/// The words of `qec_graph`: D, E, per edge (a, b or -1, weight, observable mask), the CSR
/// offsets and the incident edge ids.
pub fn graph_words(graph: &DecodingGraph) -> Vec<u32> {
    let mut words = vec![graph.num_detectors, graph.edges.len() as u32];
    for e in &graph.edges {
        words.extend([e.a, e.b.unwrap_or(u32::MAX), e.weight, e.observables as u32]);
    }
    let mut at = 0;
    words.push(0);
    for v in 0..graph.num_detectors {
        at += graph.incident(v).len() as u32;
        words.push(at);
    }
    for v in 0..graph.num_detectors {
        words.extend(graph.incident(v));
    }
    words
}
