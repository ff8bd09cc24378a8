//! Routing: which link a packet at a router takes towards its destination node,
//! computed from coordinates (grids), parent links (trees) or shortest paths found
//! when first taken (graphs); no topology holds a table per (router, destination).

mod graph;
#[cfg(test)]
pub mod table;
mod tree;

pub use graph::GraphRoutes;
pub use tree::TreeRoutes;

use crate::link::LinkSpec;
use crate::topology::Grid;

/// Table entry for "no link" (the router is the destination, or cannot reach it).
pub const NO_ROUTE: u32 = u32::MAX;

/// The routing function of a topology.
#[derive(Debug)]
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
        /// By router, the link it leaves by in each direction of [`Grid::steps`] ([`NO_ROUTE`]
        /// where it has none).
        towards: Vec<[u32; 4]>,
    },
    /// A tree: up to the lowest common ancestor, then down.
    Tree(TreeRoutes),
    /// A graph: shortest paths, found when first taken.
    Graph(GraphRoutes),
}

impl Routes {
    /// The link a packet at `router` takes towards node `dst`, or [`NO_ROUTE`].
    #[inline(always)]
    pub fn next(&self, router: u32, dst: u32) -> u32 {
        match self {
            Routes::Direct { nodes } if router != dst => {
                crate::topology::direct_link(*nodes, router, dst)
            }
            Routes::Grid { grid, towards } if router != dst => {
                towards[router as usize][grid.direction(router, dst)]
            }
            _ => self.next_otherwise(router, dst),
        }
    }

    /// [`Routes::next`] of a tree or a graph, or at the destination.
    #[inline(never)]
    fn next_otherwise(&self, router: u32, dst: u32) -> u32 {
        match self {
            Routes::Direct { .. } | Routes::Grid { .. } => NO_ROUTE,
            Routes::Tree(tree) => tree.next(router, dst),
            Routes::Graph(graph) => graph.next(router, dst),
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
        let link_to = |router: u32, to: u32| {
            (first[router as usize]..first[router as usize + 1])
                .find(|&link| links[link as usize].to == to)
                .unwrap_or(NO_ROUTE)
        };
        let towards = (0..routers)
            .map(|router| {
                grid.steps(router)
                    .map(|n| n.map_or(NO_ROUTE, |n| link_to(router, n)))
            })
            .collect();
        Routes::Grid { grid, towards }
    }
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
    use crate::error::ConfigError;

    fn graph_routes(
        routers: u32,
        nodes: u32,
        links: &[LinkSpec],
        weights: &[u64],
    ) -> Result<Routes, ConfigError> {
        GraphRoutes::new(routers, nodes, links, weights).map(Routes::Graph)
    }

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

    /// docs/network.md, All-to-all: every ordered pair of nodes has its own link, so
    /// each pair routes over a link of its own among the `nodes * (nodes - 1)`; a packet
    /// at its destination has no next link.
    #[test]
    fn all_to_all_routes_each_pair_over_its_own_link() {
        let nodes = 4;
        let routes = Routes::Direct { nodes };
        let mut seen = std::collections::BTreeSet::new();
        for from in 0..nodes {
            assert_eq!(routes.next(from, from), NO_ROUTE);
            for to in (0..nodes).filter(|&to| to != from) {
                let link = routes.next(from, to);
                assert!(link < nodes * (nodes - 1), "{from} -> {to}: {link}");
                assert!(seen.insert(link), "{from} -> {to} shares link {link}");
            }
        }
    }

    #[test]
    fn shortest_paths_on_a_line() {
        let links = line(4);
        let routes = graph_routes(4, 4, &links, &[1; 6]).expect("connected");
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
        let routes = graph_routes(3, 3, &links, &weights).expect("connected");
        assert_eq!(path(&routes, &links, 0, 2, 10), vec![0, 2]);
    }

    #[test]
    fn an_unreachable_switch_is_no_error() {
        // Routers 0 and 1 are the nodes, linked both ways; router 2, the first one past the
        // nodes, is a switch with no link: only nodes must reach every node.
        let links = line(2);
        let routes = graph_routes(3, 2, &links, &[1, 1]).expect("nodes reach nodes");
        assert_eq!(routes.next(2, 0), NO_ROUTE);
        assert_eq!(routes.next(0, 1), 0);
    }

    #[test]
    fn unreachable_nodes_are_an_error() {
        let links = line(2);
        assert_eq!(
            graph_routes(3, 3, &links, &[1, 1]).err(),
            Some(ConfigError::Unreachable { from: 2, to: 0 })
        );
    }
}
