//! Topologies: the routers, the links between them and the routes through them.
//!
//! Routers `0..nodes` carry the nodes' NICs; routers from `nodes` up are switches
//! (tree and graph topologies only).

mod all_to_all;

pub use all_to_all::link_id as direct_link;

use crate::config::TopologyConfig;
use crate::error::ConfigError;
use crate::link::LinkSpec;
use crate::routing::Routes;

/// A laid-out network: routers, directed links and the routing function.
#[derive(Debug, Clone)]
pub struct Topology {
    /// Number of nodes (routers with a NIC).
    pub nodes: u32,
    /// Number of routers, nodes included.
    pub routers: u32,
    /// Directed links, indexed by link id.
    pub links: Vec<LinkSpec>,
    /// Next link for every (router, destination node).
    pub routes: Routes,
}

impl Topology {
    /// Lays out `nodes` nodes as `config` asks.
    pub fn build(config: &TopologyConfig, nodes: u32) -> Result<Topology, ConfigError> {
        match config {
            TopologyConfig::AllToAll => Ok(all_to_all::build(nodes)),
        }
    }

    /// The id of the link from router `from` to router `to`, if there is one.
    pub fn link_between(&self, from: u32, to: u32) -> Option<u32> {
        match &self.routes {
            Routes::Direct { .. } if from < self.nodes && to < self.nodes && from != to => {
                Some(direct_link(self.nodes, from, to))
            }
            Routes::Direct { .. } => None,
            Routes::Table { .. } => self
                .links
                .iter()
                .position(|l| l.from == from && l.to == to)
                .map(|i| i as u32),
        }
    }
}
