//! The directed links of a topology, listed or (all-to-all) implied.

use std::collections::BTreeMap;

use super::direct_link;
use crate::link::LinkSpec;

/// The directed links of a topology, indexed by link id.
#[derive(Debug, Clone)]
pub enum Links {
    /// One link per ordered pair of `nodes` nodes (all-to-all), never materialized:
    /// id `from * (nodes - 1) + (to - [to > from])`.
    Complete {
        /// Number of nodes.
        nodes: u32,
        /// Class of every link not in `classes`.
        class: u16,
        /// Links given another class.
        classes: BTreeMap<u32, u16>,
    },
    /// An explicit list.
    List(Vec<LinkSpec>),
}

impl Links {
    /// Number of links.
    pub fn len(&self) -> u64 {
        match self {
            Links::Complete { nodes, .. } => u64::from(*nodes) * u64::from(nodes.saturating_sub(1)),
            Links::List(list) => list.len() as u64,
        }
    }

    /// The link with id `id` (which must be below `len`).
    #[inline(always)]
    pub fn spec(&self, id: u32) -> LinkSpec {
        match self {
            Links::Complete {
                nodes,
                class,
                classes,
            } => {
                let from = id / (nodes - 1);
                let rest = id % (nodes - 1);
                let to = if rest >= from { rest + 1 } else { rest };
                let class = if classes.is_empty() {
                    *class
                } else {
                    classes.get(&id).copied().unwrap_or(*class)
                };
                LinkSpec { from, to, class }
            }
            Links::List(list) => list[id as usize],
        }
    }

    /// The id of the link from router `from` to router `to`, if there is one.
    pub fn between(&self, from: u32, to: u32) -> Option<u32> {
        match self {
            Links::Complete { nodes, .. } => {
                (from < *nodes && to < *nodes && from != to).then(|| direct_link(*nodes, from, to))
            }
            Links::List(list) => list
                .iter()
                .position(|l| l.from == from && l.to == to)
                .map(|i| i as u32),
        }
    }

    /// Gives link `id` class `class`.
    pub fn set_class(&mut self, id: u32, class: u16) {
        match self {
            Links::Complete { classes, .. } => {
                classes.insert(id, class);
            }
            Links::List(list) => list[id as usize].class = class,
        }
    }

    /// The listed links (none for an implied all-to-all).
    #[cfg(test)]
    pub fn list(&self) -> &[LinkSpec] {
        match self {
            Links::Complete { .. } => &[],
            Links::List(list) => list,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_links_match_their_ids() {
        let mut links = Links::Complete {
            nodes: 5,
            class: 3,
            classes: BTreeMap::new(),
        };
        assert_eq!(links.len(), 20);
        for id in 0..20 {
            let spec = links.spec(id);
            assert_ne!(spec.from, spec.to);
            assert_eq!(spec.class, 3);
            assert_eq!(links.between(spec.from, spec.to), Some(id));
        }
        links.set_class(7, 1);
        assert_eq!(links.spec(7).class, 1);
        assert_eq!(links.between(2, 2), None);
        assert_eq!(links.between(0, 5), None);
        assert_eq!(links.between(5, 0), None);
    }

    /// Implied link ids follow `from * (nodes - 1) + (to - [to > from])`, worked out
    /// by hand for 5 nodes.
    #[test]
    fn implied_link_ids_follow_the_documented_formula() {
        let links = Links::Complete {
            nodes: 5,
            class: 0,
            classes: BTreeMap::new(),
        };
        for (from, to, id) in [
            (0, 1, 0),
            (0, 4, 3),
            (1, 0, 4),
            (2, 4, 11),
            (3, 2, 14),
            (4, 3, 19),
        ] {
            assert_eq!(links.between(from, to), Some(id), "{from} -> {to}");
            assert_eq!(links.spec(id), LinkSpec { from, to, class: 0 }, "link {id}");
        }
    }

    /// A listed link is found by both its ends, never by one of them alone.
    #[test]
    fn listed_links_are_found_by_both_ends() {
        let wire = |from, to| LinkSpec { from, to, class: 0 };
        let mut links = Links::List(vec![wire(0, 1), wire(1, 0), wire(1, 2), wire(2, 1)]);
        assert_eq!(links.len(), 4);
        for (from, to, id) in [(0, 1, 0), (1, 0, 1), (1, 2, 2), (2, 1, 3)] {
            assert_eq!(links.between(from, to), Some(id), "{from} -> {to}");
        }
        for (from, to) in [(0, 2), (2, 0), (1, 1), (3, 1)] {
            assert_eq!(links.between(from, to), None, "{from} -> {to}");
        }
        links.set_class(2, 5);
        assert_eq!(
            links.spec(2),
            LinkSpec {
                from: 1,
                to: 2,
                class: 5
            }
        );
        assert_eq!(links.spec(3).class, 0);
    }
}
