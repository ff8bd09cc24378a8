//! The routing tables the topologies used to build, one entry per (router,
//! destination node): the reference that coordinate, tree and graph routing are
//! tested against.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::NO_ROUTE;
use crate::error::ConfigError;
use crate::link::LinkSpec;

/// `next[dst * routers + router]` is a link id or [`NO_ROUTE`].
#[derive(Debug)]
pub struct Table {
    routers: u32,
    next: Vec<u32>,
}

impl Table {
    /// The link a packet at `router` takes towards node `dst`, or [`NO_ROUTE`].
    pub fn next(&self, router: u32, dst: u32) -> u32 {
        self.next[(dst * self.routers + router) as usize]
    }

    /// A table from a next-router function: `step(router, dst)` names the
    /// neighbouring router a packet at `router` moves to on its way to node `dst`.
    pub fn from_step(
        routers: u32,
        nodes: u32,
        links: &[LinkSpec],
        step: impl Fn(u32, u32) -> u32,
    ) -> Table {
        let adjacency = Adjacency::new(routers, links);
        let mut next = vec![NO_ROUTE; routers as usize * nodes as usize];
        for router in 0..routers {
            for dst in (0..nodes).filter(|&d| d != router) {
                let to = step(router, dst);
                next[(dst * routers + router) as usize] = adjacency.link(router, to);
            }
        }
        Table { routers, next }
    }

    /// Shortest-path tables (Dijkstra, link weights `weights[link]`). Among equally
    /// short next hops the neighbour with the smallest router id wins, then the
    /// smallest link id. Every node must reach every other node.
    pub fn shortest_paths(
        routers: u32,
        nodes: u32,
        links: &[LinkSpec],
        weights: &[u64],
    ) -> Result<Table, ConfigError> {
        let adjacency = Adjacency::new(routers, links);
        let mut next = vec![NO_ROUTE; routers as usize * nodes as usize];
        for dst in 0..nodes {
            let dist = distances_to(dst, routers, links, weights, &adjacency);
            for router in (0..routers).filter(|&r| r != dst) {
                let Some(here) = dist[router as usize] else {
                    if router < nodes {
                        return Err(ConfigError::Unreachable {
                            from: router,
                            to: dst,
                        });
                    }
                    continue;
                };
                let best = adjacency.out[router as usize].iter().find(|&&(to, link)| {
                    dist[to as usize]
                        .is_some_and(|d| d.saturating_add(weights[link as usize]) == here)
                });
                if let Some(&(_, link)) = best {
                    next[(dst * routers + router) as usize] = link;
                }
            }
        }
        Ok(Table { routers, next })
    }
}

/// Outgoing and incoming links of every router.
#[derive(Debug)]
struct Adjacency {
    /// `(neighbour, link)` leaving each router, sorted by neighbour then link id.
    out: Vec<Vec<(u32, u32)>>,
    /// `(neighbour, link)` entering each router.
    into: Vec<Vec<(u32, u32)>>,
}

impl Adjacency {
    fn new(routers: u32, links: &[LinkSpec]) -> Self {
        let mut out = vec![Vec::new(); routers as usize];
        let mut into = vec![Vec::new(); routers as usize];
        for (id, link) in links.iter().enumerate() {
            out[link.from as usize].push((link.to, id as u32));
            into[link.to as usize].push((link.from, id as u32));
        }
        for list in &mut out {
            list.sort_unstable();
        }
        Self { out, into }
    }

    /// The first link from `from` to `to`, or [`NO_ROUTE`].
    fn link(&self, from: u32, to: u32) -> u32 {
        self.out[from as usize]
            .iter()
            .find(|&&(n, _)| n == to)
            .map_or(NO_ROUTE, |&(_, link)| link)
    }
}

/// Distance from every router to `dst` (Dijkstra over the links backwards).
fn distances_to(
    dst: u32,
    routers: u32,
    links: &[LinkSpec],
    weights: &[u64],
    adjacency: &Adjacency,
) -> Vec<Option<u64>> {
    let mut dist = vec![None; routers as usize];
    let mut heap = BinaryHeap::new();
    dist[dst as usize] = Some(0);
    heap.push(Reverse((0u64, dst)));
    while let Some(Reverse((d, router))) = heap.pop() {
        if dist[router as usize].is_some_and(|best| best < d) {
            continue;
        }
        for &(from, link) in &adjacency.into[router as usize] {
            debug_assert_eq!(links[link as usize].to, router);
            let through = d.saturating_add(weights[link as usize]);
            if dist[from as usize].is_none_or(|best| through < best) {
                dist[from as usize] = Some(through);
                heap.push(Reverse((through, from)));
            }
        }
    }
    dist
}
