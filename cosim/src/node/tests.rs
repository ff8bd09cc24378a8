//! Unit tests of the node emulator: ISA semantics, timing and faults, without a network.

use std::collections::VecDeque;
use std::sync::Arc;

use aether_isa::{Image, Instruction, Opcode, TimingProfile};

use super::*;

/// Builds an image from `(opcode, operand)` pairs, one code word each (no `pushw`).
pub(crate) fn image(instrs: &[(Opcode, i64)]) -> Arc<Image> {
    let mut code = Vec::new();
    for &(op, v) in instrs {
        Instruction::new(op, v)
            .expect("valid operand")
            .encode_into(&mut code);
    }
    Arc::new(Image {
        code,
        ..Image::default()
    })
}

fn node_with(instrs: &[(Opcode, i64)], params: NodeParams) -> Node {
    let program = Arc::new(Program::new(image(instrs), &params.profile));
    Node::new(3, params, program, 0, 4, 7).expect("valid node")
}

fn node(instrs: &[(Opcode, i64)]) -> Node {
    node_with(instrs, NodeParams::default())
}

use super::Exit as RunExit;
use Opcode::*;

#[test]
fn arithmetic_follows_the_isa_rules() {
    let cases: &[(i64, i64, Opcode, u32)] = &[
        (7, -2, Div, (-3i32) as u32),
        (-7, 2, Mod, (-1i32) as u32),
        (-1, 2, DivU, 0x7FFF_FFFF),
        (-1, 33, Shl, 0xFFFF_FFFE),
        (-8, 1, Shr, 0x7FFF_FFFC),
        (-8, 1, Sar, (-4i32) as u32),
        (-1, 1, LtU, 0),
        (-1, 1, Lt, 1),
        (3, 3, Le, 1),
        (5, 3, Sub, 2),
        (6, 7, Mul, 42),
    ];
    for &(a, b, op, want) in cases {
        let mut n = node(&[(Push, a), (Push, b), (op, 0), (Halt, 0)]);
        assert_eq!(n.run(u64::MAX), RunExit::Halt, "{op}");
        assert_eq!(n.procs[0].ds, vec![want], "{a} {op} {b}");
    }
}

#[test]
fn min_divided_by_minus_one_wraps_and_its_remainder_is_zero() {
    let min = [(Push, -1), (Push, 31), (Shl, 0)];
    let mut n = node(&[min[0], min[1], min[2], (Push, -1), (Div, 0), (Halt, 0)]);
    n.run(u64::MAX);
    assert_eq!(n.procs[0].ds, vec![i32::MIN as u32]);
    let mut n = node(&[min[0], min[1], min[2], (Push, -1), (Mod, 0), (Halt, 0)]);
    n.run(u64::MAX);
    assert_eq!(n.procs[0].ds, vec![0]);
}

#[test]
fn stack_words_move_as_documented() {
    let mut n = node(&[
        (Push, 1),
        (Push, 2),
        (Push, 3),
        (Rot, 0),  // 2 3 1
        (Over, 0), // 2 3 1 3
        (Tuck, 0), // 2 3 3 1 3
        (Pick, 4), // 2 3 3 1 3 2
        (ToR, 0),
        (Nip, 0), // 2 3 3 3
        (RFetch, 0),
        (Depth, 0),
        (Halt, 0),
    ]);
    assert_eq!(n.run(u64::MAX), RunExit::Halt);
    assert_eq!(n.procs[0].ds, vec![2, 3, 3, 3, 2, 5]);
    assert_eq!(n.procs[0].rs, vec![2]);
}

#[test]
fn a_counted_loop_takes_the_cycles_the_profile_gives() {
    // push N; loop: addi -1; dup; jnz loop; halt
    let n_iter = 1000;
    let mut n = node(&[(Push, n_iter), (AddI, -1), (Dup, 0), (Jnz, 1), (Halt, 0)]);
    assert_eq!(n.run(u64::MAX), RunExit::Halt);
    let p = TimingProfile::default();
    let per_iter = p.cost(AddI) + p.cost(Dup) + p.cost(Jnz);
    let expected = u64::from(p.cost(Push) + p.cost(Halt)) + n_iter as u64 * u64::from(per_iter);
    assert_eq!(n.cycle, expected);
    assert_eq!(n.counters.busy, expected);
    assert_eq!(n.counters.instructions, 2 + 3 * n_iter as u64);
    assert_eq!(n.state, NodeState::Halted);
    assert_eq!(n.counters.largest_activation, expected);
}

#[test]
fn run_stops_before_the_first_instruction_issuing_at_the_stop_cycle() {
    let mut n = node(&[(Push, 1), (Dup, 0), (Mul, 0), (Jmp, 0)]);
    assert_eq!(n.run(2), RunExit::Limit);
    assert_eq!((n.cycle, n.procs[0].pc), (2, 2));
    // mul issues at cycle 2 < 4 and costs 3 cycles; jmp would issue at 5 >= 4.
    assert_eq!(n.run(4), RunExit::Limit);
    assert_eq!((n.cycle, n.procs[0].pc), (5, 3));
    // A NIC instruction, or the end of the code, at the stop cycle is not reached either
    // (the block before it ends exactly there).
    let ends: [(&[(Opcode, i64)], RunExit); 2] = [
        (&[(Push, 1), (Dup, 0), (Send, 0)], RunExit::Outside(Send)),
        (
            &[(Push, 1), (Dup, 0)],
            RunExit::Fault(FaultKind::CodeRange(2)),
        ),
    ];
    for (code, end) in ends {
        let mut n = node(code);
        assert_eq!(n.run(2), RunExit::Limit, "{end:?}");
        assert_eq!((n.cycle, n.procs[0].pc), (2, 2));
        // Resumed there with the stop cycle reached, or passed, it stays there.
        assert_eq!(
            (n.run(2), n.run(1)),
            (RunExit::Limit, RunExit::Limit),
            "{end:?}"
        );
        assert_eq!((n.cycle, n.procs[0].pc), (2, 2));
        assert_eq!(n.run(3), end);
    }
}

