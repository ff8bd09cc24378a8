//! Routing: which link a packet at a router takes towards its destination node,
//! and the generators of routing tables.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::error::ConfigError;
use crate::link::LinkSpec;
use crate::topology::Grid;

/// Table entry for "no link" (the router is the destination, or cannot reach it).
pub const NO_ROUTE: u32 = u32::MAX;

/// The routing function of a topology.
#[derive(Debug, Clone)]
pub enum Routes {
    /// All-to-all: the direct link to the destination.
    Direct {
        /// Number of nodes.
        nodes: u32,
    },
    /// A 2D grid: the next link follows from the coordinates of the router and the
    /// destination (dimension-order routing), with no table.
    Grid {
        /// The grid.
        grid: Grid,
        /// Links leaving router `r` are ids `first[r]..first[r + 1]`.
        first: Vec<u32>,
        /// The router each link enters, by link id.
        to: Vec<u32>,
    },
    /// A generated table: `next[dst * routers + router]` is a link id or [`NO_ROUTE`].
    /// One row per destination, so the hops of one packet read nearby entries.
    Table {
        /// Number of routers (the table's row length).
        routers: u32,
        /// Next link per (router, destination).
        next: Vec<u32>,
    },
}

impl Routes {
    /// The link a packet at `router` takes towards node `dst`, or [`NO_ROUTE`].
    #[inline]
    pub fn next(&self, router: u32, dst: u32) -> u32 {
        match self {
            Routes::Direct { nodes } if router != dst => {
                crate::topology::direct_link(*nodes, router, dst)
            }
            Routes::Direct { .. } => NO_ROUTE,
            Routes::Grid { grid, first, to } if router != dst => {
                let toward = grid.step(router, dst);
                let links = first[router as usize]..first[router as usize + 1];
                links
                    .into_iter()
                    .find(|&link| to[link as usize] == toward)
                    .unwrap_or(NO_ROUTE)
            }
            Routes::Grid { .. } => NO_ROUTE,
            Routes::Table { routers, next } => next[(dst * routers + router) as usize],
        }
    }

    /// Coordinate routing on `grid`, whose `links` leave the routers in increasing order
    /// (all links of router 0, then of router 1, ...).
    pub fn grid(grid: Grid, links: &[LinkSpec]) -> Routes {
        let routers = grid.width * grid.height;
        let mut first = vec![0u32; routers as usize + 1];
        for link in links {
            debug_assert!(first[link.from as usize + 2..].iter().all(|&c| c == 0));
            first[link.from as usize + 1] += 1;
        }
        for r in 0..routers as usize {
            first[r + 1] += first[r];
        }
        let to = links.iter().map(|l| l.to).collect();
        Routes::Grid { grid, first, to }
    }

    /// A table from a next-router function: `step(router, dst)` names the
    /// neighbouring router a packet at `router` moves to on its way to node `dst`
    /// (the reference the coordinate routing of grids is tested against).
    #[cfg(test)]
    pub fn from_step(
        routers: u32,
        nodes: u32,
        links: &[LinkSpec],
        step: impl Fn(u32, u32) -> u32,
    ) -> Routes {
        let adjacency = Adjacency::new(routers, links);
        let mut next = vec![NO_ROUTE; routers as usize * nodes as usize];
        for router in 0..routers {
            for dst in (0..nodes).filter(|&d| d != router) {
                let to = step(router, dst);
                next[(dst * routers + router) as usize] = adjacency.link(router, to);
            }
        }
        Routes::Table { routers, next }
    }

    /// Shortest-path tables (Dijkstra, link weights `weights[link]`). Among equally
    /// short next hops the neighbour with the smallest router id wins, then the
    /// smallest link id. Every node must reach every other node.
    pub fn shortest_paths(
        routers: u32,
        nodes: u32,
        links: &[LinkSpec],
        weights: &[u64],
    ) -> Result<Routes, ConfigError> {
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
        Ok(Routes::Table { routers, next })
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
    #[cfg(test)]
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

/// Follows the routes from router `from` to node `dst`, returning the link ids.
/// Stops after `limit` hops or at a missing entry, so a broken table cannot loop.
#[cfg(test)]
pub fn path(routes: &Routes, links: &[LinkSpec], from: u32, dst: u32, limit: usize) -> Vec<u32> {
    let mut hops = Vec::new();
    let mut at = from;
    while at != dst && hops.len() < limit {
        let link = routes.next(at, dst);
        if link == NO_ROUTE {
            break;
        }
        hops.push(link);
        at = links[link as usize].to;
    }
    hops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: u32) -> Vec<LinkSpec> {
        (0..n - 1)
            .flat_map(|i| {
                [
                    LinkSpec {
                        from: i,
                        to: i + 1,
                        class: 0,
                    },
                    LinkSpec {
                        from: i + 1,
                        to: i,
                        class: 0,
                    },
                ]
            })
            .collect()
    }

    #[test]
    fn shortest_paths_on_a_line() {
        let links = line(4);
        let routes = Routes::shortest_paths(4, 4, &links, &[1; 6]).expect("connected");
        let hops = path(&routes, &links, 0, 3, 10);
        assert_eq!(hops.len(), 3);
        assert_eq!(links[hops[2] as usize].to, 3);
    }

    #[test]
    fn weights_steer_around_expensive_links() {
        // Triangle 0-1-2 where the direct link 0->2 costs 5 and the detour 2.
        let mut links = line(3);
        links.push(LinkSpec {
            from: 0,
            to: 2,
            class: 0,
        });
        links.push(LinkSpec {
            from: 2,
            to: 0,
            class: 0,
        });
        let weights = [1, 1, 1, 1, 5, 5];
        let routes = Routes::shortest_paths(3, 3, &links, &weights).expect("connected");
        assert_eq!(path(&routes, &links, 0, 2, 10), vec![0, 2]);
    }

    #[test]
    fn an_unreachable_switch_is_no_error() {
        // Routers 0 and 1 are the nodes, linked both ways; router 2, the first one past the
        // nodes, is a switch with no link: only nodes must reach every node.
        let links = line(2);
        let routes = Routes::shortest_paths(3, 2, &links, &[1, 1]).expect("nodes reach nodes");
        assert_eq!(routes.next(2, 0), NO_ROUTE);
        assert_eq!(routes.next(0, 1), 0);
    }

    #[test]
    fn unreachable_nodes_are_an_error() {
        let links = line(2);
        assert_eq!(
            Routes::shortest_paths(3, 3, &links, &[1, 1]).err(),
            Some(ConfigError::Unreachable { from: 2, to: 0 })
        );
    }
}
