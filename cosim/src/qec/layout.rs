//! Detectors on nodes (docs/decoders.md, "Detectors, nodes and the lattice"): one node per
//! stabilizer `(x, y)`, numbered in `(y, x)` order, holding that stabilizer's detectors of
//! every layer; the words of `qec_node` and `qec_graph` ("Per-node data"); the lattice of
//! nodes that share a decoding edge.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::QecError;
use super::graph::DecodingGraph;

/// The word firmware reads as "none" (the boundary, no node).
pub const NONE: u32 = u32::MAX;

/// Where every detector of a decoding graph lives.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Each node's stabilizer position `(x, y)`, by node id.
    pub positions: Vec<(f64, f64)>,
    /// Each node's detectors, by layer (ascending layer).
    pub detectors: Vec<Vec<u32>>,
    /// Each detector's node (`None`: inert, on no node).
    pub node_of: Vec<Option<u16>>,
    /// Each detector's layer: the index of its `t` among the distinct `t` of the DEM's
    /// detectors (0 for a detector without coordinates).
    pub layer_of: Vec<u32>,
    /// Layers per shot.
    pub layers: u32,
}

fn parameter(message: String) -> QecError {
    QecError::Parameter(message)
}

impl Layout {
    /// Places the non-inert detectors of `graph` on nodes by their `(x, y, t)` coordinates
    /// (`t` is 0 when a detector has only two). Every non-inert detector needs coordinates,
    /// and no two detectors of one node may share a layer.
    pub fn new(graph: &DecodingGraph) -> Result<Layout, QecError> {
        let d = graph.num_detectors as usize;
        let mut xyt = vec![None; d];
        for (v, slot) in xyt.iter_mut().enumerate() {
            let coords = graph.coords.get(v).cloned().flatten();
            *slot = match coords.as_deref() {
                Some([x, y]) => Some((*x, *y, 0.0)),
                Some([x, y, t, ..]) => Some((*x, *y, *t)),
                _ if graph.is_inert(v as u32) => None,
                _ => {
                    return Err(parameter(format!(
                        "detector D{v} has no (x, y) coordinates: it cannot be placed on a node"
                    )));
                }
            };
        }
        let mut times: Vec<f64> = xyt.iter().flatten().map(|c| c.2).collect();
        times.sort_by(f64::total_cmp);
        times.dedup();
        let mut positions: Vec<(f64, f64)> = (0..d)
            .filter(|&v| !graph.is_inert(v as u32))
            .filter_map(|v| xyt[v].map(|c| (c.0, c.1)))
            .collect();
        let by_yx = |a: &(f64, f64), b: &(f64, f64)| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0));
        positions.sort_by(by_yx);
        positions.dedup_by(|a, b| by_yx(a, b) == Ordering::Equal);
        if positions.len() > 1 << 16 {
            return Err(parameter(format!(
                "{} stabilizers: more than 65,536 nodes",
                positions.len()
            )));
        }
        let mut layout = Layout {
            detectors: vec![Vec::new(); positions.len()],
            positions,
            node_of: vec![None; d],
            layer_of: vec![0; d],
            layers: times.len() as u32,
        };
        for (v, c) in xyt.iter().enumerate() {
            let Some((x, y, t)) = *c else {
                continue;
            };
            layout.layer_of[v] = times.partition_point(|&s| s < t) as u32;
            if graph.is_inert(v as u32) {
                continue;
            }
            let node = layout
                .positions
                .binary_search_by(|p| by_yx(p, &(x, y)))
                .map_err(|_| parameter(format!("detector D{v}: no node at its position")))?;
            layout.node_of[v] = Some(node as u16);
            layout.detectors[node].push(v as u32);
        }
        for (node, list) in layout.detectors.iter_mut().enumerate() {
            let layer_of = &layout.layer_of;
            list.sort_by_key(|&v| (layer_of[v as usize], v));
            if let Some(w) = list
                .windows(2)
                .find(|w| layer_of[w[0] as usize] == layer_of[w[1] as usize])
            {
                return Err(parameter(format!(
                    "detectors D{} and D{} are both on node {node} in layer {}",
                    w[0], w[1], layer_of[w[0] as usize]
                )));
            }
        }
        Ok(layout)
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.positions.len()
    }

    /// Pairs of nodes `(a < b)` that share a decoding edge: the lattice.
    pub fn lattice(&self, graph: &DecodingGraph) -> BTreeSet<(u16, u16)> {
        graph
            .edges
            .iter()
            .filter_map(|e| {
                let a = self.node_of[e.a as usize]?;
                let b = self.node_of[e.b? as usize]?;
                (a != b).then_some((a.min(b), a.max(b)))
            })
            .collect()
    }

    /// The words of `qec_node` for `node` (docs/decoders.md, "Per-node data").
    pub fn node_words(&self, graph: &DecodingGraph, node: u16, central: u16) -> Vec<u32> {
        let mine = &self.detectors[usize::from(node)];
        let mut words = vec![
            self.nodes() as u32,
            u32::from(node),
            self.layers,
            u32::from(central),
            graph.num_detectors,
            graph.edges.len() as u32,
            mine.len() as u32,
        ];
        words.extend(mine);
        let records: Vec<[u32; 6]> = mine
            .iter()
            .flat_map(|&v| graph.incident(v).iter().map(move |&e| (v, e)))
            .map(|(v, e)| {
                let edge = &graph.edges[e as usize];
                let other = if edge.a == v { edge.b } else { Some(edge.a) };
                let other_node = other.and_then(|o| self.node_of[o as usize]);
                [
                    e,
                    v,
                    other.unwrap_or(NONE),
                    other_node.map_or(NONE, u32::from),
                    edge.weight,
                    edge.observables as u32,
                ]
            })
            .collect();
        words.push(records.len() as u32);
        words.extend(records.iter().flatten());
        words
    }

    /// The words of `qec_window` for `node` (docs/decoders.md, "Streaming"): the window
    /// `W` and commit `C` (both `L` for the whole shot), each of the node's detectors'
    /// layer, and each `qec_node` record's far detector's layer (-1: the boundary).
    pub fn window_words(&self, graph: &DecodingGraph, node: u16, bounds: (u32, u32)) -> Vec<u32> {
        let mine = &self.detectors[usize::from(node)];
        let mut words = vec![bounds.0, bounds.1];
        words.extend(mine.iter().map(|&v| self.layer_of[v as usize]));
        for &v in mine {
            for &e in graph.incident(v) {
                let edge = &graph.edges[e as usize];
                let other = if edge.a == v { edge.b } else { Some(edge.a) };
                words.push(other.map_or(NONE, |o| self.layer_of[o as usize]));
            }
        }
        words
    }

    /// The words of `qec_node` for a node that holds no detector (a node beyond the
    /// stabilizers, such as a separate decoder node).
    pub fn empty_node_words(&self, graph: &DecodingGraph, node: u16, central: u16) -> Vec<u32> {
        vec![
            self.nodes() as u32,
            u32::from(node),
            self.layers,
            u32::from(central),
            graph.num_detectors,
            graph.edges.len() as u32,
            0,
            0,
        ]
    }
}

/// The words of `qec_graph` (docs/decoders.md, "Per-node data"): `D`, `E`, four words
/// per edge, the CSR offsets and the incident edge ids.
pub fn graph_words(graph: &DecodingGraph) -> Vec<u32> {
    let mut words = vec![graph.num_detectors, graph.edges.len() as u32];
    for e in &graph.edges {
        words.extend([e.a, e.b.unwrap_or(NONE), e.weight, e.observables as u32]);
    }
    let mut offset = 0;
    words.push(0);
    for v in 0..graph.num_detectors {
        offset += graph.incident(v).len() as u32;
        words.push(offset);
    }
    for v in 0..graph.num_detectors {
        words.extend(graph.incident(v));
    }
    words
}

#[cfg(test)]
mod tests;
