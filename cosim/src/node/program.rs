//! A program image predecoded once into the emulator's compact internal form.
//!
//! Every code address is decoded on its own (so a jump into the literal word
//! of a `pushw` executes that word, as hardware would). Each entry carries
//! its cycle cost, looked up from the *ISA opcode* in the timing profile, so
//! the internal form can never change simulated time. One sentinel entry past
//! the end faults when execution falls off the code.
//!
//! A second table holds the same operations with common pairs of one-word
//! instructions fused into one entry (`push 3; and` becomes `PushAnd(3)`),
//! counting two instructions. The fast loop dispatches once per pair; where
//! the pair would not run whole (a stack or memory fault in either half) it
//! executes the first half alone, so the result is the unfused one. The pairs
//! are the most frequent ones of the shipped decoder firmware and libraries.
//! One triple is fused too: a counting loop, `addi v; dup; jnz` back to the
//! `addi` (one entry for the whole turn, three instructions); when its step is
//! one, the fast loop runs at once as many of its turns as issue before the
//! stop cycle.
//!
//! A third table gives, for every code address, the cycles and instructions
//! from there to the end of its *basic block*: the run that execution falls
//! through to the first control transfer or `halt` (included), or to the
//! first instruction the fast loop does not execute (a NIC or process
//! instruction, an illegal word or the end of code, excluded). A block goes on
//! at the target of a `jmp` or `call` inside the code ([`Op::Goto`],
//! [`Op::CallOn`] in the fused table), unless the transfer closes a loop of
//! such runs or the `jmp` follows a `drop` (fused with it). The fast loop
//! charges a block once at its start instead of once per instruction.

use std::sync::Arc;

use aether_isa::{Image, Instruction, Opcode, TimingProfile};

/// One predecoded instruction: the operation with its operand, and its cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// What to do.
    pub op: Op,
    /// Cycle cost of the ISA instruction, from the timing profile.
    pub cost: u32,
}

/// What is left of a basic block from one code address: cycles and instructions to its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Block {
    /// Cycles of the instructions from the address to the end of the block.
    pub cycles: u64,
    /// How many instructions they are.
    pub instructions: u64,
}

/// The internal form of an instruction (operands decoded and sign-extended).
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Nop,
    Drop,
    Dup,
    Swap,
    Over,
    Rot,
    Nip,
    Tuck,
    Pick(u32),
    ToR,
    FromR,
    RFetch,
    RDrop,
    Depth,
    Push(u32),
    PushW(u32),
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    DivU,
    ModU,
    Neg,
    And,
    Or,
    Xor,
    Not,
    Shl,
    Shr,
    Sar,
    AddI(u32),
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LtU,
    GtU,
    EqZ,
    Load,
    Store,
    LoadI(u32),
    StoreI(u32),
    Jmp(u32),
    Jz(u32),
    Jnz(u32),
    Call(u32),
    Ret,
    JmpI,
    CallI,
    Cycles,
    Now,
    NodeId,
    Nodes,
    Rand,
    Halt,
    Assert(u32),
    Emit(u32),
    /// A NIC or process instruction: the node leaves the fast loop to perform it.
    Outside(Opcode),
    /// A word that does not decode (its raw value).
    Illegal(u32),
    /// The sentinel past the last code word.
    OffEnd,
    /// Fused `addi v; load`.
    AddILoad(u32),
    /// Fused `addi v; store`.
    AddIStore(u32),
    /// Fused `addi v; dup`.
    AddIDup(u32),
    /// Fused `dup; addi v`.
    DupAddI(u32),
    /// Fused `over; addi v`.
    OverAddI(u32),
    /// Fused `dup; jz t` (t inside the code).
    DupJz(u32),
    /// Fused `dup; jnz t` (t inside the code).
    DupJnz(u32),
    /// Fused `eq; jz t` (t inside the code).
    EqJz(u32),
    /// Fused `eq; jnz t` (t inside the code).
    EqJnz(u32),
    /// Fused `drop; drop`.
    DropDrop,
    /// Fused `drop; jmp t` (t inside the code).
    DropJmp(u32),
    /// Fused `push v; add`.
    PushAdd(u32),
    /// Fused `push v; and`.
    PushAnd(u32),
    /// Fused `push v; or`.
    PushOr(u32),
    /// Fused `push v; xor`.
    PushXor(u32),
    /// Fused `push v; eq`.
    PushEq(u32),
    /// Fused `push v; lt`.
    PushLt(u32),
    /// Fused `push v; shl`.
    PushShl(u32),
    /// Fused `push v; shr`.
    PushShr(u32),
    /// `jmp t` inside a basic block that goes on at the target (see [`Program`]).
    Goto(u32),
    /// `call t` inside a basic block that goes on at the target (see [`Program`]).
    CallOn(u32),
    /// Fused `addi v; dup; jnz` back to the `addi`: a loop that counts the top word down (or
    /// up) to zero.
    CountDown(u32),
}

