//! The distributed union-find decoder's protocol as a host model (docs/decoders.md, "The
//! distributed decoder"): every node's supersteps, the messages and payload words they
//! send, and the correction, which is the reference's.
//!
//! Each node keeps only its own detectors' states and a copy of the far end of each shared
//! edge, updated by the messages of each superstep, exactly as the firmware does; so the
//! supersteps, messages and words this model counts are the ones a run of the firmware
//! must show.
//!
//! With sliding windows (docs/decoders.md, "Sliding windows (streaming)") every window runs
//! the same supersteps on the window's records only (an edge into the past absent, one into
//! the future a boundary edge), commits the parent edges whose lower end lies in its commit
//! region, and carries the flips of the committed time edges into the node's next window.

use super::QecError;
use super::graph::DecodingGraph;
use super::layout::Layout;
use super::unionfind::Correction;
use super::window::Windows;

/// The key bits that hold a detector's depth below its cluster's root.
const DEPTH_MASK: u32 = 0xFFF;

/// Words of a `QEC_STEP` payload before its triples: shot, superstep, triple count.
const STEP_HEADER_WORDS: u64 = 3;

/// Words per changed shared edge in a `QEC_STEP`: position, key, parent word.
const TRIPLE_WORDS: u64 = 3;

/// A shot decoded by the protocol, with what it cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The correction (the reference's, when the protocol is right).
    pub correction: Correction,
    /// Supersteps, each ended by one barrier epoch.
    pub supersteps: u32,
    /// `QEC_STEP` messages sent over the network.
    pub messages: u64,
    /// Payload words of those messages.
    pub words: u64,
}

/// The protocol's view of a decoding graph placed on nodes.
#[derive(Clone, Debug)]
pub struct Distributed {
    nodes: Vec<Slice>,
    observables: Vec<u64>,
    node_of: Vec<Option<(usize, usize)>>,
    /// The windows' layers `(first, end, commit)`: one `(0, L, L)` for the whole shot.
    windows: Vec<(u32, u32, u32)>,
}

/// One node's part of the graph.
#[derive(Clone, Debug)]
struct Slice {
    detectors: Vec<u32>,
    /// Per slot: its detector's layer.
    layers: Vec<u32>,
    records: Vec<Record>,
    /// Records of slot `i` are `first[i] .. first[i + 1]` (ascending edge id).
    first: Vec<usize>,
    neighbours: Vec<Neighbour>,
}

/// An edge seen from one of its detectors on this node.
#[derive(Clone, Copy, Debug)]
struct Record {
    edge: u32,
    weight: u32,
    slot: usize,
    far: Far,
    /// The far detector's layer (`None`: the boundary).
    far_layer: Option<u32>,
}

/// What a record is in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Use {
    /// An edge of the window's graph as it is.
    Edge,
    /// A boundary edge: the graph's own, or an edge into a later layer.
    Boundary,
    /// Not in the window's graph: its slot or its far end lies outside.
    Absent,
}

/// The other end of a record.
#[derive(Clone, Copy, Debug)]
enum Far {
    Boundary,
    /// A detector of the same node, by slot.
    Local(usize),
    /// A detector of a neighbour: the record of the same edge on that node.
    Remote {
        node: usize,
        record: usize,
        detector: u32,
    },
}

/// A node sharing edges with this one, and those edges' records by position.
#[derive(Clone, Debug)]
struct Neighbour {
    node: usize,
    shared: Vec<usize>,
}

/// One node's state during a shot.
#[derive(Clone, Debug)]
struct State {
    fired: Vec<bool>,
    /// Per slot: key and parent word.
    now: Vec<(u32, u32)>,
    /// Per slot: the state last sent.
    sent: Vec<(u32, u32)>,
    /// Per record: the far end's state as last received (remote records only).
    far: Vec<(u32, u32)>,
    support: Vec<u32>,
    /// Per record: what it is in the window.
    uses: Vec<Use>,
    gained: bool,
}

fn initial_key(v: u32) -> u32 {
    (v + 1) << 12
}

/// The parent word of a detector with no parent, even subtree and not active.
const NO_PARENT: u32 = 0;

impl Distributed {
    /// Splits `graph` over the nodes of `layout`, decoding whole shots.
    pub fn new(graph: &DecodingGraph, layout: &Layout) -> Distributed {
        let whole = vec![(0, layout.layers, layout.layers)];
        Distributed::split(graph, layout, whole)
    }

