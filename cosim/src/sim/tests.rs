//! Tests of the simulation: exact timing through the network, processes, and
//! the differential test of run-ahead against single stepping.

use std::collections::BTreeMap;
use std::sync::Arc;

use aether_isa::Opcode::{self, *};
use aether_isa::TimingProfile;
use aether_network::{Network, NetworkConfig};
use proptest::prelude::*;

use super::*;
use crate::component::{Sink, Stimulus, StimulusSpec};
use crate::node::tests::image;
use crate::node::{FaultKind, NodeParams, Program};

fn node(id: u32, instrs: &[(Opcode, i64)], params: &NodeParams, nodes: u32) -> Station {
    let program = Arc::new(Program::new(image(instrs), &params.profile));
    Station::Node(Box::new(
        Node::new(id, params.clone(), program, 0, nodes, 11).expect("valid node"),
    ))
}

fn build(programs: &[&[(Opcode, i64)]], stepping: Stepping, stop: StopConditions) -> Simulation {
    build_with(programs, stepping, stop, &NodeParams::default())
}

fn build_with(
    programs: &[&[(Opcode, i64)]],
    stepping: Stepping,
    stop: StopConditions,
    params: &NodeParams,
) -> Simulation {
    let n = programs.len();
    let stations = programs
        .iter()
        .enumerate()
        .map(|(i, p)| node(i as u32, p, params, n as u32))
        .collect();
    let net = Network::new(&NetworkConfig::default(), n, 1).expect("network");
    Simulation::new(stations, net, stepping, stop)
}

fn world(programs: &[&[(Opcode, i64)]], stepping: Stepping, until: Option<Time>) -> Simulation {
    let stop = StopConditions {
        until,
        ..StopConditions::default()
    };
    build(programs, stepping, stop)
}

fn node_ref(sim: &Simulation, i: usize) -> &Node {
    match &sim.world.stations[i] {
        Station::Node(n) => n,
        Station::Component(_) => panic!("station {i} is not a node"),
    }
}

const SENDER: &[(Opcode, i64)] = &[
    (Push, 42),
    (StoreI, 10),
    (Push, 10),
    (Push, 1),
    (Push, 7),
    (Push, 1 << 16),
    (Push, -1),
    (Send, 0),
    (Halt, 0),
];

const RECEIVER: &[(Opcode, i64)] = &[
    (Push, -1),
    (Wait, 0),
    (Drop, 0),
    (Push, 100),
    (Push, 8),
    (Push, 0),
    (Recv, 0),
    (Drop, 0),
    (LoadI, 104),
    (LoadI, 101),
    (Push, 5),
    (Emit, 2),
    (Halt, 0),
];

/// Default network: a 1-word message is 160 + 32 = 192 bits; at 10 Gbit/s that is
/// 19.2 ns of serialization, plus 10 ns of link latency.
const ONE_WORD_FLIGHT: Time = 19_200_000 + 10_000_000;

#[test]
fn a_message_arrives_and_is_received_at_the_hand_computed_times() {
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let mut sim = world(&[SENDER, RECEIVER], stepping, None);
        let outcome = sim.run();
        assert_eq!(outcome.reason, StopReason::Exhausted);
        // Sender: push, storei(2), 5 pushes -> send issues at cycle 8 (1 GHz: 8 ns).
        let delivered = 8_000_000 + ONE_WORD_FLIGHT;
        let wake_edge = delivered.div_ceil(1_000_000);
        assert_eq!(wake_edge, 38);
        let rx = node_ref(&sim, 1);
        // After waking: drop, 3 pushes, recv (8 + 1 word), drop, loadi, loadi, push -> emit.
        let emit_cycle = wake_edge + 1 + 3 + 9 + 1 + 2 + 2 + 1;
        assert_eq!(rx.log.len(), 1);
        assert_eq!(rx.log[0].time_fs, emit_cycle * 1_000_000);
        assert_eq!(rx.log[0].values, vec![42, 0]);
        assert_eq!(rx.log[0].tag, 5);
        assert_eq!(rx.cycle, emit_cycle + 4 + 1);
        assert_eq!(rx.counters.busy, 3 + (emit_cycle + 5 - wake_edge));
        assert_eq!(rx.counters.idle, wake_edge - 3);
        assert_eq!(rx.counters.activations, 2);
        assert_eq!(rx.counters.largest_activation, emit_cycle + 5 - wake_edge);
        assert_eq!(rx.state, NodeState::Halted);
        assert_eq!(outcome.end_time, (emit_cycle + 5) * 1_000_000);
    }
}

/// A message for an inbox that a spawned process opened wakes that process, not
/// process 0 (which has exited): the sender's message reaches inbox 1 at the same
/// time as in the test above, and the receiver emits the flag `wait` pushed one
/// `push` later.
#[test]
fn a_message_wakes_the_process_that_owns_its_inbox() {
    let mut sender = SENDER.to_vec();
    sender[5] = (Push, (1 << 16) | 1);
    let receiver: &[(Opcode, i64)] = &[
        (Push, 4),
        (Push, 0),
        (Spawn, 0),
        (Exit, 0), // p0 ends; p1 runs
        (Open, 0), // 4: inbox 1, owned by p1
        (Drop, 0),
        (Push, -1),
        (Wait, 0),
        (Push, 9),
        (Emit, 1),
        (Halt, 0),
    ];
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let mut sim = world(&[&sender, receiver], stepping, None);
        sim.run();
        let rx = node_ref(&sim, 1);
        let wake_edge = (8_000_000 + ONE_WORD_FLIGHT).div_ceil(1_000_000);
        let got: Vec<(u32, Vec<u32>, Time)> = rx
            .log
            .iter()
            .map(|r| (r.tag, r.values.clone(), r.time_fs))
            .collect();
        assert_eq!(
            got,
            vec![(9, vec![1], (wake_edge + 1) * 1_000_000)],
            "{stepping:?}"
        );
    }
}

#[test]
fn wait_times_out_and_sleep_wakes_after_its_cycles() {
    let prog: &[(Opcode, i64)] = &[
        (Push, 50),
        (Wait, 0), // issues at 1, blocks at 3, times out at 53 pushing 0
        (Push, 10),
        (Sleep, 0), // issues at 54, blocks at 56, wakes at 66
        (Cycles, 0),
        (Halt, 0),
    ];
    let mut sim = world(&[prog], Stepping::RunAhead, None);
    sim.run();
    let n = node_ref(&sim, 0);
    assert_eq!(n.procs[0].ds, vec![0, 66]);
    assert_eq!(n.counters.idle, 50 + 10);
    assert_eq!(n.cycle, 68);
}

#[test]
fn processes_round_robin_with_switch_costs() {
    let prog: &[(Opcode, i64)] = &[
        (Push, 7),
        (Push, 9),
        (Spawn, 0), // issues at 2, costs 8 -> 10
        (Yield, 0), // issues at 10, costs 1, switch 2 -> p1 runs at 13
        (Push, 1),  // p0 again
        (Emit, 1),
        (Exit, 0),
        (Push, 2), // 7: p1, with its arg 9 on the stack
        (Emit, 1),
        (Exit, 0),
    ];
    let mut sim = world(&[prog], Stepping::RunAhead, None);
    sim.run();
    let n = node_ref(&sim, 0);
    let tags: Vec<(u32, Vec<u32>, Time)> = n
        .log
        .iter()
        .map(|r| (r.tag, r.values.clone(), r.time_fs / 1_000_000))
        .collect();
    // p1: push at 13, emit at 14 ([9]), exit at 18 (1) + switch (2) -> p0 at 21:
    // push at 21, emit at 22 ([1], the spawned pid), exit at 26 -> node halts at 27.
    assert_eq!(tags, vec![(2, vec![9], 14), (1, vec![1], 22)]);
    assert_eq!(n.cycle, 27);
    assert_eq!(n.counters.busy, 27);
    assert_eq!(n.state, NodeState::Halted);
}

#[test]
fn a_stimulus_feeds_a_sink_through_the_network() {
    let params = NodeParams::default();
    let stations = vec![
        Station::Component(Box::new(Stimulus::new(StimulusSpec {
            dst: aether_network::Address::new(1, 0),
            reply_to: None,
            msg_type: 3,
            payload: vec![7],
            sequence: true,
            start: 1_000,
            period: 5_000_000,
            count: 3,
        }))),
        Station::Component(Box::new(Sink::default())),
        node(2, &[(Halt, 0)], &params, 3),
    ];
    let net = Network::new(&NetworkConfig::default(), 3, 1).expect("network");
    let mut sim = Simulation::new(stations, net, Stepping::RunAhead, StopConditions::default());
    sim.run();
    // Two-word messages: 160 + 64 bits = 22.4 ns of serialization, plus 10 ns latency.
    // They are sent every 5 ns from 1000 fs, faster than the link drains them, so the k-th
    // starts when the (k-1)-th has been serialized: it arrives at 1000 + (k+1) * 22.4 ns + 10 ns.
    let got: Vec<(Time, Vec<u32>)> = sim
        .world
        .component_log
        .iter()
        .map(|r| (r.time_fs, r.values.clone()))
        .collect();
    let expect: Vec<(Time, Vec<u32>)> = (0..3u32)
        .map(|k| {
            (
                1_000 + u64::from(k + 1) * 22_400_000 + 10_000_000,
                vec![7, k],
            )
        })
        .collect();
    assert_eq!(got, expect);
}

/// Echoes each message's payload back to its sender `delay` after it arrives: a reactive
/// component, which asks from `on_message` to be woken later.
struct DelayedEcho {
    delay: Time,
    pending: Vec<aether_network::Message>,
}

impl crate::component::Component for DelayedEcho {
    fn kind(&self) -> &'static str {
        "delayed-echo"
    }

    fn start(&mut self) -> Option<Time> {
        None
    }

    fn on_timer(&mut self, io: &mut ComponentIo<'_>) -> Option<Time> {
        for msg in self.pending.drain(..) {
            let back = aether_network::Message {
                src: io.node,
                dst: aether_network::Address::new(msg.src, 0),
                reply_to: None,
                msg_type: msg.msg_type,
                payload: msg.payload,
            };
            io.net.send(io.now, back).expect("the echo is sent");
        }
        None
    }

    fn on_message(
        &mut self,
        io: &mut ComponentIo<'_>,
        msg: aether_network::Message,
    ) -> Option<Time> {
        self.pending.push(msg);
        Some(io.now + self.delay)
    }

    fn stats(&self) -> crate::component::ComponentStats {
        crate::component::ComponentStats::default()
    }
}

