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

use aether_cosim::node::{Node, NodeParams, NodeState, Program};
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
        profile: profile.clone(),
        ..NodeParams::default()
    };
    let program = Arc::new(Program::new(image, profile));
    let mut node = Node::new(0, params, program, 0, 1, 1).expect("a valid node");
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
    match end {
        End::Halted | End::Limit => {
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
