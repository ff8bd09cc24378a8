//! Trees of a given arity. Either the nodes themselves form the tree (node `i`'s
//! parent is `(i - 1) / arity`), or the nodes are the leaves of a tree of switches
//! (a quadtree with arity 4): consecutive groups of `arity` leaves share a switch,
//! groups of switches share the next level's switch, up to one root.

use super::Topology;
use crate::error::ConfigError;

/// Lays out `nodes` nodes as a tree; links get class `class`.
pub fn build(nodes: u32, arity: u32, switches: bool, class: u16) -> Result<Topology, ConfigError> {
    if arity < 2 {
        return Err(ConfigError::Topology(format!(
            "a tree needs an arity of at least 2, not {arity}"
        )));
    }
    let mut edges = Vec::new();
    let mut routers = nodes;
    if switches {
        let mut level: Vec<u32> = (0..nodes).collect();
        while level.len() > 1 {
            let mut parents = Vec::with_capacity(level.len().div_ceil(arity as usize));
            for group in level.chunks(arity as usize) {
                let parent = routers;
                routers += 1;
                edges.extend(group.iter().map(|&child| (child, parent)));
                parents.push(parent);
            }
            level = parents;
        }
    } else {
        edges.extend((1..nodes).map(|child| (child, (child - 1) / arity)));
    }
    Ok(Topology::tree(routers, &edges, class))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::path;
    use crate::routing::table::Table;
    use proptest::prelude::*;

    /// Parent of every router, found from the up links.
    fn parents(topo: &Topology) -> Vec<Option<u32>> {
        let mut parent = vec![None; topo.routers as usize];
        for pair in topo.links.list().chunks(2) {
            parent[pair[0].from as usize] = Some(pair[0].to);
        }
        parent
    }

    fn ancestors(parent: &[Option<u32>], mut r: u32) -> Vec<u32> {
        let mut chain = vec![r];
        while let Some(p) = parent[r as usize] {
            chain.push(p);
            r = p;
        }
        chain
    }

    #[test]
    fn quadtree_of_sixteen_leaves() {
        let topo = build(16, 4, true, 0).expect("valid");
        // 4 switches above the leaves, 1 root.
        assert_eq!(topo.routers, 16 + 5);
        // Leaves 0 and 15 are 4 hops apart (up two, down two).
        assert_eq!(path(&topo.routes, topo.links.list(), 0, 15, 100).len(), 4);
        assert_eq!(path(&topo.routes, topo.links.list(), 0, 3, 100).len(), 2);
    }

    /// docs/network.md: without switches node `i > 0` hangs off node `(i - 1) / arity`;
    /// with switches each run of `arity` routers of a level gets a new switch. The
    /// parents of 10 nodes of arity 3, and of 7 leaves of arity 3, worked out by hand.
    #[test]
    fn parents_are_the_documented_ones() {
        // `ROOT` stands for no parent.
        const ROOT: u32 = u32::MAX;
        let expect = |ids: &[u32]| -> Vec<Option<u32>> {
            ids.iter().map(|&p| (p != ROOT).then_some(p)).collect()
        };
        let topo = build(10, 3, false, 0).expect("valid");
        assert_eq!(topo.routers, 10);
        assert_eq!(parents(&topo), expect(&[ROOT, 0, 0, 0, 1, 1, 1, 2, 2, 2]));
        // Leaves 0-2 under switch 7, 3-5 under 8, 6 under 9; 7-9 under the root 10.
        let topo = build(7, 3, true, 0).expect("valid");
        assert_eq!(topo.routers, 11);
        let leaves = [7, 7, 7, 8, 8, 8, 9, 10, 10, 10, ROOT];
        assert_eq!(parents(&topo), expect(&leaves));
    }

    #[test]
    fn arity_one_is_rejected() {
        assert!(build(4, 1, false, 0).is_err());
    }

    proptest! {
        #[test]
        fn routes_equal_the_shortest_path_table(n in 1u32..80, arity in 2u32..6, switches: bool) {
            let topo = build(n, arity, switches, 0).expect("valid");
            let links = topo.links.list();
            let table = Table::shortest_paths(topo.routers, n, links, &vec![1; links.len()])
                .expect("connected");
            for router in 0..topo.routers {
                for dst in 0..n {
                    prop_assert_eq!(topo.routes.next(router, dst), table.next(router, dst));
                }
            }
        }

        #[test]
        fn routes_go_through_the_lowest_common_ancestor(
            n in 1u32..40, arity in 2u32..5, switches: bool, a in 0u32..40, b in 0u32..40
        ) {
            let (a, b) = (a % n, b % n);
            let topo = build(n, arity, switches, 0).expect("valid");
            let parent = parents(&topo);
            let up_a = ancestors(&parent, a);
            let up_b = ancestors(&parent, b);
            let lca = *up_a.iter().find(|r| up_b.contains(r)).expect("common root");
            let depth = |chain: &[u32]| chain.iter().position(|&r| r == lca).expect("on chain");
            let hops = path(&topo.routes, topo.links.list(), a, b, 1000);
            prop_assert_eq!(hops.len(), depth(&up_a) + depth(&up_b));
            let end = hops.last().map_or(a, |&l| topo.links.spec(l).to);
            prop_assert_eq!(end, b);
        }
    }
}
