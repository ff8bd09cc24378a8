//! Simulated instructions per second with communication in the loop: a 32x32 grid of
//! nodes at 1 GHz on a 32x32 mesh (default links), each round computing for about 100
//! instructions and then exchanging a one-word message with each grid neighbour.
//! Two figures from the same run: retired instructions and messages sent.

mod support;

use std::sync::Arc;

use aether_cosim::node::{NodeParams, Program};
use aether_cosim::sim::{Simulation, Stepping};
use aether_network::{GridConfig, NetworkConfig, TopologyConfig};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use support::retired;

const WIDTH: usize = 32;
/// Simulated time per run: 20 us.
const UNTIL: u64 = 20_000_000_000;

/// Per round: WORK turns of a 3-instruction loop (about 100 instructions), one send to
/// each neighbour, then as many receives as sends (the `bench/` script runs the same file).
const FIRMWARE: &str = include_str!("../../bench/scenarios/mesh_exchange.s");

fn program() -> Arc<Program> {
    let image = aether_asm::assemble_str("grid.s", FIRMWARE, &aether_asm::Options::default())
        .unwrap_or_else(|d| panic!("grid firmware: {}", d.render()));
    Arc::new(Program::new(
        Arc::new(image),
        &NodeParams::default().profile,
    ))
}

fn simulation(program: &Arc<Program>) -> Simulation {
    let config = NetworkConfig {
        topology: TopologyConfig::Mesh(GridConfig {
            width: WIDTH as u32,
            height: WIDTH as u32,
            x_class: None,
            y_class: None,
        }),
        ..NetworkConfig::default()
    };
    support::simulation(program, WIDTH * WIDTH, &config, UNTIL, Stepping::RunAhead)
}

fn grid(c: &mut Criterion) {
    let program = program();
    let mut probe = simulation(&program);
    probe.run();
    let instructions = retired(&probe);
    let messages = probe.world.net.stats().nodes.iter().map(|n| n.sent).sum();
    assert!(messages > 0, "the grid exchanges messages");
    for (name, elements) in [("instructions", instructions), ("messages", messages)] {
        let mut group = c.benchmark_group(format!("grid_32x32_exchange_{name}"));
        group.throughput(Throughput::Elements(elements));
        group.sample_size(10);
        group.bench_function("run_20us", |b| {
            b.iter_batched(
                || simulation(&program),
                |mut sim| {
                    sim.run();
                    sim
                },
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, grid);
criterion_main!(benches);
