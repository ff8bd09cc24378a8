//! Shortest-path routing on a graph, found when first used: the first packet from a
//! router towards a destination runs Dijkstra backwards from the destination only as
//! far as that router's distance, and remembers the next link of every router on
//! its path. Memory is linear in the graph plus the paths actually taken.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Mutex;

use super::NO_ROUTE;
use crate::error::ConfigError;
use crate::link::LinkSpec;

/// Distance of a router not reached (yet).
const FAR: u64 = u64::MAX;

/// A graph's links by router and the next links found so far.
#[derive(Debug)]
pub struct GraphRoutes {
    /// `(neighbour, link)` leaving router `r`: `out[out_first[r]..out_first[r + 1]]`,
    /// sorted by neighbour then link id.
    out: Vec<(u32, u32)>,
    out_first: Vec<u32>,
    /// `(neighbour, link)` entering router `r`, indexed like `out`.
    into: Vec<(u32, u32)>,
    into_first: Vec<u32>,
    /// Routing weight of every link.
    weights: Vec<u64>,
    /// Next links found so far and the search's scratch space.
    found: Mutex<Found>,
}

/// The next links found so far, with the scratch space of the search that finds more.
#[derive(Debug)]
struct Found {
    /// Next link by `dst << 32 | router`.
    next: HashMap<u64, u32>,
    /// Distance to the destination being searched, by router ([`FAR`] outside the search).
    dist: Vec<u64>,
    /// Routers whose `dist` the current search set.
    touched: Vec<u32>,
    /// The search's frontier.
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl GraphRoutes {
    /// Routes over `links` (both directions of every wire, with equal weights
    /// `weights[link]`). Among equally short next hops the neighbour with the smallest
    /// router id wins, then the smallest link id. Every node (routers `0..nodes`) must
    /// reach every other node.
    pub fn new(
        routers: u32,
        nodes: u32,
        links: &[LinkSpec],
        weights: &[u64],
    ) -> Result<GraphRoutes, ConfigError> {
        let (out_first, mut out) = by_router(routers, links.iter().map(|l| (l.from, l.to)));
        let (into_first, into) = by_router(routers, links.iter().map(|l| (l.to, l.from)));
        for r in 0..routers as usize {
            out[out_first[r] as usize..out_first[r + 1] as usize].sort_unstable();
        }
        let routes = GraphRoutes {
            out,
            out_first,
            into,
            into_first,
            weights: weights.to_vec(),
            found: Mutex::new(Found {
                next: HashMap::new(),
                dist: vec![FAR; routers as usize],
                touched: Vec::new(),
                heap: BinaryHeap::new(),
            }),
        };
        routes.check_connected(nodes)?;
        Ok(routes)
    }

    /// Every node reaches node 0 (so, with links both ways, every node reaches every
    /// node); otherwise the error names the smallest node that does not.
    fn check_connected(&self, nodes: u32) -> Result<(), ConfigError> {
        let mut reached = vec![false; self.out_first.len() - 1];
        let mut stack = vec![0u32];
        reached[0] = true;
        while let Some(r) = stack.pop() {
            for &(from, _) in self.entering(r) {
                if !reached[from as usize] {
                    reached[from as usize] = true;
                    stack.push(from);
                }
            }
        }
        match (0..nodes).find(|&n| !reached[n as usize]) {
            Some(from) => Err(ConfigError::Unreachable { from, to: 0 }),
            None => Ok(()),
        }
    }

    fn leaving(&self, router: u32) -> &[(u32, u32)] {
        let r = router as usize;
        &self.out[self.out_first[r] as usize..self.out_first[r + 1] as usize]
    }

    fn entering(&self, router: u32) -> &[(u32, u32)] {
        let r = router as usize;
        &self.into[self.into_first[r] as usize..self.into_first[r + 1] as usize]
    }

    /// The link a packet at `router` takes towards node `dst`, or [`NO_ROUTE`]. Kept out of
    /// line: its lock and search would make [`Routes::next`](super::Routes::next) too large to
    /// inline for the other topologies.
    #[inline(never)]
    pub fn next(&self, router: u32, dst: u32) -> u32 {
        if router == dst {
            return NO_ROUTE;
        }
        let key = (u64::from(dst) << 32) | u64::from(router);
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&link) = found.next.get(&key) {
            return link;
        }
        self.search(&mut found, router, dst);
        found.next.get(&key).copied().unwrap_or(NO_ROUTE)
    }

    /// Finds the distances to `dst` up to `router`'s and records the next link of
    /// every router on the path from `router` (or [`NO_ROUTE`] if it cannot reach `dst`).
    fn search(&self, found: &mut Found, router: u32, dst: u32) {
        let Found {
            next,
            dist,
            touched,
            heap,
        } = found;
        dist[dst as usize] = 0;
        touched.push(dst);
        heap.push(Reverse((0, dst)));
        let mut bound = FAR;
        while let Some(Reverse((d, at))) = heap.pop() {
            if d > bound {
                break;
            }
            if d > dist[at as usize] {
                continue;
            }
            if at == router {
                bound = d;
            }
            for &(from, link) in self.entering(at) {
                let through = d.saturating_add(self.weights[link as usize]);
                if through < dist[from as usize] {
                    if dist[from as usize] == FAR {
                        touched.push(from);
                    }
                    dist[from as usize] = through;
                    heap.push(Reverse((through, from)));
                }
            }
        }
        let mut at = router;
        while at != dst {
            let here = dist[at as usize];
            let best = self.leaving(at).iter().find(|&&(to, link)| {
                here != FAR && dist[to as usize].saturating_add(self.weights[link as usize]) == here
            });
            let link = best.map_or(NO_ROUTE, |&(_, link)| link);
            next.insert((u64::from(dst) << 32) | u64::from(at), link);
            match best {
                Some(&(to, _)) => at = to,
                None => break,
            }
        }
        for &r in touched.iter() {
            dist[r as usize] = FAR;
        }
        touched.clear();
        heap.clear();
    }
}

/// `(router, neighbour, link)` pairs grouped by router: the index of each router's
/// first entry (one more at the end) and the `(neighbour, link)` entries.
fn by_router(
    routers: u32,
    ends: impl Iterator<Item = (u32, u32)> + Clone,
) -> (Vec<u32>, Vec<(u32, u32)>) {
    let mut first = vec![0u32; routers as usize + 1];
    for (at, _) in ends.clone() {
        first[at as usize + 1] += 1;
    }
    for r in 0..routers as usize {
        first[r + 1] += first[r];
    }
    let mut fill = first.clone();
    let mut entries = vec![(0, 0); first[routers as usize] as usize];
    for (link, (at, other)) in ends.enumerate() {
        entries[fill[at as usize] as usize] = (other, link as u32);
        fill[at as usize] += 1;
    }
    (first, entries)
}