#[test]
fn a_component_can_ask_to_be_woken_later_when_a_message_arrives() {
    let params = NodeParams::default();
    let stations = vec![
        node(0, SENDER, &params, 2),
        Station::Component(Box::new(DelayedEcho {
            delay: 50_000_000,
            pending: Vec::new(),
        })),
    ];
    // SENDER's message to node 1 leaves at 8 ns: node 0 halts, but the echo still lands
    // in its inbox 0, one flight after the echo's timer, 50 ns after the first arrival.
    let net = Network::new(&NetworkConfig::default(), 2, 1).expect("network");
    let mut sim = Simulation::new(stations, net, Stepping::RunAhead, StopConditions::default());
    let outcome = sim.run();
    let echoed = 8_000_000 + ONE_WORD_FLIGHT + 50_000_000;
    assert_eq!(outcome.end_time, echoed + ONE_WORD_FLIGHT);
    assert_eq!(sim.world.net.poll(0, 0), Ok(1));
}

/// Everything observable about a finished run, as text, for differential comparison.
fn digest(sim: &Simulation, outcome: &Outcome) -> String {
    let mut out = format!("{:?} end={}\n", outcome.reason, outcome.end_time);
    for station in &sim.world.stations {
        if let Station::Node(n) = station {
            out += &format!(
                "node {} state={:?} cycle={} counters={:?} fault={:?}\n",
                n.id, n.state, n.cycle, n.counters, n.fault
            );
            for (pid, p) in n.procs.iter().enumerate() {
                out += &format!(
                    "  p{pid} pc={} ds={:?} rs={:?} {:?}\n",
                    p.pc, p.ds, p.rs, p.state
                );
            }
            out += &format!(
                "  mem-digest={:x}\n",
                n.mem
                    .iter()
                    .fold(0u64, |h, w| h.wrapping_mul(31).wrapping_add(u64::from(w)))
            );
            out += &format!("  log={:?}\n", n.log);
        }
    }
    out
}

fn both_ways(programs: &[&[(Opcode, i64)]], until: Option<Time>) -> (String, String) {
    both_ways_with(programs, until, &NodeParams::default())
}

fn both_ways_with(
    programs: &[&[(Opcode, i64)]],
    until: Option<Time>,
    params: &NodeParams,
) -> (String, String) {
    let run = |stepping| {
        let stop = StopConditions {
            until,
            ..StopConditions::default()
        };
        let mut sim = build_with(programs, stepping, stop, params);
        let outcome = sim.run();
        digest(&sim, &outcome)
    };
    (run(Stepping::RunAhead), run(Stepping::Single))
}

#[test]
fn run_ahead_equals_single_stepping_on_the_ping_programs() {
    let (fast, slow) = both_ways(&[SENDER, RECEIVER], None);
    assert_eq!(fast, slow);
    let (fast, slow) = both_ways(&[SENDER, RECEIVER], Some(20_000_000));
    assert_eq!(fast, slow);
}

/// A random piece of program: one instruction, or a NIC idiom with plausible arguments
/// (so that sends, receives and waits really happen). Jump targets are remapped into
/// the finished program.
fn random_chunk() -> impl Strategy<Value = Vec<(Opcode, i64)>> {
    let one = |s: BoxedStrategy<(Opcode, i64)>| s.prop_map(|i| vec![i]).boxed();
    prop_oneof![
        4 => one((-3i64..40).prop_map(|v| (Push, v)).boxed()),
        1 => one((0i64..3).prop_map(|node| (Push, node << 16)).boxed()),
        3 => one(
            (prop::sample::select(vec![Jmp, Jz, Jnz, Call]), 0i64..1000)
                .prop_map(|(op, t)| (op, t))
                .boxed()
        ),
        1 => one((0i64..40).prop_map(|a| (LoadI, a)).boxed()),
        1 => one((0i64..40).prop_map(|a| (StoreI, a)).boxed()),
        1 => one((0i64..3).prop_map(|n| (Emit, n)).boxed()),
        1 => one((0i64..3).prop_map(|n| (Pick, n)).boxed()),
        8 => one(
            prop::sample::select(vec![
                Dup, Drop, Swap, Over, Rot, Add, Sub, Mul, Div, Mod, Xor, Lt, EqZ, Load, Store,
                Ret, ToR, FromR, Cycles, Now, Rand, NodeId, Yield, SelfPid, Halt, Wait, Sleep,
                Send, Recv, Poll, Peek, Open, Spawn, Exit, Nop, Depth,
            ])
            .prop_map(|op| (op, 0))
            .boxed()
        ),
        3 => (0i64..8, 0i64..4, 0i64..3, 0i64..3, 0i64..3, prop::bool::ANY)
            .prop_map(|(buf, len, ty, node, inbox, reply)| vec![
                (Push, buf),
                (Push, len),
                (Push, ty),
                (Push, (node << 16) | inbox),
                (Push, if reply { 1 << 16 } else { -1 }),
                (Send, 0),
            ])
            .boxed(),
        3 => (0i64..30, 0i64..4, 0i64..3)
            .prop_map(|(buf, max, inbox)| vec![(Push, buf), (Push, max), (Push, inbox), (Recv, 0)])
            .boxed(),
        2 => (-1i64..60).prop_map(|t| vec![(Push, t), (Wait, 0)]).boxed(),
    ]
}

