//! Binary encoding of instructions: an 8-bit opcode over a 24-bit operand field.
//!
//! ```text
//!  31        24 23                                   0
//! +------------+--------------------------------------+
//! |   opcode   |               operand                |
//! +------------+--------------------------------------+
//! ```
//!
//! `pushw` is followed by one more code word holding its 32-bit literal.

use bitvec::prelude::*;
use serde::Serialize;

use crate::opcode::{Opcode, OperandKind};

/// Bit range of the opcode field within an instruction word.
pub const OPCODE_BITS: std::ops::Range<usize> = 24..32;
/// Bit range of the operand field within an instruction word.
pub const OPERAND_BITS: std::ops::Range<usize> = 0..24;
/// Smallest value a signed 24-bit operand holds.
pub const SIGNED24_MIN: i64 = -(1 << 23);
/// Largest value a signed 24-bit operand holds.
pub const SIGNED24_MAX: i64 = (1 << 23) - 1;
/// Largest value an unsigned 24-bit operand (or address) holds.
pub const UNSIGNED24_MAX: i64 = (1 << 24) - 1;

/// One decoded instruction: an opcode and its operand value.
///
/// For `Signed24` the operand is the sign-extended value; for `Word32` it is
/// the following code word; for `None` it is zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Instruction {
    /// The operation.
    pub opcode: Opcode,
    /// The operand value as a 32-bit word.
    pub operand: u32,
}

/// Why a code word does not decode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The opcode field holds no assigned opcode.
    #[error("bad opcode {0:#04x}")]
    BadOpcode(u8),
    /// An instruction without a 24-bit operand has non-zero operand bits.
    #[error("{0} has non-zero operand bits {1:#08x}")]
    StrayOperand(Opcode, u32),
    /// `pushw` is the last code word, so its literal is missing.
    #[error("{0} at the end of code is missing its literal word")]
    Truncated(Opcode),
}

/// Why an operand value cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The value does not fit the instruction's operand field.
    #[error("operand {value} out of range for {opcode} (allowed {min}..={max})")]
    OutOfRange {
        /// The instruction.
        opcode: Opcode,
        /// The value given.
        value: i64,
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
}

/// Allowed operand values (inclusive) for an operand kind.
pub fn operand_range(kind: OperandKind) -> (i64, i64) {
    match kind {
        OperandKind::None => (0, 0),
        OperandKind::Signed24 => (SIGNED24_MIN, SIGNED24_MAX),
        OperandKind::Unsigned24 | OperandKind::CodeAddr | OperandKind::DataAddr => {
            (0, UNSIGNED24_MAX)
        }
        OperandKind::Word32 => (i32::MIN as i64, u32::MAX as i64),
    }
}

impl Instruction {
    /// Builds an instruction from an operand value, checking its range.
    pub fn new(opcode: Opcode, value: i64) -> Result<Instruction, EncodeError> {
        let (min, max) = operand_range(opcode.operand());
        if value < min || value > max {
            return Err(EncodeError::OutOfRange {
                opcode,
                value,
                min,
                max,
            });
        }
        Ok(Instruction {
            opcode,
            operand: value as u32,
        })
    }

    /// An instruction without operand.
    pub fn bare(opcode: Opcode) -> Instruction {
        Instruction { opcode, operand: 0 }
    }

    /// The operand as the signed value the assembler would write.
    pub fn operand_value(&self) -> i64 {
        match self.opcode.operand() {
            OperandKind::Signed24 => self.operand as i32 as i64,
            OperandKind::Word32 => self.operand as i32 as i64,
            _ => self.operand as i64,
        }
    }

    /// Number of code words this instruction occupies.
    pub fn words(&self) -> u32 {
        self.opcode.operand().words()
    }

    /// Appends the encoded word(s) to `out`.
    pub fn encode_into(&self, out: &mut Vec<u32>) {
        let mut word = bitarr![u32, Lsb0; 0; 32];
        word[OPCODE_BITS].store_le(self.opcode as u8);
        match self.opcode.operand() {
            OperandKind::None | OperandKind::Word32 => {}
            _ => word[OPERAND_BITS].store_le(self.operand & 0x00FF_FFFF),
        }
        out.push(word.into_inner()[0]);
        if self.opcode.operand() == OperandKind::Word32 {
            out.push(self.operand);
        }
    }

    /// The encoded word(s).
    pub fn encode(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(2);
        self.encode_into(&mut out);
        out
    }

    /// Decodes the instruction starting at `code[0]`, returning it and its length in words.
    pub fn decode(code: &[u32]) -> Result<(Instruction, u32), DecodeError> {
        let Some(&first) = code.first() else {
            return Err(DecodeError::BadOpcode(0));
        };
        let bits = first.view_bits::<Lsb0>();
        let raw_op: u8 = bits[OPCODE_BITS].load_le();
        let field: u32 = bits[OPERAND_BITS].load_le();
        let opcode = Opcode::from_code(raw_op).ok_or(DecodeError::BadOpcode(raw_op))?;
        let operand = match opcode.operand() {
            OperandKind::None => {
                if field != 0 {
                    return Err(DecodeError::StrayOperand(opcode, field));
                }
                0
            }
            OperandKind::Word32 => {
                if field != 0 {
                    return Err(DecodeError::StrayOperand(opcode, field));
                }
                *code.get(1).ok_or(DecodeError::Truncated(opcode))?
            }
            OperandKind::Signed24 => ((field << 8) as i32 >> 8) as u32,
            _ => field,
        };
        Ok((Instruction { opcode, operand }, opcode.operand().words()))
    }
}

