//! The reference union-find decoder: the function of docs/decoders.md ("The reference
//! algorithm"), which the firmware decoders reproduce shot by shot.
//!
//! Clusters are kept in a disjoint-set forest (path halving, union by size) that merges
//! when an edge becomes grown; every growth round scans the edges once, so a shot costs
//! `O(E)` per round. Peeling is one breadth-first search over the grown edges from every
//! cluster's roots, then one pass in reverse search order that carries subtree parities up.

use std::collections::VecDeque;

use super::QecError;
use super::graph::DecodingGraph;

/// A decoded syndrome: the correction edges, the observables they flip, and the growth
/// rounds it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    /// Edge ids of the correction, ascending.
    pub edges: Vec<u32>,
    /// XOR of the observable masks of the correction edges (`L0` is bit 0).
    pub observables: u64,
    /// Synchronous growth rounds until no cluster was active.
    pub growth_rounds: u32,
}

/// Marks a detector that the peeling search has not reached.
const UNREACHED: u32 = u32::MAX;

/// Clusters as a disjoint-set forest over the detectors, with each root's parity,
/// boundary contact and whether it holds a fired detector.
struct Clusters {
    parent: Vec<u32>,
    size: Vec<u32>,
    odd: Vec<bool>,
    boundary: Vec<bool>,
    seeded: Vec<bool>,
}

impl Clusters {
    fn new(detectors: usize, fired: &[bool]) -> Clusters {
        Clusters {
            parent: (0..detectors as u32).collect(),
            size: vec![1; detectors],
            odd: fired.to_vec(),
            boundary: vec![false; detectors],
            seeded: fired.to_vec(),
        }
    }

    /// The root of `v`'s cluster.
    fn find(&mut self, mut v: u32) -> u32 {
        while self.parent[v as usize] != v {
            let up = self.parent[self.parent[v as usize] as usize];
            self.parent[v as usize] = up;
            v = up;
        }
        v
    }

    /// Whether the cluster rooted at `root` is active (odd and away from the boundary).
    fn active(&self, root: u32) -> bool {
        self.odd[root as usize] && !self.boundary[root as usize]
    }

    /// Merges the clusters of `a` and `b`.
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra as usize, rb as usize)
        } else {
            (rb as usize, ra as usize)
        };
        self.parent[small] = big as u32;
        self.size[big] += self.size[small];
        self.odd[big] ^= self.odd[small];
        self.boundary[big] |= self.boundary[small];
        self.seeded[big] |= self.seeded[small];
    }
}

/// Decodes the syndrome whose fired detectors are `fired` (a set: order and repeats do not
/// matter) with the reference union-find of docs/decoders.md.
///
/// Errors: a detector index out of range, or a syndrome that cannot be matched (an active
/// cluster with no edge left to grow, e.g. a fired inert detector).
pub fn decode(graph: &DecodingGraph, fired: &[u32]) -> Result<Correction, QecError> {
    let detectors = graph.num_detectors as usize;
    let mut is_fired = vec![false; detectors];
    for &v in fired {
        let slot = is_fired
            .get_mut(v as usize)
            .ok_or(QecError::DetectorOutOfRange {
                detector: v,
                detectors: graph.num_detectors,
            })?;
        *slot = true;
    }
    let mut clusters = Clusters::new(detectors, &is_fired);
    let mut support = vec![0u32; graph.edges.len()];
    let growth_rounds = grow(graph, &mut clusters, &mut support, &is_fired)?;
    let (edges, observables) = peel(graph, &mut clusters, &support, &is_fired);
    Ok(Correction {
        edges,
        observables,
        growth_rounds,
    })
}

/// The detectors touched by an odd number of `edges`, ascending: the syndrome that a
/// correction (or a set of error edges) explains.
pub fn syndrome_of(graph: &DecodingGraph, edges: &[u32]) -> Vec<u32> {
    let mut odd = vec![false; graph.num_detectors as usize];
    for &e in edges {
        let edge = &graph.edges[e as usize];
        odd[edge.a as usize] ^= true;
        if let Some(b) = edge.b {
            odd[b as usize] ^= true;
        }
    }
    (0..graph.num_detectors)
        .filter(|&v| odd[v as usize])
        .collect()
}

