//! The centralised decoder's union-find core (`programs/decoders/central/uf.s`) against the
//! host reference (`aether_cosim::qec::unionfind`), shot by shot: `replay.s` decodes a list
//! of syndromes held in memory and logs every result, which must equal the host's
//! correction edges and observable flips. Graphs: hand-made ones and random ones built
//! from DEM text, and 2,000 sampled shots of each of d = 3, 5, 7 (code capacity p = 0.05,
//! phenomenological p = 0.01 with rounds = d), each case on its own node of one scenario.

use aether_cosim::qec::dem::Dem;
use aether_cosim::qec::graph::{DecodingGraph, Weighting};
use aether_cosim::qec::layout::graph_words;
use aether_cosim::qec::surface::Noise;
use aether_cosim::qec::unionfind::{Correction, decode, syndrome_of};
use aether_tests::cosim_support::{aether, log, scenario};
use aether_tests::fw_support::{Gen, lib_dir, words};
use aether_tests::qec_support::surface;
use aether_tests::workspace_root;

/// `replay.s`: the log tags.
const TAG_RESULT: u64 = 1;
const TAG_EDGE: u64 = 2;

/// The data file `replay.s` needs: the graph, the work space and the syndromes.
fn data_file(graph: &DecodingGraph, syndromes: &[Vec<u32>]) -> String {
    let work = 9 * graph.num_detectors as usize + 3 * graph.edges.len();
    let mut text = format!(".const UF_WORK = {work}\n.data\nqec_graph:\n");
    for chunk in graph_words(graph).chunks(16) {
        text += &format!("    .word {}\n", words(chunk));
    }
    text += &format!("syndromes: .word {}\n", syndromes.len());
    for s in syndromes {
        let mut shot = vec![s.len() as u32];
        shot.extend(s);
        text += &format!("    .word {}\n", words(&shot));
    }
    text + "uf_work: .space UF_WORK\n"
}

/// A graph from `(a, b, weight)` edges (`b` = None: boundary), edge `i` flipping
/// observable bit `i % 3`.
fn graph(detectors: u32, edges: &[(u32, Option<u32>, u32)]) -> DecodingGraph {
    let mut text = format!("detector D{}\n", detectors - 1);
    for (i, &(a, b, _)) in edges.iter().enumerate() {
        let b = b.map_or(String::new(), |b| format!(" D{b}"));
        text += &format!("error(0.1) D{a}{b} L{}\n", i % 3);
    }
    let dem = Dem::parse(&text, "test.dem").expect("a DEM");
    let mut g = DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph");
    for (edge, &(_, _, w)) in g.edges.iter_mut().zip(edges) {
        edge.weight = w;
    }
    g
}

/// A random connected-ish graph of 2..40 detectors with boundary edges and weights 1..=5.
fn random_graph(rng: &mut Gen) -> DecodingGraph {
    let n = 2 + rng.below(39) as u32;
    let mut edges: Vec<(u32, Option<u32>, u32)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..3 * n {
        let a = rng.below(u64::from(n)) as u32;
        let b = rng.below(u64::from(n) + 3) as u32;
        let ends = if b >= n {
            (a, None)
        } else if a == b {
            continue;
        } else {
            (a.min(b), Some(a.max(b)))
        };
        if seen.insert(ends) {
            edges.push((ends.0, ends.1, 1 + rng.below(5) as u32));
        }
    }
    graph(n, &edges)
}

/// Random matchable syndromes: each edge flipped with probability 1 / `one_in`.
fn syndromes(rng: &mut Gen, graph: &DecodingGraph, shots: usize, one_in: u64) -> Vec<Vec<u32>> {
    (0..shots)
        .map(|_| {
            let flips: Vec<u32> = (0..graph.edges.len() as u32)
                .filter(|_| rng.below(one_in) == 0)
                .collect();
            syndrome_of(graph, &flips)
        })
        .collect()
}