impl std::fmt::Display for Instruction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.opcode.operand() {
            OperandKind::None => write!(f, "{}", self.opcode),
            OperandKind::Word32 => write!(f, "{} {:#x}", self.opcode, self.operand),
            _ => write!(f, "{} {}", self.opcode, self.operand_value()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opcode::INSTRUCTIONS;
    use proptest::prelude::*;

    #[test]
    fn layout_matches_the_documented_fields() {
        let i = Instruction::new(Opcode::Push, -1).unwrap();
        assert_eq!(i.encode(), vec![0x10FF_FFFF]);
        let j = Instruction::new(Opcode::Jmp, 0x12_3456).unwrap();
        assert_eq!(j.encode(), vec![0x5012_3456]);
        let w = Instruction::new(Opcode::PushW, 0xDEAD_BEEF).unwrap();
        assert_eq!(w.encode(), vec![0x1100_0000, 0xDEAD_BEEF]);
        assert_eq!(Instruction::bare(Opcode::Add).encode(), vec![0x2000_0000]);
    }

    #[test]
    fn out_of_range_operands_are_rejected() {
        assert!(Instruction::new(Opcode::Push, SIGNED24_MAX + 1).is_err());
        assert!(Instruction::new(Opcode::Push, SIGNED24_MIN - 1).is_err());
        assert!(Instruction::new(Opcode::Jmp, -1).is_err());
        assert!(Instruction::new(Opcode::Jmp, UNSIGNED24_MAX + 1).is_err());
        assert!(Instruction::new(Opcode::Add, 1).is_err());
        assert!(Instruction::new(Opcode::PushW, -1).is_ok());
    }

    #[test]
    fn operand_ranges_are_the_documented_ones() {
        // docs/isa.md: signed 24-bit -8388608 ..= 8388607; unsigned, code and data
        // addresses 0 ..= 16777215; pushw any 32-bit word.
        for (opcode, min, max) in [
            (Opcode::Push, -8_388_608, 8_388_607),
            (Opcode::Pick, 0, 16_777_215),
            (Opcode::Jmp, 0, 16_777_215),
            (Opcode::LoadI, 0, 16_777_215),
            (Opcode::PushW, i64::from(i32::MIN), i64::from(u32::MAX)),
        ] {
            assert!(Instruction::new(opcode, min).is_ok(), "{opcode} {min}");
            assert!(Instruction::new(opcode, max).is_ok(), "{opcode} {max}");
            assert!(
                Instruction::new(opcode, min - 1).is_err(),
                "{opcode} {min} - 1"
            );
            assert!(
                Instruction::new(opcode, max + 1).is_err(),
                "{opcode} {max} + 1"
            );
        }
    }

    #[test]
    fn instructions_print_as_the_trace_shows_them() {
        // docs/report.md's trace shows `jz 32`: the mnemonic, then the operand; a signed
        // operand prints signed, pushw's literal in hex, and a bare instruction alone.
        let text = |op, v| Instruction::new(op, v).unwrap().to_string();
        assert_eq!(text(Opcode::Jz, 32), "jz 32");
        assert_eq!(text(Opcode::Push, -3), "push -3");
        assert_eq!(text(Opcode::PushW, 0xDEAD_BEEF), "pushw 0xdeadbeef");
        assert_eq!(text(Opcode::Add, 0), "add");
    }

    #[test]
    fn truncated_pushw_is_an_error() {
        assert_eq!(
            Instruction::decode(&[0x1100_0000]),
            Err(DecodeError::Truncated(Opcode::PushW))
        );
    }

    proptest! {
        #[test]
        fn every_word_decodes_or_errors_and_reencodes_identically(w0: u32, w1: u32) {
            let code = [w0, w1];
            if let Ok((instr, len)) = Instruction::decode(&code) {
                prop_assert_eq!(instr.encode(), code[..len as usize].to_vec());
            }
        }

        #[test]
        fn every_valid_instruction_round_trips(idx in 0..INSTRUCTIONS.len(), raw: u32) {
            let info = &INSTRUCTIONS[idx];
            let (min, max) = operand_range(info.operand);
            let span = (max - min) as u64 + 1;
            let value = min + (raw as u64 % span) as i64;
            let instr = Instruction::new(info.opcode, value).unwrap();
            let words = instr.encode();
            prop_assert_eq!(words.len() as u32, instr.words());
            let (back, len) = Instruction::decode(&words).unwrap();
            prop_assert_eq!(len, instr.words());
            prop_assert_eq!(back, instr);
            prop_assert_eq!(back.operand_value(), if info.operand == OperandKind::Word32 { value as u32 as i32 as i64 } else { value });
        }
    }

    #[test]
    fn whole_opcode_space_is_classified() {
        for op in 0..=255u32 {
            let word = op << 24;
            let result = Instruction::decode(&[word, 0]);
            match Opcode::from_code(op as u8) {
                Some(opcode) => assert_eq!(result.unwrap().0.opcode, opcode),
                None => assert_eq!(result, Err(DecodeError::BadOpcode(op as u8))),
            }
        }
    }
}
