//! An independent oracle for instruction semantics and timing.
//!
//! The reference evaluator below is written from `docs/isa.md` alone: the
//! semantics sections for what each stack, literal, ALU, comparison and memory
//! instruction does, and the generated instruction reference for every opcode,
//! operand kind and default cycle cost (parsed from the document itself). It
//! shares no code with the emulator: it encodes instructions by hand and
//! computes in 64-bit arithmetic with explicit masks. Random straight-line
//! programs over those instructions, fed with the edge values (0, 1, -1,
//! `i32::MIN`, `i32::MAX`, shift counts 0, 31, 32, 33), run on the emulator
//! in both stepping modes, under the default profile and under a profile with
//! random costs, and must end with the evaluator's stacks, memory, cycle
//! count, retired instructions, or fault (class, PC and time).

use std::collections::BTreeMap;
use std::sync::Arc;

use aether_cosim::node::{Exit, Node, NodeParams, NodeState, Program};
use aether_cosim::sim::{Simulation, Station, Stepping, StopConditions};
use aether_isa::{Image, TimingProfile};
use aether_network::{Network, NetworkConfig};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// One row of the instruction reference in docs/isa.md.
#[derive(Clone, Debug)]
struct Spec {
    /// The reference's group (`stack`, `alu`, ...).
    group: String,
    /// The 8-bit opcode.
    opcode: u32,
    /// The operand kind column (`none`, `signed 24-bit`, ...).
    operand: String,
    /// Cycles in the default profile.
    cycles: u64,
}

/// The instruction reference of docs/isa.md, by mnemonic.
fn reference() -> BTreeMap<String, Spec> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/isa.md");
    let text = std::fs::read_to_string(path).expect("docs/isa.md is readable");
    let mut group = String::new();
    let mut table = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("### Group `") {
            group = rest.trim_end_matches('`').to_string();
            continue;
        }
        // `\|` inside the stack-effect column is an escaped pipe, not a column break.
        let line = line.replace("\\|", "!");
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 9 || !cells[2].starts_with("`0x") {
            continue;
        }
        let unquote = |s: &str| s.trim_matches('`').to_string();
        let opcode = u32::from_str_radix(&unquote(cells[2])[2..], 16).expect("hex opcode");
        let cycles = cells[6].parse().expect("a cycle count");
        table.insert(
            unquote(cells[1]),
            Spec {
                group: group.clone(),
                opcode,
                operand: cells[4].to_string(),
                cycles,
            },
        );
    }
    table
}

/// The instructions the random programs draw from: every instruction of the
/// reference's `stack`, `literal`, `alu` and `memory` groups, plus the two
/// side-effect-free time readers of `system`.
const DRAWN: &[&str] = &[
    "nop", "drop", "dup", "swap", "over", "rot", "nip", "tuck", "pick", "tor", "fromr", "rfetch",
    "rdrop", "depth", "push", "pushw", "add", "sub", "mul", "div", "mod", "divu", "modu", "neg",
    "and", "or", "xor", "not", "shl", "shr", "sar", "addi", "eq", "ne", "lt", "le", "gt", "ge",
    "ltu", "gtu", "eqz", "load", "store", "loadi", "storei", "cycles", "now",
];

/// One instruction of a test program: a mnemonic and its operand (the literal for `pushw`).
#[derive(Clone, Debug)]
struct Ins {
    m: &'static str,
    arg: i64,
}

/// Encodes a program by the encoding section of docs/isa.md.
fn encode(program: &[Ins], specs: &BTreeMap<String, Spec>) -> Vec<u32> {
    let mut code = Vec::new();
    for ins in program {
        let spec = &specs[ins.m];
        let field = match spec.operand.as_str() {
            "none" | "32-bit word" => 0,
            _ => (ins.arg as u32) & 0x00FF_FFFF,
        };
        code.push(spec.opcode << 24 | field);
        if spec.operand == "32-bit word" {
            code.push(ins.arg as u32);
        }
    }
    code
}

const MASK: u64 = 0xFFFF_FFFF;

/// Signed value of a word.
fn s(w: u32) -> i64 {
    i64::from(w as i32)
}

/// Low 32 bits of an integer.
fn w(v: i64) -> u32 {
    (v as u64 & MASK) as u32
}

/// How a reference run ends.
#[derive(Clone, Debug, PartialEq)]
enum End {
    /// `halt` executed.
    Halted,
    /// The instruction at `pc`, issuing at `cycle`, faults with one of these classes.
    Fault {
        classes: Vec<&'static str>,
        pc: u32,
        cycle: u64,
    },
    /// The next instruction would issue at or after the time limit.
    Limit,
}

/// The reference machine: one process, its stacks, memory and the cycle of the next issue.
#[derive(Clone, Debug)]
struct Machine {
    ds: Vec<u32>,
    rs: Vec<u32>,
    mem: Vec<u32>,
    dmax: usize,
    rmax: usize,
    period: u64,
    cycle: u64,
    pc: u32,
    retired: u64,
}