/// How execution leaves an instruction, for cutting the code into basic blocks.
enum Leaves {
    /// It falls through to the instruction this many words on, in the same block.
    Through(usize),
    /// It ends its block (a control transfer, taken or not, or `halt`).
    Ends,
    /// The fast loop stops at it without executing it.
    Stops,
}

impl Op {
    /// How execution leaves this operation.
    fn leaves(self) -> Leaves {
        match self {
            Op::Nop
            | Op::Drop
            | Op::Dup
            | Op::Swap
            | Op::Over
            | Op::Rot
            | Op::Nip
            | Op::Tuck
            | Op::Pick(_)
            | Op::ToR
            | Op::FromR
            | Op::RFetch
            | Op::RDrop
            | Op::Depth
            | Op::Push(_)
            | Op::Add
            | Op::Sub
            | Op::Mul
            | Op::Div
            | Op::Mod
            | Op::DivU
            | Op::ModU
            | Op::Neg
            | Op::And
            | Op::Or
            | Op::Xor
            | Op::Not
            | Op::Shl
            | Op::Shr
            | Op::Sar
            | Op::AddI(_)
            | Op::Eq
            | Op::Ne
            | Op::Lt
            | Op::Le
            | Op::Gt
            | Op::Ge
            | Op::LtU
            | Op::GtU
            | Op::EqZ
            | Op::Load
            | Op::Store
            | Op::LoadI(_)
            | Op::StoreI(_)
            | Op::Cycles
            | Op::Now
            | Op::NodeId
            | Op::Nodes
            | Op::Rand
            | Op::Assert(_)
            | Op::Emit(_) => Leaves::Through(1),
            Op::PushW(_)
            | Op::AddILoad(_)
            | Op::AddIStore(_)
            | Op::AddIDup(_)
            | Op::DupAddI(_)
            | Op::OverAddI(_)
            | Op::DropDrop
            | Op::PushAdd(_)
            | Op::PushAnd(_)
            | Op::PushOr(_)
            | Op::PushXor(_)
            | Op::PushEq(_)
            | Op::PushLt(_)
            | Op::PushShl(_)
            | Op::PushShr(_) => Leaves::Through(2),
            Op::Jmp(_)
            | Op::Jz(_)
            | Op::Jnz(_)
            | Op::Call(_)
            | Op::Ret
            | Op::JmpI
            | Op::CallI
            | Op::Halt
            | Op::DupJz(_)
            | Op::DupJnz(_)
            | Op::EqJz(_)
            | Op::EqJnz(_)
            | Op::DropJmp(_)
            | Op::Goto(_)
            | Op::CallOn(_)
            | Op::CountDown(_) => Leaves::Ends,
            Op::Outside(_) | Op::Illegal(_) | Op::OffEnd => Leaves::Stops,
        }
    }
}

/// A predecoded program, shared by every node that runs it.
#[derive(Debug)]
pub struct Program {
    /// Predecoded entries, one per code address plus the sentinel.
    pub ops: Vec<Decoded>,
    /// The same operations with common pairs fused (see the module documentation).
    pub fused: Vec<Op>,
    /// What is left of the basic block from each code address (and the sentinel).
    pub blocks: Vec<Block>,
    /// The image it was decoded from (for source locations, entries, data).
    pub image: Arc<Image>,
}

