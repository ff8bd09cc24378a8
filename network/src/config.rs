//! The `[network]` table of a scenario.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::auth::AuthConfig;
use crate::error::ConfigError;
use crate::header::HeaderLayout;
use crate::link::{LinkParams, Window};
use crate::time::Time;
use crate::units;

/// Everything that shapes a network; maps onto a scenario's `[network]` table.
/// The default is an all-to-all network of default links.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// How routers are connected (`[network.topology]`).
    pub topology: TopologyConfig,
    /// Store-and-forward or cut-through.
    pub switching: Switching,
    /// Header field widths (`[network.header]`).
    pub header: HeaderLayout,
    /// The default link class (`[network.link]`); every link not given another class.
    pub link: LinkClassConfig,
    /// Named link classes (`[network.classes.NAME]`); unset keys inherit from `link`.
    pub classes: BTreeMap<String, LinkClassConfig>,
    /// Class assignments for individual links (`[[network.links]]`).
    pub links: Vec<LinkAssignment>,
    /// Time from the last bit reaching the destination NIC to the message being in its inbox (fs).
    #[serde(deserialize_with = "units::duration")]
    pub nic_latency: Time,
    /// Bandwidth of each NIC's input and output port (bits/s); unset: ports not modelled.
    #[serde(deserialize_with = "units::opt_bandwidth")]
    pub nic_bandwidth: Option<u64>,
    /// Packets a node may have in its transmit queue before `send` is refused.
    pub tx_queue: u32,
    /// Messages an inbox holds; a message arriving at a full inbox is returned to sender.
    pub inbox_capacity: u32,
    /// Authenticated packets (`[network.auth]`); unset: off.
    pub auth: Option<AuthConfig>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            topology: TopologyConfig::default(),
            switching: Switching::default(),
            header: HeaderLayout::default(),
            link: LinkClassConfig::default(),
            classes: BTreeMap::new(),
            links: Vec::new(),
            nic_latency: 0,
            nic_bandwidth: None,
            tx_queue: 16,
            inbox_capacity: 1024,
            auth: None,
        }
    }
}

impl NetworkConfig {
    /// Makes a relative graph file path relative to `base` (the scenario's folder).
    pub fn resolve_paths(&mut self, base: &Path) {
        if let TopologyConfig::Graph { file } = &mut self.topology
            && file.is_relative()
        {
            *file = base.join(&*file);
        }
    }
}

/// How a packet crosses a router.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Switching {
    /// A router forwards a packet once its last bit has arrived.
    #[default]
    StoreAndForward,
    /// A router forwards a packet once its header has arrived.
    CutThrough,
}

/// The shape of the network.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TopologyConfig {
    /// Every ordered pair of nodes has its own link (braces, so stray keys are rejected).
    AllToAll {},
    /// A 2D grid with dimension-order (XY) routing.
    Mesh(GridConfig),
    /// A 2D grid with wrap-around links; each dimension goes the shorter way.
    Torus(GridConfig),
    /// A tree: the nodes themselves, or leaves under a tree of switches.
    Tree {
        /// Children per parent (4 for a quadtree).
        arity: u32,
        /// Nodes are leaves under switches (true) or the tree's own vertices (false).
        #[serde(default)]
        switches: bool,
        /// Class of the tree's links (default: the default class).
        #[serde(default)]
        class: Option<String>,
    },
    /// Nodes on a grid as the leaves of a spatial quadtree of switches.
    Quadtree {
        /// Columns of the leaf grid.
        width: u32,
        /// Rows of the leaf grid.
        height: u32,
        /// Class of the tree's links (default: the default class).
        #[serde(default)]
        class: Option<String>,
    },
    /// A graph read from a file, routed along shortest paths.
    Graph {
        /// The graph file (relative paths: see [`NetworkConfig::resolve_paths`]).
        file: PathBuf,
    },
    /// A graph given in memory in the graph file format (built by programs, such as the
    /// decoding workload's lattice, never read from a scenario).
    #[serde(skip)]
    GraphText {
        /// What the graph is, for errors.
        name: String,
        /// The graph, one edge per line as in a graph file.
        text: String,
    },
}

impl Default for TopologyConfig {
    /// All-to-all.
    fn default() -> Self {
        TopologyConfig::AllToAll {}
    }
}

/// The size of a mesh or torus and the classes of its links.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridConfig {
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Class of the links along x (default: the default class).
    #[serde(default)]
    pub x_class: Option<String>,
    /// Class of the links along y (default: the default class).
    #[serde(default)]
    pub y_class: Option<String>,
}

/// Link parameters as written in a scenario; unset keys inherit.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkClassConfig {
    /// Bits per second.
    #[serde(deserialize_with = "units::opt_bandwidth")]
    pub bandwidth: Option<u64>,
    /// Propagation latency (fs).
    #[serde(deserialize_with = "units::opt_duration")]
    pub latency: Option<Time>,
    /// Router time charged before each hop on a link of this class (fs).
    #[serde(deserialize_with = "units::opt_duration")]
    pub router: Option<Time>,
    /// Probability that a packet is lost on one hop.
    pub drop: Option<f64>,
    /// Bit error rate: probability that one bit is flipped (the CRC catches it).
    pub ber: Option<f64>,
    /// Most extra latency added to one hop, drawn uniformly from `0..=jitter` (fs).
    #[serde(deserialize_with = "units::opt_duration")]
    pub jitter: Option<Time>,
    /// Windows during which the links of this class start no transmission.
    pub down: Option<Vec<Window>>,
}