impl Machine {
    /// The fault classes `ins` raises in the current state (empty if it executes).
    fn faults(&self, ins: &Ins) -> Vec<&'static str> {
        let (pops, pushes, rpops, rpushes) = shape(ins);
        let mut classes = Vec::new();
        let d = self.ds.len();
        if d < pops {
            classes.push("stack_underflow");
        } else if d - pops + pushes > self.dmax {
            classes.push("stack_overflow");
        }
        if self.rs.len() < rpops {
            classes.push("stack_underflow");
        } else if self.rs.len() - rpops + rpushes > self.rmax {
            classes.push("stack_overflow");
        }
        if d >= pops {
            let top = |k: usize| self.ds[d - 1 - k];
            let bad_address = |a: u32| a as usize >= self.mem.len();
            match ins.m {
                "div" | "mod" | "divu" | "modu" if top(0) == 0 => classes.push("division_by_zero"),
                "load" | "store" if bad_address(top(0)) => classes.push("memory_range"),
                "loadi" | "storei" if bad_address(ins.arg as u32) => classes.push("memory_range"),
                _ => {}
            }
        }
        classes
    }

    /// Executes `ins` costing `cost` cycles, or returns the fault classes it raises.
    fn step(&mut self, ins: &Ins, cost: u64) -> Result<(), Vec<&'static str>> {
        let classes = self.faults(ins);
        if !classes.is_empty() {
            return Err(classes);
        }
        let (pops, ..) = shape(ins);
        let depth_before = self.ds.len() as u32;
        let args: Vec<u32> = self.ds.split_off(self.ds.len() - pops);
        let (a, b) = (
            args.first().copied().unwrap_or(0),
            args.get(1).copied().unwrap_or(0),
        );
        let (sa, sb) = (s(a), s(b));
        let (ua, ub) = (u64::from(a), u64::from(b));
        let flag = |c: bool| u32::from(c);
        let shift = ub & 31;
        let out: Vec<u32> = match ins.m {
            "nop" => vec![],
            "drop" => vec![],
            "dup" => vec![a, a],
            "swap" => vec![b, a],
            "over" => vec![a, b, a],
            "rot" => vec![b, args[2], a],
            "nip" => vec![b],
            "tuck" => vec![b, a, b],
            "pick" => {
                let mut v = args.clone();
                v.push(args[0]);
                v
            }
            "tor" => {
                self.rs.push(a);
                vec![]
            }
            "fromr" => vec![self.rs.pop().expect("checked")],
            "rfetch" => vec![*self.rs.last().expect("checked")],
            "rdrop" => {
                self.rs.pop();
                vec![]
            }
            "depth" => vec![depth_before],
            "push" => vec![w(sign_extend_24(ins.arg))],
            "pushw" => vec![ins.arg as u32],
            "add" => vec![w(sa + sb)],
            "sub" => vec![w(sa - sb)],
            "mul" => vec![((ua * ub) & MASK) as u32],
            "div" => vec![w(sa / sb)],
            "mod" => vec![w(sa % sb)],
            "divu" => vec![(ua / ub) as u32],
            "modu" => vec![(ua % ub) as u32],
            "neg" => vec![w(-sa)],
            "and" => vec![a & b],
            "or" => vec![a | b],
            "xor" => vec![(a | b) & !(a & b)],
            "not" => vec![w(-sa - 1)],
            "shl" => vec![((ua << shift) & MASK) as u32],
            "shr" => vec![(ua >> shift) as u32],
            "sar" => vec![w(sa >> shift)],
            "addi" => vec![w(sa + sign_extend_24(ins.arg))],
            "eq" => vec![flag(a == b)],
            "ne" => vec![flag(a != b)],
            "lt" => vec![flag(sa < sb)],
            "le" => vec![flag(sa <= sb)],
            "gt" => vec![flag(sa > sb)],
            "ge" => vec![flag(sa >= sb)],
            "ltu" => vec![flag(ua < ub)],
            "gtu" => vec![flag(ua > ub)],
            "eqz" => vec![flag(a == 0)],
            "load" => vec![self.mem[a as usize]],
            "store" => {
                self.mem[b as usize] = a;
                vec![]
            }
            "loadi" => vec![self.mem[ins.arg as usize]],
            "storei" => {
                self.mem[ins.arg as usize] = a;
                vec![]
            }
            "cycles" => vec![(self.cycle & MASK) as u32],
            "now" => vec![((self.cycle * self.period / 1_000_000) & MASK) as u32],
            other => panic!("the oracle does not model `{other}`"),
        };
        self.ds.extend(out);
        self.cycle += cost;
        self.retired += 1;
        self.pc += if ins.m == "pushw" { 2 } else { 1 };
        Ok(())
    }

    /// Runs `program` then `halt`, with per-mnemonic `costs`, until it halts, faults or
    /// reaches the edge `stop` (the first edge at or after the time limit).
    fn run(&mut self, program: &[Ins], costs: &BTreeMap<String, u64>, stop: u64) -> End {
        for ins in program {
            if self.cycle >= stop {
                return End::Limit;
            }
            if let Err(classes) = self.step(ins, costs[ins.m]) {
                return End::Fault {
                    classes,
                    pc: self.pc,
                    cycle: self.cycle,
                };
            }
        }
        if self.cycle >= stop {
            return End::Limit;
        }
        self.cycle += costs["halt"];
        self.retired += 1;
        self.pc += 1;
        End::Halted
    }
}

/// A 24-bit operand field read as two's complement.
fn sign_extend_24(v: i64) -> i64 {
    let field = v & 0x00FF_FFFF;
    if field & 0x0080_0000 != 0 {
        field - 0x0100_0000
    } else {
        field
    }
}

/// Data-stack words popped and pushed, return-stack words popped and pushed, per the
/// stack effects of the instruction reference (a pushed word that was also popped, as in
/// `dup`, counts in both).
fn shape(ins: &Ins) -> (usize, usize, usize, usize) {
    match ins.m {
        "nop" => (0, 0, 0, 0),
        "drop" => (1, 0, 0, 0),
        "dup" => (1, 2, 0, 0),
        "swap" | "nip" => (2, 2 - usize::from(ins.m == "nip"), 0, 0),
        "over" | "tuck" => (2, 3, 0, 0),
        "rot" => (3, 3, 0, 0),
        "pick" => (ins.arg as usize + 1, ins.arg as usize + 2, 0, 0),
        "tor" => (1, 0, 0, 1),
        "fromr" => (0, 1, 1, 0),
        "rfetch" => (0, 1, 1, 1),
        "rdrop" => (0, 0, 1, 0),
        "depth" | "push" | "pushw" | "loadi" | "cycles" | "now" => (0, 1, 0, 0),
        "neg" | "not" | "addi" | "eqz" | "load" => (1, 1, 0, 0),
        "storei" => (1, 0, 0, 0),
        "store" => (2, 0, 0, 0),
        _ => (2, 1, 0, 0),
    }
}

/// Edge values of the issue: zero, one, minus one, the extremes and the shift counts
/// around the word size, plus their neighbours.
const EDGES: &[i64] = &[
    0,
    1,
    -1,
    2,
    i32::MIN as i64,
    i32::MAX as i64,
    i32::MIN as i64 + 1,
    31,
    32,
    33,
    -31,
    0x5555_5555,
    0xAAAA_AAAA,
    0x8000_0001,
];

/// A small seeded random source for the program generator.
struct Dice(ChaCha8Rng);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn word(&mut self) -> i64 {
        if self.chance(70) {
            EDGES[self.below(EDGES.len() as u64) as usize]
        } else {
            i64::from(self.0.next_u32())
        }
    }
}

/// One random test case: machine shape, initial memory, program and time limit.
#[derive(Clone, Debug)]
struct Case {
    start: Machine,
    program: Vec<Ins>,
    /// Time limit in fs, if any.
    until: Option<u64>,
    /// Cycle budget per activation and whether exceeding it faults, if any.
    budget: Option<(u64, bool)>,
}

/// A literal-pushing instruction for `v`: `push` when it fits 24 signed bits, else `pushw`.
fn literal(v: i64, dice: &mut Dice) -> Ins {
    let v = s(v as u32);
    if (-0x80_0000..0x80_0000).contains(&v) && dice.chance(80) {
        Ins { m: "push", arg: v }
    } else {
        Ins { m: "pushw", arg: v }
    }
}

