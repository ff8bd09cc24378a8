//! The instruction table of ISA v1: every instruction described once, as data.
//!
//! The encoder, decoder, disassembler, timing profile and `docs/isa.md` all
//! derive from [`INSTRUCTIONS`]; nothing else lists mnemonics or opcodes.

use serde::Serialize;

/// The group an instruction belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Data and return stack manipulation.
    Stack,
    /// Literals pushed from the instruction stream.
    Literal,
    /// Arithmetic, logic, shifts and comparisons.
    Alu,
    /// Loads and stores to the node's word-addressed data memory.
    Memory,
    /// Jumps, branches, calls and returns.
    Control,
    /// The network interface: inboxes, send, receive, wait.
    Nic,
    /// Time, identity, randomness, logging, halting and assertions.
    System,
    /// Hardware processes (contexts) sharing one node.
    Process,
}

impl Group {
    /// Every group, in the order the docs list them.
    pub const ALL: [Group; 8] = [
        Group::Stack,
        Group::Literal,
        Group::Alu,
        Group::Memory,
        Group::Control,
        Group::Nic,
        Group::System,
        Group::Process,
    ];

    /// The group's name as written in docs and listings.
    pub fn name(self) -> &'static str {
        match self {
            Group::Stack => "stack",
            Group::Literal => "literal",
            Group::Alu => "alu",
            Group::Memory => "memory",
            Group::Control => "control",
            Group::Nic => "nic",
            Group::System => "system",
            Group::Process => "process",
        }
    }
}

/// What the operand field of an instruction holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperandKind {
    /// No operand; the 24-bit field must be zero.
    None,
    /// A signed 24-bit immediate, sign-extended to 32 bits.
    Signed24,
    /// An unsigned 24-bit immediate (a count or a code).
    Unsigned24,
    /// An absolute code address (24 bits).
    CodeAddr,
    /// An absolute data-memory address (24 bits).
    DataAddr,
    /// A full 32-bit word in the following code word; the field must be zero.
    Word32,
}

impl OperandKind {
    /// Number of code words an instruction with this operand occupies.
    pub const fn words(self) -> u32 {
        match self {
            OperandKind::Word32 => 2,
            _ => 1,
        }
    }

    /// Whether the assembler expects an operand expression.
    pub const fn takes_operand(self) -> bool {
        !matches!(self, OperandKind::None)
    }
}

/// Static description of one instruction.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct InstrInfo {
    /// The opcode this row describes.
    pub opcode: Opcode,
    /// Assembly mnemonic (lower case).
    pub mnemonic: &'static str,
    /// The 8-bit opcode value in bits 31..24 of the instruction word.
    pub code: u8,
    /// Instruction group.
    pub group: Group,
    /// Operand kind.
    pub operand: OperandKind,
    /// Data-stack words consumed (for `pick` and `emit` the fixed part only).
    pub pops: u8,
    /// Data-stack words produced.
    pub pushes: u8,
    /// Return-stack words consumed.
    pub rpops: u8,
    /// Return-stack words produced.
    pub rpushes: u8,
    /// Stack effect in Forth notation, as printed in docs.
    pub effect: &'static str,
    /// Cycle cost in the default timing profile.
    pub default_cycles: u32,
    /// One-line description.
    pub summary: &'static str,
    /// Faults this instruction can raise besides stack overflow/underflow.
    pub faults: &'static str,
}

macro_rules! isa {
    ($(
        $variant:ident = $code:literal, $mn:literal, $group:ident, $operand:ident,
        pops $pops:literal, pushes $pushes:literal, rpops $rpops:literal, rpushes $rpushes:literal,
        $effect:literal, cycles $cycles:literal, $summary:literal, faults $faults:literal;
    )*) => {
        /// An ISA v1 opcode.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "lowercase")]
        #[repr(u8)]
        pub enum Opcode {
            $(
                #[doc = $summary]
                $variant = $code,
            )*
        }

        /// Every instruction of ISA v1, in opcode order.
        pub static INSTRUCTIONS: &[InstrInfo] = &[
            $(
                InstrInfo {
                    opcode: Opcode::$variant,
                    mnemonic: $mn,
                    code: $code,
                    group: Group::$group,
                    operand: OperandKind::$operand,
                    pops: $pops,
                    pushes: $pushes,
                    rpops: $rpops,
                    rpushes: $rpushes,
                    effect: $effect,
                    default_cycles: $cycles,
                    summary: $summary,
                    faults: $faults,
                },
            )*
        ];
    };
}