/// The fused form of the one-word instructions `a; b`, when they are a fused pair; `len` is
/// the code length (a fused jump's target must lie inside the code).
fn fuse(a: Op, b: Op, len: u32) -> Option<Op> {
    let inside = |t: u32| t < len;
    Some(match (a, b) {
        (Op::AddI(v), Op::Load) => Op::AddILoad(v),
        (Op::AddI(v), Op::Store) => Op::AddIStore(v),
        (Op::AddI(v), Op::Dup) => Op::AddIDup(v),
        (Op::Dup, Op::AddI(v)) => Op::DupAddI(v),
        (Op::Over, Op::AddI(v)) => Op::OverAddI(v),
        (Op::Dup, Op::Jz(t)) if inside(t) => Op::DupJz(t),
        (Op::Dup, Op::Jnz(t)) if inside(t) => Op::DupJnz(t),
        (Op::Eq, Op::Jz(t)) if inside(t) => Op::EqJz(t),
        (Op::Eq, Op::Jnz(t)) if inside(t) => Op::EqJnz(t),
        (Op::Drop, Op::Drop) => Op::DropDrop,
        (Op::Drop, Op::Jmp(t)) if inside(t) => Op::DropJmp(t),
        (Op::Push(v), Op::Add) => Op::PushAdd(v),
        (Op::Push(v), Op::And) => Op::PushAnd(v),
        (Op::Push(v), Op::Or) => Op::PushOr(v),
        (Op::Push(v), Op::Xor) => Op::PushXor(v),
        (Op::Push(v), Op::Eq) => Op::PushEq(v),
        (Op::Push(v), Op::Lt) => Op::PushLt(v),
        (Op::Push(v), Op::Shl) => Op::PushShl(v),
        (Op::Push(v), Op::Shr) => Op::PushShr(v),
        _ => return None,
    })
}

/// The fused form of the one-word instructions `a; b; c` at code address `pc`, when they
/// are a fused triple.
fn fuse_three(a: Op, b: Op, c: Op, pc: usize) -> Option<Op> {
    match (a, b, c) {
        (Op::AddI(v), Op::Dup, Op::Jnz(t)) if t as usize == pc => Some(Op::CountDown(v)),
        _ => None,
    }
}

fn internal(instr: Instruction) -> Op {
    let v = instr.operand;
    match instr.opcode {
        Opcode::Nop => Op::Nop,
        Opcode::Drop => Op::Drop,
        Opcode::Dup => Op::Dup,
        Opcode::Swap => Op::Swap,
        Opcode::Over => Op::Over,
        Opcode::Rot => Op::Rot,
        Opcode::Nip => Op::Nip,
        Opcode::Tuck => Op::Tuck,
        Opcode::Pick => Op::Pick(v),
        Opcode::ToR => Op::ToR,
        Opcode::FromR => Op::FromR,
        Opcode::RFetch => Op::RFetch,
        Opcode::RDrop => Op::RDrop,
        Opcode::Depth => Op::Depth,
        Opcode::Push => Op::Push(v),
        Opcode::PushW => Op::PushW(v),
        Opcode::Add => Op::Add,
        Opcode::Sub => Op::Sub,
        Opcode::Mul => Op::Mul,
        Opcode::Div => Op::Div,
        Opcode::Mod => Op::Mod,
        Opcode::DivU => Op::DivU,
        Opcode::ModU => Op::ModU,
        Opcode::Neg => Op::Neg,
        Opcode::And => Op::And,
        Opcode::Or => Op::Or,
        Opcode::Xor => Op::Xor,
        Opcode::Not => Op::Not,
        Opcode::Shl => Op::Shl,
        Opcode::Shr => Op::Shr,
        Opcode::Sar => Op::Sar,
        Opcode::AddI => Op::AddI(v),
        Opcode::Eq => Op::Eq,
        Opcode::Ne => Op::Ne,
        Opcode::Lt => Op::Lt,
        Opcode::Le => Op::Le,
        Opcode::Gt => Op::Gt,
        Opcode::Ge => Op::Ge,
        Opcode::LtU => Op::LtU,
        Opcode::GtU => Op::GtU,
        Opcode::EqZ => Op::EqZ,
        Opcode::Load => Op::Load,
        Opcode::Store => Op::Store,
        Opcode::LoadI => Op::LoadI(v),
        Opcode::StoreI => Op::StoreI(v),
        Opcode::Jmp => Op::Jmp(v),
        Opcode::Jz => Op::Jz(v),
        Opcode::Jnz => Op::Jnz(v),
        Opcode::Call => Op::Call(v),
        Opcode::Ret => Op::Ret,
        Opcode::JmpI => Op::JmpI,
        Opcode::CallI => Op::CallI,
        Opcode::Cycles => Op::Cycles,
        Opcode::Now => Op::Now,
        Opcode::NodeId => Op::NodeId,
        Opcode::Nodes => Op::Nodes,
        Opcode::Rand => Op::Rand,
        Opcode::Halt => Op::Halt,
        Opcode::Assert => Op::Assert(v),
        Opcode::Emit => Op::Emit(v),
        other => Op::Outside(other),
    }
}