/// Draws a program, stepping a reference machine as it goes so that most instructions
/// find the operands they need; about one program in five ends in a fault.
fn draw(dice: &mut Dice, specs: &BTreeMap<String, Spec>) -> Case {
    let memory = 4 + dice.below(13) as usize;
    let start = Machine {
        ds: Vec::new(),
        rs: Vec::new(),
        mem: (0..memory).map(|_| dice.word() as u32).collect(),
        dmax: 3 + dice.below(10) as usize,
        rmax: 1 + dice.below(4) as usize,
        period: [1_000_000, 333_333, 2_500_000][dice.below(3) as usize],
        cycle: 0,
        pc: 0,
        retired: 0,
    };
    let mut m = start.clone();
    let costs: BTreeMap<String, u64> = specs.iter().map(|(k, v)| (k.clone(), v.cycles)).collect();
    let mut program = Vec::new();
    let length = 1 + dice.below(40);
    let address = |dice: &mut Dice| {
        if dice.chance(92) {
            dice.below(memory as u64) as i64
        } else {
            [memory as i64, memory as i64 + 1, -1, i64::from(i32::MAX)][dice.below(4) as usize]
        }
    };
    while (program.len() as u64) < length {
        let mut batch = Vec::new();
        let m_name = DRAWN[dice.below(DRAWN.len() as u64) as usize];
        match m_name {
            "push" | "pushw" => batch.push(literal(dice.word(), dice)),
            "load" => {
                batch.push(literal(address(dice), dice));
                batch.push(Ins { m: "load", arg: 0 });
            }
            "store" => {
                batch.push(literal(dice.word(), dice));
                batch.push(literal(address(dice), dice));
                batch.push(Ins { m: "store", arg: 0 });
            }
            "loadi" | "storei" => batch.push(Ins {
                m: m_name,
                arg: address(dice) & 0x00FF_FFFF,
            }),
            "pick" => batch.push(Ins {
                m: "pick",
                arg: dice.below(m.ds.len() as u64 + 2) as i64,
            }),
            "fromr" | "rfetch" | "rdrop" => {
                if m.rs.is_empty() && !m.ds.is_empty() && dice.chance(90) {
                    batch.push(Ins { m: "tor", arg: 0 });
                }
                batch.push(Ins { m: m_name, arg: 0 });
            }
            "addi" => batch.push(Ins {
                m: "addi",
                arg: [0, 1, -1, 0x7F_FFFF, -0x80_0000][dice.below(5) as usize],
            }),
            _ => batch.push(Ins { m: m_name, arg: 0 }),
        }
        let mut trial = m.clone();
        let faulted = batch
            .iter()
            .any(|ins| trial.step(ins, costs[ins.m]).is_err());
        if faulted && !dice.chance(3) {
            // Feed the instruction: push what it needs, or make room.
            if m.ds.len() + 2 <= m.dmax {
                let ins = literal(dice.word(), dice);
                m.step(&ins, costs[ins.m]).expect("room was checked");
                program.push(ins);
            } else {
                let ins = Ins { m: "drop", arg: 0 };
                m.step(&ins, costs["drop"]).expect("the stack is not empty");
                program.push(ins);
            }
            continue;
        }
        program.extend(batch);
        if faulted {
            break;
        }
        m = trial;
    }
    let until = dice
        .chance(20)
        .then(|| dice.below(m.cycle * start.period + 1));
    Case {
        start,
        program,
        until,
        budget: None,
    }
}

/// A profile with random costs for every instruction of the reference, in TOML.
fn random_profile(
    dice: &mut Dice,
    specs: &BTreeMap<String, Spec>,
) -> (String, BTreeMap<String, u64>) {
    let costs: BTreeMap<String, u64> = specs
        .keys()
        .map(|k| (k.clone(), 1 + dice.below(1000)))
        .collect();
    let mut text =
        String::from("name = \"oracle\"\n[nic]\nword = 1\n[process]\nswitch = 2\n[cycles]\n");
    for (k, c) in &costs {
        text.push_str(&format!("{k} = {c}\n"));
    }
    (text, costs)
}

/// Runs `case` on the emulator under `profile` in `stepping` mode; returns the node.
fn emulate(
    case: &Case,
    specs: &BTreeMap<String, Spec>,
    profile: &Arc<TimingProfile>,
    stepping: Stepping,
) -> Node {
    emulate_code(case, program_code(case, specs), profile, stepping, false)
}

/// As [`emulate`], with the instruction trace kept in the node.
fn emulate_traced(
    case: &Case,
    specs: &BTreeMap<String, Spec>,
    profile: &Arc<TimingProfile>,
    stepping: Stepping,
) -> Node {
    emulate_code(case, program_code(case, specs), profile, stepping, true)
}

/// The code of `case`'s program followed by `halt`.
fn program_code(case: &Case, specs: &BTreeMap<String, Spec>) -> Vec<u32> {
    let halt = Ins { m: "halt", arg: 0 };
    encode(
        &case
            .program
            .iter()
            .cloned()
            .chain([halt])
            .collect::<Vec<_>>(),
        specs,
    )
}

/// Runs `code` on a node shaped as `case`'s start, until its time limit if any.
fn emulate_code(
    case: &Case,
    code: Vec<u32>,
    profile: &Arc<TimingProfile>,
    stepping: Stepping,
    traced: bool,
) -> Node {
    let mut node = node_for(case, code, profile);
    node.trace = traced.then(Vec::new);
    let net = Network::new(&NetworkConfig::default(), 1, 1).expect("a network");
    let mut sim = Simulation::new(
        vec![Station::Node(Box::new(node))],
        net,
        stepping,
        StopConditions {
            until: case.until,
            ..StopConditions::default()
        },
    );
    sim.run();
    match sim.world.stations.pop() {
        Some(Station::Node(node)) => *node,
        _ => unreachable!("the one station is a node"),
    }
}

/// A node shaped as `case`'s start (budget included), about to run `code`.
fn node_for(case: &Case, code: Vec<u32>, profile: &Arc<TimingProfile>) -> Node {
    let image = Arc::new(Image {
        code,
        data: case.start.mem.clone(),
        ..Image::default()
    });
    let params = NodeParams {
        period: case.start.period,
        memory: case.start.mem.len() as u32,
        data_stack: case.start.dmax as u32,
        return_stack: case.start.rmax as u32,
        budget: case.budget.map(|(b, _)| b),
        budget_faults: case.budget.is_some_and(|(_, faults)| faults),
        profile: profile.clone(),
        ..NodeParams::default()
    };
    let program = Arc::new(Program::new(image, profile));
    Node::new(0, params, program, 0, 1, 1).expect("a valid node")
}

