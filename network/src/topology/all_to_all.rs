//! All-to-all: every ordered pair of nodes has its own link (aether's default).

use super::Topology;
use crate::link::LinkSpec;
use crate::routing::Routes;

/// Links of `nodes` nodes of class `class`, ordered by source then destination.
pub fn build(nodes: u32, class: u16) -> Topology {
    let links = (0..nodes)
        .flat_map(|from| {
            (0..nodes)
                .filter(move |&to| to != from)
                .map(move |to| LinkSpec { from, to, class })
        })
        .collect();
    Topology {
        nodes,
        routers: nodes,
        links,
        routes: Routes::Direct { nodes },
    }
}

/// The id of the link from `from` to `to` (distinct nodes).
pub fn link_id(nodes: u32, from: u32, to: u32) -> u32 {
    from * (nodes - 1) + if to > from { to - 1 } else { to }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_ids_match_layout() {
        let topo = build(5, 0);
        assert_eq!(topo.links.len(), 20);
        for (id, link) in topo.links.iter().enumerate() {
            assert_eq!(link_id(5, link.from, link.to), id as u32);
        }
    }
}