/// The scenario running every case on its own node (kept alive by the guard).
fn replay_scenario(
    cases: &[(DecodingGraph, Vec<Vec<u32>>)],
) -> (tempfile::TempDir, std::path::PathBuf) {
    let central = workspace_root().join("programs/decoders/central/replay.s");
    let mut text = String::new();
    let mut files = Vec::new();
    for (i, (graph, shots)) in cases.iter().enumerate() {
        text += &format!(
            "[programs.p{i}]\nsources = [\"{}\", \"data{i}.s\"]\nlib = [\"{}\"]\n\
             [[nodes]]\nid = {i}\nprogram = \"p{i}\"\nmemory = 65536\n",
            central.display(),
            lib_dir()
        );
        files.push((format!("data{i}.s"), data_file(graph, shots)));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    scenario("replay.toml", &text, &files)
}

/// Runs every `(graph, syndromes)` case on its own node of one scenario and checks each
/// node's logged results against the host reference, shot by shot.
fn check_against_host(cases: &[(DecodingGraph, Vec<Vec<u32>>)]) {
    let (_dir, path) = replay_scenario(cases);
    let out = aether(&["run", path.to_str().expect("utf-8 path"), "--json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(out.status.code(), Some(0), "faults: {}", r["faults"]);
    let mut got: Vec<Vec<Correction>> = vec![Vec::new(); cases.len()];
    for (node, _, tag, values) in log(&r) {
        let results = &mut got[node as usize];
        match tag {
            TAG_RESULT => {
                assert_eq!(
                    values[0],
                    results.len() as u64,
                    "node {node}: shots in order"
                );
                results.push(Correction {
                    edges: Vec::new(),
                    observables: values[1],
                    growth_rounds: 0,
                });
            }
            TAG_EDGE => {
                assert_eq!(
                    values[0] + 1,
                    results.len() as u64,
                    "node {node}: edge of the last shot"
                );
                let last = results.last_mut().expect("an edge after its result");
                last.edges.push(values[1] as u32);
            }
            other => panic!("unexpected log tag {other}"),
        }
    }
    for (i, (graph, shots)) in cases.iter().enumerate() {
        assert_eq!(got[i].len(), shots.len(), "node {i}: one result per shot");
        for (s, fired) in shots.iter().enumerate() {
            let host = decode(graph, fired).expect("a matchable syndrome");
            let fw = &got[i][s];
            assert_eq!(
                (&fw.edges, fw.observables),
                (&host.edges, host.observables),
                "node {i} shot {s}: syndrome {fired:?}"
            );
        }
    }
}

#[test]
fn hand_made_syndromes_decode_as_the_host_reference() {
    // 0 - 1 - 2 - 3 - 4 with boundary edges at both ends: clusters meeting in the middle,
    // a cluster reaching both boundaries, every detector fired, nothing fired.
    let path = graph(
        5,
        &[
            (0, Some(1), 2),
            (1, Some(2), 2),
            (2, Some(3), 2),
            (3, Some(4), 2),
            (0, None, 2),
            (4, None, 2),
        ],
    );
    let shots = vec![vec![3, 1], vec![2], vec![], vec![0, 1, 2, 3, 4], vec![0, 4]];
    check_against_host(&[(path, shots)]);
}

#[test]
fn random_graphs_decode_as_the_host_reference() {
    let mut rng = Gen::new(9);
    let cases: Vec<_> = (0..24)
        .map(|i| {
            let g = random_graph(&mut rng);
            let s = syndromes(&mut rng, &g, 40, 2 + i % 6);
            (g, s)
        })
        .collect();
    check_against_host(&cases);
}

#[test]
fn an_unmatchable_syndrome_faults_with_qec_e_unmatchable() {
    // 0 - 1 without a boundary: one fired detector can never be matched (QEC_E_UNMATCHABLE
    // = 0xC01 in programs/lib/qec.s); the shot before it decodes.
    let pair = graph(2, &[(0, Some(1), 2)]);
    assert!(decode(&pair, &[0]).is_err());
    let (_dir, path) = replay_scenario(&[(pair, vec![vec![0, 1], vec![0]])]);
    let out = aether(&["run", path.to_str().expect("utf-8 path"), "--json"]);
    assert_eq!(out.status.code(), Some(1), "the node faults");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1);
    assert_eq!(faults[0]["kind"], "assertion");
    assert_eq!(faults[0]["message"], format!("assertion {} failed", 0xC01));
    let results: Vec<_> = log(&r).into_iter().filter(|l| l.2 == TAG_RESULT).collect();
    assert_eq!(results.len(), 1, "shot 0 decoded before the fault");
}

#[test]
fn surface_code_syndromes_decode_as_the_host_reference() {
    let shots = 2000;
    let mut cases = Vec::new();
    for distance in [3, 5, 7] {
        cases.push(surface(
            distance,
            Noise::CodeCapacity,
            0.05,
            shots,
            u64::from(distance),
        ));
        cases.push(surface(
            distance,
            Noise::Phenomenological,
            0.01,
            shots,
            u64::from(distance),
        ));
    }
    check_against_host(&cases);
}
