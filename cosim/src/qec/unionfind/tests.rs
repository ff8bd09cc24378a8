//! The reference decoder against hand-worked syndromes and against a second, deliberately
//! naive implementation written straight from docs/decoders.md (clusters recomputed by a
//! search every round, depths by relaxation to a fixed point, the correction as the parent
//! edges crossed an odd number of times on the fired detectors' paths to their roots).

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

use super::{Correction, decode, syndrome_of};
use crate::qec::QecError;
use crate::qec::dem::Dem;
use crate::qec::graph::{DecodingGraph, Edge, Weighting};
use crate::qec::sample::{Samples, sample};
use crate::qec::score::Score;
use crate::qec::surface::{Noise, SurfaceCode};
use bitvec::vec::BitVec;

/// A graph on `detectors` detectors from `(a, b, weight, observables)` edges (`b` = None:
/// a boundary edge, `a < b` otherwise), in this order: built from a DEM with one error per
/// edge, then given the weights.
fn graph(detectors: u32, edges: &[(u32, Option<u32>, u32, u64)]) -> DecodingGraph {
    let mut text = format!("detector D{}\n", detectors - 1);
    for &(a, b, _, observables) in edges {
        text += &format!("error(0.1) D{a}");
        if let Some(b) = b {
            text += &format!(" D{b}");
        }
        for bit in (0..64).filter(|bit| observables >> bit & 1 == 1) {
            text += &format!(" L{bit}");
        }
        text += "\n";
    }
    let dem = Dem::parse(&text, "test.dem").expect("a valid DEM");
    let mut graph = DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph");
    assert_eq!(graph.edges.len(), edges.len());
    for (edge, &(a, b, weight, observables)) in graph.edges.iter_mut().zip(edges) {
        assert_eq!((edge.a, edge.b, edge.observables), (a, b, observables));
        edge.weight = weight;
    }
    graph
}

/// Decodes, then checks that the correction reproduces the syndrome and its observables.
fn decode_checked(graph: &DecodingGraph, fired: &[u32]) -> Result<Correction, QecError> {
    let correction = decode(graph, fired)?;
    let mut syndrome = fired.to_vec();
    syndrome.sort_unstable();
    syndrome.dedup();
    assert_eq!(syndrome_of(graph, &correction.edges), syndrome);
    let flips = correction
        .edges
        .iter()
        .fold(0, |acc, &e| acc ^ graph.edges[e as usize].observables);
    assert_eq!(correction.observables, flips);
    assert!(correction.edges.windows(2).all(|w| w[0] < w[1]));
    Ok(correction)
}