    /// Splits `graph` over the nodes of `layout`, decoding shots in `windows`. Errors: an
    /// edge between detectors of two nodes in different layers (a committed one would
    /// flip a detector of another node, which the protocol does not carry).
    pub fn windowed(
        graph: &DecodingGraph,
        layout: &Layout,
        windows: &Windows,
    ) -> Result<Distributed, QecError> {
        let layer = |v: u32| layout.layer_of[v as usize];
        if let Some(e) = graph.edges.iter().position(|e| {
            e.b.is_some_and(|b| {
                layout.node_of[e.a as usize] != layout.node_of[b as usize] && layer(e.a) != layer(b)
            })
        }) {
            return Err(QecError::Parameter(format!(
                "edge {e} joins detectors of two nodes in different layers: the windowed \
                 distributed decoder carries committed flips only along a node's own edges"
            )));
        }
        Ok(Distributed::split(graph, layout, windows.bounds()))
    }

    fn split(graph: &DecodingGraph, layout: &Layout, windows: Vec<(u32, u32, u32)>) -> Distributed {
        let mut node_of = vec![None; graph.num_detectors as usize];
        for (n, detectors) in layout.detectors.iter().enumerate() {
            for (slot, &v) in detectors.iter().enumerate() {
                node_of[v as usize] = Some((n, slot));
            }
        }
        let mut nodes: Vec<Slice> = layout
            .detectors
            .iter()
            .enumerate()
            .map(|(n, detectors)| {
                let mut records = Vec::new();
                let mut first = vec![0];
                for (slot, &v) in detectors.iter().enumerate() {
                    for &e in graph.incident(v) {
                        let edge = &graph.edges[e as usize];
                        let other = if edge.a == v { edge.b } else { Some(edge.a) };
                        let far = match other.and_then(|o| node_of[o as usize]) {
                            None => Far::Boundary,
                            Some((m, s)) if m == n => Far::Local(s),
                            Some((m, _)) => Far::Remote {
                                node: m,
                                record: 0,
                                detector: other.expect("a remote end is a detector"),
                            },
                        };
                        records.push(Record {
                            edge: e,
                            weight: edge.weight,
                            slot,
                            far,
                            far_layer: match far {
                                Far::Boundary => None,
                                Far::Local(_) | Far::Remote { .. } => {
                                    other.map(|o| layout.layer_of[o as usize])
                                }
                            },
                        });
                    }
                    first.push(records.len());
                }
                Slice {
                    detectors: detectors.clone(),
                    layers: detectors
                        .iter()
                        .map(|&v| layout.layer_of[v as usize])
                        .collect(),
                    neighbours: neighbours(&records),
                    records,
                    first,
                }
            })
            .collect();
        for n in 0..nodes.len() {
            for j in 0..nodes[n].neighbours.len() {
                let m = nodes[n].neighbours[j].node;
                let back = nodes[m]
                    .neighbours
                    .iter()
                    .position(|b| b.node == n)
                    .expect("shared edges are shared both ways");
                for pos in 0..nodes[n].neighbours[j].shared.len() {
                    let peer = nodes[m].neighbours[back].shared[pos];
                    let r = nodes[n].neighbours[j].shared[pos];
                    if let Far::Remote { record, .. } = &mut nodes[n].records[r].far {
                        *record = peer;
                    }
                }
            }
        }
        Distributed {
            nodes,
            observables: graph.edges.iter().map(|e| e.observables).collect(),
            node_of,
            windows,
        }
    }

    /// Decodes the syndrome whose fired detectors are `fired` by running the protocol's
    /// supersteps on every node.
    ///
    /// Errors: a detector out of range, an unmatchable syndrome (reported for the smallest
    /// fired detector of an active cluster), or a cluster deeper than keys can count.
    pub fn decode(&self, fired: &[u32]) -> Result<Run, QecError> {
        let mut odd: Vec<Vec<bool>> = self
            .nodes
            .iter()
            .map(|slice| vec![false; slice.detectors.len()])
            .collect();
        for &v in fired {
            match self.node_of.get(v as usize) {
                None => {
                    return Err(QecError::DetectorOutOfRange {
                        detector: v,
                        detectors: self.node_of.len() as u32,
                    });
                }
                Some(None) => return Err(QecError::Unmatchable { detector: v }),
                Some(Some((n, slot))) => odd[*n][*slot] = true,
            }
        }
        let mut run = Run {
            correction: Correction {
                edges: Vec::new(),
                observables: 0,
                growth_rounds: 0,
            },
            supersteps: 0,
            messages: 0,
            words: 0,
        };
        for &window in &self.windows {
            let mut states: Vec<State> = self
                .nodes
                .iter()
                .zip(&odd)
                .map(|(slice, odd)| State::new(slice, odd, window))
                .collect();
            self.solve(&mut states, &mut run)?;
            self.commit(&states, window, &mut odd, &mut run);
        }
        run.correction.edges.sort_unstable();
        Ok(run)
    }

