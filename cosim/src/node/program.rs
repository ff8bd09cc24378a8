//! A program image predecoded once into the emulator's compact internal form.
//!
//! Every code address is decoded on its own (so a jump into the literal word
//! of a `pushw` executes that word, as hardware would). Each entry carries
//! its cycle cost, looked up from the *ISA opcode* in the timing profile, so
//! the internal form can never change simulated time. One sentinel entry past
//! the end faults when execution falls off the code.

use std::sync::Arc;

use aether_isa::{Image, Instruction, Opcode, TimingProfile};

/// One predecoded instruction: the operation with its operand, and its cost in cycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// What to do.
    pub op: Op,
    /// Cycle cost of the ISA instruction, from the timing profile.
    pub cost: u32,
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
}

/// A predecoded program, shared by every node that runs it.
#[derive(Debug)]
pub struct Program {
    /// Predecoded entries, one per code address plus the sentinel.
    pub ops: Vec<Decoded>,
    /// The image it was decoded from (for source locations, entries, data).
    pub image: Arc<Image>,
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
        Program { ops, image }
    }

    /// Number of code words.
    pub fn code_len(&self) -> u32 {
        (self.ops.len() - 1) as u32
    }

    /// The ISA opcode of the instruction at `pc`, if it decodes.
    pub fn opcode_at(&self, pc: u32) -> Option<Opcode> {
        let code = &self.image.code;
        Instruction::decode(code.get(pc as usize..)?)
            .ok()
            .map(|(i, _)| i.opcode)
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
                cost: 2
            }
        );
        // The literal word 0x10000005 is itself `push 5`.
        assert_eq!(program.ops[1].op, Op::Push(5));
        assert_eq!(program.ops[2].cost, 20);
        assert_eq!(program.ops[3].op, Op::Outside(Opcode::Send));
        assert_eq!(program.ops[4].op, Op::OffEnd);
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
