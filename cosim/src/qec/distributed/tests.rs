//! The protocol model against the reference decoder, shot by shot, and its message counts
//! against hand arithmetic.

use bitvec::vec::BitVec;

use super::Distributed;
use crate::qec::QecError;
use crate::qec::graph::{DecodingGraph, Weighting};
use crate::qec::layout::Layout;
use crate::qec::sample::sample;
use crate::qec::surface::{Noise, SurfaceCode};
use crate::qec::unionfind::decode;

fn surface(distance: u32, noise: Noise, p: f64, weighting: Weighting) -> DecodingGraph {
    let code = SurfaceCode {
        distance,
        rounds: noise.default_rounds(distance),
        noise,
        p,
    };
    let dem = code.dem().expect("a surface code DEM");
    DecodingGraph::from_dem(&dem, weighting).expect("a graph")
}

fn fired(shot: &BitVec) -> Vec<u32> {
    shot.iter_ones().map(|v| v as u32).collect()
}

/// Decodes `shots` sampled shots with the protocol and with the reference; they must agree
/// on the correction and the growth rounds. Returns the largest superstep count seen.
fn agree_on_samples(
    distance: u32,
    noise: Noise,
    p: f64,
    weighting: Weighting,
    shots: usize,
) -> u32 {
    let graph = surface(distance, noise, p, weighting);
    let layout = Layout::new(&graph).expect("a layout");
    let model = Distributed::new(&graph, &layout);
    let code = SurfaceCode {
        distance,
        rounds: noise.default_rounds(distance),
        noise,
        p,
    };
    let dem = code.dem().expect("a DEM");
    let samples = sample(&dem, shots, u64::from(distance) * 7 + 1);
    let mut most = 0;
    for (k, shot) in samples.detectors.iter().enumerate() {
        let fired = fired(shot);
        let expected = decode(&graph, &fired).expect("sampled shots are matchable");
        let run = model.decode(&fired).expect("the protocol decodes it");
        assert_eq!(
            run.correction, expected,
            "d = {distance} {noise:?} p = {p} {weighting:?}: shot {k} ({fired:?})"
        );
        most = most.max(run.supersteps);
    }
    most
}

#[test]
fn equals_the_reference_on_sampled_code_capacity_shots() {
    for distance in [3, 5, 7, 9] {
        for p in [0.03, 0.08, 0.15] {
            agree_on_samples(distance, Noise::CodeCapacity, p, Weighting::Unweighted, 400);
        }
    }
}

#[test]
fn equals_the_reference_on_sampled_phenomenological_shots() {
    for distance in [3, 5, 7] {
        for p in [0.005, 0.02, 0.05] {
            agree_on_samples(
                distance,
                Noise::Phenomenological,
                p,
                Weighting::Unweighted,
                150,
            );
        }
    }
}

#[test]
fn equals_the_reference_with_weighted_growth() {
    for (noise, p) in [(Noise::CodeCapacity, 0.1), (Noise::Phenomenological, 0.03)] {
        agree_on_samples(5, noise, p, Weighting::Log { resolution: 8 }, 200);
    }
}

#[test]
fn equals_the_reference_when_every_detector_fires() {
    for distance in [3, 5, 7] {
        for noise in [Noise::CodeCapacity, Noise::Phenomenological] {
            let graph = surface(distance, noise, 0.01, Weighting::Unweighted);
            let layout = Layout::new(&graph).expect("a layout");
            let all: Vec<u32> = (0..graph.num_detectors)
                .filter(|&v| !graph.is_inert(v))
                .collect();
            let expected = decode(&graph, &all).expect("matchable");
            let run = Distributed::new(&graph, &layout)
                .decode(&all)
                .expect("decodes");
            assert_eq!(run.correction, expected, "d = {distance} {noise:?}");
        }
    }
}

/// An empty shot is one superstep in which every node sends one empty message (3 header
/// words) to each neighbour.
#[test]
fn an_empty_shot_is_one_superstep_of_empty_messages() {
    let graph = surface(3, Noise::CodeCapacity, 0.05, Weighting::Unweighted);
    let layout = Layout::new(&graph).expect("a layout");
    let pairs = layout.lattice(&graph).len() as u64;
    let run = Distributed::new(&graph, &layout)
        .decode(&[])
        .expect("decodes");
    assert!(run.correction.edges.is_empty());
    assert_eq!(run.supersteps, 1);
    assert_eq!(run.messages, 2 * pairs);
    assert_eq!(run.words, 3 * 2 * pairs);
}