/// docs/isa.md's cycles column: push 1, mul 3, halt 1. A node stopped by `halt` records the
/// edge at which `halt` issued (after 1 + 1 + 3 cycles), not the edge after it; run-ahead
/// compares deliveries with it (`Node::running_at`).
#[test]
fn a_halted_node_stopped_at_the_edge_its_halt_issued() {
    let mut n = node(&[(Push, 6), (Push, 7), (Mul, 0), (Halt, 0)]);
    assert_eq!(n.run(u64::MAX), RunExit::Halt);
    assert_eq!((n.cycle, n.stopped_at), (6, Some(5)));
    assert!(n.running_at(5));
    assert!(!n.running_at(6));
    // A node that has not stopped is running at every edge.
    let fresh = node(&[(Halt, 0)]);
    assert!(fresh.running_at(0) && fresh.running_at(u64::MAX));
}

/// The default profile is parsed once and shared: every node's default parameters hold
/// the same one (`default_profile`'s documentation), so their programs can be shared.
#[test]
fn nodes_share_one_default_profile() {
    assert!(Arc::ptr_eq(&default_profile(), &default_profile()));
    assert!(Arc::ptr_eq(
        &NodeParams::default().profile,
        &NodeParams::default().profile
    ));
    assert_eq!(*default_profile(), TimingProfile::default());
}

/// docs/report.md: a fault's `source` is `file:line:col` from the image's source map (null
/// where it has none), and a trace line shows the location of its PC, `?` where unknown.
#[test]
fn faults_and_trace_lines_name_the_source_location_of_their_pc() {
    let mut img = (*image(&[(Push, 1), (Push, 0), (Div, 0)])).clone();
    img.source_map = aether_isa::SourceMap {
        files: vec!["lib.s".into(), "main.s".into()],
        locs: vec![aether_isa::SourceLoc {
            addr: 2,
            file: 1,
            line: 7,
            col: 5,
        }],
    };
    let params = NodeParams::default();
    let program = Arc::new(Program::new(Arc::new(img), &params.profile));
    let mut n = Node::new(3, params, program, 0, 4, 7).expect("valid node");
    n.trace = Some(Vec::new());
    let RunExit::Fault(kind) = n.run(u64::MAX) else {
        panic!("div by zero faults");
    };
    n.raise(kind);
    let fault = n.fault.as_ref().expect("fault");
    assert_eq!((fault.pc, fault.source.as_deref()), (2, Some("main.s:7:5")));
    let lines = n.trace.take().expect("trace");
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].contains(" pc=0 ? push 1"), "{}", lines[0]);
    assert!(lines[2].contains(" pc=2 main.s:7:5 div"), "{}", lines[2]);

    let mut n = node(&[(Jmp, 9)]);
    let RunExit::Fault(kind) = n.run(u64::MAX) else {
        panic!("a jump past the code faults");
    };
    n.raise(kind);
    assert_eq!(n.fault.as_ref().map(|f| f.source.clone()), Some(None));
}

#[test]
fn memory_calls_and_dispatch_work() {
    let mut n = node(&[
        (Push, 41),
        (StoreI, 10),
        (LoadI, 10),
        (Call, 6),
        (Push, 9), // jmpi target
        (JmpI, 0),
        (AddI, 1), // 6: sub
        (Ret, 0),
        (Halt, 0), // 8
        (Push, 8), // 9
        (JmpI, 0),
    ]);
    assert_eq!(n.run(u64::MAX), RunExit::Halt);
    assert_eq!(n.procs[0].ds, vec![42]);
    assert_eq!(n.mem[10], 41);
}

fn fault_of(instrs: &[(Opcode, i64)], params: NodeParams) -> (FaultKind, u32) {
    let mut n = node_with(instrs, params);
    match n.run(u64::MAX) {
        RunExit::Fault(kind) => {
            let pc = n.procs[0].pc;
            n.raise(kind.clone());
            assert_eq!(n.state, NodeState::Faulted);
            assert_eq!(n.fault.as_ref().map(|f| f.pc), Some(pc));
            (kind, pc)
        }
        other => panic!("expected a fault, got {other:?}"),
    }
}