    /// Supersteps and growth steps until no cluster of the window is active.
    fn solve(&self, states: &mut [State], run: &mut Run) -> Result<(), QecError> {
        loop {
            self.exchange(states, run);
            let mut changed = false;
            let mut active = false;
            let mut gained = false;
            for (slice, state) in self.nodes.iter().zip(states.iter_mut()) {
                state.settle(slice)?;
                changed |= state.now != state.sent;
                active |= state.now.iter().any(|&(_, pf)| pf & 1 == 1);
                gained |= state.gained;
            }
            run.supersteps += 1;
            if changed {
                continue;
            }
            if !active {
                return Ok(());
            }
            if !gained {
                let detector = self
                    .nodes
                    .iter()
                    .zip(states.iter())
                    .flat_map(|(slice, state)| {
                        (0..slice.detectors.len())
                            .filter(|&i| state.fired[i] && state.now[i].1 & 1 == 1)
                            .map(|i| slice.detectors[i])
                    })
                    .min()
                    .expect("an active cluster holds a fired detector");
                return Err(QecError::Unmatchable { detector });
            }
            for (slice, state) in self.nodes.iter().zip(states.iter_mut()) {
                state.grow(slice);
            }
            run.correction.growth_rounds += 1;
        }
    }

    /// The window's committed edges: the parent edges `p(v)` with `sub(v) = 1` whose lower
    /// end lies below `commit`; each flips its node's detectors at or above `commit`.
    fn commit(
        &self,
        states: &[State],
        (_, _, commit): (u32, u32, u32),
        odd: &mut [Vec<bool>],
        run: &mut Run,
    ) {
        for ((slice, state), odd) in self.nodes.iter().zip(states).zip(odd) {
            for (slot, &(_, pf)) in state.now.iter().enumerate() {
                if pf >> 2 == 0 || pf & 2 == 0 {
                    continue;
                }
                let edge = (pf >> 2) - 1;
                let records = slice.first[slot]..slice.first[slot + 1];
                let r = records
                    .clone()
                    .find(|&r| slice.records[r].edge == edge)
                    .expect("a parent edge is a record of its slot");
                let record = &slice.records[r];
                let own = slice.layers[slot];
                if own.min(record.far_layer.unwrap_or(own)) >= commit {
                    continue;
                }
                run.correction.edges.push(edge);
                run.correction.observables ^= self.observables[edge as usize];
                if own >= commit {
                    odd[slot] ^= true;
                }
                if let Far::Local(far) = record.far
                    && slice.layers[far] >= commit
                {
                    odd[far] ^= true;
                }
            }
        }
    }

    /// Step 1 and 2 of a superstep: every node sends each neighbour the states of its
    /// shared edges' ends that changed, and every node files what it received.
    fn exchange(&self, states: &mut [State], run: &mut Run) {
        let mut deliveries = Vec::new();
        for (n, slice) in self.nodes.iter().enumerate() {
            let state = &states[n];
            for neighbour in &slice.neighbours {
                let mut changed = 0;
                for &r in &neighbour.shared {
                    let record = &slice.records[r];
                    let now = state.now[record.slot];
                    if now != state.sent[record.slot] {
                        changed += 1;
                        if let Far::Remote { node, record, .. } = record.far {
                            deliveries.push((node, record, now));
                        }
                    }
                }
                run.messages += 1;
                run.words += STEP_HEADER_WORDS + TRIPLE_WORDS * changed;
            }
        }
        for state in states.iter_mut() {
            state.sent.clone_from(&state.now);
        }
        for (node, record, now) in deliveries {
            states[node].far[record] = now;
        }
    }
}

/// A node's neighbours (ascending node id) with their shared edges' records in ascending
/// edge id.
fn neighbours(records: &[Record]) -> Vec<Neighbour> {
    let mut shared: Vec<(usize, u32, usize)> = records
        .iter()
        .enumerate()
        .filter_map(|(r, record)| match record.far {
            Far::Remote { node, .. } => Some((node, record.edge, r)),
            Far::Boundary | Far::Local(_) => None,
        })
        .collect();
    shared.sort_unstable();
    let mut out: Vec<Neighbour> = Vec::new();
    for (node, _, r) in shared {
        match out.last_mut() {
            Some(last) if last.node == node => last.shared.push(r),
            _ => out.push(Neighbour {
                node,
                shared: vec![r],
            }),
        }
    }
    out
}

