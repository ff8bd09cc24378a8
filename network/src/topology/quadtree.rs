//! The spatial quadtree: nodes on a `width x height` grid (node `y * width + x`)
//! are the leaves; every 2x2 block of a level gets a switch above it (a block on
//! an odd edge has fewer children), level by level, until one root.

use super::Topology;

/// Lays out a quadtree over a `width x height` grid holding `nodes` nodes
/// (`nodes <= width * height`; empty positions get no router); links get `class`.
pub fn build(width: u32, height: u32, nodes: u32, class: u16) -> Topology {
    // The routers of the current level, row by row; `None` for an empty position.
    let mut level: Vec<Option<u32>> = (0..width * height)
        .map(|i| (i < nodes).then_some(i))
        .collect();
    let (mut w, mut h) = (width, height);
    let mut routers = nodes;
    let mut edges = Vec::new();
    while level.iter().flatten().count() > 1 {
        let (pw, ph) = (w.div_ceil(2), h.div_ceil(2));
        let mut parents = Vec::with_capacity((pw * ph) as usize);
        for py in 0..ph {
            for px in 0..pw {
                let children: Vec<u32> = [(0, 0), (1, 0), (0, 1), (1, 1)]
                    .iter()
                    .map(|&(dx, dy)| (2 * px + dx, 2 * py + dy))
                    .filter(|&(x, y)| x < w && y < h)
                    .filter_map(|(x, y)| level[(y * w + x) as usize])
                    .collect();
                if children.is_empty() {
                    parents.push(None);
                    continue;
                }
                let parent = routers;
                routers += 1;
                edges.extend(children.iter().map(|&child| (child, parent)));
                parents.push(Some(parent));
            }
        }
        level = parents;
        (w, h) = (pw, ph);
    }
    Topology::tree(routers, &edges, class)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::path;
    use crate::routing::table::Table;
    use proptest::prelude::*;

    #[test]
    fn four_by_four() {
        let topo = build(4, 4, 16, 0);
        // 4 switches over the 2x2 blocks, then the root.
        assert_eq!(topo.routers, 16 + 4 + 1);
        assert_eq!(path(&topo.routes, topo.links.list(), 0, 5, 100).len(), 2);
        assert_eq!(path(&topo.routes, topo.links.list(), 0, 2, 100).len(), 4);
        assert_eq!(path(&topo.routes, topo.links.list(), 0, 15, 100).len(), 4);
    }

    proptest! {
        #[test]
        fn routes_equal_the_shortest_path_table(w in 1u32..14, h in 1u32..14, fill in 1u32..=100) {
            let nodes = ((w * h * fill).div_ceil(100)).max(1);
            let topo = build(w, h, nodes, 0);
            let links = topo.links.list();
            let table = Table::shortest_paths(topo.routers, nodes, links, &vec![1; links.len()])
                .expect("connected");
            for router in 0..topo.routers {
                for dst in 0..nodes {
                    prop_assert_eq!(topo.routes.next(router, dst), table.next(router, dst));
                }
            }
        }

        /// Two leaves meet at the first level where their coordinates, halved that
        /// many times, agree; the route climbs there and comes back down.
        #[test]
        fn routes_climb_to_the_common_block(
            w in 1u32..10, h in 1u32..10, fill in 1u32..=100, a in 0u32..100, b in 0u32..100,
        ) {
            let nodes = ((w * h * fill).div_ceil(100)).max(1);
            let (a, b) = (a % nodes, b % nodes);
            let topo = build(w, h, nodes, 0);
            let (ax, ay, bx, by) = (a % w, a / w, b % w, b / w);
            let level = (0..32).find(|&l| (ax >> l, ay >> l) == (bx >> l, by >> l)).expect("meets");
            let hops = path(&topo.routes, topo.links.list(), a, b, 1000);
            prop_assert_eq!(hops.len() as u32, 2 * level);
            let end = hops.last().map_or(a, |&l| topo.links.spec(l).to);
            prop_assert_eq!(end, b);
        }
    }
}
