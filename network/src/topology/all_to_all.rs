//! All-to-all: every ordered pair of nodes has its own link (aether's default).

use std::collections::BTreeMap;

use super::{Links, Topology};
use crate::routing::Routes;

/// All-to-all links of `nodes` nodes, of class `class`.
pub fn build(nodes: u32, class: u16) -> Topology {
    Topology {
        routers: nodes,
        links: Links::Complete {
            nodes,
            class,
            classes: BTreeMap::new(),
        },
        routes: Routes::Direct { nodes },
    }
}

/// The id of the link from `from` to `to` (distinct nodes).
pub fn link_id(nodes: u32, from: u32, to: u32) -> u32 {
    from * (nodes - 1) + if to > from { to - 1 } else { to }
}
