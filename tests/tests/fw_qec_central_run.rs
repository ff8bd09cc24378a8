//! The centralised decoder end to end, in process: every stabilizer node (node.s) gets
//! its readouts from the simulator's local input and forwards its detection events to the
//! central node (central.s), which decodes each shot with the firmware union-find and
//! sends one QEC_RESULT through its output port. Results must equal the host reference
//! (predictions and correction edges), shot by shot.
//!
//! Until the scenario's `[decoding]` section lands, the test lays the problem out itself
//! as docs/decoders.md says: one node per stabilizer `(x, y)` of the non-inert detectors,
//! numbered in `(y, x)` order, holding every detector at its `(x, y)`; the central node
//! after them; layers from the DEM's distinct `t` coordinates; `qec_node` on every node
//! and `qec_graph` on the central one.

use std::collections::BTreeSet;
use std::path::PathBuf;

use aether_cosim::local_io::InputSource;
use aether_cosim::qec::graph::DecodingGraph;
use aether_cosim::qec::surface::Noise;
use aether_cosim::qec::unionfind::decode;
use aether_cosim::scenario::Scenario;
use aether_cosim::sim::{Station, Stepping};
use aether_cosim::time::Time;
use aether_network::{Address, Message};
use aether_tests::cosim_support::scenario;
use aether_tests::fw_support::lib_dir;
use aether_tests::qec_support::{graph_words, surface};
use aether_tests::workspace_root;

/// `programs/lib/qec.s`.
const QEC_READOUT: u32 = 0x7F_FE00;
const QEC_RESULT: u32 = 0x7F_FE01;
/// One round: 1 us in femtoseconds.
const ROUND: Time = 1_000_000_000;

/// A decoding problem laid out on nodes.
struct Layout {
    graph: DecodingGraph,
    /// Each stabilizer node's detectors, by layer.
    nodes: Vec<Vec<u32>>,
    /// Each detector's layer.
    layer: Vec<u32>,
    layers: u32,
    /// The central node: `nodes.len()` (an extra node) or one of the stabilizer nodes.
    central: u32,
}

impl Layout {
    fn new(graph: DecodingGraph) -> Layout {
        let key = |x: f64| (x * 2.0).round() as i64;
        let coords = |v: u32| {
            graph.coords[v as usize]
                .clone()
                .expect("detector coordinates")
        };
        let live: Vec<u32> = (0..graph.num_detectors)
            .filter(|&v| !graph.is_inert(v))
            .collect();
        let all: Vec<u32> = (0..graph.num_detectors).collect();
        let ts: Vec<i64> = all
            .iter()
            .map(|&v| key(coords(v)[2]))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let places: Vec<(i64, i64)> = live
            .iter()
            .map(|&v| (key(coords(v)[1]), key(coords(v)[0])))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut layer = vec![0; graph.num_detectors as usize];
        let mut nodes = vec![Vec::new(); places.len()];
        for &v in &all {
            let c = coords(v);
            layer[v as usize] = ts.binary_search(&key(c[2])).expect("a layer") as u32;
            if let Ok(node) = places.binary_search(&(key(c[1]), key(c[0]))) {
                nodes[node].push(v);
            }
        }
        for dets in &mut nodes {
            dets.sort_by_key(|&v| (layer[v as usize], v));
        }
        Layout {
            graph,
            nodes,
            layer,
            layers: ts.len() as u32,
            central: places.len() as u32,
        }
    }

    /// Every node: the stabilizer nodes and an extra central node if there is one.
    fn all_nodes(&self) -> u32 {
        self.nodes.len() as u32 + u32::from(self.central == self.nodes.len() as u32)
    }

    /// The node holding detector `v` (-1 when inert).
    fn node_of(&self, v: u32) -> i64 {
        self.nodes
            .iter()
            .position(|d| d.contains(&v))
            .map_or(-1, |n| n as i64)
    }