/// Where execution goes on in the same basic block after each entry of `ops`: the next
/// instruction for one that falls through, the target for a `jmp` or `call` inside the code
/// unless it closes a loop of such transfers (a block runs each address once at most).
fn goes_on(ops: &[Decoded]) -> Vec<Option<usize>> {
    let len = ops.len() - 1;
    let mut next: Vec<Option<usize>> = ops
        .iter()
        .enumerate()
        .map(|(pc, d)| match (d.op.leaves(), d.op) {
            // A two-word instruction at the last word does not decode, so `pc + n` is at
            // most the sentinel's address.
            (Leaves::Through(n), _) => Some(pc + n),
            // A `jmp` after a `drop` ends its block: the two run as one (`Op::DropJmp`).
            (Leaves::Ends, Op::Jmp(_)) if pc > 0 && ops[pc - 1].op == Op::Drop => None,
            (Leaves::Ends, Op::Jmp(t) | Op::Call(t)) if (t as usize) < len => Some(t as usize),
            _ => None,
        })
        .collect();
    // Each address has one way on at most: walk from each, and where a walk comes back onto
    // itself, end the loop at its last transfer (falling through only goes forward, so a
    // loop holds one).
    let mut seen = vec![false; ops.len()];
    let mut walk = Vec::new();
    for start in 0..ops.len() {
        walk.clear();
        let mut pc = Some(start);
        while let Some(at) = pc.filter(|&at| !seen[at]) {
            seen[at] = true;
            walk.push(at);
            pc = next[at];
        }
        if let Some(back) = pc.and_then(|at| walk.iter().position(|&w| w == at)) {
            let last = walk[back..]
                .iter()
                .rev()
                .find(|&&w| !matches!(ops[w].op.leaves(), Leaves::Through(_)));
            if let Some(&w) = last {
                next[w] = None;
            }
        }
    }
    next
}

/// What is left of the basic block from each entry of `ops`, given where each goes on in
/// it (`next`, from [`goes_on`]): an instruction adds itself to what is left after it.
fn blocks(ops: &[Decoded], next: &[Option<usize>]) -> Vec<Block> {
    let own = |pc: usize| match ops[pc].op.leaves() {
        Leaves::Stops => Block::default(),
        _ => Block {
            cycles: u64::from(ops[pc].cost),
            instructions: 1,
        },
    };
    let mut blocks: Vec<Option<Block>> = vec![None; ops.len()];
    let mut walk = Vec::new();
    for start in 0..ops.len() {
        walk.clear();
        let mut pc = Some(start);
        let mut rest = Block::default();
        while let Some(at) = pc {
            if let Some(done) = blocks[at] {
                rest = done;
                break;
            }
            walk.push(at);
            pc = next[at];
        }
        for &at in walk.iter().rev() {
            let mine = own(at);
            rest = Block {
                cycles: mine.cycles + rest.cycles,
                instructions: mine.instructions + rest.instructions,
            };
            blocks[at] = Some(rest);
        }
    }
    blocks.into_iter().map(Option::unwrap_or_default).collect()
}