/// Runs growth rounds until no cluster is active; returns how many ran.
fn grow(
    graph: &DecodingGraph,
    clusters: &mut Clusters,
    support: &mut [u32],
    is_fired: &[bool],
) -> Result<u32, QecError> {
    let seeds: Vec<u32> = (0..graph.num_detectors)
        .filter(|&v| is_fired[v as usize])
        .collect();
    let mut grew = vec![false; is_fired.len()];
    let mut newly_grown = Vec::new();
    let mut rounds = 0;
    loop {
        let mut any_active = false;
        for &v in &seeds {
            let root = clusters.find(v);
            any_active |= clusters.active(root);
            grew[root as usize] = false;
        }
        if !any_active {
            return Ok(rounds);
        }
        for (id, edge) in graph.edges.iter().enumerate() {
            let weight = edge.weight;
            if support[id] == weight {
                continue;
            }
            let ra = clusters.find(edge.a);
            let rb = edge.b.map(|b| clusters.find(b));
            let a_active = clusters.active(ra);
            let b_active = rb.is_some_and(|r| clusters.active(r));
            let k = u32::from(a_active) + u32::from(b_active);
            if k == 0 {
                continue;
            }
            if a_active {
                grew[ra as usize] = true;
            }
            if let (true, Some(r)) = (b_active, rb) {
                grew[r as usize] = true;
            }
            support[id] += k.min(weight - support[id]);
            if support[id] == weight {
                newly_grown.push(id);
            }
        }
        for &v in &seeds {
            let root = clusters.find(v);
            if clusters.active(root) && !grew[root as usize] {
                return Err(QecError::Unmatchable { detector: v });
            }
        }
        for id in newly_grown.drain(..) {
            let edge = &graph.edges[id];
            match edge.b {
                Some(b) => clusters.union(edge.a, b),
                None => {
                    let root = clusters.find(edge.a);
                    clusters.boundary[root as usize] = true;
                }
            }
        }
        rounds += 1;
    }
}

/// Peels every cluster that holds a fired detector: the correction edges (ascending) and
/// the XOR of their observable masks.
fn peel(
    graph: &DecodingGraph,
    clusters: &mut Clusters,
    support: &[u32],
    is_fired: &[bool],
) -> (Vec<u32>, u64) {
    let grown = |id: u32| support[id as usize] == graph.edges[id as usize].weight;
    let detectors = is_fired.len();
    let mut depth = vec![UNREACHED; detectors];
    let mut parent_edge: Vec<Option<u32>> = vec![None; detectors];
    let mut rooted = vec![false; detectors];
    let mut order: VecDeque<u32> = VecDeque::new();
    let mut boundary_sources = Vec::new();
    for v in 0..graph.num_detectors {
        let root = clusters.find(v) as usize;
        if !clusters.seeded[root] {
            continue;
        }
        if clusters.boundary[root] {
            if let Some(&e) = graph
                .incident(v)
                .iter()
                .find(|&&e| graph.edges[e as usize].b.is_none() && grown(e))
            {
                depth[v as usize] = 1;
                parent_edge[v as usize] = Some(e);
                boundary_sources.push(v);
            }
        } else if !rooted[root] {
            rooted[root] = true;
            depth[v as usize] = 0;
            order.push_back(v);
        }
    }
    order.extend(boundary_sources);
    let mut visited = Vec::with_capacity(detectors);
    while let Some(v) = order.pop_front() {
        visited.push(v);
        for &e in graph.incident(v) {
            let edge = &graph.edges[e as usize];
            let Some(b) = edge.b else { continue };
            let u = if edge.a == v { b } else { edge.a };
            if grown(e) && depth[u as usize] == UNREACHED {
                depth[u as usize] = depth[v as usize] + 1;
                order.push_back(u);
            }
        }
    }
    let mut odd: Vec<bool> = is_fired.to_vec();
    let mut edges = Vec::new();
    let mut observables = 0;
    for &v in visited.iter().rev() {
        let d = depth[v as usize];
        let up = parent_edge[v as usize].or_else(|| {
            (d > 0)
                .then(|| {
                    graph.incident(v).iter().copied().find(|&e| {
                        let edge = &graph.edges[e as usize];
                        edge.b.is_some_and(|b| {
                            let u = if edge.a == v { b } else { edge.a };
                            grown(e) && depth[u as usize] == d - 1
                        })
                    })
                })
                .flatten()
        });
        let Some(e) = up else { continue };
        if !odd[v as usize] {
            continue;
        }
        edges.push(e);
        let edge = &graph.edges[e as usize];
        observables ^= edge.observables;
        if let Some(b) = edge.b {
            let u = if edge.a == v { b } else { edge.a };
            odd[u as usize] ^= true;
        }
    }
    edges.sort_unstable();
    (edges, observables)
}

#[cfg(test)]
mod tests;
