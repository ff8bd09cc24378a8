//! 2D grids: the mesh (dimension-order XY routing) and the torus (the same with
//! wrap-around links, each dimension taken the shorter way round).
//!
//! Router `y * width + x` sits at column `x`, row `y`; nodes take the first ids.

use super::{Links, Topology};
use crate::link::LinkSpec;
use crate::routing::Routes;
use strength_reduce::StrengthReducedU32;

/// A grid's size, its wrap-around and the classes of its horizontal and vertical links.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Wrap-around links (a torus).
    pub wrap: bool,
    /// Class of links along x.
    pub x_class: u16,
    /// Class of links along y.
    pub y_class: u16,
    /// `width` as a divisor (coordinates of a router).
    pub columns: StrengthReducedU32,
}

impl Grid {
    #[inline(always)]
    fn coords(&self, router: u32) -> (u32, u32) {
        let (y, x) = StrengthReducedU32::div_rem(router, self.columns);
        (x, y)
    }

    fn id(&self, x: u32, y: u32) -> u32 {
        y * self.width + x
    }

    /// The router one step from `router` in each direction, +x, -x, +y, -y (`None` past
    /// the edge of a mesh).
    pub fn steps(&self, router: u32) -> [Option<u32>; 4] {
        let (x, y) = self.coords(router);
        let (w, h) = (self.width, self.height);
        if self.wrap {
            [
                Some(self.id((x + 1) % w, y)),
                Some(self.id((x + w - 1) % w, y)),
                Some(self.id(x, (y + 1) % h)),
                Some(self.id(x, (y + h - 1) % h)),
            ]
        } else {
            [
                (x + 1 < w).then(|| self.id(x + 1, y)),
                (x > 0).then(|| self.id(x - 1, y)),
                (y + 1 < h).then(|| self.id(x, y + 1)),
                (y > 0).then(|| self.id(x, y - 1)),
            ]
        }
    }

    /// The neighbours of a router, +x, -x, +y, -y, without duplicates or itself.
    fn neighbours(&self, router: u32) -> Vec<(u32, u16)> {
        let classes = [self.x_class, self.x_class, self.y_class, self.y_class];
        let mut seen = Vec::with_capacity(4);
        for (n, class) in self.steps(router).into_iter().zip(classes) {
            if let Some(n) = n
                && n != router
                && !seen.iter().any(|&(m, _)| m == n)
            {
                seen.push((n, class));
            }
        }
        seen
    }

    /// Which way to go along one dimension from `from` towards `to` on a ring of `size`
    /// (torus) or a line (mesh): 0 up (+1), 1 down. On a ring the shorter way wins; a tie
    /// goes up.
    fn way(&self, from: u32, to: u32, size: u32) -> usize {
        if !self.wrap {
            return usize::from(to <= from);
        }
        let up = (to + size - from) % size;
        usize::from(up > size - up)
    }

    /// Dimension-order routing: correct x first, then y. The direction a packet at
    /// `router` takes towards `dst`, as an index of [`Grid::steps`].
    #[inline(always)]
    pub fn direction(&self, router: u32, dst: u32) -> usize {
        let (x, y) = self.coords(router);
        let (tx, ty) = self.coords(dst);
        if x != tx {
            self.way(x, tx, self.width)
        } else {
            2 + self.way(y, ty, self.height)
        }
    }

    /// The router a packet at `router` moves to on its way to `dst`.
    #[cfg(test)]
    pub fn step(&self, router: u32, dst: u32) -> u32 {
        self.steps(router)[self.direction(router, dst)].expect("a neighbour on the way")
    }