/// Checks the emulator's node against the reference machine's end.
fn compare(case: &Case, node: &Node, want: &Machine, end: &End, what: &str) {
    let ctx = || {
        format!(
            "{what}\nprogram: {:?}\nstart: {:?}",
            case.program, case.start
        )
    };
    assert_eq!(node.mem, want.mem, "memory; {}", ctx());
    assert_eq!(
        node.counters.instructions,
        want.retired,
        "retired; {}",
        ctx()
    );
    // One activation from cycle 0: it lasts to the end and misses a budget it exceeds.
    assert_eq!(
        node.counters.largest_activation,
        want.cycle,
        "largest activation; {}",
        ctx()
    );
    let missed = case.budget.is_some_and(|(b, _)| want.cycle > b);
    assert_eq!(
        node.counters.deadline_misses,
        u64::from(missed),
        "deadline misses; {}",
        ctx()
    );
    match end {
        End::Halted | End::Limit => {
            assert_eq!(node.procs[0].pc, want.pc, "pc; {}", ctx());
            let state = if *end == End::Halted {
                NodeState::Halted
            } else {
                NodeState::Running
            };
            assert_eq!(node.state, state, "state {:?}; {}", node.fault, ctx());
            assert_eq!(node.procs[0].ds, want.ds, "data stack; {}", ctx());
            assert_eq!(node.procs[0].rs, want.rs, "return stack; {}", ctx());
            assert_eq!(node.cycle, want.cycle, "cycles; {}", ctx());
            assert_eq!(node.counters.busy, want.cycle, "busy cycles; {}", ctx());
        }
        End::Fault { classes, pc, cycle } => {
            let fault = node
                .fault
                .as_ref()
                .unwrap_or_else(|| panic!("no fault; {}", ctx()));
            assert!(
                classes.contains(&fault.kind),
                "fault {} not one of {classes:?}; {}",
                fault.kind,
                ctx()
            );
            assert_eq!(fault.pc, *pc, "fault pc; {}", ctx());
            assert_eq!(
                fault.time_fs,
                cycle * case.start.period,
                "fault time; {}",
                ctx()
            );
        }
    }
}

#[test]
fn the_instruction_reference_covers_what_the_oracle_draws() {
    let specs = reference();
    for group in ["stack", "literal", "alu", "memory"] {
        for (name, _) in specs.iter().filter(|(_, s)| s.group == group) {
            assert!(
                DRAWN.contains(&name.as_str()),
                "`{name}` of group {group} is never drawn"
            );
        }
    }
    for name in DRAWN.iter().chain(&["halt"]) {
        assert!(specs.contains_key(*name), "`{name}` is not in docs/isa.md");
    }
    // Every assigned cell of the opcode map has its row in the reference, and no other.
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/isa.md"))
        .expect("docs/isa.md is readable");
    let mut mapped: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("| **"))
        .flat_map(|l| {
            l.split('|')
                .skip(2)
                .map(|c| c.trim().trim_matches('`').to_string())
        })
        .filter(|c| !c.is_empty())
        .collect();
    mapped.sort();
    assert_eq!(mapped, specs.keys().cloned().collect::<Vec<_>>());
}

#[test]
fn the_default_profile_charges_the_documented_cycles() {
    let specs = reference();
    let profile = TimingProfile::default();
    let charged: BTreeMap<String, u64> = profile
        .costs()
        .map(|(m, c)| (m.to_string(), u64::from(c)))
        .collect();
    let documented: BTreeMap<String, u64> =
        specs.iter().map(|(k, v)| (k.clone(), v.cycles)).collect();
    assert_eq!(charged, documented);
}

#[test]
fn random_straight_line_programs_match_the_reference_evaluator() {
    let specs = reference();
    let doc_costs: BTreeMap<String, u64> =
        specs.iter().map(|(k, v)| (k.clone(), v.cycles)).collect();
    let default = Arc::new(TimingProfile::default());
    let mut dice = Dice(ChaCha8Rng::seed_from_u64(0x15A_0AC1E));
    let mut ends = BTreeMap::new();
    let mut executed: BTreeMap<&str, u64> = BTreeMap::new();
    let cases = 1500;
    for i in 0..cases {
        let case = draw(&mut dice, &specs);
        let (text, random_costs) = random_profile(&mut dice, &specs);
        let random =
            Arc::new(TimingProfile::from_toml(&text, "oracle.toml").expect("valid profile"));
        for (profile, costs, name) in [
            (&default, &doc_costs, "default"),
            (&random, &random_costs, "random"),
        ] {
            let mut want = case.start.clone();
            let stop = case
                .until
                .map_or(u64::MAX, |t| t.div_ceil(case.start.period));
            let end = want.run(&case.program, costs, stop);
            if name == "default" {
                let key = match &end {
                    End::Halted => "halted",
                    End::Limit => "limit",
                    End::Fault { .. } => "fault",
                };
                *ends.entry(key).or_insert(0u32) += 1;
                for ins in case.program.iter().take(want.retired as usize) {
                    *executed.entry(ins.m).or_default() += 1;
                }
            }
            for stepping in [Stepping::RunAhead, Stepping::Single] {
                let node = emulate(&case, &specs, profile, stepping);
                compare(
                    &case,
                    &node,
                    &want,
                    &end,
                    &format!("case {i}, {name} profile, {stepping:?}"),
                );
            }
        }
    }
    // The generator must reach every way a program ends, most of them by halting.
    assert!(ends["halted"] > cases * 6 / 10, "{ends:?}");
    assert!(ends["fault"] > cases / 20, "{ends:?}");
    assert!(ends["limit"] > cases / 20, "{ends:?}");
    for m in DRAWN {
        let n = executed.get(m).copied().unwrap_or(0);
        assert!(n >= 100, "`{m}` executed {n} times only");
    }
    eprintln!("{ends:?}\n{executed:?}");
}

/// Runs `code` (already encoded) on one node in `stepping` mode until it stops.
fn run_code(code: Vec<u32>, stepping: Stepping) -> Node {
    let case = Case {
        start: Machine {
            ds: Vec::new(),
            rs: Vec::new(),
            mem: vec![0; 4],
            dmax: 8,
            rmax: 4,
            period: 1_000_000,
            cycle: 0,
            pc: 0,
            retired: 0,
        },
        program: Vec::new(),
        until: None,
        budget: None,
    };
    emulate_code(
        &case,
        code,
        &Arc::new(TimingProfile::default()),
        stepping,
        false,
    )
}

#[test]
fn control_transfers_beyond_the_code_fault_at_the_transfer() {
    // docs/isa.md: transferring control to an address at or beyond the end of code faults
    // with a code address out of range, recorded at the PC and issue time of the transfer.
    let specs = reference();
    let word = |m: &str, field: u32| specs[m].opcode << 24 | field;
    let cost = |m: &str| specs[m].cycles;
    for stepping in [Stepping::RunAhead, Stepping::Single] {
        // Prologue `push 1; push 0`, then the transfer at address 2, then `halt`: 4 words.
        let len = 4u32;
        for target in [len, len + 1] {
            let cases: Vec<(&str, Vec<u32>, u64)> = vec![
                (
                    "jmp",
                    vec![word("nop", 0), word("nop", 0), word("jmp", target)],
                    2 * cost("nop"),
                ),
                (
                    "jz",
                    vec![word("push", 1), word("push", 0), word("jz", target)],
                    2 * cost("push"),
                ),
                (
                    "jnz",
                    vec![word("push", 0), word("push", 1), word("jnz", target)],
                    2 * cost("push"),
                ),
                (
                    "call",
                    vec![word("nop", 0), word("nop", 0), word("call", target)],
                    2 * cost("nop"),
                ),
                (
                    "jmpi",
                    vec![word("nop", 0), word("push", target), word("jmpi", 0)],
                    cost("nop") + cost("push"),
                ),
                (
                    "calli",
                    vec![word("nop", 0), word("push", target), word("calli", 0)],
                    cost("nop") + cost("push"),
                ),
                (
                    "ret",
                    vec![word("push", target), word("tor", 0), word("ret", 0)],
                    cost("push") + cost("tor"),
                ),
            ];
            for (m, mut code, before) in cases {
                code.push(word("halt", 0));
                let node = run_code(code, stepping);
                let fault = node
                    .fault
                    .as_ref()
                    .unwrap_or_else(|| panic!("{m} {target}: no fault"));
                assert_eq!(
                    (fault.kind, fault.pc, fault.time_fs),
                    ("code_range", 2, before * 1_000_000),
                    "{m} to {target}, {stepping:?}"
                );
                assert_eq!(node.counters.instructions, 2, "{m} to {target}");
            }
        }
        // Running past the last word faults at the address after it.
        let node = run_code(vec![word("nop", 0), word("nop", 0)], stepping);
        let fault = node.fault.as_ref().expect("a fault past the end");
        assert_eq!(
            (fault.kind, fault.pc, fault.time_fs),
            ("code_range", 2, 2 * cost("nop") * 1_000_000)
        );
    }
}

