//! Routing: which link a packet at a router takes towards its destination node.

use crate::topology::Topology;

/// The routing function of a topology.
#[derive(Debug, Clone)]
pub enum Routes {
    /// All-to-all: the direct link to the destination.
    Direct {
        /// Number of nodes.
        nodes: u32,
    },
    /// A generated table: `next[router * nodes + dst]` is a link id.
    Table {
        /// Number of destination nodes (the table's row length).
        nodes: u32,
        /// Next link per (router, destination); `NO_ROUTE` where router is the destination.
        next: Vec<u32>,
    },
}

/// Table entry for "no link" (the router is the destination).
pub const NO_ROUTE: u32 = u32::MAX;

impl Routes {
    /// The link a packet at `router` takes towards node `dst` (`router != dst`).
    #[inline]
    pub fn next(&self, router: u32, dst: u32) -> u32 {
        match self {
            Routes::Direct { nodes } => crate::topology::direct_link(*nodes, router, dst),
            Routes::Table { nodes, next } => next[(router * nodes + dst) as usize],
        }
    }
}

/// Follows the routes from router `from` to node `dst`, returning the link ids.
/// Stops after `limit` hops so a broken table cannot loop forever.
pub fn path(topology: &Topology, from: u32, dst: u32, limit: usize) -> Vec<u32> {
    let mut hops = Vec::new();
    let mut at = from;
    while at != dst && hops.len() < limit {
        let link = topology.routes.next(at, dst);
        if link == NO_ROUTE {
            break;
        }
        hops.push(link);
        at = topology.links[link as usize].to;
    }
    hops
}