    /// Lays out the grid for `nodes` nodes (at most `width * height`); routing is
    /// computed from coordinates, so memory is linear in the routers.
    pub fn build(self, nodes: u32) -> Topology {
        debug_assert!(nodes <= self.width * self.height);
        let routers = self.width * self.height;
        let links: Vec<LinkSpec> = (0..routers)
            .flat_map(|from| {
                self.neighbours(from)
                    .into_iter()
                    .map(move |(to, class)| LinkSpec { from, to, class })
            })
            .collect();
        let routes = Routes::grid(self, &links);
        Topology {
            routers,
            links: Links::List(links),
            routes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::path;
    use proptest::prelude::*;

    fn grid(width: u32, height: u32, wrap: bool) -> Grid {
        Grid {
            width,
            height,
            wrap,
            x_class: 0,
            y_class: 1,
            columns: StrengthReducedU32::new(width),
        }
    }

    proptest! {
        /// A router's coordinates agree with the division instruction.
        #[test]
        fn coords_match_division(width in 1u32.., router in any::<u32>()) {
            prop_assert_eq!(grid(width, 1, false).coords(router), (router % width, router / width));
        }
    }

    #[test]
    fn coords_edge_cases() {
        for d in [1, 2, 3, 7, 32, 1000, 1 << 31, u32::MAX - 1, u32::MAX] {
            for n in [0, 1, d - 1, d, d.wrapping_add(1), u32::MAX - 1, u32::MAX] {
                assert_eq!(grid(d, 1, false).coords(n), (n % d, n / d), "{n} / {d}");
            }
        }
    }

    /// Shortest distance between `a` and `b` on a ring of `size`.
    fn ring_distance(a: u32, b: u32, size: u32) -> u32 {
        let d = a.abs_diff(b);
        d.min(size - d)
    }

    #[test]
    fn mesh_link_count() {
        // A w x h mesh has 2 * (h * (w - 1) + w * (h - 1)) directed links.
        assert_eq!(grid(4, 3, false).build(12).links.len(), 2 * (3 * 3 + 4 * 2));
        // A torus with both sides > 2 has 4 links per router.
        assert_eq!(grid(4, 3, true).build(12).links.len(), 4 * 12);
        // Width 2 wraps onto the same neighbour: one x link each way.
        assert_eq!(grid(2, 3, true).build(6).links.len(), 6 * 3);
    }

    #[test]
    fn torus_tie_goes_up() {
        let g = grid(4, 1, true);
        // From x=0 to x=2: both ways are 2 hops; +x wins.
        assert_eq!(g.step(0, 2), 1);
        assert_eq!(g.step(0, 3), 3);
    }

    /// Routes from `a` to `b` (taken modulo the node count) on a full grid:
    /// the topology, the hops, and the distances along x and y (`ring` for a torus).
    fn route(g: Grid, a: u32, b: u32, ring: bool) -> (Topology, Vec<u32>, u32, u32, u32) {
        let n = g.width * g.height;
        let (a, b) = (a % n, b % n);
        let topo = g.build(n);
        let hops = path(&topo.routes, topo.links.list(), a, b, 1000);
        let ((ax, ay), (bx, by)) = (g.coords(a), g.coords(b));
        let (dx, dy) = if ring {
            (
                ring_distance(ax, bx, g.width),
                ring_distance(ay, by, g.height),
            )
        } else {
            (ax.abs_diff(bx), ay.abs_diff(by))
        };
        (topo, hops, a, b, dx + dy)
    }

    proptest! {
        #[test]
        fn mesh_routes_are_xy_and_minimal(w in 1u32..9, h in 1u32..9, a in 0u32..64, b in 0u32..64) {
            let g = grid(w, h, false);
            let (topo, hops, a, b, distance) = route(g, a, b, false);
            prop_assert_eq!(hops.len() as u32, distance);
            let mut at = a;
            let mut turned = false;
            for link in hops {
                let spec = topo.links.spec(link);
                prop_assert_eq!(spec.from, at);
                let along_x = g.coords(spec.from).1 == g.coords(spec.to).1;
                prop_assert!(!(turned && along_x), "x after y");
                turned |= !along_x;
                prop_assert_eq!(spec.class, if along_x { 0 } else { 1 });
                at = spec.to;
            }
            prop_assert_eq!(at, b);
        }

        #[test]
        fn torus_routes_are_minimal(w in 1u32..9, h in 1u32..9, a in 0u32..64, b in 0u32..64) {
            let (topo, hops, a, b, distance) = route(grid(w, h, true), a, b, true);
            prop_assert_eq!(hops.len() as u32, distance);
            let end = hops.last().map_or(a, |&l| topo.links.spec(l).to);
            prop_assert_eq!(end, b);
        }

        #[test]
        fn coordinate_routing_matches_the_table_of_steps(w in 1u32..9, h in 1u32..9, wrap: bool, cut in 0u32..64) {
            let g = grid(w, h, wrap);
            let n = w * h - cut % (w * h);
            let topo = g.build(n);
            let table = crate::routing::table::Table::from_step(w * h, n, topo.links.list(), |r, d| g.step(r, d));
            for router in 0..w * h {
                for dst in 0..n {
                    prop_assert_eq!(topo.routes.next(router, dst), table.next(router, dst));
                }
            }
        }

        #[test]
        fn partial_grid_still_routes(w in 1u32..7, h in 1u32..7, a in 0u32..64, b in 0u32..64) {
            // Fewer nodes than grid positions: empty positions still forward.
            let g = grid(w, h, false);
            let n = (w * h).div_ceil(2);
            let (a, b) = (a % n, b % n);
            let topo = g.build(n);
            let hops = path(&topo.routes, topo.links.list(), a, b, 1000);
            let end = hops.last().map_or(a, |&l| topo.links.spec(l).to);
            prop_assert_eq!(end, b);
        }
    }
}