#[test]
fn the_instruction_trace_shows_each_issue_with_its_time_pc_and_stack() {
    // docs/report.md: one line per instruction, with node, issue time, code address and
    // the data stack before it (signed, top last); the same in both stepping modes.
    let specs = reference();
    let costs: BTreeMap<String, u64> = specs.iter().map(|(k, v)| (k.clone(), v.cycles)).collect();
    let profile = Arc::new(TimingProfile::default());
    let mut dice = Dice(ChaCha8Rng::seed_from_u64(0x7EACE));
    for i in 0..200 {
        let mut case = draw(&mut dice, &specs);
        case.until = None;
        let mut m = case.start.clone();
        let mut want = Vec::new();
        let halt = Ins { m: "halt", arg: 0 };
        for ins in case.program.iter().chain([&halt]) {
            let stack: Vec<String> = m.ds.iter().map(|&w| s(w).to_string()).collect();
            want.push((
                format!("node 0 t={}fs pc={} ", m.cycle * m.period, m.pc),
                format!(" [{}]", stack.join(" ")),
            ));
            if ins.m == "halt" || m.step(ins, costs[ins.m]).is_err() {
                break;
            }
        }
        for stepping in [Stepping::RunAhead, Stepping::Single] {
            let node = emulate_traced(&case, &specs, &profile, stepping);
            let lines = node.trace.clone().expect("traced");
            assert_eq!(lines.len(), want.len(), "case {i} {stepping:?}: {lines:#?}");
            for (line, (head, tail)) in lines.iter().zip(&want) {
                assert!(
                    line.starts_with(head) && line.ends_with(tail),
                    "case {i}: {line} / {head}..{tail}"
                );
            }
        }
    }
}

/// The control instructions of docs/isa.md ("Control"), which the looping programs add.
const CONTROL: &[&str] = &["jmp", "jz", "jnz", "call", "ret", "jmpi", "calli"];

/// Two-operand instructions of the `alu` group, `( a b -- c )`.
const BINARY: &[&str] = &[
    "add", "sub", "mul", "div", "mod", "divu", "modu", "and", "or", "xor", "shl", "shr", "sar",
    "eq", "ne", "lt", "le", "gt", "ge", "ltu", "gtu",
];

/// A program laid out in code words: its instructions and which one starts at each word.
struct Layout {
    program: Vec<Ins>,
    at: Vec<Option<usize>>,
}

impl Layout {
    fn new(program: Vec<Ins>, specs: &BTreeMap<String, Spec>) -> Layout {
        let mut at = Vec::new();
        for (i, ins) in program.iter().enumerate() {
            at.push(Some(i));
            if specs[ins.m].operand == "32-bit word" {
                at.push(None);
            }
        }
        Layout { program, at }
    }

    fn len(&self) -> u32 {
        self.at.len() as u32
    }
}

/// A control transfer to the middle of a two-word instruction, which the oracle leaves to
/// the straight-line tests (its literal word decodes as whatever it happens to be).
#[derive(Debug)]
struct Unmodelled;

/// One instruction issue of a reference run: cycle, PC and the data stack before it.
type Issue = (u64, u32, Vec<u32>);

impl Machine {
    /// Executes control instruction `ins` (docs/isa.md, "Control") in a program of `len`
    /// words, or returns the fault classes it raises.
    fn transfer(&mut self, ins: &Ins, cost: u64, len: u32) -> Result<(), Vec<&'static str>> {
        let mut classes = Vec::new();
        let pops = usize::from(matches!(ins.m, "jz" | "jnz" | "jmpi" | "calli"));
        if self.ds.len() < pops {
            return Err(vec!["stack_underflow"]);
        }
        let top = self.ds.last().copied().unwrap_or(0);
        let calls = matches!(ins.m, "call" | "calli");
        if calls && self.rs.len() >= self.rmax {
            classes.push("stack_overflow");
        }
        let target = match ins.m {
            "jmp" | "call" => Some(ins.arg as u32),
            "jz" => (top == 0).then_some(ins.arg as u32),
            "jnz" => (top != 0).then_some(ins.arg as u32),
            "jmpi" | "calli" => Some(top),
            "ret" => match self.rs.last() {
                Some(&t) => Some(t),
                None => return Err(vec!["stack_underflow"]),
            },
            other => panic!("`{other}` is not a control instruction"),
        };
        if target.is_some_and(|t| t >= len) {
            classes.push("code_range");
        }
        if !classes.is_empty() {
            return Err(classes);
        }
        self.ds.truncate(self.ds.len() - pops);
        if ins.m == "ret" {
            self.rs.pop();
        }
        if calls {
            self.rs.push(self.pc + 1);
        }
        self.pc = target.unwrap_or(self.pc + 1);
        self.cycle += cost;
        self.retired += 1;
        Ok(())
    }

    /// Runs `code` from the PC until it halts, faults, reaches the edge `stop` or has
    /// retired `cap` instructions (both [`End::Limit`]). Before each issue the budget is
    /// checked (docs/isa.md, "Timing": with `budget_mode = "fault"` a single activation
    /// from cycle 0 faults at the first boundary past `b`), then the time limit. Each
    /// issue is appended to `issues`.
    fn run_code(
        &mut self,
        code: &Layout,
        costs: &BTreeMap<String, u64>,
        stop: u64,
        budget: Option<(u64, bool)>,
        cap: u64,
        issues: &mut Vec<Issue>,
    ) -> Result<End, Unmodelled> {
        loop {
            if let Some((b, true)) = budget
                && self.cycle > b
            {
                return Ok(End::Fault {
                    classes: vec!["budget"],
                    pc: self.pc,
                    cycle: self.cycle,
                });
            }
            if self.cycle >= stop || self.retired >= cap {
                return Ok(End::Limit);
            }
            let fault = |m: &Machine, classes| End::Fault {
                classes,
                pc: m.pc,
                cycle: m.cycle,
            };
            let Some(&index) = code.at.get(self.pc as usize) else {
                return Ok(fault(self, vec!["code_range"]));
            };
            let ins = &code.program[index.ok_or(Unmodelled)?];
            issues.push((self.cycle, self.pc, self.ds.clone()));
            let cost = costs[ins.m];
            let done = match ins.m {
                "halt" => {
                    self.cycle += cost;
                    self.retired += 1;
                    self.pc += 1;
                    return Ok(End::Halted);
                }
                m if CONTROL.contains(&m) => self.transfer(ins, cost, code.len()),
                _ => self.step(ins, cost),
            };
            if let Err(classes) = done {
                return Ok(fault(self, classes));
            }
        }
    }
}

