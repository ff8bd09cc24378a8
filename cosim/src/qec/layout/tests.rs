use super::*;
use crate::qec::dem::Dem;
use crate::qec::graph::Weighting;
use crate::qec::surface::{Noise, SurfaceCode};

/// D1 at (0, 0); D0 and D2 on the stabilizer at (2, 0) in layers 0 and 1.
const DEM: &str = "error(0.1) D0 D1\nerror(0.1) D0\nerror(0.1) D1 D2 L0\n\
                   detector(2, 0, 0) D0\ndetector(0, 0, 0) D1\ndetector(2, 0, 1) D2\n";

fn graph(text: &str) -> DecodingGraph {
    let dem = Dem::parse(text, "t.dem").expect("dem");
    DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("graph")
}

#[test]
fn detectors_go_to_their_stabilizers_node_in_y_x_order() {
    let g = graph(DEM);
    let layout = Layout::new(&g).expect("layout");
    assert_eq!(layout.positions, vec![(0.0, 0.0), (2.0, 0.0)]);
    assert_eq!(layout.node_of, vec![Some(1), Some(0), Some(1)]);
    assert_eq!(layout.layer_of, vec![0, 0, 1]);
    assert_eq!(layout.layers, 2);
    assert_eq!(layout.detectors, vec![vec![1], vec![0, 2]]);
    assert_eq!(layout.lattice(&g), BTreeSet::from([(0, 1)]));
}

#[test]
fn qec_node_and_qec_graph_words_follow_the_documented_tables() {
    let g = graph(DEM);
    let layout = Layout::new(&g).expect("layout");
    // N, id, L, central, D, E, k, detectors, m, then (edge, mine, other, its node, w, obs).
    assert_eq!(
        layout.node_words(&g, 1, 0),
        vec![
            2, 1, 2, 0, 3, 3, 2, 0, 2, 3, //
            0, 0, 1, 0, 2, 0, //
            1, 0, NONE, NONE, 2, 0, //
            2, 2, 1, 0, 2, 1,
        ]
    );
    assert_eq!(
        layout.empty_node_words(&g, 2, 0),
        vec![2, 2, 2, 0, 3, 3, 0, 0]
    );
    // D, E, (a, b, w, obs) per edge, offsets, incident edges.
    assert_eq!(
        graph_words(&g),
        vec![
            3, 3, 0, 1, 2, 0, 0, NONE, 2, 0, 1, 2, 2, 1, //
            0, 2, 4, 5, //
            0, 1, 0, 2, 2,
        ]
    );
}

#[test]
fn a_distance_5_surface_code_has_one_node_per_stabilizer_with_detectors() {
    // Code capacity: the (d^2 - 1) / 2 Z stabilizers, two layers of which only the first
    // has detectors that can fire (memory-Z leaves the X detectors and the final layer
    // inert). Phenomenological, 5 rounds: the Z stabilizers
    // in layers 0 ..= 5 (rounds and the final layer), and the X stabilizers, whose
    // measurement flips make detectors in rounds 1 .. 5 only.
    for (noise, rounds, nodes, layers, per_node) in [
        (Noise::CodeCapacity, 1, 12, 2, vec![1]),
        (Noise::Phenomenological, 5, 24, 6, vec![4, 6]),
    ] {
        let code = SurfaceCode {
            distance: 5,
            rounds,
            noise,
            p: 0.01,
        };
        let g = DecodingGraph::from_dem(&code.dem().expect("dem"), Weighting::Unweighted)
            .expect("graph");
        let layout = Layout::new(&g).expect("layout");
        assert_eq!(layout.nodes(), nodes, "{noise}");
        assert_eq!(layout.layers, layers, "{noise}");
        let sizes: BTreeSet<usize> = layout.detectors.iter().map(Vec::len).collect();
        assert_eq!(sizes, per_node.into_iter().collect(), "{noise}");
        let yx: Vec<(f64, f64)> = layout.positions.iter().map(|p| (p.1, p.0)).collect();
        assert!(yx.windows(2).all(|w| w[0] < w[1]), "sorted by (y, x)");
    }
}

#[test]
fn detectors_without_coordinates_or_sharing_a_layer_are_errors() {
    let err = Layout::new(&graph("error(0.1) D0 D1\ndetector(0, 0, 0) D0\n")).expect_err("D1");
    assert!(
        err.to_string().contains("D1 has no (x, y) coordinates"),
        "{err}"
    );
    let err = Layout::new(&graph(
        "error(0.1) D0 D1\ndetector(0, 0, 0) D0\ndetector(0, 0, 0) D1\n",
    ))
    .expect_err("same place");
    assert!(
        err.to_string().contains("both on node 0 in layer 0"),
        "{err}"
    );
}
