//! Routing on a tree from parent links: up until the router is an ancestor of the
//! destination, then down (the unique tree path), with memory linear in the routers.

use super::NO_ROUTE;

/// The parent, the link up and the depth of every router of a tree.
#[derive(Debug)]
pub struct TreeRoutes {
    /// Parent of every router ([`NO_ROUTE`] for the root).
    parent: Vec<u32>,
    /// Link from every router to its parent; the link back down has the next id.
    up: Vec<u32>,
    /// Hops from the root.
    depth: Vec<u32>,
}

impl TreeRoutes {
    /// Routes over `wires`, `(child, parent)` router pairs whose links are laid out in
    /// wire order, up then down: wire `i` is link `2i` from the child, `2i + 1` back.
    pub fn new(routers: u32, wires: &[(u32, u32)]) -> Self {
        let mut parent = vec![NO_ROUTE; routers as usize];
        let mut up = vec![NO_ROUTE; routers as usize];
        for (wire, &(child, above)) in wires.iter().enumerate() {
            parent[child as usize] = above;
            up[child as usize] = 2 * wire as u32;
        }
        let mut depth = vec![NO_ROUTE; routers as usize];
        let mut chain = Vec::new();
        for router in 0..routers {
            let mut at = router;
            while depth[at as usize] == NO_ROUTE && parent[at as usize] != NO_ROUTE {
                chain.push(at);
                at = parent[at as usize];
            }
            let mut below = if depth[at as usize] == NO_ROUTE {
                0
            } else {
                depth[at as usize]
            };
            depth[at as usize] = below;
            while let Some(r) = chain.pop() {
                below += 1;
                depth[r as usize] = below;
            }
        }
        Self { parent, up, depth }
    }

    /// The link a packet at `router` takes towards node `dst`, or [`NO_ROUTE`].
    #[inline]
    pub fn next(&self, router: u32, dst: u32) -> u32 {
        if router == dst {
            return NO_ROUTE;
        }
        let (here, there) = (self.depth[router as usize], self.depth[dst as usize]);
        if there > here {
            let mut below = dst;
            for _ in 0..there - here - 1 {
                below = self.parent[below as usize];
            }
            if self.parent[below as usize] == router {
                return self.up[below as usize] + 1;
            }
        }
        self.up[router as usize]
    }
}