/// A piece of a looping program before layout: labels stand for code addresses.
#[derive(Clone, Debug)]
enum Item {
    Op(Ins),
    /// The address of the next instruction.
    Label(usize),
    /// A control instruction (`jmp`, `jz`, `jnz`, `call`) to a label.
    To(&'static str, usize),
    /// `push` of a label's address (for `jmpi` and `calli`).
    Addr(usize),
}

/// Resolves labels to addresses.
fn resolve(items: &[Item], specs: &BTreeMap<String, Spec>) -> Vec<Ins> {
    let mut address = BTreeMap::new();
    let mut pc = 0i64;
    for item in items {
        match item {
            Item::Label(l) => {
                address.insert(*l, pc);
            }
            Item::Op(ins) if specs[ins.m].operand == "32-bit word" => pc += 2,
            Item::Op(_) | Item::To(..) | Item::Addr(_) => pc += 1,
        }
    }
    items
        .iter()
        .filter_map(|item| match item {
            Item::Label(_) => None,
            Item::Op(ins) => Some(ins.clone()),
            Item::To(m, l) => Some(Ins { m, arg: address[l] }),
            Item::Addr(l) => Some(Ins {
                m: "push",
                arg: address[l],
            }),
        })
        .collect()
}

/// Draws looping programs: counted loops, conditional skips, calls and dispatch through
/// `jmpi` / `calli` to subroutines after the `halt`, wild jumps (some loop forever), and
/// stack-neutral bodies over the straight-line instructions, with the odd unbalanced one.
struct Looping<'a> {
    dice: &'a mut Dice,
    memory: usize,
    labels: usize,
    subroutines: Vec<Vec<Item>>,
    /// The subroutines' entry labels.
    entries: Vec<usize>,
}

impl Looping<'_> {
    fn label(&mut self) -> usize {
        self.labels += 1;
        self.labels
    }

    fn op(m: &'static str) -> Item {
        Item::Op(Ins { m, arg: 0 })
    }

    fn literal(&mut self) -> Item {
        Item::Op(literal(self.dice.word(), self.dice))
    }

    fn address(&mut self) -> i64 {
        if self.dice.chance(95) {
            self.dice.below(self.memory as u64) as i64
        } else {
            self.memory as i64
        }
    }

    /// A binary operation with a pushed right operand (mostly non-zero, so that division
    /// rarely faults).
    fn with_operand(&mut self, out: &mut Vec<Item>) {
        let m = BINARY[self.dice.below(BINARY.len() as u64) as usize];
        let v = match self.dice.word() {
            0 if self.dice.chance(90) => 7,
            v => v,
        };
        out.push(Item::Op(literal(v, self.dice)));
        out.push(Self::op(m));
    }

    /// A snippet that leaves the data-stack depth as it found it (given three words).
    fn snippet(&mut self, out: &mut Vec<Item>) {
        match self.dice.below(12) {
            0 => {
                out.push(self.literal());
                self.with_operand(out);
                out.push(Self::op("drop"));
            }
            1 => self.with_operand(out),
            2 => {
                let unary = ["neg", "not", "eqz", "addi"][self.dice.below(4) as usize];
                let arg = [1, -1, 0x7F_FFFF][self.dice.below(3) as usize];
                out.push(Item::Op(Ins { m: unary, arg }));
            }
            3 => {
                out.push(self.literal());
                let arg = self.address();
                out.push(Item::Op(Ins { m: "storei", arg }));
            }
            4 => {
                let arg = self.address();
                out.push(Item::Op(Ins { m: "loadi", arg }));
                out.push(Self::op(["add", "xor", "sub"][self.dice.below(3) as usize]));
            }
            5 => {
                out.push(Item::Op(Ins {
                    m: "push",
                    arg: self.address(),
                }));
                out.push(Self::op("load"));
                out.push(Self::op("add"));
            }
            6 => {
                out.push(Self::op("dup"));
                out.push(Item::Op(Ins {
                    m: "push",
                    arg: self.address(),
                }));
                out.push(Self::op("store"));
            }
            7 => {
                out.push(Self::op(["over", "dup"][self.dice.below(2) as usize]));
                out.push(Self::op(
                    BINARY[self.dice.below(BINARY.len() as u64) as usize],
                ));
            }
            8 => match self.dice.below(3) {
                0 => out.push(Self::op("swap")),
                1 => out.push(Self::op("rot")),
                _ => out.extend([Self::op("tuck"), Self::op("drop"), Self::op("swap")]),
            },
            9 => {
                out.push(self.literal());
                out.push(Self::op("tor"));
                out.push(Self::op("rfetch"));
                out.push(Self::op("xor"));
                out.push(Self::op("fromr"));
                out.push(Self::op("drop"));
            }
            10 => {
                let reader = ["cycles", "now", "depth", "pick"][self.dice.below(4) as usize];
                out.push(Item::Op(Ins {
                    m: reader,
                    arg: self.dice.below(3) as i64,
                }));
                out.push(Self::op("add"));
            }
            _ => out.push(Self::op("nop")),
        }
    }

    /// A loop or skip body: snippets, sometimes a conditional skip inside.
    fn body(&mut self, out: &mut Vec<Item>, nested: bool) {
        for _ in 0..1 + self.dice.below(4) {
            if nested && self.dice.chance(20) {
                self.skip(out);
            } else {
                self.snippet(out);
            }
        }
    }

    /// `flag; jz/jnz skip; body; skip:`, or with an else branch
    /// `flag; jz/jnz other; body; jmp end; other: body; end:`.
    fn skip(&mut self, out: &mut Vec<Item>) {
        let (other, end) = (self.label(), self.label());
        let flag = [0, 1, -1, 0][self.dice.below(4) as usize];
        out.push(Item::Op(Ins {
            m: "push",
            arg: flag,
        }));
        out.push(Item::To(["jz", "jnz"][self.dice.below(2) as usize], other));
        self.body(out, false);
        if self.dice.chance(50) {
            out.push(Item::To("jmp", end));
            out.push(Item::Label(other));
            self.body(out, false);
        } else {
            out.push(Item::Label(other));
        }
        out.push(Item::Label(end));
    }

    /// A new subroutine (after the `halt`); returns its label.
    fn subroutine(&mut self) -> usize {
        let start = self.label();
        let mut sub = vec![Item::Label(start)];
        self.body(&mut sub, true);
        sub.push(Self::op("ret"));
        self.subroutines.push(sub);
        self.entries.push(start);
        start
    }

    /// One piece of the main program.
    fn piece(&mut self, out: &mut Vec<Item>, labels: &mut Vec<usize>) {
        match self.dice.below(20) {
            0..=3 => {
                for _ in 0..1 + self.dice.below(5) {
                    self.snippet(out);
                }
            }
            4..=9 => {
                // A counted loop, its counter on the return stack.
                let top = self.label();
                labels.push(top);
                out.push(Item::Op(Ins {
                    m: "push",
                    arg: 1 + self.dice.below(10) as i64,
                }));
                out.push(Self::op("tor"));
                out.push(Item::Label(top));
                self.body(out, true);
                out.push(Self::op("fromr"));
                out.push(Item::Op(Ins { m: "addi", arg: -1 }));
                out.push(Self::op("dup"));
                out.push(Self::op("tor"));
                out.push(Item::To("jnz", top));
                out.push(Self::op("rdrop"));
            }
            10..=12 => self.skip(out),
            13 | 14 => {
                let sub = match self.entries.len() {
                    n if n > 0 && self.dice.chance(50) => {
                        self.entries[self.dice.below(n as u64) as usize]
                    }
                    _ => self.subroutine(),
                };
                out.push(Item::To("call", sub));
            }
            15 | 16 => {
                if self.dice.chance(50) {
                    let sub = self.subroutine();
                    out.push(Item::Addr(sub));
                    out.push(Self::op("calli"));
                } else {
                    let over = self.label();
                    out.push(Item::Addr(over));
                    out.push(Self::op("jmpi"));
                    self.body(out, false);
                    out.push(Item::Label(over));
                }
            }
            17 => {
                // A wild jump back (it may loop until the time limit) or on.
                let m = ["jmp", "jz", "jnz"][self.dice.below(3) as usize];
                let to = match labels.len() {
                    0 => self.label(),
                    n => labels[self.dice.below(n as u64) as usize],
                };
                out.push(self.literal());
                out.push(Item::To(m, to));
                if !labels.contains(&to) {
                    out.push(self.literal());
                    out.push(Item::Label(to));
                }
            }
            _ => {
                // One unbalanced instruction, which may fault sooner or later.
                let m = DRAWN[self.dice.below(DRAWN.len() as u64) as usize];
                let arg = match m {
                    "push" | "pushw" => self.dice.word(),
                    "loadi" | "storei" => self.address(),
                    "addi" | "pick" => self.dice.below(3) as i64,
                    _ => 0,
                };
                out.push(match m {
                    "push" | "pushw" => Item::Op(literal(arg, self.dice)),
                    _ => Item::Op(Ins { m, arg }),
                });
            }
        }
    }
}