/// A random program after a prologue that leaves some words on the stack (so that not
/// every program underflows at once) and opens an inbox.
fn random_program() -> impl Strategy<Value = Vec<(Opcode, i64)>> {
    prop::collection::vec(random_chunk(), 3..25).prop_map(|chunks| {
        let mut program: Vec<(Opcode, i64)> = vec![
            (Push, 1 << 16),
            (Push, 2 << 16),
            (Push, 5),
            (Push, 2),
            (Push, 1),
            (Open, 0),
        ];
        program.extend(chunks.into_iter().flatten());
        let len = program.len() as i64;
        for (op, v) in &mut program {
            if matches!(op, Jmp | Jz | Jnz | Call) {
                *v %= len;
            }
        }
        program
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn run_ahead_equals_single_stepping_on_random_programs(
        a in random_program(),
        b in random_program(),
        c in random_program(),
    ) {
        let (fast, slow) = both_ways(&[&a, &b, &c], Some(3_000_000_000));
        prop_assert_eq!(fast, slow);
    }

    #[test]
    fn run_ahead_equals_single_stepping_with_budgets_and_small_nodes(
        a in random_program(),
        b in random_program(),
        budget in 5u64..60,
        faults: bool,
    ) {
        let params = NodeParams {
            budget: Some(budget),
            budget_faults: faults,
            data_stack: 12,
            return_stack: 4,
            processes: 2,
            memory: 32,
            period: 700_001,
            ..NodeParams::default()
        };
        let (fast, slow) = both_ways_with(&[&a, &b], Some(2_000_000_000), &params);
        prop_assert_eq!(fast, slow);
    }
}

/// A stack-neutral piece of a loop body: ALU work, or a NIC idiom (a send to another
/// node, a poll, peek, receive or short wait on inbox 0), a log record or an assertion.
fn loop_snippet() -> impl Strategy<Value = Vec<(Opcode, i64)>> {
    prop_oneof![
        6 => (
            -40i64..40,
            prop::sample::select(vec![Add, Sub, Mul, Div, Xor, And, Or, Shl, Lt, Eq, ModU])
        )
            .prop_map(|(v, op)| vec![(Push, v), (op, 0)]),
        2 => prop::sample::select(vec![
            vec![(Dup, 0), (Drop, 0)],
            vec![(Over, 0), (Add, 0)],
            vec![(Swap, 0)],
            vec![(Rot, 0)],
            vec![(Cycles, 0), (Xor, 0)],
            vec![(Now, 0), (Drop, 0)],
            vec![(Rand, 0), (Drop, 0)],
            vec![(Nop, 0)],
        ]),
        1 => (0i64..8).prop_map(|a| vec![(Dup, 0), (StoreI, a), (LoadI, a), (Add, 0)]),
        2 => (0i64..8, 0i64..3, 0i64..3, 0i64..3).prop_map(|(buf, len, ty, node)| vec![
            (Push, buf),
            (Push, len),
            (Push, ty),
            (Push, node << 16),
            (Push, -1),
            (Send, 0),
        ]),
        2 => prop::sample::select(vec![
            vec![(Push, 0), (Poll, 0), (Add, 0)],
            vec![(Push, 0), (Peek, 0), (Drop, 0)],
            vec![(Push, 16), (Push, 2), (Push, 0), (Recv, 0), (Drop, 0)],
            vec![(Push, 5), (Wait, 0), (Drop, 0)],
            vec![(Dup, 0), (Push, 9), (Emit, 1)],
            vec![(Push, 1), (Assert, 3)],
        ]),
    ]
}

/// A program of straight pieces and counted loops (counter on the return stack, nested
/// one deep), ending in `halt` or in a jump back to the start.
fn looping_program() -> impl Strategy<Value = Vec<(Opcode, i64)>> {
    let body = || prop::collection::vec(loop_snippet(), 1..5);
    let piece = prop_oneof![
        1 => body().prop_map(|b| (0i64, b, Vec::new())),
        2 => (1i64..12, body(), prop::collection::vec(loop_snippet(), 0..3)).prop_map(
            |(n, b, inner)| (n, b, inner.into_iter().flatten().collect())
        ),
    ];
    (prop::collection::vec(piece, 1..5), prop::bool::ANY).prop_map(|(pieces, forever)| {
        let mut program: Vec<(Opcode, i64)> = vec![(Push, 1), (Push, 2), (Push, 3)];
        for (n, body, inner) in pieces {
            let body: Vec<(Opcode, i64)> = body.into_iter().flatten().collect();
            if n == 0 {
                program.extend(body);
                continue;
            }
            let top = program.len() as i64 + 2;
            program.extend([(Push, n), (ToR, 0)]);
            program.extend(body);
            if !inner.is_empty() {
                // An inner loop of 3 turns.
                let inner_top = program.len() as i64 + 2;
                program.extend([(Push, 3), (ToR, 0)]);
                program.extend(inner);
                program.extend([(FromR, 0), (AddI, -1), (Dup, 0), (ToR, 0), (Jnz, inner_top)]);
                program.push((RDrop, 0));
            }
            program.extend([
                (FromR, 0),
                (AddI, -1),
                (Dup, 0),
                (ToR, 0),
                (Jnz, top),
                (RDrop, 0),
            ]);
        }
        program.push(if forever { (Jmp, 3) } else { (Halt, 0) });
        program
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Loops that compute while messages arrive, with the time limit, a budget (both
    /// modes) and, on the run-ahead side, a progress slice landing anywhere in them.
    #[test]
    fn run_ahead_equals_single_stepping_on_loops_with_messages_budgets_and_slices(
        programs in prop::collection::vec(looping_program(), 2..4),
        until in 100_000_000u64..6_000_000_000,
        budget in prop::option::of((1u64..400, prop::bool::ANY)),
        slice in prop::option::of(1u64..300),
    ) {
        let params = NodeParams {
            budget: budget.map(|(b, _)| b),
            budget_faults: budget.is_some_and(|(_, faults)| faults),
            memory: 32,
            period: 700_001,
            ..NodeParams::default()
        };
        let programs: Vec<&[(Opcode, i64)]> = programs.iter().map(Vec::as_slice).collect();
        let run = |stepping, slice| {
            let stop = StopConditions {
                until: Some(until),
                ..StopConditions::default()
            };
            let mut sim = build_with(&programs, stepping, stop, &params);
            sim.world.slice = slice;
            let outcome = sim.run();
            digest(&sim, &outcome)
        };
        let single = run(Stepping::Single, None);
        prop_assert_eq!(&run(Stepping::RunAhead, None), &single);
        prop_assert_eq!(&run(Stepping::RunAhead, slice), &single);
    }
}

/// A random code word: mostly a valid encoding (an assigned opcode with operand bits its
/// kind allows; code addresses inside `len` words), otherwise arbitrary bits.
fn code_word(len: u32) -> impl Strategy<Value = u32> {
    use aether_isa::{INSTRUCTIONS, OperandKind};
    let push = u32::from(Push.info().code) << 24;
    prop_oneof![
        // Literals keep the stack fed, so that most programs run for a while.
        4 => any::<u32>().prop_map(move |bits| push | (bits & 0x00FF_FFFF)),
        15 => (0..INSTRUCTIONS.len(), any::<u32>()).prop_map(move |(i, bits)| {
            let info = &INSTRUCTIONS[i];
            let operand = match info.operand {
                OperandKind::None | OperandKind::Word32 => 0,
                OperandKind::Signed24 => bits & 0x00FF_FFFF,
                // Small counts and codes, so `pick` and `emit` find their words.
                OperandKind::Unsigned24 => bits % 4,
                OperandKind::CodeAddr => bits % len,
                // Inside and just past a 64-word memory.
                OperandKind::DataAddr => bits % 80,
            };
            (u32::from(info.code) << 24) | operand
        }),
        1 => any::<u32>(),
    ]
}

/// Node 0's retired instructions and fault class, and the digests of both stepping modes,
/// for `code` run on two nodes.
fn run_raw(code: &[u32]) -> (u64, Option<&'static str>, String, String) {
    let run = |stepping| {
        let params = NodeParams {
            memory: 64,
            ..NodeParams::default()
        };
        let image = Arc::new(aether_isa::Image {
            code: code.to_vec(),
            ..Default::default()
        });
        let program = Arc::new(Program::new(image, &params.profile));
        let stations = (0..2)
            .map(|id| {
                Station::Node(Box::new(
                    Node::new(id, params.clone(), program.clone(), 0, 2, 3).expect("node"),
                ))
            })
            .collect();
        let net = Network::new(&NetworkConfig::default(), 2, 1).expect("network");
        let stop = StopConditions {
            until: Some(500_000_000),
            ..StopConditions::default()
        };
        let mut sim = Simulation::new(stations, net, stepping, stop);
        let outcome = sim.run();
        let n = node_ref(&sim, 0);
        let fault = n.fault.as_ref().map(|f| f.kind);
        (n.counters.instructions, fault, digest(&sim, &outcome))
    };
    let (retired, fault, fast) = run(Stepping::RunAhead);
    let (_, _, slow) = run(Stepping::Single);
    (retired, fault, fast, slow)
}

/// Random code words, mostly valid encodings, never panic the simulator and give the same
/// result in both stepping modes; floors on how many cases run for a while and how many
/// meet a bad opcode show that both the valid and the invalid words are reached.
#[test]
fn raw_code_words_never_panic_and_agree_across_stepping_modes() {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let cases = 256;
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    // A prologue of 8 literals, then random words.
    let strategy = (9u32..60).prop_flat_map(|len| {
        let push = u32::from(Push.info().code) << 24;
        (
            prop::collection::vec(any::<u32>(), 8),
            prop::collection::vec(code_word(len), len as usize - 8),
        )
            .prop_map(move |(prologue, words)| {
                let mut code: Vec<u32> =
                    prologue.iter().map(|b| push | (b & 0x00FF_FFFF)).collect();
                code.extend(words);
                code
            })
    });
    let reached = std::cell::RefCell::new(BTreeMap::<&str, u32>::new());
    runner
        .run(&strategy, |code| {
            let (retired, fault, fast, slow) = run_raw(&code);
            prop_assert_eq!(fast, slow);
            let mut reached = reached.borrow_mut();
            if retired >= 10 {
                *reached.entry("10 instructions").or_default() += 1;
            }
            *reached.entry(fault.unwrap_or("no fault")).or_default() += 1;
            Ok(())
        })
        .expect("both stepping modes agree");
    // Under this fixed seed, 165 of the 256 cases retire 10 instructions or more on node 0
    // and 47 reach an arbitrary word that is not an instruction.
    let reached = reached.into_inner();
    let count = |key| reached.get(key).copied().unwrap_or(0);
    assert!(count("10 instructions") >= cases / 2, "{reached:?}");
    assert!(count("bad_opcode") >= cases / 10, "{reached:?}");
}

fn with_stop(programs: &[&[(Opcode, i64)]], stop: StopConditions) -> Simulation {
    build(programs, Stepping::RunAhead, stop)
}

#[test]
fn a_halting_node_stops_the_run_before_later_events() {
    // Node 0 halts at cycle 4; node 1 spins with 1-cycle jumps. Events at one time run in
    // target order, so node 1 has executed the instructions issuing at cycles 0..=3 only.
    let halter: &[(Opcode, i64)] = &[(Nop, 0), (Nop, 0), (Nop, 0), (Nop, 0), (Halt, 0)];
    let spinner: &[(Opcode, i64)] = &[(Jmp, 0)];
    let mut sim = with_stop(
        &[halter, spinner],
        StopConditions {
            on_halt: vec![0],
            ..StopConditions::default()
        },
    );
    let outcome = sim.run();
    assert_eq!(outcome.reason, StopReason::Model);
    assert_eq!(node_ref(&sim, 0).state, NodeState::Halted);
    assert_eq!(node_ref(&sim, 1).counters.instructions, 4);
    assert_eq!(outcome.end_time, 5_000_000);
}

#[test]
fn a_user_predicate_stops_the_run_exactly() {
    let spinner: &[(Opcode, i64)] = &[(Jmp, 0)];
    let mut sim = with_stop(&[spinner], StopConditions::default());
    sim.stop_when(Box::new(|world: &World| match &world.stations[0] {
        Station::Node(n) => n.counters.instructions >= 10,
        Station::Component(_) => false,
    }));
    assert_eq!(sim.run().reason, StopReason::Model);
    assert_eq!(node_ref(&sim, 0).counters.instructions, 10);
}

#[test]
fn a_full_transmit_queue_stalls_the_sender_until_it_drains() {
    // tx_queue = 1: the second send waits until the first packet has left the NIC
    // (22.4 ns of serialization for 2 words at 10 Gbit/s), counted as stalled cycles.
    let sender: &[(Opcode, i64)] = &[
        (Push, 0),
        (Push, 2),
        (Push, 1),
        (Push, 1 << 16),
        (Push, -1),
        (Send, 0), // issues at 5, costs 8 + 2
        (Push, 0),
        (Push, 2),
        (Push, 1),
        (Push, 1 << 16),
        (Push, -1),
        (Send, 0), // reaches the NIC at 20, refused until the first packet is out
        (Halt, 0),
    ];
    let params = NodeParams::default();
    let stations = vec![
        node(0, sender, &params, 2),
        node(1, &[(Halt, 0)], &params, 2),
    ];
    let config: NetworkConfig = toml::from_str("tx_queue = 1").expect("config");
    let net = Network::new(&config, 2, 1).expect("network");
    let mut sim = Simulation::new(stations, net, Stepping::RunAhead, StopConditions::default());
    sim.run();
    let n = node_ref(&sim, 0);
    let free: u64 = 5_000_000 + 22_400_000; // the first packet's last bit leaves at 27.4 ns
    let retry_edge = free.div_ceil(1_000_000);
    assert_eq!(n.counters.stalled, retry_edge - 20);
    assert_eq!(n.cycle, retry_edge + 10 + 1);
    assert_eq!(n.state, NodeState::Halted);
}

/// The example scenarios, assembled with the real assembler, give identical runs
/// (instructions, cycles, memory, stacks, log) in both stepping modes.
#[test]
fn run_ahead_equals_single_stepping_on_the_example_programs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let assemble = |sources: &[std::path::PathBuf], libs: &[std::path::PathBuf]| {
        let options = aether_asm::Options {
            lib_dirs: libs.to_vec(),
        };
        aether_asm::assemble_files(sources, &options).map_err(|d| d.render())
    };
    for example in [
        "programs/examples/ring/ring.toml",
        "programs/examples/factorial-server/factorial.toml",
        "programs/examples/halo/halo.toml",
        "programs/examples/workers/workers.toml",
    ] {
        let scenario = crate::scenario::Scenario::load(&root.join(example), &assemble)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut digests = Vec::new();
        for stepping in [Stepping::RunAhead, Stepping::Single] {
            let mut sim = scenario
                .build(scenario.seed, None, stepping)
                .expect("builds");
            let outcome = sim.run();
            digests.push(digest(&sim, &outcome));
        }
        // With progress reporting, run-ahead is cut into slices: same results.
        let mut sim = scenario
            .build(scenario.seed, None, Stepping::RunAhead)
            .expect("builds");
        let outcome = sim.run_with(&|_, _| {}, &AtomicBool::new(false));
        digests.push(digest(&sim, &outcome));
        assert_eq!(digests[0], digests[1], "{example}");
        assert_eq!(digests[0], digests[2], "{example}");
    }
}

#[test]
fn progress_slices_do_not_change_a_long_computation() {
    // 3 million cycles of a counting loop: cut into 2^20-cycle slices when progress is shown,
    // which the event count does not see.
    let prog: &[(Opcode, i64)] = &[(Push, 1_000_000), (AddI, -1), (Dup, 0), (Jnz, 1), (Halt, 0)];
    let mut plain = world(&[prog], Stepping::RunAhead, None);
    let plain_out = plain.run();
    let mut sliced = world(&[prog], Stepping::RunAhead, None);
    let sliced_out = sliced.run_with(&|_, _| {}, &AtomicBool::new(false));
    assert_eq!(digest(&plain, &plain_out), digest(&sliced, &sliced_out));
    assert_eq!((plain_out.events, sliced_out.events), (1, 1));
}

/// docs/isa.md, Processes: `spawn` faults when every process slot is in use; a process
/// that has exited gives its slot back, and process ids are never reused.
#[test]
fn spawn_faults_only_while_every_slot_holds_a_live_process() {
    let prog: &[(Opcode, i64)] = &[
        (Push, 11),
        (Push, 0),
        (Spawn, 0), // pid 1: both slots live
        (Yield, 0), // p1 runs and exits, freeing its slot
        (Push, 11),
        (Push, 0),
        (Spawn, 0), // pid 2, in the freed slot
        (Push, 11),
        (Push, 0),
        (Spawn, 0), // 9: p0 and p2 live: too many processes
        (Halt, 0),
        (Exit, 0), // 11: every spawned process
    ];
    let params = NodeParams {
        processes: 2,
        ..NodeParams::default()
    };
    let mut sim = build_with(
        &[prog],
        Stepping::RunAhead,
        StopConditions::default(),
        &params,
    );
    sim.run();
    let n = node_ref(&sim, 0);
    let fault = n.fault.as_ref().expect("a fault");
    assert_eq!((fault.kind, fault.pc), ("too_many_processes", 9));
    assert_eq!(n.procs[0].ds[..2], [1, 2], "the pids spawn pushed");
}

#[test]
fn nic_misuse_faults_the_node() {
    let cases: &[(&[(Opcode, i64)], &str)] = &[
        (
            &[(Push, 0), (Push, 4), (Push, 7), (Recv, 0)],
            "never opened",
        ),
        (&[(Push, 5), (Close, 0)], "never opened"),
        (&[(Push, 70_000), (Poll, 0)], "does not exist"),
        (
            &[
                (Push, 0),
                (Push, 1),
                (Push, 1),
                (Push, 9 << 16),
                (Push, -1),
                (Send, 0),
            ],
            "not on the network",
        ),
    ];
    for (prog, needle) in cases {
        let mut sim = world(&[prog], Stepping::RunAhead, None);
        sim.run();
        let n = node_ref(&sim, 0);
        let fault = n.fault.as_ref().expect("a fault");
        assert_eq!(fault.kind, "nic", "{prog:?}");
        assert!(fault.message.contains(needle), "{}", fault.message);
        assert_eq!(fault.pc as usize, prog.len() - 1);
    }
}

#[test]
fn a_message_to_a_closed_inbox_comes_back_marked_as_returned() {
    // Node 0 sends type 7 to node 1's inbox 9 (never opened) with reply-to (0, 0), then
    // receives the returned message and emits its header words.
    let sender: &[(Opcode, i64)] = &[
        (Push, 10),
        (Push, 1),
        (Push, 7),
        (Push, (1 << 16) | 9),
        (Push, 0),
        (Send, 0),
        (Push, -1),
        (Wait, 0),
        (Drop, 0),
        (Push, 20),
        (Push, 4),
        (Push, 0),
        (Recv, 0),
        (LoadI, 20),
        (LoadI, 21),
        (LoadI, 22),
        (Push, 1),
        (Emit, 4),
        (Halt, 0),
    ];
    let mut sim = world(&[sender, &[(Halt, 0)]], Stepping::RunAhead, None);
    sim.run();
    let n = node_ref(&sim, 0);
    assert_eq!(n.fault, None);
    // [len, type | bit 31, source = the bouncing node, reply-to = -1]
    assert_eq!(n.log[0].values, vec![1, 7 | 0x8000_0000, 1, u32::MAX]);
}

/// Local inputs from a list of `(time, message)` in time order.
struct Scheduled(std::collections::VecDeque<(Time, aether_network::Message)>);

impl crate::local_io::InputSource for Scheduled {
    fn next_time(&self) -> Option<Time> {
        self.0.front().map(|(t, _)| *t)
    }

    fn pop(&mut self, out: &mut Vec<aether_network::Message>) {
        let now = self.next_time();
        while let Some((t, _)) = self.0.front()
            && Some(*t) == now
        {
            out.extend(self.0.pop_front().map(|(_, m)| m));
        }
    }
}

/// A one-word local input for node 0's inbox 0 at `t`.
fn input(t: Time, word: u32) -> (Time, aether_network::Message) {
    let msg = aether_network::Message {
        src: 0,
        dst: aether_network::Address::new(0, 0),
        reply_to: None,
        msg_type: 9,
        payload: vec![word].into(),
    };
    (t, msg)
}

/// `RECEIVER` after `busy` cycles of pushes and drops.
fn busy_receiver(busy: usize) -> Vec<(Opcode, i64)> {
    let mut program: Vec<(Opcode, i64)> = [(Push, 1), (Drop, 0)].repeat(busy / 2);
    program.extend_from_slice(RECEIVER);
    program
}

fn with_inputs(
    program: &[(Opcode, i64)],
    inputs: Vec<(Time, aether_network::Message)>,
    stepping: Stepping,
) -> (Simulation, Outcome) {
    let mut sim = world(&[program], stepping, None);
    sim.set_inputs(Box::new(Scheduled(inputs.into())));
    let outcome = sim.run();
    (sim, outcome)
}

#[test]
fn a_local_input_wakes_its_node_at_the_hand_computed_time_without_the_network() {
    let traffic = |sim: &Simulation| {
        let s = sim.world.net.stats();
        format!("{:?} {:?} {:?} {}", s.nodes, s.types, s.drops, s.in_flight)
    };
    let quiet = traffic(&world(&[RECEIVER], Stepping::RunAhead, None));
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        // Waiting since cycle 3; the input at 5 ns wakes it at edge 5: drop, 3 pushes,
        // recv (8 + 1 word), drop, loadi, loadi, push -> emit.
        let (sim, _) = with_inputs(RECEIVER, vec![input(5_000_000, 77)], stepping);
        let rx = node_ref(&sim, 0);
        let emit = 5 + 1 + 3 + 9 + 1 + 2 + 2 + 1;
        assert_eq!(rx.log[0].time_fs, emit * 1_000_000);
        assert_eq!(rx.log[0].values, vec![77, 0]);
        assert_eq!(sim.world.input_stats.placed, 1);
        assert_eq!(traffic(&sim), quiet, "no network traffic");
        // Busy for 40 cycles past the input's time: its wait finds the input already there
        // (push, wait 2, then as above).
        let (sim, _) = with_inputs(&busy_receiver(40), vec![input(5_000_000, 78)], stepping);
        let rx = node_ref(&sim, 0);
        let emit = 40 + 1 + 2 + 1 + 3 + 9 + 1 + 2 + 2 + 1;
        assert_eq!(rx.log[0].time_fs, emit * 1_000_000);
        assert_eq!(rx.log[0].values, vec![78, 0]);
    }
}

#[test]
fn run_ahead_equals_single_stepping_with_local_inputs() {
    for busy in [0, 2, 6, 40, 200] {
        let inputs = || (1..6).map(|i| input(i * 7_000_000, i as u32)).collect();
        let program = busy_receiver(busy);
        let digests = [Stepping::RunAhead, Stepping::Single].map(|stepping| {
            let (sim, outcome) = with_inputs(&program, inputs(), stepping);
            digest(&sim, &outcome)
        });
        assert_eq!(digests[0], digests[1], "busy {busy}");
    }
}

#[test]
fn local_inputs_for_a_full_inbox_are_lost_and_counted() {
    let config = NetworkConfig {
        inbox_capacity: 1,
        ..NetworkConfig::default()
    };
    let program: &[(Opcode, i64)] = &[(Halt, 0)];
    let stations = vec![node(0, program, &NodeParams::default(), 1)];
    let net = Network::new(&config, 1, 1).expect("network");
    let mut sim = Simulation::new(stations, net, Stepping::RunAhead, StopConditions::default());
    sim.set_inputs(Box::new(Scheduled(
        vec![input(3, 1), input(3, 2), input(4, 3)].into(),
    )));
    sim.run();
    assert_eq!(
        sim.world.input_stats,
        crate::local_io::InputStats { placed: 1, lost: 2 }
    );
}

/// `SENDER` with its message addressed to `dst`.
fn sender_to(dst: i64) -> Vec<(Opcode, i64)> {
    SENDER
        .iter()
        .map(|&(op, arg)| if arg == 1 << 16 { (op, dst) } else { (op, arg) })
        .collect()
}

#[test]
fn the_output_port_collects_a_send_at_its_cost_and_off_the_network() {
    let port = i64::from(crate::local_io::output_port(aether_isa::Addressing::Narrow));
    let run = |program: &[(Opcode, i64)], port_on: bool| {
        let mut sim = world(&[program, RECEIVER], Stepping::RunAhead, None);
        if let Station::Node(n) = &mut sim.world.stations[0] {
            n.outputs = port_on.then(Vec::new);
        }
        sim.run();
        sim
    };
    let to_port = run(&sender_to(port), true);
    let to_node = run(SENDER, true);
    let sender = node_ref(&to_port, 0);
    // Push, storei (2), 5 pushes: the send issues at cycle 8.
    assert_eq!(
        sender.outputs,
        Some(vec![crate::local_io::Output {
            time: 8_000_000,
            node: 0,
            msg_type: 7,
            payload: vec![42].into(),
        }])
    );
    assert_eq!(sender.cycle, node_ref(&to_node, 0).cycle, "a send's cost");
    let sent = |sim: &Simulation| {
        sim.world
            .net
            .stats()
            .nodes
            .iter()
            .map(|n| n.sent)
            .sum::<u64>()
    };
    assert_eq!(sent(&to_port), 0);
    assert_eq!(sent(&to_node), 1);
    // With the port off, the send enters the network (and comes back: no such inbox).
    let off = run(&sender_to(port), false);
    assert_eq!(sent(&off), 1);
    assert_eq!(node_ref(&off, 0).outputs, None);
}

/// Node `id`: `busy` cycles of pushes and drops, then a contribution of `value` to the
/// barrier wire with reply-to `(id, inbox)` (the send issues at cycle `busy + 8`: push,
/// storei 2, 5 pushes), then `RECEIVER` logging `[epoch, src]`.
fn contributor(id: u16, busy: usize, value: i64, inbox: i64) -> Vec<(Opcode, i64)> {
    let me = i64::from(id) << 16;
    let mut program: Vec<(Opcode, i64)> = [(Push, 1), (Drop, 0)].repeat(busy / 2);
    program.extend_from_slice(&[
        (Push, value),
        (StoreI, 10),
        (Push, 10),
        (Push, 1),
        (Push, 7),
        (
            Push,
            me | i64::from(crate::local_io::barrier_port(
                aether_isa::Addressing::Narrow,
            )),
        ),
        (Push, me | inbox),
        (Send, 0),
    ]);
    program.extend_from_slice(RECEIVER);
    program
}

/// Runs `programs` on a barrier wire of `latency` over all of them (`Tap::On`).
fn on_wire(
    programs: &[&[(Opcode, i64)]],
    latency: Time,
    stepping: Stepping,
) -> (Simulation, Outcome) {
    let mut sim = world(programs, stepping, None);
    for station in &mut sim.world.stations {
        if let Station::Node(n) = station {
            n.barrier = Tap::On(Vec::new());
        }
    }
    sim.set_barrier(Barrier::new(programs.len() as u16, latency, 9));
    let outcome = sim.run();
    (sim, outcome)
}

#[test]
fn a_barrier_release_comes_latency_after_the_latest_contribution() {
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let (early, late) = (contributor(0, 0, 1, 0), contributor(1, 30, 6, 0));
        let (sim, _) = on_wire(&[&early, &late], 5_000_000, stepping);
        // Node 1's send issues at cycle 30 + 8; the release at 38 ns + 5 ns wakes node 0
        // (waiting since cycle 8 + 9 + 1 + 2): at edge 43, drop, 3 pushes, recv (8 + 2
        // words), drop, loadi, loadi, push -> emit.
        let emit = 43 + 1 + 3 + 10 + 1 + 2 + 2 + 1;
        let rx = node_ref(&sim, 0);
        assert_eq!(rx.log[0].time_fs, emit * 1_000_000);
        assert_eq!(rx.log[0].values, vec![0, 0], "epoch 0, from node 0 itself");
        let header: Vec<u32> = (100..106).filter_map(|a| rx.mem.load(a)).collect();
        assert_eq!(
            header,
            [9, 0, u32::MAX, 2, 0, 1 | 6],
            "type, src, reply-to, [0, OR]"
        );
        let wire = sim.world.barrier.as_ref().expect("a wire");
        assert_eq!(
            (wire.released, wire.stats.placed, wire.stats.lost),
            (1, 2, 0)
        );
        let s = sim.world.net.stats();
        assert_eq!(
            s.nodes.iter().map(|n| n.sent).sum::<u64>(),
            0,
            "off the network"
        );
    }
}

#[test]
fn a_barrier_contribution_costs_what_a_send_costs() {
    let halt_after = |mut p: Vec<(Opcode, i64)>| {
        p.truncate(p.len() - RECEIVER.len());
        p.push((Halt, 0));
        p
    };
    let to_wire = halt_after(contributor(0, 0, 1, 0));
    let (wire, _) = on_wire(&[&to_wire], 5_000_000, Stepping::RunAhead);
    let to_node = sender_to(1 << 16);
    let mut net = world(&[&to_node, RECEIVER], Stepping::RunAhead, None);
    net.run();
    assert_eq!(to_wire.len(), to_node.len());
    assert_eq!(node_ref(&wire, 0).cycle, node_ref(&net, 0).cycle);
}

#[test]
fn run_ahead_equals_single_stepping_on_the_barrier_wire() {
    for busy in [0, 2, 6, 40, 200] {
        let programs = [
            contributor(0, busy, 1, 0),
            contributor(1, 8, 2, 0),
            contributor(2, 2 * busy, 4, 0),
        ];
        let refs: Vec<&[(Opcode, i64)]> = programs.iter().map(Vec::as_slice).collect();
        let digests = [Stepping::RunAhead, Stepping::Single].map(|stepping| {
            let (sim, outcome) = on_wire(&refs, 3_000_000, stepping);
            digest(&sim, &outcome)
        });
        assert_eq!(digests[0], digests[1], "busy {busy}");
    }
}

#[test]
fn a_release_to_an_inbox_never_opened_is_lost_and_counted() {
    let (a, b) = (contributor(0, 0, 1, 0), contributor(1, 0, 2, 5));
    let (sim, _) = on_wire(&[&a, &b], 1_000_000, Stepping::RunAhead);
    let wire = sim.world.barrier.as_ref().expect("a wire");
    assert_eq!(
        (wire.released, wire.stats.placed, wire.stats.lost),
        (1, 1, 1)
    );
    assert_eq!(node_ref(&sim, 0).log[0].values, vec![0, 0]);
    assert!(node_ref(&sim, 1).log.is_empty());
}

#[test]
fn a_bad_barrier_contribution_faults_the_node() {
    let foreign = {
        let mut p = contributor(0, 0, 1, 0);
        p[6].1 = 1 << 16;
        p
    };
    let none = {
        let mut p = contributor(0, 0, 1, 0);
        p[6].1 = -1;
        p
    };
    for (program, tap, needle) in [
        (&foreign, Tap::On(Vec::new()), "is not an inbox of node 0"),
        (&none, Tap::On(Vec::new()), "is not an inbox of node 0"),
        (
            &contributor(0, 0, 1, 0),
            Tap::Outsider,
            "not on the barrier wire",
        ),
    ] {
        let mut sim = world(&[program], Stepping::RunAhead, None);
        if let Station::Node(n) = &mut sim.world.stations[0] {
            n.barrier = tap;
        }
        sim.set_barrier(Barrier::new(0, 1, 9));
        sim.run();
        let fault = node_ref(&sim, 0).fault.as_ref().expect("a fault");
        assert!(fault.message.contains(needle), "{}", fault.message);
        assert_eq!(fault.pc, 7, "at the send");
    }
}

#[test]
fn without_a_wire_the_barrier_port_is_an_ordinary_inbox() {
    let mut sim = world(&[&contributor(0, 0, 1, 0)], Stepping::RunAhead, None);
    sim.run();
    let s = sim.world.net.stats();
    assert_eq!(s.nodes[0].sent, 1, "the send entered the network");
}

#[test]
fn a_message_delivered_during_a_waits_cost_resumes_it_when_the_cost_has_elapsed() {
    // docs/isa.md: `wait` issues at cycle 1 and costs 2; an input at 2 ns resumes it at
    // cycle 3, not 2: drop, 3 pushes, recv (8 + 1 word), drop, loadi, loadi, push -> emit.
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let (sim, _) = with_inputs(RECEIVER, vec![input(2_000_000, 77)], stepping);
        let emit = 3 + 1 + 3 + 9 + 1 + 2 + 2 + 1;
        assert_eq!(node_ref(&sim, 0).log[0].time_fs, emit * 1_000_000);
    }
}

/// The default network with links of `latency` fs.
fn with_latency(latency: Time) -> NetworkConfig {
    NetworkConfig {
        link: aether_network::LinkClassConfig {
            latency: Some(latency),
            ..Default::default()
        },
        ..NetworkConfig::default()
    }
}

/// `programs` on `net`, one node each at 1 GHz, run to exhaustion.
fn run_on(
    net: &NetworkConfig,
    programs: &[&[(Opcode, i64)]],
    stepping: Stepping,
) -> (Simulation, Outcome) {
    let params = NodeParams::default();
    let n = programs.len();
    let stations = programs
        .iter()
        .enumerate()
        .map(|(i, p)| node(i as u32, p, &params, n as u32))
        .collect();
    let net = Network::new(net, n, 1).expect("network");
    let mut sim = Simulation::new(stations, net, stepping, StopConditions::default());
    let outcome = sim.run();
    (sim, outcome)
}

/// A `poll` decided early, inside the node's run-ahead, must still count a message whose
/// delivery is already scheduled before the poll's time. Default network: nothing sent
/// at or after `now` reaches a node before `now` + 10 ns of latency + 16 ns for a bare
/// 160-bit header at 10 Gbit/s = `now` + 26 ns; the sender's one-word message leaves at
/// 8 ns and arrives at 8 + 29.2 = 37.2 ns.
#[test]
fn an_early_poll_still_sees_a_delivery_scheduled_before_it() {
    let mut receiver = vec![(Push, 0), (Poll, 0)]; // poll issues at 1 ns
    receiver.extend([(Nop, 0); 23]); // 3 .. 26
    receiver.extend([(Push, 0), (Poll, 0)]); // poll at 27 ns
    receiver.extend([(Nop, 0); 7]); // 29 .. 36
    receiver.extend([(Push, 0), (Poll, 0)]); // poll at 37 ns
    receiver.extend([(Push, 0), (Poll, 0), (Halt, 0)]); // poll at 40 ns
    let programs: [&[(Opcode, i64)]; 2] = [SENDER, &receiver];
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let (sim, outcome) = run_on(&NetworkConfig::default(), &programs, stepping);
        let rx = node_ref(&sim, 1);
        // 37 ns is before the delivery at 37.2 ns, 40 ns after it.
        assert_eq!(rx.procs[0].ds, vec![0, 0, 0, 1], "{stepping:?}");
        assert_eq!(rx.cycle, 43);
        if stepping == Stepping::RunAhead {
            // The polls at 1 ns (before 0 + 26) and at 37 ns (decided at 27 ns: before the
            // scheduled delivery at 37.2, which comes before 27 + 26) take no event; the one
            // at 27 ns (not before 0 + 26) and the one at 40 ns (after 37.2) do. Events: both
            // nodes at 0, the sender's `send` at 8, the delivery at 37.2, the receiver at
            // 27 and at 40.
            assert_eq!(outcome.events, 6);
        }
    }
}

