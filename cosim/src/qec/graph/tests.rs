use super::*;

fn dem(text: &str) -> Dem {
    Dem::parse(text, "g.dem").unwrap()
}

fn ends(g: &DecodingGraph) -> Vec<(u32, Option<u32>, u64)> {
    g.edges.iter().map(|e| (e.a, e.b, e.observables)).collect()
}

#[test]
fn pieces_become_edges_and_boundary_edges() {
    let g = DecodingGraph::from_dem(
        &dem("error(0.1) D1 D0 L0\n\
              error(0.3) D2\n\
              error(0.05) D3 ^ D1 D2 L1\n\
              detector D4\n"),
        Weighting::Unweighted,
    )
    .unwrap();
    assert_eq!(g.num_detectors, 5);
    assert_eq!(
        ends(&g),
        vec![(0, Some(1), 1), (2, None, 0), (3, None, 0), (1, Some(2), 2)]
    );
    assert!(g.edges.iter().all(|e| e.weight == 2));
    assert_eq!(g.incident(0), &[0]);
    assert_eq!(g.incident(1), &[0, 3]);
    assert_eq!(g.incident(2), &[1, 3]);
    assert_eq!(g.incident(3), &[2]);
    assert!(g.is_inert(4));
    assert!(!g.is_inert(3));
}

/// PyMatching's `independent` merge: p = p1 (1 - p2) + p2 (1 - p1), the first piece's observables.
#[test]
fn parallel_pieces_merge_as_pymatching_does() {
    let g = DecodingGraph::from_dem(
        &dem("error(0.1) D0 D1 L0\n\
              error(0.5) D2\n\
              error(0.2) D1 D0\n\
              error(0.25) D2 L1 ^ D0 D1 L0\n"),
        Weighting::Unweighted,
    )
    .unwrap();
    assert_eq!(ends(&g), vec![(0, Some(1), 1), (2, None, 0)]);
    let p01 = 0.1 * 0.8 + 0.2 * 0.9;
    let p01 = p01 * 0.75 + 0.25 * (1.0 - p01);
    assert!((g.edges[0].probability - p01).abs() < 1e-15);
    assert!((g.edges[1].probability - 0.5).abs() < 1e-15);
}

#[test]
fn log_weights_scale_the_least_likely_edge_to_the_resolution() {
    let g = DecodingGraph::from_dem(
        &dem("error(0.01) D0 D1\nerror(0.1) D1 D2\nerror(0.5) D2\nerror(0.9) D0\nerror(0) D1\n"),
        Weighting::Log { resolution: 100 },
    )
    .unwrap();
    let weights: Vec<u32> = g.edges.iter().map(|e| e.weight).collect();
    // ln(99) = 4.595, ln(9) = 2.197: 100 * 2.197 / 4.595 = 47.8.
    assert_eq!(weights, vec![100, 48, 1, 1, 100]);
}

#[test]
fn bad_pieces_name_the_line() {
    let err = |text: &str| {
        DecodingGraph::from_dem(&dem(text), Weighting::Unweighted)
            .unwrap_err()
            .to_string()
    };
    let hyper = err("error(0.1) D0\nerror(0.1) D0 D1 D2\n");
    assert!(
        hyper.starts_with("g.dem:2: hyperedge: a piece with 3 detectors (D0 D1 D2)"),
        "{hyper}"
    );
    let decomposed = err("error(0.1) D0 D1 ^ D2 D3 D4 L0\n");
    assert!(decomposed.starts_with("g.dem:1: hyperedge"), "{decomposed}");
    let logical = err("error(0.1) D0\nerror(0.1) L0\n");
    assert!(
        logical.starts_with("g.dem:2: a piece without detectors"),
        "{logical}"
    );
}

#[test]
fn a_detector_beyond_the_model_is_out_of_range() {
    let mut model = dem("error(0.1) D0 D1\n");
    model.mechanisms[0].pieces[0].detectors = vec![0, 7];
    let e = DecodingGraph::from_dem(&model, Weighting::Unweighted).unwrap_err();
    assert_eq!(
        e.to_string(),
        "g.dem:1: detector D7 is out of range (the model has 2)"
    );
}

#[test]
fn weightings_read_from_text() {
    assert_eq!("unweighted".parse(), Ok(Weighting::Unweighted));
    assert_eq!("log:16".parse(), Ok(Weighting::Log { resolution: 16 }));
    for bad in ["log:0", "log", "log:x", "weighted", "unweighted:2"] {
        assert!(bad.parse::<Weighting>().is_err(), "{bad}");
    }
}

/// Our graph of each stim fixture has PyMatching's edges, probabilities and observables.
#[test]
fn equals_pymatchings_graph_of_stims_dems() {
    use std::collections::BTreeMap;

    use crate::qec::fixtures;

    for case in fixtures::cases() {
        let name = format!("{}.dem", case.name);
        let model = Dem::parse(&String::from_utf8(fixtures::read(&name)).unwrap(), &name).unwrap();
        let g = DecodingGraph::from_dem(&model, Weighting::Unweighted).unwrap();
        let ours: BTreeMap<(u32, Option<u32>), (f64, u64)> = g
            .edges
            .iter()
            .map(|e| ((e.a, e.b), (e.probability, e.observables)))
            .collect();
        assert_eq!(ours.len(), g.edges.len(), "{name}: edges are distinct");
        let text =
            String::from_utf8(fixtures::read(&format!("{}.pymatching_edges", case.name))).unwrap();
        let theirs: BTreeMap<(u32, Option<u32>), (f64, u64)> = text
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let (a, b): (u32, i64) = (f[0].parse().unwrap(), f[1].parse().unwrap());
                let b = u32::try_from(b).ok();
                let (a, b) = match b {
                    Some(b) => (a.min(b), Some(a.max(b))),
                    None => (a, None),
                };
                ((a, b), (f[2].parse().unwrap(), f[3].parse().unwrap()))
            })
            .collect();
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{name}: edge ends"
        );
        for (ends, (p, obs)) in &ours {
            let (q, their_obs) = theirs[ends];
            assert_eq!(*obs, their_obs, "{name}: {ends:?} observables");
            assert!(
                (p - q).abs() <= 1e-12 * q,
                "{name}: {ends:?}: ours {p}, PyMatching {q}"
            );
        }
    }
}