/// The naive implementation: `(edges, observables, rounds)`, or `None` when unmatchable.
fn naive(graph: &DecodingGraph, fired: &[u32]) -> Option<(Vec<u32>, u64, u32)> {
    let n = graph.num_detectors as usize;
    let mut is_fired = vec![false; n];
    for &v in fired {
        is_fired[v as usize] = true;
    }
    let other = |e: &Edge, v: u32| e.b.map(|b| if e.a == v { b } else { e.a });
    let mut support = vec![0u32; graph.edges.len()];
    let mut rounds = 0;
    let (cluster, touches) = loop {
        // Clusters: components under grown detector-to-detector edges, by search.
        let mut cluster = vec![usize::MAX; n];
        let mut count = 0;
        for start in 0..n {
            if cluster[start] != usize::MAX {
                continue;
            }
            cluster[start] = count;
            let mut stack = vec![start as u32];
            while let Some(v) = stack.pop() {
                for (id, e) in graph.edges.iter().enumerate() {
                    if support[id] != e.weight {
                        continue;
                    }
                    if let Some(u) = (e.a == v || e.b == Some(v)).then(|| other(e, v)).flatten()
                        && cluster[u as usize] == usize::MAX
                    {
                        cluster[u as usize] = count;
                        stack.push(u);
                    }
                }
            }
            count += 1;
        }
        let mut parity = vec![false; count];
        let mut touches = vec![false; count];
        for v in 0..n {
            parity[cluster[v]] ^= is_fired[v];
        }
        for (id, e) in graph.edges.iter().enumerate() {
            if e.b.is_none() && support[id] == e.weight {
                touches[cluster[e.a as usize]] = true;
            }
        }
        let active: Vec<bool> = (0..count).map(|c| parity[c] && !touches[c]).collect();
        if !active.contains(&true) {
            break (cluster, touches);
        }
        for c in (0..count).filter(|&c| active[c]) {
            let stuck = graph.edges.iter().enumerate().all(|(id, e)| {
                let inside =
                    cluster[e.a as usize] == c || e.b.is_some_and(|b| cluster[b as usize] == c);
                !inside || support[id] == e.weight
            });
            if stuck {
                return None;
            }
        }
        for (id, e) in graph.edges.iter().enumerate() {
            let k = u32::from(active[cluster[e.a as usize]])
                + e.b.map_or(0, |b| u32::from(active[cluster[b as usize]]));
            support[id] += k.min(e.weight - support[id]);
        }
        rounds += 1;
    };
    let grown = |id: usize| support[id] == graph.edges[id].weight;
    // Depths: sources by the definition, then relaxation until nothing changes.
    const FAR: u32 = u32::MAX;
    let mut depth = vec![FAR; n];
    for v in 0..n {
        let c = cluster[v];
        if touches[c] {
            let has_boundary = graph
                .edges
                .iter()
                .enumerate()
                .any(|(id, e)| e.a == v as u32 && e.b.is_none() && grown(id));
            if has_boundary {
                depth[v] = 1;
            }
        } else if (0..v).all(|u| cluster[u] != c) {
            depth[v] = 0;
        }
    }
    loop {
        let mut changed = false;
        for (id, e) in graph.edges.iter().enumerate() {
            let Some(b) = e.b else { continue };
            if !grown(id) {
                continue;
            }
            for (x, y) in [(e.a as usize, b as usize), (b as usize, e.a as usize)] {
                if depth[x] != FAR && depth[x] + 1 < depth[y] {
                    depth[y] = depth[x] + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Parent edges: the smallest grown edge one level up (the boundary edge at depth 1).
    let parent = |v: u32| -> Option<(u32, Option<u32>)> {
        let d = depth[v as usize];
        if touches[cluster[v as usize]] && d == 1 {
            return graph
                .edges
                .iter()
                .enumerate()
                .find(|&(id, e)| e.a == v && e.b.is_none() && grown(id))
                .map(|(id, _)| (id as u32, None));
        }
        if d == 0 || d == FAR {
            return None;
        }
        graph.edges.iter().enumerate().find_map(|(id, e)| {
            let u = (e.a == v || e.b == Some(v))
                .then(|| other(e, v))
                .flatten()?;
            (grown(id) && depth[u as usize] == d - 1).then_some((id as u32, Some(u)))
        })
    };
    let mut crossed = vec![false; graph.edges.len()];
    for v in (0..n as u32).filter(|&v| is_fired[v as usize]) {
        let mut at = v;
        while let Some((e, up)) = parent(at) {
            crossed[e as usize] ^= true;
            match up {
                Some(u) => at = u,
                None => break,
            }
        }
    }
    let edges: Vec<u32> = (0..graph.edges.len() as u32)
        .filter(|&e| crossed[e as usize])
        .collect();
    let observables = edges
        .iter()
        .fold(0, |acc, &e| acc ^ graph.edges[e as usize].observables);
    Some((edges, observables, rounds))
}

/// Checks that the reference and the naive implementation agree on `fired`; whether it
/// was matchable.
fn agree(graph: &DecodingGraph, fired: &[u32]) -> bool {
    let reference = decode_checked(graph, fired);
    let expected = naive(graph, fired);
    match (reference, expected) {
        (Ok(c), Some((edges, observables, rounds))) => {
            assert_eq!(
                (c.edges, c.observables, c.growth_rounds),
                (edges, observables, rounds),
                "syndrome {fired:?}"
            );
            true
        }
        (Err(QecError::Unmatchable { .. }), None) => false,
        (got, want) => panic!("syndrome {fired:?}: reference {got:?}, naive {want:?}"),
    }
}

fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    rng.next_u64() % n
}

/// A random graph: `n` detectors, random detector pairs and boundary edges, weights 1..=6,
/// observable masks of 3 bits; parallel edges are skipped (the graph merges them).
fn random_graph(rng: &mut ChaCha8Rng) -> DecodingGraph {
    let n = 1 + below(rng, 24) as u32;
    let target = below(rng, 3 * u64::from(n) + 2);
    let mut pairs: Vec<(u32, Option<u32>)> = Vec::new();
    for _ in 0..target {
        let a = below(rng, u64::from(n)) as u32;
        let b = below(rng, u64::from(n) + 2) as u32;
        let pair = if b >= n {
            (a, None)
        } else if a == b {
            continue;
        } else {
            (a.min(b), Some(a.max(b)))
        };
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    let edges: Vec<_> = pairs
        .into_iter()
        .map(|(a, b)| (a, b, 1 + below(rng, 6) as u32, below(rng, 8)))
        .collect();
    graph(n, &edges)
}

/// Fired detectors as the boundary of a random set of edges (always matchable when the
/// graph is built right), or a random subset of detectors.
fn random_syndrome(rng: &mut ChaCha8Rng, graph: &DecodingGraph) -> Vec<u32> {
    if below(rng, 2) == 0 && !graph.edges.is_empty() {
        let flips: Vec<u32> = (0..graph.edges.len() as u32)
            .filter(|_| below(rng, 5) == 0)
            .collect();
        syndrome_of(graph, &flips)
    } else {
        (0..graph.num_detectors)
            .filter(|_| below(rng, 4) == 0)
            .collect()
    }
}

#[test]
fn two_clusters_meet_in_the_middle() {
    // 0 - 1 - 2 - 3 - 4 with boundary edges at both ends; 1 and 3 fired. Each grows one
    // half-edge per round on both sides; after 2 rounds the path 0..4 is one even cluster
    // rooted at 0 (depths 0..4), and the subtrees of 2 and 3 hold one fired detector each.
    let g = graph(
        5,
        &[
            (0, Some(1), 2, 0),
            (1, Some(2), 2, 1),
            (2, Some(3), 2, 2),
            (3, Some(4), 2, 0),
            (0, None, 2, 4),
            (4, None, 2, 8),
        ],
    );
    let c = decode_checked(&g, &[3, 1]).unwrap();
    assert_eq!(c.edges, vec![1, 2]);
    assert_eq!(c.observables, 3);
    assert_eq!(c.growth_rounds, 2);
}

#[test]
fn a_cluster_touching_both_boundaries_peels_by_the_smallest_edge() {
    // 0 - 1 - 2 with boundary edges on 0 and 2, only 1 fired. Rounds 1-2 grow both path
    // edges, round 3-4 both boundary edges: {0, 1, 2} touches the boundary at 0 and 2
    // (depth 1 both), 1 has depth 2 and takes edge 0 (1 - 2, the smaller id) as parent,
    // then 2 takes its boundary edge 3.
    let g = graph(
        3,
        &[
            (1, Some(2), 2, 1),
            (0, Some(1), 2, 2),
            (0, None, 2, 4),
            (2, None, 2, 8),
        ],
    );
    let c = decode_checked(&g, &[1]).unwrap();
    assert_eq!(c.edges, vec![0, 3]);
    assert_eq!(c.observables, 9);
    assert_eq!(c.growth_rounds, 4);
}

#[test]
fn weighted_growth_stops_at_the_first_boundary_contact() {
    // 0 fired; boundary edge 0 (weight 3) and 2 (on 1, weight 1), edge 1 = 0 - 1 (weight 2).
    // Round 1: s = (1, 1, 0); round 2: (2, 2, 0), 1 joins; round 3: (3, 2, 1): both
    // boundary edges grown, depth 1 each; only 0's subtree is odd.
    let g = graph(2, &[(0, None, 3, 1), (0, Some(1), 2, 2), (1, None, 1, 4)]);
    let c = decode_checked(&g, &[0]).unwrap();
    assert_eq!(c.edges, vec![0]);
    assert_eq!(c.observables, 1);
    assert_eq!(c.growth_rounds, 3);
}

#[test]
fn every_detector_fired() {
    // 0 - 1 - 2 - 3 with boundary edges at both ends, all fired: one round grows every
    // path edge from both sides (and each boundary edge halfway); {0..3} is even, rooted
    // at 0; the subtrees of 1 ({1, 2, 3}) and 3 ({3}) are odd.
    let g = graph(
        4,
        &[
            (0, Some(1), 2, 1),
            (1, Some(2), 2, 2),
            (2, Some(3), 2, 4),
            (0, None, 2, 8),
            (3, None, 2, 16),
        ],
    );
    let c = decode_checked(&g, &[0, 1, 2, 3]).unwrap();
    assert_eq!(c.edges, vec![0, 2]);
    assert_eq!(c.observables, 5);
    assert_eq!(c.growth_rounds, 1);
}

#[test]
fn no_detector_fired_is_no_correction() {
    let g = graph(2, &[(0, Some(1), 2, 1), (0, None, 2, 2)]);
    let c = decode_checked(&g, &[]).unwrap();
    assert_eq!((c.edges, c.observables, c.growth_rounds), (vec![], 0, 0));
}

#[test]
fn unmatchable_syndromes_are_errors() {
    // 0 - 1 without a boundary: a single fired detector grows the edge in 2 rounds, then
    // the odd cluster {0, 1} has nothing left to grow.
    let g = graph(3, &[(0, Some(1), 2, 1)]);
    assert!(matches!(
        decode(&g, &[1]),
        Err(QecError::Unmatchable { detector: 1 })
    ));
    // Detector 2 is inert: it has no edge at all.
    assert!(matches!(
        decode(&g, &[0, 1, 2]),
        Err(QecError::Unmatchable { detector: 2 })
    ));
    assert!(matches!(
        decode(&g, &[3]),
        Err(QecError::DetectorOutOfRange {
            detector: 3,
            detectors: 3
        })
    ));
}

#[test]
fn reference_equals_the_naive_definition_on_random_graphs() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let mut matched = 0;
    let mut unmatched = 0;
    for _ in 0..400 {
        let g = random_graph(&mut rng);
        for _ in 0..10 {
            let fired = random_syndrome(&mut rng, &g);
            if agree(&g, &fired) {
                matched += 1;
            } else {
                unmatched += 1;
            }
        }
    }
    assert!(
        matched > 1500 && unmatched > 300,
        "{matched} matched, {unmatched} not"
    );
}

/// The rotated surface code's decoding graph and `shots` sampled shots.
fn surface(
    distance: u32,
    noise: Noise,
    p: f64,
    weighting: Weighting,
    shots: usize,
) -> (DecodingGraph, Samples) {
    let code = SurfaceCode {
        distance,
        rounds: noise.default_rounds(distance),
        noise,
        p,
    };
    let dem = code.dem().expect("a surface code DEM");
    let graph = DecodingGraph::from_dem(&dem, weighting).expect("a graph");
    (graph, sample(&dem, shots, u64::from(distance)))
}

fn fired(shot: &BitVec) -> Vec<u32> {
    shot.iter_ones().map(|v| v as u32).collect()
}

#[test]
fn reference_equals_the_naive_definition_on_surface_codes() {
    let weightings = [Weighting::Unweighted, Weighting::Log { resolution: 8 }];
    let cases = [(Noise::CodeCapacity, 0.08), (Noise::Phenomenological, 0.02)];
    for distance in [3, 5] {
        for (noise, p) in cases {
            for weighting in weightings {
                let (graph, samples) = surface(distance, noise, p, weighting, 250);
                for shot in &samples.detectors {
                    assert!(agree(&graph, &fired(shot)), "d = {distance}: matchable");
                }
                // Every detector an edge touches: phenomenological DEMs hold chains of
                // X-type detectors without a boundary edge, so there it may be
                // unmatchable, and then both implementations must say so.
                let every: Vec<u32> = (0..graph.num_detectors)
                    .filter(|&v| !graph.is_inert(v))
                    .collect();
                let matched = agree(&graph, &every);
                assert!(matched || matches!(noise, Noise::Phenomenological));
            }
        }
    }
}

#[test]
fn logical_error_rate_falls_with_distance_and_corrections_reproduce_syndromes() {
    // Code capacity p = 0.05 (one round) and phenomenological p = 0.01 (rounds = d), both
    // below union-find's thresholds: the rate falls at every step of d (fixed seeds), and
    // the Wilson intervals of d and d + 4 are disjoint.
    for (noise, p, shots) in [
        (Noise::CodeCapacity, 0.05, 20_000),
        (Noise::Phenomenological, 0.01, 10_000),
    ] {
        let mut scores: Vec<Score> = Vec::new();
        for distance in [3, 5, 7, 9, 11] {
            let (graph, samples) = surface(distance, noise, p, Weighting::Unweighted, shots);
            let predicted: Vec<BitVec> = samples
                .detectors
                .iter()
                .map(|shot| {
                    let c = decode_checked(&graph, &fired(shot)).expect("matchable");
                    let mut flips = BitVec::repeat(false, 1);
                    flips.set(0, c.observables & 1 == 1);
                    flips
                })
                .collect();
            scores.push(Score::compare(&samples.observables, &predicted));
        }
        let rates: Vec<f64> = scores.iter().map(|s| s.rate).collect();
        assert!(
            rates.windows(2).all(|w| w[1] < w[0]),
            "{noise:?}: {rates:?}"
        );
        for pair in scores.windows(3) {
            assert!(pair[2].high < pair[0].low, "{noise:?}: {:?}", scores);
        }
    }
}