/// Two messages placed in one inbox at the same femtosecond wake its owner once; the
/// node, driven from the first wake-up, drains both and waits again before the second
/// wake-up is handled. That `wait` must not be decided early, or the second wake-up
/// would end it with the flag 1. Links of 100 ns: both senders' one-word messages
/// leave at 8 ns and arrive at 8 + 19.2 + 100 = 127.2 ns (edge 128). The receiver:
/// drop at 128, three pushes, recv 132-140 (no payload word copied), drop, three pushes,
/// recv 144-152, drop, push at 153, wait 154-156 with nothing left: it times out at
/// 156 + 5 = 161 pushing 0, and the flag is emitted at 162 ns.
#[test]
fn a_wait_after_draining_same_time_deliveries_waits_for_their_wake_ups() {
    let mut sender = SENDER.to_vec();
    sender[5] = (Push, 2 << 16);
    let receiver: &[(Opcode, i64)] = &[
        (Push, -1),
        (Wait, 0),
        (Drop, 0),
        (Push, 100),
        (Push, 0),
        (Push, 0),
        (Recv, 0),
        (Drop, 0),
        (Push, 100),
        (Push, 0),
        (Push, 0),
        (Recv, 0),
        (Drop, 0),
        (Push, 5),
        (Wait, 0),
        (Push, 9),
        (Emit, 1),
        (Halt, 0),
    ];
    let net = with_latency(100_000_000);
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let (sim, _) = run_on(&net, &[&sender, &sender, receiver], stepping);
        let rx = node_ref(&sim, 2);
        let got: Vec<(u32, Vec<u32>, Time)> = rx
            .log
            .iter()
            .map(|r| (r.tag, r.values.clone(), r.time_fs))
            .collect();
        assert_eq!(got, vec![(9, vec![0], 162_000_000)], "{stepping:?}");
    }
}

