//! A network's checked, seed-independent layout: built once, it gives any number of networks.

use std::sync::Arc;

use crate::auth::AuthConfig;
use crate::class::LinkClasses;
use crate::config::{NetworkConfig, Switching};
use crate::error::ConfigError;
use crate::header::HeaderLayout;
use crate::time::{Time, serialization_time};
use crate::topology::{Links, Topology};

/// Most nodes a network holds (node ids are below 2^24).
pub const MAX_NODES: usize = 1 << 24;

/// A validated configuration with its topology and routes laid out, shared by every
/// [`Network`](crate::Network) built from it ([`Network::from_plan`](crate::Network::from_plan)).
#[derive(Debug, Clone)]
pub struct NetworkPlan {
    pub(super) nodes: usize,
    pub(super) switching: Switching,
    pub(super) header: HeaderLayout,
    pub(super) nic_latency: Time,
    pub(super) tx_capacity: usize,
    pub(super) inbox_capacity: usize,
    pub(super) nic_bandwidth: Option<u64>,
    pub(super) topology: Arc<Topology>,
    pub(super) classes: Arc<LinkClasses>,
    pub(super) arrivals: Arc<ArrivalBound>,
    pub(super) auth: Option<AuthConfig>,
}

/// How many packets can finish crossing into a node within a stretch of time: each
/// incoming link (or, with NIC ports, the input port) carries one packet at a time, for at
/// least the serialization time of a bare header at the fastest bandwidth.
#[derive(Debug)]
pub(super) struct ArrivalBound {
    /// Incoming links per node.
    in_links: Vec<u32>,
    /// The shortest time a link holds a packet.
    link_hold: Time,
    /// The shortest time the input port holds a packet, with NIC ports.
    port_hold: Option<Time>,
    /// The shortest time from a packet being ready for a link or port into a node to its
    /// delivery there: the last crossing's latency and bare header's serialization, then
    /// the NIC latency.
    pub(super) reach: Time,
}

impl ArrivalBound {
    fn new(
        topology: &Topology,
        classes: &LinkClasses,
        config: &NetworkConfig,
        nodes: usize,
    ) -> Self {
        let header = config.header.bits();
        let in_links = match &topology.links {
            Links::Complete { .. } => vec![nodes.saturating_sub(1) as u32; nodes],
            Links::List(list) => {
                let mut count = vec![0u32; nodes];
                for link in list {
                    if let Some(c) = count.get_mut(link.to as usize) {
                        *c += 1;
                    }
                }
                count
            }
        };
        let fastest = classes.all().iter().map(|c| c.bandwidth).max().unwrap_or(1);
        let shortest = classes.all().iter().map(|c| c.latency).min().unwrap_or(0);
        let link_hold = serialization_time(header, fastest);
        let port_hold = config.nic_bandwidth.map(|w| serialization_time(header, w));
        let crossing = port_hold.unwrap_or(shortest.saturating_add(link_hold));
        ArrivalBound {
            in_links,
            link_hold,
            port_hold,
            reach: crossing.saturating_add(config.nic_latency),
        }
    }

    /// The most packets that can reach `node` within `span` (fs) from now.
    pub(super) fn within(&self, node: usize, span: Time) -> u64 {
        let per_channel = |hold: Time| span / hold.max(1) + 1;
        let links = u64::from(self.in_links[node]).saturating_mul(per_channel(self.link_hold));
        match self.port_hold {
            Some(hold) => links.min(per_channel(hold)),
            None => links,
        }
    }
}

impl NetworkPlan {
    /// Checks `config` for `nodes` nodes (ids `0..nodes`) and lays out its topology.
    pub fn new(config: &NetworkConfig, nodes: usize) -> Result<NetworkPlan, ConfigError> {
        if nodes == 0 || nodes > MAX_NODES {
            return Err(ConfigError::Nodes(format!(
                "a network needs 1 to {MAX_NODES} nodes, not {nodes}"
            )));
        }
        let header = HeaderLayout {
            mac: config.auth.as_ref().map_or(Ok(0), AuthConfig::validate)?,
            ..config.header
        };
        header.validate()?;
        if config.nic_bandwidth == Some(0) {
            return Err(ConfigError::Nodes("nic_bandwidth must be positive".into()));
        }
        if config.tx_queue == 0 || config.inbox_capacity == 0 {
            return Err(ConfigError::Nodes(
                "tx_queue and inbox_capacity must be at least 1".into(),
            ));
        }
        let classes = LinkClasses::resolve(config)?;
        let class_of = |name: Option<&str>| classes.index(name);
        let mut topology = Topology::build(&config.topology, nodes as u32, &class_of)?;
        for assignment in &config.links {
            let class = classes.index(Some(&assignment.class))?;
            let mut ends = vec![(assignment.from, assignment.to)];
            if assignment.both {
                ends.push((assignment.to, assignment.from));
            }
            for (from, to) in ends {
                let id = topology
                    .links
                    .between(from, to)
                    .ok_or(ConfigError::NoSuchLink { from, to })?;
                topology.links.set_class(id, class);
            }
        }
        let arrivals = ArrivalBound::new(&topology, &classes, config, nodes);
        Ok(NetworkPlan {
            nodes,
            switching: config.switching,
            header,
            nic_latency: config.nic_latency,
            tx_capacity: config.tx_queue as usize,
            inbox_capacity: config.inbox_capacity as usize,
            nic_bandwidth: config.nic_bandwidth,
            topology: Arc::new(topology),
            classes: Arc::new(classes),
            arrivals: Arc::new(arrivals),
            auth: config.auth,
        })
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.nodes
    }
}