/// Draws a looping program: three literals, some pieces, `halt`, then the subroutines.
fn draw_looping(dice: &mut Dice, specs: &BTreeMap<String, Spec>) -> (Machine, Layout) {
    let memory = 4 + dice.below(13) as usize;
    let start = Machine {
        ds: Vec::new(),
        rs: Vec::new(),
        mem: (0..memory).map(|_| dice.word() as u32).collect(),
        dmax: 6 + dice.below(10) as usize,
        rmax: 3 + dice.below(5) as usize,
        period: [1_000_000, 333_333, 2_500_000][dice.below(3) as usize],
        cycle: 0,
        pc: 0,
        retired: 0,
    };
    let mut g = Looping {
        dice,
        memory,
        labels: 0,
        subroutines: Vec::new(),
        entries: Vec::new(),
    };
    let mut items = Vec::new();
    for _ in 0..3 {
        let lit = g.literal();
        items.push(lit);
    }
    let mut labels = Vec::new();
    for _ in 0..1 + g.dice.below(7) {
        g.piece(&mut items, &mut labels);
    }
    items.push(Looping::op("halt"));
    items.extend(g.subroutines.into_iter().flatten());
    let program = resolve(&items, specs);
    (start, Layout::new(program, specs))
}

#[test]
fn random_looping_programs_match_the_reference_evaluator_under_limits_and_budgets() {
    // Control flow, a time limit or a budget anywhere (mid-loop, mid-block), both budget
    // modes and the instruction trace: what an interpreter that works per basic block, or
    // fuses instructions, could get wrong, checked against the reference in both stepping
    // modes and under the default and a random profile.
    let specs = reference();
    let doc_costs: BTreeMap<String, u64> =
        specs.iter().map(|(k, v)| (k.clone(), v.cycles)).collect();
    let default = Arc::new(TimingProfile::default());
    let mut dice = Dice(ChaCha8Rng::seed_from_u64(0x1009_B10C));
    let mut ends: BTreeMap<&str, u32> = BTreeMap::new();
    let mut executed: BTreeMap<&str, u64> = BTreeMap::new();
    let cases = 1200;
    for i in 0..cases {
        let (start, code) = draw_looping(&mut dice, &specs);
        let (text, random_costs) = random_profile(&mut dice, &specs);
        let random =
            Arc::new(TimingProfile::from_toml(&text, "oracle.toml").expect("valid profile"));
        for (profile, costs, name) in [
            (&default, &doc_costs, "default"),
            (&random, &random_costs, "random"),
        ] {
            // Its natural length (or 3,000 instructions of an endless one) places the
            // time limit and the budget.
            let mut natural = start.clone();
            let Ok(end) = natural.run_code(&code, costs, u64::MAX, None, 3_000, &mut Vec::new())
            else {
                *ends.entry("unmodelled").or_default() += 1;
                continue;
            };
            let length = natural.cycle;
            let endless = end == End::Limit;
            let until =
                (endless || dice.chance(60)).then(|| dice.below((length + 1) * start.period));
            let budget = dice
                .chance(50)
                .then(|| (1 + dice.below(length + 1), dice.chance(50)));
            let case = Case {
                start: start.clone(),
                program: code.program.clone(),
                until,
                budget,
            };
            let stop = until.map_or(u64::MAX, |t| t.div_ceil(start.period));
            let mut want = start.clone();
            let mut issues = Vec::new();
            let end = want
                .run_code(&code, costs, stop, budget, u64::MAX, &mut issues)
                .expect("the natural run was modelled");
            if name == "default" {
                let key = match &end {
                    End::Halted => "halted",
                    End::Limit => "limit",
                    End::Fault { classes, .. } if classes == &["budget"] => "budget",
                    End::Fault { .. } => "fault",
                };
                *ends.entry(key).or_default() += 1;
                if budget.is_some_and(|(b, faults)| !faults && want.cycle > b) {
                    *ends.entry("deadline miss").or_default() += 1;
                }
                for &(_, pc, _) in &issues {
                    let index = code.at[pc as usize].expect("an instruction start");
                    *executed.entry(code.program[index].m).or_default() += 1;
                }
            }
            let words = encode(&code.program, &specs);
            for stepping in [Stepping::RunAhead, Stepping::Single] {
                let what = format!("case {i}, {name} profile, {stepping:?}, {end:?}");
                let node = emulate_code(&case, words.clone(), profile, stepping, false);
                compare(&case, &node, &want, &end, &what);
                if i % 4 == 0 {
                    let node = emulate_code(&case, words.clone(), profile, stepping, true);
                    let lines = node.trace.clone().expect("traced");
                    assert_eq!(lines.len(), issues.len(), "{what}: {lines:#?}");
                    for (line, (cycle, pc, ds)) in lines.iter().zip(&issues) {
                        let head = format!("node 0 t={}fs pc={pc} ", cycle * start.period);
                        let stack: Vec<String> = ds.iter().map(|&w| s(w).to_string()).collect();
                        let tail = format!(" [{}]", stack.join(" "));
                        assert!(
                            line.starts_with(&head) && line.ends_with(&tail),
                            "{what}: {line} / {head}..{tail}"
                        );
                    }
                }
            }
        }
    }
    eprintln!("{ends:?}\n{executed:?}");
    // Every way a run ends is reached often, and every control instruction runs.
    for (key, floor) in [
        ("halted", cases / 5),
        ("limit", cases / 5),
        ("fault", cases / 20),
        ("budget", cases / 20),
        ("deadline miss", cases / 20),
    ] {
        let n = ends.get(key).copied().unwrap_or(0);
        assert!(n >= floor, "{key}: {n} < {floor}; {ends:?}");
    }
    assert!(
        ends.get("unmodelled").copied().unwrap_or(0) < cases / 20,
        "{ends:?}"
    );
    for m in CONTROL {
        let n = executed.get(m).copied().unwrap_or(0);
        assert!(n >= 100, "`{m}` executed {n} times only");
    }
}