    /// `qec_node` of node `id` (docs/decoders.md, "Per-node data").
    fn node_words(&self, id: u32) -> Vec<u32> {
        let g = &self.graph;
        let mine: &[u32] = self.nodes.get(id as usize).map_or(&[], Vec::as_slice);
        let mut w = vec![
            self.nodes.len() as u32,
            id,
            self.layers,
            self.central,
            g.num_detectors,
            g.edges.len() as u32,
            mine.len() as u32,
        ];
        w.extend(mine);
        let records: Vec<(u32, u32)> = mine
            .iter()
            .flat_map(|&v| g.incident(v).iter().map(move |&e| (e, v)))
            .collect();
        w.push(records.len() as u32);
        for (e, v) in records {
            let edge = &g.edges[e as usize];
            let other = edge.b.map(|b| if edge.a == v { b } else { edge.a });
            w.push(e);
            w.push(v);
            w.push(other.map_or(u32::MAX, |u| u));
            w.push(other.map_or(u32::MAX, |u| self.node_of(u) as u32));
            w.push(edge.weight);
            w.push(edge.observables as u32);
        }
        w
    }

    /// Every node's readouts of `shots`, at the end of each round plus `latency`.
    fn readouts(&self, shots: &[Vec<u32>], latency: Time) -> Readouts {
        let mut due = Vec::new();
        for (s, fired) in shots.iter().enumerate() {
            for (node, dets) in self.nodes.iter().enumerate() {
                for &v in dets {
                    let t = self.layer[v as usize];
                    let at =
                        (s as u64 * u64::from(self.layers) + u64::from(t) + 1) * ROUND + latency;
                    let msg = Message {
                        src: node as u16,
                        dst: Address::new(node as u16, 0),
                        reply_to: None,
                        msg_type: QEC_READOUT,
                        payload: vec![s as u32, t, v, u32::from(fired.contains(&v))],
                    };
                    due.push((at, msg));
                }
            }
        }
        due.sort_by_key(|(t, m)| (*t, m.dst.node));
        Readouts { due, next: 0 }
    }
}

/// Scheduled readouts.
struct Readouts {
    due: Vec<(Time, Message)>,
    next: usize,
}

impl InputSource for Readouts {
    fn next_time(&self) -> Option<Time> {
        self.due.get(self.next).map(|d| d.0)
    }

    fn pop(&mut self, out: &mut Vec<Message>) {
        let Some(t) = self.next_time() else { return };
        while self.next < self.due.len() && self.due[self.next].0 == t {
            out.push(self.due[self.next].1.clone());
            self.next += 1;
        }
    }
}

fn assemble(sources: &[PathBuf], libs: &[PathBuf]) -> Result<aether_isa::Image, String> {
    let options = aether_asm::Options {
        lib_dirs: libs.to_vec(),
    };
    aether_asm::assemble_files(sources, &options).map_err(|d| d.render())
}

/// What a run gave: each output `(time, payload)` and each node's fault, if any.
struct Run {
    outputs: Vec<(Time, Vec<u32>)>,
    faults: Vec<String>,
    /// The central node's busy cycles.
    busy: u64,
}

/// Runs the centralised decoder on `shots` of the problem: with an extra central node,
/// the stabilizer nodes run `node.s` and the central one `central.s`; otherwise every node
/// runs `central.s` from `main` (which decodes on the central node).
fn run(layout: &Layout, shots: &[Vec<u32>], stepping: Stepping) -> Run {
    let central = layout.central;
    let dir = workspace_root().join("programs/decoders/central");
    let placement = if central == layout.nodes.len() as u32 {
        format!(
            "[[nodes]]\ncount = {central}\nprogram = \"forward\"\nentry = \"stabilizer\"\n\
             [[nodes]]\nid = {central}\nprogram = \"central\"\nentry = \"central\"\nmemory = 131072\n"
        )
    } else {
        format!(
            "[[nodes]]\ncount = {}\nprogram = \"central\"\nmemory = 131072\n",
            layout.nodes.len()
        )
    };
    let text = format!(
        "[programs.forward]\nsources = [\"{node}\"]\nlib = [\"{lib}\"]\n\
         [programs.central]\nsources = [\"{central_s}\"]\nlib = [\"{lib}\"]\n\
         {placement}[network]\ninbox_capacity = 1000000\n",
        node = dir.join("node.s").display(),
        central_s = dir.join("central.s").display(),
        lib = lib_dir(),
    );
    let (_dir, path) = scenario("central.toml", &text, &[]);
    let mut sc = Scenario::load(&path, &assemble).expect("the scenario loads");
    for id in 0..layout.all_nodes() {
        sc.set_data(id as u16, "qec_node", layout.node_words(id))
            .expect("qec_node fits");
    }
    sc.set_data(central as u16, "qec_graph", graph_words(&layout.graph))
        .expect("qec_graph fits");
    let mut sim = sc.build(0, None, stepping).expect("the simulation builds");
    let Station::Node(node) = &mut sim.world.stations[central as usize] else {
        panic!("the central node is emulated")
    };
    node.outputs = Some(Vec::new());
    sim.set_inputs(Box::new(layout.readouts(shots, 0)));
    sim.run();
    let mut outputs = Vec::new();
    let mut faults = Vec::new();
    let mut busy = 0;
    for station in &sim.world.stations {
        if let Station::Node(n) = station {
            if n.id == central as u16 {
                busy = n.counters.busy;
            }
            if let Some(f) = &n.fault {
                faults.push(format!("{f:?}"));
            }
            for o in n.outputs.iter().flatten() {
                assert_eq!((o.node, o.msg_type), (central as u16, QEC_RESULT));
                outputs.push((o.time, o.payload.clone()));
            }
        }
    }
    Run {
        outputs,
        faults,
        busy,
    }
}