#[test]
fn faults_stop_at_the_faulting_instruction() {
    let p = NodeParams::default;
    assert_eq!(
        fault_of(&[(Push, 1), (Add, 0)], p()),
        (FaultKind::StackUnderflow(Stack::Data), 1)
    );
    assert_eq!(
        fault_of(&[(Push, 1), (Push, 0), (Div, 0)], p()),
        (FaultKind::DivideByZero, 2)
    );
    assert_eq!(
        fault_of(&[(Push, 1), (Push, 16_384), (Store, 0)], p()),
        (FaultKind::MemoryRange(16_384), 2)
    );
    assert_eq!(fault_of(&[(Nop, 0)], p()), (FaultKind::CodeRange(1), 1));
    assert_eq!(fault_of(&[(Jmp, 99)], p()), (FaultKind::CodeRange(99), 0));
    assert_eq!(
        fault_of(&[(Push, 0), (Assert, 7)], p()),
        (FaultKind::Assertion(7), 1)
    );
    assert_eq!(
        fault_of(&[(Ret, 0)], p()),
        (FaultKind::StackUnderflow(Stack::Return), 0)
    );
    let shallow = NodeParams {
        data_stack: 2,
        ..p()
    };
    assert_eq!(
        fault_of(&[(Push, 1), (Dup, 0), (Dup, 0)], shallow),
        (FaultKind::StackOverflow(Stack::Data), 2)
    );
    assert_eq!(
        fault_of(&[(Call, 0)], p()),
        (FaultKind::StackOverflow(Stack::Return), 0)
    );
}

/// docs/isa.md: `assert` is `( flag -- )`, 1 cycle: a non-zero flag is popped and the
/// program goes on: two passing asserts over `7 1 -1` leave `7`, and `halt` ends the
/// run after 3 `push`es, 2 `assert`s and itself, 1 cycle each.
#[test]
fn a_passing_assert_pops_its_flag() {
    let mut n = node(&[
        (Push, 7),
        (Push, 1),
        (Push, -1),
        (Assert, 3),
        (Assert, 4),
        (Halt, 0),
    ]);
    assert_eq!(n.run(u64::MAX), RunExit::Halt);
    assert_eq!(n.procs[0].ds, vec![7]);
    assert_eq!(n.cycle, 3 + 2 + 1);
}

/// `addi; load` and `addi; store` (fused pairs, `Op`'s documentation) take the address from
/// the top of the stack and `store` its value from the word under it, as the two
/// instructions do alone (docs/isa.md): after `drop`s the stack's buffer still holds other
/// words above the top (30 and 40 here, 7 for the load), which must not be read.
/// Stores: mem[10 + 2] = 99; loads: mem[6 + 1] = 60.
#[test]
fn fused_addi_load_and_store_use_the_top_of_the_stack() {
    let mut n = node(&[
        (Push, 99),
        (Push, 10),
        (Push, 20),
        (Push, 30),
        (Push, 40),
        (Drop, 0),
        (Drop, 0),
        (Drop, 0), // 99 10, with 20 30 40 left above the top
        (AddI, 2),
        (Store, 0),
        (LoadI, 12),
        (LoadI, 22),
        (LoadI, 32),
        (Halt, 0),
    ]);
    assert_eq!(n.run(u64::MAX), RunExit::Halt);
    assert_eq!(n.procs[0].ds, vec![99, 0, 0]);
    let mut n = node(&[
        (Push, 60),
        (StoreI, 7),
        (Push, 70),
        (StoreI, 8),
        (Push, 80),
        (StoreI, 9),
        (Push, 6),
        (Push, 7),
        (Push, 8),
        (Drop, 0),
        (Drop, 0), // 6, with 7 8 left above the top
        (AddI, 1),
        (Load, 0),
        (Halt, 0),
    ]);
    assert_eq!(n.run(u64::MAX), RunExit::Halt);
    assert_eq!(n.procs[0].ds, vec![60]);
}

/// A fused `addi; load` on an empty stack faults at the `addi`; a fused `addi; store` on
/// one word runs the `addi` and faults at the `store` (docs/isa.md: `addi` needs one word,
/// `store` two).
#[test]
fn fused_addi_pairs_on_a_short_stack_fault_where_the_plain_ones_do() {
    let p = NodeParams::default;
    assert_eq!(
        fault_of(&[(AddI, 1), (Load, 0), (Halt, 0)], p()),
        (FaultKind::StackUnderflow(Stack::Data), 0)
    );
    let mut n = node(&[(Push, 10), (AddI, 2), (Store, 0), (Halt, 0)]);
    assert_eq!(
        n.run(u64::MAX),
        RunExit::Fault(FaultKind::StackUnderflow(Stack::Data))
    );
    assert_eq!(n.procs[0].pc, 2);
    assert_eq!(n.procs[0].ds, vec![12]);
}

/// Runs `instrs` on a node of `data_stack` words to `stop`, in `pieces` calls of `run` at
/// even stop cycles, either fast (per block, fused) or traced (one plain instruction at a
/// time); returns the node and the last exit.
fn run_in_pieces(
    instrs: &[(Opcode, i64)],
    data_stack: u32,
    stop: u64,
    pieces: u64,
    traced: bool,
) -> (Node, RunExit) {
    let params = NodeParams {
        data_stack,
        ..NodeParams::default()
    };
    let mut n = node_with(instrs, params);
    if traced {
        n.trace = Some(Vec::new());
    }
    let mut exit = RunExit::Limit;
    for i in 1..=pieces {
        exit = n.run(stop * i / pieces);
        if exit != RunExit::Limit {
            break;
        }
    }
    (n, exit)
}

