//! The decoding graph of a DEM (docs/decoders.md, "The decoding graph"):
//! one edge per detector pair or detector-boundary pair, parallel pieces merged
//! as PyMatching merges them, integer weights for union-find growth.

use std::collections::HashMap;

use super::QecError;
use super::dem::Dem;

/// How edge weights (the support an edge needs to be grown) are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weighting {
    /// Every edge weighs 2 (two half-edges).
    Unweighted,
    /// Weights from probabilities: the least likely edge weighs `resolution`,
    /// the others in proportion to `ln((1 - p) / p)`, at least 1.
    Log {
        /// The weight of the least likely edge.
        resolution: u32,
    },
}

impl std::str::FromStr for Weighting {
    type Err = String;

    /// `unweighted` or `log:R` (R >= 1).
    fn from_str(s: &str) -> Result<Weighting, String> {
        let bad = || format!("unknown weighting `{s}` (known: unweighted, log:R with R >= 1)");
        match s.split_once(':') {
            None if s == "unweighted" => Ok(Weighting::Unweighted),
            Some(("log", r)) => match r.parse::<u32>() {
                Ok(resolution) if resolution >= 1 => Ok(Weighting::Log { resolution }),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

/// One edge of the decoding graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// The smaller detector index (the only one for a boundary edge).
    pub a: u32,
    /// The larger detector index; `None` for a boundary edge.
    pub b: Option<u32>,
    /// Probability that an odd number of the merged pieces fire.
    pub probability: f64,
    /// Integer weight `>= 1`.
    pub weight: u32,
    /// Observables flipped by the edge (those of its first piece).
    pub observables: u64,
}

/// Detectors and the edges between them, with each detector's incident edges.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodingGraph {
    /// Number of detectors (vertices), `0 .. num_detectors`.
    pub num_detectors: u32,
    /// Detector coordinates from the DEM (`None`: undeclared).
    pub coords: Vec<Option<Vec<f64>>>,
    /// Edges, numbered in the order their first piece appears in the DEM.
    pub edges: Vec<Edge>,
    /// CSR offsets: the incident edges of `v` are `incident[offsets[v] .. offsets[v + 1]]`.
    offsets: Vec<u32>,
    incident: Vec<u32>,
}

fn graph_error(dem: &Dem, line: usize, message: String) -> QecError {
    QecError::Graph {
        file: dem.file.clone(),
        line,
        message,
    }
}

impl DecodingGraph {
    /// Builds the graph of a DEM whose pieces each have one or two detectors.
    pub fn from_dem(dem: &Dem, weighting: Weighting) -> Result<DecodingGraph, QecError> {
        let num_detectors = dem.num_detectors();
        let mut edges: Vec<Edge> = Vec::new();
        let mut by_ends: HashMap<(u32, Option<u32>), usize> = HashMap::new();
        for m in &dem.mechanisms {
            for piece in &m.pieces {
                if let Some(&d) = piece.detectors.iter().find(|&&d| d >= num_detectors) {
                    return Err(graph_error(
                        dem,
                        m.line,
                        format!("detector D{d} is out of range (the model has {num_detectors})"),
                    ));
                }
                let ends = match piece.detectors[..] {
                    [a] => (a, None),
                    [a, b] => (a.min(b), Some(a.max(b))),
                    [] => {
                        return Err(graph_error(
                            dem,
                            m.line,
                            "a piece without detectors (it flips only observables) cannot be an edge"
                                .into(),
                        ));
                    }
                    ref many => {
                        let list: Vec<String> = many.iter().map(|d| format!("D{d}")).collect();
                        return Err(graph_error(
                            dem,
                            m.line,
                            format!(
                                "hyperedge: a piece with {} detectors ({}); decompose it with `^` \
                                 (stim: detector_error_model(decompose_errors=True))",
                                many.len(),
                                list.join(" ")
                            ),
                        ));
                    }
                };
                match by_ends.get(&ends) {
                    Some(&e) => {
                        let edge = &mut edges[e];
                        let (p, q) = (edge.probability, m.probability);
                        edge.probability = p * (1.0 - q) + q * (1.0 - p);
                    }
                    None => {
                        by_ends.insert(ends, edges.len());
                        edges.push(Edge {
                            a: ends.0,
                            b: ends.1,
                            probability: m.probability,
                            weight: 0,
                            observables: piece.observables,
                        });
                    }
                }
            }
        }
        assign_weights(&mut edges, weighting);
        let (offsets, incident) = incidence(num_detectors, &edges);
        Ok(DecodingGraph {
            num_detectors,
            coords: dem.detectors.clone(),
            edges,
            offsets,
            incident,
        })
    }

    /// The graph on the same detectors with `edges` instead, numbered in their order.
    pub fn with_edges(&self, edges: Vec<Edge>) -> DecodingGraph {
        let (offsets, incident) = incidence(self.num_detectors, &edges);
        DecodingGraph {
            num_detectors: self.num_detectors,
            coords: self.coords.clone(),
            edges,
            offsets,
            incident,
        }
    }

    /// The ids of the edges touching detector `v`, ascending.
    pub fn incident(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.incident[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    /// True if no edge touches detector `v` (it can never fire).
    pub fn is_inert(&self, v: u32) -> bool {
        self.incident(v).is_empty()
    }
}

/// `ln((1 - p) / p)`: the log-likelihood weight of an edge, infinite for `p = 0`.
fn log_likelihood(p: f64) -> f64 {
    ((1.0 - p) / p).ln()
}

/// Sets every edge's integer weight (docs/decoders.md, "Edge weights").
fn assign_weights(edges: &mut [Edge], weighting: Weighting) {
    match weighting {
        Weighting::Unweighted => edges.iter_mut().for_each(|e| e.weight = 2),
        Weighting::Log { resolution } => {
            let max = edges
                .iter()
                .map(|e| log_likelihood(e.probability))
                .filter(|l| l.is_finite())
                .fold(0.0f64, f64::max);
            for e in edges.iter_mut() {
                let l = log_likelihood(e.probability);
                e.weight = if e.probability == 0.0 {
                    resolution.max(1)
                } else if max > 0.0 && l > 0.0 {
                    ((f64::from(resolution) * l / max).round() as u32).max(1)
                } else {
                    1
                };
            }
        }
    }
}

/// CSR incidence lists: offsets per detector and edge ids, ascending per detector.
fn incidence(num_detectors: u32, edges: &[Edge]) -> (Vec<u32>, Vec<u32>) {
    let n = num_detectors as usize;
    let mut count = vec![0u32; n + 1];
    for e in edges {
        count[e.a as usize + 1] += 1;
        if let Some(b) = e.b {
            count[b as usize + 1] += 1;
        }
    }
    for v in 0..n {
        count[v + 1] += count[v];
    }
    let offsets = count.clone();
    let mut next = count;
    let mut incident = vec![0u32; offsets[n] as usize];
    for (id, e) in edges.iter().enumerate() {
        for v in std::iter::once(e.a).chain(e.b) {
            incident[next[v as usize] as usize] = id as u32;
            next[v as usize] += 1;
        }
    }
    (offsets, incident)
}

#[cfg(test)]
mod tests;
