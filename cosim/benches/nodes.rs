//! Simulated instructions per second: (a) one node in a tight ALU loop, (b) one node in a
//! loop of calls and memory words that the interpreter fuses nowhere, (c) 1,024 nodes each
//! running the ALU loop on one clock. Throughput is in retired instructions.

mod support;

use std::sync::Arc;

use aether_cosim::node::{NodeParams, Program};
use aether_cosim::sim::{Simulation, Stepping};
use aether_isa::{Image, Instruction, Opcode};
use aether_network::NetworkConfig;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use support::retired;

/// `push 0; loop: addi 1; dup; push 3; and; drop; jmp loop` (6 instructions per turn; the
/// interpreter runs `push 3; and` and `drop; jmp` as fused pairs).
const ALU_LOOP: &[(Opcode, i64)] = &[
    (Opcode::Push, 0),
    (Opcode::AddI, 1),
    (Opcode::Dup, 0),
    (Opcode::Push, 3),
    (Opcode::And, 0),
    (Opcode::Drop, 0),
    (Opcode::Jmp, 1),
];

/// `push 0; loop: call f; addi 1; jmp loop; f: loadi 0; addi 1; dup; storei 0; push 7; mul;
/// drop; ret` (11 instructions per turn, no pair the interpreter fuses).
const CALL_LOOP: &[(Opcode, i64)] = &[
    (Opcode::Push, 0),
    (Opcode::Call, 4),
    (Opcode::AddI, 1),
    (Opcode::Jmp, 1),
    (Opcode::LoadI, 0),
    (Opcode::AddI, 1),
    (Opcode::Dup, 0),
    (Opcode::StoreI, 0),
    (Opcode::Push, 7),
    (Opcode::Mul, 0),
    (Opcode::Drop, 0),
    (Opcode::Ret, 0),
];

fn program(instructions: &[(Opcode, i64)]) -> Arc<Program> {
    let mut code = Vec::new();
    for &(op, v) in instructions {
        Instruction::new(op, v)
            .expect("valid")
            .encode_into(&mut code);
    }
    let image = Arc::new(Image {
        code,
        ..Image::default()
    });
    Arc::new(Program::new(image, &NodeParams::default().profile))
}

fn simulation(code: &[(Opcode, i64)], nodes: usize, until: u64, stepping: Stepping) -> Simulation {
    support::simulation(
        &program(code),
        nodes,
        &NetworkConfig::default(),
        until,
        stepping,
    )
}

fn bench(
    c: &mut Criterion,
    name: &str,
    code: &[(Opcode, i64)],
    nodes: usize,
    until: u64,
    stepping: Stepping,
) {
    let mut probe = simulation(code, nodes, until, stepping);
    probe.run();
    let instructions = retired(&probe);
    let mut group = c.benchmark_group("simulated_instructions");
    group.throughput(Throughput::Elements(instructions));
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter_batched(
            || simulation(code, nodes, until, stepping),
            |mut sim| {
                sim.run();
                sim
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn nodes(c: &mut Criterion) {
    // 10 ms at 1 GHz: 10,000,000 cycles of one node.
    bench(
        c,
        "one_node_alu_loop",
        ALU_LOOP,
        1,
        10_000_000_000_000,
        Stepping::RunAhead,
    );
    bench(
        c,
        "one_node_call_loop",
        CALL_LOOP,
        1,
        10_000_000_000_000,
        Stepping::RunAhead,
    );
    // 100 us at 1 GHz: 100,000 cycles of each of 1,024 nodes.
    bench(
        c,
        "1024_nodes_alu_loop",
        ALU_LOOP,
        1024,
        100_000_000_000,
        Stepping::RunAhead,
    );
    // The reference path for comparison: one engine event per instruction (2 us).
    bench(
        c,
        "1024_nodes_alu_loop_single_step",
        ALU_LOOP,
        1024,
        2_000_000_000,
        Stepping::Single,
    );
}

criterion_group!(benches, nodes);
criterion_main!(benches);