proptest::proptest! {
    /// A counting loop (`addi v; dup; jnz` back to the `addi`, fused whole, its turns run at
    /// once when the step is one) ends, stops and faults as its three instructions do one at
    /// a time: on a stack of any depth (an empty one underflows at the `addi`, a full one
    /// overflows at the `dup`), with any step and start, a stop cycle anywhere in it, run in
    /// one or several calls.
    #[test]
    fn a_fused_counting_loop_runs_as_its_instructions_do_one_at_a_time(
        depth in 0u32..6,
        data_stack in 1u32..6,
        start in -300i64..300,
        step in proptest::prop_oneof![proptest::strategy::Just(-1i64), proptest::strategy::Just(1), -4i64..5],
        stop in 0u64..4_000,
        pieces in 1u64..4,
        entered: bool,
    ) {
        let mut instrs: Vec<(Opcode, i64)> = (0..depth).map(|i| (Push, start - i64::from(i))).collect();
        // The loop's first turn charged with the block before it, or on its own.
        let at = instrs.len() as i64 + i64::from(!entered);
        if !entered {
            instrs.push((Jmp, at));
        }
        instrs.extend([(AddI, step), (Dup, 0), (Jnz, at), (Halt, 0)]);
        let (fast, fast_exit) = run_in_pieces(&instrs, data_stack, stop, pieces, false);
        let (slow, slow_exit) = run_in_pieces(&instrs, data_stack, stop, pieces, true);
        proptest::prop_assert_eq!(fast.program.fused[at as usize], super::program::Op::CountDown(step as u32));
        proptest::prop_assert_eq!(fast_exit, slow_exit);
        proptest::prop_assert_eq!(fast.procs[0].pc, slow.procs[0].pc);
        assert_same_state(&fast, &slow);
    }
}

#[test]
fn bad_words_fault_as_bad_opcodes() {
    let img = Arc::new(Image {
        code: vec![0x1000_0001, 0xEE00_0000],
        ..Image::default()
    });
    let params = NodeParams::default();
    let program = Arc::new(Program::new(img, &params.profile));
    let mut n = Node::new(0, params, program, 0, 1, 0).expect("valid");
    assert_eq!(
        n.run(u64::MAX),
        RunExit::Fault(FaultKind::BadOpcode(0xEE00_0000))
    );
    assert_eq!(n.procs[0].pc, 1);
}

#[test]
fn emit_records_time_tag_and_values() {
    let params = NodeParams {
        period: 4_000_000,
        ..NodeParams::default()
    };
    let mut n = node_with(
        &[(Push, 5), (Push, 6), (Push, 99), (Emit, 2), (Halt, 0)],
        params,
    );
    n.run(u64::MAX);
    assert_eq!(
        n.log,
        vec![LogRecord {
            node: 3,
            time_fs: 3 * 4_000_000,
            tag: 99,
            values: vec![5, 6],
        }]
    );
    assert!(n.procs[0].ds.is_empty());
}

#[test]
fn identity_time_and_randomness_are_per_node() {
    let params = NodeParams {
        period: 2_500_000,
        ..NodeParams::default()
    };
    let prog = [
        (NodeId, 0),
        (Nodes, 0),
        (Cycles, 0),
        (Now, 0),
        (Rand, 0),
        (Halt, 0),
    ];
    let mut a = node_with(&prog, params.clone());
    a.run(u64::MAX);
    // cycles at issue = 2; now at issue = 3 cycles * 2.5 ns = 7 ns (floored 7.5)
    assert_eq!(&a.procs[0].ds[..4], &[3, 4, 2, 7]);
    let mut b = node_with(&prog, params);
    b.run(u64::MAX);
    assert_eq!(a.procs[0].ds[4], b.procs[0].ds[4]);
}