impl LinkClassConfig {
    /// Fills unset keys from `base` and checks the result; `name` is for errors.
    pub fn resolve(&self, name: &str, base: &LinkParams) -> Result<LinkParams, ConfigError> {
        let mut params = LinkParams {
            bandwidth: self.bandwidth.unwrap_or(base.bandwidth),
            latency: self.latency.unwrap_or(base.latency),
            router: self.router.unwrap_or(base.router),
            drop: self.drop.unwrap_or(base.drop),
            ber: self.ber.unwrap_or(base.ber),
            jitter: self.jitter.unwrap_or(base.jitter),
            down: self.down.clone().unwrap_or_else(|| base.down.clone()),
        };
        params.down.sort_by_key(|w| w.start);
        params.validate(name)?;
        Ok(params)
    }
}

/// Gives one link (or both directions of it) a named class.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkAssignment {
    /// Router at the near end (a node id, or a switch id in tree and graph topologies).
    pub from: u32,
    /// Router at the far end.
    pub to: u32,
    /// The class name, a key of `classes`.
    pub class: String,
    /// Also assign the reverse direction (default true).
    #[serde(default = "yes")]
    pub both: bool,
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_table_is_default() {
        let config: NetworkConfig = toml::from_str("").expect("parses");
        assert_eq!(config, NetworkConfig::default());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<NetworkConfig>("bandwith = 3").is_err());
        assert!(toml::from_str::<NetworkConfig>("[link]\nbandwith = 3").is_err());
    }

    #[test]
    fn topologies_parse() {
        let mesh: NetworkConfig = toml::from_str(
            "[topology]\nkind = \"mesh\"\nwidth = 4\nheight = 2\ny_class = \"slow\"\n",
        )
        .expect("parses");
        assert_eq!(
            mesh.topology,
            TopologyConfig::Mesh(GridConfig {
                width: 4,
                height: 2,
                x_class: None,
                y_class: Some("slow".into())
            })
        );
        let tree: NetworkConfig =
            toml::from_str("topology = { kind = \"tree\", arity = 4, switches = true }")
                .expect("parses");
        assert!(matches!(
            tree.topology,
            TopologyConfig::Tree {
                arity: 4,
                switches: true,
                ..
            }
        ));
        assert!(
            toml::from_str::<NetworkConfig>("topology = { kind = \"mesh\", width = 2 }").is_err()
        );
        assert!(
            toml::from_str::<NetworkConfig>(
                "topology = { kind = \"torus\", width = 2, height = 2, depth = 1 }"
            )
            .is_err()
        );
        assert!(toml::from_str::<NetworkConfig>("topology = { kind = \"ring\" }").is_err());
        assert!(
            toml::from_str::<NetworkConfig>("topology = { kind = \"tree\", arity = 2, depth = 3 }")
                .is_err()
        );
        let all: NetworkConfig =
            toml::from_str("topology = { kind = \"all-to-all\" }").expect("parses");
        assert_eq!(all.topology, TopologyConfig::default());
        assert!(
            toml::from_str::<NetworkConfig>("topology = { kind = \"all-to-all\", width = 3 }")
                .is_err()
        );
    }

    #[test]
    fn relative_graph_paths_follow_the_scenario() {
        let mut config: NetworkConfig =
            toml::from_str("topology = { kind = \"graph\", file = \"g.txt\" }").expect("parses");
        config.resolve_paths(Path::new("/scenarios"));
        assert_eq!(
            config.topology,
            TopologyConfig::Graph {
                file: PathBuf::from("/scenarios/g.txt")
            }
        );
    }

    #[test]
    fn quantities_take_units() {
        let config: NetworkConfig = toml::from_str(
            "nic_latency = \"2 ns\"\n[link]\nbandwidth = \"2.5 Gbit/s\"\nlatency = \"1.5 ns\"\nrouter = 7\njitter = \"1 ps\"\ndown = [{ start = \"1 us\", end = 2000000000 }]\n[classes.x]\nbandwidth = 1e9\n",
        )
        .expect("parses");
        assert_eq!(config.nic_latency, 2_000_000);
        assert_eq!(config.link.bandwidth, Some(2_500_000_000));
        assert_eq!(config.link.latency, Some(1_500_000));
        assert_eq!(config.link.router, Some(7));
        assert_eq!(config.link.jitter, Some(1000));
        assert_eq!(
            config.link.down,
            Some(vec![Window {
                start: 1_000_000_000,
                end: 2_000_000_000
            }])
        );
        assert_eq!(config.classes["x"].bandwidth, Some(1_000_000_000));
        assert!(toml::from_str::<NetworkConfig>("[link]\nlatency = \"3 parsecs\"").is_err());
        assert!(toml::from_str::<NetworkConfig>("[link]\nbandwidth = 1.5").is_err());
    }

    #[test]
    fn classes_inherit_from_default_link() {
        let config: NetworkConfig = toml::from_str(
            "[link]\nbandwidth = 1000\nlatency = 5\n[classes.slow]\nbandwidth = 10\n",
        )
        .expect("parses");
        let base = config
            .link
            .resolve("link", &LinkParams::default())
            .expect("valid");
        let slow = config.classes["slow"]
            .resolve("slow", &base)
            .expect("valid");
        assert_eq!(slow.bandwidth, 10);
        assert_eq!(slow.latency, 5);
    }
}
