//! Arbitrary graphs read from a text file, routed along shortest paths.
//!
//! One edge per line: `A B [class=NAME] [weight=N]`, both directions. Vertices
//! below the node count are nodes, the others switches. `#` starts a comment.

use std::collections::HashSet;

use super::{Topology, both_ways};
use crate::error::ConfigError;

/// Largest vertex id a graph file may use.
const MAX_VERTEX: u32 = 1 << 20;

/// One undirected edge of a graph file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// One end.
    pub a: u32,
    /// The other end.
    pub b: u32,
    /// Class name, if not the default.
    pub class: Option<String>,
    /// Routing weight (default 1).
    pub weight: u64,
}

/// Reads the edges of a graph file; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Vec<Edge>, ConfigError> {
    let mut edges: Vec<Edge> = Vec::new();
    let mut wired = HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let fail = |reason: String| ConfigError::Graph {
            file: file.to_string(),
            reason: format!("line {}: {reason}", index + 1),
        };
        let line = raw.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else {
            continue;
        };
        let vertex = |word: Option<&str>| -> Result<u32, ConfigError> {
            let word = word.ok_or_else(|| fail("an edge needs two vertices".into()))?;
            match word.parse::<u32>() {
                Ok(v) if v < MAX_VERTEX => Ok(v),
                _ => Err(fail(format!(
                    "`{word}` is not a vertex id below {MAX_VERTEX}"
                ))),
            }
        };
        let a = vertex(Some(first))?;
        let b = vertex(words.next())?;
        if a == b {
            return Err(fail(format!("vertex {a} is linked to itself")));
        }
        let mut edge = Edge {
            a,
            b,
            class: None,
            weight: 1,
        };
        for word in words {
            match word.split_once('=') {
                Some(("class", name)) if !name.is_empty() => edge.class = Some(name.to_string()),
                Some(("weight", n)) => {
                    edge.weight =
                        n.parse().ok().filter(|&w| w > 0).ok_or_else(|| {
                            fail(format!("weight `{n}` is not a positive integer"))
                        })?;
                }
                _ => {
                    return Err(fail(format!(
                        "unexpected `{word}` (want class=NAME or weight=N)"
                    )));
                }
            }
        }
        if !wired.insert((a.min(b), a.max(b))) {
            return Err(fail(format!("edge {a} {b} is given twice")));
        }
        edges.push(edge);
    }
    Ok(edges)
}