#[test]
fn random_streams_differ_between_nodes_and_seeds() {
    // docs/isa.md: `rand` draws from a per-node stream seeded from the run seed and the node
    // id. Nodes 3 and 4 under seeds 0 (the default) and 7 give four different streams; the
    // same node and seed give the same one.
    let params = NodeParams::default();
    let program = Arc::new(Program::new(
        image(&[(Rand, 0), (Rand, 0), (Halt, 0)]),
        &params.profile,
    ));
    let stream = |id: u32, seed: u64| {
        let mut n = Node::new(id, params.clone(), program.clone(), 0, 8, seed).expect("node");
        n.run(u64::MAX);
        n.procs[0].ds.clone()
    };
    let streams = [stream(3, 0), stream(4, 0), stream(3, 7), stream(4, 7)];
    for (i, a) in streams.iter().enumerate() {
        for b in &streams[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(stream(4, 7), streams[3]);
}

/// docs/report.md: at the end of a run, idle and stalled time up to the end is counted,
/// and an activation still in progress counts towards the largest activation and the
/// deadline misses (activations longer than the budget), by hand from each state.
#[test]
fn the_end_of_a_run_counts_idle_stalled_and_unfinished_activations() {
    let budget = NodeParams {
        budget: Some(10),
        ..NodeParams::default()
    };
    let ended = |state: NodeState, start: u64, cycle: u64, end: u64| {
        let mut n = node_with(&[(Halt, 0)], budget.clone());
        (n.state, n.activation_start, n.cycle) = (state, start, cycle);
        (n.counters.idle, n.counters.stalled) = (2, 1);
        n.finish(end);
        let c = &n.counters;
        (c.idle, c.stalled, c.largest_activation, c.deadline_misses)
    };
    // Running from cycle 0 to 11: one cycle over the budget of 10, a miss.
    assert_eq!(ended(NodeState::Running, 0, 11, 11), (2, 1, 11, 1));
    // Exactly the budget is no miss.
    assert_eq!(ended(NodeState::Running, 4, 14, 14), (2, 1, 10, 0));
    // Idle since cycle 3, the run ends at 40: 37 more idle cycles, no activation open.
    assert_eq!(ended(NodeState::Idle(3), 0, 3, 40), (2 + 37, 1, 0, 0));
    // Stalled since 5 in an activation from 4, the run ends at 20: 15 more stalled
    // cycles, and the activation (16 cycles) counts as the largest and as a miss.
    assert_eq!(ended(NodeState::Stalled(5), 4, 5, 20), (2, 1 + 15, 16, 1));
}

/// Runs `n` alone on `net` until it stops or blocks, performing each NIC or process
/// instruction at the node's own time.
fn run_on_net(n: &mut Node, net: &mut aether_network::Network) {
    loop {
        match n.run(u64::MAX) {
            RunExit::Outside(op) => {
                let now = n.time();
                if n.outside(op, now, net) != NicOutcome::Continue {
                    return;
                }
            }
            RunExit::Fault(kind) => return n.raise(kind),
            RunExit::Halt | RunExit::Limit => return,
        }
    }
}

fn network(nodes: usize) -> aether_network::Network {
    aether_network::Network::new(&aether_network::NetworkConfig::default(), nodes, 1)
        .expect("network")
}

/// docs/isa.md, "Addresses and inboxes": a narrow address word names nodes 0 to 65,535.
/// Node 65,535 is handed to the network (which holds one node here, so the network
/// refuses it); node 65,536 has no network address, and its `open` faults saying so.
#[test]
fn only_nodes_an_address_word_names_reach_the_network() {
    let message = |id: u32| {
        let params = NodeParams::default();
        let program = Arc::new(Program::new(image(&[(Open, 0)]), &params.profile));
        let mut n = Node::new(id, params, program, 0, 65_537, 0).expect("valid node");
        run_on_net(&mut n, &mut network(1));
        let fault = n.fault.expect("a fault");
        assert_eq!((fault.kind, fault.pc), ("nic", 0));
        fault.message
    };
    assert_eq!(
        message(65_535),
        "NIC misuse: node 65535 is not on the network"
    );
    assert_eq!(
        message(65_536),
        "NIC misuse: node 65536 has no network address \
         (a narrow address word names nodes 0 to 65535)"
    );
}

/// An instruction that is not a NIC or process instruction, handed to the NIC, faults as
/// a bad opcode carrying the instruction's code word (docs/isa.md, Instruction encoding:
/// the opcode in the top byte).
#[test]
fn an_instruction_the_nic_does_not_perform_faults_as_a_bad_opcode() {
    for op in [Add, Halt] {
        let mut n = node(&[(op, 0)]);
        assert_eq!(n.outside(op, 0, &mut network(4)), NicOutcome::Faulted);
        let mut word = Vec::new();
        Instruction::new(op, 0)
            .expect("no operand")
            .encode_into(&mut word);
        let fault = n.fault.expect("a fault");
        assert_eq!(fault.message, FaultKind::BadOpcode(word[0]).to_string());
        assert_eq!(fault.kind, "bad_opcode");
    }
}

/// The per-node seed of `rand`'s stream is SplitMix64's output mix applied to the run
/// seed xored with `(node + 1)` times SplitMix64's increment: under run seed 0, node `n`'s
/// seed is the generator's published output number `n + 1` from state 0; a run seed
/// `s` is xored into that state (here chosen so that node 0 gets output 2's state).
#[test]
fn node_seeds_are_splitmix64_outputs() {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
    let published = [
        0xE220_A839_7B1D_CDAF,
        0x6E78_9E6A_A1B9_65F4,
        0x06C4_5D18_8009_454F,
        0xF88B_B8A8_724C_81EC,
    ];
    for (node, &want) in published.iter().enumerate() {
        assert_eq!(node_seed(0, node as u32), want, "node {node}");
    }
    let seed = GAMMA ^ GAMMA.wrapping_mul(2);
    assert_eq!(node_seed(seed, 0), published[1]);
}

/// A receiver of two messages (types 5 and 6, payloads [7, 8, 9] and [4]) delivered by
/// 1 µs: node 0 at the edge of 1 µs, with the network advanced to it.
fn mail_at_one_us(instrs: &[(Opcode, i64)]) -> (Node, aether_network::Network) {
    mail_at_one_us_with(instrs, NodeParams::default())
}

/// [`mail_at_one_us`] with node parameters `params`.
fn mail_at_one_us_with(
    instrs: &[(Opcode, i64)],
    params: NodeParams,
) -> (Node, aether_network::Network) {
    mail_by(network(2), 1_000_000_000, instrs, params)
}

/// The two messages of [`mail_at_one_us`] sent at time 0 on `net` and delivered by `by`:
/// node 0 (with parameters `params`) at the edge of `by`, with the network advanced to it.
fn mail_by(
    mut net: aether_network::Network,
    by: crate::time::Time,
    instrs: &[(Opcode, i64)],
    params: NodeParams,
) -> (Node, aether_network::Network) {
    use aether_network::{Address, Message};
    for (msg_type, payload) in [(5, vec![7, 8, 9]), (6, vec![4])] {
        let msg = Message {
            src: 1,
            dst: Address::new(0, 0),
            reply_to: None,
            msg_type,
            payload: payload.into(),
        };
        net.send(0, msg).expect("sent");
    }
    net.advance(by, &mut Vec::new());
    assert_eq!(net.poll(0, 0), Ok(2));
    let program = Arc::new(Program::new(image(instrs), &params.profile));
    let mut n = Node::new(0, params, program, 0, 2, 7).expect("valid node");
    n.cycle = n.edge_at_or_after(by);
    (n, net)
}

/// [`mail_by`] 2 ms on a network whose NIC latency is 1 ms: nothing sent from then on
/// reaches the node within 1 ms.
fn mail_far_ahead(instrs: &[(Opcode, i64)]) -> (Node, aether_network::Network) {
    let cfg = aether_network::NetworkConfig {
        nic_latency: 1_000_000_000_000,
        ..aether_network::NetworkConfig::default()
    };
    let net = aether_network::Network::new(&cfg, 2, 1).expect("network");
    mail_by(net, 2_000_000_000_000, instrs, NodeParams::default())
}

/// A `wait` with mail, `peek`s of a non-empty inbox and a settled `recv` (a payload cut
/// to the buffer) run inside the interpreter's loop when the simulation lends it the
/// network: the same stack, memory, cycles and count as performing each at the node's
/// time with `Node::outside`, in one call. A `recv` with a local input due by its time
/// is left to the simulation, untouched.
#[test]
fn settled_nic_instructions_run_in_the_loop_as_outside_would() {
    let prog = [
        (Push, -1),
        (Wait, 0),
        (Drop, 0),
        (Push, 0),
        (Peek, 0),
        (Push, 100),
        (Push, 2),
        (Push, 0),
        (Recv, 0),
        (Push, 0),
        (Peek, 0),
        (Halt, 0),
    ];
    let (mut want, mut net) = mail_at_one_us(&prog);
    run_on_net(&mut want, &mut net);
    assert_eq!(want.state, NodeState::Halted);
    assert_eq!(want.procs[0].ds, vec![5, 3, 6]);
    assert_eq!(
        (100..106).map(|a| want.mem[a]).collect::<Vec<_>>(),
        [5, 1, u32::MAX, 3, 7, 8]
    );

    let now = mail_at_one_us(&prog).0.time();
    // From the start, and resumed at the `wait` (where a run without the network stops).
    for resumed in [false, true] {
        let (mut n, mut net) = mail_at_one_us(&prog);
        if resumed {
            assert_eq!(n.run(u64::MAX), RunExit::Outside(Wait));
        }
        let exit = run_lent(&mut n, &mut net, loud(now, None));
        assert_eq!(exit, RunExit::Halt, "resumed: {resumed}");
        assert_same_state(&n, &want);
        assert_eq!(net.poll(0, 0), Ok(1));
    }

    let (mut n, mut net) = mail_at_one_us(&prog);
    let exit = run_lent(&mut n, &mut net, loud(now, Some(now)));
    assert_eq!((exit, n.procs[0].pc), (RunExit::Outside(Recv), 8));
    assert_eq!(n.procs[0].ds, vec![5, 100, 2, 0]);
    assert_eq!(net.poll(0, 0), Ok(2));
}

/// docs/isa.md, `recv ( buf max inbox -- len )` and its cost (8 cycles plus `nic.word`
/// per payload word copied, here `nic.word = 3`), performed in the loop: with exactly its
/// three arguments on the stack, or two words (11, 12) below them, it takes them from the
/// top, leaves the words below, and pushes the length 3 of the oldest message (type 5 from
/// node 1, no reply-to, payload [7, 8, 9], 2 words copied at `buf + 4`); the pushes, the
/// `recv` and the `halt` take 1 cycle each but the `recv`'s 8 + 2 × 3. With two words
/// only it underflows at the `recv` and takes nothing. Performing them at the node's time
/// with `Node::outside` gives the same.
#[test]
fn a_settled_recv_takes_its_arguments_from_the_top_and_charges_nic_word_per_word() {
    let params = NodeParams {
        profile: Arc::new(TimingProfile {
            nic_word: 3,
            ..TimingProfile::default()
        }),
        ..NodeParams::default()
    };
    let run = |prog: &[(Opcode, i64)], in_loop: bool| {
        let (mut n, mut net) = mail_at_one_us_with(prog, params.clone());
        let start = n.cycle;
        if in_loop {
            let quiet = loud(n.time(), None);
            match run_lent(&mut n, &mut net, quiet) {
                RunExit::Fault(kind) => n.raise(kind),
                exit => assert_eq!(exit, RunExit::Halt),
            }
        } else {
            run_on_net(&mut n, &mut net);
        }
        (n, start, net.poll(0, 0))
    };
    for below in [vec![], vec![(Push, 11), (Push, 12)]] {
        let mut prog = below.clone();
        prog.extend([(Push, 100), (Push, 2), (Push, 0), (Recv, 0), (Halt, 0)]);
        let mut want = vec![11, 12];
        want.truncate(below.len());
        want.push(3);
        for in_loop in [true, false] {
            let (n, start, left) = run(&prog, in_loop);
            assert_eq!((n.state, n.fault.as_ref()), (NodeState::Halted, None));
            assert_eq!(n.procs[0].ds, want, "{below:?} in loop {in_loop}");
            assert_eq!(
                (100..106).map(|a| n.mem[a]).collect::<Vec<_>>(),
                [5, 1, u32::MAX, 3, 7, 8]
            );
            let cycles = below.len() as u64 + 3 + (8 + 2 * 3) + 1;
            assert_eq!(n.cycle - start, cycles, "{below:?} in loop {in_loop}");
            assert_eq!(n.counters.instructions, below.len() as u64 + 5);
            assert_eq!(left, Ok(1));
        }
    }
    for in_loop in [true, false] {
        let (n, _, left) = run(&[(Push, 2), (Push, 0), (Recv, 0), (Halt, 0)], in_loop);
        let fault = n.fault.expect("a fault");
        assert_eq!(
            (fault.kind, fault.pc),
            ("stack_underflow", 2),
            "in loop {in_loop}"
        );
        assert_eq!(left, Ok(2));
    }
}

/// `Node::settled` and `Node::decided_alone` as their documentation defines them, with
/// the engine at the node's own time, checked at each `yield`: with two messages waiting
/// in inbox 0 (which process 0 owns) and inbox 0 on top of the stack, a `wait`, a `peek`
/// and a `recv` are settled, and no other instruction; with inbox 1 (not open) on top,
/// only the `wait`. Every instruction but a `send` is decided alone, save a `close` of the
/// inbox on top and an `exit` while they would close an inbox that holds mail. Once both
/// messages are taken (lengths 3 and 1), nothing is settled, and only the `send` is not
/// decided alone.
#[test]
fn settled_and_decided_alone_follow_their_definitions() {
    let take = [(Push, 100), (Push, 4), (Push, 0), (Recv, 0)];
    let mut prog = vec![
        (Push, 0),
        (Yield, 0),
        (Push, 1),
        (Yield, 0),
        (Drop, 0),
        (Drop, 0),
    ];
    prog.extend(take.repeat(2));
    prog.extend([(Push, 0), (Yield, 0), (Halt, 0)]);
    let mut want: std::collections::VecDeque<(&[Opcode], &[Opcode])> = [
        (&[Recv, Peek, Wait][..], &[Send, Close, Exit][..]),
        (&[Wait], &[Send, Exit]),
        (&[], &[Send]),
    ]
    .into();
    let ops = [
        Open, Close, Send, Recv, Poll, Peek, Wait, Sleep, Spawn, Yield, Exit, SelfPid,
    ];
    let (mut n, mut net) = mail_at_one_us(&prog);
    loop {
        let op = match n.run(u64::MAX) {
            RunExit::Outside(op) => op,
            exit => {
                assert_eq!(exit, RunExit::Halt);
                break;
            }
        };
        let now = n.time();
        if op == Yield {
            let (settled, not_alone) = want.pop_front().expect("three yields");
            for o in ops {
                let ctx = format!("{o} with {:?}", n.procs[0].ds);
                assert_eq!(
                    n.settled(o, &net, now),
                    settled.contains(&o),
                    "settled: {ctx}"
                );
                assert_eq!(
                    n.decided_alone(o, &net),
                    !not_alone.contains(&o),
                    "alone: {ctx}"
                );
            }
        }
        assert_eq!(n.outside(op, now, &mut net), NicOutcome::Continue);
    }
    assert!(want.is_empty());
    assert_eq!(n.procs[0].ds, vec![3, 1, 0]);
}

/// Runs `n` to its end with the network lent to the loop under `quiet`, as the simulation
/// does for a node running ahead with no stop, slice or bound.
fn run_lent(n: &mut Node, net: &mut aether_network::Network, quiet: Quiet) -> RunExit {
    run_lent_sending(n, net, quiet).0
}

/// [`run_lent`], with the messages the loop sent ahead and their send times.
fn run_lent_sending(
    n: &mut Node,
    net: &mut aether_network::Network,
    quiet: Quiet,
) -> (
    RunExit,
    VecDeque<(crate::time::Time, aether_network::Message)>,
) {
    let mut sent = VecDeque::new();
    let mut settling = Settling {
        net,
        quiet,
        stop: u64::MAX,
        bound: u64::MAX,
        slice: None,
        sent: &mut sent,
    };
    (n.run_settling(u64::MAX, Some(&mut settling)), sent)
}

/// Asserts that `n` ended with `want`'s data stack, memory, cycle and counters.
fn assert_same_state(n: &Node, want: &Node) {
    assert_eq!(n.procs[0].ds, want.procs[0].ds);
    assert_eq!(
        n.mem.iter().collect::<Vec<_>>(),
        want.mem.iter().collect::<Vec<_>>()
    );
    assert_eq!((n.cycle, n.counters), (want.cycle, want.counters));
}

/// The pieces of the simulation's quiet check for a node that something may still reach
/// (a wake-up to come): only settled instructions run in the loop.
fn loud(now: crate::time::Time, next_input: Option<crate::time::Time>) -> Quiet {
    Quiet {
        now,
        next_input,
        barrier: None,
        wake_pending: true,
    }
}

/// While nothing can reach the node (`Quiet`), `self`, `poll`, and `peek` and `recv` of
/// an empty inbox run inside the interpreter's loop too: the same stack, memory, cycles
/// and count as performing each at the node's time with `Node::outside`, in one call.
/// With a wake-up still to come the loop leaves at the first of them, untouched.
#[test]
fn nic_instructions_decided_alone_run_in_the_loop_while_quiet() {
    let prog = [
        (SelfPid, 0),
        (Push, 0),
        (Poll, 0),
        (Push, 100),
        (Push, 3),
        (Push, 0),
        (Recv, 0),
        (Push, 110),
        (Push, 3),
        (Push, 0),
        (Recv, 0),
        (Push, 0),
        (Peek, 0),
        (Push, 120),
        (Push, 3),
        (Push, 0),
        (Recv, 0),
        (Halt, 0),
    ];
    let (mut want, mut net) = mail_far_ahead(&prog);
    run_on_net(&mut want, &mut net);
    assert_eq!(want.state, NodeState::Halted);
    let none = u32::MAX;
    assert_eq!(want.procs[0].ds, vec![0, 2, 3, 1, none, none]);

    let (mut n, mut net) = mail_far_ahead(&prog);
    let now = n.time();
    let quiet = Quiet {
        wake_pending: false,
        ..loud(now, None)
    };
    assert_eq!(run_lent(&mut n, &mut net, quiet), RunExit::Halt);
    assert_same_state(&n, &want);

    let (mut n, mut net) = mail_far_ahead(&prog);
    let exit = run_lent(&mut n, &mut net, loud(now, None));
    assert_eq!((exit, n.procs[0].pc), (RunExit::Outside(SelfPid), 0));
    assert!(n.procs[0].ds.is_empty());
}

/// After an instruction performed in the loop the node runs on to the stop cycle the
/// simulation would give it there: the progress slice counted again from the
/// instruction's end (never past the bound), as a run stopped at the instruction,
/// performed with `Node::outside` and run again with that stop would.
#[test]
fn a_slice_starts_again_after_an_instruction_performed_in_the_loop() {
    let prog = [
        (Push, 1),
        (Drop, 0),
        (Push, 0),
        (Poll, 0),
        (Drop, 0),
        (Jmp, 5),
    ];
    let slice = 40;
    for bound in [u64::MAX, 2_000_030] {
        let (mut want, mut net) = mail_far_ahead(&prog);
        let first = bound.min(want.cycle + slice);
        assert_eq!(want.run(first), RunExit::Outside(Poll));
        let now = want.time();
        assert_eq!(want.outside(Poll, now, &mut net), NicOutcome::Continue);
        let stop = bound.min(want.cycle + slice);
        assert_eq!(want.run(stop), RunExit::Limit);

        let (mut n, mut net) = mail_far_ahead(&prog);
        let quiet = Quiet {
            wake_pending: false,
            ..loud(n.time(), None)
        };
        let mut settling = Settling {
            net: &mut net,
            quiet,
            stop: 0,
            bound,
            slice: Some(slice),
            sent: &mut VecDeque::new(),
        };
        assert_eq!(n.run_settling(first, Some(&mut settling)), RunExit::Limit);
        assert_eq!(settling.stop, stop, "bound {bound}");
        assert_eq!(stop > first, bound == u64::MAX);
        assert_eq!((n.cycle, n.counters), (want.cycle, want.counters));
        assert_eq!(n.procs[0].ds, want.procs[0].ds);
    }
}

/// A `send` ahead of the engine's time runs inside the loop when the network is sure to take
/// it then: the same stack, memory, cycles and count as performing it at the node's time
/// with `Node::outside`, and its message (payload read from memory at the `send`) kept with
/// the time the `send` issues at, where a run without the network stops for it. At the
/// engine's time the loop leaves at the `send`, untouched.
#[test]
fn a_send_ahead_runs_in_the_loop_as_outside_would_and_keeps_its_message() {
    let send = |len: i64| {
        [
            (Push, 10),
            (Push, len),
            (Push, 7),
            (Push, 1 << 16),
            (Push, -1),
        ]
    };
    let mut prog = vec![(Push, 42), (StoreI, 10), (Push, 43), (StoreI, 11)];
    prog.extend(send(1));
    prog.extend([(Send, 0), (Push, 44), (StoreI, 10)]);
    prog.extend(send(2));
    prog.extend([(Send, 0), (Halt, 0)]);
    // The node 1 µs past the network's clock, where the engine is.
    let ahead = |prog: &[(Opcode, i64)]| {
        let (mut n, net) = mail_far_ahead(prog);
        n.cycle += 1000;
        (n, net)
    };
    let (mut want, mut net) = ahead(&prog);
    let mut times = Vec::new();
    while let RunExit::Outside(op) = want.run(u64::MAX) {
        times.push(want.time());
        assert_eq!(
            want.outside(op, want.time(), &mut net),
            NicOutcome::Continue
        );
    }
    assert_eq!(want.state, NodeState::Halted);
    assert_eq!(times.len(), 2);

    let (mut n, mut net) = ahead(&prog);
    let engine = net.clock();
    let (exit, sent) = run_lent_sending(&mut n, &mut net, loud(engine, None));
    assert_eq!(exit, RunExit::Halt);
    assert_same_state(&n, &want);
    let got: Vec<_> = sent
        .iter()
        .map(|(t, m)| (*t, m.src, m.dst, m.msg_type, m.payload.to_vec()))
        .collect();
    let to = aether_network::Address::new(1, 0);
    assert_eq!(
        got,
        vec![
            (times[0], 0, to, 7, vec![42]),
            (times[1], 0, to, 7, vec![44, 43])
        ]
    );

    let (mut n, mut net) = ahead(&prog);
    let (exit, sent) = run_lent_sending(&mut n, &mut net, loud(times[0], None));
    assert_eq!(
        (exit, n.procs[0].pc, sent.len()),
        (RunExit::Outside(Send), 9, 0)
    );
    assert_eq!(n.procs[0].ds, vec![10, 1, 7, 1 << 16, u32::MAX]);
}