/// Default network: a 2-word message is 160 + 64 = 224 bits, 22.4 ns at 10 Gbit/s, plus
/// 10 ns of link latency.
const TWO_WORD_FLIGHT: Time = 22_400_000 + 10_000_000;

/// docs/isa.md, Cost of an instruction: `send` costs its base cost plus `nic.word` cycles
/// per payload word, `recv` plus `nic.word` per word it copies (`min(length, max)`),
/// here with `nic.word = 3`. The receiver takes 1 word of a 2-word message; `recv`
/// pushes the full length and writes it at `buf[3]`, and the word it did not copy stays 0.
#[test]
fn send_and_recv_charge_nic_word_cycles_per_word_moved() {
    let profile = TimingProfile {
        nic_word: 3,
        ..TimingProfile::default()
    };
    let params = NodeParams {
        profile: Arc::new(profile.clone()),
        ..NodeParams::default()
    };
    // `SENDER` with words 42 and 43 at 10 and 11, sending both.
    let mut sender = vec![(Push, 43), (StoreI, 11)];
    sender.extend_from_slice(SENDER);
    sender[5] = (Push, 2);
    let receiver: &[(Opcode, i64)] = &[
        (Push, -1),
        (Wait, 0),
        (Drop, 0),
        (Push, 100),
        (Push, 1),
        (Push, 0),
        (Recv, 0),
        (LoadI, 103),
        (LoadI, 104),
        (LoadI, 105),
        (Push, 5),
        (Emit, 4),
        (Halt, 0),
    ];
    let c = |op: Opcode| u64::from(profile.cost(op));
    let send_issue = 7 * c(Push) + 2 * c(StoreI);
    let wake = (send_issue * 1_000_000 + TWO_WORD_FLIGHT).div_ceil(1_000_000);
    let emit = wake + c(Drop) + 3 * c(Push) + c(Recv) + 3 + 3 * c(LoadI) + c(Push);
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let mut sim = build_with(
            &[&sender, receiver],
            stepping,
            StopConditions::default(),
            &params,
        );
        sim.run();
        let tx = node_ref(&sim, 0);
        assert_eq!(
            tx.cycle,
            send_issue + c(Send) + 2 * 3 + c(Halt),
            "{stepping:?}"
        );
        let rx = node_ref(&sim, 1);
        assert_eq!(rx.log.len(), 1, "{stepping:?}");
        assert_eq!(rx.log[0].time_fs, emit * 1_000_000, "{stepping:?}");
        assert_eq!(rx.log[0].values, vec![2, 2, 42, 0], "{stepping:?}");
    }
}