fn problem(distance: u32, noise: Noise, p: f64, shots: usize) -> (Layout, Vec<Vec<u32>>) {
    let (graph, fired) = surface(distance, noise, p, shots, 7 + u64::from(distance));
    (Layout::new(graph), fired)
}

/// Checks a run's results against the host reference, shot by shot.
fn check(layout: &Layout, shots: &[Vec<u32>], run: &Run) {
    assert!(run.faults.is_empty(), "faults: {:?}", run.faults);
    assert_eq!(run.outputs.len(), shots.len(), "one result per shot");
    for (s, (fired, (_, out))) in shots.iter().zip(&run.outputs).enumerate() {
        let host = decode(&layout.graph, fired).expect("matchable");
        let k = out[2] as usize;
        assert_eq!(out.len(), 3 + k);
        assert_eq!(
            (out[0] as usize, u64::from(out[1]), &out[3..]),
            (s, host.observables, host.edges.as_slice()),
            "shot {s}"
        );
    }
}

#[test]
fn central_decoder_equals_the_host_reference() {
    // With `-- --nocapture` it prints the central node's cost (1 GHz clock, 1 us rounds,
    // no readout latency) for docs/decoders.md.
    eprintln!(
        "noise d nodes | growth rounds/shot | central busy cycles/shot | latency ns mean max"
    );
    for (noise, p) in [(Noise::CodeCapacity, 0.05), (Noise::Phenomenological, 0.01)] {
        for distance in [3, 5, 7] {
            let (layout, shots) = problem(distance, noise, p, 2000);
            let r = run(&layout, &shots, Stepping::RunAhead);
            check(&layout, &shots, &r);
            let n = shots.len() as u64;
            let rounds: u64 = shots
                .iter()
                .map(|f| u64::from(decode(&layout.graph, f).expect("matchable").growth_rounds))
                .sum();
            let shot_end = |s: u64| (s + 1) * u64::from(layout.layers) * ROUND;
            let latency: Vec<u64> = r
                .outputs
                .iter()
                .enumerate()
                .map(|(s, (t, _))| (t - shot_end(s as u64)) / 1_000_000)
                .collect();
            eprintln!(
                "{noise:?} {distance} {} | {:.2} | {} | {} {}",
                layout.all_nodes(),
                rounds as f64 / n as f64,
                r.busy / n,
                latency.iter().sum::<u64>() / n,
                latency.iter().max().expect("shots")
            );
        }
    }
}

#[test]
fn run_ahead_equals_single_step() {
    let (layout, shots) = problem(3, Noise::Phenomenological, 0.02, 40);
    let ahead = run(&layout, &shots, Stepping::RunAhead);
    check(&layout, &shots, &ahead);
    let single = run(&layout, &shots, Stepping::Single);
    assert_eq!(ahead.outputs, single.outputs);
}

#[test]
fn one_program_on_every_node_with_a_stabilizer_node_as_central() {
    // Node 2 decodes, and files its own detections besides the other nodes' messages.
    let (mut layout, shots) = problem(5, Noise::Phenomenological, 0.01, 100);
    layout.central = 2;
    let r = run(&layout, &shots, Stepping::RunAhead);
    check(&layout, &shots, &r);
}
