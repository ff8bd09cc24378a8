//! A network's checked, seed-independent layout: built once, it gives any number of networks.

use std::sync::Arc;

use crate::class::LinkClasses;
use crate::config::{NetworkConfig, Switching};
use crate::error::ConfigError;
use crate::header::HeaderLayout;
use crate::time::Time;
use crate::topology::Topology;

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
}

impl NetworkPlan {
    /// Checks `config` for `nodes` nodes (ids `0..nodes`) and lays out its topology.
    pub fn new(config: &NetworkConfig, nodes: usize) -> Result<NetworkPlan, ConfigError> {
        if nodes == 0 || nodes > 1 << 16 {
            return Err(ConfigError::Nodes(format!(
                "a network needs 1 to 65536 nodes, not {nodes}"
            )));
        }
        config.header.validate()?;
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
        Ok(NetworkPlan {
            nodes,
            switching: config.switching,
            header: config.header,
            nic_latency: config.nic_latency,
            tx_capacity: config.tx_queue as usize,
            inbox_capacity: config.inbox_capacity as usize,
            nic_bandwidth: config.nic_bandwidth,
            topology: Arc::new(topology),
            classes: Arc::new(classes),
        })
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.nodes
    }
}
