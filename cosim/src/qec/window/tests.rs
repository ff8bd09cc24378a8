//! The windowed reference against the example worked by hand in docs/decoders.md, against
//! the unwindowed reference when one window holds the shot, and every windowed correction
//! against its syndrome.

use super::Windows;
use crate::qec::dem::Dem;
use crate::qec::graph::{DecodingGraph, Weighting};
use crate::qec::layout::Layout;
use crate::qec::sample::sample;
use crate::qec::surface::{Noise, SurfaceCode};
use crate::qec::unionfind::{decode, syndrome_of};

/// One stabilizer in four layers (docs/decoders.md's example): `b0, e0, e1, e2, b3`.
fn column() -> DecodingGraph {
    let text = "error(0.1) D0\nerror(0.1) D0 D1\nerror(0.1) D1 D2 L0\nerror(0.1) D2 D3\n\
                error(0.1) D3\n";
    let dem = Dem::parse(text, "column.dem").expect("a DEM");
    DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph")
}

#[test]
fn the_hand_worked_example_commits_a_time_edge_across_the_boundary() {
    let graph = column();
    let windows = Windows::new(&graph, &[0, 1, 2, 3], 4, 3, 2).expect("windows");
    assert_eq!(windows.bounds(), vec![(0, 3, 2), (2, 4, 4)]);
    let c = windows.decode(&graph, &[1, 2, 3]).expect("decodes");
    assert_eq!(
        c.edges,
        vec![2, 4],
        "e1 committed by window 0, b3 by window 1"
    );
    assert_eq!(c.observables, 1, "e1 flips L0");
    assert_eq!(c.growth_rounds, 1 + 2);
    let whole = decode(&graph, &[1, 2, 3]).expect("decodes");
    assert_eq!((whole.edges, whole.growth_rounds), (vec![2, 4], 2));
}

#[test]
fn without_the_carried_flip_the_second_window_would_differ() {
    // D1 and D2 fired only: window 0 commits e1, which flips D2 back to quiet, so window 1
    // has nothing to do; the shot's correction is e1 alone.
    let graph = column();
    let windows = Windows::new(&graph, &[0, 1, 2, 3], 4, 3, 2).expect("windows");
    let c = windows.decode(&graph, &[1, 2]).expect("decodes");
    assert_eq!((c.edges, c.growth_rounds), (vec![2], 1));
}

#[test]
fn bad_window_and_commit_pairs_are_rejected() {
    let graph = column();
    let layers = [0, 1, 2, 3];
    for (w, c) in [(3, 0), (2, 3), (0, 0)] {
        assert!(Windows::new(&graph, &layers, 4, w, c).is_err(), "{w} {c}");
    }
    let bounds = |w, c| {
        Windows::new(&graph, &layers, 4, w, c)
            .expect("windows")
            .bounds()
    };
    assert_eq!(bounds(4, 1), vec![(0, 4, 4)], "W = L is the whole shot");
    assert_eq!(bounds(9, 9), vec![(0, 4, 4)]);
    assert_eq!(
        bounds(1, 1),
        vec![(0, 1, 1), (1, 2, 2), (2, 3, 3), (3, 4, 4)]
    );
    assert_eq!(bounds(3, 1), vec![(0, 3, 1), (1, 4, 4)]);
}

/// Sampled phenomenological shots of distance `d`, p = 0.02: the graph, its layout, and
/// the fired detectors.
fn sampled(d: u32, shots: usize) -> (DecodingGraph, Layout, Vec<Vec<u32>>) {
    let code = SurfaceCode {
        distance: d,
        rounds: d,
        noise: Noise::Phenomenological,
        p: 0.02,
    };
    let dem = code.dem().expect("a DEM");
    let graph = DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph");
    let layout = Layout::new(&graph).expect("a layout");
    let fired = sample(&dem, shots, u64::from(d))
        .detectors
        .iter()
        .map(|s| s.iter_ones().map(|v| v as u32).collect())
        .collect();
    (graph, layout, fired)
}

#[test]
fn one_window_of_the_whole_shot_is_the_unwindowed_reference() {
    for d in [3, 5, 7] {
        let (graph, layout, shots) = sampled(d, 300);
        let windows = Windows::new(&graph, &layout.layer_of, layout.layers, layout.layers, 1)
            .expect("windows");
        for fired in &shots {
            assert_eq!(windows.decode(&graph, fired), decode(&graph, fired));
        }
    }
}

#[test]
fn every_windowed_correction_reproduces_its_syndrome() {
    for d in [3, 5, 7, 9] {
        let (graph, layout, shots) = sampled(d, 200);
        for (w, c) in [(1, 1), (2, 1), (3, 1), (3, 2), (4, 2), (d, d / 2)] {
            let windows =
                Windows::new(&graph, &layout.layer_of, layout.layers, w, c).expect("windows");
            let mut differs = 0;
            for fired in &shots {
                let got = windows.decode(&graph, fired).expect("every window matches");
                assert_eq!(syndrome_of(&graph, &got.edges), *fired, "d {d} W {w} C {c}");
                let mask = got
                    .edges
                    .iter()
                    .fold(0, |m, &e| m ^ graph.edges[e as usize].observables);
                assert_eq!(got.observables, mask);
                differs += usize::from(got != decode(&graph, fired).expect("decodes"));
            }
            if w < layout.layers {
                assert!(differs > 0, "d {d} W {w} C {c}: windows change some shot");
            }
        }
    }
}
