//! Host time per message with as little computing around it as the exchange allows: the
//! 32x32 mesh exchange of `bench/scenarios/mesh_exchange.s` with its compute loop cut to
//! one turn, so each message is a `send`, its hop, its delivery, the wake-up, a `wait` and
//! a `recv` plus about 25 instructions of addressing and counting. Criterion's
//! throughput is messages per second; its inverse is the message path's cost.

mod support;

use std::sync::Arc;

use aether_cosim::node::{NodeParams, Program};
use aether_cosim::sim::{Simulation, Stepping};
use aether_network::{GridConfig, NetworkConfig, TopologyConfig};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use support::retired;

const WIDTH: usize = 32;
/// Simulated time per run: 10 us.
const UNTIL: u64 = 10_000_000_000;

/// The mesh exchange with a compute loop of one turn instead of 33.
fn firmware() -> String {
    let source = include_str!("../../bench/scenarios/mesh_exchange.s");
    assert!(
        source.contains(".const WORK = 33"),
        "the exchange's loop count"
    );
    source.replace(".const WORK = 33", ".const WORK = 1")
}

fn program() -> Arc<Program> {
    let image =
        aether_asm::assemble_str("exchange.s", &firmware(), &aether_asm::Options::default())
            .unwrap_or_else(|d| panic!("exchange firmware: {}", d.render()));
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

fn message_path(c: &mut Criterion) {
    let program = program();
    let mut probe = simulation(&program);
    let outcome = probe.run();
    let messages: u64 = probe.world.net.stats().nodes.iter().map(|n| n.sent).sum();
    assert!(messages > 0, "the mesh exchanges messages");
    println!(
        "message_path: {messages} messages, {} instructions, {} engine events per run",
        retired(&probe),
        outcome.events
    );
    let mut group = c.benchmark_group("message_path_mesh32x32");
    group.throughput(Throughput::Elements(messages));
    group.sample_size(10);
    group.bench_function("exchange_10us", |b| {
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

criterion_group!(benches, message_path);
criterion_main!(benches);
