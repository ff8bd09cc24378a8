//! Shared by the node benchmarks: simulations of many nodes running one program.

use std::sync::Arc;

use aether_cosim::node::{Node, NodeParams, Program};
use aether_cosim::sim::{Simulation, Station, Stepping, StopConditions};
use aether_network::{Network, NetworkConfig};

/// `nodes` nodes at 1 GHz running `program` from address 0 on the network `config`,
/// until `until` (fs).
pub fn simulation(
    program: &Arc<Program>,
    nodes: usize,
    config: &NetworkConfig,
    until: u64,
    stepping: Stepping,
) -> Simulation {
    let params = NodeParams::default();
    let stations = (0..nodes)
        .map(|id| {
            let node = Node::new(
                id as u32,
                params.clone(),
                program.clone(),
                0,
                nodes as u32,
                1,
            )
            .expect("valid node");
            Station::Node(Box::new(node))
        })
        .collect();
    let net = Network::new(config, nodes, 1).expect("network");
    Simulation::new(
        stations,
        net,
        stepping,
        StopConditions {
            until: Some(until),
            ..StopConditions::default()
        },
    )
}

/// Instructions retired by all nodes.
pub fn retired(sim: &Simulation) -> u64 {
    sim.world
        .stations
        .iter()
        .map(|s| match s {
            Station::Node(n) => n.counters.instructions,
            Station::Component(_) => 0,
        })
        .sum()
}