isa! {
    Nop = 0x00, "nop", Stack, None, pops 0, pushes 0, rpops 0, rpushes 0,
        "( -- )", cycles 1, "Do nothing for one instruction.", faults "";
    Drop = 0x01, "drop", Stack, None, pops 1, pushes 0, rpops 0, rpushes 0,
        "( a -- )", cycles 1, "Discard the top of the data stack.", faults "";
    Dup = 0x02, "dup", Stack, None, pops 1, pushes 2, rpops 0, rpushes 0,
        "( a -- a a )", cycles 1, "Duplicate the top of the data stack.", faults "";
    Swap = 0x03, "swap", Stack, None, pops 2, pushes 2, rpops 0, rpushes 0,
        "( a b -- b a )", cycles 1, "Exchange the two top words.", faults "";
    Over = 0x04, "over", Stack, None, pops 2, pushes 3, rpops 0, rpushes 0,
        "( a b -- a b a )", cycles 1, "Copy the second word to the top.", faults "";
    Rot = 0x05, "rot", Stack, None, pops 3, pushes 3, rpops 0, rpushes 0,
        "( a b c -- b c a )", cycles 1, "Rotate the third word to the top.", faults "";
    Nip = 0x06, "nip", Stack, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- b )", cycles 1, "Discard the second word.", faults "";
    Tuck = 0x07, "tuck", Stack, None, pops 2, pushes 3, rpops 0, rpushes 0,
        "( a b -- b a b )", cycles 1, "Copy the top word below the second.", faults "";
    Pick = 0x08, "pick", Stack, Unsigned24, pops 0, pushes 1, rpops 0, rpushes 0,
        "( xn .. x0 -- xn .. x0 xn )", cycles 1,
        "Copy the word n below the top (n is the operand; pick 0 is dup).", faults "";
    ToR = 0x09, "tor", Stack, None, pops 1, pushes 0, rpops 0, rpushes 1,
        "( a -- ) R: ( -- a )", cycles 1, "Move the top word to the return stack.", faults "";
    FromR = 0x0A, "fromr", Stack, None, pops 0, pushes 1, rpops 1, rpushes 0,
        "( -- a ) R: ( a -- )", cycles 1, "Move the top of the return stack to the data stack.",
        faults "";
    RFetch = 0x0B, "rfetch", Stack, None, pops 0, pushes 1, rpops 1, rpushes 1,
        "( -- a ) R: ( a -- a )", cycles 1, "Copy the top of the return stack to the data stack.",
        faults "";
    RDrop = 0x0C, "rdrop", Stack, None, pops 0, pushes 0, rpops 1, rpushes 0,
        "( -- ) R: ( a -- )", cycles 1, "Discard the top of the return stack.", faults "";
    Depth = 0x0D, "depth", Stack, None, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- n )", cycles 1, "Push the number of words on the data stack before this one.",
        faults "";

    Push = 0x10, "push", Literal, Signed24, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- imm )", cycles 1, "Push a signed 24-bit literal, sign-extended.", faults "";
    PushW = 0x11, "pushw", Literal, Word32, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- word )", cycles 2, "Push the full 32-bit literal held in the next code word.",
        faults "";

    Add = 0x20, "add", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a+b )", cycles 1, "Wrapping addition.", faults "";
    Sub = 0x21, "sub", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a-b )", cycles 1, "Wrapping subtraction.", faults "";
    Mul = 0x22, "mul", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a*b )", cycles 3, "Wrapping multiplication (low 32 bits).", faults "";
    Div = 0x23, "div", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a/b )", cycles 20,
        "Signed division truncating toward zero; MIN/-1 wraps to MIN.",
        faults "division by zero";
    Mod = 0x24, "mod", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a%b )", cycles 20,
        "Signed remainder with the sign of a; MIN%-1 is 0.", faults "division by zero";
    DivU = 0x25, "divu", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a/b )", cycles 20, "Unsigned division.", faults "division by zero";
    ModU = 0x26, "modu", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a%b )", cycles 20, "Unsigned remainder.", faults "division by zero";
    Neg = 0x27, "neg", Alu, None, pops 1, pushes 1, rpops 0, rpushes 0,
        "( a -- -a )", cycles 1, "Wrapping two's-complement negation.", faults "";
    And = 0x28, "and", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a&b )", cycles 1, "Bitwise and.", faults "";
    Or = 0x29, "or", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a|b )", cycles 1, "Bitwise or.", faults "";
    Xor = 0x2A, "xor", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a^b )", cycles 1, "Bitwise exclusive or.", faults "";
    Not = 0x2B, "not", Alu, None, pops 1, pushes 1, rpops 0, rpushes 0,
        "( a -- ~a )", cycles 1, "Bitwise complement.", faults "";
    Shl = 0x2C, "shl", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a n -- a<<n )", cycles 1, "Shift left by n mod 32.", faults "";
    Shr = 0x2D, "shr", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a n -- a>>n )", cycles 1, "Logical shift right by n mod 32.", faults "";
    Sar = 0x2E, "sar", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a n -- a>>n )", cycles 1, "Arithmetic shift right by n mod 32.", faults "";
    AddI = 0x2F, "addi", Alu, Signed24, pops 1, pushes 1, rpops 0, rpushes 0,
        "( a -- a+imm )", cycles 1, "Add a signed 24-bit immediate (wrapping).", faults "";
    Eq = 0x30, "eq", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a==b )", cycles 1, "1 if equal, else 0.", faults "";
    Ne = 0x31, "ne", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a!=b )", cycles 1, "1 if not equal, else 0.", faults "";
    Lt = 0x32, "lt", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a<b )", cycles 1, "1 if a < b (signed), else 0.", faults "";
    Le = 0x33, "le", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a<=b )", cycles 1, "1 if a <= b (signed), else 0.", faults "";
    Gt = 0x34, "gt", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a>b )", cycles 1, "1 if a > b (signed), else 0.", faults "";
    Ge = 0x35, "ge", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a>=b )", cycles 1, "1 if a >= b (signed), else 0.", faults "";
    LtU = 0x36, "ltu", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a<b )", cycles 1, "1 if a < b (unsigned), else 0.", faults "";
    GtU = 0x37, "gtu", Alu, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( a b -- a>b )", cycles 1, "1 if a > b (unsigned), else 0.", faults "";
    EqZ = 0x38, "eqz", Alu, None, pops 1, pushes 1, rpops 0, rpushes 0,
        "( a -- a==0 )", cycles 1, "1 if zero, else 0 (logical not).", faults "";

    Load = 0x40, "load", Memory, None, pops 1, pushes 1, rpops 0, rpushes 0,
        "( addr -- mem[addr] )", cycles 2, "Load a word from data memory.",
        faults "memory out of range";
    Store = 0x41, "store", Memory, None, pops 2, pushes 0, rpops 0, rpushes 0,
        "( v addr -- )", cycles 2, "Store a word to data memory.",
        faults "memory out of range";
    LoadI = 0x42, "loadi", Memory, DataAddr, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- mem[imm] )", cycles 2, "Load a word from the absolute address in the operand.",
        faults "memory out of range";
    StoreI = 0x43, "storei", Memory, DataAddr, pops 1, pushes 0, rpops 0, rpushes 0,
        "( v -- )", cycles 2, "Store a word to the absolute address in the operand.",
        faults "memory out of range";

    Jmp = 0x50, "jmp", Control, CodeAddr, pops 0, pushes 0, rpops 0, rpushes 0,
        "( -- )", cycles 1, "Jump to the code address in the operand.",
        faults "code address out of range";
    Jz = 0x51, "jz", Control, CodeAddr, pops 1, pushes 0, rpops 0, rpushes 0,
        "( flag -- )", cycles 1, "Jump if the popped word is zero.",
        faults "code address out of range";
    Jnz = 0x52, "jnz", Control, CodeAddr, pops 1, pushes 0, rpops 0, rpushes 0,
        "( flag -- )", cycles 1, "Jump if the popped word is non-zero.",
        faults "code address out of range";
    Call = 0x53, "call", Control, CodeAddr, pops 0, pushes 0, rpops 0, rpushes 1,
        "( -- ) R: ( -- ret )", cycles 2,
        "Push the return address on the return stack and jump.",
        faults "code address out of range";
    Ret = 0x54, "ret", Control, None, pops 0, pushes 0, rpops 1, rpushes 0,
        "( -- ) R: ( ret -- )", cycles 2, "Return to the address popped from the return stack.",
        faults "code address out of range";
    JmpI = 0x55, "jmpi", Control, None, pops 1, pushes 0, rpops 0, rpushes 0,
        "( addr -- )", cycles 2, "Jump to a code address taken from the stack (dispatch tables).",
        faults "code address out of range";
    CallI = 0x56, "calli", Control, None, pops 1, pushes 0, rpops 0, rpushes 1,
        "( addr -- ) R: ( -- ret )", cycles 3, "Call a code address taken from the stack.",
        faults "code address out of range";

    Open = 0x60, "open", Nic, None, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- inbox )", cycles 4, "Open a fresh inbox on this node; inbox ids are never reused.",
        faults "too many inboxes";
    Close = 0x61, "close", Nic, None, pops 1, pushes 0, rpops 0, rpushes 0,
        "( inbox -- )", cycles 4,
        "Close an inbox; its pending messages with a reply-to go back to their senders.",
        faults "not an open inbox";
    Send = 0x62, "send", Nic, None, pops 5, pushes 0, rpops 0, rpushes 0,
        "( buf len type dst reply -- )", cycles 8,
        "Send len words from memory at buf as a message of type to address dst, with reply-to address reply; plus the per-word NIC cost.",
        faults "memory out of range; destination node not on the network; payload longer than the header's length field allows (65,535 words by default); a barrier contribution not allowed (docs/decoders.md)";
    Recv = 0x63, "recv", Nic, None, pops 3, pushes 1, rpops 0, rpushes 0,
        "( buf max inbox -- len )", cycles 8,
        "Take the oldest message of inbox: header at buf[0..4] (type, source, reply-to, length), up to max payload words at buf+4; push its payload length, or -1 if the inbox is empty; plus the per-word NIC cost.",
        faults "memory out of range; not an open inbox";
    Poll = 0x64, "poll", Nic, None, pops 1, pushes 1, rpops 0, rpushes 0,
        "( inbox -- n )", cycles 2, "Push the number of messages waiting in an inbox.",
        faults "not an open inbox";
    Peek = 0x65, "peek", Nic, None, pops 1, pushes 1, rpops 0, rpushes 0,
        "( inbox -- type )", cycles 2,
        "Push the type of the oldest message of an inbox, or -1 if it is empty.",
        faults "not an open inbox";
    Wait = 0x66, "wait", Nic, None, pops 1, pushes 1, rpops 0, rpushes 0,
        "( timeout -- got )", cycles 2,
        "Sleep until a message is waiting in any inbox of this process or timeout cycles pass (negative: no timeout); push 1 if a message is waiting, else 0.",
        faults "";
    Sleep = 0x67, "sleep", Nic, None, pops 1, pushes 0, rpops 0, rpushes 0,
        "( cycles -- )", cycles 2, "Sleep for the given number of cycles (negative counts as 0).",
        faults "";

    Cycles = 0x70, "cycles", System, None, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- n )", cycles 1, "Push the low 32 bits of this node's cycle counter.", faults "";
    Now = 0x71, "now", System, None, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- ns )", cycles 1, "Push the low 32 bits of the simulated time in nanoseconds.",
        faults "";
    NodeId = 0x72, "nodeid", System, None, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- id )", cycles 1, "Push this node's id.", faults "";
    Nodes = 0x73, "nodes", System, None, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- n )", cycles 1, "Push the number of nodes in the run.", faults "";
    Rand = 0x74, "rand", System, None, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- r )", cycles 2, "Push a word from this node's seeded random stream.", faults "";
    Halt = 0x75, "halt", System, None, pops 0, pushes 0, rpops 0, rpushes 0,
        "( -- )", cycles 1, "Stop this node for good.", faults "";
    Assert = 0x76, "assert", System, Unsigned24, pops 1, pushes 0, rpops 0, rpushes 0,
        "( flag -- )", cycles 1, "Fault with the operand as code if the popped word is zero.",
        faults "assertion";
    Emit = 0x77, "emit", System, Unsigned24, pops 1, pushes 0, rpops 0, rpushes 0,
        "( v1 .. vn tag -- )", cycles 4,
        "Append a record (node, time, tag, v1..vn) to the run's structured log; n is the operand.",
        faults "";

    Spawn = 0x80, "spawn", Process, None, pops 2, pushes 1, rpops 0, rpushes 0,
        "( addr arg -- pid )", cycles 8,
        "Start a new process at a code address with arg on its data stack; push its id.",
        faults "too many processes; code address out of range";
    Yield = 0x81, "yield", Process, None, pops 0, pushes 0, rpops 0, rpushes 0,
        "( -- )", cycles 1, "Let the next ready process of this node run.", faults "";
    Exit = 0x82, "exit", Process, None, pops 0, pushes 0, rpops 0, rpushes 0,
        "( -- )", cycles 1, "End the current process; the node halts when none is left.",
        faults "";
    SelfPid = 0x83, "self", Process, None, pops 0, pushes 1, rpops 0, rpushes 0,
        "( -- pid )", cycles 1, "Push the current process id.", faults "";
}