/// docs/isa.md, Faults: a `send` or `recv` whose words reach past the memory faults as
/// out of range, naming the first address past the end (or its start, when that is
/// already outside); a range that ends exactly at the end of memory is fine.
#[test]
fn nic_transfers_past_the_end_of_memory_fault_and_those_up_to_it_do_not() {
    let params = NodeParams {
        memory: 64,
        ..NodeParams::default()
    };
    let run = |programs: &[&[(Opcode, i64)]]| {
        let mut sim = build_with(
            programs,
            Stepping::RunAhead,
            StopConditions::default(),
            &params,
        );
        sim.run();
        let n = |i| {
            node_ref(&sim, i)
                .fault
                .as_ref()
                .map(|f| (f.pc, f.message.clone()))
        };
        (n(0), n(1))
    };
    let range = |pc: u32, addr: u32| Some((pc, FaultKind::MemoryRange(addr).to_string()));
    let send = |buf: i64, len: i64| {
        [
            (Push, buf),
            (Push, len),
            (Push, 7),
            (Push, 1 << 16),
            (Push, -1),
            (Send, 0),
        ]
    };
    // words 62 and 63 go out; 63 and 64 do not.
    let tx = [send(62, 2), send(63, 2)].concat();
    assert_eq!(run(&[&tx, &[(Halt, 0)]]).0, range(11, 64));
    let tx = send(70, 1);
    assert_eq!(run(&[&tx, &[(Halt, 0)]]).0, range(5, 70));
    // A 1-word message: header and payload at 59..64 fit, at 60..65 do not.
    for (buf, fault) in [(59, None), (60, range(6, 64))] {
        let rx = [
            (Push, -1),
            (Wait, 0),
            (Drop, 0),
            (Push, buf),
            (Push, 8),
            (Push, 0),
            (Recv, 0),
            (Halt, 0),
        ];
        assert_eq!(run(&[SENDER, &rx]).1, fault, "buf {buf}");
    }
}

/// docs/isa.md, Addresses and inboxes: in a wide run `open` gives inboxes 1 to 255 in
/// order, and the next `open` faults (`nic`) without pushing anything.
#[test]
fn a_wide_node_opens_inboxes_up_to_255_and_faults_on_the_next() {
    let prog: &[(Opcode, i64)] = &[
        (Push, 255),
        (Open, 0), // 1
        (Emit, 0), // tag = the inbox id
        (AddI, -1),
        (Dup, 0),
        (Jnz, 1),
        (Open, 0), // 6: inbox 256
        (Halt, 0),
    ];
    let sim = run_addressed(aether_isa::Addressing::Wide, &[prog], Stepping::RunAhead);
    let n = node_ref(&sim, 0);
    let tags: Vec<u32> = n.log.iter().map(|r| r.tag).collect();
    assert_eq!(tags, (1..=255).collect::<Vec<u32>>());
    let fault = n.fault.as_ref().expect("a fault");
    assert_eq!((fault.kind, fault.pc), ("nic", 6));
    assert!(
        fault
            .message
            .contains("every inbox id a wide address word holds (0 to 255)"),
        "{}",
        fault.message
    );
    assert_eq!(n.procs[0].ds, vec![0]);
}

/// docs/isa.md, When a NIC instruction takes effect: with a budget of `b` cycles for an
/// activation that began at cycle `a`, the instruction that crosses `a + b` completes and
/// the budget fault comes at the next boundary, with the PC of the instruction that would
/// issue next; if the crossing instruction ends the activation there is no fault, and (as
/// in `count` mode) an activation longer than `b` cycles is a deadline miss, one of
/// exactly `b` is not.
#[test]
fn the_budget_faults_at_the_first_boundary_past_it_or_counts_a_miss() {
    let pushes: Vec<(Opcode, i64)> = [(Push, 1)]
        .repeat(10)
        .into_iter()
        .chain([(Halt, 0)])
        .collect();
    let mul: &[(Opcode, i64)] = &[(Push, 6), (Push, 7), (Mul, 0), (Halt, 0)];
    let sleep: &[(Opcode, i64)] = &[(Push, 0), (Sleep, 0), (Halt, 0)];
    let p = TimingProfile::default();
    let c = |op: Opcode| u64::from(p.cost(op));
    let run = |program: &[(Opcode, i64)], budget: u64, faults: bool, stepping| {
        let params = NodeParams {
            budget: Some(budget),
            budget_faults: faults,
            ..NodeParams::default()
        };
        let mut sim = build_with(&[program], stepping, StopConditions::default(), &params);
        sim.run();
        let n = node_ref(&sim, 0);
        let fault = n
            .fault
            .as_ref()
            .map(|f| (f.pc, f.time_fs, f.message.clone()));
        (fault, n.procs[0].ds.clone(), n.counters)
    };
    let budget = |b: u64| FaultKind::Budget(b).to_string();
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        // Five pushes use the budget of 5 exactly; the sixth crosses it.
        let (fault, ds, _) = run(&pushes, 5, true, stepping);
        assert_eq!(
            fault,
            Some((6, 6 * c(Push) * 1_000_000, budget(5))),
            "{stepping:?}"
        );
        assert_eq!(ds.len(), 6);
        // `mul` crosses a budget of 4 (2 to 2 + 3) and completes.
        let (fault, ds, _) = run(mul, 4, true, stepping);
        let end = 2 * c(Push) + c(Mul);
        assert_eq!(fault, Some((3, end * 1_000_000, budget(4))), "{stepping:?}");
        assert_eq!(ds, vec![42]);
        // A `sleep` crossing a budget of 2 ends its activation (3 cycles: a miss); the
        // `halt` after it is an activation of its own.
        let (fault, _, counters) = run(sleep, 2, true, stepping);
        assert_eq!(fault, None, "{stepping:?}");
        let first = c(Push) + c(Sleep);
        assert_eq!(
            (
                counters.activations,
                counters.deadline_misses,
                counters.largest_activation
            ),
            (2, 1, first)
        );
        // Counted, not faulting: 11 cycles against budgets of 5 (the budget that faults
        // at the sixth push above), 10 and 11; every push runs.
        let length = 10 * c(Push) + c(Halt);
        for (b, misses) in [(5, 1), (length - 1, 1), (length, 0)] {
            let (fault, ds, counters) = run(&pushes, b, false, stepping);
            assert_eq!((fault, ds.len()), (None, 10), "budget {b} {stepping:?}");
            assert_eq!(
                (counters.deadline_misses, counters.largest_activation),
                (misses, length),
                "budget {b} {stepping:?}"
            );
        }
    }
}

/// docs/network.md (since 341d68a): every NIC and process instruction but `send` is
/// decided inside the node's run-ahead while nothing can reach the node up to its time
/// (the quiet window: nothing sent at or after the engine's time arrives before the link
/// latency, 1 ms here, has passed). A node alone on the network that opens, polls,
/// peeks, closes, yields and asks its pid in a loop, then exits (closing its empty inbox
/// 0), all well inside 1 ms, takes one engine event, its start at time 0, however many
/// turns it makes.
#[test]
fn nic_instructions_of_a_node_nothing_can_reach_take_no_event() {
    let program = |turns: i64| -> Vec<(Opcode, i64)> {
        vec![
            (Push, turns),
            (Open, 0), // 1
            (Dup, 0),
            (Poll, 0),
            (Drop, 0),
            (Dup, 0),
            (Peek, 0),
            (Drop, 0),
            (Close, 0),
            (Yield, 0),
            (SelfPid, 0),
            (Drop, 0),
            (AddI, -1),
            (Dup, 0),
            (Jnz, 1),
            (Drop, 0),
            (Exit, 0),
        ]
    };
    let slow = with_latency(1_000_000_000_000);
    for turns in [1, 30] {
        let (sim, outcome) = run_on(&slow, &[&program(turns)], Stepping::RunAhead);
        let n = node_ref(&sim, 0);
        assert_eq!((n.state, n.fault.as_ref()), (NodeState::Halted, None));
        assert_eq!(n.counters.instructions, 1 + 14 * turns as u64 + 2);
        assert_eq!(outcome.events, 1, "{turns} turns");
    }
}