impl Program {
    /// Predecodes `image` with the costs of `profile`.
    pub fn new(image: Arc<Image>, profile: &TimingProfile) -> Program {
        let code = &image.code;
        let mut ops = Vec::with_capacity(code.len() + 1);
        for addr in 0..code.len() {
            let decoded = match Instruction::decode(&code[addr..]) {
                Ok((instr, _)) => Decoded {
                    op: internal(instr),
                    cost: profile.cost(instr.opcode),
                },
                Err(_) => Decoded {
                    op: Op::Illegal(code[addr]),
                    cost: 0,
                },
            };
            ops.push(decoded);
        }
        ops.push(Decoded {
            op: Op::OffEnd,
            cost: 0,
        });
        let len = code.len() as u32;
        let next = goes_on(&ops);
        // A transfer that goes on in its block runs as such from the fused table.
        let op = |pc: usize| match ops.get(pc).map(|d| d.op) {
            Some(Op::Jmp(t)) if next[pc].is_some() => Op::Goto(t),
            Some(Op::Call(t)) if next[pc].is_some() => Op::CallOn(t),
            op => op.unwrap_or(Op::OffEnd),
        };
        let fused = (0..ops.len())
            .map(|pc| {
                fuse_three(op(pc), op(pc + 1), op(pc + 2), pc)
                    .or_else(|| fuse(op(pc), op(pc + 1), len))
                    .unwrap_or(op(pc))
            })
            .collect();
        Program {
            blocks: blocks(&ops, &next),
            ops,
            fused,
            image,
        }
    }

    /// Number of code words.
    pub fn code_len(&self) -> u32 {
        (self.ops.len() - 1) as u32
    }