/// Opcode value to table index; `u8::MAX` marks an unassigned opcode.
static BY_CODE: [u8; 256] = {
    let mut table = [u8::MAX; 256];
    let mut i = 0;
    while i < INSTRUCTIONS.len() {
        table[INSTRUCTIONS[i].code as usize] = i as u8;
        i += 1;
    }
    table
};

impl Opcode {
    /// The opcode with this 8-bit value, if one is assigned.
    pub fn from_code(code: u8) -> Option<Opcode> {
        match BY_CODE[code as usize] {
            u8::MAX => None,
            i => Some(INSTRUCTIONS[i as usize].opcode),
        }
    }

    /// The opcode with this mnemonic (case-insensitive), if any.
    pub fn from_mnemonic(mnemonic: &str) -> Option<Opcode> {
        INSTRUCTIONS
            .iter()
            .find(|i| i.mnemonic.eq_ignore_ascii_case(mnemonic))
            .map(|i| i.opcode)
    }

    /// This opcode's row of the instruction table.
    pub fn info(self) -> &'static InstrInfo {
        &INSTRUCTIONS[self.index()]
    }

    /// Position of this opcode in [`INSTRUCTIONS`] (dense, for per-opcode tables).
    pub fn index(self) -> usize {
        BY_CODE[self as u8 as usize] as usize
    }

    /// Assembly mnemonic.
    pub fn mnemonic(self) -> &'static str {
        self.info().mnemonic
    }

    /// Operand kind.
    pub fn operand(self) -> OperandKind {
        self.info().operand
    }
}

impl std::fmt::Display for Opcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.mnemonic())
    }
}

/// Number of instructions in ISA v1.
pub const COUNT: usize = INSTRUCTIONS.len();

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn table_is_consistent() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for (i, info) in INSTRUCTIONS.iter().enumerate() {
            assert_eq!(info.opcode as u8, info.code, "{}", info.mnemonic);
            assert!(codes.insert(info.code), "duplicate opcode {:#x}", info.code);
            assert!(names.insert(info.mnemonic), "duplicate {}", info.mnemonic);
            assert_eq!(info.opcode.index(), i);
            assert_eq!(Opcode::from_code(info.code), Some(info.opcode));
            assert_eq!(Opcode::from_mnemonic(info.mnemonic), Some(info.opcode));
            assert!(info.default_cycles >= 1);
        }
    }

    #[test]
    fn table_is_sorted_by_opcode() {
        assert!(INSTRUCTIONS.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn unassigned_codes_decode_to_none() {
        let assigned: HashSet<u8> = INSTRUCTIONS.iter().map(|i| i.code).collect();
        for code in 0..=u8::MAX {
            assert_eq!(Opcode::from_code(code).is_some(), assigned.contains(&code));
        }
    }
}