/// Runs `code` on a node shaped as `case`'s start (with no time limit or budget) as the
/// simulator runs a node ahead in progress slices, the first slice ending at clock edge
/// `cut` and the next at `end`: what the node's fast loop is given as its stop cycle.
fn emulate_cut(
    case: &Case,
    code: Vec<u32>,
    profile: &Arc<TimingProfile>,
    cut: u64,
    end: u64,
) -> Node {
    let mut node = node_for(case, code, profile);
    for stop in [cut, end] {
        match node.run(stop) {
            Exit::Limit => continue,
            Exit::Halt => break,
            Exit::Fault(kind) => {
                node.raise(kind);
                break;
            }
            Exit::Outside(opcode) => panic!("the oracle's programs have no `{opcode}`"),
        }
    }
    let at = node.cycle;
    node.finish(at);
    node
}

#[test]
fn stops_at_every_position_of_every_block_match_the_reference_evaluator() {
    // The fast loop charges a basic block at its start and runs it unchecked when the whole
    // block issues before the stop cycle, else one instruction at a time. Here a time limit,
    // a budget end (both modes) and a progress slice's end fall before every instruction
    // issue of a looping program, and one cycle after it (inside the instruction when it
    // costs more than one), under the default and a random profile: every way a stop can
    // split a block, against the reference evaluator.
    let specs = reference();
    let doc_costs: BTreeMap<String, u64> =
        specs.iter().map(|(k, v)| (k.clone(), v.cycles)).collect();
    let default = Arc::new(TimingProfile::default());
    let mut dice = Dice(ChaCha8Rng::seed_from_u64(0xB10C_5700));
    let (mut programs, mut inside, mut stops) = (0, 0u64, 0u64);
    while programs < 30 {
        let (start, code) = draw_looping(&mut dice, &specs);
        let (text, random_costs) = random_profile(&mut dice, &specs);
        let random =
            Arc::new(TimingProfile::from_toml(&text, "oracle.toml").expect("valid profile"));
        let words = encode(&code.program, &specs);
        let mut modelled = true;
        for (profile, costs) in [(&default, &doc_costs), (&random, &random_costs)] {
            // The natural run, cut at 120 instructions: its issues are the positions.
            let mut natural = start.clone();
            let mut issues = Vec::new();
            let Ok(end) = natural.run_code(&code, costs, u64::MAX, None, 120, &mut issues) else {
                modelled = false;
                break;
            };
            let last = if end == End::Limit {
                natural.cycle
            } else {
                u64::MAX
            };
            let mut positions: Vec<u64> = issues.iter().flat_map(|i| [i.0, i.0 + 1]).collect();
            positions.retain(|&c| c < last);
            positions.dedup();
            // An issue after one that is no control transfer is inside a block.
            for &(_, pc, _) in &issues[..issues.len().saturating_sub(1)] {
                let m = code.program[code.at[pc as usize].expect("an instruction")].m;
                inside += u64::from(!CONTROL.contains(&m));
            }
            let until = |cycle: u64| (cycle != u64::MAX).then(|| cycle * start.period);
            for &at in &positions {
                stops += 1;
                let mut cases = vec![(
                    Case {
                        start: start.clone(),
                        program: code.program.clone(),
                        // Anywhere in the period before edge `at` puts the stop there.
                        until: Some((at * start.period).saturating_sub(dice.below(start.period))),
                        budget: None,
                    },
                    at,
                    None,
                )];
                if at > 0 {
                    for faults in [true, false] {
                        cases.push((
                            Case {
                                start: start.clone(),
                                program: code.program.clone(),
                                until: until(last),
                                budget: Some((at - 1, faults)),
                            },
                            last,
                            Some((at - 1, faults)),
                        ));
                    }
                }
                for (case, stop, budget) in cases {
                    let mut want = start.clone();
                    let end = want
                        .run_code(&code, costs, stop, budget, u64::MAX, &mut Vec::new())
                        .expect("the natural run was modelled");
                    let node =
                        emulate_code(&case, words.clone(), profile, Stepping::RunAhead, false);
                    compare(&case, &node, &want, &end, &format!("stop at {at}: {end:?}"));
                }
                // A progress slice ending at `at`, then the rest of the run.
                let case = Case {
                    start: start.clone(),
                    program: code.program.clone(),
                    until: None,
                    budget: None,
                };
                let mut want = start.clone();
                let end = want
                    .run_code(&code, costs, last, None, u64::MAX, &mut Vec::new())
                    .expect("the natural run was modelled");
                let node = emulate_cut(&case, words.clone(), profile, at, last);
                compare(
                    &case,
                    &node,
                    &want,
                    &end,
                    &format!("slice to {at}: {end:?}"),
                );
            }
        }
        programs += u32::from(modelled);
    }
    eprintln!("{stops} stop positions, {inside} issues inside a block");
    assert!(stops >= 3_000, "{stops} stop positions");
    assert!(inside >= 1_000, "{inside} issues inside a block");
}