/// `programs`, one node each, all assembled for `addressing`, run to exhaustion.
fn run_addressed(
    addressing: aether_isa::Addressing,
    programs: &[&[(Opcode, i64)]],
    stepping: Stepping,
) -> Simulation {
    let params = NodeParams::default();
    let stations = programs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let image = Arc::new(aether_isa::Image {
                addressing,
                ..(*image(p)).clone()
            });
            let program = Arc::new(Program::new(image, &params.profile));
            let node = Node::new(
                i as u32,
                params.clone(),
                program,
                0,
                programs.len() as u32,
                11,
            );
            Station::Node(Box::new(node.expect("valid node")))
        })
        .collect();
    let net = Network::new(&NetworkConfig::default(), programs.len(), 1).expect("network");
    let mut sim = Simulation::new(stations, net, stepping, StopConditions::default());
    sim.run();
    sim
}

/// docs/isa.md, Receiving and Addresses and inboxes: `recv` writes the source node id at
/// `buf[1]` and the reply-to address word at `buf[2]`, built by the run's addressing:
/// node 2's inbox 7 is `(2 << 16) | 7` narrow and `(2 << 8) | 7` wide.
#[test]
fn recv_writes_the_reply_to_word_of_the_runs_addressing() {
    // `RECEIVER` up to its `recv` of `buf` = 100, then logging `buf[1]` and `buf[2]`.
    let mut receiver = RECEIVER[..8].to_vec();
    receiver.extend([(LoadI, 101), (LoadI, 102), (Push, 5), (Emit, 2), (Halt, 0)]);
    for (addressing, shift) in [
        (aether_isa::Addressing::Narrow, 16),
        (aether_isa::Addressing::Wide, 8),
    ] {
        let sender: Vec<(Opcode, i64)> = SENDER
            .iter()
            .map(|&(op, arg)| match arg {
                x if x == 1 << 16 => (op, 1 << shift),
                -1 => (op, (2 << shift) | 7),
                _ => (op, arg),
            })
            .collect();
        for stepping in [Stepping::RunAhead, Stepping::Single] {
            let sim = run_addressed(addressing, &[&[(Halt, 0)], &receiver, &sender], stepping);
            let rx = node_ref(&sim, 1);
            let values: Vec<Vec<u32>> = rx.log.iter().map(|r| r.values.clone()).collect();
            assert_eq!(
                values,
                vec![vec![2, (2 << shift) | 7]],
                "{addressing} {stepping:?}"
            );
        }
    }
}

/// `cycles` cycles of pushes and drops (`cycles` even).
fn busy(cycles: usize) -> Vec<(Opcode, i64)> {
    [(Push, 1), (Drop, 0)].repeat(cycles / 2)
}

/// A `wait` with mail, a `peek` of a non-empty inbox and a `recv` the inbox has room
/// around are settled: their result at the node's own time is the one they have at the
/// engine's time, so they take no event even when something could reach the node before
/// its time; a `peek` of an empty inbox is not, and takes one. `SENDER`'s message reaches
/// node 1 at 37.2 ns. Node 1 computes to 101 ns, so its first `wait` (not settled at 0:
/// no mail yet, and past the quiet window of 0 + 26 ns) takes an event at 101; its later
/// NIC instructions (`peek` at 145, `wait` at 189, `recv` at 235, and `peek` at 286 of
/// the emptied inbox) come more than 26 ns after 101. Events: both nodes at 0, the
/// `send` at 8, the delivery at 37.2, node 1 at 101 and at 286; the
/// `halt` issues at 288.
#[test]
fn settled_nic_instructions_take_no_event_and_an_unsettled_one_does() {
    let mut receiver = busy(100);
    receiver.extend([(Push, -1), (Wait, 0), (Drop, 0)]); // wait at 101, drop at 103
    receiver.extend(busy(40)); // 104 .. 144
    receiver.extend([(Push, 0), (Peek, 0), (Drop, 0)]); // peek at 145, drop at 147
    receiver.extend(busy(40)); // 148 .. 188
    receiver.extend([(Push, -1), (Wait, 0), (Drop, 0)]); // wait at 189, drop at 191
    receiver.extend(busy(40)); // 192 .. 232
    receiver.extend([(Push, 100), (Push, 8), (Push, 0), (Recv, 0), (Drop, 0)]); // recv at 235
    receiver.extend(busy(40)); // 245 .. 285
    receiver.extend([(Push, 0), (Peek, 0), (Halt, 0)]); // peek at 286 -> -1
    let programs: [&[(Opcode, i64)]; 2] = [SENDER, &receiver];
    let (sim, outcome) = run_on(&NetworkConfig::default(), &programs, Stepping::RunAhead);
    let rx = node_ref(&sim, 1);
    assert_eq!(rx.procs[0].ds, vec![u32::MAX]);
    assert_eq!(rx.mem.load(104), Some(42));
    assert_eq!(rx.cycle, 289);
    assert_eq!(outcome.events, 6);
}

/// Runs `programs` in `stepping` with node `watched`'s activity record on (as
/// `aether run --vcd` does) and returns that record.
fn activity_of(
    programs: &[&[(Opcode, i64)]],
    config: &str,
    stepping: Stepping,
    watched: usize,
) -> crate::node::Activity {
    let params = NodeParams::default();
    let n = programs.len() as u32;
    let stations = programs
        .iter()
        .enumerate()
        .map(|(i, p)| node(i as u32, p, &params, n))
        .collect();
    let config: NetworkConfig = toml::from_str(config).expect("config");
    let net = Network::new(&config, programs.len(), 1).expect("network");
    let mut sim = Simulation::new(stations, net, stepping, StopConditions::default());
    let Station::Node(node) = &mut sim.world.stations[watched] else {
        panic!("station {watched} is a node");
    };
    node.activity = Some(Box::default());
    sim.run();
    *node_ref(&sim, watched)
        .activity
        .clone()
        .expect("activity on")
}

/// The activity record (`node::activity`, docs/debugging.md's waveform signals) of
/// `RECEIVER`, by hand from docs/isa.md's cycles: its `wait` issues at 1 and blocks at
/// 1 + 2 = 3, `SENDER`'s message arrives at 8 ns + the one-word flight = 37.2 ns, which
/// wakes the process at edge 38; the `recv` issues at 38 + 1 (`drop`) + 3 (`push`es) = 42
/// and takes the message (the inbox's count goes 0, 1, 0). One process: no switch.
#[test]
fn activity_records_a_wait_the_wake_and_the_mail_taken() {
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let a = activity_of(&[SENDER, RECEIVER], "", stepping, 1);
        let arrival = 8_000_000 + ONE_WORD_FLIGHT;
        assert_eq!(arrival.div_ceil(1_000_000), 38);
        assert_eq!(
            a.procs,
            vec![
                (3, 0, crate::node::ProcState::Waiting(None)),
                (38, 0, crate::node::ProcState::Ready)
            ],
            "{stepping:?}"
        );
        assert_eq!(
            a.inbox,
            vec![(arrival, 1), (42_000_000, -1)],
            "{stepping:?}"
        );
        assert!(a.stalls.is_empty() && a.current.is_empty(), "{stepping:?}");
    }
}

/// Process changes of `processes_round_robin_with_switch_costs`'s program (its comments
/// give the cycles): p1 exists, ready, from the edge its `spawn` issues at, 2 (two
/// `push`es; docs/debugging.md: its `state` is `x` before it was spawned); `yield` ends at 11 and
/// p1 takes the CPU there (then the 2-cycle switch); p1's `exit` ends at 19, p0 takes the
/// CPU at 19; p0's `exit` ends at 27. A stall: the second `send` of
/// `a_full_transmit_queue_stalls_the_sender_until_it_drains` reaches the NIC at 20 and
/// is taken at the first edge after 27.4 ns, 28.
#[test]
fn activity_records_spawns_switches_exits_and_stalls() {
    let prog: &[(Opcode, i64)] = &[
        (Push, 7),
        (Push, 9),
        (Spawn, 0),
        (Yield, 0),
        (Push, 1),
        (Emit, 1),
        (Exit, 0),
        (Push, 2),
        (Emit, 1),
        (Exit, 0),
    ];
    let mut send = vec![(Push, 0), (Push, 2), (Push, 1), (Push, 1 << 16), (Push, -1)];
    send.push((Send, 0));
    let sender: Vec<(Opcode, i64)> = [send.clone(), send, vec![(Halt, 0)]].concat();
    use crate::node::ProcState::{Done, Ready};
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        let a = activity_of(&[prog], "", stepping, 0);
        assert_eq!(
            a.procs,
            vec![(2, 1, Ready), (19, 1, Done), (27, 0, Done)],
            "{stepping:?}"
        );
        assert_eq!(a.current, vec![(11, 1), (19, 0)], "{stepping:?}");
        assert!(a.stalls.is_empty() && a.inbox.is_empty(), "{stepping:?}");
        let a = activity_of(&[&sender, &[(Halt, 0)]], "tx_queue = 1", stepping, 0);
        assert_eq!(a.stalls, vec![(20, 28)], "{stepping:?}");
    }
}

/// A `close` or `exit` that closes an inbox still holding a message sends the message
/// back to its sender over the links, so its result is not decided by the node alone: it
/// takes an event at its time even when nothing can reach the node before then; closing
/// an empty inbox takes none. Node 1 computes to 101 ns, past `SENDER`'s delivery at
/// 37.2 ns (`SENDER` halts at 9; without mail node 0 only halts), and `poll`s there,
/// which takes an event (past the quiet window of 0 + 26 ns); then, within that of 101,
/// it closes inbox 0 (with `close` at 105, or by exiting its only process, which owns
/// it, at 104). Events: both nodes at 0, the `poll` at 101, and with mail the `send` at
/// 8, the delivery at 37.2 and the `close` or `exit`.
#[test]
fn closing_an_inbox_that_holds_mail_takes_an_event() {
    for (closing, mail) in [
        (&[(Push, 0), (Close, 0), (Halt, 0)][..], true),
        (&[(Exit, 0)], true),
        (&[(Push, 0), (Close, 0), (Halt, 0)], false),
        (&[(Exit, 0)], false),
    ] {
        let mut receiver = busy(100);
        receiver.extend([(Push, 0), (Poll, 0), (Drop, 0)]);
        receiver.extend_from_slice(closing);
        let sender: &[(Opcode, i64)] = if mail { SENDER } else { &[(Halt, 0)] };
        let programs = [sender, &receiver];
        let (sim, outcome) = run_on(&NetworkConfig::default(), &programs, Stepping::RunAhead);
        let rx = node_ref(&sim, 1);
        assert_eq!((rx.state, rx.fault.as_ref()), (NodeState::Halted, None));
        let c = |op: Opcode| u64::from(TimingProfile::default().cost(op));
        let end = match closing.len() {
            1 => 104 + c(Exit),
            _ => 105 + c(Close) + c(Halt),
        };
        let events = if mail { 6 } else { 3 };
        assert_eq!(
            (outcome.events, rx.cycle),
            (events, end),
            "{closing:?} {mail}"
        );
    }
}