/// Two detectors on two nodes, D0 at x = 0 and D1 at x = 2, edges (weight 2 each):
/// e0 = D0-D1, e1 = D0-boundary, e2 = D1-boundary; D0 fires. By hand, with the protocol of
/// docs/decoders.md (K = key, P = parent word, `m/w` = messages/words sent so far):
///
/// - superstep 0: nothing to send (2/6); D0 settles to K = 1 << 12, P = 0b11 (sub, active);
///   changed;
/// - superstep 1: node 0 sends D0 (one triple: 4/15); nothing changes; W = active | gained:
///   growth round 1: e0 gets 1 (D0 active, D1 not; both nodes compute it), e1 gets 1;
/// - superstep 2: nothing to send (6/21), nothing grown, nothing changes: growth round 2
///   grows e0 and e1 to 2;
/// - superstep 3 (8/27): D0 has a grown boundary edge: K = 1 (B, depth 1), parent e1,
///   sub 1, not active (P = 2 << 2 | 0b10 = 10); D1 sees D0's old key 4096: K = 4097,
///   parent e0, active from D0's old state (P = 1 << 2 | 0b01 = 5); both changed;
/// - superstep 4: both send (10/39); D1 sees K(D0) = 1: K = 2, parent e0, P = 4; changed;
/// - superstep 5: node 1 sends (12/48); D0 counts D1 as a child (sub 0): no change, no
///   active cluster: the correction is D0's parent edge e1 (sub 1), growth rounds 2,
///   the reference's.
#[test]
fn a_hand_worked_shot_costs_what_the_protocol_says() {
    let text = "detector(0, 0, 0) D0\ndetector(2, 0, 0) D1\n\
                error(0.1) D0 D1\nerror(0.1) D0\nerror(0.1) D1 L0\n";
    let dem = crate::qec::dem::Dem::parse(text, "hand.dem").expect("a DEM");
    let graph = DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph");
    let layout = Layout::new(&graph).expect("a layout");
    let run = Distributed::new(&graph, &layout)
        .decode(&[0])
        .expect("decodes");
    assert_eq!(run.correction, decode(&graph, &[0]).expect("matchable"));
    assert_eq!(run.correction.edges, vec![1]);
    assert_eq!(run.correction.observables, 0);
    assert_eq!(run.correction.growth_rounds, 2);
    assert_eq!((run.supersteps, run.messages, run.words), (6, 12, 48));
}

#[test]
fn a_fired_inert_detector_is_unmatchable() {
    let text = "detector(0, 0, 0) D0\ndetector(2, 0, 0) D1\nerror(0.1) D0\n";
    let dem = crate::qec::dem::Dem::parse(text, "inert.dem").expect("a DEM");
    let graph = DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph");
    let layout = Layout::new(&graph).expect("a layout");
    let model = Distributed::new(&graph, &layout);
    assert_eq!(
        model.decode(&[1]),
        Err(QecError::Unmatchable { detector: 1 })
    );
    assert_eq!(
        model.decode(&[5]),
        Err(QecError::DetectorOutOfRange {
            detector: 5,
            detectors: 2
        })
    );
}

/// The windowed protocol against the windowed reference on sampled phenomenological shots:
/// the same correction, observables and growth rounds, window by window.
#[test]
fn windowed_equals_the_windowed_reference_on_sampled_shots() {
    use crate::qec::window::Windows;
    for distance in [3, 5, 7, 9] {
        let code = SurfaceCode {
            distance,
            rounds: distance,
            noise: Noise::Phenomenological,
            p: 0.02,
        };
        let dem = code.dem().expect("a DEM");
        let graph = DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph");
        let layout = Layout::new(&graph).expect("a layout");
        let samples = sample(&dem, 150, u64::from(distance) + 11);
        for (w, c) in [(1, 1), (2, 1), (3, 2), (4, 2), (distance + 1, 1)] {
            let windows =
                Windows::new(&graph, &layout.layer_of, layout.layers, w, c).expect("windows");
            let model = Distributed::windowed(&graph, &layout, &windows).expect("a model");
            for (k, shot) in samples.detectors.iter().enumerate() {
                let fired = fired(shot);
                let expected = windows.decode(&graph, &fired).expect("matchable");
                let run = model.decode(&fired).expect("the protocol decodes it");
                assert_eq!(
                    run.correction, expected,
                    "d {distance} W {w} C {c} shot {k}"
                );
            }
        }
    }
}
