//! Sliding-window union-find (docs/decoders.md, "Sliding windows (streaming)"): a shot cut
//! into windows of `W` layers that overlap, each decoded with the reference union-find on
//! its own graph (the top a boundary, the past left out), committing the edges whose lower
//! end lies in its first `C` layers and carrying what they touch above into the next
//! window's syndrome.

use super::QecError;
use super::graph::{DecodingGraph, Edge};
use super::unionfind::{self, Correction};

/// One window: its layers, its graph and where its edges come from.
#[derive(Clone, Debug)]
struct Window {
    /// The window's graph on the whole graph's detectors (those outside it are inert).
    graph: DecodingGraph,
    /// Per edge of `graph`: its id in the whole graph.
    ids: Vec<u32>,
    /// Per edge of `graph`: the layer of its lower end.
    lower: Vec<u32>,
    /// Layers `first .. end` are the window's.
    first: u32,
    end: u32,
    /// Edges whose lower end lies below `commit` are committed.
    commit: u32,
}

/// A decoding graph cut into windows: the correction of docs/decoders.md, windowed.
#[derive(Clone, Debug)]
pub struct Windows {
    /// `None`: one window holds the whole shot (the unwindowed reference).
    windows: Option<Vec<Window>>,
    layer_of: Vec<u32>,
    layers: u32,
}

impl Windows {
    /// Cuts `graph`, whose detector `v` lies in layer `layer_of[v]` of `layers`, into
    /// windows of `window` layers committing `commit` (`1 <= commit <= window`); a window
    /// of `layers` or more is the whole shot.
    pub fn new(
        graph: &DecodingGraph,
        layer_of: &[u32],
        layers: u32,
        window: u32,
        commit: u32,
    ) -> Result<Windows, QecError> {
        if commit == 0 || commit > window {
            return Err(QecError::Parameter(format!(
                "a window of {window} rounds cannot commit {commit} (1 <= commit <= window)"
            )));
        }
        let layer_of = layer_of.to_vec();
        if window >= layers {
            return Ok(Windows {
                windows: None,
                layer_of,
                layers,
            });
        }
        let mut windows = Vec::new();
        let mut first = 0;
        loop {
            let end = (first + window).min(layers);
            let upto = if end == layers { end } else { first + commit };
            windows.push(Window::new(graph, &layer_of, first, end, upto));
            if end == layers {
                break;
            }
            first += commit;
        }
        Ok(Windows {
            windows: Some(windows),
            layer_of,
            layers,
        })
    }

    /// The windows' layers `(first, end, commit)`: layers `first .. end`, committing
    /// `first .. commit`; one window `(0, L, L)` for the whole shot.
    pub fn bounds(&self) -> Vec<(u32, u32, u32)> {
        match &self.windows {
            None => vec![(0, self.layers, self.layers)],
            Some(windows) => windows.iter().map(|w| (w.first, w.end, w.commit)).collect(),
        }
    }

    /// Whether the shot is cut into more than one window.
    pub fn is_windowed(&self) -> bool {
        self.windows.is_some()
    }

    /// `(W, C)` as the firmware reads them: both `L` for the whole shot.
    pub fn sizes(&self) -> (u32, u32) {
        match &self.windows {
            None => (self.layers, self.layers),
            Some(w) => (w[0].end - w[0].first, w[0].commit - w[0].first),
        }
    }

    /// Decodes the syndrome `fired` window by window; growth rounds are summed.
    pub fn decode(&self, graph: &DecodingGraph, fired: &[u32]) -> Result<Correction, QecError> {
        let Some(windows) = &self.windows else {
            return unionfind::decode(graph, fired);
        };
        let mut odd = vec![false; graph.num_detectors as usize];
        for &v in fired {
            let slot = odd
                .get_mut(v as usize)
                .ok_or(QecError::DetectorOutOfRange {
                    detector: v,
                    detectors: graph.num_detectors,
                })?;
            *slot ^= true;
        }
        let mut out = Correction {
            edges: Vec::new(),
            observables: 0,
            growth_rounds: 0,
        };
        for w in windows {
            let syndrome: Vec<u32> = (0..graph.num_detectors)
                .filter(|&v| {
                    let layer = self.layer_of[v as usize];
                    odd[v as usize] && (w.first..w.end).contains(&layer)
                })
                .collect();
            let c = unionfind::decode(&w.graph, &syndrome)?;
            out.growth_rounds += c.growth_rounds;
            for e in c.edges {
                if w.lower[e as usize] >= w.commit {
                    continue;
                }
                let edge = &graph.edges[w.ids[e as usize] as usize];
                out.edges.push(w.ids[e as usize]);
                out.observables ^= edge.observables;
                for v in std::iter::once(edge.a).chain(edge.b) {
                    odd[v as usize] ^= true;
                }
            }
        }
        out.edges.sort_unstable();
        Ok(out)
    }
}

impl Window {
    /// Window `first .. end` of `graph`: edges inside it as they are, an edge into a later
    /// layer as a boundary edge of its end inside, an edge into an earlier layer left out.
    fn new(graph: &DecodingGraph, layer_of: &[u32], first: u32, end: u32, commit: u32) -> Window {
        let inside = |v: u32| (first..end).contains(&layer_of[v as usize]);
        let (mut edges, mut ids, mut lower) = (Vec::new(), Vec::new(), Vec::new());
        for (id, edge) in graph.edges.iter().enumerate() {
            let ends: Vec<u32> = std::iter::once(edge.a).chain(edge.b).collect();
            if ends.iter().any(|&v| layer_of[v as usize] < first) {
                continue;
            }
            let kept: Vec<u32> = ends.iter().copied().filter(|&v| inside(v)).collect();
            let windowed = match kept[..] {
                [] => continue,
                [x] => Edge {
                    a: x,
                    b: None,
                    ..edge.clone()
                },
                _ => edge.clone(),
            };
            edges.push(windowed);
            ids.push(id as u32);
            lower.push(
                ends.iter()
                    .map(|&v| layer_of[v as usize])
                    .min()
                    .unwrap_or(0),
            );
        }
        Window {
            graph: graph.with_edges(edges),
            ids,
            lower,
            first,
            end,
            commit,
        }
    }
}

#[cfg(test)]
mod tests;