/// Lays out `nodes` nodes on the graph's edges; `class_of` resolves class names.
pub fn build(
    nodes: u32,
    edges: &[Edge],
    class_of: &dyn Fn(Option<&str>) -> Result<u16, ConfigError>,
) -> Result<Topology, ConfigError> {
    let routers = edges
        .iter()
        .map(|e| e.a.max(e.b) + 1)
        .max()
        .unwrap_or(0)
        .max(nodes);
    let mut links = Vec::with_capacity(edges.len() * 2);
    let mut weights = Vec::with_capacity(edges.len() * 2);
    for edge in edges {
        let class = class_of(edge.class.as_deref())?;
        links.extend(both_ways(edge.a, edge.b, class));
        weights.extend([edge.weight, edge.weight]);
    }
    Topology::graph(nodes, routers, links, &weights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::LinkSpec;
    use crate::routing::path;
    use crate::routing::table::Table;
    use proptest::prelude::*;
    use std::collections::VecDeque;

    fn default_class(name: Option<&str>) -> Result<u16, ConfigError> {
        match name {
            None => Ok(0),
            Some("slow") => Ok(1),
            Some(other) => Err(ConfigError::UnknownClass(other.to_string())),
        }
    }

    #[test]
    fn parses_edges_classes_weights_and_comments() {
        let text = "# a ring\n0 1\n1 2 class=slow weight=3 # slow\n\n2 0\n";
        let edges = parse(text, "ring.graph").expect("valid");
        assert_eq!(edges.len(), 3);
        assert_eq!(edges[1].class.as_deref(), Some("slow"));
        assert_eq!(edges[1].weight, 3);
        let topo = build(3, &edges, &default_class).expect("valid");
        assert_eq!(topo.links.spec(2).class, 1);
        // 1 -> 2 costs 3 directly, 2 via 0.
        assert_eq!(path(&topo.routes, topo.links.list(), 1, 2, 10).len(), 2);
    }

    #[test]
    fn errors_name_the_line() {
        for (text, wanted) in [
            ("0 1\n0\n", "line 2"),
            ("0 x\n", "line 1"),
            ("0 1\n1 0\n", "given twice"),
            ("3 3\n", "itself"),
            ("0 1 colour=red\n", "unexpected"),
            ("0 1 weight=0\n", "weight"),
            ("0 1 class=\n", "unexpected `class=`"),
        ] {
            let err = parse(text, "g").expect_err(text).to_string();
            assert!(err.contains(wanted), "{err} lacks {wanted}");
        }
    }

    /// docs/network.md: vertices are decimal integers below 2^20 = 1,048,576.
    #[test]
    fn vertex_ids_stop_below_two_to_the_twentieth() {
        let edges = parse("1048575 0\n", "g").expect("the largest vertex");
        assert_eq!((edges[0].a, edges[0].b), (1_048_575, 0));
        for text in ["1048576 0\n", "0 1048576\n"] {
            let err = parse(text, "g").expect_err(text).to_string();
            assert!(
                err.contains("`1048576` is not a vertex id below 1048576"),
                "{err}"
            );
        }
    }

    #[test]
    fn unknown_class_and_disconnected_graph_are_errors() {
        let edges = parse("0 1 class=fast\n", "g").expect("parses");
        assert_eq!(
            build(2, &edges, &default_class).err(),
            Some(ConfigError::UnknownClass("fast".into()))
        );
        let edges = parse("0 1\n", "g").expect("parses");
        assert!(matches!(
            build(3, &edges, &default_class),
            Err(ConfigError::Unreachable { .. })
        ));
    }

    #[test]
    fn switches_are_vertices_past_the_nodes() {
        // A star: nodes 0..3 around switch 3.
        let edges = parse("0 3\n1 3\n2 3\n", "g").expect("parses");
        let topo = build(3, &edges, &default_class).expect("valid");
        assert_eq!(topo.routers, 4);
        assert_eq!(path(&topo.routes, topo.links.list(), 0, 2, 10).len(), 2);
    }

    /// Hop distances from `from` by breadth-first search (the reference model).
    fn bfs(routers: u32, links: &[LinkSpec], from: u32) -> Vec<Option<usize>> {
        let mut dist = vec![None; routers as usize];
        dist[from as usize] = Some(0);
        let mut queue = VecDeque::from([from]);
        while let Some(r) = queue.pop_front() {
            for l in links.iter().filter(|l| l.from == r) {
                if dist[l.to as usize].is_none() {
                    dist[l.to as usize] = dist[r as usize].map(|d| d + 1);
                    queue.push_back(l.to);
                }
            }
        }
        dist
    }

    /// Every (router, destination) of `topo` routed as the old table routed it, asked
    /// first in the order `warm` gives (the routes found first must not matter).
    fn equals_the_table(topo: &Topology, nodes: u32, weights: &[u64], warm: &[(u32, u32)]) {
        let table = Table::shortest_paths(topo.routers, nodes, topo.links.list(), weights)
            .expect("connected");
        let pairs = warm
            .iter()
            .map(|&(r, d)| (r % topo.routers, d % nodes))
            .chain((0..nodes).flat_map(|d| (0..topo.routers).map(move |r| (r, d))));
        for (router, dst) in pairs {
            assert_eq!(
                topo.routes.next(router, dst),
                table.next(router, dst),
                "router {router}, destination {dst}"
            );
        }
    }

    /// The weights `build` gives the links of `edges` (both directions of each edge).
    fn link_weights(edges: &[Edge]) -> Vec<u64> {
        edges.iter().flat_map(|e| [e.weight, e.weight]).collect()
    }

    #[test]
    fn a_weighted_lattice_routes_as_the_table_did() {
        // A 20x20 lattice with diagonals, weights 1..=3 from a fixed sequence (many
        // equally short paths), and 30 switches hanging off the last row.
        let mut text = String::new();
        let mut weight = 7u32;
        let mut next_weight = || {
            weight = weight.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (weight >> 16) % 3 + 1
        };
        let w = 20;
        for y in 0..w {
            for x in 0..w {
                let v = y * w + x;
                if x + 1 < w {
                    text.push_str(&format!("{v} {} weight={}\n", v + 1, next_weight()));
                }
                if y + 1 < w {
                    text.push_str(&format!("{v} {} weight={}\n", v + w, next_weight()));
                }
                if x + 1 < w && y + 1 < w && v % 3 == 0 {
                    text.push_str(&format!("{v} {} weight={}\n", v + w + 1, next_weight()));
                }
            }
        }
        for s in 0..30 {
            text.push_str(&format!(
                "{} {} weight={}\n",
                w * w - 1 - s,
                w * w + s,
                next_weight()
            ));
        }
        let edges = parse(&text, "lattice").expect("valid");
        let topo = build(w * w, &edges, &default_class).expect("connected");
        equals_the_table(&topo, w * w, &link_weights(&edges), &[(399, 0), (17, 250)]);
    }

    proptest! {
        #[test]
        fn weighted_graphs_with_switches_route_as_the_table_did(
            n in 1u32..14,
            switches in 0u32..6,
            extra in proptest::collection::vec((0u32..20, 0u32..20, 1u64..4), 0..40),
            warm in proptest::collection::vec((0u32..20, 0u32..20), 0..8),
        ) {
            // A random connected graph over nodes and switches: vertex i hangs off a
            // smaller one, plus random extra edges, weights 1..=3.
            let vertices = n + switches;
            let mut text = String::new();
            let mut seen = std::collections::BTreeSet::new();
            let ring = extra.iter().chain(std::iter::repeat(&(0, 0, 1)));
            for (i, &(p, _, weight)) in (1..vertices).zip(ring) {
                let parent = p % i;
                seen.insert((parent, i));
                text.push_str(&format!("{parent} {i} weight={weight}\n"));
            }
            for &(a, b, weight) in &extra {
                let (a, b) = (a % vertices, b % vertices);
                if a != b && seen.insert((a.min(b), a.max(b))) {
                    text.push_str(&format!("{a} {b} weight={weight}\n"));
                }
            }
            let edges = parse(&text, "g").expect("valid");
            let topo = build(n, &edges, &default_class).expect("connected");
            equals_the_table(&topo, n, &link_weights(&edges), &warm);
        }

        #[test]
        fn a_disconnected_graph_names_the_pair_the_table_named(
            n in 2u32..10,
            edges in proptest::collection::vec((0u32..12, 0u32..12), 0..12),
        ) {
            let mut text = String::new();
            let mut seen = std::collections::BTreeSet::new();
            for &(a, b) in &edges {
                let (a, b) = (a % (n + 2), b % (n + 2));
                if a != b && seen.insert((a.min(b), a.max(b))) {
                    text.push_str(&format!("{a} {b}\n"));
                }
            }
            let edges = parse(&text, "g").expect("valid");
            let routers = edges.iter().map(|e| e.a.max(e.b) + 1).max().unwrap_or(0).max(n);
            let links: Vec<LinkSpec> =
                edges.iter().flat_map(|e| both_ways(e.a, e.b, 0)).collect();
            let table = Table::shortest_paths(routers, n, &links, &link_weights(&edges));
            prop_assert_eq!(build(n, &edges, &default_class).err(), table.err());
        }

        #[test]
        fn graph_routes_are_shortest(
            n in 2u32..12,
            extra in proptest::collection::vec((0u32..12, 0u32..12), 0..30),
        ) {
            // A random connected graph: a random tree (vertex i hangs off a smaller
            // one) plus random extra edges.
            let mut text = String::new();
            let mut seen = std::collections::BTreeSet::new();
            for (i, &(p, _)) in (1..n).zip(extra.iter().chain(std::iter::repeat(&(0, 0)))) {
                let parent = p % i;
                seen.insert((parent.min(i), parent.max(i)));
                text.push_str(&format!("{parent} {i}\n"));
            }
            for &(a, b) in &extra {
                let (a, b) = (a % n, b % n);
                if a != b && seen.insert((a.min(b), a.max(b))) {
                    text.push_str(&format!("{a} {b}\n"));
                }
            }
            let edges = parse(&text, "g").expect("valid");
            let topo = build(n, &edges, &default_class).expect("connected");
            for a in 0..n {
                let dist = bfs(topo.routers, topo.links.list(), a);
                for b in 0..n {
                    let hops = path(&topo.routes, topo.links.list(), a, b, 1000);
                    prop_assert_eq!(Some(hops.len()), dist[b as usize]);
                    let end = hops.last().map_or(a, |&l| topo.links.spec(l).to);
                    prop_assert_eq!(end, b);
                }
            }
        }
    }
}
