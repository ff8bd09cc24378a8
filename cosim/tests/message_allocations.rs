//! The message path allocates nothing per message once traffic is steady: a counting global
//! allocator watches two runs of the 32x32 mesh exchange (`bench/scenarios/mesh_exchange.s`),
//! one twice as long as the other, and the longer run's extra messages (about 60,000) may
//! not cost a single extra allocation (docs/network.md, "What one message costs the host").

use std::alloc::System;
use std::sync::Arc;

use aether_cosim::node::{NodeParams, Program};
use aether_cosim::sim::{Simulation, Stepping};
use aether_network::{GridConfig, NetworkConfig, TopologyConfig};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[path = "../benches/support/mod.rs"]
mod support;

/// The system allocator, counting (the project forbids `unsafe`, which a hand-written
/// counting allocator needs).
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const WIDTH: u32 = 32;
const FIRMWARE: &str = include_str!("../../bench/scenarios/mesh_exchange.s");

fn simulation(program: &Arc<Program>, until_us: u64) -> Simulation {
    let config = NetworkConfig {
        topology: TopologyConfig::Mesh(GridConfig {
            width: WIDTH,
            height: WIDTH,
            x_class: None,
            y_class: None,
        }),
        ..NetworkConfig::default()
    };
    let nodes = (WIDTH * WIDTH) as usize;
    support::simulation(
        program,
        nodes,
        &config,
        until_us * 1_000_000_000,
        Stepping::RunAhead,
    )
}

/// Allocations and reallocations made by `sim.run()`, and the messages sent by then.
fn run(mut sim: Simulation) -> (u64, u64) {
    let region = Region::new(GLOBAL);
    sim.run();
    let change = region.change();
    let allocations = (change.allocations + change.reallocations) as u64;
    let sent = sim.world.net.stats().nodes.iter().map(|n| n.sent).sum();
    assert!(
        support::retired(&sim) > 50 * sent,
        "about 94 instructions per message"
    );
    (allocations, sent)
}

#[test]
fn steady_mesh_traffic_allocates_nothing_per_message() {
    let image = aether_asm::assemble_str("mesh.s", FIRMWARE, &aether_asm::Options::default())
        .unwrap_or_else(|d| panic!("mesh firmware: {}", d.render()));
    let program = Arc::new(Program::new(
        Arc::new(image),
        &NodeParams::default().profile,
    ));
    let short = simulation(&program, 10);
    let long = simulation(&program, 20);
    let (short_allocations, short_sent) = run(short);
    let (long_allocations, long_sent) = run(long);
    let extra = long_sent - short_sent;
    assert!(extra > 50_000, "the second 10 us carry messages: {extra}");
    println!(
        "allocations: {short_allocations} in 10 us ({short_sent} messages), \
         {long_allocations} in 20 us ({long_sent} messages)"
    );
    assert_eq!(
        long_allocations, short_allocations,
        "the {extra} messages of the second 10 us allocated"
    );
}