    /// `file:line:col` of code address `pc`, if the source map knows it.
    pub fn source(&self, pc: u32) -> Option<String> {
        self.image.source_map.describe(pc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(instrs: &[Instruction]) -> Arc<Image> {
        let mut code = Vec::new();
        for i in instrs {
            i.encode_into(&mut code);
        }
        Arc::new(Image {
            code,
            ..Image::default()
        })
    }

    #[test]
    fn every_address_is_decoded_with_its_profile_cost_and_a_sentinel() {
        let img = image(&[
            Instruction::new(Opcode::PushW, 0x1000_0005).unwrap(),
            Instruction::bare(Opcode::Div),
            Instruction::bare(Opcode::Send),
        ]);
        let program = Program::new(img, &TimingProfile::default());
        assert_eq!(program.code_len(), 4);
        assert_eq!(
            program.ops[0],
            Decoded {
                op: Op::PushW(0x1000_0005),
                cost: 2,
            }
        );
        // The literal word 0x10000005 is itself `push 5`.
        assert_eq!(program.ops[1].op, Op::Push(5));
        assert_eq!(program.ops[2].cost, 20);
        assert_eq!(program.ops[3].op, Op::Outside(Opcode::Send));
        assert_eq!(program.ops[4].op, Op::OffEnd);
    }

    #[test]
    fn common_pairs_are_fused_and_the_rest_kept() {
        let i = |op, v| Instruction::new(op, v).unwrap();
        let img = image(&[
            i(Opcode::Push, 3),
            i(Opcode::And, 0),
            i(Opcode::Dup, 0),
            i(Opcode::Jnz, 0),
            i(Opcode::Dup, 0),
            i(Opcode::Jz, 7),
            i(Opcode::Drop, 0),
        ]);
        let program = Program::new(img, &TimingProfile::default());
        assert_eq!(program.fused[0], Op::PushAnd(3));
        assert_eq!(program.fused[2], Op::DupJnz(0));
        // A jump to the end of the code (7 words) faults: left to the plain `jz`.
        assert_eq!(program.fused[4], program.ops[4].op);
        // The second half of a pair keeps its own entry, for jumps to it.
        assert_eq!(program.fused[1], program.ops[1].op);
        assert_eq!(program.fused[6], program.ops[6].op);
        assert_eq!(program.fused[7], Op::OffEnd);
        assert_eq!(program.fused.len(), program.ops.len());
    }

    /// The pairs `Op`'s documentation lists, each written out by hand: fused where it
    /// stands, and a jump pair left alone when its target is the end of the code.
    #[test]
    fn every_documented_pair_is_fused_and_no_jump_out_of_the_code() {
        let i = |op, v| Instruction::new(op, v).unwrap();
        let (v, t) = (5, 2);
        let pairs = [
            (i(Opcode::AddI, v), i(Opcode::Load, 0), Op::AddILoad(5)),
            (i(Opcode::AddI, v), i(Opcode::Store, 0), Op::AddIStore(5)),
            (i(Opcode::AddI, v), i(Opcode::Dup, 0), Op::AddIDup(5)),
            (i(Opcode::Dup, 0), i(Opcode::AddI, v), Op::DupAddI(5)),
            (i(Opcode::Over, 0), i(Opcode::AddI, v), Op::OverAddI(5)),
            (i(Opcode::Dup, 0), i(Opcode::Jz, t), Op::DupJz(2)),
            (i(Opcode::Dup, 0), i(Opcode::Jnz, t), Op::DupJnz(2)),
            (i(Opcode::Eq, 0), i(Opcode::Jz, t), Op::EqJz(2)),
            (i(Opcode::Eq, 0), i(Opcode::Jnz, t), Op::EqJnz(2)),
            (i(Opcode::Drop, 0), i(Opcode::Drop, 0), Op::DropDrop),
            (i(Opcode::Drop, 0), i(Opcode::Jmp, t), Op::DropJmp(2)),
            (i(Opcode::Push, v), i(Opcode::Add, 0), Op::PushAdd(5)),
            (i(Opcode::Push, v), i(Opcode::And, 0), Op::PushAnd(5)),
            (i(Opcode::Push, v), i(Opcode::Or, 0), Op::PushOr(5)),
            (i(Opcode::Push, v), i(Opcode::Xor, 0), Op::PushXor(5)),
            (i(Opcode::Push, v), i(Opcode::Eq, 0), Op::PushEq(5)),
            (i(Opcode::Push, v), i(Opcode::Lt, 0), Op::PushLt(5)),
            (i(Opcode::Push, v), i(Opcode::Shl, 0), Op::PushShl(5)),
            (i(Opcode::Push, v), i(Opcode::Shr, 0), Op::PushShr(5)),
        ];
        let halt = i(Opcode::Halt, 0);
        for (a, b, want) in pairs {
            // Three words: a jump to 2 lands on `halt`, inside the code.
            let program = Program::new(image(&[a, b, halt]), &TimingProfile::default());
            assert_eq!(program.fused[0], want, "{a}; {b}");
            if matches!(b.opcode, Opcode::Jz | Opcode::Jnz | Opcode::Jmp) {
                let out = i(b.opcode, 3);
                let program = Program::new(image(&[a, out, halt]), &TimingProfile::default());
                assert_eq!(program.fused[0], program.ops[0].op, "{a}; {out}");
            }
        }
    }

    /// `addi v; dup; jnz` back to the `addi` is one fused loop; jumping anywhere else, it is
    /// the pairs `addi v; dup` and `dup; jnz`.
    #[test]
    fn a_counting_loop_is_fused_whole_only_when_it_jumps_back_to_itself() {
        let i = |op, v| Instruction::new(op, v).unwrap();
        let code = |t| {
            let img = image(&[
                i(Opcode::Push, 9),
                i(Opcode::AddI, -1),
                i(Opcode::Dup, 0),
                i(Opcode::Jnz, t),
                i(Opcode::Halt, 0),
            ]);
            Program::new(img, &TimingProfile::default()).fused
        };
        let fused = code(1);
        assert_eq!(fused[1], Op::CountDown(u32::MAX));
        assert_eq!(fused[2], Op::DupJnz(1));
        assert_eq!(fused[3], Op::Jnz(1));
        let fused = code(0);
        assert_eq!(fused[1], Op::AddIDup(u32::MAX));
        assert_eq!(fused[2], Op::DupJnz(0));
    }

    #[test]
    fn each_address_knows_the_cycles_and_instructions_left_in_its_block() {
        let i = |op, v| Instruction::new(op, v).unwrap();
        // 0 push 3; 1 and; 2 dup; 3 jnz 0; 4-5 pushw (whose literal word is `push 5`);
        // 6 send; 7 halt; 8 the sentinel.
        let img = image(&[
            i(Opcode::Push, 3),
            i(Opcode::And, 0),
            i(Opcode::Dup, 0),
            i(Opcode::Jnz, 0),
            i(Opcode::PushW, 0x1000_0005),
            i(Opcode::Send, 0),
            i(Opcode::Halt, 0),
        ]);
        let profile = TimingProfile::default();
        let program = Program::new(img, &profile);
        let c = |op| u64::from(profile.cost(op));
        let block = |cycles, instructions| Block {
            cycles,
            instructions,
        };
        let (push, and, dup, jnz) = (
            c(Opcode::Push),
            c(Opcode::And),
            c(Opcode::Dup),
            c(Opcode::Jnz),
        );
        assert_eq!(
            program.blocks,
            [
                // The block runs through `jnz`, whichever way it goes.
                block(push + and + dup + jnz, 4),
                block(and + dup + jnz, 3),
                block(dup + jnz, 2),
                block(jnz, 1),
                // The fast loop stops at `send`: its cost is charged outside.
                block(c(Opcode::PushW), 1),
                block(push, 1),
                block(0, 0),
                block(c(Opcode::Halt), 1),
                block(0, 0),
            ]
        );
    }

    /// A block goes on through `jmp` and `call` to a target inside the code (each then runs
    /// from the fused table as such), and a loop of them ends at its last transfer; a `jmp`
    /// after a `drop` ends its block (the pair is fused).
    #[test]
    fn blocks_go_on_through_jumps_and_calls_inside_the_code() {
        let i = |op, v| Instruction::new(op, v).unwrap();
        // 0 push 1; 1 jmp 4; 2 nop; 3 halt; 4 call 7; 5 nop; 6 jmp 8; 7 ret; 8 jmp 8;
        // 9 jmp 10 (the end of the code); 10 the sentinel.
        let img = image(&[
            i(Opcode::Push, 1),
            i(Opcode::Jmp, 4),
            i(Opcode::Nop, 0),
            i(Opcode::Halt, 0),
            i(Opcode::Call, 7),
            i(Opcode::Nop, 0),
            i(Opcode::Jmp, 8),
            i(Opcode::Ret, 0),
            i(Opcode::Jmp, 8),
            i(Opcode::Jmp, 10),
        ]);
        let profile = TimingProfile::default();
        let program = Program::new(img, &profile);
        let c = |op| u64::from(profile.cost(op));
        let (push, jmp, call, ret) = (
            c(Opcode::Push),
            c(Opcode::Jmp),
            c(Opcode::Call),
            c(Opcode::Ret),
        );
        let instructions: Vec<u64> = program.blocks.iter().map(|b| b.instructions).collect();
        assert_eq!(instructions, [4, 3, 2, 1, 2, 3, 2, 1, 1, 1, 0]);
        assert_eq!(program.blocks[0].cycles, push + jmp + call + ret);
        assert_eq!(program.blocks[5].cycles, c(Opcode::Nop) + jmp + jmp);
        let fused = &program.fused;
        assert_eq!(
            (fused[1], fused[4], fused[6], fused[8], fused[9]),
            (
                Op::Goto(4),
                Op::CallOn(7),
                Op::Goto(8),
                Op::Jmp(8),
                Op::Jmp(10)
            )
        );
        // Two jumps to each other: the loop ends at the second.
        let img = image(&[i(Opcode::Jmp, 1), i(Opcode::Jmp, 0)]);
        let program = Program::new(img, &profile);
        let instructions: Vec<u64> = program.blocks.iter().map(|b| b.instructions).collect();
        assert_eq!(instructions, [2, 1, 0]);
        assert_eq!(
            (program.fused[0], program.fused[1]),
            (Op::Goto(1), Op::Jmp(0))
        );
    }

    #[test]
    fn undecodable_words_become_illegal() {
        let img = Arc::new(Image {
            code: vec![0xFF00_0000, 0x2000_0001],
            ..Image::default()
        });
        let program = Program::new(img, &TimingProfile::default());
        assert_eq!(program.ops[0].op, Op::Illegal(0xFF00_0000));
        assert_eq!(program.ops[1].op, Op::Illegal(0x2000_0001));
    }
}
