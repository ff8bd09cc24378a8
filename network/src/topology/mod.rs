//! Topologies: the routers, the links between them and the routes through them.
//!
//! Routers `0..nodes` carry the nodes' NICs; routers from `nodes` up are switches
//! (empty grid positions, tree switches, graph vertices past the nodes).

mod all_to_all;
mod graph;
mod grid;
mod links;
mod quadtree;
mod tree;

pub use all_to_all::link_id as direct_link;
pub use grid::Grid;
pub use links::Links;

use crate::config::{GridConfig, TopologyConfig};
use crate::error::ConfigError;
use crate::link::LinkSpec;
use crate::routing::{GraphRoutes, Routes, TreeRoutes};

/// Most routers a tree, quadtree or graph topology may have.
const MAX_ROUTERS: u64 = 1 << 20;

/// Most positions a mesh or torus may have (its routes are computed from coordinates).
const MAX_GRID_POSITIONS: u64 = 1 << 24;

/// Most nodes of an all-to-all topology: its `nodes × (nodes − 1)` link ids are 32 bits.
const MAX_ALL_TO_ALL: u64 = 1 << 16;

/// Resolves a link class name (`None`: the default class) to its index.
pub type ClassOf<'a> = &'a dyn Fn(Option<&str>) -> Result<u16, ConfigError>;

/// A laid-out network: routers, directed links and the routing function.
#[derive(Debug)]
pub struct Topology {
    /// Number of routers, nodes included.
    pub routers: u32,
    /// Directed links, indexed by link id.
    pub links: Links,
    /// Next link for every (router, destination node).
    pub routes: Routes,
}

impl Topology {
    /// A graph routed along shortest paths by `weights` (one per link; `links` holds
    /// both directions of every wire, with equal weights).
    pub fn graph(
        nodes: u32,
        routers: u32,
        links: Vec<LinkSpec>,
        weights: &[u64],
    ) -> Result<Topology, ConfigError> {
        let routes = GraphRoutes::new(routers, nodes, &links, weights)?;
        Ok(Topology {
            routers,
            links: Links::List(links),
            routes: Routes::Graph(routes),
        })
    }

    /// A tree of wires given as `(child, parent)` router pairs, routed along the tree.
    pub fn tree(routers: u32, wires: &[(u32, u32)], class: u16) -> Topology {
        let links: Vec<_> = wires
            .iter()
            .flat_map(|&(child, parent)| both_ways(child, parent, class))
            .collect();
        Topology {
            routers,
            links: Links::List(links),
            routes: Routes::Tree(TreeRoutes::new(routers, wires)),
        }
    }

    /// Lays out `nodes` nodes as `config` asks.
    pub fn build(
        config: &TopologyConfig,
        nodes: u32,
        class_of: ClassOf<'_>,
    ) -> Result<Topology, ConfigError> {
        match config {
            TopologyConfig::AllToAll {} => {
                if u64::from(nodes) > MAX_ALL_TO_ALL {
                    return Err(ConfigError::Topology(format!(
                        "all-to-all holds at most {MAX_ALL_TO_ALL} nodes (its link ids are 32 bits), not {nodes}"
                    )));
                }
                Ok(all_to_all::build(nodes, class_of(None)?))
            }
            TopologyConfig::Mesh(grid) => build_grid(grid, false, nodes, class_of),
            TopologyConfig::Torus(grid) => build_grid(grid, true, nodes, class_of),
            TopologyConfig::Tree {
                arity,
                switches,
                class,
            } => {
                check_routers(u64::from(nodes) * 2)?;
                tree::build(nodes, *arity, *switches, class_of(class.as_deref())?)
            }
            TopologyConfig::Quadtree {
                width,
                height,
                class,
            } => {
                let positions = u64::from(*width) * u64::from(*height);
                if positions < u64::from(nodes) {
                    return Err(ConfigError::Topology(format!(
                        "a {width}x{height} quadtree cannot hold {nodes} nodes"
                    )));
                }
                check_routers(u64::from(nodes) * 2)?;
                Ok(quadtree::build(
                    *width,
                    *height,
                    nodes,
                    class_of(class.as_deref())?,
                ))
            }
            TopologyConfig::Graph { file } => {
                let name = file.display().to_string();
                let text = std::fs::read_to_string(file).map_err(|e| ConfigError::Graph {
                    file: name.clone(),
                    reason: e.to_string(),
                })?;
                graph_topology(&text, &name, nodes, class_of)
            }
            TopologyConfig::GraphText { name, text } => graph_topology(text, name, nodes, class_of),
        }
    }
}

/// The topology of a graph file's text.
fn graph_topology(
    text: &str,
    name: &str,
    nodes: u32,
    class_of: ClassOf<'_>,
) -> Result<Topology, ConfigError> {
    let edges = graph::parse(text, name)?;
    let routers = edges.iter().map(|e| e.a.max(e.b) + 1).max().unwrap_or(0);
    check_routers(u64::from(routers.max(nodes)))?;
    graph::build(nodes, &edges, class_of)
}

/// The two directions of a wire between routers `a` and `b`.
pub fn both_ways(a: u32, b: u32, class: u16) -> [LinkSpec; 2] {
    [
        LinkSpec {
            from: a,
            to: b,
            class,
        },
        LinkSpec {
            from: b,
            to: a,
            class,
        },
    ]
}

fn check_routers(routers: u64) -> Result<(), ConfigError> {
    if routers > MAX_ROUTERS {
        return Err(ConfigError::Topology(format!(
            "{routers} routers are more than the {MAX_ROUTERS} a topology may have"
        )));
    }
    Ok(())
}