/// Counts down 30 turns, then sends its node id to node 2's inbox 0 and halts: two of them
/// send at the same femtosecond.
fn id_sender() -> Vec<(Opcode, i64)> {
    vec![
        (Push, 30),
        (AddI, -1), // 1
        (Dup, 0),
        (Jnz, 1),
        (Drop, 0),
        (NodeId, 0),
        (StoreI, 10),
        (Push, 10),
        (Push, 1),
        (Push, 7),
        (Push, 2 << 16),
        (Push, -1),
        (Send, 0),
        (Halt, 0),
    ]
}

/// Takes two messages from inbox 0 and logs their first payload words, in the order taken.
fn two_receiver() -> Vec<(Opcode, i64)> {
    let mut program = Vec::new();
    for buf in [100, 110] {
        program.extend([(Push, -1), (Wait, 0), (Drop, 0), (Push, buf), (Push, 8)]);
        program.extend([(Push, 0), (Recv, 0), (Drop, 0)]);
    }
    program.extend([(LoadI, 104), (LoadI, 114), (Push, 5), (Emit, 2), (Halt, 0)]);
    program
}

/// A message sent ahead of the engine enters the network at its send time in the engine's
/// order, not when the node ran past its `send`: nodes 0 and 1 send to one inbox at the
/// same femtosecond (their packets arrive together, placed in the order they were sent), one
/// ahead of the engine (untraced, it runs past its `send` in the engine's first round) and
/// the other at its own time (traced, it stops there). Node 0's message is taken first, as
/// single stepping takes it, whether it was the one sent ahead (it goes before node 1's
/// event) or not (node 1's goes after node 0's event).
#[test]
fn a_message_sent_ahead_enters_the_network_in_the_engines_order() {
    let (sender, receiver) = (id_sender(), two_receiver());
    let programs: &[&[(Opcode, i64)]] = &[&sender, &sender, &receiver];
    let mut single = world(programs, Stepping::Single, None);
    let single_outcome = single.run();
    let taken = |sim: &Simulation| node_ref(sim, 2).log[0].values.clone();
    assert_eq!(taken(&single), vec![0, 1]);
    for traced in [0, 1] {
        let runs_ahead = 1 - traced;
        let mut ahead = world(programs, Stepping::RunAhead, None);
        if let Station::Node(n) = &mut ahead.world.stations[traced] {
            n.trace = Some(Vec::new());
        }
        ahead.engine.run_for(&mut ahead.world, None, 2);
        assert_eq!(
            ahead.world.sent_ahead[traced].len(),
            0,
            "the traced node stops at its send"
        );
        assert_eq!(
            ahead.world.sent_ahead[runs_ahead].len(),
            1,
            "node {runs_ahead} ran past its send"
        );
        assert_eq!(node_ref(&ahead, runs_ahead).state, NodeState::Halted);
        let ahead_outcome = ahead.run();
        assert_eq!(taken(&ahead), vec![0, 1], "node {traced} traced");
        assert_eq!(ahead_outcome.end_time, single_outcome.end_time);
        assert_eq!(
            (
                node_ref(&ahead, runs_ahead).cycle,
                node_ref(&ahead, runs_ahead).counters
            ),
            (
                node_ref(&single, runs_ahead).cycle,
                node_ref(&single, runs_ahead).counters
            )
        );
    }
}

/// A `send` that could stall (the transmit queue would be full by the node's time counting
/// the messages it already sent ahead) waits for its own time: a node sending three
/// messages back to back with a transmit queue of two runs as single stepping runs it.
#[test]
fn a_send_that_could_stall_is_not_sent_ahead() {
    let mut burst = vec![(Push, 30), (AddI, -1), (Dup, 0), (Jnz, 1), (Drop, 0)];
    for _ in 0..3 {
        // `SENDER`'s send of memory word 10 to node 1.
        burst.extend_from_slice(&SENDER[2..8]);
    }
    burst.push((Halt, 0));
    let config = NetworkConfig {
        tx_queue: 2,
        ..NetworkConfig::default()
    };
    let run = |stepping| {
        let stations = vec![
            node(0, &burst, &NodeParams::default(), 2),
            node(1, &[(Halt, 0)], &NodeParams::default(), 2),
        ];
        let net = Network::new(&config, 2, 1).expect("network");
        let mut sim = Simulation::new(stations, net, stepping, StopConditions::default());
        sim.engine.run_for(&mut sim.world, None, 1);
        let ahead = sim.world.sent_ahead[0].len();
        let outcome = sim.run();
        (
            ahead,
            digest(&sim, &outcome),
            sim.world.net.stats().nodes[0].clone(),
        )
    };
    let (ahead, fast, fast_net) = run(Stepping::RunAhead);
    let (_, slow, slow_net) = run(Stepping::Single);
    assert_eq!(ahead, 2, "two fit in the queue, the third may find it full");
    assert_eq!(fast, slow);
    assert_eq!(format!("{fast_net:?}"), format!("{slow_net:?}"));
    assert!(fast.contains("state=Halted"));
}

/// A `send` ahead of the engine whose cycles end past the time limit leaves the node there,
/// as single stepping does (which would resume it past the limit, in an event that never
/// comes): no budget check, no fault. Every time limit around the `send` and every faulting
/// budget around its end.
#[test]
fn a_send_ahead_ending_past_the_time_limit_stops_the_node_there() {
    let mut program = vec![(Push, 30), (AddI, -1), (Dup, 0), (Jnz, 1), (Drop, 0)];
    program.extend_from_slice(&SENDER[2..8]);
    program.push((Jmp, 11));
    let idle: &[(Opcode, i64)] = &[(Halt, 0)];
    let mut sent_ahead = 0;
    for budget in 90..=115 {
        let params = NodeParams {
            budget: Some(budget),
            budget_faults: true,
            ..NodeParams::default()
        };
        for until_ns in 85..=120 {
            let until = Some(until_ns * 1_000_000);
            let (fast, slow) = both_ways_with(&[&program, idle], until, &params);
            assert_eq!(fast, slow, "budget {budget}, until {until_ns} ns");
            let stop = StopConditions {
                until,
                ..StopConditions::default()
            };
            let mut sim = build_with(&[&program, idle], Stepping::RunAhead, stop, &params);
            sim.engine.run_for(&mut sim.world, None, 1);
            sent_ahead += sim.world.sent_ahead[0].len();
        }
    }
    assert!(sent_ahead > 0, "some of these runs send ahead");
}

/// A node woken by its timer sends at the engine's own time, beside a node that sends from
/// ahead of the engine: node 0 pushes its `send`'s arguments, sleeps `n` cycles and sends to
/// node 2 as it wakes; node 1 counts down and sends to node 2 ahead of the engine. Every `n`
/// runs as single stepping runs it; for the `n` where both send at the same femtosecond
/// (the packets arrive together, placed in the order sent) node 1's message is taken first:
/// the timer makes node 0 a resume event in a later round of that time.
#[test]
fn a_node_woken_by_its_timer_sends_as_single_stepping_does() {
    let mut sleeper = id_sender()[5..13].to_vec();
    let send = sleeper.pop().expect("the send");
    let mut ahead = id_sender()[5..13].to_vec();
    ahead.pop();
    ahead.extend([
        (Push, 30),
        (AddI, -1),
        (Dup, 0),
        (Jnz, 8),
        (Drop, 0),
        send,
        (Halt, 0),
    ]);
    let receiver = two_receiver();
    let mut ties = 0;
    for n in 60..=110 {
        let mut program = sleeper.clone();
        program.extend([(Push, n), (Sleep, 0), send, (Halt, 0)]);
        let programs: &[&[(Opcode, i64)]] = &[&program, &ahead, &receiver];
        let (fast, slow) = both_ways(programs, None);
        assert_eq!(fast, slow, "sleep {n}");
        let mut single = world(programs, Stepping::Single, None);
        single.run();
        if node_ref(&single, 0).cycle == node_ref(&single, 1).cycle {
            ties += 1;
            assert_eq!(node_ref(&single, 2).log[0].values, vec![1, 0]);
        }
    }
    assert_eq!(ties, 1, "one sleep makes both send at the same time");
}

/// A `send` that the simulation performs at the engine's own time, in the node's resume
/// event, is not sent ahead: node 0 sends twice back to back with a transmit queue of one,
/// so its second `send` stalls until the first packet has left and is retried in a resume
/// event at its own time; node 1 counts down `n` turns and sends from ahead of the engine.
/// Both to node 2's inbox. Every `n` runs as single stepping runs it, the `n` where both
/// messages are sent at the same femtosecond among them.
#[test]
fn a_send_retried_at_the_engines_time_keeps_its_place() {
    let mut twice = id_sender()[5..13].to_vec();
    twice.extend_from_slice(&id_sender()[7..13]);
    twice.push((Halt, 0));
    let receiver = two_receiver();
    let config = NetworkConfig {
        tx_queue: 1,
        ..NetworkConfig::default()
    };
    let run = |programs: &[&[(Opcode, i64)]], stepping| {
        let stations = programs
            .iter()
            .enumerate()
            .map(|(i, p)| node(i as u32, p, &NodeParams::default(), 3))
            .collect();
        let net = Network::new(&config, 3, 1).expect("network");
        let mut sim = Simulation::new(stations, net, stepping, StopConditions::default());
        let outcome = sim.run();
        (digest(&sim, &outcome), sim)
    };
    let mut ties = 0;
    for n in 1..=40 {
        let mut counter = id_sender();
        counter[0] = (Push, n);
        let programs: &[&[(Opcode, i64)]] = &[&twice, &counter, &receiver];
        let (fast, _) = run(programs, Stepping::RunAhead);
        let (slow, single) = run(programs, Stepping::Single);
        assert_eq!(fast, slow, "{n} turns");
        ties += usize::from(node_ref(&single, 0).cycle == node_ref(&single, 1).cycle);
    }
    assert!(ties > 0, "some n makes both send at the same time");
}
