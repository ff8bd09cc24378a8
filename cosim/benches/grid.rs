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
/// each neighbour, then as many receives as sends.
const FIRMWARE: &str = "
.msg HALO = 1
.const WIDTH = 32
.const WORK = 33
.data
out: .space 1
msg: .space 5
degree: .space 1
got: .space 1
dx: .word -1, 1, 0, 0
dy: .word 0, 0, -1, 1
.code
main:
    push WORK
.work:
    addi -1
    dup
    jnz .work
    drop
    push 0
    storei degree
    push 0
    storei got
    call send_all
.recv:
    loadi got
    loadi degree
    eq
    jnz main
    push -1
    wait
    drop
    push msg
    push 1
    push 0
    recv
    drop
    loadi got
    addi 1
    storei got
    jmp .recv

; send_all ( -- ): sends to the neighbour in each direction (dx, dy) that exists.
send_all:
    push 0              ; direction
.dir:
    dup
    push 4
    lt
    jz .end
    dup
    push dx
    add
    load
    nodeid
    push WIDTH
    mod
    add                 ; d nx
    dup
    push WIDTH
    ltu
    jz .outside         ; nx < 0 wraps to a large unsigned number
    over
    push dy
    add
    load
    nodeid
    push WIDTH
    div
    add                 ; d nx ny
    dup
    push WIDTH
    ltu
    jz .outside2
    push WIDTH
    mul
    add                 ; d neighbour
    call send_to
    addi 1
    jmp .dir
.outside2:
    drop
.outside:
    drop
    addi 1
    jmp .dir
.end:
    drop
    ret

; send_to ( node -- ): sends `out` to the node's inbox 0 and counts it.
send_to:
    push 16
    shl
    tor
    push out
    push 1
    push HALO
    fromr
    push -1
    send
    loadi degree
    addi 1
    storei degree
    ret
";

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