fn build_grid(
    config: &GridConfig,
    wrap: bool,
    nodes: u32,
    class_of: ClassOf<'_>,
) -> Result<Topology, ConfigError> {
    check_grid(config, nodes)?;
    let grid = grid::Grid {
        width: config.width,
        height: config.height,
        wrap,
        x_class: class_of(config.x_class.as_deref())?,
        y_class: class_of(config.y_class.as_deref())?,
        columns: strength_reduce::StrengthReducedU32::new(config.width),
    };
    Ok(grid.build(nodes))
}

/// A grid of `config`'s size holds `nodes` nodes and has at most `MAX_GRID_POSITIONS`.
fn check_grid(config: &GridConfig, nodes: u32) -> Result<(), ConfigError> {
    let positions = u64::from(config.width) * u64::from(config.height);
    if positions == 0 || positions < u64::from(nodes) {
        return Err(ConfigError::Topology(format!(
            "a {}x{} grid cannot hold {nodes} nodes",
            config.width, config.height
        )));
    }
    if positions > MAX_GRID_POSITIONS {
        return Err(ConfigError::Topology(format!(
            "a {}x{} grid has more than the {MAX_GRID_POSITIONS} positions a mesh or torus may have",
            config.width, config.height
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_class(name: Option<&str>) -> Result<u16, ConfigError> {
        match name {
            None => Ok(0),
            Some(other) => Err(ConfigError::UnknownClass(other.to_string())),
        }
    }

    /// The message of a `ConfigError::Topology` from laying out `nodes` nodes as
    /// `config` asks (`None`: laid out, or another error).
    fn topology_error(config: &TopologyConfig, nodes: u32) -> Option<String> {
        match Topology::build(config, nodes, &default_class) {
            Err(ConfigError::Topology(message)) => Some(message),
            _ => None,
        }
    }

    fn two_vertices(nodes: u32) -> Result<Topology, ConfigError> {
        let graph = TopologyConfig::GraphText {
            name: "g".into(),
            text: "0 1\n".into(),
        };
        Topology::build(&graph, nodes, &default_class)
    }

    /// docs/network.md: a graph has at most 2^20 = 1,048,576 routers. With 2^20
    /// nodes on one edge the limit holds and the graph is disconnected (node 2 is
    /// the first that cannot reach node 0); one node more is over the limit.
    #[test]
    fn a_graph_may_have_two_to_the_twentieth_routers() {
        assert_eq!(
            two_vertices(1 << 20).err(),
            Some(ConfigError::Unreachable { from: 2, to: 0 })
        );
        assert_eq!(
            two_vertices((1 << 20) + 1).err(),
            Some(ConfigError::Topology(
                "1048577 routers are more than the 1048576 a topology may have".into()
            ))
        );
    }

    /// docs/network.md: a tree or quadtree counts twice its nodes against the 2^20
    /// routers, so 2^19 nodes are the most.
    #[test]
    fn a_tree_or_quadtree_counts_twice_its_nodes() {
        let tree = TopologyConfig::Tree {
            arity: 2,
            switches: false,
            class: None,
        };
        let topo = Topology::build(&tree, 1 << 19, &default_class).expect("2^19 nodes");
        assert_eq!(topo.routers, 1 << 19);
        let over = "1048578 routers are more than the 1048576 a topology may have";
        assert_eq!(topology_error(&tree, (1 << 19) + 1).as_deref(), Some(over));
        let quadtree = TopologyConfig::Quadtree {
            width: 1024,
            height: 1024,
            class: None,
        };
        assert_eq!(
            topology_error(&quadtree, (1 << 19) + 1).as_deref(),
            Some(over)
        );
    }

    /// A 3x3 quadtree holds 9 nodes under 2x2 blocks' 4 switches and a root, not 10.
    #[test]
    fn a_quadtree_holds_as_many_nodes_as_positions() {
        let quadtree = TopologyConfig::Quadtree {
            width: 3,
            height: 3,
            class: None,
        };
        let topo = Topology::build(&quadtree, 9, &default_class).expect("9 nodes");
        assert_eq!(topo.routers, 9 + 4 + 1);
        assert_eq!(
            topology_error(&quadtree, 10).as_deref(),
            Some("a 3x3 quadtree cannot hold 10 nodes")
        );
    }

    /// docs/network.md: a mesh or torus holds at most `width × height` nodes and
    /// has at most 2^24 = 16,777,216 positions (checked without laying them out).
    #[test]
    fn a_grid_holds_its_positions_up_to_two_to_the_twenty_fourth() {
        let grid = |width, height| GridConfig {
            width,
            height,
            x_class: None,
            y_class: None,
        };
        assert_eq!(check_grid(&grid(3, 3), 9), Ok(()));
        assert_eq!(check_grid(&grid(4096, 4096), 1), Ok(()));
        assert_eq!(check_grid(&grid(1, 1 << 24), 1 << 24), Ok(()));
        assert_eq!(
            check_grid(&grid(3, 3), 10),
            Err(ConfigError::Topology(
                "a 3x3 grid cannot hold 10 nodes".into()
            ))
        );
        for (width, height) in [(4097, 4096), ((1 << 24) + 1, 1)] {
            assert_eq!(
                check_grid(&grid(width, height), 1),
                Err(ConfigError::Topology(format!(
                    "a {width}x{height} grid has more than the 16777216 positions a mesh or torus may have"
                ))),
            );
        }
    }
}