impl State {
    /// The state at the start of `window` `(first, end, _)`: the window's detectors fired
    /// as `odd` says (the shot's, with the flips carried in).
    fn new(slice: &Slice, odd: &[bool], (first, end, _): (u32, u32, u32)) -> State {
        let inside = |layer: u32| (first..end).contains(&layer);
        let start: Vec<(u32, u32)> = slice
            .detectors
            .iter()
            .map(|&v| (initial_key(v), NO_PARENT))
            .collect();
        let far = slice
            .records
            .iter()
            .map(|record| match record.far {
                Far::Remote { detector, .. } => (initial_key(detector), NO_PARENT),
                Far::Local(_) | Far::Boundary => (0, NO_PARENT),
            })
            .collect();
        let uses = slice
            .records
            .iter()
            .map(|record| match record.far_layer {
                _ if !inside(slice.layers[record.slot]) => Use::Absent,
                None => Use::Boundary,
                Some(layer) if layer < first => Use::Absent,
                Some(layer) if layer >= end => Use::Boundary,
                Some(_) => Use::Edge,
            })
            .collect();
        State {
            fired: odd
                .iter()
                .zip(&slice.layers)
                .map(|(&odd, &layer)| odd && inside(layer))
                .collect(),
            sent: start.clone(),
            now: start,
            far,
            support: vec![0; slice.records.len()],
            uses,
            gained: true,
        }
    }

    /// Whether record `r` is a grown edge of the window's graph.
    fn grown(&self, slice: &Slice, r: usize) -> bool {
        self.uses[r] != Use::Absent && self.support[r] == slice.records[r].weight
    }

    /// The far end's state of record `r` (not for boundary records).
    fn far_state(&self, slice: &Slice, r: usize) -> (u32, u32) {
        match slice.records[r].far {
            Far::Local(slot) => self.now[slot],
            Far::Remote { .. } => self.far[r],
            Far::Boundary => unreachable!("the boundary has no state"),
        }
    }

    /// Step 3: passes over the slots until one changes nothing.
    fn settle(&mut self, slice: &Slice) -> Result<(), QecError> {
        loop {
            let mut changed = false;
            for slot in 0..slice.detectors.len() {
                let next = self.update(slice, slot)?;
                if next != self.now[slot] {
                    self.now[slot] = next;
                    changed = true;
                }
            }
            if !changed {
                return Ok(());
            }
        }
    }

    /// One detector's key and parent word from its node's states and the far ends'.
    fn update(&self, slice: &Slice, slot: usize) -> Result<(u32, u32), QecError> {
        let records = slice.first[slot]..slice.first[slot + 1];
        let grown = |r: &usize| self.grown(slice, *r);
        let boundary = |r: &usize| self.uses[*r] == Use::Boundary;
        let first_boundary = records.clone().filter(grown).find(boundary);
        let init = match first_boundary {
            Some(_) => 1,
            None => initial_key(slice.detectors[slot]),
        };
        let mut key = self.now[slot].0.min(init);
        for r in records.clone().filter(grown).filter(|r| !boundary(r)) {
            let far = self.far_state(slice, r).0;
            if far & DEPTH_MASK == DEPTH_MASK {
                return Err(QecError::Parameter(format!(
                    "a cluster deeper than {DEPTH_MASK} detectors at detector D{}",
                    slice.detectors[slot]
                )));
            }
            key = key.min(far + 1);
        }
        let parent = if key & DEPTH_MASK == 0 {
            None
        } else if key == 1 {
            first_boundary
        } else {
            records
                .clone()
                .filter(grown)
                .filter(|r| !boundary(r))
                .find(|&r| self.far_state(slice, r).0 == key - 1)
        };
        let mut sub = u32::from(self.fired[slot]);
        for r in records.filter(grown).filter(|r| !boundary(r)) {
            let (_, far_pf) = self.far_state(slice, r);
            if far_pf >> 2 == slice.records[r].edge + 1 {
                sub ^= far_pf >> 1 & 1;
            }
        }
        let active = if key >> 12 == 0 {
            0
        } else if key & DEPTH_MASK == 0 {
            sub
        } else {
            parent.map_or(0, |r| self.far_state(slice, r).1 & 1)
        };
        let parent_word = parent.map_or(0, |r| slice.records[r].edge + 1);
        Ok((key, parent_word << 2 | sub << 1 | active))
    }

    /// The growth step: every record gains the number of its active ends.
    fn grow(&mut self, slice: &Slice) {
        self.gained = false;
        for (r, record) in slice.records.iter().enumerate() {
            if self.uses[r] == Use::Absent {
                continue;
            }
            let mut k = self.now[record.slot].1 & 1;
            if self.uses[r] == Use::Edge {
                k += self.far_state(slice, r).1 & 1;
            }
            let next = (self.support[r] + k).min(record.weight);
            if next != self.support[r] {
                self.support[r] = next;
                self.gained = true;
            }
        }
    }
}

#[cfg(test)]
mod tests;
