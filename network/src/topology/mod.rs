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
